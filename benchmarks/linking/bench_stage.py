"""The link stage alone on the shared corpus, in fresh processes: cold (`ORDBOG_CACHE_DIR=off`),
warm (an unchanged site rebuilt) and warm with the links recomputed (as after an edit: the
dictionary memo is warm, the linked-site cache is not). With `--before REV`, the same for the code
of a git revision, alternating with this tree's, so both see the same machine load.

    python benchmarks/linking/bench_stage.py [--runs 7] [--before REV] [--corpus DIR]

Each run analyses the corpus without caches first (not timed), then times `link.link_site`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from corpus import DEFAULT_CORPUS

REPO = Path(__file__).resolve().parents[2]
CODE = r"""
import dataclasses, gc, os, sys, time
from pathlib import Path
from ordbog import build, link
from ordbog.config import load_config
corpus, forget = Path(sys.argv[1]), sys.argv[2] == "1"
cfg, _ = load_config(corpus, Path(os.environ["OUT"]), None)
off = dataclasses.replace(cfg, file=cfg.file.model_copy(update={"links": cfg.file.links.model_copy(update={"enabled": False})}))
cache = os.environ["ORDBOG_CACHE_DIR"]
os.environ["ORDBOG_CACHE_DIR"] = "off"  # the analysis is never cached (and not timed)
site, _ = build.make_site(off)
os.environ["ORDBOG_CACHE_DIR"] = cache
if forget:
    for record in Path(cache).glob("link*-*.marshal"):
        record.unlink()
gc.disable()
wall, cpu = time.perf_counter(), time.process_time()
link.link_site(cfg, site)
print(time.perf_counter() - wall, time.process_time() - cpu)
"""


def run(src: Path, corpus: Path, cache: str, forget: bool, out: Path) -> tuple[float, float]:
    env = {**os.environ, "ORDBOG_CACHE_DIR": cache, "PYTHONPATH": str(src), "OUT": str(out)}
    result = subprocess.run([sys.executable, "-c", CODE, str(corpus), "1" if forget else "0"], env=env,
                            capture_output=True, text=True, check=True)
    wall, cpu = result.stdout.split()[-2:]
    return float(wall), float(cpu)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--before", help="a git revision to compare with")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        versions = {"this tree": REPO / "src"}
        if args.before:
            old = work / "before"
            old.mkdir()
            archive = subprocess.run(["git", "-C", str(REPO), "archive", args.before, "src"], capture_output=True,
                                     check=True).stdout
            subprocess.run(["tar", "-x", "-C", str(old)], input=archive, check=True)
            versions[args.before] = old / "src"
        caches = {name: str(work / f"cache-{i}") for i, name in enumerate(versions)}
        for name, src in versions.items():
            run(src, args.corpus, caches[name], False, work / "out")  # fill the warm caches
        modes = (("cold", False), ("warm, unchanged site", False), ("warm, links recomputed", True))
        times: dict[tuple[str, str], list[tuple[float, float]]] = {}
        for _ in range(args.runs):
            for mode, forget in modes:
                for name, src in versions.items():
                    cache = "off" if mode == "cold" else caches[name]
                    times.setdefault((mode, name), []).append(run(src, args.corpus, cache, forget, work / "out"))
    for (mode, name), found in times.items():
        wall = statistics.median(t[0] for t in found)
        cpu = statistics.median(t[1] for t in found)
        print(f"{mode:24} {name:12} median of {len(found)}: {wall * 1000:5.0f} ms wall, {cpu * 1000:5.0f} ms CPU "
              f"(fastest {min(t[0] for t in found) * 1000:.0f} ms wall)")
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
