"""Query analysis: query text + vocabulary + synonyms → `Query` (weighted variants of clauses).

The pipeline is described step by step in `ordbog.search.analyzer`'s module docstring; the
JavaScript port follows it and is tested against the same case table.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from ordbog.search.analyzer import (
    COMPOUND_PART_WEIGHT,
    LINKING_LETTERS,
    MAX_CORRECTIONS,
    MAX_VARIANTS,
    MIN_COMPLETION,
    MIN_PART,
    SYNONYM_WEIGHT,
    TYPO_WEIGHT,
    WEAK_WORD_WEIGHT,
    normalize,
    split_compound,
    stopwords,
    term,
    weak_words,
    words,
)

Alternative = tuple[str, float]  # (term, weight)
Clause = tuple[Alternative, ...]


@dataclass(frozen=True, slots=True)
class Variant:
    weight: float
    clauses: tuple[Clause, ...]


Query = tuple[Variant, ...]


class Vocabulary:
    """Term → document frequency, plus what typo lookup needs (terms grouped by length)."""

    def __init__(self, df: Mapping[str, int]) -> None:
        self.df = dict(df)
        self._sorted = sorted(self.df)
        self._by_length: dict[int, list[str]] = {}
        for t in sorted(self.df):
            self._by_length.setdefault(len(t), []).append(t)

    def __contains__(self, t: object) -> bool:
        return t in self.df

    def __getitem__(self, t: str) -> int:
        return self.df[t]

    def __len__(self) -> int:
        return len(self.df)

    def get(self, t: str, default: int | None = None) -> int | None:
        return self.df.get(t, default)

    def completions(self, prefix: str) -> list[str]:
        """Terms that start with `prefix` (longer than it), highest df first, then alphabetical."""
        i = bisect.bisect_left(self._sorted, prefix)
        found = []
        while i < len(self._sorted) and self._sorted[i].startswith(prefix):
            if self._sorted[i] != prefix:
                found.append(self._sorted[i])
            i += 1
        return sorted(found, key=lambda c: (-self.df[c], c))

    def near(self, t: str, max_distance: int) -> list[tuple[int, str]]:
        """(distance, term) for vocabulary terms within `max_distance` (OSA) of t.

        Candidates shorter than MIN_PART letters and stopwords are never suggested.
        """
        found = []
        stop = stopwords()
        for n in range(max(MIN_PART, len(t) - max_distance), len(t) + max_distance + 1):
            for cand, d in _within(t, self._by_length.get(n, ()), max_distance):
                if cand not in stop:
                    found.append((d, cand))
        return found


try:  # C speed where available; osa_reference below is the definition (and what JS ports)
    from rapidfuzz import process as _process
    from rapidfuzz.distance import OSA as _OSA

    def _within(t: str, candidates: list[str], limit: int) -> list[tuple[str, int]]:
        found = _process.extract(t, candidates, scorer=_OSA.distance, score_cutoff=limit, limit=None)
        return [(cand, int(d)) for cand, d, _ in found]
except ImportError:  # pragma: no cover
    def _within(t: str, candidates: list[str], limit: int) -> list[tuple[str, int]]:
        pairs = ((cand, osa_reference(t, cand)) for cand in candidates)
        return [(cand, d) for cand, d in pairs if d <= limit]


def osa_reference(a: str, b: str) -> int:
    """Optimal string alignment distance: insert, delete, substitute, swap neighbours."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[len(b)]


def max_typo_distance(word: str) -> int:
    """Edits allowed for a typed word of this length (the word, not its shorter stem)."""
    return 0 if len(word) < 4 else 1 if len(word) < 7 else 2


def corrections(word: str, t: str, vocab: Vocabulary) -> list[tuple[str, int]]:
    """(term, edits) of the vocabulary terms closest to the typed word or its term.

    Best distance first, then highest df, then alphabetical; at most MAX_CORRECTIONS.
    """
    limit = max_typo_distance(word)
    if limit == 0:
        return []
    found: dict[str, int] = {}
    near_term = vocab.near(t, limit) if len(t) >= 5 else []  # short stems match too much
    for d, cand in near_term + vocab.near(word, limit):
        found[cand] = min(d, found.get(cand, d))
    if not found:
        return []
    best = min(found.values())
    ranked = sorted((c for c, d in found.items() if d == best), key=lambda c: (-vocab.df[c], c))
    return [(c, best) for c in ranked[:MAX_CORRECTIONS]]


def _word_clauses(word: str, vocab: Vocabulary, synonyms: Mapping[str, tuple[str, ...]]) -> list[Clause]:
    """One word → its clause(s): known term, compound parts, or typo/prefix corrections.

    One-word synonyms of the word join every clause as alternatives at SYNONYM_WEIGHT.
    """
    t = term(word)
    split = split_compound(word, vocab)
    if split is not None:  # "knæsmerter" also finds "smerter i knæet"
        clauses = [((t, 1.0), (part, COMPOUND_PART_WEIGHT)) for part in split]
    elif t in vocab:
        clauses = [((t, 1.0),)]
    else:
        fixes = [(c, round(TYPO_WEIGHT**d, 2)) for c, d in corrections(word, t, vocab)]
        if not fixes and len(word) >= MIN_COMPLETION:  # a word cut short: "kondi" → "kondition"
            fixes = [(c, TYPO_WEIGHT) for c in vocab.completions(word)[:MAX_CORRECTIONS]]
        rescue = None if fixes else split_compound(word, vocab, relaxed=True)
        if rescue is not None:
            clauses = [((t, 1.0), (part, COMPOUND_PART_WEIGHT)) for part in rescue]
        else:
            clauses = [((t, 1.0), *fixes)]
    for value in synonyms.get(word, ()):
        value_words = content_words(value)
        if len(value_words) == 1:
            clauses = [_with(c, (term(value_words[0]), SYNONYM_WEIGHT)) for c in clauses]
    if word in weak_words():
        clauses = [tuple((t, round(w * WEAK_WORD_WEIGHT, 2)) for t, w in c) for c in clauses]
    return clauses


def _join_term(left: str, right: str, vocab: Vocabulary) -> str | None:
    """The vocabulary term two neighbouring words make together ("ryg" + "øvelser", "knoglerne" + "skøre")."""
    if len(left) < MIN_PART or len(right) < MIN_PART:
        return None
    for stem in dict.fromkeys((left, term(left))):
        for link in ("", *LINKING_LETTERS):
            joined = term(stem + link + right)
            if joined in vocab:
                return joined
    return None


def _with(clause: Clause, alt: Alternative) -> Clause:
    return clause if any(t == alt[0] for t, _ in clause) else (*clause, alt)


def _clauses(ws: list[str], vocab: Vocabulary, synonyms: Mapping[str, tuple[str, ...]]) -> tuple[Clause, ...]:
    """Clauses for a word sequence (already without stopwords), joins added."""
    per_word = [_word_clauses(w, vocab, synonyms) for w in ws]
    for i in range(len(ws) - 1):
        joined = _join_term(ws[i], ws[i + 1], vocab)
        if joined is not None:
            per_word[i][-1] = _with(per_word[i][-1], (joined, 1.0))
            per_word[i + 1][0] = _with(per_word[i + 1][0], (joined, 1.0))
    return tuple(tuple(sorted(c, key=lambda a: (-a[1], a[0]))) for cs in per_word for c in cs)


def content_words(q: str) -> list[str]:
    """Folded query words without stopwords (all words when every one is a stopword)."""
    ws = words(normalize(q))
    kept = [w for w in ws if w not in stopwords()]
    return kept or ws


def _phrase_spans(ws: list[str], synonyms: Mapping[str, tuple[str, ...]]) -> list[tuple[int, int, str]]:
    """(start, end, value) for synonym keys found in ws that are not one word → one word.

    Longest keys first, then leftmost; one-word → one-word synonyms are clause alternatives instead.
    """
    spans = []
    for n in range(min(len(ws), 4), 0, -1):
        for i in range(len(ws) - n + 1):
            for value in synonyms.get(" ".join(ws[i : i + n]), ()):
                if n > 1 or len(content_words(value)) > 1:
                    spans.append((i, i + n, value))
    return spans


def _substitute(source: list[str], spans: list[tuple[int, int, str]]) -> list[str]:
    """source with each (start, end, value) span replaced by the value's words; stopwords dropped."""
    out, pos = [], 0
    for start, end, value in sorted(spans):
        out += [w for w in source[pos:start] if w not in stopwords()] + content_words(value)
        pos = end
    return out + [w for w in source[pos:] if w not in stopwords()]


def _disjoint(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """The first value of each key, keys taken in order, skipping any that overlap a taken one."""
    taken: list[tuple[int, int, str]] = []
    for span in spans:
        if all(span[1] <= t[0] or span[0] >= t[1] for t in taken):
            taken.append(span)
    return taken


def analyse_query(q: str, vocab: Vocabulary, synonyms: Mapping[str, tuple[str, ...]]) -> Query:
    """Query text → variants: the words as typed, then all phrase synonyms at once, then one each."""
    all_words = words(normalize(q))
    ws = content_words(q)
    if not ws:
        return ()
    variants = [Variant(1.0, _clauses(ws, vocab, synonyms))]
    seen = {variants[0].clauses}
    # synonym keys may contain stopwords ("ondt i ryggen"), so match on all words too
    for source in (ws, all_words):
        spans = _phrase_spans(source, synonyms)
        for chosen in ([_disjoint(spans)] if len(spans) > 1 else []) + [[span] for span in spans]:
            clauses = _clauses(_substitute(source, chosen), vocab, synonyms)
            if clauses and clauses not in seen and len(variants) < MAX_VARIANTS:
                seen.add(clauses)
                variants.append(Variant(SYNONYM_WEIGHT, clauses))
    return tuple(variants)


def describe(query: Query) -> list[str]:
    """Canonical text form: "w: clause clause …", a clause "term|term^0.8" (weight 1 not shown)."""

    def alt(a: Alternative) -> str:
        return a[0] if a[1] == 1.0 else f"{a[0]}^{a[1]:g}"

    return [f"{v.weight:g}: " + " ".join("|".join(alt(a) for a in c) for c in v.clauses) for v in query]


@lru_cache(maxsize=1)
def empty_vocabulary() -> Vocabulary:
    return Vocabulary({})
