"""Automatic links and word senses: short and ambiguous words, names, idioms (made-up sentences)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.link_support import config, linked, needs_dictionary

pytestmark = needs_dictionary


@pytest.fixture
def cfg(tmp_path: Path):
    return config(tmp_path)


def dests(page) -> list[str]:
    return [d for d, _ in page.links]


def test_a_verb_form_after_a_pronoun_or_modal_is_not_the_noun(cfg) -> None:
    assert dests(linked(cfg, "Han løb hjem, og vi kan læg planer.")) == []
    assert dests(linked(cfg, "Et langt løb og en øm læg.")) == ["loeb", "laeg"]


def test_a_capitalised_word_in_mid_sentence_is_a_name(cfg) -> None:
    assert dests(linked(cfg, "Vi træner hos Balance Klinikken i byen.")) == []
    assert dests(linked(cfg, "Balance er vigtig. God balance hjælper.")) == ["balance"]


def test_a_proper_noun_title_only_links_with_its_capital(cfg) -> None:
    extra = {"give": ("Give", "Byen Give ligger i Jylland. Folk i Give kender byen.")}
    assert dests(linked(cfg, "Det kan give smerter.", extra)) == []
    assert dests(linked(cfg, "Hun bor i Give nu.", extra)) == ["give"]


def test_an_acronym_only_links_in_capitals(cfg) -> None:
    extra = {"kol": ("KOL", "Om KOL.")}
    assert dests(linked(cfg, "Han har KOL.", extra)) == ["kol"]
    assert dests(linked(cfg, "En kol morgen.", extra)) == []


def test_a_comparative_title_before_a_noun_means_older(cfg) -> None:
    assert dests(linked(cfg, "Ældre børn kan også få ondt.")) == []
    assert dests(linked(cfg, "Mange ældre har ondt.")) == ["aeldre"]


def test_a_genitive_must_be_followed_by_its_noun(cfg) -> None:
    assert dests(linked(cfg, "Lav squats og lunges, når du kan.")) == []
    assert dests(linked(cfg, "Lungens kapacitet falder.")) == ["lunge"]


def test_a_short_term_written_apart_from_its_compound_is_not_linked(cfg) -> None:
    assert dests(linked(cfg, "Lav ben sving og arm cirkler.")) == []
    assert dests(linked(cfg, "Stræk arm og ben.")) == ["arm", "ben"]


def test_fixed_expressions_are_not_mentions(cfg) -> None:
    assert dests(linked(cfg, "I løbet af dagen er han kommet på benene igen, og han står på egne ben.")) == []


def test_a_sentence_start_after_punctuation_may_be_capitalised(cfg) -> None:
    assert dests(linked(cfg, "Det er godt. Knæet er fint.")) == ["knae"]


def test_the_forms_a_typed_keyword_list_missed_are_found(cfg) -> None:
    extra = {"squat": ("Squat", "Om squat."), "planke": ("Planke", "Om planken.")}
    page = linked(cfg, "Lav squats og hold planken. Hjertets slag bliver hurtigere.", extra)
    assert page.links == (("squat", "squats"), ("planke", "planken"), ("hjerte", "Hjertets"))
