"""The word list of a hunspell dictionary (the .dic file), looked up by headword.

Input: the file's bytes. Output: per headword, the flag sets of its entries, the lemmas it is an
irregular form of (`ryg st:ryge`) and its own irregular forms (`komme al:kom al:kommet`), found by
binary search over the sorted lines and parsed on first use (see `Headwords`).
"""

from __future__ import annotations

import bisect
import re
from typing import NamedTuple


class Headwords:
    """The .dic file's entries, looked up by headword without parsing the whole file.

    The lines stay bytes and are sorted (one C-level sort, a few milliseconds; a Python pass over
    the 150,000 lines, or even unmarshalling them as a dict, costs more than linking a few hundred
    articles); a headword's lines are found by binary search and parsed on first use. The file's
    own order is not relied upon (Stavekontrolden's is Danish collation with irregular forms next
    to their lemma).
    """

    def __init__(self, data: bytes) -> None:
        lines = data.split(b"\n")
        del lines[0]  # the entry count
        lines.sort()
        self._lines = lines
        self._parsed: dict[str, Entry] = {}

    def lookup(self, word: str) -> Entry:
        found = self._parsed.get(word)
        if found is None:
            found = self._parsed[word] = _parse_lines(word, self._lines_of(word))
        return found

    def _lines_of(self, word: str) -> list[str]:
        key = word.encode("utf-8")
        n, lines = len(key), self._lines
        out = []
        # lines that start with the word and go on with a byte ≤ "/" are contiguous in byte order
        for i in range(bisect.bisect_left(lines, key), len(lines)):
            line = lines[i]
            if not line.startswith(key) or (len(line) > n and line[n] > 0x2F):
                break
            if len(line) == n or line[n] in _ENDS_HEADWORD:
                out.append(line.decode("utf-8"))
        return out

    def headwords(self) -> list[str]:
        """Every word with an entry of its own (not only `st:`), sorted; this reads every line."""
        lines = (_DIC_LINE.match(line.decode("utf-8")) for line in self._lines)
        return sorted({m.group(1) for m in lines if m is not None and not m.group(3)})


class Entry(NamedTuple):
    """What the dictionary says about one headword (a tuple: thousands are made per build)."""

    flags: tuple[frozenset[str], ...]  # the flag set of each of its entries
    lemmas: tuple[str, ...]  # `ryg st:ryge`: the words it is an irregular form of
    alternates: tuple[str, ...]  # `komme al:kom al:kommet`: its irregular forms


_ENDS_HEADWORD = frozenset(b"/ \t\r\x0b\x0c\x1c\x1d\x1e\x1f")  # "/" and what Python's \s matches below "/"
_DIC_LINE = re.compile(r"([^/\s]+)(?:/(\S*))?(?:[ \t]+st:(\S+))?")
_ALTERNATES = re.compile(r"[^/\s]+\S*([ \t].*al:.*)$")
_ALTERNATE = re.compile(r"al:(\S+)")


def _parse_lines(word: str, lines: list[str]) -> Entry:
    flags: list[frozenset[str]] = []
    lemmas: list[str] = []
    alternates: list[str] = []
    for line in lines:
        m = _DIC_LINE.match(line)
        if m is None or m.group(1) != word:
            continue
        if m.group(3):
            lemmas.append(m.group(3))
        else:
            flags.append(frozenset(m.group(2).split(",")) if m.group(2) else frozenset())
        if (alt := _ALTERNATES.match(line)) is not None:
            alternates += _ALTERNATE.findall(alt.group(1))
    return Entry(tuple(flags), tuple(lemmas), tuple(alternates))


class EntryView:
    """One field of the entries as a read-only mapping: word → non-empty tuple."""

    def __init__(self, headwords: Headwords, field: int) -> None:
        self._headwords, self._field, self._parsed = headwords, field, headwords._parsed

    def get(self, word: str, default: tuple = ()) -> tuple:
        entry = self._parsed.get(word)
        if entry is None:
            entry = self._headwords.lookup(word)
        return entry[self._field] or default

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and bool(self.get(word))

    def __getitem__(self, word: str) -> tuple:
        found = self.get(word)
        if not found:
            raise KeyError(word)
        return found
