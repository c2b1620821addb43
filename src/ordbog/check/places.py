"""Where things are: file lines of tokens and of text inside them, frontmatter key lines.

Block tokens know their source lines (`token.map`); inline children do not, so a position inside
an inline token is found by searching its content and counting newlines.
"""

from __future__ import annotations

from markdown_it.token import Token

from ordbog.model import Article, Source


def token_line(article: Article, token: Token) -> int:
    return article.body_line + (token.map[0] if token.map else 0)


def offset_place(article: Article, token: Token, offset: int) -> tuple[int, int]:
    """(line, column) of a character offset inside an inline token's content."""
    before = token.content[: max(0, offset)]
    line = token_line(article, token) + before.count("\n")
    column = len(before) - (before.rfind("\n") + 1) + 1
    return line, column


def text_place(article: Article, token: Token, needle: str) -> tuple[int, int]:
    """(line, column) of the first occurrence of `needle` in an inline token, else the token's line."""
    offset = token.content.find(needle) if needle else -1
    if offset < 0:
        return token_line(article, token), 1
    return offset_place(article, token, offset)


def key_line(source: Source, key: str) -> int:
    """Line of a frontmatter key, whatever its capitalisation (2 when unknown: the first key line)."""
    if key in source.key_lines:
        return source.key_lines[key]
    folded = key.casefold()
    return next((line for k, line in source.key_lines.items() if k.casefold() == folded), 2)


def raw_value(source: Source, key: str) -> object:
    """A frontmatter value by key, whatever its capitalisation."""
    if key in source.frontmatter:
        return source.frontmatter[key]
    folded = key.casefold()
    return next((v for k, v in source.frontmatter.items() if k.casefold() == folded), None)


def paragraphs(article: Article) -> list[tuple[int, Token]]:
    """(token index, inline token) of every paragraph, in order: the running text of the article."""
    tokens = article.tokens
    return [(i, t) for i, t in enumerate(tokens) if t.type == "inline" and i and tokens[i - 1].type == "paragraph_open"]
