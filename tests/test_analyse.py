"""Analyse stage: frontmatter → typed Article, legacy quirks repaired with warnings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ordbog.analyse import analyse, cut_description, recover_title_from_slug
from ordbog.load import read_source


def analysed(tmp_path: Path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    source, diags = read_source(path)
    assert source is not None, diags
    article, more = analyse(source)
    return article, [d.format() for d in diags + more]


KNAE = """---
title: "Knæ"
metaTitle: "Knæ – Hvad er knæet? Smerter og behandling"
lastUpdated: 24/02/2024
datePublished: "2023-11-05"
aliases: [knæled, knæet]
related:
  - type: ordbog
    slug: menisk
    title: Menisk
---

Knæet er kroppens største led og bærer vægten, når du går, løber og hopper.

## Hvad er knæet?

Knæleddet forbinder lårbenet og skinnebenet.

## Hvad er knæet?

En gentaget overskrift får et unikt id.

## Ofte stillede spørgsmål om knæ

### Hvorfor knager mit knæ?

Knagen uden smerter er som regel ufarligt.

### Hvornår skal jeg søge hjælp?

Hvis knæet hæver op eller låser.
"""


def test_article_fields(tmp_path: Path) -> None:
    article, diags = analysed(tmp_path, "knae.md", KNAE)
    assert diags == []
    assert article.slug == "knae"
    assert article.title == "Knæ"
    assert article.meta_title == "Knæ – Hvad er knæet? Smerter og behandling"
    assert article.description == "Knæet er kroppens største led og bærer vægten, når du går, løber og hopper."
    assert article.last_updated == dt.date(2024, 2, 24)
    assert article.date_published == dt.date(2023, 11, 5)
    assert article.aliases == ("knæled", "knæet")
    assert [(r.type, r.slug, r.title) for r in article.related] == [("ordbog", "menisk", "Menisk")]


def test_heading_ids_are_danish_and_unique(tmp_path: Path) -> None:
    article, _ = analysed(tmp_path, "knae.md", KNAE)
    assert [h.id for h in article.toc] == ["hvad-er-knaeet", "hvad-er-knaeet-2", "ofte-stillede-spoergsmaal-om-knae"]
    assert [h.line for h in article.toc] == [15, 19, 23]


def test_faq_questions_and_answers(tmp_path: Path) -> None:
    article, _ = analysed(tmp_path, "knae.md", KNAE)
    assert [(f.question, f.answer, f.line) for f in article.faq] == [
        ("Hvorfor knager mit knæ?", "Knagen uden smerter er som regel ufarligt.", 25),
        ("Hvornår skal jeg søge hjælp?", "Hvis knæet hæver op eller låser.", 29),
    ]
    assert article.faq_heading is not None and article.faq_heading.text == "Ofte stillede spørgsmål om knæ"


def test_sections_split_at_h2(tmp_path: Path) -> None:
    article, _ = analysed(tmp_path, "knae.md", KNAE)
    assert [(s.heading, s.id) for s in article.sections] == [
        ("", ""),
        ("Hvad er knæet?", "hvad-er-knaeet"),
        ("Hvad er knæet?", "hvad-er-knaeet-2"),
        ("Ofte stillede spørgsmål om knæ", "ofte-stillede-spoergsmaal-om-knae"),
    ]
    assert article.sections[1].text == "Knæleddet forbinder lårbenet og skinnebenet."


def test_capitalised_key_is_accepted_with_warning(tmp_path: Path) -> None:
    article, diags = analysed(tmp_path, "ryg.md", "---\nTitle: Ryg\nmetaTitle: Ryg – om ryggen\n---\n\nRyggen bærer.\n")
    assert article.title == "Ryg"
    assert diags == [
        f"{tmp_path}/ryg.md:2:1: warning FM101: nøglen 'Title' skal staves 'title'\n"
        "    tip: ret 'Title:' til 'title:' (ordbog check --fix gør det)"
    ]


def test_unknown_key_has_did_you_mean(tmp_path: Path) -> None:
    _, diags = analysed(tmp_path, "ryg.md", '---\ntitle: Ryg\nmetaTitel: "Ryg"\n---\n\nTekst.\n')
    assert diags[0] == f"{tmp_path}/ryg.md:3:1: warning FM102: ukendt nøgle 'metaTitel' ignoreres\n    tip: mente du 'metaTitle'?"


def test_missing_title_uses_meta_title_before_dash(tmp_path: Path) -> None:
    article, diags = analysed(tmp_path, "angst.md", "---\nmetaTitle: Angst – Hvad er angst?\n---\n\nTekst.\n")
    assert article.title == "Angst"
    assert "'title' mangler; bruger 'Angst' fra metaTitle" in diags[0]


def test_missing_title_uses_leading_h1(tmp_path: Path) -> None:
    article, diags = analysed(tmp_path, "balance.md", "---\nmetaTitle: Balancetræning for alle\n---\n\n# Balance\n\nTekst.\n")
    assert article.title == "Balance"
    assert article.headings == ()  # the H1 is the page title, not a body heading
    assert "bruger overskriften 'Balance'" in diags[0]


def test_missing_title_recovered_from_slug_spelling(tmp_path: Path) -> None:
    body = "---\nlastUpdated: 01/02/2024\n---\n\nMange har lændesmerter en gang i livet. Lændesmerter går ofte over.\n"
    article, diags = analysed(tmp_path, "laendesmerter.md", body)
    assert article.title == "Lændesmerter"
    assert article.meta_title == "Lændesmerter"
    assert any("ART002" in d for d in diags)


def test_recover_multiword_and_partial_titles() -> None:
    assert recover_title_from_slug("frossen-skulder", "Ved frossen skulder er leddet stift.") == "Frossen skulder"
    assert recover_title_from_slug("slidgigt-knae", "Slidgigt rammer ofte knæ og hofter.") == "Slidgigt knæ"
    assert recover_title_from_slug("xyz", "Intet her.") is None


def test_date_order_quirk_builds_with_warning(tmp_path: Path) -> None:
    text = "---\ntitle: Hofte\nmetaTitle: Hofte\nlastUpdated: 19/02/2024\ndatePublished: 19/02/2025\n---\n\nTekst.\n"
    article, diags = analysed(tmp_path, "hofte.md", text)
    assert article is not None
    assert any("ART004: lastUpdated ligger før datePublished" in d for d in diags)
    assert article.last_updated == dt.date(2025, 2, 19)  # shown as the most recent date


@pytest.mark.parametrize("value", ["31/02/2024", "2024-13-01"])
def test_impossible_date_is_an_error_with_line(tmp_path: Path, value: str) -> None:
    article, diags = analysed(tmp_path, "hofte.md", f"---\ntitle: Hofte\nmetaTitle: Hofte\nlastUpdated: {value}\n---\n\nTekst.\n")
    assert article is None
    assert diags == [
        f"{tmp_path}/hofte.md:4:1: error FM004: 'lastUpdated': '{value}' findes ikke i kalenderen\n"
        "    tip: skriv datoen som DD/MM/ÅÅÅÅ, fx \"24/02/2024\""
    ]


def test_description_cut_at_word_boundary() -> None:
    text = "Ord " * 60
    cut = cut_description(text)
    assert len(cut) <= 160 and cut.endswith("Ord…")
    assert cut_description("Kort tekst.") == "Kort tekst."


def test_description_skips_leftover_marker(tmp_path: Path) -> None:
    article, _ = analysed(tmp_path, "gigt.md", "---\ntitle: Gigt\nmetaTitle: Gigt\n---\n\nKORT: Gigt er en fællesbetegnelse.\n")
    assert article.description == "Gigt er en fællesbetegnelse."


def test_reading_time_and_words(tmp_path: Path) -> None:
    body = "---\ntitle: Lang\nmetaTitle: Lang\n---\n\n" + ("ord " * 640) + "\n"
    article, _ = analysed(tmp_path, "lang.md", body)
    assert article.word_count == 640
    assert article.reading_minutes == 3
