"""`make bench-peers`: the same articles built by ordbog, Hugo (+ Pagefind), MkDocs + Material and Pelican.

    python benchmarks/bench_peers.py [--corpus ../shared/corpus/ordbog] [--sizes 10] [--runs 3]

For each corpus (the real one when present, and synthetic ×N from `generate_corpus.py`) the
articles are converted once into each tool's input in a temporary folder: ISO dates and a title
for Hugo, Pelican's `Key: value` metadata, a docs folder and mkdocs.yml for MkDocs. Every tool is
then timed as a whole process (median of N runs; the process tree's peak memory comes from one
more run, sampled, as sampling slows what it samples: see measure.py) and the ratios are printed
from the same run. Between runs each tool's previous output (and ordbog's cache, for a cold run)
is moved aside, not deleted: deleting it would slow the next run (`measure.Trash`); everything is
deleted at the end. Tools that are not installed are skipped with a note.
Hugo uses small layouts comparable to ordbog's pages (title, table of contents, body, JSON-LD);
Pagefind indexes Hugo's output, as a Hugo site would need for search.
MkDocs + Material gets a `nav` of the home page only: with its default navigation every page's
sidebar lists every page, so its time grows with the square of the site (385 articles: 6.1 s and
43 MiB of HTML; 3,850: ~400 s), which is not what a glossary site would do, nor what issue 3's
peer figures (2.3 s for 485 articles, 19.5 s for 4,850) measured. With the home page as nav:
2.0 s for 385 (6 MiB).

ordbog runs three ways: cold (empty cache, no previous output: a fresh CI job), warm (cache and
previous output kept, nothing changed) and one edit (cache and previous output kept, one article
changed since: an editor's commit in CI with a restored cache).
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import yaml

import measure
from bench import BASE_COUNT, count_articles, ordbog_command, precompile, synthetic_corpus

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
_DMY = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")

HUGO_CONFIG = """baseURL = "https://www.eksempel.dk/"
languageCode = "da"
title = "Ordbog"
[markup.tableOfContents]
startLevel = 2
endLevel = 3
"""
HUGO_LAYOUTS = {
    "_default/baseof.html": """<!doctype html>
<html lang="da"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} – {{ .Site.Title }}</title><meta name="description" content="{{ .Summary | plainify | truncate 160 }}">
<link rel="canonical" href="{{ .Permalink }}"></head>
<body><header><a href="{{ .Site.Home.RelPermalink }}">{{ .Site.Title }}</a></header>
<main>{{ block "main" . }}{{ end }}</main></body></html>
""",
    "_default/single.html": """{{ define "main" }}<article><h1>{{ .Title }}</h1>
{{ with .Lastmod }}<p>Sidst opdateret <time datetime="{{ .Format "2006-01-02" }}">{{ .Format "2. January 2006" }}</time></p>{{ end }}
<nav aria-label="Indhold">{{ .TableOfContents }}</nav>
{{ .Content }}
<script type="application/ld+json">{{ dict "@context" "https://schema.org" "@type" "MedicalWebPage" "name" .Title "url" .Permalink "description" (.Summary | plainify) | jsonify | safeJS }}</script>
</article>{{ end }}
""",
    "_default/list.html": """{{ define "main" }}<h1>{{ .Title }}</h1><ul>
{{ range .Pages.ByTitle }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>
{{ end }}</ul>{{ end }}
""",
}
MKDOCS_CONFIG = """site_name: Ordbog
site_url: https://www.eksempel.dk/
docs_dir: docs
theme:
  name: material
  language: da
plugins:
  - search:
      lang: da
nav:
  - index.md
validation:
  nav:
    omitted_files: ignore
"""
PELICAN_CONFIG = """AUTHOR = "Ordbog"
SITENAME = "Ordbog"
SITEURL = ""
PATH = "content"
TIMEZONE = "Europe/Copenhagen"
DEFAULT_LANG = "da"
DEFAULT_PAGINATION = False
"""

PELICAN_CACHE = """CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CONTENT_CACHING_LAYER = "reader"
CACHE_PATH = {cache!r}
"""


def iso(value: object) -> str | None:
    """DD/MM/YYYY or YYYY-MM-DD → YYYY-MM-DD; None when it is not a real date."""
    text = str(value or "").strip()
    m = _DMY.match(text)
    try:
        if m:
            return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1))).isoformat()
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        return None


def read_articles(content: Path) -> list[tuple[str, dict, str]]:
    """(slug, frontmatter, body) of every article a peer can read (broken YAML is skipped)."""
    found = []
    for path in sorted(content.glob("*.md")):
        if path.name.lower() == "readme.md":
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        fm: dict = {}
        body = text
        if text.startswith("---\n") and "\n---" in text[4:]:
            head, body = text[4:].split("\n---", 1)
            try:
                loaded = yaml.safe_load(head)
            except yaml.YAMLError:
                continue
            fm = loaded if isinstance(loaded, dict) else {}
            body = body.split("\n", 1)[1] if "\n" in body else ""
        fm = {str(k): v for k, v in fm.items()}
        title = fm.get("title") or fm.get("Title") or str(fm.get("metaTitle", "")).split(" – ")[0] or path.stem
        fm["title"] = str(title)
        found.append((path.stem, fm, body))
    return found


def article_date(fm: dict) -> str:
    return iso(fm.get("lastUpdated")) or iso(fm.get("datePublished")) or "2024-01-01"


def hugo_site(articles: list[tuple[str, dict, str]], folder: Path) -> Path:
    (folder / "content" / "ordbog").mkdir(parents=True)
    (folder / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    for rel, text in HUGO_LAYOUTS.items():
        (folder / "layouts" / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / "layouts" / rel).write_text(text, encoding="utf-8")
    (folder / "content" / "_index.md").write_text("---\ntitle: Ordbog\n---\n", encoding="utf-8")
    for slug, fm, body in articles:
        meta = {"title": fm["title"], "date": article_date(fm), "lastmod": article_date(fm), "slug": slug}
        if fm.get("metaTitle"):
            meta["description"] = str(fm["metaTitle"])
        text = "---\n" + yaml.safe_dump(meta, allow_unicode=True) + "---\n" + body
        (folder / "content" / "ordbog" / f"{slug}.md").write_text(text, encoding="utf-8")
    return folder


def mkdocs_site(articles: list[tuple[str, dict, str]], folder: Path) -> Path:
    docs = folder / "docs"
    docs.mkdir(parents=True)
    (folder / "mkdocs.yml").write_text(MKDOCS_CONFIG, encoding="utf-8")
    (docs / "index.md").write_text("# Ordbog\n\nForklaringer på sundhedsord.\n", encoding="utf-8")
    for slug, fm, body in articles:
        meta = {"title": fm["title"], "description": str(fm.get("metaTitle", ""))}
        (docs / f"{slug}.md").write_text("---\n" + yaml.safe_dump(meta, allow_unicode=True) + "---\n" + body,
                                         encoding="utf-8")
    return folder


def pelican_site(articles: list[tuple[str, dict, str]], folder: Path) -> Path:
    content = folder / "content"
    content.mkdir(parents=True)
    (folder / "pelicanconf.py").write_text(PELICAN_CONFIG, encoding="utf-8")
    for slug, fm, body in articles:
        title = " ".join(fm["title"].split())
        head = f"Title: {title}\nDate: {article_date(fm)}\nSlug: {slug}\n\n"
        (content / f"{slug}.md").write_text(head + body, encoding="utf-8")
    return folder


def tool(name: str) -> str | None:
    found = VENV_BIN / name
    return str(found) if found.exists() else shutil.which(name)


def edit_one(articles: list[Path], n: int) -> None:
    """Edit n: append a sentence to one article (a new word for the index, the links and the page)."""
    path = articles[(n * 7919) % len(articles)]
    with path.open("a", encoding="utf-8") as f:
        f.write(f"\nRettelse nummer {n}: genoptræning hjælper ofte.\n")


def time_runs(make_cmd: Callable[[int], list[str]], runs: int, cwd: Path, env: dict[str, str],
              before: Callable[[], None] | None = None) -> measure.Summary:
    """`runs` timed runs, then one sampled for the process tree's memory (`measure.runs`)."""
    return measure.runs(make_cmd, runs, cwd, env, before)


class _Rows(dict):
    """Results by tool; each one is also printed as soon as it is measured (long runs show progress)."""

    def __init__(self, articles: int) -> None:
        super().__init__()
        self.articles = articles

    def __setitem__(self, name: str, s: measure.Summary) -> None:
        super().__setitem__(name, s)
        print(f"  … {name}: {s.wall:.2f} s wall, {s.cpu:.2f} s CPU, tree RSS {measure.mib(s.peak_tree_rss)},"
              f" tree PSS {measure.mib(s.peak_tree_pss)}", flush=True)


ALL_TOOLS = ("ordbog", "hugo", "pagefind", "mkdocs", "pelican")


def bench_corpus(name: str, content: Path, runs: int, work: Path, peers: bool,
                 tools: tuple[str, ...] = ALL_TOOLS, trash: measure.Trash | None = None) -> None:
    """Every tool on one corpus. Outputs and caches go to `trash` between runs (see `measure.Trash`)."""
    trash = trash or measure.Trash(work / "trash")
    discard = trash.discard
    n = count_articles(content)
    articles = read_articles(content)
    env = dict(os.environ)
    rows: dict[str, measure.Summary] = _Rows(n)
    print(f"\n== {name}: {n:,} articles ({len(articles):,} readable by the peers), median of {runs} "
          f"(load average {measure.load_average()})", flush=True)

    cache = work / "ordbog-cache"
    env_ordbog = env | {"ORDBOG_CACHE_DIR": str(cache)}
    out = work / "ordbog-site"
    if "ordbog" in tools:
        rows["ordbog (cold cache)"] = time_runs(lambda i: ordbog_command(content, out), runs, work, env_ordbog,
                                               before=lambda: discard(cache, out))
        rows["ordbog (warm cache)"] = time_runs(lambda i: ordbog_command(content, out), runs, work, env_ordbog)
        # an editor's commit in CI with a restored cache: one article changed since the last build
        # (a copy of the articles, with a cache of its own: the cache a CI job restores holds one site)
        edited = work / "ordbog-content"
        discard(edited)
        shutil.copytree(content, edited)
        victims = sorted(p for p in edited.rglob("*.md") if p.name.lower() != "readme.md")
        edits = itertools.count(1)
        env_edit = env | {"ORDBOG_CACHE_DIR": str(work / "ordbog-cache-edit")}
        discard(work / "ordbog-cache-edit", out)
        measure.run(ordbog_command(edited, out), cwd=work, env=env_edit)  # cache and output of the copy
        rows["ordbog (one edit)"] = time_runs(lambda i: ordbog_command(edited, out), runs, work, env_edit,
                                              before=lambda: edit_one(victims, next(edits)))
    peers = peers and bool({"mkdocs", "pelican"} & set(tools))

    if "hugo" in tools and (hugo := tool("hugo")):
        site = hugo_site(articles, work / "hugo")
        hugo_out = work / "hugo-public"
        rows["Hugo"] = time_runs(lambda i: [hugo, "--quiet", "-s", str(site), "-d", str(hugo_out)], runs, work, env,
                                 before=lambda: discard(hugo_out))
        if "pagefind" in tools and (shutil.which("pagefind") or (VENV_BIN / "pagefind").exists() or _has_module("pagefind")):
            pf = [sys.executable, "-m", "pagefind", "--site", str(hugo_out), "--quiet"]
            rows["Pagefind (on Hugo's output)"] = time_runs(
                lambda i: pf, runs, work, env, before=lambda: discard(hugo_out / "pagefind"))
    elif "hugo" in tools:
        print("  (hugo not found: skipped)")
    if peers and "mkdocs" in tools and (mkdocs := tool("mkdocs")):
        site = mkdocs_site(articles, work / "mkdocs")
        rows["MkDocs + Material"] = time_runs(
            lambda i: [mkdocs, "build", "-q", "-f", str(site / "mkdocs.yml"), "-d", str(work / "mkdocs-site")],
            runs, work, env, before=lambda: discard(work / "mkdocs-site"))
    elif peers and "mkdocs" in tools:
        print("  (mkdocs not found: pip install -e '.[bench]')")
    if peers and "pelican" in tools and (pelican := tool("pelican")):
        site = pelican_site(articles, work / "pelican")
        pelican_out = work / "pelican-site"
        rows["Pelican"] = time_runs(
            lambda i: [pelican, str(site / "content"), "-o", str(pelican_out), "-s", str(site / "pelicanconf.py"), "-q"],
            runs, work, env, before=lambda: discard(pelican_out))
        # Pelican's own content cache (off by default): our warm build against its warm build
        cached_conf = site / "pelicanconf-cached.py"
        cached_conf.write_text(PELICAN_CONFIG + PELICAN_CACHE.format(cache=str(work / "pelican-cache")), encoding="utf-8")
        discard(work / "pelican-cache")
        cached = [pelican, str(site / "content"), "-o", str(pelican_out), "-s", str(cached_conf), "-q"]
        discard(pelican_out)
        measure.run(cached, cwd=work, env=env)  # fills its cache
        rows["Pelican (its cache, warm)"] = time_runs(lambda i: cached, runs, work, env,
                                                      before=lambda: discard(pelican_out))
    elif peers and "pelican" in tools:
        print("  (pelican not found: pip install -e '.[bench]')")

    print(f"  {'tool':<30} {'wall':>9} {'CPU':>9} {'ms/article':>10} {'art/s':>8} {'peak RSS':>10} {'tree RSS':>10}"
          f" {'tree PSS':>10}")
    for tool_name, s in rows.items():
        print(f"  {tool_name:<30} {s.wall:>8.2f}s {s.cpu:>8.2f}s {1000 * s.wall / n:>10.2f} {n / s.wall:>8,.0f}"
              f" {measure.mib(s.peak_rss):>10} {measure.mib(s.peak_tree_rss):>10} {measure.mib(s.peak_tree_pss):>10}")
    if "ordbog (cold cache)" in rows:
        print_ratios(rows)
        print_reference(rows, n)


def _has_module(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None


def print_ratios(rows: dict[str, measure.Summary]) -> None:
    """Wall-time ratios (the goals), with CPU-time ratios in brackets (robust on a busy machine)."""
    pagefind = rows.get("Pagefind (on Hugo's output)")
    for mode in ("cold cache", "warm cache", "one edit"):
        ours = rows[f"ordbog ({mode})"]
        parts = []
        for peer in ("MkDocs + Material", "Pelican"):
            if peer in rows:
                parts.append(f"{rows[peer].wall / ours.wall:.2f}× faster than {peer} [CPU {rows[peer].cpu / ours.cpu:.2f}×]"
                             " (goal ≥ 3)")
        if "Hugo" in rows:
            wall = rows["Hugo"].wall + (pagefind.wall if pagefind else 0)
            cpu = rows["Hugo"].cpu + (pagefind.cpu if pagefind else 0)
            parts.append(f"{ours.wall / wall:.2f}× the time of Hugo + Pagefind [CPU {ours.cpu / cpu:.2f}×] (goal ≤ 2)")
            parts.append(f"peak tree PSS {ours.peak_tree_pss / rows['Hugo'].peak_tree_pss:.2f}× Hugo's"
                         f" [tree RSS {ours.peak_tree_rss / rows['Hugo'].peak_tree_rss:.2f}×] (goal < 1)")
        if mode == "warm cache" and "Pelican (its cache, warm)" in rows:
            peer = rows["Pelican (its cache, warm)"]
            parts.append(f"{peer.wall / ours.wall:.2f}× faster than Pelican with its own cache, warm"
                         f" [CPU {peer.cpu / ours.cpu:.2f}×]")
        if parts:
            print(f"  ordbog {mode}: " + "; ".join(parts))


# The peers as measured for issue 3 on this machine (whole-process wall, median of 5) on the
# 485- and 4,850-article versions of the corpus: (articles, seconds or MiB). Printed as a labelled
# reference, scaled per article, so the slow peers need not be rerun at ×10 for every measurement.
ISSUE_REFERENCE = {
    485: {"Hugo": 0.37, "Pagefind": 0.43, "Pelican": 1.9, "MkDocs + Material": 2.3, "Hugo MiB": 136},
    4850: {"Hugo": 3.0, "Pagefind": 3.7, "Pelican": 16.6, "MkDocs + Material": 19.5, "Hugo MiB": 910},
}


def print_reference(rows: dict[str, measure.Summary], n: int) -> None:
    """Our figures against issue 3's peer figures (scaled to n articles), with the goals."""
    size = min(ISSUE_REFERENCE, key=lambda k: abs(k - n))
    ref = ISSUE_REFERENCE[size]
    scale = n / size
    print(f"  reference: issue 3's peer figures for {size:,} articles scaled ×{scale:.3f} to {n:,} (not measured now):"
          + "".join(f" {tool} {ref[tool] * scale:.2f} s;" for tool in ("Hugo", "Pagefind", "Pelican", "MkDocs + Material"))
          + f" Hugo {ref['Hugo MiB']} MiB (unscaled)")
    for mode in ("cold cache", "warm cache", "one edit"):
        ours = rows[f"ordbog ({mode})"]
        parts = [f"{ref[peer] * scale / ours.wall:.2f}× faster than {peer} (goal ≥ 3)" for peer in ("MkDocs + Material", "Pelican")]
        parts.append(f"{ours.wall / ((ref['Hugo'] + ref['Pagefind']) * scale):.2f}× the time of Hugo + Pagefind (goal ≤ 2)")
        parts.append(f"tree PSS {ours.peak_tree_pss / 2**20:.0f} MiB, tree RSS {ours.peak_tree_rss / 2**20:.0f} MiB"
                     f" vs Hugo's {ref['Hugo MiB']} MiB (goal below, at ×10)")
        print(f"  ordbog {mode} vs reference: " + "; ".join(parts))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "ordbog")
    parser.add_argument("--sizes", default="10", help=f"synthetic sizes as multiples of {BASE_COUNT} (default 10)")
    parser.add_argument("--runs", type=int, default=3, help="runs per tool, median reported (default 3)")
    parser.add_argument("--runs-large", type=int, default=1, help="runs for sizes ≥ ×50 (default 1)")
    parser.add_argument("--large-peers", action="store_true",
                        help="also run MkDocs and Pelican at sizes ≥ ×50 (slow: tens of minutes)")
    parser.add_argument("--work", type=Path, default=ROOT / "bench-out", help="work folder (default bench-out/)")
    parser.add_argument("--tools", default=",".join(ALL_TOOLS), help=f"subset of {','.join(ALL_TOOLS)} (default all)")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    tools = tuple(t.strip() for t in args.tools.split(",") if t.strip() in ALL_TOOLS)
    precompile()
    targets = []
    if args.corpus.is_dir():
        targets.append(("real corpus", args.corpus.resolve(), args.runs, True))
    else:
        print(f"(real corpus {args.corpus} not found: skipped)")
    for factor in [int(f) for f in args.sizes.split(",") if f.strip()]:
        large = factor >= 50
        targets.append((f"synthetic x{factor}", synthetic_corpus(args.work, factor),
                        args.runs_large if large else args.runs, args.large_peers or not large))
    print(f"peers benchmark — CPUs: {os.cpu_count()}")
    # one folder for every corpus, and the trash, all deleted at the very end (see `measure.Trash`)
    with tempfile.TemporaryDirectory(prefix="peers-", dir=args.work) as tmp:
        trash = measure.Trash(Path(tmp) / "trash")
        for i, (name, content, runs, peers) in enumerate(targets):
            work = Path(tmp) / str(i)
            work.mkdir()
            bench_corpus(name, content, runs, work, peers, tools, trash)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
