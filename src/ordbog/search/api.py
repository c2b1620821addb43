"""The search surface shared by `ordbog search`, `ordbog ask` and `GET /api/search`.

`open_searcher(config)` loads the cached index (or builds and caches it); `search_json` and
`ask_json` turn queries into plain JSON-able data. Queries are cut to MAX_QUERY_CHARS and limits
clamped to 0…MAX_LIMIT, so any input gives a clean (possibly empty) result.
"""

from __future__ import annotations

import hashlib
import html
import os
import re
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

from ordbog.config import Config
from ordbog.search import index as index_mod
from ordbog.search.analyzer import MAX_QUERY_CHARS, fold, term
from ordbog.search.ask import Answer, ask, best_passages, highlight_terms, is_question
from ordbog.search.engine import Hit, QueryMemo, Searcher

MAX_LIMIT = 50
STREAM_BATCH = 2000  # articles analysed at once when building the CLI index
SNIPPET_CHARS = 180
_WORD = re.compile(r"[^\W_]+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def open_searcher(config: Config) -> Searcher:
    """The site's index: from the cache when the content is unchanged, else built (and cached).

    `ORDBOG_CACHE_DIR=off` builds in memory every time.
    """
    from ordbog import load

    key = index_mod.index_key(config, content_digests(config.content_dir))
    caching = os.environ.get("ORDBOG_CACHE_DIR", "").strip().lower() != "off"
    path = index_mod.cache_file(config, key)
    cached = index_mod.load(path, key) if caching else None
    if cached is not None:
        return Searcher(cached)
    sources, _ = load.load_sources(config.content_dir)
    built = build_streaming(config, sources, key)
    if caching:
        try:
            index_mod.save(built, path)
            built = index_mod.load(path, key) or built  # the mmap'd copy: its arrays are not on the heap
        except OSError:
            pass  # a read-only cache only costs speed next time
    return Searcher(built)


def content_digests(content_dir: Path) -> list[tuple[str, str]]:
    """(path, sha256 of the bytes) of every article file: the cache key's view of the content.

    Only reads and hashes (no frontmatter parsing): opening a cached index of 38,500 articles
    must not cost a full load.
    """
    from ordbog import load

    paths, _ = load.discover(content_dir)
    out = []
    for path in paths:
        try:
            out.append((os.path.relpath(path, content_dir), hashlib.sha256(path.read_bytes()).hexdigest()))
        except OSError:
            out.append((os.path.relpath(path, content_dir), ""))
    return out


def build_streaming(config: Config, sources: list, key: str = "", batch: int = STREAM_BATCH) -> index_mod.SearchIndex:
    """The index of the sources' articles without holding every analysed article at once.

    Articles are analysed `batch` at a time (cached and parallel, as in a build) and reduced to
    their searchable text; only that text waits for the index, in slug order as in `make_site`.
    One article cache serves every batch and is flushed once at the end: a flush keeps only what
    its cache saw used when a shard is crowded, so a flush per batch would evict the other batches.
    """
    from ordbog import cache, workers

    texts: list[index_mod.ArticleText] = []
    with workers.gc_paused():
        store = cache.open_cache()
        for start in range(0, len(sources), batch):
            for article, _ in workers.analyse_sources(sources[start : start + batch], config, store):
                if article is not None:
                    texts.append(index_mod.article_text(article))
        if store is not None:
            store.flush()
            del store  # its shards are not needed while the index is built
        texts.sort(key=lambda t: t.slug)
        synonyms = index_mod.synonyms_for(config, ((t.aliases, t.title) for t in texts))
        texts.reverse()
        return index_mod.index_texts(config, _draining(texts), synonyms, key)


def _draining(items: list):
    """Yield from the end of a list, dropping each item as it goes (the list is in reverse order)."""
    while items:
        yield items.pop()


def clamp(q: object, limit: object) -> tuple[str, int]:
    text = q if isinstance(q, str) else ""
    try:
        n = int(limit)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        n = 10
    return text[:MAX_QUERY_CHARS], max(0, min(MAX_LIMIT, n))


@lru_cache(maxsize=20_000)
def _word_terms(text: str) -> tuple[tuple[int, int, str], ...]:
    """(start, end, term) of every word of a passage, computed once per passage text."""
    return tuple((m.start(), m.end(), term(fold(m.group(0)))) for m in _WORD.finditer(text))


def mark(text: str, hit: Hit, start: int = 0, end: int | None = None) -> str:
    """text[start:end] HTML-escaped, the query's words wrapped in <mark> (escaping first, piece by piece)."""
    end = len(text) if end is None else end
    terms = highlight_terms(hit)
    out, pos = [], start
    for a, b, t in _word_terms(text):
        if a < start or b > end:
            continue
        out.append(html.escape(text[pos:a]))
        word = html.escape(text[a:b])
        out.append(f"<mark>{word}</mark>" if t in terms else word)
        pos = b
    out.append(html.escape(text[pos:end]))
    return "".join(out)


def snippet(text: str, hit: Hit) -> str:
    """The sentence with most query words, cut to about SNIPPET_CHARS, escaped and marked."""
    terms = highlight_terms(hit)
    bounds = [0] + [m.end() for m in _SENTENCE_END.finditer(text)] + [len(text)]
    hits_at = [a for a, _, t in _word_terms(text) if t in terms]
    best, best_hits = (0, len(text)), -1
    for start, end in pairwise(bounds):
        hits = sum(1 for a in hits_at if start <= a < end)
        if hits > best_hits and text[start:end].strip():
            best, best_hits = (start, end), hits
    start, end = best
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end - start <= SNIPPET_CHARS:
        return mark(text, hit, start, end)
    cut = text.rfind(" ", start, start + SNIPPET_CHARS)
    return mark(text, hit, start, cut if cut > start else start + SNIPPET_CHARS) + " …"


def _best_snippet(passage: str, description: str, hit: Hit) -> str:
    """The passage's best sentence when it holds a query word, else the article's description."""
    found = snippet(passage, hit) if passage else ""
    return found if "<mark>" in found else snippet(description, hit)


def answer_json(searcher: Searcher, answer: Answer) -> dict:
    p = answer.passage
    doc = searcher.index.docs[p.doc]
    return {
        "slug": doc.slug,
        "title": doc.title,
        "heading": p.heading,
        "kind": p.kind,
        "text": p.text,
        "url": doc.url + (f"#{p.anchor}" if p.anchor else ""),
    }


def search_json(searcher: Searcher, q: object, limit: object = 10) -> list[dict]:
    """[{slug, title, url, score, snippet, heading, answer}] for a query; never raises on odd input."""
    text, n = clamp(q, limit)
    memo = QueryMemo()  # one per call: concurrent queries on one Searcher share no scratch state
    hits = searcher.search(text, n, memo)
    passages = best_passages(searcher, text, hits, memo)
    question = is_question(text)
    out = []
    for hit in hits:
        doc = searcher.index.docs[hit.doc]
        best = passages.get(hit.doc)
        out.append({
            "slug": doc.slug,
            "title": doc.title,
            "url": doc.url,
            "score": round(hit.score, 4),
            "heading": best.passage.heading if best else "",
            "snippet": _best_snippet(best.passage.text if best else "", doc.description, hit),
            "answer": answer_json(searcher, best) if best and question else None,
        })
    return out


def ask_json(searcher: Searcher, q: object) -> dict | None:
    text, _ = clamp(q, 1)
    found = ask(searcher, text)
    return answer_json(searcher, found) if found else None
