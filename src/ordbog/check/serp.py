"""How wide a title is in a search result: Arial at 20 px, as desktop result titles are set.

Widths are Arial's advance widths in thousandths of an em (the font's published metrics); characters
not listed count as an average lowercase letter. Good enough to tell 560 px from 640 px.
"""

from __future__ import annotations

FONT_PX = 20
_AVERAGE = 556
_WIDTHS: dict[str, int] = {
    **dict.fromkeys("abdeghnopqu0123456789", 556), **dict.fromkeys("ckvxyzsJ", 500),
    **dict.fromkeys("fjt", 278), "i": 222, "j": 222, "l": 222, "m": 833, "r": 333, "w": 722,
    **dict.fromkeys("ABEKPSVXY", 667), **dict.fromkeys("CDHNRU", 722), **dict.fromkeys("GOQ", 778),
    "F": 611, "T": 611, "Z": 611, "I": 278, "L": 556, "M": 833, "W": 944,
    "æ": 889, "ø": 611, "å": 556, "Æ": 1000, "Ø": 778, "Å": 667, "é": 556, "ü": 556, "ö": 556, "ä": 556,
    " ": 278, ".": 278, ",": 278, ":": 278, ";": 278, "!": 278, "?": 556, "'": 191, '"': 355,
    "-": 333, "–": 556, "—": 1000, "/": 278, "|": 260, "(": 333, ")": 333, "&": 667, "%": 889, "+": 584,
}


def title_pixels(text: str) -> int:
    """Approximate rendered width of `text` in pixels."""
    return round(sum(_WIDTHS.get(ch, _AVERAGE) for ch in text) * FONT_PX / 1000)
