"""The Markdown engine: markdown-it-py configured for CommonMark + GFM tables, with our render rules.

Everything structural (heading ids, the FAQ, internal links) is done on tokens by the analyse
and link stages; this module only knows how to turn tokens into HTML:

- images get `loading="lazy"` and `decoding="async"`;
- the FAQ's custom tokens (`faq_open`, `faq_item_open`, …) become `<section>`/`<details>`;
- raw HTML is allowed through to the sanitizer (`sanitize.py`), which has the last word.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from html import escape

from markdown_it import MarkdownIt
from markdown_it.token import Token

FAQ_TOKEN_TYPES = ("faq_open", "faq_close", "faq_item_open", "faq_question_close", "faq_item_close")


def _image(self, tokens: Sequence[Token], idx: int, options, env) -> str:
    token = tokens[idx]
    token.attrSet("alt", self.renderInlineAsText(token.children or [], options, env))
    token.attrSet("loading", "lazy")
    token.attrSet("decoding", "async")
    return self.renderToken(tokens, idx, options, env)


def _faq_open(self, tokens: Sequence[Token], idx: int, options, env) -> str:
    labelled = tokens[idx].meta.get("heading_id", "")
    return f'<section class="faq" aria-labelledby="{escape(labelled)}">\n'


def _faq_close(self, tokens: Sequence[Token], idx: int, options, env) -> str:
    return "</section>\n"


def _faq_item_open(self, tokens: Sequence[Token], idx: int, options, env) -> str:
    item_id = escape(tokens[idx].meta.get("id", ""))
    return f'<details class="faq-item" id="{item_id}">\n<summary>'


def _faq_question_close(self, tokens: Sequence[Token], idx: int, options, env) -> str:
    return '</summary>\n<div class="faq-answer">\n'


def _faq_item_close(self, tokens: Sequence[Token], idx: int, options, env) -> str:
    return "</div>\n</details>\n"


@cache
def markdown() -> MarkdownIt:
    """The shared parser/renderer (configuration is immutable once built)."""
    md = MarkdownIt("commonmark", {"html": True, "typographer": False}).enable(["table", "strikethrough"])
    md.add_render_rule("image", _image)
    md.add_render_rule("faq_open", _faq_open)
    md.add_render_rule("faq_close", _faq_close)
    md.add_render_rule("faq_item_open", _faq_item_open)
    md.add_render_rule("faq_question_close", _faq_question_close)
    md.add_render_rule("faq_item_close", _faq_item_close)
    return md


def parse(text: str) -> list[Token]:
    return markdown().parse(text, {})


def render_tokens(tokens: Sequence[Token]) -> str:
    md = markdown()
    return md.renderer.render(list(tokens), md.options, {})


def render_pieces(tokens: Sequence[Token], cuts: Sequence[int]) -> list[str]:
    """The HTML of `tokens[cuts[k]:cuts[k + 1]]` for each k, each rendered in the context of the
    whole list, so the pieces of cuts 0…len(tokens) join to exactly `render_tokens(tokens)`.

    One pass where a page body and its sections (the API's `sections[].html`) would otherwise
    render the same tokens twice. The loop is markdown-it's `RendererHTML.render`, cut at `cuts`
    (a render rule may look at its neighbours: rendering a slice alone can differ at the edges).
    """
    md = markdown()
    renderer, options, env = md.renderer, md.options, {}
    tokens = list(tokens)
    pieces: list[str] = []
    for start, stop in zip(cuts, cuts[1:]):
        out: list[str] = []
        for i in range(start, stop):
            token = tokens[i]
            if token.type == "inline":
                if token.children:
                    out.append(renderer.renderInline(token.children, options, env))
            elif token.type in renderer.rules:
                out.append(renderer.rules[token.type](tokens, i, options, env))
            else:
                out.append(renderer.renderToken(tokens, i, options, env))
        pieces.append("".join(out))
    return pieces


def inline_text(token: Token) -> str:
    """The visible text of an inline token (no markup, no image alt text)."""
    parts = []
    for child in token.children or ():
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts).strip()
