"""The Danish search analyzer: the shared case table, the exported tables, and properties.

The case table (tests/data/search_analyzer_cases.json) is also run against the JavaScript
port in the browser tests; its format is explained in search_analyzer_cases.md.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ordbog.search import analyzer
from ordbog.search.query import Vocabulary, analyse_query, describe, osa_reference

TABLE = json.loads((Path(__file__).parent / "data" / "search_analyzer_cases.json").read_text(encoding="utf-8"))
VOCAB = Vocabulary(TABLE["vocabulary"])
SYNONYMS = analyzer.merge_synonyms(analyzer.builtin_synonyms(), TABLE["site_synonyms"])


@pytest.mark.parametrize("case", TABLE["terms"], ids=lambda c: c["word"])
def test_term_table(case: dict) -> None:
    assert analyzer.term(analyzer.words(case["word"])[0]) == case["expect"]


@pytest.mark.parametrize("case", TABLE["cases"], ids=lambda c: repr(c["query"][:30]))
def test_query_table(case: dict) -> None:
    assert describe(analyse_query(case["query"], VOCAB, SYNONYMS)) == case["expect"]


def test_table_vocabulary_is_what_the_analyzer_builds_from_plain_words() -> None:
    # the table's vocabulary must be a vocabulary the analyzer could have produced
    assert all(t == t.lower() and t.isalnum() for t in TABLE["vocabulary"])


def test_folding_makes_ae_oe_aa_and_danish_letters_the_same() -> None:
    assert analyzer.fold("Æblegrød på Ø") == "aeblegroed paa oe"
    assert analyzer.term("laenden") == analyzer.term(analyzer.fold("lænden"))
    assert analyzer.fold("naïve café") == "naive cafe"


def test_irregular_plurals_meet_their_singular() -> None:
    for plural, singular in [("fødder", "fod"), ("hænder", "hånd"), ("skuldrene", "skulder"), ("muskler", "muskel")]:
        assert analyzer.term(analyzer.fold(plural)) == analyzer.term(analyzer.fold(singular))


def test_the_doctor_is_not_the_calf() -> None:
    assert analyzer.term("laegen") != analyzer.term("laeggen")


def test_compound_split_needs_real_parts() -> None:
    vocab = analyzer.vocabulary_from_texts(["krampe i foden", "træning om morgenen", "en stor krop og en pen"])
    assert analyzer.split_compound("fodkrampe", vocab) == ("fod", "kramp")
    assert analyzer.split_compound("kroppen", vocab) is None  # an inflection, not krop + pen
    assert analyzer.split_compound("traening", vocab) is None


def test_document_terms_add_compound_parts_at_lower_weight() -> None:
    vocab = analyzer.vocabulary_from_texts(["krampe i foden"])
    assert analyzer.document_terms("Fodkrampe", vocab) == [
        ("fodkramp", 1.0), ("fod", analyzer.COMPOUND_PART_WEIGHT), ("kramp", analyzer.COMPOUND_PART_WEIGHT)
    ]


def test_export_tables_is_plain_json_and_stable() -> None:
    tables = analyzer.export_tables()
    text = json.dumps(tables, ensure_ascii=False, sort_keys=True)
    assert json.loads(text) == tables
    assert text == json.dumps(analyzer.export_tables(), ensure_ascii=False, sort_keys=True)
    assert {"stopwords", "synonyms", "irregular", "stem_fixes", "protected_endings", "short_parts", "fold_map"} <= set(tables)
    assert "hvordan" in tables["stopwords"] and "runners knee" in tables["synonyms"]


def test_question_words_are_not_required() -> None:
    assert describe(analyse_query("Hvordan kan man få knæsmerter?", VOCAB, {})) == describe(analyse_query("knæsmerter", VOCAB, {}))


def test_typo_tolerance_leaves_known_words_alone() -> None:
    assert describe(analyse_query("gigt", VOCAB, {})) == ["1: gigt"]


def test_site_synonyms_merge_over_builtin() -> None:
    merged = analyzer.merge_synonyms(analyzer.builtin_synonyms(), {"Musearm": ["tennisalbue"]})
    assert "tennisalbue" in merged["musearm"]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_analyses_without_error(q: str) -> None:
    query = analyse_query(q, VOCAB, SYNONYMS)
    assert len(query) <= analyzer.MAX_VARIANTS
    for variant in query:
        assert variant.clauses
        for clause in variant.clauses:
            assert all(t and 0 < w <= 1 for t, w in clause)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="abcdeæøå", max_size=8), st.text(alphabet="abcdeæøå", max_size=8))
def test_osa_distance_matches_its_definition(a: str, b: str) -> None:
    from ordbog.search.query import _within

    found = dict(_within(a, [b], 2))
    expected = osa_reference(a, b)
    assert found.get(b, 3) == (expected if expected <= 2 else 3)


@given(st.text(max_size=50))
def test_fold_is_idempotent(text: str) -> None:
    assert analyzer.fold(analyzer.fold(text)) == analyzer.fold(text)
