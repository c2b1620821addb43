"""Answer passages: query + ranked articles → the paragraph or FAQ answer that answers it.

Passages of the best-ranked articles are scored with BM25 over the passage's heading (the FAQ
question, or the section heading, counted twice) and text, using the query's best variant; a
passage whose question says exactly what the query says wins outright. The article's own rank
is added as a prior, so a good paragraph of the right article beats a lookalike elsewhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ordbog.search.analyzer import stopwords, term, words
from ordbog.search.engine import Hit, QueryMemo, Searcher, question_key
from ordbog.search.passages import Passage

EXACT_QUESTION_BONUS = 8.0
DOC_PRIOR = 3.0
FAQ_PRIOR = 0.5  # an FAQ answer was written to answer a question
CANDIDATE_DOCS = 5
QUESTION_WORDS = frozenset(
    ["hvad", "hvordan", "hvorfor", "hvornaar", "hvor", "hvilke", "hvilken", "hvilket", "hvem", "kan", "maa", "skal", "er", "boer", "goer", "faar", "har", "hjaelper", "findes", "bliver", "virker"]
)


@dataclass(frozen=True, slots=True)
class Answer:
    passage: Passage
    score: float


def is_question(q: str) -> bool:
    ws = words(q)
    return len(ws) >= 2 and (q.strip().endswith("?") or ws[0] in QUESTION_WORDS)


def best_passages(searcher: Searcher, q: str, hits: list[Hit], memo: QueryMemo | None = None) -> dict[int, Answer]:
    """Doc → its best passage for the query, for each of the given hits.

    `memo`: the QueryMemo the hits' `search` used, so passages it scored are not scored again.
    """
    if not hits:
        return {}
    memo = QueryMemo() if memo is None else memo
    key = question_key(q)
    variants = searcher.analyse(q)
    top = hits[0].score or 1.0
    out: dict[int, Answer] = {}
    for hit in hits:
        scores: dict[int, float] = {}
        for variant in variants:  # "kommer af med" also asks for "behandling"
            for pid, score in searcher.passage_scores(hit.doc, variant, memo).items():
                scores[pid] = max(scores.get(pid, 0.0), score * variant.weight)
        best: tuple[int, float] | None = None
        for pid, score in scores.items():
            faq = pid in searcher.question_keys  # FAQ passages, and only they, have a question key
            exact = faq and bool(key) and searcher.question_keys[pid] == key
            if score <= 0 and not exact:
                continue  # a passage without the query's words answers nothing
            score += DOC_PRIOR * hit.score / top
            if faq:
                score += FAQ_PRIOR + (EXACT_QUESTION_BONUS if exact else 0.0)
            if best is None or score > best[1]:
                best = (pid, score)
        if best is not None:
            out[hit.doc] = Answer(searcher.index.passages[best[0]], best[1])
    return out


def ask(searcher: Searcher, q: str) -> Answer | None:
    """The best answering passage among the top articles, or None when nothing matches."""
    memo = QueryMemo()
    hits = searcher.search(q, CANDIDATE_DOCS, memo)
    answers = best_passages(searcher, q, hits, memo)
    if not answers:
        return None
    return max(answers.values(), key=lambda a: (a.score, -a.passage.doc))


_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def highlight_terms(hit: Hit) -> frozenset[str]:
    return frozenset(t for clause in hit.variant.clauses for t, _ in clause if t not in stopwords())


def matches(word: str, terms: frozenset[str]) -> bool:
    return term(word) in terms
