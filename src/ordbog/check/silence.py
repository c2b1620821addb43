"""Inline silencing: an editor can switch a rule off for one place in one article.

    <!-- ordbog-ignore: RDB002 -->            this line, or the line below it
    <!-- ordbog-ignore: long-sentence, TXT001 -->
    <!-- ordbog-ignore-file: near-duplicate --> the whole file
    # ordbog-ignore: FM102                     in frontmatter (a YAML comment), same rules

Selectors are codes, names, families or code prefixes, as for `--ignore`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ordbog.check.findings import Finding
from ordbog.check.registry import selected

_DIRECTIVE = re.compile(r"ordbog-ignore(-file)?\s*:\s*([A-Za-z0-9_,\s-]+?)\s*(?:-->|$)")


@dataclass(frozen=True)
class Silences:
    whole_file: tuple[str, ...] = ()
    by_line: dict[int, tuple[str, ...]] = field(default_factory=dict)

    def covers(self, f: Finding) -> bool:
        line = f.diagnostic.line
        here = self.whole_file + self.by_line.get(line, ()) + self.by_line.get(line - 1, ())
        return bool(here) and selected(f.rule, here)


def parse(lines: list[str]) -> Silences:
    whole: list[str] = []
    by_line: dict[int, tuple[str, ...]] = {}
    for n, line in enumerate(lines, start=1):
        if "ordbog-ignore" not in line:
            continue
        for m in _DIRECTIVE.finditer(line):
            selectors = tuple(s for s in re.split(r"[\s,]+", m.group(2)) if s)
            if m.group(1):
                whole += selectors
            else:
                by_line[n] = by_line.get(n, ()) + selectors
    return Silences(tuple(whole), by_line)


def unsilenced(findings: list[Finding], raw_lines: dict[str, list[str]]) -> list[Finding]:
    silences = {path: parse(lines) for path, lines in raw_lines.items()}
    empty = Silences()
    return [f for f in findings if not silences.get(f.path, empty).covers(f)]
