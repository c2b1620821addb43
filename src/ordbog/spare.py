"""The spare output: the previous site, kept in the cache and brought up to date by the next build.

Creating files and folders is the slowest part of writing a site on many file systems (here
0.7–2 ms per new file or folder, ~4.5 per article), while reading, comparing and rewriting an
existing file costs a few hundredths of that. The writer swaps a finished site in with
`renameat2(RENAME_EXCHANGE)`, after which its staging folder holds the *previous* site. Instead
of deleting it, that folder is kept as the spare, and the next build turns it into the new site
(`refresh`): unchanged files are left alone, changed ones rewritten, missing ones created,
surplus ones deleted. Then it is swapped in, and the site it replaces becomes the next spare.

Safety:
- the live output is never written to: it changes only by the atomic exchange, so a failed or
  killed build leaves it exactly as it was (the spare may then be half refreshed, which is fine:
  every file in it is compared with what the build made before it is kept);
- a spare file that is also a hard link of another file (see `write._put_file`) is replaced by a
  new file, never rewritten in place;
- one build at a time per output folder uses the spare (a lock); a second, concurrent build
  writes a fresh staging folder as before.

Where: `<cache>/spare/<digest of the output path>/site`, only when the cache folder is on the
output's file system (a rename cannot cross file systems). `ORDBOG_CACHE_DIR=off` turns it off.
Spares of output folders no build has written for `UNUSED_DAYS` are deleted.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import stat
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ordbog import cache

UNUSED_DAYS = 30


@dataclass(frozen=True)
class Spare:
    folder: Path  # <cache>/spare/<key>, locked by this build
    lock_fd: int

    @property
    def site(self) -> Path:
        return self.folder / "site"

    def release(self) -> None:
        os.close(self.lock_fd)  # closing drops the flock


def claim(out: Path) -> Spare | None:
    """The spare of output folder `out`, locked; None when there is no usable one (no cache, other
    file system, another build holds it)."""
    root = cache.cache_root()
    if root is None:
        return None
    folder = root / "spare" / hashlib.sha256(os.fsencode(out)).hexdigest()[:16]
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if os.stat(folder).st_dev != os.stat(out.parent).st_dev:
            return None
        fd = os.open(folder / ".lock", os.O_CREAT | os.O_RDWR, 0o644)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        (folder / "output-path").write_text(f"{out}\n", encoding="utf-8")  # for people looking in the cache
    except OSError:
        os.close(fd)
        return None
    _prune_unused(folder.parent, keep=folder)
    return Spare(folder, fd)


def _prune_unused(spares: Path, keep: Path, max_age_days: int = UNUSED_DAYS) -> None:
    now = time.time()
    try:
        for other in spares.iterdir():
            marker = other / "output-path"
            if other != keep and marker.exists() and now - marker.stat().st_mtime > max_age_days * 86_400:
                shutil.rmtree(other, ignore_errors=True)
    except OSError:
        return


def _scan(folder: Path) -> tuple[dict[str, os.stat_result], set[str], list[str]]:
    """Files (rel → lstat), folders (rel) and other entries (symlinks, devices …) below `folder`."""
    files: dict[str, os.stat_result] = {}
    folders: set[str] = set()
    other: list[str] = []
    todo = [("", str(folder))]
    while todo:
        prefix, path = todo.pop()
        with os.scandir(path) as entries:
            for entry in entries:
                rel = prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    folders.add(rel)
                    todo.append((rel + "/", entry.path))
                elif entry.is_file(follow_symlinks=False):
                    files[rel] = entry.stat(follow_symlinks=False)
                else:
                    other.append(rel)
    return files, folders, other


def refresh(site: Path, files: Mapping[str, bytes], mode: int, marker: str,
            same: Callable[[Path, bytes, int], bool], write_file: Callable[[Path, bytes], None]) -> None:
    """Make folder `site` hold exactly `files` (the completion `marker` is removed first).

    `same(path, data, mode)` tells whether an existing file already holds `data`;
    `write_file(path, data)` creates a new file.
    """
    (site / marker).unlink(missing_ok=True)  # a tree being refreshed is not a finished site
    have_files, have_folders, other = _scan(site)
    wanted_folders = {rel.rsplit("/", 1)[0] for rel in files if "/" in rel}
    wanted_folders |= {parent for rel in wanted_folders for parent in _parents(rel)}
    for rel in other:
        os.unlink(site / rel)
    for rel in sorted(set(have_files) - set(files)):
        os.unlink(site / rel)
    for rel in sorted(have_folders - wanted_folders, key=len, reverse=True):  # deepest first
        if (site / rel).is_dir():
            shutil.rmtree(site / rel)
    for rel in sorted(wanted_folders - have_folders):
        os.mkdir(site / rel)
    uid = os.getuid()
    for rel in sorted(files):
        target, data = site / rel, files[rel]
        found = have_files.get(rel)
        if found is not None and same(target, data, mode):
            continue
        if (found is not None and found.st_nlink == 1 and found.st_uid == uid
                and stat.S_IMODE(found.st_mode) == mode):
            with open(target, "r+b") as fh:  # rewriting an existing file: no new inode
                fh.write(data)
                fh.truncate()
            continue
        if found is not None:
            os.unlink(target)  # shared with another tree (a hard link) or not quite ours: a new file
        write_file(target, data)


def _parents(rel: str) -> list[str]:
    parts = rel.split("/")
    return ["/".join(parts[:i]) for i in range(1, len(parts))]
