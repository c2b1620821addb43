"""What the search index reads of an article: its weighted fields and answer passages, as text.

Plain data and no numpy (unlike the index modules), so a build can hand articles' texts to a
process that builds the index without loading the index's libraries itself (`standby.py`).
"""

from __future__ import annotations

from dataclasses import dataclass

from ordbog.model import Article
from ordbog.search.passages import article_passages

FIELDS = ("title", "aliases", "meta", "headings", "questions", "body")


@dataclass(frozen=True, slots=True)
class ArticleText:
    """What the index needs of one article (so the article's tokens can be dropped)."""

    slug: str
    title: str
    description: str
    aliases: tuple[str, ...]
    fields: tuple[str, ...]  # texts in FIELDS order
    passages: tuple[tuple[str, str, str, str], ...]  # (kind, heading, anchor, text)


def article_fields(article: Article) -> dict[str, str]:
    """The text of each weighted field (H3 questions of the FAQ are their own field)."""
    questions = {f.question for f in article.faq}
    skip = questions | ({article.faq_heading.text} if article.faq_heading else set())
    faq_id = article.faq_heading.id if article.faq_heading else None
    return {
        "title": article.title,
        "aliases": "\n".join(article.aliases),
        "meta": f"{article.meta_title}\n{article.description}",
        "headings": "\n".join(h.text for h in article.headings if h.text not in skip),
        "questions": "\n".join(f.question for f in article.faq),
        "body": "\n".join(
            [*(s.text for s in article.sections if not faq_id or s.id != faq_id), *(f.answer for f in article.faq)]
        ),
    }


def article_text(article: Article) -> ArticleText:
    fields = article_fields(article)
    passages = tuple((p.kind, p.heading, p.anchor, p.text) for p in article_passages(article, 0))
    return ArticleText(article.slug, article.title, article.description, tuple(article.aliases),
                       tuple(fields[f] for f in FIELDS), passages)
