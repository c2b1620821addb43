"""Helpers for the linking tests: a small site of made-up Danish articles, linked in memory."""

from __future__ import annotations

import functools
import textwrap
from pathlib import Path

import pytest

from ordbog import analyse, link
from ordbog.config import Config, load_config
from ordbog.danish.hunspell import find_dictionary
from ordbog.markdown import render_tokens
from ordbog.model import Article, Site, Source

needs_dictionary = pytest.mark.skipif(
    find_dictionary() is None, reason="the Danish hunspell dictionary (apt-get install hunspell-da) is not installed"
)

# Title (and aliases) of the destination articles every linking test can point at.
TERMS = {
    "skulder": "Skulder",
    "frossen-skulder": "Frossen skulder",
    "knae": "Knæ",
    "laeg": "Læg",
    "ryg": "Ryg",
    "ben": "Ben",
    "arm": "Arm",
    "lunge": "Lunge",
    "aeldre": "Ældre",
    "loeb": "Løb",
    "balance": "Balance",
    "hjerte": "Hjerte",
    "ankel": "Ankel",
    "artrose": "Artrose (slidgigt)",
}


def config(tmp_path: Path, toml: str = "") -> Config:
    (tmp_path / "content").mkdir(exist_ok=True)
    if toml:
        (tmp_path / "ordbog.toml").write_text(textwrap.dedent(toml), encoding="utf-8")
    cfg, diags = load_config(tmp_path / "content", tmp_path / "_site", tmp_path / "ordbog.toml" if toml else None)
    assert cfg is not None, diags
    return cfg


def make_article(slug: str, title: str, body: str, **frontmatter: object) -> Article:
    fm = {"title": title, "metaTitle": title, **frontmatter}
    article, diags = analyse.analyse(Source(f"{slug}.md", slug, fm, {}, textwrap.dedent(body).lstrip("\n"), 5, ""))
    assert article is not None, diags
    return article


@functools.cache
def term_articles() -> tuple[Article, ...]:
    return tuple(make_article(slug, title, f"Om {title.lower()}.") for slug, title in TERMS.items())


def site_with(body: str, extra: dict[str, tuple[str, str]] | None = None, **frontmatter: object) -> Site:
    """The TERMS articles (with bodies that use their own title) plus `side`, whose body is `body`."""
    articles = list(term_articles())
    articles += [make_article(slug, title, text) for slug, (title, text) in (extra or {}).items()]
    articles.append(make_article("side", "Side", body, **frontmatter))
    return Site(tuple(sorted(articles, key=lambda a: a.slug)))


def linked(cfg: Config, body: str, extra: dict[str, tuple[str, str]] | None = None, **frontmatter: object) -> Article:
    site, diags = link.link_site(cfg, site_with(body, extra, **frontmatter))
    assert not [d for d in diags if d.is_error], diags
    return site.by_slug()["side"]


def html(article: Article) -> str:
    return render_tokens(article.tokens)


def linked_texts(article: Article) -> list[tuple[str, str]]:
    return list(article.links)
