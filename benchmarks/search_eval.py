"""Search quality and speed of `ordbog search` / `ordbog ask` on judged query sets.

    python benchmarks/search_eval.py [--corpus ../shared/corpus/ordbog] [--eval ../shared/eval]
                                     [--synthetic 38500]

1. Runs ../shared/eval/score.py (batch mode, the CLI as a subprocess) on search-dev.jsonl,
   search-faq.jsonl and our own sets in benchmarks/search/*.jsonl: MRR@10, nDCG@10, Recall@10,
   empty share per kind, latency p50/p95 (score.py prints the table).
2. `ordbog ask`: share of search-faq.jsonl questions whose answer is the FAQ's own answer, and
   latency percentiles (in process, the same code path as the CLI).
3. With --synthetic N: generates N synthetic articles (benchmarks/generate_corpus.py), builds
   the index once, and reports CLI --batch latency on a few hundred queries.
Numbers are printed, never asserted (the machine is shared).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
ORDBOG = [str(Path(sys.executable).parent / "ordbog")]


def score(queries: Path, corpus: Path, eval_dir: Path) -> None:
    cmd = [sys.executable, str(eval_dir / "score.py"), str(queries), "--batch", "--",
           *ORDBOG, "search", "--batch", "--json", "--limit", "10", "--content", str(corpus)]
    print(f"\n$ {' '.join(cmd)}", flush=True)
    subprocess.run(cmd, check=False)


def normalise(text: str) -> str:
    return " ".join(text.split())


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))] if ordered else 0.0


def ask_eval(corpus: Path, eval_dir: Path) -> None:
    from ordbog.config import load_config
    from ordbog.search.api import ask_json, open_searcher

    config, _ = load_config(corpus)
    searcher = open_searcher(config)
    rows = [json.loads(line) for line in (eval_dir / "search-faq.jsonl").open(encoding="utf-8") if line.strip()]
    own, right_article, times = 0, 0, []
    for row in rows:
        start = time.perf_counter()
        found = ask_json(searcher, row["q"])
        times.append((time.perf_counter() - start) * 1000)
        if found and normalise(found["text"]) == normalise(row.get("answer", "")):
            own += 1
        if found and row["relevant"].get(found["slug"]) == 2:
            right_article += 1
    n = max(1, len(rows))
    print(f"\nordbog ask on {eval_dir / 'search-faq.jsonl'} ({len(rows)} questions):")
    print(f"  the FAQ's own answer: {own / n:.1%}   an answer from the right article: {right_article / n:.1%}")
    print(f"  latency ms p50 {percentile(times, 50):.1f}  p95 {percentile(times, 95):.1f}")


def cpu_latency(corpus: Path, sets: list[Path]) -> None:
    """Per-query CPU time in process (search_json, as --batch runs it): wall time on a shared,
    busy machine mostly measures waiting for a core; CPU time measures the work."""
    from ordbog.config import load_config
    from ordbog.search.api import open_searcher, search_json

    config, _ = load_config(corpus)
    searcher = open_searcher(config)
    queries = [json.loads(line)["q"] for path in sets for line in path.open(encoding="utf-8") if line.strip()]
    search_json(searcher, queries[0], 10)
    cpu, wall = [], []
    for q in queries:
        start_cpu, start = time.process_time(), time.perf_counter()
        search_json(searcher, q, 10)
        cpu.append((time.process_time() - start_cpu) * 1000)
        wall.append((time.perf_counter() - start) * 1000)
    print(f"\nsearch_json in process, {len(queries)} queries ({corpus}):")
    print(f"  CPU ms p50 {percentile(cpu, 50):.1f}  p95 {percentile(cpu, 95):.1f}   "
          f"wall ms p50 {percentile(wall, 50):.1f}  p95 {percentile(wall, 95):.1f}")


def synthetic(count: int, eval_dir: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="ordbog-search-bench-") as tmp:
        corpus = Path(tmp) / "content"
        subprocess.run([sys.executable, str(HERE / "generate_corpus.py"), "--count", str(count),
                        "--out", str(corpus)], check=True)
        queries = Path(tmp) / "queries.jsonl"
        rows = [json.loads(line) for line in (eval_dir / "search-dev.jsonl").open(encoding="utf-8")]
        own = [json.loads(line) for path in sorted((HERE / "search").glob("*.jsonl")) for line in path.open(encoding="utf-8")]
        with queries.open("w", encoding="utf-8") as fh:
            for row in rows + own:
                fh.write(json.dumps({"q": row["q"], "relevant": {}, "kind": row["kind"]}, ensure_ascii=False) + "\n")
        start = time.perf_counter()
        subprocess.run([*ORDBOG, "search", "--content", str(corpus), "knæ"], check=False, capture_output=True)
        print(f"\nsynthetic corpus of {count}: index built in {time.perf_counter() - start:.1f} s (latency below; relevance is not judged)")
        score(queries, corpus, eval_dir)
        cpu_latency(corpus, [queries])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "ordbog")
    parser.add_argument("--eval", type=Path, default=ROOT.parent / "shared" / "eval")
    parser.add_argument("--synthetic", type=int, default=0, help="also time a synthetic corpus of N articles")
    parser.add_argument("--skip-faq", action="store_true", help="skip the 1,519 FAQ questions")
    args = parser.parse_args()
    sets = [args.eval / "search-dev.jsonl", *sorted((HERE / "search").glob("*.jsonl"))]
    if not args.skip_faq:
        sets.append(args.eval / "search-faq.jsonl")
    for queries in sets:
        score(queries, args.corpus, args.eval)
    cpu_latency(args.corpus, sets)
    if not args.skip_faq:
        ask_eval(args.corpus, args.eval)
    if args.synthetic:
        synthetic(args.synthetic, args.eval)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
