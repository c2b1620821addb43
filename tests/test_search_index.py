"""The compact search index (search/index.py, indexer.py, store.py) and exact scoring (engine.py).

The index keeps numpy arrays instead of dicts; these tests pin down that nothing is lost on the
way: the arrays say what the straightforward dict computation says, the engine scores every
posting (no cut at the top N of a common term), and a stored index reads back unchanged.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ordbog.config import load_config
from ordbog.search import analyzer, engine
from ordbog.search import index as index_mod
from ordbog.search.indexer import (
    FIELD_B,
    FIELD_WEIGHTS,
    FIELDS,
    K1,
    ArticleText,
    round5,
)

DANISH = "abcdefghijklmnopqrstuvwxyzæøå"


def text(slug: str, title: str, body: str, aliases: tuple[str, ...] = (), faq: tuple[tuple[str, str], ...] = ()) -> ArticleText:
    fields = {"title": title, "aliases": "\n".join(aliases), "meta": f"{title}\n", "headings": "",
              "questions": "\n".join(q for q, _ in faq), "body": "\n".join([body, *(a for _, a in faq)])}
    passages = (("p", "", "", body), *(("faq", q, f"q{i}", a) for i, (q, a) in enumerate(faq)))
    return ArticleText(slug, title, "", aliases, tuple(fields[f] for f in FIELDS), passages)


def build(texts: list[ArticleText]) -> index_mod.SearchIndex:
    config, _ = load_config(None)
    synonyms = index_mod.synonyms_for(config, ((t.aliases, t.title) for t in texts))
    return index_mod.index_texts(config, texts, synonyms)


SMALL = [
    text("hofte", "Hoftesmerter", "Smerter i hoften efter løb. Hoften gør ondt om natten.", ("ondt i hoften",),
         (("Hvornår skal jeg til lægen med hoftesmerter?", "Hvis hoften ikke kan bære dig."),)),
    text("knae", "Knæskade", "En skade på knæet efter et vrid. Knæet hæver og knæskallen gør ondt."),
    text("skulder", "Frossen skulder", "Skulderen bliver stiv, og smerter i skulderen kan vare et år."),
]


# ---------------------------------------------------------------- index arrays = dict definition


def reference_impacts(texts: list[ArticleText]) -> dict[str, dict[int, float]]:
    """BM25F impacts computed word by word with dicts: what the index arrays must hold."""
    vocab = analyzer.vocabulary_from_texts("\n".join(t.fields) for t in texts)
    per_doc = []
    for t in texts:
        fields = {}
        for name, field in zip(FIELDS, t.fields):
            terms = analyzer.document_terms(field, vocab)
            tf: dict[str, float] = {}
            for term, weight in terms:
                tf[term] = tf.get(term, 0.0) + weight
            fields[name] = (tf, sum(1 for _, w in terms if w == 1.0))
        per_doc.append(fields)
    n = len(per_doc)
    avg = {f: max(1.0, sum(d[f][1] for d in per_doc) / n) for f in FIELDS}
    pseudo: dict[str, dict[int, float]] = {}
    for doc, fields in enumerate(per_doc):
        for name, (tf, length) in fields.items():
            norm = 1 - FIELD_B[name] + FIELD_B[name] * length / avg[name]
            for term, freq in tf.items():
                pseudo.setdefault(term, {})[doc] = pseudo.get(term, {}).get(doc, 0.0) + FIELD_WEIGHTS[name] * freq / norm
    out = {}
    for term, row in pseudo.items():
        idf = math.log(1 + (n - len(row) + 0.5) / (len(row) + 0.5))
        out[term] = {doc: round(idf * x * (K1 + 1) / (K1 + x), 5) for doc, x in row.items()}
    return out


def test_the_postings_hold_the_bm25f_impacts_best_first() -> None:
    ix = build(SMALL)
    expected = reference_impacts(SMALL)
    found = {term: dict(zip(docs.tolist(), impacts.tolist())) for term, docs, impacts in ix.impacts()}
    assert found.keys() == expected.keys()
    for term, row in expected.items():
        assert found[term] == pytest.approx(row, rel=1e-12, abs=1e-5)
    for _, docs, impacts in ix.impacts():
        pairs = list(zip((-impacts).tolist(), docs.tolist()))
        assert pairs == sorted(pairs)  # best impact first, ties by article number


def test_passages_keep_their_text_kind_article_and_question_key() -> None:
    ix = build(SMALL)
    assert [p.doc for p in ix.passages] == [0, 0, 1, 2]
    faq = ix.passages[1]
    assert (faq.kind, faq.heading, faq.anchor, faq.text) == (
        "faq", "Hvornår skal jeg til lægen med hoftesmerter?", "q0", "Hvis hoften ikke kan bære dig.")
    assert ix.question_keys == {1: index_mod.question_key(faq.heading)}
    assert list(ix.passages.of_doc(0)) == [0, 1] and list(ix.passages.of_doc(2)) == [3]
    assert list(ix.passages.of_doc(7)) == []


@settings(max_examples=300, deadline=None)
@given(st.floats(min_value=0, max_value=500, allow_nan=False))
def test_round5_rounds_exactly_as_python(x: float) -> None:
    assert round5(np.array([x]))[0] == round(x, 5)


@pytest.mark.parametrize("x", [0.000005, 1.234565, 2.5e-6, 7.0000050000001, 12.345675])
def test_round5_at_halfway_points(x: float) -> None:
    assert round5(np.array([x]))[0] == round(x, 5)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=DANISH, min_size=1, max_size=14))
def test_a_term_is_an_irregular_form_a_fixed_stem_or_a_prefix(word: str) -> None:
    """The premise of PartMemo's shortcut (it skips stemming parts that cannot be known)."""
    w = analyzer.fold(word)
    t = analyzer.term(w)
    assert w.startswith(t) or t in analyzer.stem_fixes().values() or w in analyzer.irregular_forms()


VOCAB = analyzer.vocabulary_from_texts([
    "bækkenbund træning knæ smerter skulder ryg fod krampe muskel hofte led sene betændelse nakke hoved pine",
    "bækken bund knæskal skinneben øvelser morgen aften stivhed",
])
PIECES = ["bækken", "bund", "træning", "knæ", "smerter", "s", "e", "ryg", "fod", "krampe", "muskel", "sene", "xq", "morgen"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=4))
def test_compound_parts_are_the_same_with_the_part_memo(pieces: list[str]) -> None:
    word = analyzer.fold("".join(pieces))
    memo = analyzer.PartMemo(VOCAB)
    assert analyzer.compound_parts(word, VOCAB, memo=memo) == analyzer.compound_parts(word, VOCAB)


# ---------------------------------------------------------------- exact scoring


def reference_scores(ix: index_mod.SearchIndex, searcher: engine.Searcher, variant) -> dict[int, float]:
    """The engine's first-stage formula over plain dicts of every posting (no title bonus here)."""
    rows = {term: dict(zip(docs.tolist(), impacts.tolist())) for term, docs, impacts in ix.impacts()}
    total: dict[int, float] = {}
    covered: dict[int, float] = {}
    weights = [max((searcher.idf(t) * w for t, w in clause), default=0.0) for clause in variant.clauses]
    for clause, clause_weight in zip(variant.clauses, weights):
        best: dict[int, float] = {}
        for t, w in clause:
            for doc, impact in rows.get(t, {}).items():
                best[doc] = max(best.get(doc, 0.0), w * impact)
        for doc, s in best.items():
            total[doc] = total.get(doc, 0.0) + s
            covered[doc] = covered.get(doc, 0.0) + clause_weight
    return {doc: s * covered[doc] / (sum(weights) or 1.0) for doc, s in total.items()}


def test_every_posting_counts_even_for_a_word_in_thousands_of_articles() -> None:
    """2,500 articles use "lænd"; the one that also has "iskias" has the weakest "lænd" of all
    (one mention in a long text). It must still score both words: no cut at the best N."""
    filler = " ".join(["bevægelse"] * 60)
    texts = [text(f"a{n:04}", f"Artikel {n}", f"Lænd og lænd. {filler}") for n in range(2500)]
    texts.append(text("z-iskias", "Nerverod", f"Lænd. {filler} {filler} {filler} Iskias stråler ned i benet."))
    ix = build(texts)
    searcher = engine.Searcher(ix)
    docs, _ = ix.postings(analyzer.term("lænd"))
    assert len(docs) == 2501 and docs[-1] == 2500  # the weakest "lænd" posting is the last of 2,501
    (variant,) = searcher.analyse("lænd iskias")
    hits = searcher.search("lænd iskias", 3)
    assert hits[0].doc == 2500
    expected = reference_scores(ix, searcher, variant)
    scores, matched = searcher.score_variant(variant)
    assert {int(d): float(scores[d]) for d in np.flatnonzero(matched)} == pytest.approx(expected)


def test_ties_keep_the_lower_article_number_and_limits_are_exact() -> None:
    texts = [text(f"s{n:02}", f"Side {n}", "Samme tekst om svimmelhed.") for n in range(30)]
    searcher = engine.Searcher(build(texts))
    assert [h.doc for h in searcher.search("svimmelhed", 25)] == list(range(25))
    assert searcher.search("svimmelhed", 0) == []
    assert searcher.search("zzzz", 5) == []


# ---------------------------------------------------------------- storage and streaming


def as_data(ix: index_mod.SearchIndex) -> dict:
    out = {}
    for name in ix.__dataclass_fields__:
        value = getattr(ix, name)
        out[name] = list(value) if name == "passages" else value.tolist() if hasattr(value, "tolist") else value
    return out


def test_a_stored_index_reads_back_field_for_field(tmp_path) -> None:
    ix = build(SMALL)
    path = tmp_path / "x-key.idx"
    index_mod.save(ix, path)
    again = index_mod.load(path, ix.key)
    assert again is not None and as_data(again) == as_data(ix)
    assert engine.Searcher(again).search("hofte", 2) == engine.Searcher(ix).search("hofte", 2)
    assert index_mod.load(path, "another key") is None  # a stale file is never read as current


def test_an_empty_site_has_an_empty_index(tmp_path) -> None:
    ix = build([])
    assert len(ix.docs) == 0 and len(ix.passages) == 0
    assert engine.Searcher(ix).search("knæ", 5) == []
    path = tmp_path / "x-key.idx"
    index_mod.save(ix, path)
    assert as_data(index_mod.load(path, ix.key)) == as_data(ix)


def test_the_streaming_cli_build_equals_the_build_from_the_site(write_site) -> None:
    from conftest import article

    from ordbog import load
    from ordbog.build import make_site
    from ordbog.search.api import build_streaming

    content = write_site({
        "b-hofte.md": article("Hoftesmerter", "Smerter i hoften efter løb.\n\n## Ofte stillede spørgsmål\n\n### Hvad hjælper?\n\nHvile hjælper.\n"),
        "a-knae.md": article("Knæskade", "En skade på knæet efter et vrid.\n", aliases='["vrid i knæet"]'),
    })
    config, _ = load_config(content)
    site, _ = make_site(config)
    sources, _ = load.load_sources(config.content_dir)
    streamed = build_streaming(config, sources, batch=1)
    assert as_data(streamed) == as_data(index_mod.build_index(config, site, index_mod.site_synonyms(config, site)))


def test_chunked_sums_equal_one_pass(monkeypatch) -> None:
    """The build sums term frequencies in chunks of entries; an article's fields never straddle two."""
    from ordbog.search import indexer

    texts = [text(f"c{n:02}", f"Ryg {n}", "Rygsmerter og ondt i ryggen. " * (n % 4 + 1)) for n in range(40)]
    whole = as_data(build(texts))
    monkeypatch.setattr(indexer, "CHUNK_ENTRIES", 7)
    monkeypatch.setattr(indexer._Texts.chunks, "__defaults__", (7, 1))
    assert as_data(build(texts)) == whole


def test_an_index_without_passage_terms_differs_only_in_the_passage_term_arrays() -> None:
    """`passage_terms=False` (what the static search files use) skips summing the passages' terms:
    postings, vocabulary, documents and passage texts stay the same; every passage has no terms."""
    config, _ = load_config(None)
    texts = [*SMALL, text("ryg", "Rygsmerter", "Ondt i ryggen og lænden. " * 3, faq=(("Hvad er lændesmerter?", "Ondt."),))]
    full = as_data(index_mod.index_texts(config, texts, {}))
    lean = as_data(index_mod.index_prepared(config, ((t, None) for t in texts), {}, passage_terms=False))
    passage_arrays = {"p_offsets", "p_terms", "p_tf", "p_df"}
    assert {k: v for k, v in lean.items() if k not in passage_arrays} == {
        k: v for k, v in full.items() if k not in passage_arrays
    }
    assert full["p_terms"] and lean["p_terms"] == [] and lean["p_tf"] == []
    assert lean["p_offsets"] == [0] * (len(full["passage_lengths"]) + 1)
    assert lean["p_df"] == [0] * len(full["terms"])
