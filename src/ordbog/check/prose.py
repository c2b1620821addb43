"""The running text of an article — paragraphs and list items as plain text, split into sentences
and words — computed once per check and shared by the readability and near-duplicate rules."""

from __future__ import annotations

from dataclasses import dataclass

from markdown_it.token import Token

from ordbog import markdown
from ordbog.check import lix
from ordbog.check.places import paragraphs
from ordbog.model import Article


@dataclass(frozen=True, slots=True)
class Sentence:
    text: str
    words: tuple[str, ...]

    @property
    def long_words(self) -> int:
        return sum(len(w) > 6 for w in self.words)


@dataclass(frozen=True, slots=True)
class Paragraph:
    index: int  # in Article.tokens
    token: Token
    sentences: tuple[Sentence, ...]

    @property
    def counts(self) -> lix.Counts:
        return lix.Counts(sum(len(s.words) for s in self.sentences), len(self.sentences),
                          sum(s.long_words for s in self.sentences))


def running_text(a: Article) -> tuple[Paragraph, ...]:
    return tuple(
        Paragraph(i, t, tuple(Sentence(s, tuple(lix.words(s))) for s in lix.sentences(markdown.inline_text(t))))
        for i, t in paragraphs(a)
    )
