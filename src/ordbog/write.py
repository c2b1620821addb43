"""Write stage: a finished {path: bytes} tree → the output folder, atomically.

The new site is written to a sibling temporary folder, then swapped in with two renames, so
the previous output stays intact until a build fully succeeds (also if the process is killed).
The writer refuses folders it did not create, the content folder, and paths that would
delete the user's files.

Speed: creating a file costs far more than writing its bytes on many file systems (here
~0.7 ms each, for ~3.5 files per article), so a file whose bytes equal the previous output's
file is hard-linked from it instead of written again. The previous output is only read, never
changed, so the atomic-swap guarantee is untouched; the result is byte-identical either way.

A large build writes while it renders (`staged`): files are put into the staging folder as they
are made, and only the swap waits for the whole site. A failed build removes the staging folder.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from ordbog import interrupt, spare
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


_WHY = {
    errno.ENOENT: "mappen over den findes ikke",
    errno.EACCES: "ingen skriveadgang",
    errno.EPERM: "ingen skriveadgang",
    errno.ENOSPC: "disken er fuld",
    errno.EDQUOT: "din diskkvote er brugt op",
    errno.EROFS: "filsystemet er skrivebeskyttet",
    errno.ENOTDIR: "en del af stien er en fil, ikke en mappe",
}


def _unwritable(path: Path, exc: OSError) -> BuildError:
    """The system would not let the writer create or change `path` (or `exc.filename`)."""
    where = exc.filename if isinstance(exc.filename, str) else str(path)
    reason = _WHY.get(exc.errno or 0) or exc.strerror or str(exc)
    return BuildError([error(where, 1, "OUT002", f"outputmappen kan ikke skrives ({reason})",
                             "tjek at mappen over den findes, at du må skrive i den, og at disken ikke er fuld; "
                             "eller vælg en anden mappe med --out")])


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


# Files are created by one thread: two threads creating files in the same folders contend for its
# lock in the kernel (x10 site, 12,657 files into fresh folders, 3 alternating runs each: one thread
# 1.13–1.18 s, two 1.20–1.91 s with ~1.5× the system CPU). Unlinks overlap two.
REMOVE_THREADS = 2


def _write_file(target: Path, data: bytes) -> None:
    with open(target, "wb") as fh:
        fh.write(data)


def _file_mode() -> int:
    """The mode `open(..., "wb")` gives a new file (0o666 minus the umask)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def _unchanged(previous: Path, data: bytes, mode: int) -> tuple[int, int] | None:
    """If `previous` is a plain file of ours holding exactly `data` (never follows a symlink): its
    (device, inode), so the caller can tell that the name it links still means this file."""
    try:
        fd = os.open(previous, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if (not stat.S_ISREG(info.st_mode) or stat.S_IMODE(info.st_mode) != mode or info.st_size != len(data)
                or info.st_uid != os.getuid()):
            return None
        with os.fdopen(os.dup(fd), "rb") as fh:
            return (info.st_dev, info.st_ino) if fh.read(len(data) + 1) == data else None
    finally:
        os.close(fd)


def _put_file(target: Path, data: bytes, previous: Path | None, mode: int) -> None:
    """Write `target`, or hard-link the previous build's identical file (creating files is what is slow).

    The previous output itself is never modified: a link only adds a name for its unchanged bytes,
    so a failed or killed build still leaves it exactly as it was.
    """
    checked = _unchanged(previous, data, mode) if previous is not None else None
    if checked is not None:
        try:
            os.link(previous, target, follow_symlinks=False)
            linked = os.lstat(target)
            if (linked.st_dev, linked.st_ino) == checked:
                return
            target.unlink()  # another build swapped the previous output in between: not the bytes we read
        except OSError:
            pass  # other file system, link limit, protected links: write a copy instead
    _write_file(target, data)


def _write_tree(root: Path, files: Mapping[str, bytes], previous: Path | None = None) -> None:
    """Write every file below `root`; files identical to ones in `previous` (a site of ours) are linked."""
    mode = _file_mode()
    targets = [(rel, _inside(root, rel)) for rel in sorted(files)]
    for folder in sorted({target.parent for _, target in targets}):
        folder.mkdir(parents=True, exist_ok=True)
    for rel, target in targets:
        _put_file(target, files[rel], _inside(previous, rel) if previous is not None else None, mode)
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

    with ThreadPoolExecutor(max_workers=REMOVE_THREADS) as pool:
        list(pool.map(unlink, files))
    shutil.rmtree(folder, ignore_errors=True)  # the now empty folders, and anything left over


def write_site(files: Mapping[str, bytes], out: Path, content_dir: Path, force: bool = False) -> None:
    """Replace `out` by exactly `files`, atomically."""
    with staged(out, content_dir, force) as stage:
        stage.finish(files)


@contextmanager
def staged(out: Path, content_dir: Path, force: bool = False) -> Iterator[Staged]:
    """The next site of `out`, to be written while the build still makes it: files can be `put`
    as they are made, and `finish(files)` writes the rest and swaps the whole site in.

    Checks `out` first (BuildError). Leaving the block without `finish` (an error, Ctrl-C) removes
    what was staged and leaves `out` as it was."""
    out = out.resolve()
    recover_interrupted(out)
    check_output_dir(out, content_dir, force)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _unwritable(out.parent, exc) from exc
    kept = spare.claim(out)
    try:
        reused = kept is not None and kept.site.is_dir()
        try:
            staging = kept.site if reused else Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
        except OSError as exc:
            raise _unwritable(out.parent, exc) from exc
        # a spare is kept, half refreshed or not; a fresh staging folder goes even on a forced exit
        with interrupt.Staging(None if reused else staging) as guard:
            stage = Staged(out, kept, reused, staging, guard)
            try:
                yield stage
                if not stage.finished:
                    raise RuntimeError("staged(): the block ended without finish()")
            except BaseException:
                if stage.touched:
                    shutil.rmtree(staging, ignore_errors=True)
                    recover_interrupted(out)  # a failure between the fallback renames must not lose the old site
                raise
    finally:
        if kept is not None:
            kept.release()
    clean_leftovers(out)


class Staged:
    """A staging folder being filled with the next site of `out` (see `staged`).

    `put` writes files early only into a fresh staging folder; the spare (`spare.py`) is refreshed
    by `finish`, which compares every file with what it holds."""

    def __init__(self, out: Path, kept: spare.Spare | None, reused: bool, staging: Path,
                 guard: interrupt.Staging) -> None:
        self.out, self.kept, self.reused, self.staging, self.guard = out, kept, reused, staging, guard
        self.previous = out if not reused and (out / MARKER).is_file() and not out.is_symlink() else None
        self.touched = not reused  # whether a failure must remove the staging folder
        self.finished = False
        self._mode = _file_mode()
        self._written: dict[str, bytes] = {}  # rel → the very bytes object written
        self._folders: set[Path] = set()

    def put(self, files: Mapping[str, bytes]) -> None:
        """Write these files of the site now (into a fresh staging folder; else only noted)."""
        if self.reused:
            return
        for rel, data in files.items():
            target = _inside(self.staging, rel)
            try:
                if target.parent not in self._folders:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    self._folders.add(target.parent)
                if rel in self._written:
                    target.unlink()  # put again (not by the build: it makes each file once)
                _put_file(target, data, _inside(self.previous, rel) if self.previous is not None else None,
                          self._mode)
            except OSError as exc:
                raise _unwritable(self.out, exc) from exc
            self._written[rel] = data

    def finish(self, files: Mapping[str, bytes]) -> None:
        """Make the staging folder hold exactly `files` and swap it in for `out` (on failure,
        `staged` removes the staging folder)."""
        self.touched = True
        try:
            if self.reused:  # the site before last, brought up to date in place
                spare.refresh(self.staging, files, self._mode, MARKER, _unchanged, _write_file)
                (self.staging / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
            else:
                for rel, data in self._written.items():
                    if files.get(rel) is not data:  # not in the site, or other bytes now (written below)
                        _inside(self.staging, rel).unlink()
                _write_tree(self.staging, {rel: data for rel, data in files.items()
                                           if self._written.get(rel) is not data}, self.previous)
            self._swap()
        except OSError as exc:  # disk full, no permission, read-only …: words, not a traceback
            raise _unwritable(self.out, exc) from exc
        self.finished = True

    def _swap(self) -> None:
        out, staging = self.out, self.staging
        os.chmod(staging, 0o755)
        # a Ctrl-C noted before (also one Python swallowed) stops the swap; one during it comes after
        if out.exists():
            with self.guard.swapping(out):
                exchanged = _exchange(staging, out)  # then staging holds the previous site
                if not exchanged:  # two renames: a kill between them leaves the old site in .old-*/site
                    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
                    os.rename(out, old / "site")
                    os.rename(staging, out)
            if exchanged:
                _keep_or_remove(staging, self.kept, self.reused)
            else:
                _remove_tree(old)
        else:
            with self.guard.swapping(out):
                os.rename(staging, out)


def _keep_or_remove(previous_site: Path, kept: spare.Spare | None, reused: bool) -> None:
    """After the swap: the previous site becomes the next build's spare, or is deleted."""
    if kept is not None:
        try:
            if not reused:
                os.rename(previous_site, kept.site)
            return
        except OSError:
            pass
    _remove_tree(previous_site)


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
