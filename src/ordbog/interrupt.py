"""Ctrl-C during a build: the build's own cleanup, with a deadline.

Ctrl-C raises KeyboardInterrupt in the build's main thread, and the build cleans up on its way
out: it stops its pools and forked processes, removes its staging folder and leaves the previous
output as it was (write.py). Python raises that exception wherever the main thread happens to be,
also inside a library's handling of a lock (threading, multiprocessing: `with lock:` is not atomic
against signals), and a lock left held there can make that cleanup wait for ever.

So the first Ctrl-C also starts a deadline: if the process is still running `GRACE` seconds
later, it removes its own staging folders and exits with 130 at once, as if killed, which the
writer is made to survive (the live output changes only by an atomic swap; a half-refreshed spare
is checked file by file). A second Ctrl-C does the same at once.

The swap of a new site into the output folder is the build's point of no return: a Ctrl-C
meanwhile is noted, not raised (`Staging.swapping`), and one after it says that the new output is
in place (`outcome`), not that the previous one is untouched.

Only the process that set the deadline acts on it: a forked child keeps the handler, and gets
a plain KeyboardInterrupt.
"""

from __future__ import annotations

import faulthandler
import os
import shutil
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Self

GRACE = 10.0
MESSAGE = "\nAfbrudt (Ctrl-C). ordbog stoppede straks, uden at rydde op. {outcome}\n"
KEPT = "Det tidligere output er urørt."
SWAPPED = "Det nye output var allerede lagt på plads i {out}."
UNKNOWN = "Outputmappen rummer enten hele det tidligere eller hele det nye site."

# while a deadline is set: "owner": pid, "done": Event, "armed": bool, "grace": float, "shielded": bool
_state: dict[str, object] = {}
_staging: set[Path] = set()
_swapped: list[Path] = []  # where the last build under a deadline swapped its new site in (at most one)
_lock = threading.Lock()  # over _staging and _swapped


@contextmanager
def deadline(grace: float = GRACE) -> Iterator[None]:
    """Ctrl-C meanwhile raises KeyboardInterrupt and gives the process `grace` seconds to exit."""
    if threading.current_thread() is not threading.main_thread() or _state:
        yield
        return
    done = threading.Event()
    _state.update(owner=os.getpid(), done=done, armed=False, grace=grace, shielded=False)
    with _lock:
        _swapped.clear()

    def on_ctrl_c(signum: int, frame: object) -> None:
        noted()
        if not _state.get("shielded"):
            raise KeyboardInterrupt

    previous = signal.signal(signal.SIGINT, on_ctrl_c)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        done.set()  # the process goes on (a test, the preview): no forced exit
        _state.clear()


def _owned() -> bool:
    """Whether a deadline is set, by this process (not by the parent of a forked child)."""
    return bool(_state) and _state["owner"] == os.getpid()


def noted() -> None:
    """A Ctrl-C arrived (also one that `workers` defers): start the deadline, or at the second, exit."""
    if not _owned():
        return
    if _state["armed"]:
        exit_now()
    _state["armed"] = True
    done, grace = _state["done"], _state["grace"]
    threading.Thread(target=_expire, args=(done, grace), name="ordbog-ctrl-c-deadline", daemon=True).start()


def raise_if_requested() -> None:
    """KeyboardInterrupt if Ctrl-C came meanwhile: Python swallows the exception when it lands in a
    finalizer or weakref callback ("Exception ignored in …"), and the build would go on."""
    if _owned() and _state["armed"]:
        raise KeyboardInterrupt


def _expire(done: threading.Event, grace: float) -> None:
    if not done.wait(grace):
        exit_now()


def outcome() -> str:
    """What a build stopped by Ctrl-C left in its output folder, in a sentence for the user."""
    return SWAPPED.format(out=_swapped[0]) if _swapped else KEPT


def exit_now() -> None:
    """Remove this build's staging folders, say so and exit with 130, whatever the other threads do.
    Writes to the file descriptor, not `sys.stderr`: a stuck thread may hold its lock."""
    if _lock.acquire(timeout=2):  # not while a folder is being swapped in (held by this thread: skip)
        for folder in list(_staging):
            shutil.rmtree(folder, ignore_errors=True)
        said = outcome()
    else:  # stopped in the middle of a swap: it is atomic, but which side of it is not known here
        said = UNKNOWN
    os.write(2, MESSAGE.format(outcome=said).encode("utf-8"))
    if faulthandler.is_enabled():  # PYTHONFAULTHANDLER=1 (tests): where each thread was
        faulthandler.dump_traceback(all_threads=True)
    os._exit(130)


class Staging:
    """A staging folder this process made, removed if the deadline ends the process before
    `swapping()` (which it then holds up: a folder being swapped in is never removed).
    None: nothing to remove (the spare, kept however far it got)."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder

    def __enter__(self) -> Self:
        if self.folder is not None:
            with _lock:
                _staging.add(self.folder)
        return self

    def __exit__(self, *exc: object) -> None:
        with _lock:
            _staging.discard(self.folder)

    @contextmanager
    def swapping(self, out: Path) -> Iterator[None]:
        """Around the swap of this folder into `out`: it is not removed, a Ctrl-C meanwhile is noted
        and raised before the swap (the output untouched) or after it (the new output in place)."""
        shield = _owned()
        with _lock:
            _staging.discard(self.folder)
            if shield:
                _state["shielded"] = True
            try:
                raise_if_requested()
                yield
                if shield:
                    _swapped[:] = [out]
            finally:
                if shield:
                    _state["shielded"] = False
        raise_if_requested()
