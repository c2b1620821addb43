"""Compound-split cache: after an edit, the index splits again only the words whose split may change.

Pass 2 of the index splits every distinct word of the site against the site's vocabulary
(`analyzer.compound_parts`); at 385 articles that is a third of a one-edit build's index time.
A split reads only the vocabulary's entries for the word's own substrings, so against the
previous build's vocabulary and splits (one record per content folder, `Remembered`) a word that
contains none of `analyzer.split_keys(old, new)` keeps its split, and the rest are split again
(`indexer._Splitter`). Any previous record gives the same result as none, only sooner: its key
(ordbog's code, the analyzer's data, the content folder) only picks the record most likely to
be close. An unreadable or malformed record is no record; `ORDBOG_CACHE_DIR=off` turns it off.
"""

from __future__ import annotations

import hashlib
import marshal
from pathlib import Path

from ordbog.cache import cache_root, store_record
from ordbog.config import Config
from ordbog.search import indexcache
from ordbog.search.indexer import Splits

KEEP = 3  # records kept: the most recently used (sites built in turn)


class Remembered:
    """The `indexer.SplitMemory` of one configuration's content folder, in the cache folder."""

    def __init__(self, config: Config) -> None:
        self._previous: Splits | None = None
        self._read_yet = False
        root = cache_root()
        if root is None:
            self.path = None
            return
        h = hashlib.sha256(indexcache.build_digest())
        h.update(str(config.content_dir).encode())
        self.path: Path | None = root / f"search-splits-{h.hexdigest()[:32]}.marshal"

    def previous(self) -> Splits | None:
        """The record (read once: a process that gets ready for an index build reads it early)."""
        if not self._read_yet:
            self._previous, self._read_yet = self._read(), True
        return self._previous

    def _read(self) -> Splits | None:
        if self.path is None:
            return None
        try:
            vocab, parts = marshal.loads(self.path.read_bytes())
        except Exception:  # noqa: BLE001 - missing, unreadable or damaged: no record
            return None
        if not (type(vocab) is dict and type(parts) is dict
                and all(type(t) is str and type(n) is int for t, n in vocab.items())
                and all(type(w) is str and type(p) is tuple and all(type(x) is str for x in p)
                        for w, p in parts.items())):
            return None
        return vocab, parts

    def keep(self, splits: Splits) -> None:
        store_record(self.path, splits, "search-splits-*.marshal", KEEP)
