"""Build-time share of linking: `ordbog build` of the shared corpus with [links] enabled = false
and = true, alternating, median of several runs: wall time of the whole command, and its CPU time
(user + system, workers included), which a busy shared machine disturbs less.

    python benchmarks/linking/bench_build.py [--corpus DIR] [--runs 7]

Also prints the link stage alone (in-process, lexicon load included, median of the runs).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from corpus import DEFAULT_CORPUS

ORDBOG = Path(sys.executable).parent / "ordbog"


def timed_build(corpus: Path, enabled: bool, work: Path) -> tuple[float, float]:
    toml = work / f"links-{enabled}.toml"
    toml.write_text(f"[links]\nenabled = {str(enabled).lower()}\n", encoding="utf-8")
    out = work / f"site-{enabled}"
    start, cpu = time.perf_counter(), _children_cpu()
    subprocess.run([str(ORDBOG), "build", "--content", str(corpus), "--out", str(out), "--config", str(toml),
                    "--quiet", "--force"], check=True, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start, _children_cpu() - cpu


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def link_stage_seconds(corpus: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of `link.link_site` on the corpus in a fresh process, GC off as in a build."""
    here = str(Path(__file__).parent)
    code = (
        f"import sys,time; sys.path.insert(0, {here!r})\n"
        "from corpus import unlinked_site, corpus_config\n"
        "from ordbog import link\n"
        f"from pathlib import Path; site = unlinked_site(Path({str(corpus)!r})); cfg = corpus_config(Path({str(corpus)!r}))\n"
        "import gc; gc.disable()\n"
        "t, c = time.perf_counter(), time.process_time(); link.link_site(cfg, site)\n"
        "print(time.perf_counter() - t, time.process_time() - c)\n"
    )
    wall, cpu = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout.split()
    return float(wall), float(cpu)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    times: dict[bool, list[tuple[float, float]]] = {False: [], True: []}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        timed_build(args.corpus, True, work)  # warm the file cache and any build cache
        timed_build(args.corpus, False, work)
        for _ in range(args.runs):
            for enabled in (False, True):
                times[enabled].append(timed_build(args.corpus, enabled, work))
    for label, k in (("wall", 0), ("CPU", 1)):
        off = statistics.median(t[k] for t in times[False])
        on = statistics.median(t[k] for t in times[True])
        print(f"ordbog build, {label} time, median of {args.runs}: links off {off:.3f} s, links on {on:.3f} s, "
              f"linking adds {on - off:+.3f} s = {100 * (on - off) / off:+.1f} %")
    off_cpu = statistics.median(t[1] for t in times[False])
    stages = [link_stage_seconds(args.corpus) for _ in range(min(args.runs, 5))]
    wall, cpu = statistics.median(s[0] for s in stages), statistics.median(s[1] for s in stages)
    print(f"link stage alone (fresh process, dictionary memo warm): {wall * 1000:.0f} ms wall, {cpu * 1000:.0f} ms CPU "
          f"= {100 * cpu / off_cpu:.1f} % of the build's CPU time without links")
    print(f"load average during the run: {os.getloadavg()[0]:.1f} (timings are noisy when it exceeds the core count)")


if __name__ == "__main__":
    main()
