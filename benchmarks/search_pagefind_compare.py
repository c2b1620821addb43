"""Why the site's search is ordbog's own: Pagefind on the same site and the same judged queries.

    pip install "pagefind[bin]>=1.5"       # only for this comparison
    python benchmarks/search_pagefind_compare.py --corpus ../shared/corpus/ordbog

Builds the corpus with `ordbog build`, indexes the article pages with the Pagefind binary
(defaults; it reads the language, Danish, from <html lang>), serves the folder on 127.0.0.1 and
runs `pagefind.search(q)` in Debian's Chromium for every judged query that
benchmarks/search_browser_eval.py uses, scored the same way (top 10 by Pagefind's order). Also
prints what a fresh browser downloads for a first query (Pagefind's files are already gzipped).
Compare with the output of benchmarks/search_browser_eval.py. Prints numbers, asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from search_browser_eval import (
    CHROMIUM,
    CHROMIUM_ARGS,
    ROOT,
    build,
    metrics,
    query_files,
    serve,
)

RUN = """async (queries) => {
  const pf = await import('/pagefind/pagefind.js');
  await pf.init();
  const out = [];
  for (const q of queries) {
    const found = await pf.search(q);
    const top = found ? await Promise.all(found.results.slice(0, 10).map(r => r.data())) : [];
    out.push(top.map(d => d.url.split('/').filter(Boolean).pop()));
  }
  return out;
}"""
FIRST = """async q => {
  const pf = await import('/pagefind/pagefind.js');
  const found = await pf.search(q);
  await Promise.all(found.results.slice(0, 10).map(r => r.data()));
}"""


def pagefind_index(site: Path) -> None:
    from pagefind_bin import get_executable

    subprocess.run([str(get_executable()), "--site", str(site), "--glob", "ordbog/*/index.html"], check=True,
                   stdout=subprocess.DEVNULL)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "ordbog")
    parser.add_argument("--eval", type=Path, default=ROOT.parent / "shared" / "eval")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="ordbog-pagefind-") as tmp, sync_playwright() as pw:
        site = build(args.corpus, Path(tmp) / "site")
        pagefind_index(site)
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        with serve(site) as base:
            page = browser.new_page()
            page.goto(base + "/")
            sample: list[str] = []
            for path in query_files(args.eval):
                rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
                sample += [r["q"] for r in rows[:20]] if "faq" not in path.name else []
                ranked: list[list[str]] = []
                for start in range(0, len(rows), 200):
                    ranked += page.evaluate(RUN, [r["q"] for r in rows[start : start + 200]])
                m = [metrics(slugs, row["relevant"]) for slugs, row in zip(ranked, rows, strict=True)]
                cols = [statistics.fmean(x[i] for x in m) for i in range(3)]
                empty = sum(1 for slugs in ranked if not slugs) / len(rows)
                print(f"Pagefind {path.name:<22} n {len(rows):>5}  MRR@10 {cols[0]:.3f}  nDCG@10 {cols[1]:.3f}  "
                      f"R@10 {cols[2]:.3f}  empty {empty:.3f}")
            sizes = []
            for q in sample[:60]:
                context = browser.new_context()
                fresh = context.new_page()
                seen: list[str] = []
                fresh.on("response", lambda r, s=seen: s.append(urlsplit(r.url).path) if "/pagefind/" in r.url else None)
                fresh.goto(base + "/")
                fresh.evaluate(FIRST, q)
                sizes.append(sum((site / p.lstrip("/")).stat().st_size for p in seen))
                context.close()
            print(f"Pagefind first-query download ({len(sizes)} queries): p50 {statistics.median(sizes) / 1000:.1f} kB, "
                  f"max {max(sizes) / 1000:.1f} kB")
        browser.close()


if __name__ == "__main__":
    main()
