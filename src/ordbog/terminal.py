"""The CLI's stderr: rich's Console where it shows (colours on a terminal), plain writes where it
would not (a pipe, a file, a CI log).

Importing rich and printing 700 warnings through it one by one costs ~90 ms of CPU a build, for
text that comes out the same: off a terminal rich only replaces emoji codes (`:smile:`) and drops
a few control characters, and `plain_text` does exactly that (text with a tab, which rich expands
to columns, still goes through rich). On a terminal, a run of diagnostics of one colour is one
rich print instead of one per line.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from itertools import groupby
from typing import Any

_STRIPPED = dict.fromkeys((7, 8, 11, 12, 13))  # rich.control.STRIP_CONTROL_CODES: bell, backspace, VT, FF, CR


class LazyConsole:
    """`rich.console.Console(stderr=True, highlight=False)`, made when first used."""

    def __init__(self) -> None:
        self._console: Any = None

    @property
    def rich(self) -> Any:
        if self._console is None:
            from rich.console import Console

            self._console = Console(stderr=True, highlight=False)
        return self._console

    def __getattr__(self, name: str) -> Any:
        return getattr(self.rich, name)


def rich_sees_a_terminal() -> bool:
    """What `Console(stderr=True).is_terminal` says, without importing rich (same rules and order;
    where rich has more cases — IDLE, Jupyter — they only ever say "no terminal", and this
    answers "terminal", which merely keeps rich in charge)."""
    tty_compatible = os.environ.get("TTY_COMPATIBLE", "")
    if tty_compatible in ("0", "1"):
        return tty_compatible == "1"
    force_color = os.environ.get("FORCE_COLOR")
    if force_color is not None:
        return force_color != ""
    isatty = getattr(sys.stderr, "isatty", None)
    try:
        return isatty is not None and bool(isatty())
    except ValueError:
        return False


def plain_text(text: str) -> str | None:
    """`text` as rich prints it off a terminal (soft wrap, no markup), or None if only rich knows."""
    if "\t" in text:
        return None
    if ":" in text:
        from rich._emoji_replace import _emoji_replace

        text = _emoji_replace(text)
    return text.translate(_STRIPPED)


def print_styled(console: Any, lines: Iterable[tuple[str, str]]) -> None:
    """Print (text, style) lines to stderr as `console.print(text, style=…, markup=False, soft_wrap=True)` would."""
    lines = list(lines)
    if not lines:
        return
    if not rich_sees_a_terminal():
        plain = [plain_text(text) for text, _ in lines]
        if None not in plain:
            sys.stderr.write("".join(f"{text}\n" for text in plain))
            sys.stderr.flush()
            return
    for style, run in groupby(lines, key=lambda line: line[1]):
        console.print("\n".join(text for text, _ in run), style=style, markup=False, soft_wrap=True)
