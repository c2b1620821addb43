"""Danish text analysis for search: text → index terms, query → weighted variants of clauses.

INTERFACE CONTRACT (shared with the in-browser search; keep it stable)
======================================================================
Index side (Python only; the static-site index is built from the same terms):

- `vocabulary_from_texts(texts) -> dict[term, df]` – terms of standalone words, with how many
  texts contain them. Compound splitting and typo tolerance look words up in it.
- `document_terms(text, vocab) -> list[tuple[str, float]]` – one (term, weight) per word, plus
  (part, COMPOUND_PART_WEIGHT) for each part of a compound split against `vocab`.

Query side (ported to JavaScript; both must pass tests/data/search_analyzer_cases.json, whose
format is explained in tests/data/search_analyzer_cases.md). It lives in `ordbog.search.query`:

- `analyse_query(q, Vocabulary(df), synonyms) -> Query` – a tuple of `Variant(weight, clauses)`; a clause
  is a tuple of `(term, weight)` alternatives. A document matches a clause when it contains any
  alternative; a variant scores the sum of its clauses; a query scores its best variant times the
  variant's weight. `describe(query)` gives the canonical string form used by the case table.
- `export_tables() -> dict` – every data table (stopwords, synonyms, irregular forms, stem fixes,
  protected endings, fold map, constants) as JSON-able structures, so the JS port needs no
  Python at run time. Snowball Danish (PyStemmer here, the same algorithm in JS) does the rest.

Query pipeline, in order (each step is a pure function here or in query.py):
 1. `normalize`: Unicode NFKC, lower case, cut to MAX_QUERY_CHARS.
 2. `words`: maximal runs of letters/digits (`[^\\W_]+`), each `fold`ed: æ→ae, ø→oe, å→aa,
    ä→ae, ö→oe, ü→ue, ß→ss, other diacritics dropped (NFKD), lower-cased again.
 3. stopwords (question words, filler) are dropped; if nothing is left, the words are kept.
 4. `term`: irregular forms table (word → term), else Snowball Danish on the word re-spelled with
    æ/ø/å (`respell`), stem fixes table, protected endings, then folded again.
 5. one clause per word (`query._word_clauses`):
    a. a compound split against the vocabulary ("fodkrampe" → [fodkramp|fod^0.8]
       [fodkramp|kramp^0.8]); parts are ≥ 4 letters or in `short_parts`, never stopwords, never
       the word's own term, and — for a known word — at least as common (df) as the word;
    b. else the term itself when it is in the vocabulary;
    c. else typo corrections: optimal string alignment distance ≤ 1 (4–6 letters) or ≤ 2 (7+
       letters) from the typed word, or from its term when that has ≥ 5 letters; best distance,
       then highest df, then alphabetical; at most MAX_CORRECTIONS; weight TYPO_WEIGHT**distance;
    d. else, with no correction and at least MIN_COMPLETION letters, prefix completions: terms
       that start with the typed word, highest df first, then alphabetical, at most
       MAX_CORRECTIONS, weight TYPO_WEIGHT ("kondi" → "kondition");
    e. else a relaxed split (short parts allowed) of the unknown word ("bakerscyste");
    f. one-word synonyms of the word whose value is one word join every clause of the word as
       alternatives at SYNONYM_WEIGHT;
    g. clauses of a weak word ("ondt", "smerter") have every weight × WEAK_WORD_WEIGHT.
 6. joins: two neighbouring words whose concatenation (the left word or its term, + "", "s" or
    "e", + the right word) has a vocabulary term add that term to both clauses at weight 1.
 7. phrase synonyms (a key of several words, or a value of several words), matched on the
    content words and then on all words (keys may contain stopwords), longest keys first:
    first a variant with every non-overlapping key replaced by its first value (when more than
    one key matched), then one variant per (key, value); each at SYNONYM_WEIGHT; duplicates
    dropped; at most MAX_VARIANTS variants in all.
 Alternatives in a clause are sorted by weight (highest first), then term.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import lru_cache
from importlib import resources

import Stemmer

ANALYZER_VERSION = "1"
MAX_QUERY_CHARS = 200
MIN_PART = 3  # shortest compound part ("fod", "ryg", "led")
COMPOUND_PART_WEIGHT = 0.8
TYPO_WEIGHT = 0.7  # per edit: one edit 0.7, two edits 0.49
SYNONYM_WEIGHT = 0.9
WEAK_WORD_WEIGHT = 0.4
MAX_CORRECTIONS = 3
MIN_COMPLETION = 4  # shortest unknown word (without a typo correction) completed as a prefix
MAX_VARIANTS = 8
LINKING_LETTERS = ("s", "e")

FOLD_MAP = {"æ": "ae", "ø": "oe", "å": "aa", "ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"}
RESPELL_MAP = {"ae": "æ", "oe": "ø", "aa": "å"}
_FOLD_TABLE = str.maketrans(FOLD_MAP)
_WORD = re.compile(r"[^\W_]+")
_RESPELL = re.compile("ae|oe|aa")
_STEMMER = Stemmer.Stemmer("danish")


# ---------------------------------------------------------------- tables


def _data(name: str) -> str:
    return resources.files("ordbog").joinpath("data", name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    lines = (line.strip() for line in _data("search_stopwords.txt").splitlines())
    return frozenset(fold(line) for line in lines if line and not line.startswith("#"))


@lru_cache(maxsize=1)
def _stem_tables() -> dict:
    return json.loads(_data("search_stems.json"))


@lru_cache(maxsize=1)
def irregular_forms() -> dict[str, str]:
    """Folded word → term, for forms Snowball cannot relate ("fødder" → "fod").

    The term is the lemma's own stem, or the lemma itself when the lemma is also a key.
    """
    table = {fold(k): fold(v) for k, v in _stem_tables()["irregular"].items()}
    return {k: v if v in table else _fixed_stem(v) for k, v in table.items()}


@lru_cache(maxsize=1)
def stem_fixes() -> dict[str, str]:
    """Folded stem → folded stem, joining stems Snowball leaves apart ("muskl" → "muskel")."""
    return {fold(k): fold(v) for k, v in _stem_tables()["stem_fixes"].items()}


@lru_cache(maxsize=1)
def protected_endings() -> tuple[str, ...]:
    """Word endings the stemmer must not cut into ("slidgigt" stays "slidgigt", not "slidg")."""
    return tuple(fold(e) for e in _stem_tables()["protected_endings"])


@lru_cache(maxsize=1)
def short_parts() -> frozenset[str]:
    """Terms shorter than 4 letters that may still be compound parts ("fod", "ryg")."""
    return frozenset(fold(t) for t in _stem_tables()["short_parts"])


@lru_cache(maxsize=1)
def weak_words() -> frozenset[str]:
    """Folded words whose clauses count less ("ondt", "smerter"): see search_stems.json."""
    return frozenset(fold(w) for w in _stem_tables()["weak_words"])


@lru_cache(maxsize=1)
def builtin_synonyms() -> dict[str, tuple[str, ...]]:
    """The curated Danish health synonym table: folded key → values (as written)."""
    return merge_synonyms({}, json.loads(_data("search_synonyms.json"))["synonyms"])


def merge_synonyms(base: Mapping[str, tuple[str, ...]], extra: Mapping[str, Iterable[str]] | Iterable) -> dict[str, tuple[str, ...]]:
    """Add synonym entries (a mapping key → values, or rows [key, value, …]) under folded keys."""
    rows = extra.items() if isinstance(extra, Mapping) else ((row[0], row[1:]) for row in extra)
    merged = dict(base)
    for key, values in rows:
        folded = " ".join(words(key))
        if folded:
            vals = [values] if isinstance(values, str) else list(values)
            merged[folded] = tuple(dict.fromkeys([*merged.get(folded, ()), *vals]))
    return dict(sorted(merged.items()))


def export_tables() -> dict:
    """Every table the query side needs, as JSON-able data (for the JavaScript port)."""
    return {
        "version": ANALYZER_VERSION,
        "max_query_chars": MAX_QUERY_CHARS,
        "min_part": MIN_PART,
        "compound_part_weight": COMPOUND_PART_WEIGHT,
        "typo_weight": TYPO_WEIGHT,
        "synonym_weight": SYNONYM_WEIGHT,
        "max_corrections": MAX_CORRECTIONS,
        "min_completion": MIN_COMPLETION,
        "max_variants": MAX_VARIANTS,
        "linking_letters": list(LINKING_LETTERS),
        "fold_map": FOLD_MAP,
        "respell_map": RESPELL_MAP,
        "stopwords": sorted(stopwords()),
        "irregular": dict(sorted(irregular_forms().items())),
        "stem_fixes": dict(sorted(stem_fixes().items())),
        "protected_endings": list(protected_endings()),
        "short_parts": sorted(short_parts()),
        "weak_words": sorted(weak_words()),
        "weak_word_weight": WEAK_WORD_WEIGHT,
        "synonyms": {k: list(v) for k, v in builtin_synonyms().items()},
    }


# ---------------------------------------------------------------- words and terms


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text)[: MAX_QUERY_CHARS * 2].lower()[:MAX_QUERY_CHARS]


@lru_cache(maxsize=200_000)
def fold(word: str) -> str:
    """Lower-case ASCII-ish spelling: æ→ae, ø→oe, å→aa, other diacritics dropped."""
    word = word.lower().translate(_FOLD_TABLE)
    if word.isascii():
        return word
    return "".join(ch for ch in unicodedata.normalize("NFKD", word) if not unicodedata.combining(ch)).lower()


def words(text: str) -> list[str]:
    """Folded words of a text (no length limit: documents use this too)."""
    return [fold(w) for w in _WORD.findall(text.lower())]


def respell(word: str) -> str:
    """Folded word → Danish spelling for the stemmer ("oevelser" → "øvelser")."""
    if "ae" not in word and "oe" not in word and "aa" not in word:
        return word
    return _RESPELL.sub(_respelled, word)


def _respelled(match: re.Match) -> str:
    return RESPELL_MAP[match.group(0)]


@lru_cache(maxsize=200_000)
def term(word: str) -> str:
    """A folded word's index term: irregular form, else fixed Snowball stem, folded."""
    irregular = irregular_forms().get(word)
    if irregular is not None:
        return irregular
    stem = _fixed_stem(word)
    for ending in protected_endings():
        at = word.rfind(ending)
        if at >= 0 and len(stem) < at + len(ending) and word[: at + len(ending)].startswith(stem[:at]):
            return word[: at + len(ending)]
    return stem


def _fixed_stem(word: str) -> str:
    stem = fold(_STEMMER.stemWord(respell(word)))
    return stem_fixes().get(stem, stem)


# ---------------------------------------------------------------- compounds


def _known_part(part: str, vocab: Mapping[str, int], relaxed: bool = False, memo: PartMemo | None = None) -> str | None:
    """The part's term when it may be a compound part: in vocab, no stopword, ≥ 4 letters or listed.

    The part's own spelling counts when it is a vocabulary term and its stem is not
    ("morgen" stems to "morg", but "morgenen" put "morgen" in the vocabulary). `memo` (one
    `PartMemo` per vocabulary, strict parts only) keeps answers: an index build asks about the
    same suffixes and prefixes of thousands of words.
    """
    if memo is not None and not relaxed:
        return memo.known_part(part, vocab)
    if len(part) < MIN_PART or part in stopwords():
        return None
    t = term(part)
    if t not in vocab and part in vocab:
        t = part
    if t not in vocab or t in stopwords() or (len(t) < 4 and not relaxed and t not in short_parts()):
        return None
    return t


class PartMemo:
    """`_known_part` answers for one vocabulary (a dict of them), with a cheap first test.

    A part's term is its irregular form, or a prefix of the part (Snowball Danish only removes
    letters, and folding undoes `respell`) possibly mapped by the stem fixes table; so a part
    none of whose prefixes is an acceptable part term (or a fixed stem of one) is never a known
    part, and its stem need not be computed. tests/test_search_analyzer.py checks the premise.
    """

    def __init__(self, vocab: Mapping[str, int]) -> None:
        stop, short = stopwords(), short_parts()
        allowed = {t for t in vocab if t not in stop and (len(t) >= 4 or t in short)}  # what _known_part accepts
        self.heads = allowed | {k for k, v in stem_fixes().items() if v in allowed}
        self.prefixes = {h[:k] for h in self.heads for k in range(1, len(h) + 1)}
        self.known: dict[str, str | None] = {}

    def possible(self, part: str) -> bool:
        if part in irregular_forms():
            return True
        for k in range(1, len(part) + 1):
            head = part[:k]
            if head not in self.prefixes:
                return False
            if head in self.heads:
                return True
        return False

    def known_part(self, part: str, vocab: Mapping[str, int]) -> str | None:
        found = self.known.get(part, self)
        if found is self:
            found = self.known[part] = _known_part(part, vocab) if self.possible(part) else None
        return found  # type: ignore[return-value]


def split_compound(word: str, vocab: Mapping[str, int], relaxed: bool = False, memo: PartMemo | None = None) -> tuple[str, str] | None:
    """Best two-part split of a folded word into vocabulary terms, with optional linking letter.

    A split whose left part has the word's own term is an inflection, not a compound
    ("kroppen" is not "krop" + "pen"); a known word splits only into parts at least as common
    as itself ("korsbånd" is not "korsb" + "ånd"). Among valid splits the most balanced wins,
    then the leftmost. `relaxed` (for words the site does not know) also allows short parts
    outside the short-parts table ("bakerscyste" → "bak" + "cyst").
    """
    if len(word) < 2 * MIN_PART:
        return None
    own = term(word)
    floor = vocab.get(own, 0)
    best: tuple[int, int, tuple[str, str]] | None = None
    for i in range(MIN_PART, len(word) - MIN_PART + 1):
        head = _known_part(word[i:], vocab, relaxed, memo)
        if head is None or vocab[head] < floor:
            continue
        lefts = [word[:i]] + [word[: i - 1] for ch in LINKING_LETTERS if word[i - 1] == ch]
        for left_word in lefts:
            left = _known_part(left_word, vocab, relaxed, memo)
            if left is None or left == own or vocab[left] < floor:
                continue
            rank = (min(len(left_word), len(word) - i), -i)
            if best is None or rank > best[:2]:
                best = (*rank, (left, head))
    return best[2] if best else None


def compound_parts(word: str, vocab: Mapping[str, int], depth: int = 2, memo: PartMemo | None = None) -> list[str]:
    """All parts of a compound, recursively (index side): "bækkenbundstræning" → bækkenbund, træning, bækken, bund."""
    split = split_compound(word, vocab, memo=memo)
    if split is None:
        return []
    parts = list(split)
    if depth > 1:
        for part_word in _part_words(word, split, vocab, memo):
            parts += compound_parts(part_word, vocab, depth - 1, memo)
    return list(dict.fromkeys(parts))


def split_keys(old: Mapping[str, int], new: Mapping[str, int]) -> set[str]:
    """Strings one of which occurs in every folded word whose `compound_parts` may differ between
    vocabularies `old` and `new` (a word containing none of them splits the same against both).

    A split looks up only the terms of the word's substrings, and a substring's term is a prefix
    of it, its stem fixed by `stem_fixes`, or its `irregular_forms` entry (`PartMemo`'s premise):
    so the changed terms (added, removed or another df), the stems fixed to one of them and the
    irregular forms of one of them."""
    changed = {t for t in old.keys() | new.keys() if old.get(t) != new.get(t)}
    fixed = {stem for stem, t in stem_fixes().items() if t in changed}
    irregular = {form for form, t in irregular_forms().items() if t in changed}
    return changed | fixed | irregular


def _part_words(word: str, split: tuple[str, str], vocab: Mapping[str, int], memo: PartMemo | None = None) -> list[str]:
    """The surface strings of a split (needed to split parts further)."""
    for i in range(MIN_PART, len(word) - MIN_PART + 1):
        if _known_part(word[i:], vocab, memo=memo) == split[1]:
            for left in (word[:i], word[: i - 1]):
                if _known_part(left, vocab, memo=memo) == split[0]:
                    return [left, word[i:]]
    return []


# ---------------------------------------------------------------- documents


def vocabulary_from_texts(texts: Iterable[str]) -> dict[str, int]:
    """Term → number of texts containing it as a standalone word (terms of ≥ 2 letters)."""
    df: dict[str, int] = {}
    for text in texts:
        for t in {term(fold(w)) for w in set(_WORD.findall(text.lower()))}:  # = words(text), each word once
            if len(t) >= 2:
                df[t] = df.get(t, 0) + 1
    return dict(sorted(df.items()))


def document_terms(
    text: str, vocab: Mapping[str, int], parts_cache: dict[str, tuple[tuple[str, float], ...]] | None = None
) -> list[tuple[str, float]]:
    """(term, weight) for every word of a text, plus its compound parts at COMPOUND_PART_WEIGHT.

    Pass one `parts_cache` dict for all texts analysed against the same vocabulary: it keeps each
    word's whole expansion (keyed by the word as written, lower-cased, so a word seen before costs
    one lookup, not a fold and a lookup).
    """
    cache = {} if parts_cache is None else parts_cache
    out: list[tuple[str, float]] = []
    for raw in _WORD.findall(text.lower()):  # = words(text), before folding
        expansion = cache.get(raw)
        if expansion is None:
            w = fold(raw)
            parts = ((p, COMPOUND_PART_WEIGHT) for p in compound_parts(w, vocab))
            expansion = cache[raw] = ((term(w), 1.0), *parts)
        out.extend(expansion)
    return out
