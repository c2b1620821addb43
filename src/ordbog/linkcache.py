"""Linked-site cache: a rebuild of an unchanged site reuses where its automatic links went.

Input: the configuration, the unlinked site and the dictionary file. Output: a key, and per
article the links `linkinline.choose_links` chose, or None on a miss.

The key covers everything linking reads: ordbog's code (`cache.generation`), the whole
configuration, the dictionary file (path, size, modification time) and every article's path, slug
and source digest, in order (the analysed tokens, titles and aliases follow from the source and
the configuration). Any change — one article, one setting — is a miss, and the site is linked as
usual. Articles made in memory (no digest) are never cached. Records are marshal'd; the most
recently used few are kept (several sites or configurations built in turn still hit), the rest
deleted. An unreadable or corrupt record is a miss: the cache never changes what a build produces.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import os
from pathlib import Path

from ordbog.cache import cache_root, generation, keep_recent
from ordbog.config import Config
from ordbog.danish.hunspell import dictionary_fingerprint
from ordbog.linkinline import Chosen
from ordbog.model import Site

KEEP = 8  # records kept: the most recently used
Record = list[tuple[Chosen, tuple[tuple[str, str], ...]]]  # per article: positions, links


def site_key(config: Config, site: Site, dictionary: Path | None) -> str | None:
    """The site's key, or None when the cache is off or an article has no source digest."""
    if cache_root() is None or any(not a.digest for a in site.articles):
        return None
    h = hashlib.sha256(generation().encode())
    h.update(json.dumps(config.file.model_dump(mode="json"), sort_keys=True).encode())
    if dictionary is not None:
        fingerprint = dictionary_fingerprint(dictionary)
        if fingerprint is None:
            return None
        h.update(f"\0{fingerprint}".encode())
    for article in site.articles:
        h.update(f"\0{article.path}\0{article.slug}\0{article.digest}".encode())
    return h.hexdigest()[:32]


def load(key: str, articles: int) -> Record | None:
    path = _path(key)
    if path is None:
        return None
    try:
        record = marshal.loads(path.read_bytes())
        os.utime(path)  # recently used
    except (OSError, ValueError, EOFError, TypeError):
        return None
    if not isinstance(record, list) or len(record) != articles:
        return None
    return record


def store(key: str, record: Record) -> None:
    path = _path(key)
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(marshal.dumps(record))
        os.replace(tmp, path)
        keep_recent(path, "links-*.marshal", KEEP)
    except (OSError, ValueError):
        pass  # a read-only cache folder only makes the next build slower


def _path(key: str) -> Path | None:
    root = cache_root()
    return None if root is None else root / f"links-{key}.marshal"

