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
import hashlib
import itertools
import marshal
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import Stemmer

from ordbog.cache import cache_root, generation
from ordbog.danish.hunspell import ADJ, NOUN, VERB, Lexicon, dictionary_fingerprint, load_lexicon

STRATEGIES = ("hunspell", "snowball", "exact")


_STEMMER = Stemmer.Stemmer("danish")


@dataclass
class Inflector:
    """Forms of term words and word classes of text words, for one site.

    With the dictionary, answers are memoised and kept in the cache folder next to the parsed
    dictionary: a rebuild of the same site then needs neither the dictionary (loaded only on a
    miss) nor its suffix analysis. The memo is keyed by the dictionary file and ordbog's code.
    """

    strategy: str
    # the site's words that start with given prefixes: called once, only if some word needs Snowball
    vocabulary: Callable[[set[str]], Iterable[str]]
    dictionary: Path | None = None
    _lexicon: Lexicon | None = field(default=None, repr=False)
    _sorted: list[str] = field(default_factory=list, repr=False)
    _prepared: set[str] = field(default_factory=set, repr=False)  # stems whose site words are in _sorted
    _memo: dict[str, Any] = field(default_factory=dict, repr=False)
    _memo_size: int = field(default=0, repr=False)

    @property
    def has_dictionary(self) -> bool:
        return self.strategy == "hunspell" and self.dictionary is not None

    @property
    def lexicon(self) -> Lexicon:
        assert self.dictionary is not None
        if self._lexicon is None:
            self._lexicon = load_lexicon(self.dictionary)
        return self._lexicon

    def forms(self, word: str, head: bool = True) -> frozenset[str]:
        """`word` (lowercase) and its inflected forms; `head` is the term's last word."""
        if self.strategy == "exact":
            return frozenset({word})
        if self.has_dictionary:
            found = self._dictionary_forms(word, head)
            if found is not None:
                return frozenset(found)
        return frozenset(self._stem_forms(word))

    def knows(self, word: str) -> bool:
        """Whether the word's forms come from the Danish dictionary (not from Snowball)."""
        return self.has_dictionary and self._dictionary_forms(word, True) is not None

    def classes(self, form: str) -> frozenset[str]:
        """Word classes the dictionary knows for `form` (empty without a dictionary)."""
        if not self.has_dictionary:
            return frozenset()
        key = "c:" + form
        if key not in self._memo:
            self._memo[key] = sorted(self.lexicon.classes(form))
        return frozenset(self._memo[key])

    def ambiguous(self, form: str) -> bool:
        """True when `form` can also be a verb or an adjective (only the dictionary knows)."""
        return bool(self.classes(form) & {VERB, ADJ})

    def is_noun(self, form: str) -> bool:
        return NOUN in self.classes(form)

    def noun_not_adjective(self, form: str) -> bool:
        classes = self.classes(form)
        return NOUN in classes and ADJ not in classes

    def comparative(self, word: str) -> bool:
        """An irregular comparative or superlative ("ældre" of "gammel", "yngste" of "ung")."""
        if not self.has_dictionary or not word.endswith(("re", "st", "ste")):
            return False
        key = "i:" + word
        if key not in self._memo:
            self._memo[key] = word in self.lexicon.irregular
        return bool(self._memo[key])

    def _dictionary_forms(self, word: str, head: bool) -> set[str] | None:
        key = f"f:{int(head)}:{word}"
        if key not in self._memo:
            found = hunspell_forms(self.lexicon, word, head)
            self._memo[key] = None if found is None else sorted(found)
        found = self._memo[key]
        return None if found is None else set(found)

    def prepare(self, words: Iterable[str]) -> None:
        """Find at once the site's words for every word that will need Snowball (one pass over the text)."""
        if self.strategy == "exact":
            return
        needed = [w for w in words if not self.has_dictionary or self._dictionary_forms(w, True) is None]
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

    def load_memo(self) -> None:
        path = self._memo_path()
        if path is not None:
            try:
                self._memo = marshal.loads(path.read_bytes())
            except (OSError, ValueError, EOFError, TypeError):
                self._memo = {}
            self._memo_size = len(self._memo)

    def save_memo(self) -> None:
        """Keep new answers for the next build (a cache that cannot be written is skipped)."""
        path = self._memo_path()
        if path is None or len(self._memo) == self._memo_size:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(marshal.dumps(self._memo))
            os.replace(tmp, path)
            self._memo_size = len(self._memo)
            for old in path.parent.glob("hunspell-*.marshal"):
                if old != path:  # memos (and parsed dictionaries) of earlier ordbog versions are never read again
                    old.unlink(missing_ok=True)
        except OSError:
            pass

    def _memo_path(self) -> Path | None:
        root = cache_root()
        if root is None or not self.has_dictionary:
            return None
        assert self.dictionary is not None
        fingerprint = dictionary_fingerprint(self.dictionary)
        if fingerprint is None:
            return None
        key = f"{generation()}:{fingerprint}"
        return root / f"hunspell-memo-{hashlib.sha256(key.encode()).hexdigest()[:16]}.marshal"


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


def make_inflector(strategy: str, vocabulary: Callable[[set[str]], Iterable[str]], dictionary: Path | None,
                   memo: bool = False) -> Inflector:
    """An Inflector; with `memo`, answers from earlier builds are read from the cache folder."""
    inflector = Inflector(strategy, vocabulary, dictionary if strategy == "hunspell" else None)
    if memo:
        inflector.load_memo()
    return inflector
