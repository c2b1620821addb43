"""Answer passages: Article tokens → paragraphs (with their heading) and FAQ answers.

A paragraph followed by a list or a table carries the list items / table rows with it, so
"Symptomerne er:" is never a passage on its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from markdown_it.token import Token

from ordbog import markdown
from ordbog.model import Article

MAX_PASSAGE_CHARS = 1200


@dataclass(frozen=True, slots=True)
class Passage:
    doc: int  # article number in the index
    kind: str  # "faq" (an FAQ answer; heading is the question) or "p" (a paragraph)
    heading: str
    anchor: str  # heading id: link target on the article page ("" for the intro)
    text: str


def _heading(tokens: list[Token], i: int) -> tuple[str, str]:
    return markdown.inline_text(tokens[i + 1]), str(tokens[i].attrGet("id") or "")


def _paragraphs(tokens: list[Token]) -> list[tuple[str, str, str]]:
    """(heading, anchor, text) per paragraph outside the FAQ; lists and tables join the previous one."""
    out: list[list[str]] = []
    heading, anchor = "", ""
    nesting = 0  # inside lists or tables
    in_faq = False
    subheading = ""  # the H3 being read while a passage that ended with ":" absorbs its H3s
    absorbing = False
    for i, tok in enumerate(tokens):
        if tok.type in ("faq_open", "faq_close"):
            in_faq = tok.type == "faq_open"
        elif in_faq:
            continue
        elif tok.type == "heading_open" and tok.tag == "h3" and (
            absorbing or (out and out[-1][0] == heading and out[-1][2].endswith(":"))
        ):
            subheading, absorbing = _heading(tokens, i)[0], True  # "Tips:" then ### tip sections
        elif tok.type == "heading_open" and tok.tag in ("h2", "h3"):
            heading, anchor = _heading(tokens, i)
            subheading, absorbing = "", False
        elif tok.type in ("bullet_list_open", "ordered_list_open", "table_open"):
            nesting += 1
        elif tok.type in ("bullet_list_close", "ordered_list_close", "table_close"):
            nesting -= 1
        elif tok.type == "inline" and i and tokens[i - 1].type in ("paragraph_open", "th_open", "td_open"):
            text = markdown.inline_text(tok)
            if not text:
                continue
            if absorbing and out:
                out[-1][2] += f" {subheading}: {text}" if subheading else f" {text}"
                subheading = ""
            elif nesting and out and out[-1][0] == heading:
                out[-1][2] += ("; " if out[-1][2][-1:] not in ":." else " ") + text
            else:
                out.append([heading, anchor, text])
    return [(h, a, t[:MAX_PASSAGE_CHARS]) for h, a, t in out]


def article_passages(article: Article, doc: int) -> list[Passage]:
    passages = [Passage(doc, "p", h, a, t) for h, a, t in _paragraphs(list(article.tokens))]
    passages += [Passage(doc, "faq", f.question, f.id, f.answer) for f in article.faq if f.answer]
    return passages
