"""`make bench`: how fast `ordbog build` is, in articles per second, wall time and peak memory.

    python benchmarks/bench.py [--corpus ../shared/corpus/ordbog] [--sizes 10,100] [--runs 3]

Builds (whole `ordbog build` process, median of N runs):
- the real corpus given by --corpus, when that folder exists;
- synthetic Danish corpora from `generate_corpus.py`, ×10 and ×100 the real corpus's 385 articles.

Each size is built "cold" (empty cache folder and no previous output, as in a fresh CI job) and
"warm" (the caches — analysed articles, rendered pages, link and search caches, the spare output —
and the output filled by the previous run, as on an editor's machine or a CI job that keeps them).
Peak memory is given for the largest process, and for the whole process tree as the sum of
resident sets (counts memory shared after fork once per process) and of proportional set sizes,
from one more run (a pair, cold and warm) whose process tree is sampled: sampling slows the build,
so the timed runs are not sampled (with --runs 1, the one run is sampled and gives every figure).
Not a test: nothing is asserted, the numbers are printed. The machine's load average is printed
too, because other processes skew the figures.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

import measure
from generate_corpus import generate

ROOT = Path(__file__).resolve().parents[1]
BASE_COUNT = 385  # articles in the shared real corpus; the synthetic sizes are multiples of it


def ordbog_command(content: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "ordbog", "build", "--content", str(content), "--out", str(out), "--quiet"]


def precompile() -> None:
    """Write ordbog's bytecode, as installing a wheel does: an editable install run with
    PYTHONDONTWRITEBYTECODE (set on some machines) would otherwise recompile every module on
    every run and time the compiler, not the build."""
    import compileall

    import ordbog

    compileall.compile_dir(Path(ordbog.__file__).parent, quiet=1)


def synthetic_corpus(work: Path, factor: int, seed: int = 1) -> Path:
    """Generated once per (count, seed) and kept in the work folder between runs."""
    count = BASE_COUNT * factor
    folder = work / f"corpus-x{factor}-seed{seed}"
    stamp = folder / ".complete"
    if not stamp.exists():
        shutil.rmtree(folder, ignore_errors=True)
        print(f"  generating {count:,} synthetic articles in {folder} …", file=sys.stderr)
        generate(count, folder, seed)
        stamp.write_text(str(count))
    return folder


def count_articles(content: Path) -> int:
    return sum(1 for p in content.rglob("*.md") if p.name.lower() != "readme.md")


def bench_ordbog(content: Path, work: Path, runs: int, env: dict[str, str],
                 modes: tuple[str, ...] = ("cold", "warm"), trash: measure.Trash | None = None,
                 ) -> dict[str, measure.Summary]:
    """Cold (cache emptied before every run) and warm (cache kept) builds of one corpus.

    With 2 runs or more, times come from unsampled runs and the process tree's memory from one
    more sampled pair (sampling slows what it samples: see measure.py); a single run is sampled.
    The previous run's output and cache go to `trash` (deleting them would slow the next run: see
    `measure.Trash`)."""
    trash = trash or measure.Trash(work / "trash")
    out = work / "site"
    cache_dir = work / "cache"
    env = env | {"ORDBOG_CACHE_DIR": str(cache_dir)}
    timed: dict[str, list[measure.Measurement]] = {mode: [] for mode in modes}
    sampled: dict[str, list[measure.Measurement]] = {mode: [] for mode in modes}
    for i in range(runs + (runs >= 2)):
        sample = runs < 2 or i == runs
        found = sampled if sample else timed
        trash.discard(cache_dir, out)
        cold = measure.run(ordbog_command(content, out), cwd=work, env=env, sample=sample)
        if "cold" in found:
            found["cold"].append(cold)
        if "warm" in found:
            found["warm"].append(measure.run(ordbog_command(content, out), cwd=work, env=env, sample=sample))
    return {mode: measure.summarise(timed[mode] or sampled[mode], sampled[mode]) for mode in modes}


def print_row(name: str, articles: int, mode: str, summary: measure.Summary) -> None:
    print(f"{name:<14} {articles:>7,} {mode:<5} {summary.runs:>4} {summary.wall:>9.2f} s {summary.cpu:>8.2f} s"
          f" {articles / summary.wall:>9,.0f}"
          f" {measure.mib(summary.peak_rss):>11} {measure.mib(summary.peak_tree_rss):>11}"
          f" {measure.mib(summary.peak_tree_pss):>11}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "ordbog",
                        help="real corpus folder (skipped when missing)")
    parser.add_argument("--sizes", default="10,100", help="synthetic sizes as multiples of 385 (default 10,100; '' for none)")
    parser.add_argument("--runs", type=int, default=3, help="runs per size, median reported (default 3)")
    parser.add_argument("--runs-large", type=int, default=1, help="runs for sizes ≥ ×50 (default 1)")
    parser.add_argument("--work", type=Path, default=ROOT / "bench-out", help="work folder (default bench-out/)")
    parser.add_argument("--jobs", default="", help="ORDBOG_JOBS for the builds (default: all CPUs)")
    parser.add_argument("--modes", default="cold,warm", help="cache modes to report (default cold,warm)")
    args = parser.parse_args(argv)

    args.work.mkdir(parents=True, exist_ok=True)
    precompile()
    env = dict(os.environ)
    if args.jobs:
        env["ORDBOG_JOBS"] = args.jobs
    targets: list[tuple[str, Path, int]] = []
    if args.corpus.is_dir():
        targets.append(("real", args.corpus.resolve(), args.runs))
    else:
        print(f"(real corpus {args.corpus} not found: skipped)", file=sys.stderr)
    for factor in [int(f) for f in args.sizes.split(",") if f.strip()]:
        targets.append((f"synthetic x{factor}", synthetic_corpus(args.work, factor), args.runs_large if factor >= 50 else args.runs))

    print(f"ordbog build — CPUs: {os.cpu_count()}, ORDBOG_JOBS={env.get('ORDBOG_JOBS', 'all')}, load average before: "
          f"{measure.load_average()}")
    print(f"{'corpus':<14} {'articles':>7} {'cache':<5} {'runs':>4} {'wall (med)':>11} {'CPU':>10} {'art/s':>9}"
          f" {'peak RSS':>11} {'tree RSS':>11} {'tree PSS':>11}")
    trash = measure.Trash(args.work / f"trash-{os.getpid()}")
    try:
        for name, content, runs in targets:
            articles = count_articles(content)
            work = args.work / name.replace(" ", "-")
            work.mkdir(parents=True, exist_ok=True)
            modes = tuple(m.strip() for m in args.modes.split(",") if m.strip() in ("cold", "warm"))
            for mode, summary in bench_ordbog(content, work, runs, env, modes, trash).items():
                print_row(name, articles, mode, summary)
    finally:
        trash.empty()
    print(f"load average after: {measure.load_average()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
