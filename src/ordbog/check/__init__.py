"""`ordbog check`: the editorial quality gate.

registry (rules) → runner (load, analyse, rule families, levels, silencing) → report / sarif / stats
(output) and fix (safe edits). Rule families live in one module each: meta, seo, links, content,
duplicates, readability, freshness. Importing the package is cheap (the CLI registers the command
at start-up); `run_check` loads the pipeline on first use.
"""

from __future__ import annotations

from typing import Any

__all__ = ["CheckResult", "run_check"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from ordbog.check import runner

        return getattr(runner, name)
    raise AttributeError(name)
