"""The measuring behind the content rules: LIX, sentence splitting, shingle similarity, topic keys,
and the messages that name the other file."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from check_fixtures import LONG_BODY, NEAR_COPY_BODY, SIBLING_A, SIBLING_B, check_folder, text, write
from ordbog.check import lix
from ordbog.check.duplicates import similar_pairs, topic_key
from ordbog.check.serp import title_pixels


def test_lix_of_a_known_text() -> None:
    # 12 words, 2 sentences, 4 words longer than six letters: 12/2 + 100·4/12 = 39.3
    counts = lix.count("Fysioterapeuten hjælper dig. Hun giver øvelser til skulderen og ryggen hver dag.")
    assert (counts.words, counts.sentences, counts.long_words) == (12, 2, 4)
    assert round(counts.lix, 1) == 39.3


@pytest.mark.parametrize("value, band", [(10, "meget let"), (24, "meget let"), (25, "let"), (34, "let"), (35, "middel"),
                                         (44.4, "middel"), (45, "svær"), (54, "svær"), (55, "meget svær"), (70, "meget svær")])
def test_lix_bands(value: float, band: str) -> None:
    assert lix.band(value) == band


def test_sentences_end_at_full_stop_question_and_colon_before_a_capital() -> None:
    assert lix.sentences("Hvad er det? Det er ondt. Husk: Drik vand. Ca. 2 liter om dagen, fx. vand.") == [
        "Hvad er det?", "Det er ondt.", "Husk:", "Drik vand.", "Ca.", "2 liter om dagen, fx. vand."]


def _shingles(body: str) -> frozenset[int]:
    from ordbog.analyse import analyse
    from ordbog.check.duplicates import shingles
    from ordbog.check.prose import running_text
    from ordbog.model import Source

    article, _ = analyse(Source("x.md", "x", {"title": "X", "metaTitle": "X – y"}, {}, body, 1, ""))
    assert article is not None
    return shingles(running_text(article))


def test_a_copy_with_three_sentences_changed_scores_high_and_template_siblings_low() -> None:
    copy = similar_pairs({"a": _shingles(LONG_BODY), "b": _shingles(NEAR_COPY_BODY)}, 0.0)
    siblings = similar_pairs({"a": _shingles(SIBLING_A), "b": _shingles(SIBLING_B)}, 0.0)
    assert copy[0][0] > 0.6
    assert siblings == [] or siblings[0][0] < 0.2


def test_three_copies_give_three_pairs() -> None:
    sets = {k: _shingles(LONG_BODY) for k in "abc"}
    assert [(p[1], p[2]) for p in similar_pairs(sets, 0.5)] == [("a", "b"), ("a", "c"), ("b", "c")]


def test_near_duplicate_message_names_the_other_file(tmp_path: Path) -> None:
    content = write(tmp_path, {"a.md": text({"title": '"A"', "metaTitle": '"A – a"'}, LONG_BODY),
                               "b.md": text({"title": '"B"', "metaTitle": '"B – b"'}, NEAR_COPY_BODY)})
    dup = [f.diagnostic for f in check_folder(content, select=("near-duplicate",))]
    assert [(Path(d.path).name, d.message.split(" ens med ")[1]) for d in dup] == [
        ("a.md", str(content / "b.md")), ("b.md", str(content / "a.md"))]
    assert dup[0].message.startswith("artiklen er ") and dup[0].message.split()[2].endswith("%")


@pytest.mark.parametrize("a, b", [("Karpel tunnel", "Karpeltunnelsyndrom"), ("Tarsal-tunnel", "tarsaltunnel"),
                                  ("Rygsmerte", "Rygsmerter"), ("Piriformis syndrom", "Piriformis")])
def test_same_topic(a: str, b: str) -> None:
    assert topic_key(a) == topic_key(b)


@pytest.mark.parametrize("a, b", [("Lunge", "Lungesygdomme"), ("Knæ", "Knæsmerter"), ("Ryg", "Rygsmerter"),
                                  ("Skulder", "Frossen skulder")])
def test_different_topics(a: str, b: str) -> None:
    assert topic_key(a) != topic_key(b)


def test_title_pixels_tell_wide_from_narrow() -> None:
    assert title_pixels("iiiiiiiiii") < title_pixels("WWWWWWWWWW")
    assert 540 < title_pixels("Karpaltunnelsyndrom – Hvad er karpaltunnelsyndrom? Tegn og råd") < 620


MARKDOWN_PIECES = st.sampled_from([
    "# H1\n", "## Afsnit\n", "### Spørgsmål?\n", "#### Dybt\n", "## Ofte stillede spørgsmål\n", "Tekst. ", "Kort sætning! ",
    "[link](/ordbog/x/#y) ", "[a](b.md) ", "![b](/billede.png) ", "<!-- ordbog-ignore: RDB002 -->\n", "KORT: ",
    "TODO ", "xxx ", "[indsæt tekst] ", "http://x.dk ", "| a | b |\n| - | - |\n| 1 | 2 |\n", "```\nkode  \n```\n",
    "- punkt\n", "\n", "\n\n", "  \n", "\t", "æøå ÆØÅ ", "Langtordsammensætningerne ", ": ", "? ", "\r\n",
])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(MARKDOWN_PIECES, max_size=40).map("".join), st.lists(MARKDOWN_PIECES, max_size=40).map("".join))
def test_the_check_never_raises(tmp_path: Path, first: str, second: str) -> None:
    content = write(tmp_path, {"a.md": text(body=first), "b.md": text({"title": '"B"', "metaTitle": '"B – b"'}, body=second)})
    for f in check_folder(content):
        assert f.diagnostic.line >= 1 and f.diagnostic.column >= 1 and f.diagnostic.message
