"""Dates as Danish editors write them ("24/02/2024") and as readers read them ("24. februar 2024")."""

from __future__ import annotations

import datetime as dt
import re

from babel.dates import format_date

_DMY = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")


class DateError(ValueError):
    """A date that cannot be read, with a Danish explanation."""


def parse_date(value: object) -> dt.date:
    """DD/MM/YYYY (also with . or -), ISO YYYY-MM-DD, or a YAML date; raises DateError."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise DateError(f"'{value}' er ikke en dato")
    if m := _DMY.match(value):
        day, month, year = (int(g) for g in m.groups())
    elif m := _ISO.match(value):
        year, month, day = (int(g) for g in m.groups())
    else:
        raise DateError(f"'{value}' er ikke en dato i formatet DD/MM/ÅÅÅÅ")
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise DateError(f"'{value}' findes ikke i kalenderen") from None


def format_danish(date: dt.date) -> str:
    """"24. februar 2024"."""
    return format_date(date, format="d. MMMM y", locale="da_DK")


def format_dmy(date: dt.date) -> str:
    """The frontmatter spelling, "24/02/2024"."""
    return date.strftime("%d/%m/%Y")
