"""Freshness: articles whose last review (lastReviewed, else lastUpdated) is older than the interval."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from ordbog.check.findings import CheckContext, Finding, finding
from ordbog.check.places import key_line
from ordbog.danish.dates import format_dmy
from ordbog.model import Article


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from start to end (24/02 → 23/03 is 0, → 24/03 is 1)."""
    return (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)


def review_date(a: Article) -> tuple[dt.date, str] | None:
    if a.last_reviewed:
        return a.last_reviewed, "lastReviewed"
    if a.last_updated:
        return a.last_updated, "lastUpdated"
    return None


def check(ctx: CheckContext) -> Iterator[Finding]:
    interval = ctx.settings.review_months
    for a in ctx.articles:
        found = review_date(a)
        if found is None:
            continue
        date, key = found
        age = months_between(date, ctx.today)
        if age >= interval:
            what = "gennemgået" if key == "lastReviewed" else "opdateret"
            yield finding("REV001", a.path, key_line(ctx.sources[a.path], key),
                          f"sidst {what} {format_dmy(date)}, {age} måneder siden (intervallet er {interval} måneder)",
                          "gennemgå artiklen fagligt, og sæt lastReviewed til dagens dato",
                          sort_hint=(date.toordinal(),))
