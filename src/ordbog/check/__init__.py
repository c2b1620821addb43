"""`ordbog check`: the editorial quality gate.

registry (rules) → runner (load, analyse, rule families, levels, silencing) → report / sarif / stats
(output) and fix (safe edits). Rule families live in one module each: meta, seo, links, content,
duplicates, readability, freshness.
"""

from ordbog.check.runner import CheckResult, run_check

__all__ = ["CheckResult", "run_check"]
