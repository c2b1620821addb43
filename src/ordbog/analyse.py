"""Analyse stage: `Source` → `Article` (typed metadata, tokens with heading ids, sections, FAQ).

Pure functions; the only input is the Source and the only output is the Article plus
diagnostics. Legacy quirks of real content are repaired here with a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from markdown_it.token import Token

from ordbog import markdown
from ordbog.danish.slug import transliterate, unique_id
from ordbog.diagnostics import Diagnostic, error, warning
from ordbog.model import Article, FaqItem, Heading, Person, Related, Section, Source

if TYPE_CHECKING:  # the schema (pydantic) is built on first use: a build served from the cache never analyses
    from ordbog.frontmatter import Frontmatter

FAQ_HEADING = re.compile(r"^\s*(ofte\s+stillede\s+spørgsmål|faq\b|spørgsmål\s+og\s+svar)", re.I)
TITLE_SEPARATORS = (" – ", " — ", " - ", " | ")
DESCRIPTION_MAX = 160
_WORD = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*", re.U)
_LEADING_MARKER = re.compile(r"^[A-ZÆØÅ]{3,}:\s+")
RESERVED_IDS = frozenset({"indhold", "main", "top", "soeg", "se-ogsaa"})


@dataclass(frozen=True, slots=True)
class _Block:
    """A heading found in the token stream."""

    index: int  # of heading_open
    level: int
    text: str
    line: int


def _headings(tokens: list[Token], body_line: int) -> list[_Block]:
    found = []
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open":
            line = body_line + (tok.map[0] if tok.map else 0)
            found.append(_Block(i, int(tok.tag[1]), markdown.inline_text(tokens[i + 1]), line))
    return found


def _assign_ids(tokens: list[Token], blocks: list[_Block]) -> dict[int, str]:
    """Stable, unique Danish ids for every heading (`hvad-er-aarsagerne-til-muskelkramp`)."""
    taken = set(RESERVED_IDS)
    ids = {}
    for block in blocks:
        ids[block.index] = unique_id(block.text, taken)
        tokens[block.index].attrSet("id", ids[block.index])
    return ids


def _faq_span(blocks: list[_Block], n_tokens: int) -> tuple[_Block, int] | None:
    """The FAQ H2 and the token index where its section ends."""
    for k, block in enumerate(blocks):
        if block.level == 2 and FAQ_HEADING.match(block.text):
            end = next((b.index for b in blocks[k + 1 :] if b.level <= 2), n_tokens)
            return block, end
    return None


def _restructure_faq(
    tokens: list[Token], blocks: list[_Block], ids: dict[int, str], path: str
) -> tuple[list[Token], tuple[FaqItem, ...], Heading | None, list[Diagnostic]]:
    """Replace the FAQ section's H3s by `<details>` tokens; collect questions and answers."""
    span = _faq_span(blocks, len(tokens))
    if span is None:
        return tokens, (), None, []
    faq_block, end = span
    questions = [b for b in blocks if faq_block.index < b.index < end and b.level == 3]
    diags: list[Diagnostic] = []
    out = tokens[: faq_block.index]
    opener = Token("faq_open", "section", 1, meta={"heading_id": ids[faq_block.index]})
    out.append(opener)
    first_q = questions[0].index if questions else end
    out.extend(tokens[faq_block.index : first_q])
    items = []
    for k, q in enumerate(questions):
        answer_end = questions[k + 1].index if k + 1 < len(questions) else end
        item_open = Token("faq_item_open", "details", 1, meta={"id": ids[q.index]})
        out.append(item_open)
        out.append(tokens[q.index + 1])  # the question's inline token, rendered inside <summary>
        out.append(Token("faq_question_close", "summary", -1))
        start = len(out)
        out.extend(tokens[q.index + 3 : answer_end])
        answer = " ".join(markdown.inline_text(t) for t in out[start:] if t.type == "inline").strip()
        if not answer:
            diags.append(warning(path, q.line, "ART003", f"FAQ-spørgsmålet '{q.text}' har intet svar",
                                 "skriv svaret i afsnittet under spørgsmålet"))
        items.append(FaqItem(q.text, answer, ids[q.index], q.line, (start, len(out))))
        out.append(Token("faq_item_close", "details", -1))
    out.append(Token("faq_close", "section", -1))
    out.extend(tokens[end:])
    heading = Heading(2, faq_block.text, ids[faq_block.index], faq_block.line)
    return out, tuple(items), heading, diags


def _sections(tokens: list[Token], body_line: int) -> tuple[Section, ...]:
    """H2 sections over the final token list (heading tokens located by their id attr)."""
    starts = [(i, t) for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag == "h2"]
    # a section starts at its H2, or at the FAQ wrapper that opens just before it
    starts = [(i - 1 if i and tokens[i - 1].type == "faq_open" else i, t) for i, t in starts]
    bounds = [(0, None)] + starts
    sections = []
    for k, (start, tok) in enumerate(bounds):
        stop = bounds[k + 1][0] if k + 1 < len(bounds) else len(tokens)
        if tok is None and stop == 0:
            continue
        h = tokens.index(tok, start) if tok is not None else start
        heading = markdown.inline_text(tokens[h + 1]) if tok is not None else ""
        body_start = h + 3 if tok is not None else start
        text = " ".join(markdown.inline_text(t) for t in tokens[body_start:stop] if t.type == "inline").strip()
        line = body_line + (tok.map[0] if tok is not None and tok.map else 0)
        sections.append(Section(heading, str(tok.attrGet("id")) if tok else "", text, line, (start, stop)))
    return tuple(s for s in sections if s.heading or s.text)


def first_paragraph(tokens: list[Token]) -> str:
    for i, tok in enumerate(tokens):
        if tok.type == "paragraph_open" and i + 1 < len(tokens):
            text = markdown.inline_text(tokens[i + 1])
            if text:
                return _LEADING_MARKER.sub("", text)
    return ""


def cut_description(text: str, limit: int = DESCRIPTION_MAX) -> str:
    """At most `limit` characters, cut at a word boundary with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:–-") + "…"


def recover_title_from_slug(slug: str, body: str) -> str | None:
    """Find the Danish spelling of a transliterated slug in the body ("laendesmerter" → "Lændesmerter")."""
    parts = slug.split("-")
    words = _WORD.findall(body)
    folded = [transliterate(w).lower() for w in words]
    n = len(parts)
    for i in range(len(words) - n + 1):
        if folded[i : i + n] == parts:
            phrase = " ".join(words[i : i + n])
            return phrase[0].upper() + phrase[1:]
    spelled = []
    lookup = {f: w for f, w in zip(reversed(folded), reversed(words))}
    for part in parts:
        spelled.append(lookup.get(part, part).lower())
    if all(p not in lookup for p in parts):
        return None
    phrase = " ".join(spelled)
    return phrase[0].upper() + phrase[1:]


def _resolve_title(
    fm: Frontmatter, blocks: list[_Block], source: Source
) -> tuple[str, bool, list[Diagnostic]]:
    """(title, leading-H1-is-title, diagnostics) following the legacy fallbacks in order."""
    first_h1 = blocks[0] if blocks and blocks[0].level == 1 else None
    if fm.title and fm.title.strip():
        return fm.title.strip(), False, []
    if fm.metaTitle:
        for sep in TITLE_SEPARATORS:
            if sep in fm.metaTitle:
                title = fm.metaTitle.split(sep, 1)[0].strip()
                return title, False, [warning(source.path, 2, "ART001", f"'title' mangler; bruger '{title}' fra metaTitle",
                                              f"tilføj title: \"{title}\" i frontmatter")]
    if first_h1:
        return first_h1.text, True, [warning(source.path, first_h1.line, "ART001",
                                             f"'title' mangler; bruger overskriften '{first_h1.text}'",
                                             f"flyt overskriften til frontmatter: title: \"{first_h1.text}\"")]
    recovered = recover_title_from_slug(source.slug, source.body)
    title = recovered or source.slug.replace("-", " ").capitalize()
    return title, False, [warning(source.path, 2, "ART001", f"'title' mangler; bruger '{title}' ud fra filnavnet",
                                  f"tilføj title: \"{title}\" i frontmatter")]


def _person(model) -> Person | None:
    return Person(model.name, model.job_title, model.url) if model else None


def analyse(source: Source) -> tuple[Article | None, list[Diagnostic]]:
    """Source → Article; None when the article has errors that make it unpublishable."""
    from ordbog.frontmatter import validate

    fm, diags = validate(source)
    tokens = markdown.parse(source.body)
    blocks = _headings(tokens, source.body_line)
    title, h1_is_title, title_diags = _resolve_title(fm, blocks, source)
    diags += title_diags
    if h1_is_title or (blocks and blocks[0].level == 1 and blocks[0].index == 0):
        # a leading H1 repeats the page title, which the template renders itself
        tokens = tokens[3:]
        blocks = _headings(tokens, source.body_line)
    ids = _assign_ids(tokens, blocks)
    tokens, faq, faq_heading, faq_diags = _restructure_faq(tokens, blocks, ids, source.path)
    diags += faq_diags
    headings = tuple(Heading(b.level, b.text, ids[b.index], b.line) for b in blocks)
    meta_title = (fm.metaTitle or "").strip()
    if not meta_title:
        meta_title = title
        diags.append(warning(source.path, 2, "ART002", "'metaTitle' mangler; bruger titlen",
                             f"tilføj metaTitle: \"{title} – …\" (højst ca. 60 tegn)"))
    if fm.lastUpdated and fm.datePublished and fm.lastUpdated < fm.datePublished:
        diags.append(warning(source.path, source.key_lines.get("lastUpdated", 2), "ART004",
                             "lastUpdated ligger før datePublished",
                             "ret datoerne, så lastUpdated er samme dag som eller efter datePublished"))
    last_updated = max(filter(None, (fm.lastUpdated, fm.datePublished)), default=None)
    text_words = sum(len(_WORD.findall(t.content)) for t in tokens if t.type == "inline")
    article = Article(
        slug=source.slug,
        path=source.path,
        title=title,
        meta_title=meta_title,
        description=cut_description((fm.description or "").strip() or first_paragraph(tokens) or title),
        last_updated=last_updated,
        date_published=fm.datePublished or fm.lastUpdated,
        related=tuple(Related(r.type, r.slug, r.title) for r in fm.related),
        aliases=tuple(fm.aliases),
        reviewed_by=_person(fm.reviewedBy),
        last_reviewed=fm.lastReviewed,
        author=_person(fm.author),
        headings=headings,
        sections=_sections(tokens, source.body_line),
        faq=faq,
        faq_heading=faq_heading,
        word_count=text_words,
        tokens=tuple(tokens),
        body_line=source.body_line,
        digest=source.digest,
    )
    if any(d.is_error for d in diags):
        return None, diags
    return article, diags


def check_related(articles: list[Article]) -> list[Diagnostic]:
    """`related` entries of type ordbog that point to no article."""
    slugs = {a.slug for a in articles}
    return [
        warning(a.path, 2, "ART005", f"related peger på '{r.slug}', som ikke findes", "ret slug eller fjern linjen")
        for a in articles
        for r in a.related
        if r.type == "ordbog" and r.slug not in slugs
    ]


__all__ = ["analyse", "check_related", "cut_description", "first_paragraph", "recover_title_from_slug", "error"]
