"""A key → value store in a few large files ("packs"), for caches with one entry per article.

Creating a file costs far more than writing its bytes on many file systems (here 0.7–2 ms), so
a cache of one file per article makes a build that fills it seconds slower. A `PackStore` keeps
its entries in `SHARDS` files chosen by the key's first hex digit: a shard is read when first
needed (one `marshal.loads`) and rewritten atomically by `flush()` only when it changed.

Values are marshal-able data (here: dicts of bytes, tuples). Each entry remembers the day it was
last used; `flush()` drops entries unused for `max_age_days`, and — when a shard holds far more
entries than the build used — the ones this build did not use. A corrupt or unreadable shard is
an empty one: a cache never changes what a build makes, only how fast.
"""

from __future__ import annotations

import marshal
import os
import tempfile
import time
from pathlib import Path
from typing import Any

SHARDS = 16
UNUSED_DAYS = 30


def _today() -> int:
    return int(time.time() // 86_400)


class PackStore:
    def __init__(self, folder: Path, max_age_days: int = UNUSED_DAYS) -> None:
        self.folder = folder
        self.max_age_days = max_age_days
        self._shards: dict[str, dict[str, tuple[int, Any]]] = {}
        self._dirty: set[str] = set()
        self._used: dict[str, set[str]] = {}
        self.hits = self.misses = 0

    def _shard(self, key: str) -> dict[str, tuple[int, Any]]:
        name = key[:1]
        shard = self._shards.get(name)
        if shard is None:
            try:
                loaded = marshal.loads((self.folder / f"pack-{name}").read_bytes())
                shard = loaded if isinstance(loaded, dict) else {}
            except (OSError, EOFError, ValueError, TypeError):
                shard = {}
            self._shards[name] = shard
            self._used[name] = set()
        return shard

    def __len__(self) -> int:
        self.load_all()
        return sum(len(shard) for shard in self._shards.values())

    def load_all(self) -> None:
        """Read every shard now (e.g. before forking workers, which then share them)."""
        for digit in "0123456789abcdef":
            self._shard(digit)

    def __contains__(self, key: str) -> bool:
        entry = self._shard(key).get(key)
        return isinstance(entry, tuple) and len(entry) == 2

    def get(self, key: str) -> Any | None:
        shard = self._shard(key)
        entry = shard.get(key)
        if not (isinstance(entry, tuple) and len(entry) == 2):
            self.misses += 1
            return None
        self.hits += 1
        self._used[key[:1]].add(key)
        day, value = entry
        if day != _today():
            shard[key] = (_today(), value)
            self._dirty.add(key[:1])
        return value

    def put(self, key: str, value: Any, day: int | None = None) -> None:
        """Store `value` (`day`: when it was last used, for tests of pruning; default today)."""
        self._shard(key)[key] = (_today() if day is None else day, value)
        self._used[key[:1]].add(key)
        self._dirty.add(key[:1])

    def flush(self) -> None:
        """Write the changed shards (atomically; a cache that cannot be written is skipped)."""
        oldest = _today() - self.max_age_days
        self.load_all()  # so stale entries are dropped from every shard, not only the ones read
        stale = {name for name, shard in self._shards.items()
                 if any(entry[0] < oldest for entry in shard.values() if isinstance(entry, tuple) and entry)}
        for name in sorted(self._dirty | stale):
            shard, used = self._shards[name], self._used[name]
            crowded = len(shard) > 2 * len(used) + 64
            kept = {k: e for k, e in shard.items()
                    if k in used or (not crowded and isinstance(e, tuple) and len(e) == 2 and e[0] >= oldest)}
            tmp = None
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-")
                with os.fdopen(fd, "wb") as fh:
                    marshal.dump(kept, fh)
                os.replace(tmp, self.folder / f"pack-{name}")
            except (OSError, ValueError):
                if tmp is not None:
                    Path(tmp).unlink(missing_ok=True)
                continue
            self._shards[name] = kept
        self._dirty.clear()
