"""The index's pass 1 of each article, done where the article is analysed.

A cold build analyses articles in a pool of forked workers, then builds the search index in one
process (`build.site_extras`); pass 1 (`indexer.tokenise`: every text split into words, each
word's term) is half of that index's work and depends on one article only. So each worker
also runs pass 1 of the article it just analysed (`make`), the build keeps the results (`offer`,
inside `offered()`), and `textcache.prepared_articles` takes them (`take`) instead of
tokenising again: the work is spread over the pool instead of queued in the index's process.

Offered values are `textcache.encode`'s pass-1 part, marshal'd, under the article's text-cache
key; one is used only where that key is asked for, so a stale or foreign offer can never be
used for another article or configuration. Outside `offered()` nothing is kept.
"""

from __future__ import annotations

import marshal
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from ordbog.config import Config
from ordbog.model import Article

_OFFERED: dict[str, bytes] = {}
_KEEPING = False


@contextmanager
def offered() -> Iterator[None]:
    """Pass-1 results offered meanwhile are kept (for this build's index); all dropped at the end."""
    global _KEEPING
    _KEEPING = True
    try:
        yield
    finally:
        _KEEPING = False
        _OFFERED.clear()


def wanted(config: Config) -> bool:
    return _KEEPING and config.file.search.enabled


def build_key(config: Config) -> bytes:
    """What of ordbog and the configuration every text-cache entry's key covers (`textcache.entry_key`)."""
    from ordbog.search import indexcache

    return indexcache.build_digest() + indexcache.config_digest(config).encode()


def make(config: Config) -> Callable[[Article], tuple[str, bytes] | None]:
    """The per-article job for an analysis worker (call it here, before the workers start: it is
    cheap; the index's modules and numpy are imported by the workers, in parallel, not here)."""
    build = build_key(config)

    def one(article: Article) -> tuple[str, bytes] | None:
        from ordbog.search import index, textcache

        if not article.digest:
            return None
        tokenised = textcache.tokenise(index.article_text(article))
        return textcache.entry_key(build, article), marshal.dumps(textcache.pass_one_part(tokenised))

    return one


def offer(found: tuple[str, bytes] | None) -> None:
    if found is not None and _KEEPING:
        _OFFERED[found[0]] = found[1]


def take(key: str) -> tuple | None:
    """The pass-1 part offered under `key` (once), or None."""
    data = _OFFERED.pop(key, None)
    if data is None:
        return None
    try:
        return marshal.loads(data)
    except (EOFError, ValueError, TypeError):
        return None
