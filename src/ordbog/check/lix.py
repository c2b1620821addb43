"""LIX, the Danish readability index (Björnsson 1968), over plain text.

LIX = words / sentences + 100 × long words / words, where a long word has more than six characters (a hyphen
counts, as in most LIX tools).
Bands as Danish schools and Sprogrådet use them: ≤ 24 very easy … ≥ 55 very hard.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
# a sentence ends at . ! ? or : followed by space and a capital/digit/quote, or at the end of a block
_SENTENCE_END = re.compile(r"[.!?:]\s+(?=[\"“»(]?[A-ZÆØÅ0-9])")
BANDS = ((24, "meget let"), (34, "let"), (44, "middel"), (54, "svær"), (10_000, "meget svær"))


@dataclass(frozen=True, slots=True)
class Counts:
    words: int = 0
    sentences: int = 0
    long_words: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.words + other.words, self.sentences + other.sentences, self.long_words + other.long_words)

    @property
    def lix(self) -> float:
        if not self.words or not self.sentences:
            return 0.0
        return self.words / self.sentences + 100 * self.long_words / self.words


def sentences(block: str) -> list[str]:
    """The sentences of one block of text (a paragraph or list item)."""
    block = block.strip()
    found, start = [], 0
    for m in _SENTENCE_END.finditer(block):
        found.append(block[start : m.start() + 1])
        start = m.end()
    found.append(block[start:])
    return [s for s in found if _WORD.search(s)]


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def count(block: str) -> Counts:
    found = words(block)
    if not found:
        return Counts()
    n_sentences = len(sentences(block))
    return Counts(len(found), max(1, n_sentences), sum(len(w) > 6 for w in found))


def band(lix: float) -> str:
    """'meget let', 'let', 'middel', 'svær' or 'meget svær'."""
    value = round(lix)
    return next(name for upper, name in BANDS if value <= upper)
