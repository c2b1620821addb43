"""Run a command and measure it: whole-process wall time, CPU time and peak memory.

CPU time (user + system, including worker processes) is printed next to wall time because the
benchmark machine may be shared: other processes stretch wall time but hardly CPU time.

Peak memory is reported two ways:
- `peak_rss` — the largest resident set of any single process in the run (what `/usr/bin/time`
  and `getrusage(RUSAGE_CHILDREN)` report: `os.wait4`'s `ru_maxrss`);
- `peak_tree_rss` — the largest *sum* of resident sets of the process and all its descendants,
  sampled every 20 ms from /proc. It counts every page shared after `fork` once per process
  that maps it, so a forked worker "costs" the whole parent heap: it errs far on the high side.
- `peak_tree_pss` — the largest sum of *proportional* set sizes (Linux `smaps_rollup`: a page
  shared by n processes counts 1/n in each), i.e. the physical memory the tree really uses.
  For a single process (Hugo) it equals its resident set, less shared library pages.

Sampling is not free: reading `smaps_rollup` walks a process's page tables (~5 ms for 500 MiB)
and holds its memory-map lock meanwhile, so every 20 ms it takes a good part of a core and stalls
the sampled processes' mmap/munmap (Python's allocator makes many). On 2 cores it stretched a
x10 cold ordbog build by ~9% (median of 3 alternating runs, 19.9 s against 18.2 s). `runs`
therefore times unsampled runs and takes the tree figures from separate sampled runs.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


@dataclass(frozen=True)
class Measurement:
    wall: float  # seconds
    peak_rss: int  # bytes, largest single process
    peak_tree_rss: int  # bytes, largest sampled sum over the process tree
    returncode: int
    cpu: float = 0.0  # seconds of user + system CPU, the process and the children it waited for
    peak_tree_pss: int = 0  # bytes, largest sampled sum of proportional set sizes over the tree


def _children(pid: int) -> list[int]:
    found = []
    try:  # the process may exit at any moment: then it has no children any more
        tasks = list(Path(f"/proc/{pid}/task").glob("*/children"))
    except OSError:
        return found
    for task in tasks:
        try:
            found += [int(p) for p in task.read_text().split()]
        except OSError:
            pass
    return found


def _rss(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0


def _pss(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except (OSError, IndexError, ValueError):
        pass
    return 0


def _tree(root: int) -> list[int]:
    found, todo, seen = [], [root], set()
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        found.append(pid)
        todo += _children(pid)
    return found


def _tree_rss(root: int) -> int:
    return sum(_rss(pid) for pid in _tree(root))


def _tree_pss(root: int) -> int:
    return sum(_pss(pid) for pid in _tree(root))


def run(cmd: Sequence[str], cwd: Path | None = None, env: dict[str, str] | None = None,
        quiet: bool = True, sample: bool = True) -> Measurement:
    """Run `cmd` to completion; stdout/stderr are discarded when quiet (errors still raise).

    Without `sample`, the process tree is not sampled: `peak_tree_rss` is then the largest single
    process's (from `wait4`) and `peak_tree_pss` is 0."""
    out = subprocess.DEVNULL if quiet else None
    err = subprocess.PIPE if quiet else None
    peak = [0]
    peak_pss = [0]
    started = time.perf_counter()
    proc = subprocess.Popen(list(cmd), cwd=cwd, env=env, stdout=out, stderr=err)
    done = threading.Event()

    def sample_tree() -> None:
        while not done.wait(0.02):
            pids = _tree(proc.pid)
            peak[0] = max(peak[0], sum(_rss(pid) for pid in pids))
            peak_pss[0] = max(peak_pss[0], sum(_pss(pid) for pid in pids))

    sampler = threading.Thread(target=sample_tree, daemon=True)
    if sample:
        sampler.start()
    stderr = b""
    if err is not None:
        stderr = proc.stderr.read() if proc.stderr else b""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    done.set()
    if sample:
        sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}:\n{stderr.decode(errors='replace')[-3000:]}")
    cpu = usage.ru_utime + usage.ru_stime
    return Measurement(wall, usage.ru_maxrss * 1024, max(peak[0], usage.ru_maxrss * 1024), proc.returncode, cpu,
                       peak_pss[0])


@dataclass(frozen=True)
class Summary:
    runs: int
    wall: float  # median
    wall_min: float
    peak_rss: int  # median
    peak_tree_rss: int  # median
    cpu: float = 0.0  # median
    peak_tree_pss: int = 0  # median


def runs(make_cmd: Callable[[int], Sequence[str]], timed: int, cwd: Path | None = None,
         env: dict[str, str] | None = None, before: Callable[[], object] | None = None) -> Summary:
    """`timed` unsampled runs (wall, CPU, largest process), then one more whose process tree is
    sampled (tree RSS and PSS); `before()` runs before each. With `timed` < 2 a single run is made,
    sampled, and gives every figure (a long single run is not repeated for its memory)."""
    def one(i: int, sample: bool) -> Measurement:
        if before:
            before()
        return run(make_cmd(i), cwd=cwd, env=env, sample=sample)

    if timed < 2:
        return summarise([one(0, True)])
    times = [one(i, False) for i in range(timed)]
    return summarise(times, [one(timed, True)])


def summarise(measurements: Sequence[Measurement], trees: Sequence[Measurement] | None = None) -> Summary:
    """Medians of `measurements`; the tree figures from `trees` (sampled runs) when given."""
    trees = trees if trees is not None else measurements
    return Summary(
        runs=len(measurements),
        wall=statistics.median(m.wall for m in measurements),
        wall_min=min(m.wall for m in measurements),
        peak_rss=int(statistics.median(m.peak_rss for m in measurements)),
        peak_tree_rss=int(statistics.median(m.peak_tree_rss for m in trees)),
        cpu=statistics.median(m.cpu for m in measurements),
        peak_tree_pss=int(statistics.median(m.peak_tree_pss for m in trees)),
    )


class Trash:
    """Folders a benchmark is done with, moved aside (one rename) rather than deleted, until `empty()`.

    Deleting a large tree right before a timed run slows the run: on the benchmark machine's ext4,
    writing a x10 site's 16,500 files and folders took ~1.0 s into a file system where nothing had
    just been deleted and 7–11 s right after ~35,000–66,000 files were deleted (still 8.1 s
    90 s later), nearly all of it kernel CPU. Every tool writes its output after the previous
    run's was removed, so each would pay for the removal, in proportion to the files it writes,
    which is not what building a site costs. The trash is emptied when nothing is timed any more.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.count = 0

    def discard(self, *paths: Path) -> None:
        """Move each existing path into the trash (it must be on the trash's file system)."""
        for path in paths:
            if path.exists() or path.is_symlink():
                self.folder.mkdir(parents=True, exist_ok=True)
                self.count += 1
                os.rename(path, self.folder / str(self.count))

    def empty(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def mib(n: int) -> str:
    return f"{n / 2**20:,.0f} MiB"


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"
