"""Answer passages: query + ranked articles → the paragraph or FAQ answer that answers it.

Passages of the best-ranked articles are scored with BM25 over the passage's heading (the FAQ
question, or the section heading, counted twice) and text, using the query's best variant; a
passage whose question says exactly what the query says wins outright. The article's own rank
is added as a prior, so a good paragraph of the right article beats a lookalike elsewhere.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from ordbog.search.analyzer import stopwords, term, words
from ordbog.search.engine import Hit, Searcher
from ordbog.search.index import content_terms
from ordbog.search.passages import Passage

K1, B = 1.2, 0.5
EXACT_QUESTION_BONUS = 8.0
DOC_PRIOR = 3.0
FAQ_PRIOR = 0.5  # an FAQ answer was written to answer a question
CANDIDATE_DOCS = 5
QUESTION_WORDS = frozenset(
    "hvad hvordan hvorfor hvornaar hvor hvilke hvilken hvilket hvem kan maa skal er boer goer faar har hjaelper "
    "findes bliver virker".split()
)


@dataclass(frozen=True, slots=True)
class Answer:
    passage: Passage
    score: float


def is_question(q: str) -> bool:
    ws = words(q)
    return len(ws) >= 2 and (q.strip().endswith("?") or ws[0] in QUESTION_WORDS)


def passage_score(searcher: Searcher, pid: int, hit: Hit) -> float:
    index = searcher.index
    n = max(1, len(index.passages))
    avg = sum(index.passage_lengths) / n if index.passage_lengths else 1.0
    norm = 1 - B + B * index.passage_lengths[pid] / max(avg, 1.0)
    score = 0.0
    for clause in hit.variant.clauses:
        best = 0.0
        for t, w in clause:
            row = index.passage_terms.get(t)
            if not row or pid not in row:
                continue
            idf = math.log(1 + (n - len(row) + 0.5) / (len(row) + 0.5))
            tf = row[pid] / norm
            best = max(best, w * idf * tf * (K1 + 1) / (K1 + tf))
        score += best
    return score


def _same_question(p: Passage, query_terms: tuple[str, ...]) -> bool:
    return p.kind == "faq" and bool(query_terms) and content_terms(p.heading) == query_terms


def best_passages(searcher: Searcher, q: str, hits: list[Hit]) -> dict[int, Answer]:
    """Doc → its best passage for the query (for the first CANDIDATE_DOCS hits... or all given)."""
    if not hits:
        return {}
    query_terms = content_terms(q)
    top = hits[0].score or 1.0
    out: dict[int, Answer] = {}
    for hit in hits:
        for pid in searcher.doc_passages.get(hit.doc, ()):
            p = searcher.index.passages[pid]
            score = passage_score(searcher, pid, hit) + DOC_PRIOR * hit.score / top
            score += FAQ_PRIOR if p.kind == "faq" else 0.0
            if _same_question(p, query_terms):
                score += EXACT_QUESTION_BONUS
            if hit.doc not in out or score > out[hit.doc].score:
                out[hit.doc] = Answer(p, score)
    return out


def ask(searcher: Searcher, q: str) -> Answer | None:
    """The best answering passage among the top articles, or None when nothing matches."""
    hits = searcher.search(q, CANDIDATE_DOCS)
    answers = best_passages(searcher, q, hits)
    if not answers:
        return None
    return max(answers.values(), key=lambda a: (a.score, -a.passage.doc))


_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def highlight_terms(hit: Hit) -> frozenset[str]:
    return frozenset(t for clause in hit.variant.clauses for t, _ in clause if t not in stopwords())


def matches(word: str, terms: frozenset[str]) -> bool:
    return term(word) in terms
