"""When the preview may reuse a previous result: equality that includes tokens, and lookups recorded.

`ReadLog` wraps a mapping handed to a render function and records every key looked up (and what
it held); `Rendered.still_valid` then says whether those lookups would give the same answers now.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ordbog.model import Article


def same_article(old: Article | None, new: Article) -> bool:
    """Equal including tokens (Article's own equality ignores them); identity first, it is cheap."""
    return old is new or (old is not None and old == new and (old.tokens is new.tokens or old.tokens == new.tokens))


_MISSING = object()


class ReadLog(Mapping[Any, Any]):
    """A read-only view of a mapping that remembers the keys looked up and what they held."""

    def __init__(self, data: Mapping[Any, Any]):
        self.data = data
        self.reads: dict[Any, Any] = {}
        self.everything = False  # iterated or measured: depends on every entry

    def _read(self, key: Any) -> Any:
        value = self.data.get(key, _MISSING)
        self.reads[key] = value
        return value

    def __getitem__(self, key: Any) -> Any:
        value = self._read(key)
        if value is _MISSING:
            raise KeyError(key)
        return value

    def __contains__(self, key: object) -> bool:
        return self._read(key) is not _MISSING

    def get(self, key: Any, default: Any = None) -> Any:
        value = self._read(key)
        return default if value is _MISSING else value

    def __iter__(self) -> Any:
        self.everything = True
        return iter(self.data)

    def __len__(self) -> int:
        self.everything = True
        return len(self.data)


def same_value(a: Any, b: Any) -> bool:
    if a is b:
        return True
    if a is _MISSING or b is _MISSING:
        return False
    if isinstance(a, Article) and isinstance(b, Article):
        return same_article(a, b)
    return bool(a == b)


@dataclass(frozen=True, slots=True)
class Rendered:
    """One article's files, the context they were rendered with, and what that context read."""

    context: Any
    files: Mapping[str, bytes]
    reads: tuple[dict[Any, Any], dict[Any, Any]] | None  # (by_slug reads, backrefs reads); None: everything

    def still_valid(self, by_slug: Mapping[str, Article], backrefs: Mapping[str, Any]) -> bool:
        if self.reads is None:
            return False
        site_reads, refs_reads = self.reads
        return (all(same_value(v, by_slug.get(k, _MISSING)) for k, v in site_reads.items())
                and all(same_value(v, backrefs.get(k, _MISSING)) for k, v in refs_reads.items()))
