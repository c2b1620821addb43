"""Automatic internal links: where they go, which words they take, and which they leave alone.

Every fixture sentence is made up for these tests. The destination articles are in
tests/link_support.py (TERMS); the article under test is called `side`.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from ordbog import link
from ordbog.config import load_config
from tests.link_support import (
    config,
    html,
    linked,
    make_article,
    needs_dictionary,
    site_with,
)

pytestmark = needs_dictionary


@pytest.fixture
def cfg(tmp_path: Path):
    return config(tmp_path)


def test_a_mention_becomes_an_autolink_with_the_article_url(cfg) -> None:
    page = linked(cfg, "Hun har ondt i skulderen efter træningen.")
    assert '<a href="/ordbog/skulder/" class="autolink">skulderen</a>' in html(page)
    assert page.links == (("skulder", "skulderen"),)


def test_the_url_follows_base_url_and_url_prefix(tmp_path: Path) -> None:
    cfg = config(tmp_path, '[site]\nbase_url = "https://eksempel.dk/hjaelp"\nurl_prefix = "leksikon"\n')
    assert 'href="/hjaelp/leksikon/knae/"' in html(linked(cfg, "Et ømt knæ."))


@pytest.mark.parametrize(
    ("sentence", "linked_text"),
    [
        ("Skulderen gør ondt.", "Skulderen"),  # definite singular
        ("Begge skuldre gør ondt.", "skuldre"),  # indefinite plural
        ("Skuldrene er spændte.", "Skuldrene"),  # definite plural
        ("Skulderens led er lille.", "Skulderens"),  # genitive
        ("Knæet er hævet.", "Knæet"),
        ("Knæene er hævede.", "Knæene"),
        ("Anklerne er hævede.", "Anklerne"),
        ("Ondt i ryggen.", "ryggen"),  # consonant doubling
        ("Hun løber med anklen bandageret.", "anklen"),
    ],
)
def test_danish_inflections_are_recognised_without_typed_forms(cfg, sentence: str, linked_text: str) -> None:
    assert [text for _, text in linked(cfg, sentence).links] == [linked_text]


def test_multi_word_terms_inflect_and_the_longest_match_wins(cfg) -> None:
    page = linked(cfg, "Min frosne skulder og de frosne skuldre.")
    assert page.links == (("frossen-skulder", "frosne skulder"),)


def test_only_the_first_mention_of_each_destination_is_linked(cfg) -> None:
    page = linked(cfg, "Knæet svigter. Senere svigter knæet igen.\n\nOgså knæene.")
    assert page.links == (("knae", "Knæet"),)


def test_a_term_inside_a_compound_is_not_linked(cfg) -> None:
    page = linked(cfg, "Lægmusklerne og knæskallen, knæ-operationen og ankelskaden.")
    assert page.links == ()


def test_a_compound_that_is_itself_a_term_is_linked(cfg) -> None:
    extra = {"knaeskal": ("Knæskal", "Om knæskallen.")}
    assert linked(cfg, "Knæskallen sidder foran.", extra).links == (("knaeskal", "Knæskallen"),)


def test_a_compound_term_inflects_on_its_last_part(cfg) -> None:
    extra = {"skuldersmerter": ("Skuldersmerter", "Om smerter.")}
    assert linked(cfg, "Hans skuldersmerte er væk.", extra).links == (("skuldersmerter", "skuldersmerte"),)


def test_parentheses_in_a_title_name_two_terms(cfg) -> None:
    assert linked(cfg, "Slidgigt rammer mange.").links == (("artrose", "Slidgigt"),)


def test_never_in_headings_faq_questions_code_images_or_existing_links(cfg) -> None:
    body = """
        ## Skulder og knæ

        `knæ` i kode og ![et knæ](/knae.webp) og [min skulder](https://eksempel.dk/) og <a href="/x">ryg</a>.

        ## Ofte stillede spørgsmål

        ### Hvorfor gør mit knæ ondt?

        Det gør ryggen også.
        """
    page = linked(cfg, body)
    assert page.links == (("ryg", "ryggen"),)
    assert "<summary>Hvorfor gør mit knæ ondt?</summary>" in html(page)


def test_list_items_and_table_cells_get_links_table_headers_do_not(cfg) -> None:
    body = """
        - Ondt i anklen

        | Knæ | Del |
        | --- | --- |
        | Ryggen | Lænd |
        """
    assert [d for d, _ in linked(cfg, body).links] == ["ankel", "ryg"]


def test_never_a_link_to_the_page_itself(cfg) -> None:
    site, _ = link.link_site(cfg, site_with("Knæet."))
    assert site.by_slug()["knae"].links == ()  # its body is "Om knæ."
    assert linked(cfg, "En side om sider.").links == ()  # `side` is titled "Side"


def test_a_hand_written_link_to_an_article_counts_as_its_link(cfg) -> None:
    page = linked(cfg, "Se [knæ-siden](/ordbog/knae/). Knæet er et led.")
    assert page.links == ()


def test_a_keyword_for_an_article_that_does_not_exist_is_reported_and_unused(tmp_path: Path) -> None:
    cfg = config(tmp_path, '[links]\nkeywords = { "findes-ikke" = ["menisk"] }\n')
    site, diags = link.link_site(cfg, site_with("Menisken er slidt."))
    assert site.by_slug()["side"].links == ()
    assert [(d.code, d.message) for d in diags] == [
        ("ALN002", "[links] keywords nævner 'findes-ikke', som ikke er en artikel")
    ]


def test_at_most_max_per_page_links(tmp_path: Path) -> None:
    cfg = config(tmp_path, "[links]\nmax_per_page = 2\n")
    page = linked(cfg, "Skulder, knæ, ryg og hjerte.")
    assert [d for d, _ in page.links] == ["skulder", "knae"]


def test_the_default_maximum_scales_with_length(cfg) -> None:
    short = linked(cfg, "Skulder, knæ, ryg, ankel og hjerte.")
    assert len(short.links) == 3  # a 6-word page gets the minimum, 3


def test_stop_words_are_never_linked_in_any_form(tmp_path: Path) -> None:
    cfg = config(tmp_path, '[links]\nstop_words = ["ben"]\n')
    assert linked(cfg, "Benet og benene og et ben.").links == ()


def test_excluded_articles_are_never_destinations(tmp_path: Path) -> None:
    cfg = config(tmp_path, '[links]\nexclude = ["knae"]\n')
    assert linked(cfg, "Knæet og skulderen.").links == (("skulder", "skulderen"),)


def test_keywords_can_point_to_any_url(tmp_path: Path) -> None:
    cfg = config(tmp_path, '[links]\nkeywords = { "/kontakt/" = ["tidsbestilling"], "knae" = ["menisk"] }\n')
    page = linked(cfg, "Book en tidsbestilling om din menisk.")
    assert '<a href="/kontakt/" class="autolink">tidsbestilling</a>' in html(page)
    assert ("knae", "menisk") in page.links


def test_priorities_decide_between_destinations_sharing_a_term(tmp_path: Path) -> None:
    extra = {"knaeled": ("Knæled", "Om leddet.")}
    toml = '[links]\nkeywords = { "knaeled" = ["knæ"] }\npriorities = { "knaeled" = 5 }\n'
    assert linked(config(tmp_path, toml), "Et knæ.", extra).links == (("knaeled", "knæ"),)


def test_aliases_are_terms_with_their_inflections(cfg) -> None:
    extra = {"achillessene": ("Hælsene", "Om senen.")}
    assert linked(cfg, "Achillessenen er øm.", extra).links == ()
    site = site_with("Achillessenen er øm.", extra)
    site = dataclasses.replace(site, articles=tuple(
        make_article("achillessene", "Hælsene", "Om senen.", aliases=["Achillessene"]) if a.slug == "achillessene" else a
        for a in site.articles))
    linked_site, _ = link.link_site(cfg, site)
    assert linked_site.by_slug()["side"].links == (("achillessene", "Achillessenen"),)


def test_links_can_be_switched_off(tmp_path: Path) -> None:
    cfg = config(tmp_path, "[links]\nenabled = false\n")
    assert linked(cfg, "Skulderen.").links == ()


def test_without_the_dictionary_the_build_warns_and_uses_snowball(tmp_path: Path) -> None:
    cfg = config(tmp_path, '[links]\ndictionary = "/findes/ikke/da_DK"\n')
    site, diags = link.link_site(cfg, site_with("Skulderen og hjertet."))
    assert [d.code for d in diags] == ["ALN001"]
    assert site.by_slug()["side"].links == (("skulder", "Skulderen"), ("hjerte", "hjertet"))


def test_an_unknown_inflection_strategy_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "ordbog.toml").write_text('[links]\ninflection = "lemmy"\n', encoding="utf-8")
    cfg, diags = load_config(tmp_path, tmp_path / "_site", tmp_path / "ordbog.toml")
    assert cfg is None
    assert [(d.code, d.line) for d in diags] == [("CFG002", 2)]
