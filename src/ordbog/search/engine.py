"""Ranking: SearchIndex + query text → ranked `Hit`s.

Each query variant scores a document as the sum over its clauses of the best alternative's
BM25F impact (times the alternative's weight), scaled by how much of the query's information
(idf of each clause) the document covers, plus a bonus for titles and aliases the query spells
out. A document's score is its best variant's score times the variant's weight.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

from ordbog.search.index import SearchIndex
from ordbog.search.query import Query, Variant, Vocabulary, analyse_query

COVERAGE_POWER = 2.0  # how hard a document is punished for missing part of the query
TITLE_BONUS = 6.0  # for a title/alias whose every term the query contains


@dataclass(frozen=True, slots=True)
class Hit:
    doc: int
    score: float
    variant: Variant


class Searcher:
    """A loaded index plus what querying it needs (vocabulary, per-doc passages)."""

    def __init__(self, index: SearchIndex) -> None:
        self.index = index
        self.vocab = Vocabulary(index.vocab)
        self.n_docs = max(1, len(index.docs))

    @cached_property
    def doc_passages(self) -> dict[int, list[int]]:
        out: dict[int, list[int]] = {}
        for i, p in enumerate(self.index.passages):
            out.setdefault(p.doc, []).append(i)
        return out

    def analyse(self, q: str) -> Query:
        return analyse_query(q, self.vocab, self.index.synonyms)

    def idf(self, term: str) -> float:
        df = self.index.vocab.get(term) or len(self.index.impacts.get(term, ()))
        return math.log(1 + self.n_docs / df) if df else 0.0

    def search(self, q: str, limit: int = 10) -> list[Hit]:
        best: dict[int, Hit] = {}
        for variant in self.analyse(q):
            for doc, score in self.score_variant(variant).items():
                score *= variant.weight
                if doc not in best or score > best[doc].score:
                    best[doc] = Hit(doc, score, variant)
        ranked = sorted(best.values(), key=lambda h: (-h.score, self.index.docs[h.doc].slug))
        return ranked[: max(0, limit)]

    def score_variant(self, variant: Variant) -> dict[int, float]:
        impacts = self.index.impacts
        total: dict[int, float] = {}
        covered: dict[int, float] = {}
        weights = [max((self.idf(t) for t, _ in clause), default=0.0) for clause in variant.clauses]
        for clause, clause_weight in zip(variant.clauses, weights):
            best: dict[int, float] = {}
            for t, w in clause:
                for doc, impact in impacts.get(t, {}).items():
                    if w * impact > best.get(doc, 0.0):
                        best[doc] = w * impact
            for doc, s in best.items():
                total[doc] = total.get(doc, 0.0) + s
                covered[doc] = covered.get(doc, 0.0) + clause_weight
        all_weight = sum(weights) or 1.0
        return {
            doc: s * (covered[doc] / all_weight) ** COVERAGE_POWER + self.title_bonus(doc, variant)
            for doc, s in total.items()
        }

    def title_bonus(self, doc: int, variant: Variant) -> float:
        """TITLE_BONUS × (share of the title's terms in the query) × (share of the query in the title)."""
        d = self.index.docs[doc]
        best = 0.0
        for names in (d.title_terms, *d.alias_terms):
            if not names:
                continue
            hit_clauses = sum(1 for clause in variant.clauses if any(t in names for t, _ in clause))
            hit_names = sum(1 for name in names if any(name == t for clause in variant.clauses for t, _ in clause))
            best = max(best, (hit_names / len(names)) * (hit_clauses / max(1, len(variant.clauses))))
        return TITLE_BONUS * best
