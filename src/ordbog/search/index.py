"""Search index: Site → `SearchIndex` (BM25F impacts per term, documents, answer passages).

Built in memory from the analysed articles; stored as one JSON file in a cache folder, keyed by
a hash of everything it depends on (article bytes, site synonyms, URLs, analyzer tables), so it
is rebuilt only when content changes. `load_or_build(config)` is the one entry point.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ordbog import urls
from ordbog.config import Config
from ordbog.model import Article, Site
from ordbog.search import analyzer
from ordbog.search.passages import Passage, article_passages

INDEX_FORMAT = 3
FIELD_WEIGHTS = {"title": 8.0, "aliases": 7.0, "meta": 3.0, "headings": 2.5, "questions": 2.0, "body": 1.0}
FIELD_B = {"title": 0.2, "aliases": 0.3, "meta": 0.4, "headings": 0.5, "questions": 0.6, "body": 0.75}
K1 = 12.0  # little saturation: a title match still counts when the body repeats the word (measured: 1.2–50)


@dataclass(frozen=True, slots=True)
class Doc:
    slug: str
    title: str
    url: str
    description: str
    title_terms: tuple[str, ...]  # terms of the title without stopwords (exact-title matching)
    alias_terms: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class SearchIndex:
    docs: tuple[Doc, ...]
    impacts: dict[str, dict[int, float]]  # term → {doc → BM25F score}
    vocab: dict[str, int]  # term → number of articles using it (analysis consults it)
    synonyms: dict[str, tuple[str, ...]]
    passages: tuple[Passage, ...]
    passage_terms: dict[str, dict[int, float]]  # term → {passage → weighted tf}
    passage_lengths: tuple[int, ...]
    key: str


def article_fields(article: Article) -> dict[str, str]:
    """The text of each weighted field (H3 questions of the FAQ are their own field)."""
    questions = {f.question for f in article.faq}
    skip = questions | ({article.faq_heading.text} if article.faq_heading else set())
    faq_id = article.faq_heading.id if article.faq_heading else None
    return {
        "title": article.title,
        "aliases": "\n".join(article.aliases),
        "meta": f"{article.meta_title}\n{article.description}",
        "headings": "\n".join(h.text for h in article.headings if h.text not in skip),
        "questions": "\n".join(f.question for f in article.faq),
        "body": "\n".join(
            [*(s.text for s in article.sections if not faq_id or s.id != faq_id), *(f.answer for f in article.faq)]
        ),
    }


def content_terms(text: str) -> tuple[str, ...]:
    stop = analyzer.stopwords()
    return tuple(analyzer.term(w) for w in analyzer.words(text) if w not in stop)


def _field_tf(fields: Mapping[str, str], vocab: Mapping[str, int], cache: dict) -> dict[str, tuple[dict[str, float], int]]:
    out = {}
    for name, text in fields.items():
        tf: dict[str, float] = {}
        terms = analyzer.document_terms(text, vocab, cache)
        for t, weight in terms:
            tf[t] = tf.get(t, 0.0) + weight
        out[name] = (tf, sum(1 for _, w in terms if w == 1.0))
    return out


def bm25f_impacts(per_doc: list[dict[str, tuple[dict[str, float], int]]]) -> dict[str, dict[int, float]]:
    """Term → {doc → score}: fields weighted and length-normalised, then one BM25 saturation."""
    n = max(1, len(per_doc))
    avg = {f: max(1.0, sum(d[f][1] for d in per_doc) / n) for f in FIELD_WEIGHTS}
    pseudo: dict[str, dict[int, float]] = {}
    for doc, fields in enumerate(per_doc):
        for name, (tf, length) in fields.items():
            norm = 1 - FIELD_B[name] + FIELD_B[name] * length / avg[name]
            for t, freq in tf.items():
                row = pseudo.setdefault(t, {})
                row[doc] = row.get(doc, 0.0) + FIELD_WEIGHTS[name] * freq / norm
    impacts = {}
    for t, row in sorted(pseudo.items()):
        idf = math.log(1 + (n - len(row) + 0.5) / (len(row) + 0.5))
        # rounded here, not only when stored, so a fresh index and a cached one rank alike;
        # best first, so the engine can stop early on very common terms in very large sites
        scored = ((doc, round(idf * x * (K1 + 1) / (K1 + x), 5)) for doc, x in row.items())
        impacts[t] = dict(sorted(scored, key=lambda item: (-item[1], item[0])))
    return impacts


def _passage_postings(passages: tuple[Passage, ...], vocab: Mapping[str, int], cache: dict):
    postings: dict[str, dict[int, float]] = {}
    lengths = []
    for i, p in enumerate(passages):
        terms = analyzer.document_terms(p.heading + "\n" + p.heading + "\n" + p.text, vocab, cache)
        lengths.append(sum(1 for _, w in terms if w == 1.0))
        for t, w in terms:
            row = postings.setdefault(t, {})
            row[i] = row.get(i, 0.0) + w
    return dict(sorted(postings.items())), tuple(lengths)


def build_index(config: Config, site: Site, synonyms: Mapping[str, tuple[str, ...]], key: str = "") -> SearchIndex:
    fields = [article_fields(a) for a in site.articles]
    vocab = analyzer.vocabulary_from_texts("\n".join(f.values()) for f in fields)
    cache: dict[str, tuple[tuple[str, float], ...]] = {}
    per_doc = [_field_tf(f, vocab, cache) for f in fields]
    docs = tuple(
        Doc(a.slug, a.title, urls.article_url(config, a.slug), a.description, content_terms(a.title),
            tuple(content_terms(x) for x in a.aliases))
        for a in site.articles
    )
    passages = tuple(p for n, a in enumerate(site.articles) for p in article_passages(a, n))
    passage_terms, lengths = _passage_postings(passages, vocab, cache)
    return SearchIndex(docs, bm25f_impacts(per_doc), vocab, dict(synonyms), passages, passage_terms, lengths, key)


# ---------------------------------------------------------------- storage


def site_synonyms(config: Config, site: Site) -> dict[str, tuple[str, ...]]:
    """Built-in table + `[search] synonyms` + each article's aliases (alias → title)."""
    table = analyzer.merge_synonyms(analyzer.builtin_synonyms(), getattr(config.file.search, "synonyms", None) or {})
    aliases = {alias: [a.title] for a in site.articles for alias in a.aliases if alias.strip()}
    return analyzer.merge_synonyms(table, aliases)


def _builder_code_digest() -> str:
    """The index builder's own source: a changed ordbog never reads an index built by an older one."""
    here = Path(__file__).parent
    h = hashlib.sha256()
    for name in ("index.py", "passages.py", "analyzer.py"):
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


def to_json(index: SearchIndex) -> dict:
    return {
        "format": INDEX_FORMAT,
        "key": index.key,
        "docs": [[d.slug, d.title, d.url, d.description, list(d.title_terms), [list(a) for a in d.alias_terms]] for d in index.docs],
        "impacts": {t: [[d, s] for d, s in row.items()] for t, row in index.impacts.items()},
        "vocab": index.vocab,
        "synonyms": {k: list(v) for k, v in index.synonyms.items()},
        "passages": [[p.doc, p.kind, p.heading, p.anchor, p.text] for p in index.passages],
        "passage_terms": {t: [[i, w] for i, w in row.items()] for t, row in index.passage_terms.items()},
        "passage_lengths": list(index.passage_lengths),
    }


def from_json(data: dict) -> SearchIndex:
    return SearchIndex(
        docs=tuple(Doc(s, t, u, d, tuple(tt), tuple(tuple(a) for a in at)) for s, t, u, d, tt, at in data["docs"]),
        impacts={t: {d: s for d, s in row} for t, row in data["impacts"].items()},
        vocab=data["vocab"],
        synonyms={k: tuple(v) for k, v in data["synonyms"].items()},
        passages=tuple(Passage(*p) for p in data["passages"]),
        passage_terms={t: {i: w for i, w in row} for t, row in data["passage_terms"].items()},
        passage_lengths=tuple(data["passage_lengths"]),
        key=data["key"],
    )


def cache_file(config: Config, key: str) -> Path:
    folder = hashlib.sha256(str(config.content_dir).encode()).hexdigest()[:12]
    return cache_dir() / "search" / f"{folder}-{key[:20]}.json"


def save(index: SearchIndex, path: Path) -> None:
    """Write atomically; drop older indexes of the same content folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(to_json(index), fh, ensure_ascii=False, separators=(",", ":"))
    os.replace(tmp, path)
    prefix = path.name.split("-")[0] + "-"
    for old in path.parent.glob(prefix + "*.json"):
        if old != path:
            old.unlink(missing_ok=True)


def load(path: Path, key: str) -> SearchIndex | None:
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, ValueError):
        return None
    if data.get("format") != INDEX_FORMAT or data.get("key") != key:
        return None
    return from_json(data)
