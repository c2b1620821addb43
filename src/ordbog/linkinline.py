"""Links inside one article's tokens: block tokens in, block tokens out (same count, same order).

Only `inline` tokens directly inside a paragraph (which includes list items and blockquotes) or
a table data cell get new children; headings, FAQ questions, code, images and existing links are
never touched. The rules, in the order they are checked for each mention:

1. never the article itself, a destination linked before on the page, or more than `cap` links;
2. a capitalised word in mid-sentence is a name, not the common noun (unless the term is a name);
3. a form that is also a verb or adjective in the dictionary ("ryg", "læg") is skipped after a
   pronoun, a modal verb, "at" or "ikke" ("du ryg…", "at læg…");
4. a comparative title ("Ældre") is skipped right before a noun ("ældre børn" are older children);
5. a genitive ("lungens") must be followed by a word that is not a function word: Danish puts the
   genitive before its noun, so "squats og lunges," is English, not the lung's;
6. a short term (at most 4 letters) as written, directly followed by a word that can be a noun
   but not an adjective, is half of a compound written apart ("ben sving", "arm cirkler").
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from markdown_it.token import Token

from ordbog.danish.inflect import Inflector
from ordbog.linkterms import FUNCTION_WORDS, WORD, Pattern, TermIndex, normalise

LINKABLE_PARENTS = ("paragraph_open", "td_open")
AUTOLINK_CLASS = "autolink"
VERB_CONTEXT = frozenset(
    ["at", "jeg", "du", "han", "hun", "vi", "man", "ikke", "aldrig", "gerne", "kan", "kunne", "skal", "skulle", "vil", "ville", "må", "måtte", "bør", "burde", "tør", "lad"]
)
# the word before a mention, at most three non-word characters before it; matched on the reversed
# text (the forward pattern "([^\W_]+)[^\w]{0,3}$" would be tried at every position)
_PREV_WORD_REVERSED = re.compile(r"[^\w]{0,3}([^\W_]+)")
_NEXT_WORD = re.compile(r"^\s{1,2}([^\W_]+)")
_SENTENCE_END = re.compile(r"(^|[.!?:;…»«\"(]\s*)$")
_HTML_A_OPEN = re.compile(r"^<a[\s>]", re.IGNORECASE)
_HTML_A_CLOSE = re.compile(r"^</a\s*>", re.IGNORECASE)


@dataclass
class LinkContext:
    self_slug: str
    slugs: frozenset[str]
    cap: int
    href: Callable[[str], str]
    dest_of: Callable[[str], str | None]
    terms: TermIndex
    inflector: Inflector
    linked: set[str] = field(default_factory=set)
    links: list[tuple[str, str]] = field(default_factory=list)

    @property
    def full(self) -> bool:
        return len(self.links) >= self.cap


Chosen = dict[int, dict[int, list[tuple[int, int, str]]]]  # token → child → [(start, end, dest)]


def link_tokens(tokens: Sequence[Token], ctx: LinkContext, segments: Segments | None = None,
                ) -> tuple[tuple[Token, ...], tuple[tuple[str, str], ...]]:
    """New block tokens (changed inline tokens copied) and the page's automatic links in order.

    `segments` is `segments_of(tokens)` when the caller has it already."""
    chosen, links = choose_links(tokens, ctx, segments)
    return apply_links(tokens, chosen, ctx.href), links


def choose_links(tokens: Sequence[Token], ctx: LinkContext, segments: Segments | None = None,
                 ) -> tuple[Chosen, tuple[tuple[str, str], ...]]:
    """Where the automatic links go, and the page's automatic links in order (see link_tokens)."""
    if segments is None:
        segments = segments_of(tokens)
    _existing_links(segments.existing, ctx)
    chosen: Chosen = {}
    if ctx.full or not segments.starts:
        return chosen, tuple(ctx.links)
    visible: dict[int, str] = {}
    starts = segments.starts
    # one automaton pass over the whole article; segments are joined by two spaces, which no
    # key can cross, so every mention lies inside one child
    for m_start, m_end, pattern in ctx.terms.matches(segments.joined, segments.words):
        dest = pattern.term.dest
        if not dest or dest == ctx.self_slug or dest in ctx.linked or (dest not in ctx.slugs and not pattern.term.is_url):
            continue
        k = bisect.bisect_right(starts, m_start) - 1
        token, child_index, at, linkable = segments.where[k]
        if not linkable:
            continue
        child = tokens[token].children[child_index]  # type: ignore[index]
        text = child.content
        start, end = m_start - starts[k], m_end - starts[k]
        if token not in visible:
            visible[token] = "".join(_visible(c) for c in tokens[token].children or ())
        shown = visible[token]
        prefix = (shown[max(0, at - 40) : at] + text[max(0, start - 40) : start])[-40:]
        following = (text[end : end + 40] + shown[at + len(text) : at + len(text) + 40])[:40]
        if not _wanted(pattern, text[start:end], prefix, following, ctx):
            continue
        chosen.setdefault(token, {}).setdefault(child_index, []).append((start, end, dest))
        ctx.linked.add(dest)
        ctx.links.append((dest, text[start:end]))
        if ctx.full:
            break
    return chosen, tuple(ctx.links)


def apply_links(tokens: Sequence[Token], chosen: Chosen, href: Callable[[str], str]) -> tuple[Token, ...]:
    """The tokens with the chosen mentions wrapped in links (`href` gives a destination's URL)."""
    out = list(tokens)
    for index, by_child in chosen.items():
        children = list(tokens[index].children or ())
        new: list[Token] = []
        for k, child in enumerate(children):
            new += _split(child, by_child[k], href) if k in by_child else [child]
        out[index] = _with_children(tokens[index], new)
    return tuple(out)


@dataclass(slots=True)
class Segments:
    """What linking reads of an article's tokens, in one pass over them.

    The visible text of the children of the linkable inline tokens as one joined text: per child
    its offset in the joined text, and where it is (token and child index, offset in its token's
    visible text, and whether it may be linked: a text child outside any link); and every
    existing link."""

    starts: list[int] = field(default_factory=list)
    where: list[tuple[int, int, int, bool]] = field(default_factory=list)  # (token, child, visible offset, linkable)
    joined: str = ""
    words: str | None = None  # `joined` lowercase with separators as spaces (linkterms.normalise)
    existing: list[tuple[str, bool, str]] = field(default_factory=list)  # (href, is an autolink, its text)


def segments_of(tokens: Sequence[Token]) -> Segments:
    segments = _collect(tokens, careful=False)
    if segments.starts:
        segments.words = normalise(segments.joined)
        if segments.words is None:
            # a character whose lowercase is longer ("İ") would shift every offset: its text is not matched
            segments = _collect(tokens, careful=True)
            segments.words = normalise(segments.joined)
    return segments


def _collect(tokens: Sequence[Token], careful: bool) -> Segments:
    seg = Segments()
    starts, where, parts, existing = seg.starts, seg.where, [], seg.existing
    offset = 0
    previous = ""
    for i, tok in enumerate(tokens):
        children = tok.children
        kind, parent, previous = tok.type, previous, tok.type
        if not children:
            continue
        if kind != "inline" or not i or parent not in LINKABLE_PARENTS:
            for k, child in enumerate(children):
                if child.type == "link_open":
                    existing.append(_existing(children, k))
            continue
        if len(children) == 1 and children[0].type == "text":  # the common case: plain text
            text = children[0].content
            if text:
                linkable = not careful or len(text.lower()) == len(text)
                starts.append(offset)
                where.append((i, 0, 0, linkable))
                parts.append(text if linkable else " " * len(text))
                offset += len(text) + 2
            continue
        depth, at = 0, 0
        for k, child in enumerate(children):
            ctype = child.type
            if ctype == "text" or ctype == "code_inline":
                text = child.content
            elif ctype == "softbreak" or ctype == "hardbreak":
                text = " "
            else:
                if ctype == "link_open":
                    depth += 1
                    existing.append(_existing(children, k))
                elif ctype == "link_close":
                    depth = max(0, depth - 1)
                elif ctype == "html_inline":
                    if _HTML_A_OPEN.match(child.content):
                        depth += 1
                    elif _HTML_A_CLOSE.match(child.content):
                        depth = max(0, depth - 1)
                continue
            if not text:
                continue
            linkable = ctype == "text" and depth == 0 and (not careful or len(text.lower()) == len(text))
            starts.append(offset)
            where.append((i, k, at, linkable))
            parts.append(text if linkable else " " * len(text))
            offset += len(text) + 2  # the separator
            at += len(text)
    seg.joined = _SEPARATOR.join(parts)
    return seg


def _existing(children: Sequence[Token], k: int) -> tuple[str, bool, str]:
    child = children[k]
    text = children[k + 1].content if k + 1 < len(children) else ""
    return str(child.attrGet("href") or ""), child.attrGet("class") == AUTOLINK_CLASS, text


_SEPARATOR = "  "  # two spaces: no automaton key can cross it


def _existing_links(existing: list[tuple[str, bool, str]], ctx: LinkContext) -> None:
    """Destinations already linked by hand or by an earlier run count as linked (idempotence)."""
    for href, autolink, text in existing:
        dest = ctx.dest_of(href)
        if dest:
            ctx.linked.add(dest)
            if autolink:
                ctx.links.append((dest, text))


def _visible(child: Token) -> str:
    if child.type in ("text", "code_inline"):
        return child.content
    return " " if child.type in ("softbreak", "hardbreak") else ""


def _split(child: Token, mentions: list[tuple[int, int, str]], href: Callable[[str], str]) -> list[Token]:
    """A text child cut into text and link tokens around its chosen mentions."""
    text, pieces, pos = child.content, [], 0
    for start, end, dest in mentions:
        if start > pos:
            pieces.append(_text(child, text[pos:start]))
        pieces += _link(child, text[start:end], href(dest))
        pos = end
    if pos < len(text):
        pieces.append(_text(child, text[pos:]))
    return pieces


def _wanted(pattern: Pattern, span: str, prefix: str, following: str, ctx: LinkContext) -> bool:
    """Rules 2–6 for a mention `span` of a new destination; `prefix` and `following` are (up to)
    the 40 characters the reader sees before and after it in the same paragraph or cell."""
    if span[:1].isupper() and not any(pattern.cased) and not _SENTENCE_END.search(prefix[-4:]):
        return False  # rule 2
    nxt = _NEXT_WORD.match(following)
    if " " in span:
        return not pattern.genitive or nxt is not None
    prev = _PREV_WORD_REVERSED.match(prefix[::-1])
    next_word = nxt.group(1).lower() if nxt else ""
    if prev and prev.group(1)[::-1].lower() in VERB_CONTEXT and ctx.inflector.ambiguous(span.lower()):
        return False  # rule 3
    if pattern.comparative and next_word not in FUNCTION_WORDS and ctx.inflector.is_noun(next_word):
        return False  # rule 4
    if pattern.genitive and (not next_word or next_word in FUNCTION_WORDS):
        return False  # rule 5
    short_as_written = not pattern.inflected and not any(pattern.cased) and len(span) <= 4
    return not (short_as_written and next_word and _starts_compound(following, next_word, ctx))  # rule 6


def _starts_compound(after: str, word: str, ctx: LinkContext) -> bool:
    return after.startswith(" " + word) and word not in FUNCTION_WORDS and ctx.inflector.noun_not_adjective(word)


def _token(type_: str, tag: str, nesting: int, level: int, content: str = "", attrs: dict | None = None,
           markup: str = "", info: str = "") -> Token:
    """A Token without the dataclass __init__ (a third of linking's time when built the usual way)."""
    tok = object.__new__(Token)
    (tok.type, tok.tag, tok.nesting, tok.attrs, tok.map, tok.level, tok.children,
     tok.content, tok.markup, tok.info, tok.meta, tok.block, tok.hidden) = (
        type_, tag, nesting, attrs or {}, None, level, None, content, markup, info, {}, False, False)
    return tok


def _with_children(tok: Token, children: list[Token]) -> Token:
    """A copy of an inline token with new children (the original is shared with the unlinked site)."""
    copy = object.__new__(Token)
    for name in Token.__slots__:
        setattr(copy, name, getattr(tok, name))
    copy.children = children
    return copy


def _text(like: Token, content: str) -> Token:
    return _token("text", "", 0, like.level, content)


def _link(like: Token, content: str, href: str) -> list[Token]:
    return [
        _token("link_open", "a", 1, like.level, attrs={"href": href, "class": AUTOLINK_CLASS}, markup="autolink",
               info="auto"),
        _token("text", "", 0, like.level + 1, content),
        _token("link_close", "a", -1, like.level, markup="autolink", info="auto"),
    ]


__all__ = ["WORD", "Chosen", "LinkContext", "Segments", "apply_links", "choose_links", "link_tokens", "segments_of"]
