"""Search index: Site → `SearchIndex` (BM25F impacts per term, documents, answer passages).

Compact: postings are numpy arrays (per term, its documents and impacts, best first), passages a
forward index (per passage, its terms and frequencies) plus their text in one UTF-8 blob, so an
index of 38,500 articles takes a few hundred MB and loads by mmap (`search.store`). Built by
`search.indexer` from the analysed articles; cached in a folder keyed by a hash of everything
it depends on (article bytes, site synonyms, URLs, analyzer tables), so it is rebuilt only when
content changes. `api.open_searcher(config)` is the entry point for the CLI.
"""

from __future__ import annotations

import hashlib
import json
import os
from array import array
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from ordbog import urls
from ordbog.config import Config
from ordbog.model import Site
from ordbog.search import analyzer
from ordbog.search.articletext import article_fields, article_text  # noqa: F401 - part of this module's API
from ordbog.search.indexer import (
    FIELD_B,
    FIELD_WEIGHTS,
    K1,
    PASSAGE_KINDS,
    ArticleText,
    Indexer,
    SplitMemory,
    Tokenised,
    content_terms,
    question_key,
    tokenise,
)
from ordbog.search.passages import Passage

INDEX_FORMAT = 4
__all__ = ["FIELD_B", "FIELD_WEIGHTS", "K1", "Doc", "SearchIndex", "build_index", "content_terms", "question_key"]


@dataclass(frozen=True, slots=True)
class Doc:
    slug: str
    title: str
    url: str
    description: str
    title_terms: tuple[str, ...]  # terms of the title without stopwords (exact-title matching)
    alias_terms: tuple[tuple[str, ...], ...]


class Strings(Sequence[str]):
    """Strings stored as one UTF-8 blob and offsets (decoded when read)."""

    def __init__(self, blob, offsets: np.ndarray) -> None:
        self.blob, self.offsets = blob, offsets

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, i):  # type: ignore[override]
        return self.blob[self.offsets[i] : self.offsets[i + 1]].tobytes().decode("utf-8")


class Passages(Sequence[Passage]):
    """The answer passages (Passage objects made when read): 3 strings per passage."""

    def __init__(self, docs: np.ndarray, kinds: np.ndarray, strings: Strings) -> None:
        self.docs, self.kinds, self.strings = docs, kinds, strings

    def __len__(self) -> int:
        return len(self.docs)

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        s = self.strings
        return Passage(int(self.docs[i]), PASSAGE_KINDS[self.kinds[i]], s[3 * i], s[3 * i + 1], s[3 * i + 2])

    @cached_property
    def _starts(self) -> list[int]:
        """Article → its first passage number (passages are stored in article order)."""
        last = int(self.docs[-1]) if len(self.docs) else -1
        return np.searchsorted(self.docs, np.arange(last + 2)).tolist()

    def of_doc(self, doc: int) -> range:
        """Passage numbers of one article."""
        starts = self._starts
        return range(starts[doc], starts[doc + 1]) if doc + 1 < len(starts) else range(0)


@dataclass(frozen=True, eq=False)
class SearchIndex:
    docs: tuple[Doc, ...]
    terms: tuple[str, ...]  # every indexed term, sorted; a term's number is its position
    vocab: dict[str, int]  # term → number of articles using it as a word (analysis consults it)
    synonyms: dict[str, tuple[str, ...]]
    post_offsets: np.ndarray  # term number → its postings: post_*[post_offsets[t]:post_offsets[t + 1]]
    post_docs: np.ndarray  # int32, best impact first within a term (ties: lower doc first)
    post_impacts: np.ndarray  # float64 BM25F impacts, rounded to 5 decimals
    passages: Passages
    passage_lengths: np.ndarray  # int32 words per passage
    p_offsets: np.ndarray  # passage → its terms: p_terms/p_tf[p_offsets[p]:p_offsets[p + 1]]
    p_terms: np.ndarray  # int32 term numbers
    p_tf: np.ndarray  # float64 weighted term frequencies
    p_df: np.ndarray  # term number → passages containing it
    question_keys: dict[int, str]  # FAQ passage → engine.question_key of its question
    key: str

    @cached_property
    def term_ids(self) -> dict[str, int]:
        return {t: i for i, t in enumerate(self.terms)}

    def postings(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        """(docs, impacts) of a term, best first; empty arrays for an unknown term."""
        t = self.term_ids.get(term)
        if t is None:
            return self.post_docs[:0], self.post_impacts[:0]
        a, b = self.post_offsets[t], self.post_offsets[t + 1]
        return self.post_docs[a:b], self.post_impacts[a:b]

    def df(self, term: str) -> int:
        """Articles with the term in any field (words and compound parts alike)."""
        t = self.term_ids.get(term)
        return 0 if t is None else int(self.post_offsets[t + 1] - self.post_offsets[t])

    def impacts(self) -> Iterable[tuple[str, np.ndarray, np.ndarray]]:
        """(term, docs, impacts) for every term with postings, in term order."""
        for t, term in enumerate(self.terms):
            a, b = self.post_offsets[t], self.post_offsets[t + 1]
            if b > a:
                yield term, self.post_docs[a:b], self.post_impacts[a:b]


def build_index(config: Config, site: Site, synonyms: Mapping[str, tuple[str, ...]], key: str = "",
                passage_terms: bool = True) -> SearchIndex:
    """The site's index; each unchanged article's text and pass 1 come from `search.textcache`.

    `passage_terms=False`: without the passages' term arrays (see `indexer.Indexer`), for a
    reader of postings and passage texts only (`search.web`), not for `search.engine`."""
    from ordbog.search import textcache

    return index_sources(config, textcache.prepared_articles(config, site.articles), synonyms, key, passage_terms)


def index_sources(config: Config, prepared: Iterable[tuple[ArticleText, Tokenised]],
                  synonyms: Mapping[str, tuple[str, ...]], key: str = "", passage_terms: bool = True,
                  splits: SplitMemory | None = None, passage_texts: bool = True) -> SearchIndex:
    """`build_index` of `textcache.prepared_from`'s (or `prepared_articles`') articles, keeping the
    compound splits between builds (`splits`, by default `search.splitcache.Remembered(config)`)."""
    from ordbog.search import splitcache

    splits = splits if splits is not None else splitcache.Remembered(config)
    return index_prepared(config, prepared, synonyms, key, passage_terms, splits=splits, passage_texts=passage_texts)


def index_texts(config: Config, texts: Iterable[ArticleText], synonyms: Mapping[str, tuple[str, ...]], key: str = "") -> SearchIndex:
    """The index of articles given as `ArticleText`s, in order (article number = position).

    Each text is read once and not kept: pass a generator to bound memory.
    """
    return index_prepared(config, ((text, None) for text in texts), synonyms, key)


def index_prepared(config: Config, items: Iterable[tuple[ArticleText, Tokenised | None]],
                   synonyms: Mapping[str, tuple[str, ...]], key: str = "", passage_terms: bool = True,
                   splits: SplitMemory | None = None, passage_texts: bool = True) -> SearchIndex:
    """`index_texts` of (text, `indexer.tokenise(text)` or None to compute it) pairs.

    `splits` keeps the words' compound splits from one build to the next (`search.splitcache`).
    `passage_texts=False`: every passage's heading, anchor and text read as "" (for a reader of
    postings only, that takes the texts from the items itself: `search.web`)."""
    indexer = Indexer(passage_terms)
    docs: list[Doc] = []
    p_docs, p_kinds = array("i"), array("b")
    blob, ends = bytearray(), array("q", [0])  # passage strings: one UTF-8 blob, end offsets
    questions: dict[int, str] = {}
    for n, (a, tokenised) in enumerate(items):
        tok = tokenised if tokenised is not None else tokenise(a)
        indexer.add(a, tok)
        docs.append(Doc(a.slug, a.title, urls.article_url(config, a.slug), a.description, tok.title_terms,
                        tok.alias_terms))
        asked = iter(tok.questions)
        for kind, heading, anchor, text in a.passages:
            if kind == "faq":
                questions[len(p_docs)] = next(asked)
            p_docs.append(n)
            p_kinds.append(PASSAGE_KINDS.index(kind))
            if passage_texts:
                for string in (heading, anchor, text):
                    blob += string.encode("utf-8")
                    ends.append(len(blob))
    if not passage_texts:
        ends = array("q", bytes(8 * (3 * len(p_docs) + 1)))  # every string empty
    # pass 1's texts (and a cold build's text cache entries, written when `items` ended) are freed
    # now: hand their heap back before pass 2 instead of holding it to the end of the build
    from ordbog import workers

    workers.release_free_memory()
    arrays = indexer.finish(splits.previous() if splits is not None else None)
    if splits is not None and indexer.splits is not None:
        splits.keep(indexer.splits)
    passages = Passages(np.frombuffer(p_docs, dtype=np.int32).copy(), np.frombuffer(p_kinds, dtype=np.int8).copy(),
                        Strings(np.frombuffer(blob, dtype=np.uint8), np.frombuffer(ends, dtype=np.int64)))
    return SearchIndex(
        tuple(docs), arrays.terms, arrays.vocab, dict(synonyms), arrays.post_offsets, arrays.post_docs,
        arrays.post_impacts, passages, arrays.p_len, arrays.p_offsets, arrays.p_terms, arrays.p_tf, arrays.p_df,
        questions, key,
    )


# ---------------------------------------------------------------- storage


def site_synonyms(config: Config, site: Site) -> dict[str, tuple[str, ...]]:
    """Built-in table + `[search] synonyms` + each article's aliases (alias → title)."""
    return synonyms_for(config, ((a.aliases, a.title) for a in site.articles))


def synonyms_for(config: Config, articles: Iterable[tuple[Sequence[str], str]]) -> dict[str, tuple[str, ...]]:
    """`site_synonyms` from (aliases, title) of each article, in site order."""
    table = analyzer.merge_synonyms(analyzer.builtin_synonyms(), getattr(config.file.search, "synonyms", None) or {})
    aliases = {alias: [title] for names, title in articles for alias in names if alias.strip()}
    return analyzer.merge_synonyms(table, aliases)


def _builder_code_digest() -> str:
    """The index builder's own source: a changed ordbog never reads an index built by an older one."""
    here = Path(__file__).parent
    h = hashlib.sha256()
    for name in ("index.py", "indexer.py", "articletext.py", "store.py", "passages.py", "analyzer.py"):
        h.update((here / name).read_bytes())
    return h.hexdigest()


def index_key(config: Config, digests: list[tuple[str, str]]) -> str:
    """Hash of everything the index depends on."""
    h = hashlib.sha256()
    parts = {
        "format": INDEX_FORMAT,
        "code": _builder_code_digest(),
        "analyzer": analyzer.export_tables(),
        "site_synonyms": getattr(config.file.search, "synonyms", None) or {},
        "urls": [urls.article_url(config, "x")],
        "weights": [FIELD_WEIGHTS, FIELD_B, K1],
        "sources": sorted(digests),
    }
    h.update(json.dumps(parts, sort_keys=True, ensure_ascii=False).encode())
    return h.hexdigest()


def cache_dir() -> Path:
    """$ORDBOG_CACHE_DIR, else $XDG_CACHE_HOME/ordbog, else ~/.cache/ordbog."""
    if os.environ.get("ORDBOG_CACHE_DIR"):
        return Path(os.environ["ORDBOG_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "ordbog"


def cache_file(config: Config, key: str) -> Path:
    folder = hashlib.sha256(str(config.content_dir).encode()).hexdigest()[:12]
    return cache_dir() / "search" / f"{folder}-{key[:20]}.idx"


def save(index: SearchIndex, path: Path) -> None:
    """Write atomically (search.store); drop older indexes of the same content folder."""
    from ordbog.search import store

    store.write(index, path)
    prefix = path.name.split("-")[0] + "-"
    for old in path.parent.glob(prefix + "*"):
        if old != path and not old.name.startswith(".tmp-"):
            old.unlink(missing_ok=True)


def load(path: Path, key: str) -> SearchIndex | None:
    from ordbog.search import store

    return store.read(path, key)
