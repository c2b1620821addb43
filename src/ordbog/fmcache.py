"""Parsed-frontmatter memo: an article's YAML frontmatter text → the data PyYAML made of it.

Even with its C parser, PyYAML builds the values in Python: about half of loading a content
folder. A build of a folder whose frontmatter did not change reads them from one marshal'd file
instead: `<cache>/frontmatter-<key>.marshal`, where the key covers ordbog's code (`generation()`,
which includes the loader's settings), PyYAML's version and whether its C parser is used. An entry
is keyed by the SHA-256 of the exact text and holds the marshal'd data, so every lookup makes new
objects (two files with the same frontmatter never share a mutable value). Text PyYAML rejects is
never stored (its error is made again), nor data marshal cannot hold. An unreadable or corrupt
memo is an empty one; entries no build of this folder used are dropped when it is written.
"""

from __future__ import annotations

import hashlib
import marshal
import os
from pathlib import Path
from typing import Any

from ordbog.cache import cache_root, generation


def memo_path(loader: str) -> Path | None:
    root = cache_root()
    if root is None:
        return None
    key = hashlib.sha256(f"{generation()}\0{loader}".encode()).hexdigest()[:16]
    return root / f"frontmatter-{key}.marshal"


class FrontmatterMemo:
    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._entries: dict[str, bytes] | None = None
        self._used: set[str] = set()
        self._added = False

    def _all(self) -> dict[str, bytes]:
        if self._entries is None:
            self._entries = {}
            if self.path is not None:
                try:
                    loaded = marshal.loads(self.path.read_bytes())
                except (OSError, EOFError, ValueError, TypeError):
                    loaded = None
                if isinstance(loaded, dict):
                    self._entries = {k: v for k, v in loaded.items() if type(k) is str and type(v) is bytes}
        return self._entries

    @staticmethod
    def _key(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()

    def get(self, text: str) -> tuple[bool, Any]:
        """(True, a new copy of the data) for text seen before, else (False, None)."""
        key = self._key(text)
        data = self._all().get(key)
        if data is None:
            return False, None
        try:
            value = marshal.loads(data)
        except (EOFError, ValueError, TypeError):
            return False, None
        self._used.add(key)
        return True, value

    def put(self, text: str, value: Any) -> None:
        try:
            data = marshal.dumps(value)
        except ValueError:  # a value marshal cannot hold: parsed again next time
            return
        key = self._key(text)
        self._all()[key] = data
        self._used.add(key)
        self._added = True

    def flush(self) -> None:
        """Write the memo if this build added entries or left some unused (atomic; errors ignored)."""
        if self.path is None or self._entries is None:
            return
        crowded = len(self._entries) > 2 * len(self._used) + 1000  # several sites may share the cache
        if not self._added and not crowded:
            return
        kept = {k: v for k, v in self._entries.items() if k in self._used or not crowded}
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_bytes(marshal.dumps(kept))
            os.replace(tmp, self.path)
            for other in self.path.parent.glob("frontmatter-*.marshal"):  # other code or PyYAML versions
                if other != self.path:
                    other.unlink(missing_ok=True)
        except OSError:
            try:
                tmp.unlink(missing_ok=True)
            except OSError:  # e.g. the cache folder's parent is a file: nothing was written
                pass
        self._entries, self._added = kept, False
