"""Article texts → the arrays of a `SearchIndex`, in two passes with compact intermediate data.

Pass 1 (`Indexer.add`, one article at a time, so a caller can stream articles): every field and
passage is split into words once; each distinct written word gets a number, and a text is kept
only as (word number, count) arrays. The vocabulary's document frequencies are counted here.
Pass 2 (`Indexer.finish`): each distinct word is analysed once against the finished vocabulary
(its term plus compound parts, `analyzer.compound_parts` with one memo for the whole build),
then per article the BM25F pseudo-frequencies and per passage the term frequencies are summed
from the word counts. Term frequencies are sums of word weights (1.0 for a word's own term,
COMPOUND_PART_WEIGHT for a part); counting words first only changes the order of those sums.

Memory is a few bytes per (text, distinct word) plus the passage text itself, never a dict
per term per document: 38,500 synthetic articles index in well under 2 GB.
"""

from __future__ import annotations

import math
from array import array
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from ordbog.search import analyzer

FIELDS = ("title", "aliases", "meta", "headings", "questions", "body")
FIELD_WEIGHTS = {"title": 8.0, "aliases": 7.0, "meta": 3.0, "headings": 2.5, "questions": 2.0, "body": 1.0}
FIELD_B = {"title": 0.2, "aliases": 0.3, "meta": 0.4, "headings": 0.5, "questions": 0.6, "body": 0.75}
K1 = 12.0  # little saturation: a title match still counts when the body repeats the word (measured: 1.2–50)
PASSAGE_KINDS = ("p", "faq")


@dataclass(frozen=True, slots=True)
class ArticleText:
    """What the index needs of one article (so the article's tokens can be dropped)."""

    slug: str
    title: str
    description: str
    aliases: tuple[str, ...]
    fields: tuple[str, ...]  # texts in FIELDS order
    passages: tuple[tuple[str, str, str, str], ...]  # (kind, heading, anchor, text)


@dataclass(frozen=True)
class Arrays:
    """Everything pass 2 produces (see index.SearchIndex for the meaning of each)."""

    terms: tuple[str, ...]
    vocab: dict[str, int]
    post_offsets: np.ndarray
    post_docs: np.ndarray
    post_impacts: np.ndarray
    p_len: np.ndarray
    p_offsets: np.ndarray
    p_terms: np.ndarray
    p_tf: np.ndarray
    p_df: np.ndarray


def round5(values: np.ndarray) -> np.ndarray:
    """`round(x, 5)` for every x, bit for bit as Python rounds (checked where rint could differ)."""
    scaled = values * 1e5
    out = np.rint(scaled) / 1e5
    close = np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6
    for i in np.flatnonzero(close):
        out[i] = round(float(values[i]), 5)
    return out


class Indexer:
    """Collects articles (`add`), then computes the index arrays (`finish`)."""

    def __init__(self) -> None:
        self.word_ids: dict[str, int] = {}
        self.word_terms: list[str] = []  # word number → its term
        self.df: dict[str, int] = {}
        self.fields: list[tuple[tuple[array, array], ...]] = []
        self.passages: list[tuple[array, array]] = []
        self.passage_docs = array("i")

    def _counts(self, text: str) -> tuple[array, array]:
        ids, counts = array("i"), array("i")
        word_ids = self.word_ids
        for raw, n in Counter(analyzer._WORD.findall(text.lower())).items():
            i = word_ids.get(raw)
            if i is None:
                i = word_ids[raw] = len(self.word_terms)
                self.word_terms.append(analyzer.term(analyzer.fold(raw)))
            ids.append(i)
            counts.append(n)
        return ids, counts

    def add(self, article: ArticleText) -> None:
        doc = len(self.fields)
        fields = tuple(self._counts(text) for text in article.fields)
        self.fields.append(fields)
        terms = self.word_terms
        for t in {terms[i] for ids, _ in fields for i in ids}:
            if len(t) >= 2:
                self.df[t] = self.df.get(t, 0) + 1
        for _, heading, _, text in article.passages:
            self.passages.append(self._counts(heading + "\n" + heading + "\n" + text))
            self.passage_docs.append(doc)

    def _expansions(self, vocab: Mapping[str, int], term_ids: dict[str, int]) -> list[tuple[tuple[int, float], ...]]:
        """Word number → ((term number, weight), …): the word's term, then its compound parts."""
        memo: dict = {}
        out: list[tuple[tuple[int, float], ...]] = [()] * len(self.word_ids)
        folded: dict[str, tuple[tuple[int, float], ...]] = {}
        for raw, i in self.word_ids.items():
            w = analyzer.fold(raw)
            found = folded.get(w)
            if found is None:
                parts = analyzer.compound_parts(w, vocab, memo=memo)
                found = folded[w] = tuple(
                    (term_ids.setdefault(t, len(term_ids)), weight)
                    for t, weight in ((self.word_terms[i], 1.0), *((p, analyzer.COMPOUND_PART_WEIGHT) for p in parts))
                )
            out[i] = found
        return out

    def finish(self) -> Arrays:
        vocab = dict(sorted(self.df.items()))
        term_ids: dict[str, int] = {}
        expand = self._expansions(vocab, term_ids)
        n = max(1, len(self.fields))
        lengths = [[sum(counts) for _, counts in doc] for doc in self.fields]
        avg = [max(1.0, sum(doc[f] for doc in lengths) / n) for f in range(len(FIELDS))]
        weights = [FIELD_WEIGHTS[f] for f in FIELDS]
        b = [FIELD_B[f] for f in FIELDS]
        post_terms, post_x, per_doc = array("i"), array("d"), array("q")
        for doc, fields in enumerate(self.fields):
            pseudo: dict[int, float] = {}
            for f, (ids, counts) in enumerate(fields):
                if not ids:
                    continue
                norm = 1 - b[f] + b[f] * lengths[doc][f] / avg[f]
                w = weights[f]
                for t, freq in _tf(ids, counts, expand).items():
                    pseudo[t] = pseudo.get(t, 0.0) + w * freq / norm
            post_terms.extend(pseudo.keys())
            post_x.extend(pseudo.values())
            per_doc.append(len(pseudo))
        p_terms, p_tf, p_len, p_count = array("i"), array("d"), array("i"), array("q")
        for ids, counts in self.passages:
            tf = _tf(ids, counts, expand)
            p_terms.extend(tf.keys())
            p_tf.extend(tf.values())
            p_len.append(sum(counts))
            p_count.append(len(tf))
        # term numbers in alphabetical order
        terms = sorted(term_ids)
        remap = np.empty(len(terms), dtype=np.int32)
        remap[[term_ids[t] for t in terms]] = np.arange(len(terms), dtype=np.int32)
        offsets, docs, impacts = _impacts(remap[np.frombuffer(post_terms, dtype=np.int32)],
                                          np.frombuffer(post_x, dtype=np.float64),
                                          np.frombuffer(per_doc, dtype=np.int64), len(terms), len(self.fields))
        p_term_arr = remap[np.frombuffer(p_terms, dtype=np.int32)]
        return Arrays(
            terms=tuple(terms),
            vocab=vocab,
            post_offsets=offsets,
            post_docs=docs,
            post_impacts=impacts,
            p_len=np.frombuffer(p_len, dtype=np.int32).copy(),
            p_offsets=np.concatenate(([0], np.cumsum(np.frombuffer(p_count, dtype=np.int64)))).astype(np.int64),
            p_terms=p_term_arr,
            p_tf=np.frombuffer(p_tf, dtype=np.float64).copy(),
            p_df=np.bincount(p_term_arr, minlength=len(terms)).astype(np.int32),
        )


def _tf(ids: array, counts: array, expand: list[tuple[tuple[int, float], ...]]) -> dict[int, float]:
    tf: dict[int, float] = {}
    for i, c in zip(ids, counts):
        for t, w in expand[i]:
            tf[t] = tf.get(t, 0.0) + w * c
    return tf


def _impacts(tids: np.ndarray, x: np.ndarray, per_doc: np.ndarray, n_terms: int, n_docs: int):
    """BM25 saturation and idf over the pseudo-frequencies; per term, best impact first (then doc)."""
    docs = np.repeat(np.arange(len(per_doc), dtype=np.int32), per_doc)
    df = np.bincount(tids, minlength=n_terms)
    n = max(1, n_docs)
    idf = np.array([math.log(1 + (n - d + 0.5) / (d + 0.5)) for d in range(n + 1)])
    impacts = round5(idf[df[tids]] * x * (K1 + 1) / (K1 + x))
    order = np.lexsort((docs, -impacts, tids))
    offsets = np.concatenate(([0], np.cumsum(df))).astype(np.int64)
    return offsets, docs[order], impacts[order]
