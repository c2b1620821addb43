"""Static search index cache: a rebuild of an unchanged site reuses its search index files.

Input: the configuration and the linked site. Output: a key, and the index files stored under it
(output path → bytes, exactly what `web.site_files` returned), or None on a miss.

The key covers everything the index files are made of:
- ordbog's code (`cache.generation()`: every .py file, so web.py's format and engine.py's
  ranking constants too), the analyzer's data files (stopwords, stems, synonyms) and the versions
  of the libraries whose output they depend on (PyStemmer, numpy) and of Python;
- the whole configuration (`[search]` synonyms, base URL and URL prefix among it);
- every article's path, slug and source digest, in site order. An article's index input
  (`index.article_text`: title, aliases, fields, passages) is a function of its analysed form,
  which is a function of exactly those and the configuration (the analysed-article cache relies
  on the same); linking wraps words in links but never changes the visible text the index reads.
  The site synonyms follow from the configuration and the articles' aliases and titles.
Any change — one article, one setting, a synonym — is a miss and the index is built as usual.
Articles made in memory (no source digest) are never cached.

A record is one file: a header (magic, the key, then per file its name and length, marshal'd)
and the files' bytes one after another, read file by file (no second copy of the whole record).
A record that does not match its header exactly (truncated, wrong key, garbage) is a miss. Writes
are atomic; the `KEEP` most recently used records stay (two sites or configurations built in
turn still hit), older ones are deleted. `ORDBOG_CACHE_DIR=off` turns the cache off.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import struct
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ordbog import cache as ordbog_cache
from ordbog.config import Config
from ordbog.model import Article, Site

FORMAT = 1
KEEP = 3  # records kept: the most recently used (one is as large as the index: ~39 MB at 3,850 articles)
MAGIC = b"ordbog-search-index\0"
DATA_FILES = ("search_stems.json", "search_stopwords.txt", "search_synonyms.json")
_LENGTH = struct.Struct("<Q")

Files = dict[str, bytes]


@dataclass(frozen=True, slots=True)
class SourceRef:
    """What the index's caches know an article by (its cache keys), plus what the site synonyms read:
    plain data, so a process that has no articles can look the site up (`standby.Standby`)."""

    path: str
    slug: str
    digest: str
    title: str
    aliases: tuple[str, ...]


def refs_of(articles: Iterable[Article]) -> tuple[SourceRef, ...]:
    return tuple(SourceRef(a.path, a.slug, a.digest, a.title, tuple(a.aliases)) for a in articles)


@cache
def build_digest() -> bytes:
    """What of ordbog and its environment (not of the site) the index files depend on."""
    # the generation covers ordbog's code, Python and the libraries (PyStemmer, numpy …); not data files
    h = hashlib.sha256(f"search-index-cache {FORMAT}\0{ordbog_cache.generation()}".encode())
    data = ordbog_cache.PACKAGE_DIR / "data"
    for name in DATA_FILES:
        h.update(f"\0{name}\0".encode())
        try:
            h.update((data / name).read_bytes())
        except OSError:
            h.update(b"?")
    return h.digest()


def config_digest(config: Config) -> str:
    """The whole configuration file's settings (not the folders: no index file shows them)."""
    from ordbog import workers

    return workers.config_fingerprint(config)


def site_key(config: Config, site: Site) -> str | None:
    """The key of the site's index files, or None when the cache is off or an article has no digest."""
    return articles_key(config, site.articles)


def articles_key(config: Config, articles: Iterable[Article | SourceRef]) -> str | None:
    """`site_key` of the site with these articles (or `SourceRef`s of them), in site order."""
    articles = list(articles)
    if ordbog_cache.cache_root() is None or any(not a.digest for a in articles):
        return None
    h = hashlib.sha256(build_digest())
    h.update(f"\0{config_digest(config)}".encode())
    for article in articles:
        h.update(f"\0{article.path}\0{article.slug}\0{article.digest}".encode())
    return h.hexdigest()[:40]


def stored(key: str | None) -> bool:
    """Whether a record is stored under `key` (not whether it is intact: `load` tells)."""
    path = _path(key) if key is not None else None
    return path is not None and path.is_file()


def load(key: str) -> Files | None:
    """The files stored under `key`, or None (missing, unreadable or corrupt record)."""
    path = _path(key)
    if path is None:
        return None
    try:
        with path.open("rb") as fh:
            if fh.read(len(MAGIC)) != MAGIC:
                return None
            (size,) = _LENGTH.unpack(fh.read(_LENGTH.size))
            if size > os.fstat(fh.fileno()).st_size:
                return None  # a damaged length: never allocate what the file cannot hold
            stored_key, names, lengths = marshal.loads(fh.read(size))
            if stored_key != key or len(names) != len(lengths):
                return None
            files = {}
            if sum(lengths) > os.fstat(fh.fileno()).st_size:
                return None
            for name, length in zip(names, lengths):
                data = fh.read(length)
                if type(name) is not str or len(data) != length:
                    return None
                files[name] = data
            if fh.read(1):
                return None  # more bytes than the header names
    except Exception:  # noqa: BLE001 - unreadable, foreign or damaged in any way: a miss, never an error
        return None
    try:
        os.utime(path)  # recently used
    except OSError:
        pass  # a read-only cache folder: still read
    return files


def store(key: str, files: Files) -> None:
    """Store `files` under `key` (atomically); keep only the `KEEP` most recently used records."""
    path = _path(key)
    if path is None:
        return
    tmp = path.with_name(f".tmp-{os.getpid()}-{path.name}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        header = marshal.dumps((key, list(files), [len(data) for data in files.values()]))
        with tmp.open("wb") as fh:
            fh.write(MAGIC + _LENGTH.pack(len(header)) + header)
            for data in files.values():
                fh.write(data)
        os.replace(tmp, path)
        ordbog_cache.keep_recent(path, "index-*.bin", KEEP)
    except (OSError, ValueError):  # a read-only cache folder only makes the next build slower
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass


def _path(key: str) -> Path | None:
    root = ordbog_cache.cache_root()
    return None if root is None else root / "search-web" / f"index-{key}.bin"

