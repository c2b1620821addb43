"""Content rules: leftover editing markers, empty sections, an FAQ that is not last, trailing spaces."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from ordbog import markdown
from ordbog.check.findings import CheckContext, Finding, LineEdit, finding
from ordbog.check.places import key_line, offset_place, raw_value, token_line
from ordbog.model import Article, Source

_KORT_LINE = re.compile(r"^(\s*)KORT:\s*")
_FENCE = re.compile(r"^\s*(```|~~~)")


@cache
def marker_pattern(markers: tuple[str, ...]) -> re.Pattern[str] | None:
    """One regex for all markers; word-like edges must be word boundaries, `xxx` matches any case."""
    parts = []
    for m in markers:
        body = "[xX]{3,}" if m.lower() == "xxx" else re.escape(m)
        if m.startswith("["):
            body += r"[^\]\n]*\]?"  # the whole placeholder, "[indsæt kort beskrivelse]"
        left = r"(?<!\w)" if m[:1].isalnum() else ""
        right = r"(?!\w)" if m[-1:].isalnum() else ""
        parts.append(left + body + right)
    return re.compile("|".join(parts)) if parts else None


def _may_contain(source: Source, markers: tuple[str, ...]) -> bool:
    """Cheap substring test first: the regex is only worth running on the rare article with a marker."""
    text = source.body + "\n" + "\n".join(str(v) for v in source.frontmatter.values())
    folded = text.lower()
    return any((m.lower() in folded) if m.lower() == "xxx" else (m in text) for m in markers)


def _marker_hint(found: str) -> str:
    if found.startswith("["):
        return "skriv den rigtige tekst i stedet for pladsholderen"
    if found == "KORT:":
        return "slet 'KORT:' (ordbog check --fix gør det)"
    return f"gør teksten færdig, og slet '{found}'"


def leftover_markers(ctx: CheckContext, a: Article, source: Source) -> Iterator[Finding]:
    pattern = marker_pattern(tuple(ctx.settings.markers))
    if pattern is None or not _may_contain(source, tuple(ctx.settings.markers)):
        return
    lines = ctx.raw_lines.get(a.path, [])
    for key in ("title", "metaTitle", "description"):
        if (m := pattern.search(str(raw_value(source, key) or ""))) is not None:
            yield finding("TXT001", a.path, key_line(source, key), f"{key} indeholder '{m.group()}'", _marker_hint(m.group()))
    for token in a.tokens:
        if token.type != "inline":
            continue
        for m in pattern.finditer(token.content):
            line, column = offset_place(a, token, m.start())
            edits: tuple[LineEdit, ...] = ()
            if m.group() == "KORT:" and 0 < line <= len(lines) and _KORT_LINE.match(lines[line - 1]):
                edits = (LineEdit(line, lines[line - 1], _KORT_LINE.sub(r"\1", lines[line - 1], count=1)),)
            yield finding("TXT001", a.path, line, f"redigeringsmarkøren '{m.group()}' står stadig i teksten",
                          _marker_hint(m.group()), column=column, edits=edits)


def empty_sections(a: Article) -> Iterator[Finding]:
    tokens = a.tokens
    for i, tok in enumerate(tokens):
        if tok.type != "heading_open" or tok.tag == "h1":
            continue
        after = tokens[i + 3] if i + 3 < len(tokens) else None
        ends = after is None or after.type == "faq_close" or (after.type == "heading_open" and after.tag <= tok.tag)
        if ends:
            text = markdown.inline_text(tokens[i + 1])
            yield finding("TXT002", a.path, token_line(a, tok), f"overskriften '{text}' har ingen tekst under sig",
                          "skriv afsnittet, eller slet overskriften")


def faq_not_last(ctx: CheckContext, a: Article) -> Iterator[Finding]:
    if a.faq_heading is None:
        return
    allowed = tuple(x.casefold() for x in ctx.settings.after_faq)
    for h in a.headings:
        if h.level == 2 and h.line > a.faq_heading.line and not h.text.casefold().startswith(allowed):
            yield finding("TXT003", a.path, h.line, f"'{h.text}' står efter FAQ-afsnittet '{a.faq_heading.text}'",
                          "flyt FAQ-afsnittet til sidst i artiklen (kun kilder må stå efter det)")


def _strippable(lines: list[str], n: int, in_frontmatter: bool) -> bool:
    """Trailing whitespace that means nothing (two or more spaces before text are a line break)."""
    line = lines[n]
    trail = line[len(line.rstrip()):]
    if not trail:
        return False
    if in_frontmatter or not line.strip() or "\t" in trail or len(trail) == 1:
        return True
    following = lines[n + 1] if n + 1 < len(lines) else ""
    return not following.strip() or line.lstrip().startswith("#")


def trailing_whitespace(ctx: CheckContext, a: Article) -> Iterator[Finding]:
    lines = ctx.raw_lines.get(a.path, [])
    edits, fenced = [], False
    for n, line in enumerate(lines):
        if _FENCE.match(line):
            fenced = not fenced
        if not fenced and _strippable(lines, n, n + 1 < a.body_line):
            edits.append(LineEdit(n + 1, line, line.rstrip()))
    if edits:
        more = f" (og {len(edits) - 1} linjer mere)" if len(edits) > 1 else ""
        yield finding("TXT004", a.path, edits[0].line, f"linjen slutter med mellemrum{more}",
                      "fjern mellemrummene (ordbog check --fix gør det)", column=len(edits[0].new) + 1,
                      edits=tuple(edits))


def check(ctx: CheckContext) -> Iterator[Finding]:
    for a in ctx.articles:
        yield from leftover_markers(ctx, a, ctx.sources[a.path])
        yield from empty_sections(a)
        yield from faq_not_last(ctx, a)
        yield from trailing_whitespace(ctx, a)
