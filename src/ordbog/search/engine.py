"""Ranking: SearchIndex + query text → ranked `Hit`s.

Each query variant scores a document as the sum over its clauses of the best alternative's
BM25F impact (times the alternative's weight), scaled by how much of the query's information
(idf of each clause) the document covers, plus a bonus for titles and aliases the query spells
out, and one for an FAQ question the query repeats. A document's score is its best variant's
score times the variant's weight.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from ordbog.search.index import SearchIndex, question_key
from ordbog.search.query import Query, Variant, Vocabulary, analyse_query

COVERAGE_POWER = 1.0  # how hard a document is punished for missing part of the query
TITLE_BONUS = 6.0  # for a title/alias whose every term the query contains
QUESTION_BONUS = 10.0  # for an article with an FAQ question worded like the query
PASSAGE_WEIGHT = 0.25  # how much an article's best single passage adds (long queries)
RERANK_DEPTH = 20
PASSAGE_K1, PASSAGE_B = 1.2, 0.5

__all__ = ["Hit", "QueryMemo", "Searcher", "question_key"]


@dataclass(frozen=True, slots=True)
class Hit:
    doc: int
    score: float
    variant: Variant


class QueryMemo:
    """Scratch state of one query: passage scores per (article, variant) and term masks.

    Made by the caller of one query (`search` then `best_passages`) and never stored on the
    Searcher, so threads querying one Searcher at once share nothing they write.
    """

    __slots__ = ("masks", "passages")

    def __init__(self) -> None:
        self.passages: dict[tuple[int, Variant], dict[int, float]] = {}
        self.masks: dict[frozenset[int], np.ndarray] = {}


class Searcher:
    """A loaded index plus lookups built once: title terms, FAQ question keys, passages per doc.

    Scoring is exact over every posting: per variant, dense arrays of one float per article
    (a few hundred KB for 38,500 articles) take the clause maxima and sums in numpy.
    """

    def __init__(self, index: SearchIndex) -> None:
        self.index = index
        self.vocab = Vocabulary(index.vocab)
        self.n_docs = max(1, len(index.docs))

    @cached_property
    def titles(self) -> _TitleLists:
        return _TitleLists(self.index)

    @property
    def question_keys(self) -> dict[int, str]:
        """Passage number → question key, for FAQ passages."""
        return self.index.question_keys

    @cached_property
    def question_docs(self) -> dict[str, set[int]]:
        out: dict[str, set[int]] = {}
        docs = self.index.passages.docs
        for i, key in self.question_keys.items():
            if key:
                out.setdefault(key, set()).add(int(docs[i]))
        return out

    def analyse(self, q: str) -> Query:
        return analyse_query(q, self.vocab, self.index.synonyms)

    def idf(self, term: str) -> float:
        df = self.index.vocab.get(term) or self.index.df(term)
        return math.log(1 + self.n_docs / df) if df else 0.0

    def search(self, q: str, limit: int = 10, memo: QueryMemo | None = None) -> list[Hit]:
        """Best `limit` articles; ties broken by article number (= slug order).

        `memo`: the query's scratch state, to share with `best_passages` (default: a fresh one).
        """
        memo = QueryMemo() if memo is None else memo
        n = len(self.index.docs)
        best = np.full(n, -1.0)
        chosen = np.full(n, -1, dtype=np.int64)
        asked = np.zeros(n)
        if len(q) > 8:
            asked[list(self.question_docs.get(question_key(q), ()))] = QUESTION_BONUS
        variants = self.analyse(q)
        for v, variant in enumerate(variants):
            scores, matched = self.score_variant(variant)
            scores = np.where(matched, scores * variant.weight + asked, -np.inf)
            better = scores > best
            best[better] = scores[better]
            chosen[better] = v
        limit = max(0, limit)
        found = np.flatnonzero(chosen >= 0)
        depth = max(RERANK_DEPTH, limit) if PASSAGE_WEIGHT else limit
        top = _top(best, found, depth)
        score = {doc: float(best[doc]) for doc in top}
        if PASSAGE_WEIGHT:
            # passage evidence only raises scores, so the new top is among the old top
            for doc in top:
                variant = variants[chosen[doc]]
                bonus = max(self.passage_scores(doc, variant, memo).values(), default=0.0)
                score[doc] += PASSAGE_WEIGHT * bonus * variant.weight
        ranked = heapq.nsmallest(limit, ((-s, d) for d, s in score.items()))
        return [Hit(doc, -neg, variants[chosen[doc]]) for neg, doc in ranked]

    def score_variant(self, variant: Variant) -> tuple[np.ndarray, np.ndarray]:
        """(score per article, which articles match) for one variant."""
        n = len(self.index.docs)
        total = np.zeros(n)
        covered = np.zeros(n)
        weights = [max((self.idf(t) * w for t, w in clause), default=0.0) for clause in variant.clauses]
        for clause, clause_weight in zip(variant.clauses, weights):
            best = np.zeros(n)
            for t, w in clause:
                docs, impacts = self.index.postings(t)
                if len(docs):
                    best[docs] = np.maximum(best[docs], w * impacts)
            total += best
            covered[best > 0] += clause_weight
        matched = total > 0
        ratio = covered / (sum(weights) or 1.0)
        scores = total * (ratio if COVERAGE_POWER == 1.0 else ratio**COVERAGE_POWER)
        bonus = self.titles.bonuses(variant)
        if bonus is not None:
            scores[matched] += bonus[matched]
        return scores, matched

    @cached_property
    def avg_passage_length(self) -> float:
        lengths = self.index.passage_lengths
        return max(1.0, int(lengths.sum()) / max(1, len(lengths)))

    def doc_terms(
        self, doc: int, terms: set[str], masks: dict[frozenset[int], np.ndarray] | None = None
    ) -> dict[str, list[tuple[int, float]]]:
        """Term → [(passage, tf), …] of one article, for the given terms only (passage order).

        `masks`: the query's term masks by set of term numbers (see QueryMemo), filled as needed.
        """
        ix = self.index
        pids = ix.passages.of_doc(doc)
        ids = {ix.term_ids[t]: t for t in terms if t in ix.term_ids}
        if not pids or not ids:
            return {}
        bounds = ix.p_offsets[pids.start : pids.stop + 1]
        a, b = int(bounds[0]), int(bounds[-1])
        key = frozenset(ids)
        mask = None if masks is None else masks.get(key)
        if mask is None:  # term number → wanted?, once per query and set of terms
            mask = np.zeros(len(ix.terms), dtype=bool)
            mask[list(ids)] = True
            if masks is not None:
                masks[key] = mask  # published only once filled
        hits = np.flatnonzero(mask[ix.p_terms[a:b]])
        owners = np.searchsorted(bounds, a + hits, "right") - 1 + pids.start
        grouped: dict[str, list[tuple[int, float]]] = {}
        for t, pid, tf in zip(ix.p_terms[a + hits].tolist(), owners.tolist(), ix.p_tf[a + hits].tolist()):
            grouped.setdefault(ids[t], []).append((pid, tf))
        return grouped

    def passage_idf(self, term: str) -> float:
        n = max(1, len(self.index.passages))
        t = self.index.term_ids.get(term)
        df = 0 if t is None else int(self.index.p_df[t])
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def passage_scores(self, doc: int, variant: Variant, memo: QueryMemo | None = None) -> dict[int, float]:
        """Passage number → BM25 score of the variant, for each passage of one article (memoised in `memo`)."""
        if memo is None:
            return self._passage_scores(doc, variant, None)
        key = (doc, variant)
        found = memo.passages.get(key)
        if found is None:
            found = memo.passages[key] = self._passage_scores(doc, variant, memo.masks)
        return found

    def _passage_scores(
        self, doc: int, variant: Variant, masks: dict[frozenset[int], np.ndarray] | None
    ) -> dict[int, float]:
        lengths, avg = self.index.passage_lengths, self.avg_passage_length
        terms = self.doc_terms(doc, {t for clause in variant.clauses for t, _ in clause}, masks)
        scores = dict.fromkeys(self.index.passages.of_doc(doc), 0.0)
        for clause in variant.clauses:
            best: dict[int, float] = {}
            for t, w in clause:
                postings = terms.get(t)
                if not postings:
                    continue
                idf = self.passage_idf(t)
                for pid, raw in postings:
                    tf = raw / (1 - PASSAGE_B + PASSAGE_B * int(lengths[pid]) / avg)
                    v = w * idf * tf * (PASSAGE_K1 + 1) / (PASSAGE_K1 + tf)
                    if v > best.get(pid, 0.0):
                        best[pid] = v
            for pid, v in best.items():
                scores[pid] += v
        return scores


def _top(scores: np.ndarray, candidates: np.ndarray, k: int) -> list[int]:
    """The k candidates with the highest scores, ties by lower number, best first (exact)."""
    if k <= 0 or not len(candidates):
        return []
    if len(candidates) > k:
        values = scores[candidates]
        kth = np.partition(values, len(values) - k)[len(values) - k]
        candidates = candidates[values >= kth]  # everything tied with the k-th stays in
    pairs = heapq.nsmallest(k, zip((-scores[candidates]).tolist(), candidates.tolist()))
    return [doc for _, doc in pairs]


class _TitleLists:
    """Every non-empty title or alias term list of the index, and term → (list, occurrences).

    `bonuses(variant)` is TITLE_BONUS × max over an article's lists of (share of the list's terms
    in the query) × (share of the query's clauses in the list), for every article at once.
    """

    def __init__(self, index: SearchIndex) -> None:
        docs, lengths, postings = [], [], {}
        for n, d in enumerate(index.docs):
            for names in (d.title_terms, *d.alias_terms):
                if names:
                    for t in dict.fromkeys(names):
                        postings.setdefault(t, ([], []))
                        postings[t][0].append(len(docs))
                        postings[t][1].append(names.count(t))
                    docs.append(n)
                    lengths.append(len(names))
        self.n_docs = len(index.docs)
        self.list_doc = np.array(docs, dtype=np.int64)
        self.list_len = np.array(lengths, dtype=np.int64)
        self.postings = {t: (np.array(a, dtype=np.int64), np.array(b, dtype=np.int64)) for t, (a, b) in postings.items()}
        self.doc_starts = np.flatnonzero(np.r_[True, self.list_doc[1:] != self.list_doc[:-1]]) if docs else self.list_doc

    def bonuses(self, variant: Variant) -> np.ndarray | None:
        terms = {t for clause in variant.clauses for t, _ in clause}
        if not any(t in self.postings for t in terms):
            return None
        names_hit = np.zeros(len(self.list_doc), dtype=np.int64)
        for t in terms:
            if t in self.postings:
                lists, counts = self.postings[t]
                names_hit[lists] += counts
        clauses_hit = np.zeros(len(self.list_doc), dtype=np.int64)
        for clause in variant.clauses:
            present = np.zeros(len(self.list_doc), dtype=bool)
            for t, _ in clause:
                if t in self.postings:
                    present[self.postings[t][0]] = True
            clauses_hit += present
        share = (names_hit / self.list_len) * (clauses_hit / max(1, len(variant.clauses)))
        out = np.zeros(self.n_docs)
        out[self.list_doc[self.doc_starts]] = TITLE_BONUS * np.maximum.reduceat(share, self.doc_starts)
        return out
