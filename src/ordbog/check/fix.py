"""`ordbog check --fix`: apply the safe, mechanical line edits that findings carry, in place.

Only rules marked fixable produce edits (key case, date format, trailing spaces, a leftover `KORT:`
marker). An edit is applied only when its line still reads what the check saw; the file keeps its
line endings and byte-order mark, and is replaced atomically (temporary file + rename). Files
without edits are never opened for writing.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from ordbog.check.findings import Finding, LineEdit

_LINE = re.compile(r"([^\r\n]*)(\r\n|\r|\n|$)")


@dataclass(frozen=True, slots=True)
class Applied:
    path: str
    line: int
    code: str
    old: str
    new: str


def split_lines(text: str) -> list[tuple[str, str]]:
    """(content, line ending) pairs; joining them gives the text back exactly."""
    pairs = [(m.group(1), m.group(2)) for m in _LINE.finditer(text)]
    while pairs and pairs[-1] == ("", ""):
        pairs.pop()
    return pairs


def apply_edits(text: str, edits: list[tuple[str, LineEdit]]) -> tuple[str, list[tuple[str, LineEdit]]]:
    """New text and the edits that applied (those whose line still read `old`)."""
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    lines = split_lines(text.removeprefix("\ufeff"))
    applied = []
    for code, edit in sorted(edits, key=lambda e: e[1].line):
        n = edit.line - 1
        if 0 <= n < len(lines) and lines[n][0] == edit.old and edit.old != edit.new:
            lines[n] = (edit.new, lines[n][1])
            applied.append((code, edit))
    return bom + "".join(c + e for c, e in lines), applied


def write_atomically(path: Path, data: bytes) -> None:
    mode = path.stat().st_mode
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode & 0o7777)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def fix(findings: tuple[Finding, ...] | list[Finding]) -> list[Applied]:
    """Apply every edit the findings carry; return what changed, per file and line."""
    by_file: dict[str, list[tuple[str, LineEdit]]] = defaultdict(list)
    for f in findings:
        by_file[f.path].extend((f.code, e) for e in f.edits)
    changed: list[Applied] = []
    for path, edits in sorted(by_file.items()):
        if not edits:
            continue
        file = Path(path)
        raw = file.read_bytes()
        text, applied = apply_edits(raw.decode("utf-8"), edits)
        if applied and text.encode("utf-8") != raw:
            write_atomically(file, text.encode("utf-8"))
            changed += [Applied(path, e.line, code, e.old, e.new) for code, e in applied]
    return changed
