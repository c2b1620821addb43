"""The preview's writer: a `Delta` → the output folder, one atomic file replace at a time.

The first preview build goes through `write.write_site` (whole folder swapped in, safety checks);
after that only files whose bytes changed are replaced, so a page being served is always either
the old or the new version, never half written.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ordbog.preview.incremental import Delta


def _inside(root: Path, rel: str) -> Path:
    target = (root / rel).resolve()
    if root not in target.parents:
        raise ValueError(f"refusing to write outside the output folder: {rel}")
    return target


def replace_file(target: Path, data: bytes) -> None:
    """Write `data` to a temporary sibling, then rename it over `target` (atomic on POSIX)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _prune(root: Path, folder: Path) -> None:
    """Remove folders left empty by deletions, up to (not including) the output folder."""
    while folder != root and root in folder.parents:
        try:
            folder.rmdir()
        except OSError:  # not empty (or already gone): stop here
            return
        folder = folder.parent


def apply_delta(out: Path, delta: Delta) -> None:
    """Replace changed files and delete removed ones inside `out`."""
    root = out.resolve()
    for rel in sorted(delta.written):
        replace_file(_inside(root, rel), delta.written[rel])
    for rel in delta.deleted:
        target = _inside(root, rel)
        target.unlink(missing_ok=True)
        _prune(root, target.parent)
