"""Build-time share of linking: `ordbog build` of the shared corpus with [links] enabled = false
and = true, alternating, median of several runs: wall time of the whole command, and its CPU time
(user + system, workers included), which a busy shared machine disturbs less. Both cold
(`ORDBOG_CACHE_DIR=off`: no analysed-article cache, no dictionary memo) and warm (a private cache
folder, filled by a first build).

    python benchmarks/linking/bench_build.py [--corpus DIR] [--runs 3]

Also prints the link stage alone, cold and warm: `link.link_site` in a fresh process (dictionary
loading included), median of the runs, and its share of the build without links.
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


def timed_build(corpus: Path, enabled: bool, work: Path, env: dict[str, str]) -> tuple[float, float]:
    toml = work / f"links-{enabled}.toml"
    toml.write_text(f"[links]\nenabled = {str(enabled).lower()}\n", encoding="utf-8")
    out = work / f"site-{enabled}"
    start, cpu = time.perf_counter(), _children_cpu()
    subprocess.run([str(ORDBOG), "build", "--content", str(corpus), "--out", str(out), "--config", str(toml),
                    "--quiet", "--force"], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    return time.perf_counter() - start, _children_cpu() - cpu


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def link_stage_seconds(corpus: Path, env: dict[str, str], relink: bool = False) -> tuple[float, float]:
    """(wall, CPU) seconds of `link.link_site` on the corpus in a fresh process, GC off as in a build;
    `relink`: without the linked-site cache (as after an edit), the dictionary memo still warm."""
    here = str(Path(__file__).parent)
    forget = "from ordbog.cache import cache_root; [p.unlink() for p in cache_root().glob('link*-*.marshal')]\n"
    code = (
        f"import sys,time; sys.path.insert(0, {here!r})\n"
        "from corpus import unlinked_site, corpus_config\n"
        "from ordbog import link\n"
        f"from pathlib import Path; site = unlinked_site(Path({str(corpus)!r})); cfg = corpus_config(Path({str(corpus)!r}))\n"
        + (forget if relink else "")
        + "import gc; gc.disable()\n"
        "t, c = time.perf_counter(), time.process_time(); link.link_site(cfg, site)\n"
        "print(time.perf_counter() - t, time.process_time() - c)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, env=env)
    wall, cpu = result.stdout.split()
    return float(wall), float(cpu)


def measure(corpus: Path, runs: int, env: dict[str, str], label: str) -> None:
    times: dict[bool, list[tuple[float, float]]] = {False: [], True: []}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        timed_build(corpus, True, work, env)  # warm the file cache and, when warm, the build caches
        timed_build(corpus, False, work, env)
        for _ in range(runs):
            for enabled in (False, True):
                times[enabled].append(timed_build(corpus, enabled, work, env))
    off = {k: statistics.median(t[k] for t in times[False]) for k in (0, 1)}
    for name, k in (("wall", 0), ("CPU", 1)):
        on = statistics.median(t[k] for t in times[True])
        print(f"{label}: ordbog build, {name} time, median of {runs}: links off {off[k]:.3f} s, links on {on:.3f} s, "
              f"linking adds {on - off[k]:+.3f} s = {100 * (on - off[k]) / off[k]:+.1f} %")
    kinds = [(label, False)] + ([(f"{label}, links recomputed (as after an edit)", True)] if label == "warm" else [])
    link_stage_seconds(corpus, env)  # fill the caches this configuration uses
    for kind, relink in kinds:
        stages = [link_stage_seconds(corpus, env, relink) for _ in range(runs)]
        wall, cpu = statistics.median(s[0] for s in stages), statistics.median(s[1] for s in stages)
        print(f"{kind}: link stage alone (fresh process, median of {runs}): {wall * 1000:.0f} ms wall "
              f"= {100 * wall / off[0]:.1f} % of the build's wall time without links; {cpu * 1000:.0f} ms CPU "
              f"= {100 * cpu / off[1]:.1f} % of its CPU time")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as cache:
        for label, value in (("cold", "off"), ("warm", cache)):
            measure(args.corpus, args.runs, {**os.environ, "ORDBOG_CACHE_DIR": value}, label)
    print(f"load average at the end: {os.getloadavg()[0]:.1f} (timings are noisy when it exceeds the core count, "
          f"{os.cpu_count()})")


if __name__ == "__main__":
    main()
