"""Shared helpers for the linking benchmarks: load the shared corpus once, link it with a strategy,
and locate every automatic link as (destination, mention text, occurrence index).

The occurrence index counts whole-word, case-insensitive occurrences of the mention text in the
article's linkable text (paragraphs, list items and table cells, outside existing links), so a
judgment can name a mention without copying any corpus text into the repository.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ordbog import build, link
from ordbog.config import Config, load_config
from ordbog.linkinline import AUTOLINK_CLASS, LINKABLE_PARENTS
from ordbog.model import Article, Site

DEFAULT_CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "ordbog"


def corpus_config(corpus: Path, **links: Any) -> Config:
    cfg, diags = load_config(corpus, Path("/tmp/ordbog-bench-linking"), None)
    assert cfg is not None, diags
    file = cfg.file.model_copy(update={"links": cfg.file.links.model_copy(update=links)})
    return dataclasses.replace(cfg, file=file)


def unlinked_site(corpus: Path) -> Site:
    site, _ = build.make_site(corpus_config(corpus, enabled=False))
    return site


def linked_site(site: Site, corpus: Path, **links: Any) -> Site:
    linked, _ = link.link_site(corpus_config(corpus, **links), site)
    return linked


def split_of(slug: str) -> str:
    """A fixed, content-independent split: 'dev' for tuning, 'holdout' for the final score."""
    return "dev" if int(hashlib.sha256(slug.encode()).hexdigest(), 16) % 2 == 0 else "holdout"


def sample(site: Site, n: int) -> list[str]:
    """n articles chosen by hash of the slug (not by content), so the choice cannot be tuned."""
    return sorted((a.slug for a in site.articles), key=lambda s: hashlib.sha256(b"sample" + s.encode()).hexdigest())[:n]


def linkable_segments(article: Article) -> Iterator[tuple[str, list[tuple[int, str, str]]]]:
    """Per linkable inline token: its visible text and the autolinks in it as (offset, dest, text)."""
    tokens = article.tokens
    for i, tok in enumerate(tokens):
        if tok.type != "inline" or not i or tokens[i - 1].type not in LINKABLE_PARENTS:
            continue
        text, links, depth = "", [], 0
        children = tok.children or []
        for k, child in enumerate(children):
            if child.type == "link_open":
                if child.attrGet("class") == AUTOLINK_CLASS:
                    dest = str(child.attrGet("href")).rstrip("/").rsplit("/", 1)[-1]
                    links.append((len(text), dest, children[k + 1].content))
                depth += 1
            elif child.type == "link_close":
                depth -= 1
            elif child.type == "text":
                text += child.content
            elif child.type in ("softbreak", "hardbreak"):
                text += " "
        yield text, links


def occurrences(text: str, mention: str) -> list[int]:
    pattern = re.compile(rf"(?<![\w-]){re.escape(mention)}(?![\w-])", re.IGNORECASE)
    return [m.start() for m in pattern.finditer(text)]


def article_links(article: Article) -> list[tuple[str, str, int]]:
    """(dest, text, occurrence index) of every automatic link in the article."""
    out, before = [], ""
    for text, links in linkable_segments(article):
        for offset, dest, mention in links:
            occ = len(occurrences(before + text[:offset], mention))
            out.append((dest, mention.lower(), occ))
        before += text + "\n"
    return out


def article_text(article: Article) -> str:
    return "\n".join(text for text, _ in linkable_segments(article))
