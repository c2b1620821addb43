"""Danish inflection for linking: the hunspell reader (on a tiny dictionary written for these
tests, tests/data/hunspell/mini.*) and the real Danish dictionary when it is installed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ordbog.danish import hunspell
from ordbog.danish.hunspell import ADJ, NOUN, VERB, find_dictionary, load_lexicon
from ordbog.danish.inflect import hunspell_forms, make_inflector
from tests.link_support import needs_dictionary

MINI = Path(__file__).parent / "data" / "hunspell" / "mini.aff"


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORDBOG_CACHE_DIR", str(tmp_path / "cache"))
    load_lexicon.cache_clear()


def test_a_paradigm_comes_from_the_tagged_suffix_rules() -> None:
    lexicon = load_lexicon(MINI)
    assert hunspell_forms(lexicon, "hofte", head=True) == {
        "hofte", "hoften", "hoftes", "hofter", "hofterne"
    }


def test_consonant_doubling_needs_a_further_suffix() -> None:
    forms = hunspell_forms(load_lexicon(MINI), "ryg", head=True)
    assert forms == {"ryg", "rygs", "ryggen", "rygge", "ryggene"}
    assert "rygg" not in forms


def test_an_inflected_title_word_finds_its_lemma_two_suffixes_deep() -> None:
    assert hunspell_forms(load_lexicon(MINI), "ryggen", head=True) == {"ryg", "rygs", "ryggen", "rygge", "ryggene"}


def test_a_compound_inflects_on_its_last_part() -> None:
    assert hunspell_forms(load_lexicon(MINI), "hoftesmerte", head=True) == {
        "hoftesmerte", "hoftesmerten", "hoftesmertes", "hoftesmerter", "hoftesmerterne"
    }


def test_a_word_the_dictionary_lacks_has_no_paradigm() -> None:
    assert hunspell_forms(load_lexicon(MINI), "xyzqw", head=True) is None


def test_word_classes_come_from_rule_tags_and_irregular_forms() -> None:
    lexicon = load_lexicon(MINI)
    assert lexicon.classes("hoften") == {NOUN}
    assert lexicon.classes("nakker") == {NOUN, VERB}  # plural of the noun, present of the verb
    assert VERB in lexicon.classes("ryg")  # "ryg st:ryge": also the imperative of "ryge"
    assert ADJ in lexicon.classes("raskere")


def test_irregular_forms_inflect_words_inside_a_phrase_only() -> None:
    lexicon = load_lexicon(MINI)
    assert {"røg", "røget"} <= hunspell_forms(lexicon, "ryge", head=False)
    assert make_inflector("hunspell", lambda prefixes: [], MINI).comparative("ældre")
    assert not make_inflector("hunspell", lambda prefixes: [], MINI).comparative("hofte")


def test_the_dictionary_is_read_in_any_line_order_and_with_crlf(tmp_path: Path) -> None:
    lines = MINI.with_suffix(".dic").read_text(encoding="utf-8").splitlines()
    shuffled = tmp_path / "blandet.aff"
    shuffled.write_bytes(MINI.read_bytes())
    shuffled.with_suffix(".dic").write_bytes("\r\n".join([lines[0], *reversed(lines[1:])]).encode() + b"\r\n")
    original, reordered = load_lexicon(MINI), load_lexicon(shuffled)
    for word in ("hofte", "ryg", "ryge", "nakke", "nakker", "ældre", "gammel", "smerter", "xyzqw"):
        assert hunspell_forms(reordered, word, head=True) == hunspell_forms(original, word, head=True)
        assert hunspell_forms(reordered, word, head=False) == hunspell_forms(original, word, head=False)
        assert reordered.classes(word) == original.classes(word)


def test_a_headword_is_not_confused_with_longer_words_that_start_like_it(tmp_path: Path) -> None:
    aff = tmp_path / "ord.aff"
    aff.write_bytes(MINI.read_bytes())
    aff.with_suffix(".dic").write_text("5\nben-\nbenet/10\nben/10,11\nben st:bene\nben/2\n", encoding="utf-8")
    lexicon = load_lexicon(aff)
    assert lexicon.entries.get("ben") == (frozenset({"10", "11"}), frozenset({"2"}))
    assert lexicon.irregular.get("ben") == ("bene",)
    assert lexicon.entries.get("ben-") == (frozenset(),)
    assert "be" not in lexicon.entries and lexicon.entries.get("be") == ()
    assert lexicon.headwords.headwords() == ["ben", "ben-", "benet"]


def test_find_dictionary_takes_a_path_with_or_without_extension() -> None:
    assert find_dictionary(str(MINI)) == MINI
    assert find_dictionary(str(MINI.with_suffix(""))) == MINI
    assert find_dictionary("/findes/ikke/da_DK") is None


def test_snowball_finds_forms_among_the_sites_words() -> None:
    inflector = make_inflector("snowball", lambda prefixes: ["fascien", "fascierne", "fasan", "knæ"], None)
    assert inflector.forms("fascie") == {"fascie", "fascien", "fascierne"}


def test_exact_strategy_keeps_the_word_as_written() -> None:
    assert make_inflector("exact", lambda prefixes: [], None).forms("skulder") == {"skulder"}


@needs_dictionary
@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("skulder", {"skulderen", "skuldre", "skuldrene", "skulderens"}),
        ("knæ", {"knæet", "knæene", "knæets"}),
        ("ankel", {"anklen", "ankler", "anklerne"}),
        ("frossen", {"frosne", "frossent"}),
    ],
)
def test_the_danish_dictionary_gives_full_paradigms(word: str, expected: set[str]) -> None:
    forms = hunspell_forms(load_lexicon(find_dictionary()), word, head=word != "frossen")
    assert expected <= forms
    assert "læge" not in hunspell_forms(load_lexicon(find_dictionary()), "læg", head=True)  # doctor, not calf


def test_answers_are_memoised_so_a_rebuild_does_not_load_the_dictionary() -> None:
    first = make_inflector("hunspell", lambda prefixes: [], MINI, memo=True)
    forms, classes = first.forms("hofte"), first.classes("nakker")
    first.save_memo()
    again = make_inflector("hunspell", lambda prefixes: [], MINI, memo=True)
    assert (again.forms("hofte"), again.classes("nakker")) == (forms, classes)
    assert again._lexicon is None  # answered from the memo
    again.forms("smerte")
    assert again._lexicon is not None  # a new question loads it


_UNITS = st.sampled_from(["a", "e", "r", "æ", "-", ".", "[aeiou]", "[^aeiou]", "[^e]", "[æøå]"])


@given(st.lists(_UNITS, min_size=1, max_size=4).map("".join), st.text("aeiorstæøå-", max_size=6))
def test_a_rule_condition_is_checked_as_the_regular_expression_hunspell_means(condition: str, word: str) -> None:
    expected = re.search(f"(?:{'' if condition == '.' else condition})$", word) is not None
    assert (hunspell._Condition(condition).search(word) is not None) == expected
