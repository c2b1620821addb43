"""Build-time share of linking: `ordbog build` of the shared corpus with [links] enabled = false
and = true, alternating, median of several runs (wall time of the whole command).

    python benchmarks/linking/bench_build.py [--corpus DIR] [--runs 7]

Also prints the link stage alone (in-process, lexicon load included, median of the runs).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from corpus import DEFAULT_CORPUS  # noqa: E402

ORDBOG = Path(sys.executable).parent / "ordbog"


def timed_build(corpus: Path, enabled: bool, work: Path) -> float:
    toml = work / f"links-{enabled}.toml"
    toml.write_text(f"[links]\nenabled = {str(enabled).lower()}\n", encoding="utf-8")
    out = work / f"site-{enabled}"
    start = time.perf_counter()
    subprocess.run([str(ORDBOG), "build", "--content", str(corpus), "--out", str(out), "--config", str(toml),
                    "--quiet", "--force"], check=True, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def link_stage_seconds(corpus: Path) -> float:
    code = (
        "import sys,time; sys.path.insert(0, %r)\n"
        "from corpus import unlinked_site, corpus_config\n"
        "from ordbog import link\n"
        "from pathlib import Path; site = unlinked_site(Path(%r)); cfg = corpus_config(Path(%r))\n"
        "import gc; gc.disable()\n"
        "t = time.perf_counter(); link.link_site(cfg, site); print(time.perf_counter() - t)\n"
    ) % (str(Path(__file__).parent), str(corpus), str(corpus))
    return float(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    times: dict[bool, list[float]] = {False: [], True: []}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        timed_build(args.corpus, True, work)  # warm the file cache and any build cache
        timed_build(args.corpus, False, work)
        for _ in range(args.runs):
            for enabled in (False, True):
                times[enabled].append(timed_build(args.corpus, enabled, work))
    off, on = statistics.median(times[False]), statistics.median(times[True])
    stage = statistics.median(link_stage_seconds(args.corpus) for _ in range(min(args.runs, 5)))
    print(f"ordbog build, median of {args.runs}: links off {off:.3f} s, links on {on:.3f} s, "
          f"linking adds {on - off:+.3f} s = {100 * (on - off) / off:+.1f} %")
    print(f"link stage alone (fresh process, dictionary load included): {stage * 1000:.0f} ms "
          f"= {100 * stage / off:.1f} % of the build without links")


if __name__ == "__main__":
    main()
