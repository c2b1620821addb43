"""Danish inflection for linking: a term word → the surface forms that mention it.

Input: a word of an article title or alias ("skulder"). Output: its forms ("skulderen", "skuldre",
"skuldrene", "skulderens", …) and, per form, whether it also has a non-noun reading ("ryg" is
also the imperative of "ryge"), which the linker checks in context before linking it.

Three strategies, selected by `[links] inflection` and compared in benchmarks/linking:
- `hunspell` (default): the paradigm from the Danish hunspell dictionary's tagged suffix rules;
  words the dictionary lacks (Latin and English terms) fall back to Snowball;
- `snowball`: every word of the site whose Snowball Danish stem equals the term word's stem;
- `exact`: the word itself only (what a hand-typed keyword list gives you without the typing).
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import Stemmer

from ordbog.danish.hunspell import ADJ, NOUN, VERB, Lexicon, load_lexicon

STRATEGIES = ("hunspell", "snowball", "exact")


_STEMMER = Stemmer.Stemmer("danish")


@dataclass
class Inflector:
    """Forms of term words. `vocabulary` is every lowercase word the site's articles use."""

    strategy: str
    # the site's words that start with given prefixes: called once, only if some word needs Snowball
    vocabulary: Callable[[set[str]], Iterable[str]]
    lexicon: Lexicon | None = None
    _sorted: list[str] = field(default_factory=list, repr=False)
    _prepared: set[str] = field(default_factory=set, repr=False)  # stems whose site words are in _sorted
    _hunspell: dict[tuple[str, bool], set[str] | None] = field(default_factory=dict, repr=False)

    def forms(self, word: str, head: bool = True) -> frozenset[str]:
        """`word` (lowercase) and its inflected forms; `head` is the term's last word."""
        if self.strategy == "exact":
            return frozenset({word})
        if self.strategy == "hunspell" and self.lexicon is not None:
            found = self._dictionary_forms(word, head)
            if found is not None:
                return frozenset(found)
        return frozenset(self._stem_forms(word))

    def ambiguous(self, form: str) -> bool:
        """True when `form` can also be a verb or an adjective (only the dictionary knows)."""
        if self.lexicon is None:
            return False
        return bool(self.lexicon.classes(form) & {VERB, ADJ})

    def is_noun(self, form: str) -> bool:
        return self.lexicon is not None and NOUN in self.lexicon.classes(form)

    def noun_not_adjective(self, form: str) -> bool:
        classes = self.lexicon.classes(form) if self.lexicon is not None else set()
        return NOUN in classes and ADJ not in classes

    def comparative(self, word: str) -> bool:
        """An irregular comparative or superlative ("ældre" of "gammel", "yngste" of "ung")."""
        return self.lexicon is not None and word in self.lexicon.irregular and word.endswith(("re", "st", "ste"))

    def _dictionary_forms(self, word: str, head: bool) -> set[str] | None:
        if (word, head) not in self._hunspell:
            assert self.lexicon is not None
            self._hunspell[(word, head)] = hunspell_forms(self.lexicon, word, head)
        return self._hunspell[(word, head)]

    def prepare(self, words: Iterable[str]) -> None:
        """Find at once the site's words for every word that will need Snowball (one pass over the text)."""
        if self.strategy == "exact":
            return
        needed = [w for w in words if self.lexicon is None or self.strategy == "snowball"
                  or self._dictionary_forms(w, True) is None]
        stems = {_STEMMER.stemWord(w) for w in needed} - self._prepared
        if stems:
            self._sorted = sorted(set(self._sorted) | set(self.vocabulary(stems)))
            self._prepared |= stems

    def _stem_forms(self, word: str) -> set[str]:
        """Site words with the same Snowball stem; only words starting with the stem can have it."""
        stem = _STEMMER.stemWord(word)
        if stem not in self._prepared:
            self.prepare([word])
        start = bisect.bisect_left(self._sorted, stem)
        candidates = list(itertools.takewhile(lambda w: w.startswith(stem), self._sorted[start:]))
        stems = _STEMMER.stemWords(candidates)
        return {word} | {w for w, s in zip(candidates, stems) if s == stem}


MIN_COMPOUND_HEAD, MIN_COMPOUND_PREFIX = 4, 3


def hunspell_forms(lexicon: Lexicon, word: str, head: bool) -> set[str] | None:
    """The word's paradigm, or that of its compound head ("skulder|smerter" inflects as "smerter")."""
    found = _paradigm(lexicon, word, head)
    if found is not None:
        return found
    # a Danish compound inflects on its last part; the longest part the dictionary knows wins
    for i in range(MIN_COMPOUND_PREFIX, len(word) - MIN_COMPOUND_HEAD + 1):
        tail = _paradigm(lexicon, word[i:], head)
        if tail is not None:
            return {word} | {word[:i] + form for form in tail}
    return None


def _paradigm(lexicon: Lexicon, word: str, head: bool) -> set[str] | None:
    """The word's paradigm from the dictionary, or None when the dictionary lacks the word.

    A head word uses its noun entries when it has any (so "arm" does not bring "armere").
    A generated form that is a noun with its own definite form in the dictionary is a different
    word ("læge", doctor, generated from "læg") and is dropped.
    """
    lemmas = lexicon.lemmas(word)
    if not lemmas and not head and word in lexicon.alternates:
        return {word, *lexicon.alternates[word]}
    if not lemmas:
        return None
    if word in lexicon.entries:
        lemmas = [(w, f) for w, f in lemmas if w == word]
    if head:
        nouns = [(w, f) for w, f in lemmas if lexicon.entry_class(f) == NOUN]
        lemmas = nouns or lemmas
    forms = {word}
    for lemma, flags in lemmas:
        forms |= {f for f in lexicon.paradigm(lemma, flags) if not f.endswith(("-", "'"))}
        if not head:  # irregular verb forms inside a phrase: "kom på benene" for "komme på benene"
            forms |= set(lexicon.alternates.get(lemma, ()))
    return {f for f in forms if f == word or f == lemmas[0][0] or not _independent_noun(lexicon, f)}


def _independent_noun(lexicon: Lexicon, form: str) -> bool:
    return any(lexicon.is_definite_flag(flag) for flags in lexicon.entries.get(form, ()) for flag in flags)


def make_inflector(strategy: str, vocabulary: Callable[[set[str]], Iterable[str]], dictionary: Path | None) -> Inflector:
    lexicon = load_lexicon(dictionary) if strategy == "hunspell" and dictionary else None
    return Inflector(strategy, vocabulary, lexicon)
