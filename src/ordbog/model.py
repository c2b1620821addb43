"""The plain data every stage passes on: sources, articles and the site.

Stages never mutate these; they return new values (`dataclasses.replace`).
Markdown tokens are kept as a tuple; stages that change them build new token lists.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from markdown_it.token import Token


@dataclass(frozen=True, slots=True)
class Source:
    """One content file as read from disk: the output of the load stage."""

    path: str  # as shown to the user (relative to the working folder when possible)
    slug: str
    frontmatter: dict[str, Any]
    key_lines: dict[str, int]  # frontmatter key → line in the file
    body: str
    body_line: int  # file line of the body's first line (1-based)
    digest: str  # sha256 of the file bytes, for caches


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    job_title: str = ""
    url: str = ""


@dataclass(frozen=True, slots=True)
class Related:
    type: str
    slug: str
    title: str


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    text: str
    id: str
    line: int  # file line


@dataclass(frozen=True, slots=True)
class Section:
    """An H2 section of the body (text before the first H2 has heading "" and id "")."""

    heading: str
    id: str
    text: str  # plain text
    line: int
    token_range: tuple[int, int]  # slice of Article.tokens


@dataclass(frozen=True, slots=True)
class FaqItem:
    question: str
    answer: str  # plain text
    id: str
    line: int
    token_range: tuple[int, int]  # the answer's tokens in Article.tokens


@dataclass(frozen=True, slots=True)
class Article:
    slug: str
    path: str
    title: str
    meta_title: str
    description: str
    last_updated: dt.date | None
    date_published: dt.date | None
    related: tuple[Related, ...]
    aliases: tuple[str, ...]
    reviewed_by: Person | None
    last_reviewed: dt.date | None
    author: Person | None
    headings: tuple[Heading, ...]
    sections: tuple[Section, ...]
    faq: tuple[FaqItem, ...]
    faq_heading: Heading | None
    word_count: int
    tokens: tuple[Token, ...] = field(repr=False, compare=False)
    body_line: int = 1
    digest: str = ""
    # automatic internal links inserted by the link stage: (destination slug, linked text)
    links: tuple[tuple[str, str], ...] = ()

    @property
    def reading_minutes(self) -> int:
        """Reading time at 200 words a minute (a common figure for Danish prose), at least 1."""
        return max(1, round(self.word_count / 200))

    @property
    def toc(self) -> tuple[Heading, ...]:
        return tuple(h for h in self.headings if h.level == 2)


@dataclass(frozen=True, slots=True)
class Site:
    """All articles, sorted by slug, plus lookups every later stage needs."""

    articles: tuple[Article, ...]

    def by_slug(self) -> dict[str, Article]:
        return {a.slug: a for a in self.articles}
