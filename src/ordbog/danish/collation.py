"""Danish alphabetical order: A–Z, then Æ, Ø, Å; a leading "Aa" counts as Å.

The order follows Dansk Sprognævn's rules as used by dictionaries: letters compare
case-insensitively and accent-insensitively first (é = e, ü = y), then ties are broken by
the exact text so the order is total.
"""

from __future__ import annotations

import functools
import unicodedata

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZÆØÅ"
_RANK = {ch: i for i, ch in enumerate(ALPHABET)}
# Letters that Danish sorts as another letter.
_EQUIV = {"Ä": "Æ", "Ö": "Ø", "Ü": "Y", "W": "W", "Ð": "D", "Ł": "L"}
_DIGITS_RANK = -1


def _base_letter(ch: str) -> str:
    upper = ch.upper()
    if upper in _RANK:
        return upper
    if upper in _EQUIV:
        return _EQUIV[upper]
    decomposed = unicodedata.normalize("NFD", upper)
    return decomposed[0] if decomposed else upper


def _normalise_aa(text: str) -> str:
    """Word-initial "Aa"/"aa" is the old spelling of "Å" (Aarhus, Aabenraa)."""
    words = text.split(" ")
    return " ".join("Å" + w[2:] if w[:2].lower() == "aa" else w for w in words)


@functools.lru_cache(maxsize=1 << 16)  # titles are sorted again and again (index, API, 'Se også', preview)
def danish_sort_key(text: str) -> tuple:
    """Key for sorted(): Danish dictionary order, total and deterministic."""
    normalised = _normalise_aa(text.strip())
    primary = []
    for ch in normalised:
        base = _base_letter(ch)
        if base in _RANK:
            primary.append((1, _RANK[base], ""))
        elif base.isdecimal():
            primary.append((0, int(base), ""))
        elif base.isspace() or base in "-–—":
            primary.append((0, _DIGITS_RANK, ""))
        elif base.isalpha():
            primary.append((1, len(ALPHABET), base))
        # punctuation is ignored at the primary level
    return (tuple(primary), normalised.casefold(), text)


def index_letter(text: str) -> str:
    """The letter a title is filed under in the A–Å index ("#" for digits and symbols)."""
    normalised = _normalise_aa(text.strip())
    for ch in normalised:
        base = _base_letter(ch)
        if base in _RANK:
            return base
        if base.isalnum():
            return "#"
    return "#"
