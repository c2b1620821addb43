""""Today" for date rules and imports, injectable so output is reproducible.

Order: an explicit `--today YYYY-MM-DD`, else `SOURCE_DATE_EPOCH` (seconds since 1970, UTC, as
reproducible-builds tools set it), else the system date.
"""

from __future__ import annotations

import datetime as dt
import os


class TodayError(ValueError):
    """A --today or SOURCE_DATE_EPOCH value that is not a date."""


def resolve_today(option: str | None = None, environ: dict[str, str] | None = None) -> dt.date:
    env = os.environ if environ is None else environ
    if option:
        try:
            return dt.date.fromisoformat(option.strip())
        except ValueError:
            raise TodayError(f"--today '{option}' er ikke en dato i formatet ÅÅÅÅ-MM-DD") from None
    if epoch := env.get("SOURCE_DATE_EPOCH", "").strip():
        try:
            return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc).date()
        except (ValueError, OverflowError, OSError):
            raise TodayError(f"SOURCE_DATE_EPOCH '{epoch}' er ikke et antal sekunder") from None
    return dt.date.today()
