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
from itertools import islice

from ordbog.search.index import SearchIndex, content_terms
from ordbog.search.query import Query, Variant, Vocabulary, analyse_query

COVERAGE_POWER = 1.0  # how hard a document is punished for missing part of the query
TITLE_BONUS = 6.0  # for a title/alias whose every term the query contains
QUESTION_BONUS = 10.0  # for an article with an FAQ question worded like the query
PASSAGE_WEIGHT = 0.25  # how much an article's best single passage adds (long queries)
RERANK_DEPTH = 20
MAX_POSTINGS_SCANNED = 2000  # per term, best impacts first: bounds latency on very large sites
PASSAGE_K1, PASSAGE_B = 1.2, 0.5


@dataclass(frozen=True, slots=True)
class Hit:
    doc: int
    score: float
    variant: Variant


def question_key(text: str) -> str:
    """Order-free key of a question's content terms ("Hvad er X?" and "X, hvad er det" match)."""
    return " ".join(sorted(set(content_terms(text))))


class Searcher:
    """A loaded index plus lookups built once: title terms, FAQ question keys, passages per doc."""

    def __init__(self, index: SearchIndex) -> None:
        self.index = index
        self.vocab = Vocabulary(index.vocab)
        self.n_docs = max(1, len(index.docs))
        self._passage_memo: dict[tuple[int, Variant], dict[int, float]] = {}

    @cached_property
    def doc_passages(self) -> dict[int, range]:
        spans: dict[int, list[int]] = {}
        for i, p in enumerate(self.index.passages):
            spans.setdefault(p.doc, [i, i])[1] = i
        return {doc: range(a, b + 1) for doc, (a, b) in spans.items()}

    @cached_property
    def title_docs(self) -> dict[str, set[int]]:
        out: dict[str, set[int]] = {}
        for n, d in enumerate(self.index.docs):
            for names in (d.title_terms, *d.alias_terms):
                for t in names:
                    out.setdefault(t, set()).add(n)
        return out

    @cached_property
    def question_keys(self) -> dict[int, str]:
        """Passage number → question key, for FAQ passages."""
        return {i: question_key(p.heading) for i, p in enumerate(self.index.passages) if p.kind == "faq"}

    @cached_property
    def question_docs(self) -> dict[str, set[int]]:
        out: dict[str, set[int]] = {}
        for i, key in self.question_keys.items():
            if key:
                out.setdefault(key, set()).add(self.index.passages[i].doc)
        return out

    def analyse(self, q: str) -> Query:
        return analyse_query(q, self.vocab, self.index.synonyms)

    def idf(self, term: str) -> float:
        df = self.index.vocab.get(term) or len(self.index.impacts.get(term, ()))
        return math.log(1 + self.n_docs / df) if df else 0.0

    def search(self, q: str, limit: int = 10) -> list[Hit]:
        """Best `limit` articles; ties broken by article number (= slug order)."""
        self._passage_memo = {}
        scores: dict[int, float] = {}
        chosen: dict[int, Variant] = {}
        asked = self.question_docs.get(question_key(q), set()) if len(q) > 8 else set()
        for variant in self.analyse(q):
            for doc, score in self.score_variant(variant).items():
                score = score * variant.weight + (QUESTION_BONUS if doc in asked else 0.0)
                if score > scores.get(doc, -1.0):
                    scores[doc], chosen[doc] = score, variant
        limit = max(0, limit)
        if PASSAGE_WEIGHT:
            # passage evidence only raises scores, so the new top is among the old top
            for _, doc in heapq.nsmallest(max(RERANK_DEPTH, limit), ((-s, d) for d, s in scores.items())):
                bonus = max(self.passage_scores(doc, chosen[doc]).values(), default=0.0)
                scores[doc] += PASSAGE_WEIGHT * bonus * chosen[doc].weight
        top = heapq.nsmallest(limit, ((-s, d) for d, s in scores.items()))
        return [Hit(doc, -neg, chosen[doc]) for neg, doc in top]

    def score_variant(self, variant: Variant) -> dict[int, float]:
        impacts = self.index.impacts
        total: dict[int, float] = {}
        covered: dict[int, float] = {}
        weights = [max((self.idf(t) * w for t, w in clause), default=0.0) for clause in variant.clauses]
        for clause, clause_weight in zip(variant.clauses, weights):
            best: dict[int, float] = {}
            for t, w in clause:
                for doc, impact in islice(impacts.get(t, {}).items(), MAX_POSTINGS_SCANNED):
                    if w * impact > best.get(doc, 0.0):
                        best[doc] = w * impact
            for doc, s in best.items():
                total[doc] = total.get(doc, 0.0) + s
                covered[doc] = covered.get(doc, 0.0) + clause_weight
        all_weight = sum(weights) or 1.0
        scores = {doc: s * (covered[doc] / all_weight) ** COVERAGE_POWER for doc, s in total.items()}
        terms = {t for clause in variant.clauses for t, _ in clause}
        for doc in set().union(*(self.title_docs.get(t, ()) for t in terms)):
            if doc in scores:
                scores[doc] += self.title_bonus(doc, variant, terms)
        return scores

    def title_bonus(self, doc: int, variant: Variant, terms: set[str]) -> float:
        """TITLE_BONUS × (share of the title's terms in the query) × (share of the query in the title)."""
        d = self.index.docs[doc]
        best = 0.0
        for names in (d.title_terms, *d.alias_terms):
            if not names:
                continue
            hit_clauses = sum(1 for clause in variant.clauses if any(t in names for t, _ in clause))
            hit_names = sum(1 for name in names if name in terms)
            best = max(best, (hit_names / len(names)) * (hit_clauses / max(1, len(variant.clauses))))
        return TITLE_BONUS * best

    @cached_property
    def avg_passage_length(self) -> float:
        lengths = self.index.passage_lengths
        return max(1.0, sum(lengths) / max(1, len(lengths)))

    @cached_property
    def doc_terms(self) -> dict[int, dict[str, tuple[tuple[int, float], ...]]]:
        """Article → term → ((passage, tf), …): passage scoring touches only the terms it needs."""
        grouped: dict[int, dict[str, list[tuple[int, float]]]] = {}
        passages = self.index.passages
        for t, row in self.index.passage_terms.items():
            for pid, tf in row.items():
                grouped.setdefault(passages[pid].doc, {}).setdefault(t, []).append((pid, tf))
        return {doc: {t: tuple(v) for t, v in terms.items()} for doc, terms in grouped.items()}

    @cached_property
    def passage_idf(self) -> dict[str, float]:
        n = max(1, len(self.index.passages))
        return {t: math.log(1 + (n - len(row) + 0.5) / (len(row) + 0.5)) for t, row in self.index.passage_terms.items()}

    def passage_scores(self, doc: int, variant: Variant) -> dict[int, float]:
        """Passage number → BM25 score of the variant, for each passage of one article (memoised per query)."""
        key = (doc, variant)
        if key not in self._passage_memo:
            self._passage_memo[key] = self._passage_scores(doc, variant)
        return self._passage_memo[key]

    def _passage_scores(self, doc: int, variant: Variant) -> dict[int, float]:
        lengths, avg = self.index.passage_lengths, self.avg_passage_length
        terms = self.doc_terms.get(doc, {})
        scores = dict.fromkeys(self.doc_passages.get(doc, range(0)), 0.0)
        for clause in variant.clauses:
            best: dict[int, float] = {}
            for t, w in clause:
                postings = terms.get(t)
                if not postings:
                    continue
                idf = self.passage_idf[t]
                for pid, raw in postings:
                    tf = raw / (1 - PASSAGE_B + PASSAGE_B * lengths[pid] / avg)
                    v = w * idf * tf * (PASSAGE_K1 + 1) / (PASSAGE_K1 + tf)
                    if v > best.get(pid, 0.0):
                        best[pid] = v
            for pid, v in best.items():
                scores[pid] += v
        return scores
