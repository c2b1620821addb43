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
"""

from __future__ import annotations

import os
import statistics
import subprocess
import threading
import time
from collections.abc import Sequence
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
        quiet: bool = True) -> Measurement:
    """Run `cmd` to completion; stdout/stderr are discarded when quiet (errors still raise)."""
    out = subprocess.DEVNULL if quiet else None
    err = subprocess.PIPE if quiet else None
    peak = [0]
    peak_pss = [0]
    started = time.perf_counter()
    proc = subprocess.Popen(list(cmd), cwd=cwd, env=env, stdout=out, stderr=err)
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.02):
            pids = _tree(proc.pid)
            peak[0] = max(peak[0], sum(_rss(pid) for pid in pids))
            peak_pss[0] = max(peak_pss[0], sum(_pss(pid) for pid in pids))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stderr = b""
    if err is not None:
        stderr = proc.stderr.read() if proc.stderr else b""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    done.set()
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


def summarise(measurements: Sequence[Measurement]) -> Summary:
    return Summary(
        runs=len(measurements),
        wall=statistics.median(m.wall for m in measurements),
        wall_min=min(m.wall for m in measurements),
        peak_rss=int(statistics.median(m.peak_rss for m in measurements)),
        peak_tree_rss=int(statistics.median(m.peak_tree_rss for m in measurements)),
        cpu=statistics.median(m.cpu for m in measurements),
        peak_tree_pss=int(statistics.median(m.peak_tree_pss for m in measurements)),
    )


def mib(n: int) -> str:
    return f"{n / 2**20:,.0f} MiB"


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"
