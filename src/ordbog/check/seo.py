"""SEO rules: metaTitle length, description length, duplicate titles, H1 and heading structure."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

from ordbog.analyse import TITLE_SEPARATORS
from ordbog.check.findings import CheckContext, Finding, finding
from ordbog.check.places import key_line, raw_value
from ordbog.check.serp import title_pixels
from ordbog.model import Article, Source

_PUNCT = re.compile(r"[^\w\s]")


def _norm(text: str) -> str:
    return " ".join(_PUNCT.sub(" ", text.casefold()).split())


def meta_title_length(ctx: CheckContext, a: Article, source: Source) -> Iterator[Finding]:
    s = ctx.settings
    chars, pixels = len(a.meta_title), title_pixels(a.meta_title)
    if chars > s.meta_title_max_chars or pixels > s.meta_title_max_pixels:
        yield finding("SEO001", a.path, key_line(source, "metaTitle"),
                      f"metaTitle er ca. {pixels} px bred ({chars} tegn); søgeresultater viser ca. "
                      f"{s.meta_title_max_pixels} px (omkring 60 tegn)",
                      "forkort metaTitle, så det vigtigste står først")


def description_length(ctx: CheckContext, a: Article, source: Source) -> Iterator[Finding]:
    s = ctx.settings
    explicit = str(raw_value(source, "description") or "").strip()
    text = " ".join(explicit.split()) if explicit else a.description
    where = "description" if explicit else "beskrivelsen (taget fra første afsnit)"
    line = key_line(source, "description") if explicit else 2
    if len(text) < s.description_min_chars:
        yield finding("SEO002", a.path, line, f"{where} er kun {len(text)} tegn (mindst {s.description_min_chars})",
                      "skriv en description på 120–160 tegn, der svarer på det, læseren søgte efter")
    elif explicit and len(text) > s.description_max_chars:
        yield finding("SEO003", a.path, line, f"description er {len(text)} tegn; søgeresultater viser ca. "
                      f"{s.description_max_chars}", "forkort description til højst "
                      f"{s.description_max_chars} tegn")


def duplicates(ctx: CheckContext, code: str, label: str, value) -> Iterator[Finding]:
    groups: dict[str, list[Article]] = defaultdict(list)
    for a in ctx.articles:
        if _norm(value(a)):
            groups[_norm(value(a))].append(a)
    for group in groups.values():
        for a in group if len(group) > 1 else ():
            others = ", ".join(o.path for o in group if o is not a)
            key = "metaTitle" if code == "SEO004" else "title"
            yield finding(code, a.path, key_line(ctx.sources[a.path], key),
                          f"{label} '{value(a)}' bruges også af {others}",
                          f"giv hver artikel sin egen {label}, eller slå artiklerne sammen")


def h1_rules(a: Article, source: Source) -> Iterator[Finding]:
    for h in a.headings:
        if h.level == 1:
            yield finding("SEO006", a.path, h.line, f"'# {h.text}' giver siden en H1 mere (titlen er allerede H1)",
                          "brug '## ' til afsnitsoverskrifter")
    title = str(raw_value(source, "title") or "").strip()
    meta = str(raw_value(source, "metaTitle") or "")
    if not title and not any(sep in meta for sep in TITLE_SEPARATORS) and not source.body.lstrip().startswith("# "):
        yield finding("SEO007", a.path, 2, f"siden har ingen rigtig H1; '{a.title}' er gættet ud fra filnavnet",
                      f"tilføj title: \"{a.title}\" i frontmatter")


def heading_structure(a: Article) -> Iterator[Finding]:
    previous = 1  # the title is the page's H1
    for h in a.headings:
        if h.level > previous + 1:
            yield finding("SEO008", a.path, h.line, f"'{h.text}' er H{h.level} lige efter H{previous}",
                          f"brug {'#' * (previous + 1)} her, eller tilføj den manglende overskrift")
        previous = h.level
    first_h2 = next((h for h in a.headings if h.level == 2), None)
    if first_h2 and _norm(first_h2.text) == _norm(a.title):
        yield finding("SEO009", a.path, first_h2.line, f"første H2 '{first_h2.text}' gentager titlen",
                      "brug overskriften til at sige noget nyt, fx 'Hvad er …?'")


def check(ctx: CheckContext) -> Iterator[Finding]:
    for a in ctx.articles:
        source = ctx.sources[a.path]
        yield from meta_title_length(ctx, a, source)
        yield from description_length(ctx, a, source)
        yield from h1_rules(a, source)
        yield from heading_structure(a)
    yield from duplicates(ctx, "SEO004", "metaTitle", lambda a: str(raw_value(ctx.sources[a.path], "metaTitle") or ""))
    yield from duplicates(ctx, "SEO005", "titel", lambda a: a.title)
