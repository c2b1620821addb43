"""The static site's search, measured in a real browser (Debian's Chromium via Playwright).

    python benchmarks/search_browser_eval.py --corpus ../shared/corpus/ordbog [--scale 10] [--duplicate 10]

1. Builds the corpus with `ordbog build` into a temporary folder, serves it on 127.0.0.1 (a
   threaded http.server, no compression, like the plainest static host) and drives
   `window.ordbog.search(q, {limit: 10})` for every query of ../shared/eval/search-dev.jsonl,
   search-faq.jsonl and benchmarks/search/*.jsonl. Prints MRR@10, nDCG@10, Recall@10 and the
   empty-result share per file and kind, scored as ../shared/eval/score.py scores (MRR and
   recall count grade-2 articles; nDCG gains 2^grade-1).
2. Latency, timed in the page with performance.now(): "first" is each query's first run once the
   manifest and vocabulary are loaded (it still fetches the postings shards and the result
   articles it needs from the local server); "again" is the same query run a second time (pure
   computation: the budget of 50 ms p95 is about this).
3. Bytes a fresh browser downloads for one first query (index files plus the search scripts and
   stylesheet, not the page itself): at the corpus's size, at synthetic sizes ×N built with
   benchmarks/generate_corpus.py (its own vocabulary) and with the corpus copied N times under
   renamed slugs (the same words, N× the postings), over a sample of queries; raw and gzipped.

No assertions: it prints numbers (the machine is shared; timings vary).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gzip
import http.server
import json
import math
import statistics
import subprocess
import sys
import tempfile
import threading
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

from ordbog.build import build_and_write
from ordbog.config import load_config

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
K = 10
SEARCH_ASSETS = ("search.js", "search-analyzer.js", "search-ui.js", "search.css")
BYTES_SAMPLE = 60  # queries per corpus size for the download measurement
SYNTHETIC_QUERIES = ["smerter i knæet", "slidgigt i hoften", "ondt i ryggen om morgenen", "skulder betændelse",
                     "hælen gør ondt", "kramper i læggen", "akut nakkesmerter", "forstuvning af anklen"]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@contextlib.contextmanager
def serve(root: Path) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def build(content: Path, out: Path) -> Path:
    cfg, diags = load_config(content, out, None)
    if cfg is None:
        sys.exit("\n".join(str(d) for d in diags))
    result = build_and_write(cfg, keep_going=True, force=True)
    print(f"built {len(result.site.articles)} articles from {content} into {out}", flush=True)
    return out


def metrics(ranked: list[str], relevant: dict[str, int]) -> tuple[float, float, float]:
    rel = {s: int(g) for s, g in relevant.items() if int(g) > 0}
    wanted = {s for s, g in rel.items() if g >= 2}
    rr = next((1.0 / i for i, s in enumerate(ranked[:K], 1) if s in wanted), 0.0)
    dcg = sum((2 ** rel.get(s, 0) - 1) / math.log2(i + 1) for i, s in enumerate(ranked[:K], 1))
    ideal = sorted(rel.values(), reverse=True)[:K]
    idcg = sum((2**g - 1) / math.log2(i + 1) for i, g in enumerate(ideal, 1))
    return rr, (dcg / idcg if idcg else 0.0), (len(wanted & set(ranked[:K])) / len(wanted) if wanted else 0.0)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)] if ordered else float("nan")


RUN_ALL = """async (queries) => {
  await window.ordbog.searchIndex();
  const out = [];
  for (const q of queries) {
    let t = performance.now();
    const first = await window.ordbog.search(q, {limit: 10});
    const firstMs = performance.now() - t;
    t = performance.now();
    await window.ordbog.search(q, {limit: 10});
    out.push({slugs: first.map(r => r.slug), first: firstMs, again: performance.now() - t});
  }
  return out;
}"""


def evaluate(page, base: str, path: Path) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    page.goto(base + "/soeg/")
    page.wait_for_function("() => window.ordbog && window.ordbog.search")
    results: list[dict] = []
    for start in range(0, len(rows), 200):
        results += page.evaluate(RUN_ALL, [r["q"] for r in rows[start : start + 200]])
    for row, res in zip(rows, results, strict=True):
        row.update(res)
    return rows


def report(name: str, rows: list[dict]) -> dict:
    by_kind: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_kind[row.get("kind", "-")].append(row)
        by_kind["ALL"].append(row)
    print(f"\n{name}  ({len(rows)} queries)")
    print(f"  {'kind':<14}{'n':>5}{'MRR@10':>9}{'nDCG@10':>9}{'R@10':>8}{'empty':>8}")
    summary = {}
    for kind in sorted(by_kind, key=lambda k: (k == "ALL", k)):
        group = by_kind[kind]
        m = [metrics(r["slugs"], r["relevant"]) for r in group]
        cols = [statistics.fmean(x[i] for x in m) for i in range(3)]
        empty = sum(1 for r in group if not r["slugs"]) / len(group)
        summary[kind] = cols + [empty]
        print(f"  {kind:<14}{len(group):>5}{cols[0]:>9.3f}{cols[1]:>9.3f}{cols[2]:>8.3f}{empty:>8.3f}")
    first = [r["first"] for r in rows]
    again = [r["again"] for r in rows]
    print(f"  latency ms: first p50 {statistics.median(first):.1f} p95 {p95(first):.1f} · "
          f"again p50 {statistics.median(again):.2f} p95 {p95(again):.2f}")
    return summary


def first_query_bytes(browser, base: str, site: Path, queries: list[str]) -> list[tuple[int, int, int]]:
    """(index bytes, script+css bytes, gzip of both) a fresh browser downloads for one query each."""
    assets = [(site / "static" / name).read_bytes() for name in SEARCH_ASSETS]
    out = []
    for q in queries:
        context = browser.new_context()
        page = context.new_page()
        fetched: list[str] = []  # the server sends files as they are: their bytes are on disk
        page.on("response", lambda r, seen=fetched: seen.append(urlsplit(r.url).path) if "/soeg/indeks/" in r.url else None)
        page.goto(base + "/")
        page.wait_for_function("() => window.ordbog && window.ordbog.search")
        page.evaluate("q => window.ordbog.search(q, {limit: 10})", q)
        index = [(site / path.lstrip("/")).read_bytes() for path in fetched]
        zipped = sum(len(gzip.compress(body)) for body in index + assets)  # per file, as HTTP sends them
        out.append((sum(map(len, index)), sum(map(len, assets)), zipped))
        context.close()
    return out


def print_bytes(label: str, sizes: list[tuple[int, int, int]]) -> None:
    totals = sorted(i + a for i, a, _ in sizes)
    index = sorted(i for i, _, _ in sizes)
    gz = sorted(g for _, _, g in sizes)
    print(f"  {label:<28} index p50 {statistics.median(index) / 1000:6.1f} kB, max {index[-1] / 1000:6.1f} kB · "
          f"with scripts p50 {statistics.median(totals) / 1000:6.1f} kB, p95 {p95(totals) / 1000:6.1f} kB, "
          f"max {totals[-1] / 1000:6.1f} kB · gzip p50 {statistics.median(gz) / 1000:5.1f} kB")


def duplicate(corpus: Path, out: Path, copies: int) -> Path:
    """The corpus `copies` times: copy k of x.md is x-kopi-k.md (the slug comes from the file name)."""
    out.mkdir(parents=True)
    for path in sorted(corpus.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        for k in range(copies):
            (out / (path.name if k == 0 else f"{path.stem}-kopi-{k}.md")).write_text(text, encoding="utf-8")
    return out


def query_files(eval_dir: Path) -> list[Path]:
    files = [eval_dir / "search-dev.jsonl", eval_dir / "search-faq.jsonl"]
    files += sorted((ROOT / "benchmarks" / "search").glob("*.jsonl"))
    return [f for f in files if f.is_file()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "ordbog")
    parser.add_argument("--eval", type=Path, default=ROOT.parent / "shared" / "eval", help="folder of judged query sets")
    parser.add_argument("--scale", type=int, action="append", default=None, help="synthetic ×N size for the byte test (repeatable; default 10)")
    parser.add_argument("--duplicate", type=int, action="append", default=[],
                        help="also the real corpus copied N times under renamed slugs (same words, N× the postings)")
    parser.add_argument("--skip-quality", action="store_true")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    files = query_files(args.eval)
    sample = [json.loads(line)["q"] for f in files if "faq" not in f.name for line in f.read_text(encoding="utf-8").splitlines()[:20]]
    sample = (sample + SYNTHETIC_QUERIES)[:BYTES_SAMPLE]
    with tempfile.TemporaryDirectory(prefix="ordbog-search-eval-") as tmp, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        out = build(args.corpus, Path(tmp) / "site")
        n_articles = len(list(args.corpus.glob("*.md")))
        with serve(out) as base:
            if not args.skip_quality:
                page = browser.new_page()
                for f in files:
                    report(f.name, evaluate(page, base, f))
                page.close()
            print(f"\nbytes a fresh browser downloads for one first query ({len(sample)} queries each):")
            print_bytes(f"{n_articles} articles", first_query_bytes(browser, base, out, sample))
        for copies in args.duplicate:
            content = duplicate(args.corpus, Path(tmp) / f"copies-{copies}", copies)
            site = build(content, Path(tmp) / f"site-copies-{copies}")
            with serve(site) as base:
                print_bytes(f"{n_articles * copies} articles (corpus ×{copies})", first_query_bytes(browser, base, site, sample))
        for scale in args.scale or ([] if args.duplicate else [10]):
            count = n_articles * scale
            content = Path(tmp) / f"synthetic-{count}"
            subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate_corpus.py"), "--count", str(count),
                            "--out", str(content), "--seed", "1"], check=True, stdout=subprocess.DEVNULL)
            site = build(content, Path(tmp) / f"site-{count}")
            with serve(site) as base:
                print_bytes(f"{count} articles (synthetic)", first_query_bytes(browser, base, site, sample))
        browser.close()


if __name__ == "__main__":
    main()
