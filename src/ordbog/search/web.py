"""Static search index: Site → the files the in-browser search (static/search.js) fetches.

The browser runs the same query analysis as `ordbog search` (a JavaScript port of
`search/analyzer.py`, checked against the shared case table), so this module ships the
analyzer's tables and the site vocabulary, and precomputes every (term, article) score.

Layout under `urls.search_index_url(config, "")` (JSON; fetched with `?v=<version>`, so a
rebuild never mixes old and new files in a browser cache):

  manifest.json   version, analyzer tables, site synonyms, article count, shard count
  vocab.json      the sorted vocabulary, front-coded, with document frequencies: typo tolerance
                  and compound splitting look words up in all of it (it grows sub-linearly)
  p/<n>.json      postings shard n = fnv1a(term) % shards: {term: [doc, score, doc, score, …]}
                  best score first, at most MAX_POSTINGS per term (a first query reads a few
                  shards of bounded size, whatever the size of the site)
  d/<doc>.json    one article for display: slug, url, title, passages (heading, anchor, text)

Scores are BM25F-style: title and aliases weigh most, then headings and FAQ questions, then
body text; exact title/alias matches get an extra term ("=" + the title's terms).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from ordbog import urls
from ordbog.config import Config
from ordbog.model import Article, Site
from ordbog.search import analyzer

INDEX_FORMAT = 1
FIELD_WEIGHTS = {"title": 10.0, "aliases": 8.0, "headings": 3.0, "questions": 3.0, "body": 1.0}
FIELD_B = {"title": 0.3, "aliases": 0.3, "headings": 0.5, "questions": 0.5, "body": 0.75}
K1 = 1.2
EXACT_TITLE_SCORE = 6.0  # added to the "=" term of a title or alias the query spells out
SCORE_SCALE = 100  # scores are stored as integers (score × SCORE_SCALE)
MAX_POSTINGS = 256
SHARD_BYTES = 6_000  # target size of a postings shard


@dataclass(frozen=True, slots=True)
class Passage:
    """A piece of an article a result can point at: the intro, a section or an FAQ answer."""

    kind: str  # "i" intro, "s" section, "f" FAQ item
    heading: str
    anchor: str
    text: str


def passages(article: Article) -> tuple[Passage, ...]:
    faq_id = article.faq_heading.id if article.faq_heading else None
    out = [
        Passage("s" if s.heading else "i", s.heading, s.id, s.text)
        for s in article.sections
        if s.id != faq_id or not faq_id
    ]
    out += [Passage("f", f.question, f.id, f.answer) for f in article.faq]
    return tuple(out)


def article_fields(article: Article) -> dict[str, str]:
    """The text of each weighted field of an article (joined with newlines)."""
    faq_questions = {f.question for f in article.faq}
    faq_heading = article.faq_heading.text if article.faq_heading else None
    headings = [h.text for h in article.headings if h.text not in faq_questions and h.text != faq_heading]
    body = [p.text for p in passages(article)]
    return {
        "title": article.title,
        "aliases": "\n".join(article.aliases),
        "headings": "\n".join([article.meta_title, *headings]),
        "questions": "\n".join(f.question for f in article.faq),
        "body": "\n".join([article.description, *body]),
    }


def site_vocabulary(site: Site) -> dict[str, int]:
    """Term → number of articles using it: what compound splitting and typo tolerance consult."""
    return analyzer.vocabulary_from_texts("\n".join(article_fields(a).values()) for a in site.articles)


def title_key(text: str) -> str:
    """The exact-match term of a title or alias: "=" + its terms without stopwords."""
    stop = analyzer.stopwords()
    terms = [analyzer.term(w) for w in analyzer.words(text) if w not in stop]
    return "=" + " ".join(terms) if terms else ""


def field_frequencies(
    fields: Mapping[str, str], vocab: Mapping[str, int], cache: dict[str, list[str]]
) -> dict[str, tuple[dict[str, float], int]]:
    """Field → (term → weighted frequency, field length in words)."""
    out = {}
    for name, text in fields.items():
        tf: dict[str, float] = {}
        terms = analyzer.document_terms(text, vocab, cache)
        for term, weight in terms:
            tf[term] = tf.get(term, 0.0) + weight
        out[name] = (tf, sum(1 for _, w in terms if w == 1.0))
    return out


def bm25f_scores(site: Site, vocab: Mapping[str, int]) -> dict[str, dict[int, float]]:
    """Term → {article number → score} over all fields."""
    cache: dict[str, list[str]] = {}
    per_doc = [field_frequencies(article_fields(a), vocab, cache) for a in site.articles]
    n = max(1, len(per_doc))
    avg = {f: max(1.0, sum(d[f][1] for d in per_doc) / n) for f in FIELD_WEIGHTS}
    pseudo: dict[str, dict[int, float]] = {}
    for doc, fields in enumerate(per_doc):
        for name, (tf, length) in fields.items():
            norm = 1 - FIELD_B[name] + FIELD_B[name] * length / avg[name]
            for term, freq in tf.items():
                row = pseudo.setdefault(term, {})
                row[doc] = row.get(doc, 0.0) + FIELD_WEIGHTS[name] * freq / norm
    scores = {}
    for term, row in pseudo.items():
        idf = math.log(1 + (n - len(row) + 0.5) / (len(row) + 0.5))
        scores[term] = {doc: idf * tf * (K1 + 1) / (K1 + tf) for doc, tf in row.items()}
    for doc, article in enumerate(site.articles):
        for text in (article.title, *article.aliases):
            key = title_key(text)
            if key:
                scores.setdefault(key, {})[doc] = EXACT_TITLE_SCORE
    return scores


def fnv1a(term: str) -> int:
    """32-bit FNV-1a over UTF-16 code units (what JavaScript's charCodeAt sees)."""
    h = 0x811C9DC5
    data = term.encode("utf-16-le")
    for i in range(0, len(data), 2):
        h ^= data[i] | (data[i + 1] << 8)
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h


def postings(scores: Mapping[str, Mapping[int, float]]) -> dict[str, list[int]]:
    """Term → flat [doc, score, …], best first, cut at MAX_POSTINGS."""
    out = {}
    for term, row in scores.items():
        best = sorted(row.items(), key=lambda item: (-item[1], item[0]))[:MAX_POSTINGS]
        out[term] = [x for doc, score in best for x in (doc, max(1, round(score * SCORE_SCALE)))]
    return out


def shard_count(posting_lists: Mapping[str, list[int]]) -> int:
    size = sum(len(t) + 4 + 5 * len(p) for t, p in posting_lists.items())
    return max(1, math.ceil(size / SHARD_BYTES))


def shards(posting_lists: Mapping[str, list[int]], count: int) -> list[dict[str, list[int]]]:
    out: list[dict[str, list[int]]] = [{} for _ in range(count)]
    for term in sorted(posting_lists):
        out[fnv1a(term) % count][term] = posting_lists[term]
    return out


def front_coded(terms: list[str]) -> str:
    """Sorted terms, newline-separated, each as <length of prefix shared with the previous, 0–9><rest>."""
    lines, prev = [], ""
    for term in terms:
        k = 0
        while k < min(len(term), len(prev), 9) and term[k] == prev[k]:
            k += 1
        lines.append(f"{k}{term[k:]}")
        prev = term
    return "\n".join(lines)


def doc_record(config: Config, article: Article) -> dict:
    return {
        "slug": article.slug,
        "url": urls.article_url(config, article.slug),
        "title": article.title,
        "aliases": list(article.aliases),
        "p": [[p.kind, p.heading, p.anchor, p.text] for p in passages(article)],
    }


def site_synonyms(config: Config) -> dict[str, tuple[str, ...]]:
    """The curated synonym table plus the site's own (`[search] synonyms`, when configured)."""
    extra = getattr(config.file.search, "synonyms", None) or {}
    return analyzer.merge_synonyms(analyzer.builtin_synonyms(), extra)


def _dump(data: object) -> bytes:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def index_files(config: Config, site: Site) -> Iterator[tuple[str, bytes]]:
    """(name under the index folder, bytes) for every index file; the manifest comes last."""
    vocab = site_vocabulary(site)
    posting_lists = postings(bm25f_scores(site, vocab))
    count = shard_count(posting_lists)
    digest = hashlib.sha256()
    files: list[tuple[str, bytes]] = [("vocab.json", _dump({"terms": front_coded(list(vocab)), "df": list(vocab.values())}))]
    files += [(f"p/{n}.json", _dump(shard)) for n, shard in enumerate(shards(posting_lists, count))]
    files += [(f"d/{n}.json", _dump(doc_record(config, a))) for n, a in enumerate(site.articles)]
    for name, data in files:
        digest.update(name.encode() + b"\0" + data)
        yield name, data
    tables = analyzer.export_tables()
    tables["synonyms"] = {k: list(v) for k, v in site_synonyms(config).items()}
    manifest = {
        "format": INDEX_FORMAT,
        "version": digest.hexdigest()[:16],
        "docs": len(site.articles),
        "shards": count,
        "scale": SCORE_SCALE,
        "tables": tables,
    }
    yield "manifest.json", _dump(manifest)


def site_files(config: Config, site: Site) -> dict[str, bytes]:
    """Output path → bytes for the whole search index (empty when search is disabled)."""
    if not config.file.search.enabled:
        return {}
    return {
        urls.output_path(config, urls.search_index_url(config, name)): data for name, data in index_files(config, site)
    }
