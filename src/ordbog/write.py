"""Write stage: a finished {path: bytes} tree → the output folder, atomically.

The new site is written to a sibling temporary folder, then swapped in with two renames, so
the previous output stays intact until a build fully succeeds (also if the process is killed).
The writer refuses folders it did not create, the content folder, and paths that would
delete the user's files.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import tempfile
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ordbog.diagnostics import BuildError, error

MARKER = ".ordbog-output"
MARKER_TEXT = "This folder is written by `ordbog build`; it is replaced on every build.\n"


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two folders (Linux renameat2); False where the system cannot."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    return fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0


def _refuse(path: Path, message: str, hint: str) -> BuildError:
    return BuildError([error(str(path), 1, "OUT001", message, hint)])


def check_output_dir(out: Path, content_dir: Path, force: bool = False) -> None:
    """Raise BuildError when writing `out` could destroy something that is not ours."""
    out, content = out.resolve(), content_dir.resolve()
    precious = (Path.home().resolve(), Path.cwd().resolve())
    if out == Path(out.anchor) or any(out == p or out in p.parents for p in precious):
        raise _refuse(out, "outputmappen må ikke være roden, din hjemmemappe, den aktuelle mappe eller en mappe "
                      "over dem (de ville blive slettet)", "vælg en undermappe med --out, fx --out _site")
    if out == content or out in content.parents or content in out.parents:
        raise _refuse(out, "outputmappen må ikke være indholdsmappen, ligge i den eller indeholde den",
                      "vælg en anden mappe med --out, fx --out _site")
    if out.exists() and not out.is_dir():
        raise _refuse(out, "outputstien findes allerede og er ikke en mappe", "vælg en anden sti med --out")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists() and not force:
        raise _refuse(out, "mappen er ikke tom og er ikke lavet af ordbog; den bliver ikke overskrevet",
                      "vælg en tom mappe, eller brug --force, hvis mappens indhold må slettes")


def _inside(root: Path, rel: str) -> Path:
    """root/rel, refusing paths that would land outside the staging folder."""
    parts = rel.split("/")
    if not rel or rel.startswith("/") or "\\" in rel or any(p in ("", ".", "..") for p in parts):
        raise ValueError(f"unsafe output path {rel!r}")
    return root.joinpath(*parts)


WRITE_THREADS = 8  # creating files waits on the file system, not the CPU: overlap the waits


def _write_file(target: Path, data: bytes) -> None:
    with open(target, "wb") as fh:
        fh.write(data)


def _write_tree(root: Path, files: Mapping[str, bytes]) -> None:
    targets = [(_inside(root, rel), files[rel]) for rel in sorted(files)]
    for folder in sorted({target.parent for target, _ in targets}):
        folder.mkdir(parents=True, exist_ok=True)
    with ThreadPoolExecutor(max_workers=WRITE_THREADS) as pool:
        for _ in pool.map(lambda item: _write_file(*item), targets):
            pass  # re-raises the first failure
    (root / MARKER).write_text(MARKER_TEXT, encoding="utf-8")  # last: only a complete tree is ours


def _remove_tree(folder: Path) -> None:
    """shutil.rmtree, with the unlinks overlapped like the writes (errors ignored: it is our own old copy)."""
    files, folders = [], []
    for root, dirs, names in os.walk(folder):
        files += [os.path.join(root, n) for n in names]
        files += [os.path.join(root, d) for d in dirs if os.path.islink(os.path.join(root, d))]
        folders.append(root)

    def unlink(path: str) -> None:
        try:
            os.unlink(path)
        except OSError:
            pass

    with ThreadPoolExecutor(max_workers=WRITE_THREADS) as pool:
        list(pool.map(unlink, files))
    shutil.rmtree(folder, ignore_errors=True)  # the now empty folders, and anything left over


def write_site(files: Mapping[str, bytes], out: Path, content_dir: Path, force: bool = False) -> None:
    """Replace `out` by exactly `files`, atomically."""
    out = out.resolve()
    recover_interrupted(out)
    check_output_dir(out, content_dir, force)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        _write_tree(staging, files)
        os.chmod(staging, 0o755)
        if out.exists():
            if _exchange(staging, out):
                _remove_tree(staging)  # now holds the previous site
            else:  # two renames: a kill between them leaves the old site in .old-*/site
                old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
                os.rename(out, old / "site")
                os.rename(staging, out)
                _remove_tree(old)
        else:
            os.rename(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        recover_interrupted(out)  # a failure between the fallback renames must not lose the old site
        raise
    clean_leftovers(out)


def recover_interrupted(out: Path) -> None:
    """Put the previous site back if a build was killed between the two fallback renames."""
    if out.exists() or out.is_symlink() or not out.parent.is_dir():
        return
    for old in sorted(out.parent.glob(f".{out.name}.old-*/site")):
        if (old / MARKER).is_file():
            os.rename(old, out)
            return


def clean_leftovers(out: Path) -> None:
    """Remove staging folders that a killed build left next to the output (restoring a lost site)."""
    recover_interrupted(out)
    for stale in out.parent.glob(f".{out.name}.new-*"):
        shutil.rmtree(stale, ignore_errors=True)
    for stale in out.parent.glob(f".{out.name}.old-*"):
        shutil.rmtree(stale, ignore_errors=True)
