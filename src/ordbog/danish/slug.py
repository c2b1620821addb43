"""Slugs and heading ids: Danish text in, URL-safe ASCII out (æ→ae, ø→oe, å→aa)."""

from __future__ import annotations

import re
import unicodedata

_TRANSLIT = str.maketrans(
    {"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa", "ß": "ss", "ð": "d", "þ": "th"}
)
_NON_SLUG = re.compile(r"[^a-z0-9]+")


def transliterate(text: str) -> str:
    """Danish letters to their ASCII spelling, other accents dropped ("Ærø café" → "Aeroe cafe")."""
    text = text.translate(_TRANSLIT)
    if text.isascii():  # most Danish text, once æ, ø and å are spelled out: nothing to decompose
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def slugify(text: str, fallback: str = "side") -> str:
    """A lowercase, hyphenated ASCII slug; never empty."""
    slug = _NON_SLUG.sub("-", transliterate(text).lower()).strip("-")
    return slug or fallback


def unique_id(text: str, taken: set[str]) -> str:
    """A slug for `text` not in `taken` (suffix -2, -3, …); adds it to `taken`."""
    base = slugify(text, fallback="afsnit")
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    taken.add(candidate)
    return candidate
