"""Diagnostics: problems in the user's content or config, as data with a place.

Printed compiler-style: `content/blodtryk.md:4:1: error FM002: 'title' mangler` followed by
an indented hint. Stages return diagnostics; only the CLI prints them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    path: str
    line: int
    column: int
    code: str
    severity: Severity
    message: str
    hint: str = ""

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def format(self) -> str:
        text = f"{self.path}:{self.line}:{self.column}: {self.severity.value} {self.code}: {self.message}"
        if self.hint:
            text += f"\n    tip: {self.hint}"
        return text


def error(path: str, line: int, code: str, message: str, hint: str = "", column: int = 1) -> Diagnostic:
    return Diagnostic(path, line, column, code, Severity.ERROR, message, hint)


def warning(path: str, line: int, code: str, message: str, hint: str = "", column: int = 1) -> Diagnostic:
    return Diagnostic(path, line, column, code, Severity.WARNING, message, hint)


class BuildError(Exception):
    """The build cannot continue; carries the diagnostics that explain why."""

    def __init__(self, diagnostics: list[Diagnostic] | tuple[Diagnostic, ...]):
        self.diagnostics = tuple(diagnostics)
        super().__init__("\n".join(d.format() for d in self.diagnostics))
