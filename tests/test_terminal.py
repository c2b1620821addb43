"""The CLI's stderr: diagnostics come out byte for byte as rich printed them one by one, whether
they are written plainly (not a terminal) or through rich in runs of one colour (a terminal)."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ordbog import terminal
from ordbog.cli import print_diagnostics
from ordbog.diagnostics import error, warning

PIECES = st.sampled_from([
    "knæ.md:12:3: ", "warning LNK001: ", "error FM001: ", "\n    tip: ", ":smile:", ":thumbs_up:", ":+1:",
    ":smile-text:", ":sm\x07ile:", "::", ":", "\t", "\r", "\x07", "\x08", "\x0b", "\x0c", "\x1b[31m", " ", "  ",
    "[bold]ikke markup[/bold]", "Ødem og æble – «citat»", "日本語", "😀", "x" * 90, "\u200b", "é", "\n",
])
LINES = st.lists(st.tuples(st.lists(PIECES, max_size=8).map("".join), st.sampled_from(["red", "yellow"])), max_size=6)


def rich_one_by_one(lines: list[tuple[str, str]]) -> None:
    """What the CLI printed before: one rich print per line."""
    from rich.console import Console

    console = Console(stderr=True, highlight=False)
    for text, style in lines:
        console.print(text, style=style, markup=False, soft_wrap=True)


def captured(monkeypatch: pytest.MonkeyPatch, write) -> str:
    buffer = io.StringIO()
    monkeypatch.setattr("sys.stderr", buffer)
    write()
    return buffer.getvalue()


@pytest.fixture
def no_colour_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("TTY_COMPATIBLE", "FORCE_COLOR", "NO_COLOR", "TTY_INTERACTIVE", "COLUMNS"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def output(env: dict[str, str], write) -> str:
    with pytest.MonkeyPatch.context() as patch:
        for name in ("TTY_COMPATIBLE", "FORCE_COLOR", "NO_COLOR", "TTY_INTERACTIVE", "COLUMNS"):
            patch.delenv(name, raising=False)
        for name, value in env.items():
            patch.setenv(name, value)
        return captured(patch, write)


@settings(max_examples=300, deadline=None)
@given(lines=LINES)
def test_off_a_terminal_the_plain_text_is_what_rich_wrote(lines) -> None:
    expected = output({}, lambda: rich_one_by_one(lines))
    assert output({}, lambda: terminal.print_styled(terminal.LazyConsole(), lines)) == expected


@pytest.mark.parametrize("env", [{"FORCE_COLOR": "1"}, {"TTY_COMPATIBLE": "1"}, {"TTY_COMPATIBLE": "1", "NO_COLOR": "1"}])
@settings(max_examples=60, deadline=None)
@given(lines=LINES)
def test_on_a_terminal_runs_of_one_colour_print_what_rich_printed_line_by_line(env: dict[str, str], lines) -> None:
    expected = output(env, lambda: rich_one_by_one(lines))
    assert output(env, lambda: terminal.print_styled(terminal.LazyConsole(), lines)) == expected


def test_on_a_terminal_errors_are_red_and_warnings_yellow() -> None:
    lines = [("a.md:1:1: error X: galt", "red"), ("a.md:2:1: warning Y: måske", "yellow")]
    out = output({"FORCE_COLOR": "1"}, lambda: terminal.print_styled(terminal.LazyConsole(), lines))
    assert out.startswith("\x1b[31ma.md:1:1") and "\x1b[33ma.md:2:1" in out


@pytest.mark.parametrize(("env", "terminal_"), [
    ({}, False), ({"FORCE_COLOR": "1"}, True), ({"FORCE_COLOR": ""}, False), ({"TTY_COMPATIBLE": "0", "FORCE_COLOR": "1"}, False),
    ({"TTY_COMPATIBLE": "1"}, True), ({"TTY_COMPATIBLE": "2"}, False),
])
def test_the_terminal_test_agrees_with_rich(no_colour_env, env: dict[str, str], terminal_: bool) -> None:
    from rich.console import Console

    for name, value in env.items():
        no_colour_env.setenv(name, value)
    no_colour_env.setattr("sys.stderr", io.StringIO())
    assert terminal.rich_sees_a_terminal() is terminal_ is Console(stderr=True).is_terminal


def test_a_build_report_sorts_by_place_and_shows_errors_in_any_case(no_colour_env: pytest.MonkeyPatch) -> None:
    diags = [warning("b.md", 3, "LNK002", "et link :smile:", "ret det"), error("a.md", 9, "FM001", "ugyldig", "ret"),
             warning("a.md", 2, "LNK001", "et\tfaneblad", "ret")]
    out = captured(no_colour_env, lambda: print_diagnostics(diags))
    assert [line.split(":")[0] for line in out.splitlines() if not line.startswith(" ")] == ["a.md", "a.md", "b.md"]
    assert "😄" in out and "\t" not in out  # rich's emoji and tab columns, also when it is not a terminal
    in_order = [(d.format(), "red" if d.is_error else "yellow") for d in (diags[2], diags[1], diags[0])]
    assert out == captured(no_colour_env, lambda: rich_one_by_one(in_order))
    only_errors = captured(no_colour_env, lambda: print_diagnostics(diags, show_warnings=False))
    assert only_errors == "a.md:9:1: error FM001: ugyldig\n    tip: ret\n"
