"""What rules produce and read: `Finding` (a diagnostic with its rule and optional safe fix) and
`CheckContext` (the analysed site plus settings and "today").

Rules are pure functions `ctx → iterable of Finding`; they never read files or the clock.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

from ordbog.config import CheckConfig, Config
from ordbog.diagnostics import Diagnostic, Severity
from ordbog.model import Article, Source

from ordbog.check.registry import Level, Rule, rule_for


@dataclass(frozen=True, slots=True)
class LineEdit:
    """Replace one whole line (1-based, without its line ending) when it still reads `old`."""

    line: int
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class Finding:
    diagnostic: Diagnostic
    rule: Rule
    edits: tuple[LineEdit, ...] = ()
    sort_hint: tuple = ()  # rule-specific order within a rule (review-due: oldest first)

    @property
    def path(self) -> str:
        return self.diagnostic.path

    @property
    def code(self) -> str:
        return self.diagnostic.code


@dataclass(frozen=True)
class CheckContext:
    config: Config
    today: dt.date
    articles: tuple[Article, ...]  # sorted by slug
    sources: dict[str, Source]  # path → Source
    raw_lines: dict[str, list[str]] = field(default_factory=dict)  # path → file lines, line endings removed

    @property
    def settings(self) -> CheckConfig:
        return self.config.file.check

    @cached_property
    def by_slug(self) -> dict[str, Article]:
        return {a.slug: a for a in self.articles}

    @cached_property
    def _prose(self) -> dict[str, tuple]:
        return {}

    def prose(self, article: Article) -> tuple:
        """The article's running text (`prose.Paragraph`s), computed once per check."""
        from ordbog.check.prose import running_text

        if article.path not in self._prose:
            self._prose[article.path] = running_text(article)
        return self._prose[article.path]


_SEVERITY = {Level.ERROR: Severity.ERROR, Level.WARNING: Severity.WARNING, Level.INFO: Severity.INFO}


def finding(code: str, path: str, line: int, message: str, hint: str = "", column: int = 1,
            edits: tuple[LineEdit, ...] = (), sort_hint: tuple = ()) -> Finding:
    """A finding at the rule's default level (the runner applies configured levels later)."""
    r = rule_for(code)
    severity = _SEVERITY.get(r.level, Severity.WARNING)
    return Finding(Diagnostic(path, line, column, code, severity, message, hint), r, edits, sort_hint)


def from_diagnostic(d: Diagnostic) -> Finding:
    """Wrap a load/analyse diagnostic, keeping its own severity as the default."""
    return Finding(d, rule_for(d.code))


def severity_of(level: Level) -> Severity:
    return _SEVERITY[level]
