"""Readability: LIX per article and per H2 section, and sentences over the length limit.

Only running text counts (paragraphs and list items), as plain text (a link counts by its visible
words, not its address); headings and table cells do not. An article at or over the LIX limit gets
one finding naming its hardest sections; in an article under the limit, each section over it gets
its own finding, so one hard section in an easy article is still seen.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator

from ordbog.check import lix
from ordbog.check.findings import CheckContext, Finding, finding
from ordbog.check.places import text_place, token_line
from ordbog.check.prose import Paragraph, running_text
from ordbog.model import Article, Section


def article_lix(a: Article, found: tuple[Paragraph, ...] | None = None) -> tuple[lix.Counts, list[tuple[Section, lix.Counts]]]:
    """The whole article's counts, and each section's."""
    found = running_text(a) if found is None else found
    starts = [s.token_range[0] for s in a.sections]
    per_section = [lix.Counts() for _ in a.sections]
    total = lix.Counts()
    for p in found:
        counts = p.counts
        total = total + counts
        k = bisect_right(starts, p.index) - 1
        if k >= 0:
            per_section[k] = per_section[k] + counts
    return total, list(zip(a.sections, per_section, strict=True))


def _name(section: Section) -> str:
    return f"'{section.heading}'" if section.heading else "indledningen"


def lix_findings(ctx: CheckContext, a: Article, found: tuple[Paragraph, ...]) -> Iterator[Finding]:
    limit, min_words = ctx.settings.lix_max, ctx.settings.section_min_words
    total, sections = article_lix(a, found)
    hard = sorted(((c.lix, s) for s, c in sections if c.words >= min_words and round(c.lix) >= limit),
                  key=lambda p: -p[0])
    if total.words and round(total.lix) >= limit:
        worst = ", ".join(f"{_name(s)} ({v:.0f})" for v, s in hard[:2])
        hint = "kortere sætninger og færre lange ord" + (f"; sværest: {worst}" if worst else "")
        line = token_line(a, found[0].token) if found else a.body_line
        yield finding("RDB001", a.path, line, f"LIX {total.lix:.0f} ({lix.band(total.lix)}); målet er under {limit}", hint)
        return
    for value, s in hard:
        yield finding("RDB001", a.path, s.line or a.body_line,
                      f"afsnittet {_name(s)} har LIX {value:.0f} ({lix.band(value)}); målet er under {limit}",
                      "kortere sætninger og færre lange ord")


def long_sentences(ctx: CheckContext, a: Article, found: tuple[Paragraph, ...]) -> Iterator[Finding]:
    limit = ctx.settings.sentence_max_words
    for p in found:
        for sentence in p.sentences:
            n = len(sentence.words)
            if n > limit:
                line, column = text_place(a, p.token, sentence.text[:12])
                start = " ".join(sentence.text.split()[:6])
                yield finding("RDB002", a.path, line, f"sætningen '{start} …' har {n} ord (grænsen er {limit})",
                              "del sætningen i to eller flere", column=column)


def check(ctx: CheckContext) -> Iterator[Finding]:
    for a in ctx.articles:
        found = ctx.prose(a)
        yield from lix_findings(ctx, a, found)
        yield from long_sentences(ctx, a, found)
