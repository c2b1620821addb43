"""Per-article search input cache: an unchanged article is not read for the index twice.

Input: the configuration and the site's articles. Output, per article in order, what the index
needs of it that depends on that article alone: its `ArticleText` (fields and answer passages,
`index.article_text`; from the cache without the fields, which only pass 1 reads) and pass 1 of
the indexer (`indexer.tokenise`: its words counted per text).
After a one-article edit, a build redoes only that article and then the site-wide pass 2.

An entry's key covers the article's path, slug and source digest (its analysed form is a
function of those and the configuration, and linking never changes the text the index reads:
see `search.indexcache`), the whole configuration, and `indexcache.build_digest()` (ordbog's
code, the analyzer's data files, the libraries). Entries live in a `PackStore` under
`<cache>/search-text/<generation>/` (older generations are deleted); a corrupt entry is recomputed,
articles made in memory (no digest) are never cached, and `ORDBOG_CACHE_DIR=off` turns it off.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence

import numpy as np

from ordbog import cache as ordbog_cache
from ordbog.config import Config
from ordbog.model import Article
from ordbog.packstore import PackStore
from ordbog.search import indexcache
from ordbog.search.indexcache import SourceRef, refs_of
from ordbog.search.indexer import FIELDS, ArticleText, Tokenised, tokenise

Prepared = tuple[ArticleText, Tokenised]
Texts = Callable[[list[int]], Iterable[ArticleText]]  # article numbers → their texts, in that order


def prepare(article_text: ArticleText) -> Prepared:
    return article_text, tokenise(article_text)


def encode(prepared: Prepared) -> tuple:
    text, tok = prepared
    return (
        (text.slug, text.title, text.description, text.aliases, text.passages),  # not the fields: see `decode`
        ("\n".join(tok.words), "\n".join(tok.terms), tok.ids, tok.counts, tok.sizes),  # one string: loads faster
        (tok.title_terms, tok.alias_terms, tok.questions),
    )


def _lines(joined: str) -> tuple[str, ...]:
    return tuple(joined.split("\n")) if joined else ()


def decode(value: object) -> Prepared:
    """An entry back as (ArticleText, Tokenised); ValueError/TypeError when it is not one.

    The ArticleText has no field texts (`fields == ()`): the index reads them only in pass 1,
    which the entry holds (a cold build's entries stay in memory until the cache is written, so
    they are kept small). Indexing it without its `Tokenised` raises ValueError."""
    text, tok, (title_terms, alias_terms, questions) = value  # type: ignore[misc]
    slug, title, description, aliases, passages = text
    words, terms, ids, counts, sizes = _lines(tok[0]), _lines(tok[1]), *tok[2:]
    if not all(type(s) is str for s in (slug, title, description)) or not all(
        type(b) is bytes for b in (ids, counts, sizes)
    ):
        raise TypeError("not a search text entry")
    if not (isinstance(aliases, tuple) and isinstance(passages, tuple)):
        raise TypeError("not a search text entry")
    if not all(isinstance(p, tuple) and len(p) == 4 for p in passages):
        raise TypeError("not a search text entry")
    if not (isinstance(title_terms, tuple) and isinstance(alias_terms, tuple) and isinstance(questions, tuple)):
        raise TypeError("not a search text entry")
    if len(alias_terms) != len(aliases) or len(questions) != sum(p[0] == "faq" for p in passages):
        raise ValueError("inconsistent search text entry")
    if len(words) != len(terms) or len(ids) != len(counts) or len(sizes) != 4 * (len(FIELDS) + len(passages)):
        raise ValueError("inconsistent search text entry")
    local = np.frombuffer(ids, dtype=np.int32)
    if int(np.frombuffer(sizes, dtype=np.int32).sum()) != len(local) or (
        len(local) and not 0 <= int(local.min()) <= int(local.max()) < len(words)
    ):
        raise ValueError("inconsistent search text entry")
    return (ArticleText(slug, title, description, aliases, (), passages),
            Tokenised(words, terms, ids, counts, sizes, title_terms, alias_terms, questions))


def entry_key(build: bytes, article: Article | SourceRef) -> str:
    return hashlib.sha256(build + f"\0{article.path}\0{article.slug}\0{article.digest}".encode()).hexdigest()


def open_store() -> PackStore | None:
    return ordbog_cache.generation_store("search-text")


def prepared_articles(config: Config, articles: Sequence[Article]) -> Iterator[Prepared]:
    """(ArticleText, Tokenised) per article, in order: from the cache when unchanged.

    The cache is written when the iteration ends (also when it is abandoned)."""
    from ordbog.search import articletext

    return prepared_from(config, refs_of(articles), lambda numbers: (articletext.article_text(articles[n]) for n in numbers))


def prepared_from(config: Config, refs: Sequence[SourceRef], texts: Texts, store: PackStore | None = None,
                  ) -> Iterator[Prepared]:
    """`prepared_articles` of the articles `refs` name; `texts(numbers)` gives the texts of those
    the cache lacks (once for all of them, and again for an entry found damaged). Entries are
    decoded one at a time, as the caller takes them (at 38,500 articles all of them at once
    would be gigabytes of word strings); `texts` may be lazy too. `store`: the cache, when the
    caller opened it already (`open_store`)."""
    store = store if store is not None else open_store()
    if store is None:
        yield from map(prepare, texts(list(range(len(refs)))))
        return
    build = indexcache.build_digest() + indexcache.config_digest(config).encode()
    try:
        keys = [entry_key(build, ref) if ref.digest else None for ref in refs]  # no digest: made in memory
        missing = [n for n, key in enumerate(keys) if key is None or key not in store]
        fetched, pending = iter(texts(missing)), iter(missing)
        next_missing = next(pending, None)
        for n, key in enumerate(keys):
            if n == next_missing:
                next_missing = next(pending, None)
                found = prepare(next(fetched))
                if key is not None:
                    store.put(key, encode(found))
            else:
                try:
                    found = decode(store.get(key))
                except Exception:  # noqa: BLE001 - a foreign or damaged entry of any shape is a miss
                    found = prepare(next(iter(texts([n]))))
                    store.put(key, encode(found))
            yield found
    finally:
        store.flush()
