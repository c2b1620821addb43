"""Frontmatter rules on top of the analyse stage: dates in the future, date spelling, key case fixes."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from ordbog.check.findings import CheckContext, Finding, LineEdit, finding
from ordbog.check.places import key_line, raw_value
from ordbog.danish.dates import DateError, format_dmy, parse_date
from ordbog.frontmatter import KNOWN_KEYS
from ordbog.model import Source

DATE_KEYS = ("lastUpdated", "datePublished", "lastReviewed")
_CANONICAL_DATE = re.compile(r"^\d{2}/\d{2}/\d{4}$")


def _dates(source: Source) -> Iterator[tuple[str, object, dt.date]]:
    for key in DATE_KEYS:
        value = raw_value(source, key)
        if value in (None, ""):
            continue
        try:
            yield key, value, parse_date(value)
        except DateError:
            continue  # reported by the analyse stage (FM004)


def _replace_value(line: str, old: str, new: str) -> str | None:
    key, sep, rest = line.partition(":")
    if not sep or old not in rest:
        return None
    return key + sep + rest.replace(old, new, 1)


def future_dates(ctx: CheckContext, source: Source) -> Iterator[Finding]:
    for key, _value, date in _dates(source):
        if date > ctx.today:
            yield finding("FM005", source.path, key_line(source, key),
                          f"{key} er {format_dmy(date)}, som ligger i fremtiden",
                          f"skriv den dato, artiklen faktisk blev ændret (i dag er {format_dmy(ctx.today)})")


def date_format(ctx: CheckContext, source: Source) -> Iterator[Finding]:
    lines = ctx.raw_lines.get(source.path, [])
    for key, value, date in _dates(source):
        written = value.isoformat() if isinstance(value, dt.date) else str(value).strip()
        if _CANONICAL_DATE.match(written):
            continue
        line = key_line(source, key)
        wanted = format_dmy(date)
        edits: tuple[LineEdit, ...] = ()
        if 0 < line <= len(lines) and (new := _replace_value(lines[line - 1], written, wanted)) is not None:
            edits = (LineEdit(line, lines[line - 1], new),)
        yield finding("FM006", source.path, line, f"{key} '{written}' er ikke skrevet som DD/MM/ÅÅÅÅ",
                      f"skriv {key}: \"{wanted}\" (ordbog check --fix gør det)", edits=edits)


def key_case_edit(ctx: CheckContext, f: Finding) -> Finding:
    """Attach the rename `Title:` → `title:` to an FM101 finding, unless both spellings exist."""
    source = ctx.sources.get(f.path)
    lines = ctx.raw_lines.get(f.path, [])
    if source is None or not 0 < f.diagnostic.line <= len(lines):
        return f
    text = lines[f.diagnostic.line - 1]
    key = text.partition(":")[0].strip()
    known = next((k for k in KNOWN_KEYS if k.casefold() == key.casefold()), None)
    if known is None or known == key or known in source.frontmatter:
        return f
    new = text.replace(key, known, 1)
    return Finding(f.diagnostic, f.rule, (LineEdit(f.diagnostic.line, text, new),), f.sort_hint)


def check(ctx: CheckContext) -> Iterator[Finding]:
    for source in ctx.sources.values():
        yield from future_dates(ctx, source)
        yield from date_format(ctx, source)
