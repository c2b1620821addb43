"""Rendered-page cache: an article's output files (page + API file), keyed by all they are made of.

An article's files are a pure function of
- the article after linking (every field, tokens included),
- what its page shows of other articles (`render.article_context`: the same contract the live
  preview relies on to know when to re-render a page),
- the build: ordbog's code, Python and the versions of the libraries (`cache.generation()`,
  which covers Jinja2, MarkupSafe, markdown-it-py, nh3, Babel …), every template file
  (theme and site), the whole configuration (ordbog.toml, the site and config paths), and
  `SOURCE_DATE_EPOCH`. Not the output or content folder: no page shows them.

The key is a SHA-256 over exactly that, the article and context in a canonical byte form
(`cache.key_bytes`: marshal format 2, which has no object references, so equal values give
equal bytes). An article decoded from an analysis record and then linked is written as that
record's digest plus the fields and tokens linking replaced (`cache.derived_form`), not token by
token: about ten times cheaper. Values that form cannot hold are simply not cached. Tests check that builds served
from the cache are byte-identical to builds without it, also after edits that change a page's
context, its templates or the configuration.

Entries live in a `PackStore` under `<cache>/pages/<generation>/`; `ORDBOG_CACHE_DIR=off` turns it off.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ordbog import cache, workers
from ordbog.config import Config
from ordbog.model import Article
from ordbog.packstore import PackStore

Files = dict[str, bytes]


def build_digest(config: Config, template_dirs: Sequence[Path]) -> bytes:
    """Everything of the build (not of one article) that rendered files depend on."""
    h = hashlib.sha256()
    h.update(cache.generation().encode())  # ordbog's code, Python and the libraries' versions
    for folder in template_dirs:
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    h.update(f"\0{path}\0".encode())
                    h.update(path.read_bytes())
    # the output and content folders are not: no page shows them (templates are hashed above)
    h.update(repr((str(config.site_root), str(config.config_path))).encode())
    h.update(workers.config_fingerprint(config).encode())
    h.update(f"\0SOURCE_DATE_EPOCH={os.environ.get('SOURCE_DATE_EPOCH')}".encode())
    return h.digest()


def article_key(build: bytes, article: Article, context: Any) -> str | None:
    try:
        data = cache.key_bytes(article, context)
    except cache.Uncacheable:
        return None
    return hashlib.sha256(build + data).hexdigest()


def open_store() -> PackStore | None:
    return cache.generation_store("pages")


def render_articles(
    config: Config,
    articles: Sequence[Article],
    render: Callable[[Article], Files],
    context: Callable[[Article], Any],
    template_dirs: Sequence[Path],
    progress: Callable[[int], None] | None = None,
    made: Callable[[Files], None] | None = None,
) -> list[Files]:
    """[render(a) for a in articles], taking unchanged articles' files from the cache.

    `made(files)`: called with the files of each article rendered here as they arrive
    (a cold build's writer stages them meanwhile); not with the cache's, which come at the end.

    When every article has an origin (`cache.derived_form`: a build), keys are cheap (~20 µs) and
    are looked up here, and only the misses are rendered: after an edit, a few pages render in
    this process and no worker is forked. Otherwise keys are computed and looked up in the
    (possibly forked) workers, and a hit sends back only its key.
    """
    store = open_store()
    if store is None:
        cache.forget_origins()
        return workers.map_ordered(render, articles, progress, each=made)
    build = build_digest(config, template_dirs)
    store.load_all()  # before the fork: workers see the same entries
    if all(cache.has_origin(a) for a in articles):
        return _render_misses(articles, [article_key(build, a, context(a)) for a in articles], store, render,
                              progress, made)

    def one(article: Article) -> tuple[str | None, Files | None]:
        key = article_key(build, article, context(article))
        if key is not None and key in store:
            return key, None
        return key, render(article)

    keyed = workers.map_ordered(one, articles, progress,
                                each=(lambda got: made(got[1]) if got[1] is not None else None) if made else None)
    cache.forget_origins()  # keys are made: the unlinked articles may go
    found: list[Files] = []
    for article, (key, files) in zip(articles, keyed):
        if files is None and key is not None:  # a hit
            files = store.get(key)
            if not isinstance(files, dict):  # unreadable entry: render it here
                files = render(article)
                store.put(key, files)
        elif files is not None and key is not None:
            store.put(key, files)
        found.append(files)
    store.flush()
    return found


def _render_misses(articles: Sequence[Article], keys: list[str | None], store: PackStore,
                   render: Callable[[Article], Files], progress: Callable[[int], None] | None,
                   made: Callable[[Files], None] | None = None) -> list[Files]:
    """Files per article: hits from the store, misses rendered (in forked workers when many)."""
    cache.forget_origins()  # keys are made: the unlinked articles may go
    found: list[Files | None] = [None] * len(articles)
    misses = []
    for i, key in enumerate(keys):
        if key is not None and key in store:
            files = store.get(key)
            if isinstance(files, dict):
                found[i] = files
                continue
        misses.append(i)  # not cached, or an unreadable entry
    if progress and len(misses) < len(articles):
        progress(len(articles) - len(misses))
    # on a large site (rendered beside the index, which holds this process's CPU) a few hundred
    # pages are worth a pool too; a small site renders in this process either way
    fewer = 2 * workers.CHUNK if workers.render_pool_used(len(articles)) else None
    for i, files in zip(misses, workers.map_ordered(lambda i: render(articles[i]), misses, progress, fewer,
                                                             each=made)):
        found[i] = files
        if keys[i] is not None:
            store.put(keys[i], files)
    store.flush()
    return found  # type: ignore[return-value]
