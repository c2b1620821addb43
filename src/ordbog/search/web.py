"""Static search index: the CLI's search index → the files the in-browser search fetches.

The browser ranks exactly as `ordbog search` does: this module exports the very index the CLI
builds (`search.index.build_index`: vocabulary, synonyms, BM25F impacts, title terms), and
static/search-analyzer.js + search.js port the query analysis and `search.engine`'s scoring
(the analyzer port is checked against the shared case table in a real browser).

Layout under `urls.search_index_url(config, "")` (JSON; fetched with `?v=<version>`, so a
rebuild never mixes old and new files in a browser cache):

  manifest.json   version, analyzer tables, site synonyms, article count, shard count
  vocab.json      the sorted vocabulary, front-coded, with document frequencies: typo tolerance
                  and compound splitting look words up in all of it (it grows sub-linearly)
  p/<n>.json      postings shard n = fnv1a(term) % shards: {"t": {term: [doc, score, …]},
                  "n": {title term: [doc, list, count, length, …]}, "q": {FAQ question key: [doc, …]},
                  "df": {term: df}}; scores are
                  integers (× SCORE_SCALE), best first, at most MAX_POSTINGS per term, so a first
                  query reads a few shards of bounded size whatever the size of the site
  d/<doc>.json    one article for display: slug, url, title, passages [kind, heading, anchor, text]
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ordbog import urls
from ordbog.config import Config
from ordbog.model import Site, Source

if TYPE_CHECKING:  # the index (and numpy) load only when a build writes search files
    from ordbog.packstore import PackStore
    from ordbog.search import index as search_index
    from ordbog.search.articletext import ArticleText
    from ordbog.search.indexcache import SourceRef
    from ordbog.search.indexer import SplitMemory
    from ordbog.search.textcache import Texts
    from ordbog.standby import Standby

INDEX_FORMAT = 2
SCORE_SCALE = 1000  # impacts are stored as integers (impact × SCORE_SCALE)
MAX_POSTINGS = 2000  # per term, best first (the CLI's engine scans every posting)
SHARD_BYTES = 6_000  # target size of a postings shard


def fnv1a(term: str) -> int:
    """32-bit FNV-1a over UTF-16 code units (what JavaScript's charCodeAt sees)."""
    h = 0x811C9DC5
    data = term.encode("utf-16-le")
    for i in range(0, len(data), 2):
        h ^= data[i] | (data[i + 1] << 8)
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h


def fnv1a_all(terms: Sequence[str]) -> list[int]:
    """`[fnv1a(term) for term in terms]`, hashing all terms at once, one code unit column at a time."""
    import numpy as np

    units = np.frombuffer("".join(terms).encode("utf-16-le"), dtype="<u2").astype(np.uint32)
    lengths = np.fromiter(map(len, terms), dtype=np.int64, count=len(terms))
    if int(lengths.sum()) != len(units):  # characters outside the BMP are two code units each
        lengths = np.fromiter((len(t.encode("utf-16-le")) // 2 for t in terms), dtype=np.int64, count=len(terms))
    order = np.argsort(-lengths, kind="stable")  # longest first: column j is a prefix of them
    starts = (np.cumsum(lengths) - lengths)[order]
    longer = np.searchsorted(-lengths[order], -np.arange(int(lengths.max(initial=0))), side="left")
    h = np.full(len(terms), 0x811C9DC5, dtype=np.uint32)
    for j, k in enumerate(longer.tolist()):
        h[:k] = (h[:k] ^ units[starts[:k] + j]) * np.uint32(0x01000193)  # uint32: wraps as & 0xFFFFFFFF
    out = np.empty_like(h)
    out[order] = h
    return out.tolist()


def postings(rows: Iterable[tuple[str, Sequence[int], Sequence[float]]]) -> dict[str, list[int]]:
    """(term, docs, impacts) rows, best first (`SearchIndex.impacts()`) → term → flat [doc, score, …],
    cut at MAX_POSTINGS."""
    import numpy as np

    out = {}
    for term, docs, impacts in rows:
        flat = _flat(np.asarray(docs[:MAX_POSTINGS]), np.asarray(impacts[:MAX_POSTINGS], dtype=np.float64))
        out[term] = flat.tolist()
    return out


def index_postings(ix: search_index.SearchIndex) -> dict[str, list[int]]:
    """`postings(ix.impacts())`, computed for all terms at once."""
    every = _flat(ix.post_docs, ix.post_impacts).tolist()
    starts, ends = ix.post_offsets[:-1].tolist(), ix.post_offsets[1:].tolist()
    return {
        term: every[2 * a : 2 * min(b, a + MAX_POSTINGS)] for term, a, b in zip(ix.terms, starts, ends) if b > a
    }


def _flat(docs, impacts):
    """[doc, score, doc, score, …]: scores as integers (impact × SCORE_SCALE, at least 1)."""
    import numpy as np

    flat = np.empty(2 * len(docs), dtype=np.int64)
    flat[0::2], flat[1::2] = docs, np.maximum(1, np.rint(impacts * SCORE_SCALE))
    return flat


def title_postings(docs: tuple[search_index.Doc, ...]) -> dict[str, list[int]]:
    """Title/alias term → flat [doc, list number, occurrences, list length, …] (for the title bonus)."""
    out: dict[str, list[int]] = {}
    for n, doc in enumerate(docs):
        for j, names in enumerate((doc.title_terms, *doc.alias_terms)):
            for name, count in sorted(Counter(names).items()):
                out.setdefault(name, []).extend((n, j, count, len(names)))
    return out


def question_postings(ix: search_index.SearchIndex) -> dict[str, list[int]]:
    """FAQ question key (engine.question_key) → the articles asking it (for the question bonus)."""
    out: dict[str, set[int]] = {}
    for pid, key in ix.question_keys.items():
        if key:
            out.setdefault(key, set()).add(int(ix.passages.docs[pid]))
    return {key: sorted(docs) for key, docs in out.items()}


def shards(
    posting_lists: Mapping[str, list[int]],
    titles: Mapping[str, list[int]],
    questions: Mapping[str, list[int]],
    extra_df: Mapping[str, int],
) -> list[dict[str, dict]]:
    """Postings, title postings, question keys ("?" + key picks the shard) and the df of terms
    outside the vocabulary, split into shards."""
    lengths = {term: len(p) for term, p in posting_lists.items()}
    return list(iter_shards(lengths, posting_lists.__getitem__, titles, questions, extra_df))


def iter_shards(
    lengths: Mapping[str, int],
    posting_list: Callable[[str], list[int]],
    titles: Mapping[str, list[int]],
    questions: Mapping[str, list[int]],
    extra_df: Mapping[str, int],
) -> Iterator[dict[str, dict]]:
    """`shards`, one shard at a time, from each term's flat posting list length and a function
    giving that list: only one shard's lists exist at once."""
    size = sum(map(len, lengths)) + 4 * len(lengths) + 6 * sum(lengths.values())
    count = max(1, math.ceil(size / SHARD_BYTES))
    members: list[tuple[list[str], list[str], list[str]]] = [([], [], []) for _ in range(count)]
    posted, named, asked = sorted(lengths), sorted(titles), sorted(questions)
    for kind, names, hashed in ((0, posted, posted), (1, named, named), (2, asked, ["?" + key for key in asked])):
        for name, h in zip(names, fnv1a_all(hashed)):
            members[h % count][kind].append(name)
    for terms, title_terms, keys in members:
        yield {
            "t": {term: posting_list(term) for term in terms},
            "n": {term: titles[term] for term in title_terms},
            "q": {key: questions[key] for key in keys},
            "df": {term: extra_df[term] for term in terms if term in extra_df},
        }


def front_coded(terms: list[str]) -> str:
    """Sorted terms, newline-separated, each as <length of prefix shared with the previous, 0–9><rest>."""
    import numpy as np

    if not terms:
        return ""
    # the first 9 characters of every term (numpy cuts and pads them), compared with the previous term's
    heads = np.array(terms, dtype="U9").view(np.uint32).reshape(len(terms), 9)
    same = np.concatenate((np.zeros((1, 9), dtype=bool), heads[1:] == heads[:-1]))
    shared = np.where(same.all(axis=1), 9, same.argmin(axis=1))
    lengths = np.fromiter(map(len, terms), dtype=np.int64, count=len(terms))
    shared[1:] = np.minimum(shared[1:], np.minimum(lengths[1:], lengths[:-1]))  # padding is no shared prefix
    return "\n".join([f"{k}{term[k:]}" for k, term in zip(shared.tolist(), terms)])


def doc_record(config: Config, text: ArticleText) -> dict:
    """An article's record for d/<doc>.json: what a search result shows of it."""
    return {"slug": text.slug, "url": urls.article_url(config, text.slug), "title": text.title,
            "description": text.description, "p": [list(passage) for passage in text.passages]}


def _dump(data: object) -> bytes:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def index_files(config: Config, site: Site) -> Iterator[tuple[str, bytes]]:
    """(name under the index folder, bytes) for every index file; the manifest comes last."""
    from ordbog.search import indexcache

    return sources_index_files(config, indexcache.refs_of(site.articles), answer_for(site))


def sources_index_files(config: Config, refs: Sequence[SourceRef], texts: Texts, warmed: Warmed | None = None,
                        ) -> Iterator[tuple[str, bytes]]:
    """`index_files` of a site whose articles are given by `indexcache.SourceRef`s; `texts(numbers)`
    gives the texts of those the text cache lacks (see `textcache.prepared_from`). `warmed`: the
    caches, when `warm` read them already."""
    from ordbog.search import analyzer, engine, textcache
    from ordbog.search import index as search_index

    warmed = warmed if warmed is not None else warm(config)
    synonyms = search_index.synonyms_for(config, ((ref.aliases, ref.title) for ref in refs))
    docs: list[bytes] = []  # d/<n>.json, made from each article's text as the index reads it

    def recorded(prepared: Iterable[textcache.Prepared]) -> Iterator[textcache.Prepared]:
        for text, tokenised in prepared:
            docs.append(_dump(doc_record(config, text)))
            yield text, tokenised

    prepared = recorded(textcache.prepared_from(config, refs, texts, warmed.texts))
    ix = search_index.index_sources(config, prepared, synonyms, passage_terms=False, splits=warmed.splits,
                                    passage_texts=False)
    digest = hashlib.sha256()

    def named(name: str, data: bytes) -> tuple[str, bytes]:
        digest.update(name.encode() + b"\0" + data)
        return name, data

    vocab = sorted(ix.vocab.items())
    yield named("vocab.json", _dump({"terms": front_coded([t for t, _ in vocab]), "df": [df for _, df in vocab]}))
    del vocab
    # each term's postings become a list only while its shard is written (`index_postings`, lazily)
    every = _flat(ix.post_docs, ix.post_impacts)
    starts, ends = ix.post_offsets[:-1].tolist(), ix.post_offsets[1:].tolist()
    spans = {term: (2 * a, 2 * min(b, a + MAX_POSTINGS)) for term, a, b in zip(ix.terms, starts, ends) if b > a}
    del starts, ends
    lengths = {term: z - a for term, (a, z) in spans.items()}
    extra_df = {t: ix.df(t) for t in spans if t not in ix.vocab}
    count = 0
    for count, shard in enumerate(iter_shards(lengths, lambda term: every[slice(*spans[term])].tolist(),
                                               title_postings(ix.docs), question_postings(ix), extra_df), 1):
        yield named(f"p/{count - 1}.json", _dump(shard))
    del every, spans, lengths
    for n, data in enumerate(docs):
        yield named(f"d/{n}.json", data)
    tables = analyzer.export_tables()
    tables["synonyms"] = {k: list(v) for k, v in ix.synonyms.items()}
    manifest = {
        "format": INDEX_FORMAT,
        "version": digest.hexdigest()[:16],
        "docs": len(ix.docs),
        "shards": count,
        "scale": SCORE_SCALE,
        # engine.py's first-stage ranking constants (its passage re-ranking is not ported: see README)
        "ranking": {
            "coverage_power": engine.COVERAGE_POWER,
            "title_bonus": engine.TITLE_BONUS,
            "question_bonus": engine.QUESTION_BONUS,
        },
        "tables": tables,
    }
    yield "manifest.json", _dump(manifest)


def site_files(config: Config, site: Site) -> dict[str, bytes]:
    """Output path → bytes for the whole search index (empty when search is disabled).

    An unchanged site's files come from the cache (`search.indexcache`) without building the index.
    """
    found = cached_site_files(config, site)
    if found is not None:
        return found
    from ordbog.search import indexcache

    return files_from_sources(config, indexcache.refs_of(site.articles), answer_for(site))


def answer_for(site: Site) -> Texts:
    """The texts of the site's articles by number (lazily: each is made as it is taken)."""
    # articletext, not index: the process that answers (the build's) then needs no numpy
    from ordbog.search.articletext import article_text

    articles = site.articles
    return lambda numbers: (article_text(articles[n]) for n in numbers)


def files_from_sources(config: Config, refs: Sequence[SourceRef], ask: Texts, warmed: Warmed | None = None,
                       ) -> dict[str, bytes]:
    """`site_files` of a site given as `index_files` takes it, always built (not looked up first).

    The job of a `standby` process: that process may have no articles, only `refs` (plain data),
    and asks the one that has them for the texts it needs (`ask(numbers)` → a list of `ArticleText`)."""
    from ordbog import workers
    from ordbog.search import indexcache

    with workers.gc_paused():  # millions of small objects, no cycles: collections would only rescan the heap
        files = {
            urls.output_path(config, urls.search_index_url(config, name)): data
            for name, data in sources_index_files(config, refs, ask, warmed)
        }
    key = indexcache.articles_key(config, refs)
    if key is not None:
        indexcache.store(key, files)
    workers.release_free_memory()  # the index build's temporary arrays and texts: not kept by the build's peak
    return files


@dataclass(frozen=True)
class Warmed:
    """The records an index build reads first, read ahead (`warm`)."""

    texts: PackStore | None  # `search.textcache`'s store, every shard read
    splits: SplitMemory  # `search.splitcache`'s record, read


def import_builder() -> None:
    """Import everything an index build uses (numpy, the index modules)."""
    import numpy  # noqa: F401

    from ordbog.search import engine, index, indexcache, indexer, splitcache, textcache  # noqa: F401


def warm(config: Config) -> Warmed:
    """Load what an index build of `config`'s site needs before it has the site: its modules and
    libraries, and its caches' records (a `standby` process does this while the build analyses)."""
    import_builder()
    from ordbog.search import splitcache, textcache

    store = textcache.open_store()
    if store is not None:
        store.load_all()
    splits = splitcache.Remembered(config)
    splits.previous()
    return Warmed(store, splits)


def standby(config: Config) -> Standby | None:
    """A process forked now that gets ready to build the site's index files (`warm`), or None when
    search is off; `build` gives it the job (`files_from_sources`) or cancels it."""
    if not config.file.search.enabled:
        return None
    from ordbog.standby import Standby

    return Standby(lambda: warm(config))


def likely_cached(config: Config, sources: Sequence[Source]) -> bool:
    """Whether `cached_site_files` will probably find the files of a site made of these sources
    (when every one analyses without error, under the slug it was loaded with). Cheap: one stat."""
    if not config.file.search.enabled:
        return True
    from ordbog.search import indexcache

    return indexcache.stored(indexcache.articles_key(config, sorted(sources, key=lambda s: s.slug)))


def cached_site_files(config: Config, site: Site) -> dict[str, bytes] | None:
    """`site_files` when it needs no index build (search disabled, or the site's files are cached), else None.

    Cheap (no numpy, no engine): a caller can skip starting a process for the index on a hit.
    """
    if not config.file.search.enabled:
        return {}
    from ordbog.search import indexcache

    key = indexcache.site_key(config, site)
    return indexcache.load(key) if key is not None else None

