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
from ordbog.linkterms import FUNCTION_WORDS, WORD, Mention, TermIndex

LINKABLE_PARENTS = ("paragraph_open", "td_open")
AUTOLINK_CLASS = "autolink"
VERB_CONTEXT = frozenset(
    ["at", "jeg", "du", "han", "hun", "vi", "man", "ikke", "aldrig", "gerne", "kan", "kunne", "skal", "skulle", "vil", "ville", "må", "måtte", "bør", "burde", "tør", "lad"]
)
_PREV_WORD = re.compile(r"([^\W_]+)[^\w]{0,3}$")
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


def link_tokens(tokens: Sequence[Token], ctx: LinkContext) -> tuple[tuple[Token, ...], tuple[tuple[str, str], ...]]:
    """New block tokens (changed inline tokens copied) and the page's automatic links in order."""
    _existing_links(tokens, ctx)
    if ctx.full:
        return tuple(tokens), tuple(ctx.links)
    segments, joined, visible = _segments(tokens)
    starts = [seg.start for seg in segments]
    chosen: dict[int, dict[int, list[tuple[int, int, str]]]] = {}  # token → child → (start, end, dest)
    # one automaton pass over the whole article; segments are joined by two spaces, which no
    # key can cross, so every mention lies inside one child
    for m in ctx.terms.find(joined):
        seg = segments[bisect.bisect_right(starts, m.start) - 1]
        if not seg.linkable:
            continue
        child = tokens[seg.token].children[seg.child]  # type: ignore[index]
        offset = m.start - seg.start
        mention = Mention(offset, offset + m.end - m.start, m.pattern)
        shown = visible[seg.token]
        before, after = shown[: seg.visible], shown[seg.visible + len(child.content) :]
        if not _wanted(mention, child.content, before, after, ctx):
            continue
        dest = m.pattern.term.dest
        chosen.setdefault(seg.token, {}).setdefault(seg.child, []).append((mention.start, mention.end, dest))
        ctx.linked.add(dest)
        ctx.links.append((dest, child.content[mention.start : mention.end]))
        if ctx.full:
            break
    out = list(tokens)
    for index, by_child in chosen.items():
        children = list(tokens[index].children or ())
        new: list[Token] = []
        for k, child in enumerate(children):
            new += _split(child, by_child[k], ctx) if k in by_child else [child]
        out[index] = _with_children(tokens[index], new)
    return tuple(out), tuple(ctx.links)


@dataclass(frozen=True, slots=True)
class _Segment:
    """The visible text of one child of a linkable inline token, placed in the article's joined text."""

    token: int  # index of the inline token
    child: int  # index of the child
    start: int  # offset in the joined text
    visible: int  # offset in the inline token's visible text
    linkable: bool  # a text child outside any link


def _segments(tokens: Sequence[Token], careful: bool = False) -> tuple[list[_Segment], str, dict[int, str]]:
    """The linkable children of an article as segments of one joined text (see link_tokens)."""
    segments, joined, visible = _collect(tokens, careful)
    if not careful and len(joined.lower()) != len(joined):
        # a character whose lowercase is longer ("İ") would shift every offset: its text is not matched
        return _collect(tokens, True)
    return segments, joined, visible


def _collect(tokens: Sequence[Token], careful: bool) -> tuple[list[_Segment], str, dict[int, str]]:
    segments: list[_Segment] = []
    parts: list[str] = []
    visible: dict[int, str] = {}
    offset = 0
    for i, tok in enumerate(tokens):
        if tok.type != "inline" or not i or tokens[i - 1].type not in LINKABLE_PARENTS or not tok.children:
            continue
        depth, shown = 0, []
        at = 0
        for k, child in enumerate(tok.children):
            if child.type == "link_open" or (child.type == "html_inline" and _HTML_A_OPEN.match(child.content)):
                depth += 1
            elif child.type == "link_close" or (child.type == "html_inline" and _HTML_A_CLOSE.match(child.content)):
                depth = max(0, depth - 1)
            text = _visible(child)
            if text:
                linkable = child.type == "text" and depth == 0 and (not careful or len(text.lower()) == len(text))
                segments.append(_Segment(i, k, offset, at, linkable))
                parts.append(text if linkable else " " * len(text))
                offset += len(text) + len(_SEPARATOR)
                shown.append(text)
                at += len(text)
        visible[i] = "".join(shown)
    return segments, _SEPARATOR.join(parts), visible


_SEPARATOR = "  "


def _existing_links(tokens: Sequence[Token], ctx: LinkContext) -> None:
    """Destinations already linked by hand or by an earlier run count as linked (idempotence)."""
    for tok in tokens:
        children = tok.children or []
        for k, child in enumerate(children):
            if child.type != "link_open":
                continue
            dest = ctx.dest_of(str(child.attrGet("href") or ""))
            if dest:
                ctx.linked.add(dest)
            if child.attrGet("class") == AUTOLINK_CLASS and dest:
                text = children[k + 1].content if k + 1 < len(children) else ""
                ctx.links.append((dest, text))


def _visible(child: Token) -> str:
    if child.type in ("text", "code_inline"):
        return child.content
    return " " if child.type in ("softbreak", "hardbreak") else ""


def _split(child: Token, mentions: list[tuple[int, int, str]], ctx: LinkContext) -> list[Token]:
    """A text child cut into text and link tokens around its chosen mentions."""
    text, pieces, pos = child.content, [], 0
    for start, end, dest in mentions:
        if start > pos:
            pieces.append(_text(child, text[pos:start]))
        pieces += _link(child, text[start:end], ctx.href(dest))
        pos = end
    if pos < len(text):
        pieces.append(_text(child, text[pos:]))
    return pieces


def _wanted(m: Mention, text: str, before: str, after: str, ctx: LinkContext) -> bool:
    term = m.pattern.term
    if not term.dest or term.dest == ctx.self_slug or term.dest in ctx.linked:
        return False
    if not term.is_url and term.dest not in ctx.slugs:
        return False
    span = text[m.start : m.end]
    prefix = before + text[: m.start]
    if span[:1].isupper() and not any(m.pattern.cased) and not _SENTENCE_END.search(prefix[-4:]):
        return False  # rule 2
    following = (text[m.end :] + after)[:40]
    nxt = _NEXT_WORD.match(following)
    if " " in span:
        return not m.pattern.genitive or nxt is not None
    prev = _PREV_WORD.search(prefix[-40:])
    next_word = nxt.group(1).lower() if nxt else ""
    if prev and prev.group(1).lower() in VERB_CONTEXT and ctx.inflector.ambiguous(span.lower()):
        return False  # rule 3
    if m.pattern.comparative and next_word not in FUNCTION_WORDS and ctx.inflector.is_noun(next_word):
        return False  # rule 4
    if m.pattern.genitive and (not next_word or next_word in FUNCTION_WORDS):
        return False  # rule 5
    short_as_written = not m.pattern.inflected and not any(m.pattern.cased) and len(span) <= 4
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


__all__ = ["WORD", "LinkContext", "link_tokens"]
