"""Reporters: findings → text (grouped per file, like a linter) or JSON. SARIF lives in sarif.py.

Output is deterministic: findings arrive sorted by path, line, column and code.
"""

from __future__ import annotations

import json
from collections import Counter
from itertools import groupby

from ordbog.check.findings import Finding
from ordbog.diagnostics import Severity

SEVERITY_DA = {Severity.ERROR: "fejl", Severity.WARNING: "advarsel", Severity.INFO: "info"}
_PLURAL_DA = {Severity.ERROR: "fejl", Severity.WARNING: "advarsler", Severity.INFO: "info"}


def line_of(f: Finding) -> str:
    d = f.diagnostic
    return f"{d.path}:{d.line}:{d.column}: {d.code} {d.message} [{f.rule.name}, {SEVERITY_DA[d.severity]}]"


def _n(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def summary(findings: tuple[Finding, ...] | list[Finding], n_articles: int) -> str:
    counts = Counter(f.diagnostic.severity for f in findings)
    files = len({f.path for f in findings})
    parts = ", ".join(_n(counts[s], SEVERITY_DA[s], _PLURAL_DA[s]) for s in Severity)
    articles = _n(n_articles, "artikel", "artikler")
    if not findings:
        return f"Ingen fund i {articles}."
    return f"{len(findings)} fund ({parts}) i {_n(files, 'fil', 'filer')}; {articles} tjekket."


def review_backlog(findings: tuple[Finding, ...] | list[Finding]) -> list[str]:
    """The review-due findings again, oldest first: the order an editor should work in."""
    due = sorted((f for f in findings if f.code == "REV001"), key=lambda f: (f.sort_hint, f.path))
    if not due:
        return []
    return [f"Forfaldne til gennemgang ({len(due)}, ældste først):"] + [
        f"  {f.path}: {f.diagnostic.message}" for f in due
    ]


def text(findings: tuple[Finding, ...] | list[Finding], n_articles: int) -> str:
    """Findings grouped per file, each with its hint, then the review backlog and a summary line."""
    out: list[str] = []
    for path, group in groupby(findings, key=lambda f: f.path):
        out.append(path)
        for f in group:
            out.append("  " + line_of(f))
            if f.diagnostic.hint:
                out.append(f"      tip: {f.diagnostic.hint}")
        out.append("")
    out += review_backlog(findings)
    if out and out[-1] != "":
        out.append("")
    out.append(summary(findings, n_articles))
    return "\n".join(out) + "\n"


def as_dict(f: Finding) -> dict[str, object]:
    d = f.diagnostic
    return {"path": d.path, "line": d.line, "column": d.column, "code": d.code, "rule": f.rule.name,
            "severity": d.severity.value, "message": d.message, "hint": d.hint}


def as_json(findings: tuple[Finding, ...] | list[Finding]) -> str:
    return json.dumps([as_dict(f) for f in findings], ensure_ascii=False, indent=2, sort_keys=True) + "\n"
