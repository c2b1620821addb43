"""Danish rules: slugs, alphabetical order, dates."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ordbog.danish.collation import danish_sort_key, index_letter
from ordbog.danish.dates import DateError, format_danish, parse_date
from ordbog.danish.slug import slugify, transliterate, unique_id


@pytest.mark.parametrize(
    "text, slug",
    [
        ("Hvad er årsagerne til muskelkramp?", "hvad-er-aarsagerne-til-muskelkramp"),
        ("Lændesmerter", "laendesmerter"),
        ("Ømme knæ & hæle", "oemme-knae-hæle".replace("æ", "ae")),
        ("Frossen skulder (adhæsiv kapsulitis)", "frossen-skulder-adhaesiv-kapsulitis"),
        ("Café-besøg", "cafe-besoeg"),
        ("  --  ", "side"),
    ],
)
def test_slugify(text: str, slug: str) -> None:
    assert slugify(text) == slug


def test_transliterate_keeps_case() -> None:
    assert transliterate("Ærø Åbenrå Øst") == "Aeroe Aabenraa Oest"


def test_unique_ids_get_suffixes() -> None:
    taken: set[str] = set()
    assert [unique_id("Øvelser", taken) for _ in range(3)] == ["oevelser", "oevelser-2", "oevelser-3"]


@given(st.text())
def test_slugs_are_url_safe_and_never_empty(text: str) -> None:
    slug = slugify(text)
    assert slug and all(c.isascii() and (c.isalnum() or c == "-") for c in slug)
    assert not slug.startswith("-") and not slug.endswith("-")


def test_danish_alphabet_order() -> None:
    words = ["Åreknuder", "Ødem", "Ærgrelse", "Zoneterapi", "Aarhus-knæ", "ankel", "Achillessene", "Ømhed"]
    assert sorted(words, key=danish_sort_key) == [
        "Achillessene", "ankel", "Zoneterapi", "Ærgrelse", "Ødem", "Ømhed", "Åreknuder", "Aarhus-knæ",
    ]


def test_accents_sort_with_their_base_letter() -> None:
    assert sorted(["Eksem", "Élan", "Ekko"], key=danish_sort_key) == ["Ekko", "Eksem", "Élan"]


@pytest.mark.parametrize(
    "title, letter",
    [("Ankel", "A"), ("Aarhus", "Å"), ("ældre", "Æ"), ("Ødem", "Ø"), ("Åreknuder", "Å"), ("3D-scanning", "#"), ("Über", "Y")],
)
def test_index_letter(title: str, letter: str) -> None:
    assert index_letter(title) == letter


@given(st.lists(st.text(max_size=12), max_size=30))
def test_collation_is_a_total_order(words: list[str]) -> None:
    keys = [danish_sort_key(w) for w in words]
    once = sorted(words, key=danish_sort_key)
    assert sorted(reversed(once), key=danish_sort_key) == once
    for a, ka in zip(words, keys):
        for b, kb in zip(words, keys):
            assert (ka == kb) == (a == b)


@pytest.mark.parametrize(
    "value, expected",
    [
        ("24/02/2024", dt.date(2024, 2, 24)),
        ("4/2/2024", dt.date(2024, 2, 4)),
        ("24.02.2024", dt.date(2024, 2, 24)),
        ("2024-02-24", dt.date(2024, 2, 24)),
        (dt.date(2024, 2, 24), dt.date(2024, 2, 24)),
    ],
)
def test_parse_date(value: object, expected: dt.date) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    "value, message",
    [
        ("31/02/2024", "'31/02/2024' findes ikke i kalenderen"),
        ("2024-13-01", "'2024-13-01' findes ikke i kalenderen"),
        ("i går", "'i går' er ikke en dato i formatet DD/MM/ÅÅÅÅ"),
        (20240224, "'20240224' er ikke en dato"),
    ],
)
def test_impossible_dates_are_explained(value: object, message: str) -> None:
    with pytest.raises(DateError, match="^" + message.replace("(", r"\(").replace(")", r"\)") + "$"):
        parse_date(value)


@pytest.mark.parametrize(
    "date, text",
    [(dt.date(2024, 2, 24), "24. februar 2024"), (dt.date(2025, 5, 1), "1. maj 2025"), (dt.date(2024, 12, 31), "31. december 2024")],
)
def test_danish_date_format(date: dt.date, text: str) -> None:
    assert format_danish(date) == text
