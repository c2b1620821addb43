"""Readability: LIX per article and per H2 section, and sentences over the length limit.

Only running text counts (paragraphs and list items), not headings or table cells. An article over
the LIX limit gets one finding naming its hardest sections; in an article under the limit, each
section over it gets its own finding, so one hard section in an easy article is still seen.
"""

from __future__ import annotations

from collections.abc import Iterator

from ordbog import markdown
from ordbog.check import lix
from ordbog.check.findings import CheckContext, Finding, finding
from ordbog.check.places import offset_place, paragraphs
from ordbog.model import Article, Section


def _section_counts(a: Article) -> list[tuple[Section, lix.Counts]]:
    found = paragraphs(a)
    result = []
    for section in a.sections:
        start, stop = section.token_range
        counts = lix.Counts()
        for _i, t in (p for p in found if start <= p[0] < stop):
            counts = counts + lix.count(markdown.inline_text(t))
        result.append((section, counts))
    return result


def article_lix(a: Article) -> tuple[lix.Counts, list[tuple[Section, lix.Counts]]]:
    sections = _section_counts(a)
    total = lix.Counts()
    for _s, c in sections:
        total = total + c
    return total, sections


def _name(section: Section) -> str:
    return f"'{section.heading}'" if section.heading else "indledningen"


def lix_findings(ctx: CheckContext, a: Article) -> Iterator[Finding]:
    limit, min_words = ctx.settings.lix_max, ctx.settings.section_min_words
    total, sections = article_lix(a)
    hard = sorted(((c.lix, s) for s, c in sections if c.words >= min_words and round(c.lix) >= limit),
                  key=lambda p: -p[0])
    if total.words and round(total.lix) >= limit:
        worst = ", ".join(f"{_name(s)} ({v:.0f})" for v, s in hard[:2])
        hint = "kortere sætninger og færre lange ord" + (f"; sværest: {worst}" if worst else "")
        yield finding("RDB001", a.path, a.body_line, f"LIX {total.lix:.0f} ({lix.band(total.lix)}); grænsen er {limit}", hint)
        return
    for value, s in hard:
        yield finding("RDB001", a.path, s.line or a.body_line,
                      f"afsnittet {_name(s)} har LIX {value:.0f} ({lix.band(value)}); grænsen er {limit}",
                      "kortere sætninger og færre lange ord")


def long_sentences(ctx: CheckContext, a: Article) -> Iterator[Finding]:
    limit = ctx.settings.sentence_max_words
    for _i, token in paragraphs(a):
        for sentence in lix.sentences(token.content):
            n = len(lix.words(sentence))
            if n > limit:
                line, column = offset_place(a, token, token.content.find(sentence[:40]))
                start = " ".join(sentence.split()[:6])
                yield finding("RDB002", a.path, line, f"sætningen '{start} …' har {n} ord (grænsen er {limit})",
                              "del sætningen i to eller flere", column=column)


def check(ctx: CheckContext) -> Iterator[Finding]:
    for a in ctx.articles:
        yield from lix_findings(ctx, a)
        yield from long_sentences(ctx, a)
