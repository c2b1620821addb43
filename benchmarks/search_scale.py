"""`ordbog search --batch` at scale: index build time, peak memory and per-query latency.

    python benchmarks/search_scale.py [--count 38500] [--corpus DIR] [--eval ../shared/eval]
                                      [--queries 600] [--cache-dir DIR]

1. Generates a synthetic corpus of --count articles (benchmarks/generate_corpus.py), or uses
   --corpus (a generated corpus is kept in the cache folder and reused when it already has
   --count articles).
2. Builds the CLI's search index from nothing (`ordbog search`, own cache folder: articles
   analysed and indexed) and reports wall time, CPU time and peak memory of that process;
   then opens the cached index once more (what every later `ordbog search` does).
3. Sends a query mix through one `ordbog search --batch --json --limit 10` process, one line at
   a time, timing each answer: the judged Danish queries of ../shared/eval/search-dev.jsonl and
   benchmarks/search/*.jsonl (health questions, symptoms, typos, compounds), plus queries made
   from the corpus's own vocabulary (title words, word pairs, prefixes, one-letter typos).
   Prints p50/p95/p99 latency in ms over all queries and per kind.
Numbers are printed, never asserted (the machine is shared): run it on an idle machine.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
ORDBOG = str(Path(sys.executable).parent / "ordbog")
TITLE = re.compile(r"^title:\s*(.+)$", re.MULTILINE)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))] if ordered else 0.0


def corpus_for(args: argparse.Namespace) -> Path:
    if args.corpus:
        return args.corpus
    corpus = args.cache_dir / f"corpus-{args.count}"
    if len(list(corpus.glob("*.md"))) != args.count:
        print(f"generating {args.count} synthetic articles in {corpus} …", flush=True)
        subprocess.run([sys.executable, str(HERE / "generate_corpus.py"), "--count", str(args.count),
                        "--out", str(corpus)], check=True, stdout=subprocess.DEVNULL)
    return corpus


def timed_run(cmd: list[str], env: dict) -> tuple[float, float, int]:
    """(wall s, CPU s, peak KB) of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, after.ru_maxrss  # ru_maxrss: the largest child so far (KB on Linux)


def synthetic_queries(corpus: Path, n: int, rng: random.Random) -> list[tuple[str, str]]:
    """(kind, query) made from the corpus's titles: what people would type on that site."""
    titles = []
    for path in sorted(corpus.glob("*.md"))[:: max(1, len(list(corpus.glob("*.md"))) // 2000)]:
        found = TITLE.search(path.read_text(encoding="utf-8")[:2000])
        if found:
            titles.append(found.group(1).strip().strip("\"'"))
    words = sorted({w for t in titles for w in re.findall(r"[^\W\d_]{4,}", t.lower())})
    out = []
    for i in range(n):
        kind = ("title", "word", "two words", "prefix", "typo", "question")[i % 6]
        title, word, other = rng.choice(titles), rng.choice(words), rng.choice(words)
        if kind == "title":
            q = title
        elif kind == "word":
            q = word
        elif kind == "two words":
            q = f"{word} {other}"
        elif kind == "prefix":
            q = word[: max(4, len(word) - 3)]
        elif kind == "typo":
            at = rng.randrange(1, len(word) - 1)
            q = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
        else:
            q = f"hvad hjælper mod {word}?"
        out.append((f"synthetic {kind}", q))
    return out


def judged_queries(eval_dir: Path) -> list[tuple[str, str]]:
    files = [eval_dir / "search-dev.jsonl", *sorted((HERE / "search").glob("*.jsonl"))]
    rows = [json.loads(line) for f in files if f.exists() for line in f.open(encoding="utf-8") if line.strip()]
    return [(f"judged {r.get('kind', '?')}", r["q"]) for r in rows]


def batch_latency(corpus: Path, env: dict, queries: list[tuple[str, str]]) -> dict[str, list[float]]:
    proc = subprocess.Popen([ORDBOG, "search", "--batch", "--json", "--limit", "10", "--content", str(corpus)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
    assert proc.stdin and proc.stdout
    times: dict[str, list[float]] = {}
    proc.stdin.write(b"knae\n")  # the first answer waits for the index to open: not a query's latency
    proc.stdin.flush()
    proc.stdout.readline()
    for kind, q in queries:
        start = time.perf_counter()
        proc.stdin.write(q.replace("\n", " ").encode() + b"\n")
        proc.stdin.flush()
        json.loads(proc.stdout.readline())
        times.setdefault(kind, []).append((time.perf_counter() - start) * 1000)
    proc.stdin.close()
    proc.wait()
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=38_500, help="synthetic articles (default 38,500 = ×100)")
    parser.add_argument("--corpus", type=Path, help="use this content folder instead of a synthetic one")
    parser.add_argument("--eval", type=Path, default=ROOT.parent / "shared" / "eval")
    parser.add_argument("--queries", type=int, default=600, help="synthetic-vocabulary queries (default 600)")
    parser.add_argument("--cache-dir", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "ordbog-search-scale")
    args = parser.parse_args()
    corpus = corpus_for(args)
    index_cache = args.cache_dir / f"cache-{corpus.name}"
    subprocess.run(["rm", "-rf", str(index_cache)], check=True)
    env = {**os.environ, "ORDBOG_CACHE_DIR": str(index_cache)}
    print(f"corpus: {corpus} ({len(list(corpus.glob('*.md')))} articles); load {os.getloadavg()[0]:.2f}", flush=True)
    wall, cpu, peak = timed_run([ORDBOG, "search", "--content", str(corpus), "knæ"], env)
    size = sum(p.stat().st_size for p in (index_cache / "search").glob("*"))
    print(f"index built from nothing (analysis + index): {wall:.1f} s wall, {cpu:.1f} s CPU, "
          f"peak {peak / 1024:.0f} MB; index file {size / 1e6:.0f} MB")
    wall, cpu, _ = timed_run([ORDBOG, "search", "--content", str(corpus), "knæ"], env)
    print(f"`ordbog search` with the cached index (start-up + one query): {wall:.2f} s wall, {cpu:.2f} s CPU")
    rng = random.Random(7)
    queries = judged_queries(args.eval) + synthetic_queries(corpus, args.queries, rng)
    rng.shuffle(queries)
    times = batch_latency(corpus, env, queries)
    every = [t for ts in times.values() for t in ts]
    print(f"\n`ordbog search --batch`, {len(every)} queries, latency ms (load {os.getloadavg()[0]:.2f}):")
    print(f"  {'kind':28} {'n':>5} {'p50':>7} {'p95':>7} {'p99':>7}")
    for kind, ts in sorted(times.items()) + [("ALL", every)]:
        print(f"  {kind:28} {len(ts):5} {percentile(ts, 50):7.1f} {percentile(ts, 95):7.1f} {percentile(ts, 99):7.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
