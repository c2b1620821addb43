"""The fast paths of the index build say exactly what the simple code they replace says.

`web.fnv1a_all` hashes many terms at once (`web.fnv1a`, one at a time, stays the definition),
`web.front_coded` compares term heads as numpy arrays, and the indexer does pass 1's array
work for many articles at once, groups words by their fold with arrays and sorts postings on
one integer key. Each is checked here against a plain loop (the code it replaced).
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ordbog.config import load_config
from ordbog.search import analyzer, indexer, web
from ordbog.search import index as index_mod
from ordbog.search.indexer import FIELDS, ArticleText

# Danish letters, a combining accent, a NUL and characters outside the BMP (two UTF-16 code units)
CHARS = st.sampled_from("abeæøå\u0301\x00 ?😀𝔸")
TERMS = st.lists(st.text(CHARS, max_size=14), max_size=12)


@given(TERMS)
def test_fnv1a_all_hashes_each_term_as_fnv1a_does(terms: list[str]) -> None:
    assert web.fnv1a_all(terms) == [web.fnv1a(t) for t in terms]


@given(st.lists(st.text(), max_size=8))
def test_fnv1a_all_takes_any_unicode(terms: list[str]) -> None:
    assert web.fnv1a_all(terms) == [web.fnv1a(t) for t in terms]


def front_coded_by_loop(terms: list[str]) -> str:
    lines, prev = [], ""
    for term in terms:
        k = 0
        while k < min(len(term), len(prev), 9) and term[k] == prev[k]:
            k += 1
        lines.append(f"{k}{term[k:]}")
        prev = term
    return "\n".join(lines)


@given(TERMS)
def test_front_coded_equals_the_loop(terms: list[str]) -> None:
    terms = sorted(set(terms))
    assert web.front_coded(terms) == front_coded_by_loop(terms)


def test_front_coded_shares_at_most_nine_characters() -> None:
    terms = ["", "abcdefghijkl", "abcdefghijkm", "abcdefghik", "b", "b\x00"]
    assert web.front_coded(terms) == front_coded_by_loop(terms) == "0\n0abcdefghijkl\n9jkm\n9k\n0b\n1\x00"


@settings(max_examples=200)
@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 300_000), st.integers(0, 9)), max_size=40))
def test_impact_order_equals_lexsort(rows: list[tuple[int, int, int]]) -> None:
    """One int64 key sorts as lexsort((docs, -impacts, tids)) does (ties included)."""
    rows = list({(t, d): (t, s, d) for t, s, d in rows}.values())  # one posting per (term, doc)
    tids = np.array([t for t, _, _ in rows], dtype=np.int32)
    impacts = indexer.round5(np.array([s / 7919 for _, s, _ in rows], dtype=np.float64))
    docs = np.array([d for _, _, d in rows], dtype=np.int32)
    expected = np.lexsort((docs, -impacts, tids))
    assert np.array_equal(indexer._impact_order(tids, impacts, docs, 10), expected)


def test_impact_order_falls_back_to_lexsort_for_unrounded_impacts() -> None:
    impacts = np.array([0.1234567, 0.1234568, 0.5])
    tids, docs = np.zeros(3, dtype=np.int32), np.array([2, 1, 0], dtype=np.int32)
    assert indexer._impact_order(tids, impacts, docs, 3).tolist() == [2, 1, 0]


WORDS = st.sampled_from(["ryg", "ryggen", "smerter", "rygsmerter", "knæ", "knæskade", "skade", "ondt", "i",
                         "lænden", "lændesmerter", "hofte", "hoftesmerter", "Ryg", "RYGGEN", "Knæ", "æble"])
PARAGRAPH = st.lists(WORDS, min_size=0, max_size=12).map(" ".join)


@st.composite
def articles(draw) -> list[ArticleText]:
    out = []
    for n in range(draw(st.integers(1, 6))):
        title, body = draw(PARAGRAPH), draw(PARAGRAPH)
        aliases = tuple(draw(st.lists(PARAGRAPH, max_size=2)))
        questions = draw(st.lists(PARAGRAPH, max_size=2))
        fields = {"title": title, "aliases": "\n".join(aliases), "meta": f"{title}\n", "headings": draw(PARAGRAPH),
                  "questions": "\n".join(questions), "body": body}
        passages = (("p", "", "", body), *(("faq", q, f"q{i}", body) for i, q in enumerate(questions)))
        out.append(ArticleText(f"a{n}", title, "", aliases, tuple(fields[f] for f in FIELDS), passages))
    return out


def as_data(ix: index_mod.SearchIndex) -> dict:
    names = ("terms", "vocab", "post_offsets", "post_docs", "post_impacts", "passage_lengths", "p_offsets",
             "p_terms", "p_tf", "p_df")
    return {name: (v.tolist() if isinstance(v, np.ndarray) else v) for name in names for v in [getattr(ix, name)]}


@settings(max_examples=60, deadline=None)
@given(articles(), st.integers(1, 40), st.booleans())
def test_pass_one_in_batches_equals_one_batch(texts: list[ArticleText], entries: int, passage_terms: bool) -> None:
    """Articles are added in batches of about CHUNK_ENTRIES entries: any batch size, same index."""
    config, _ = load_config(None)
    whole = as_data(index_mod.index_prepared(config, ((t, None) for t in texts), {},
                                             passage_terms=passage_terms))
    saved = indexer.CHUNK_ENTRIES
    indexer.CHUNK_ENTRIES = entries
    try:
        batched = as_data(index_mod.index_prepared(config, ((t, None) for t in texts), {},
                                                   passage_terms=passage_terms))
    finally:
        indexer.CHUNK_ENTRIES = saved
    assert batched == whole


def vocabulary_by_loop(texts: list[ArticleText]) -> dict[str, int]:
    """Pass 1's document frequencies, article by article (the code `Indexer._flush` replaced)."""
    df: dict[str, int] = {}
    for t in texts:
        tok = indexer.tokenise(t)
        in_fields = sum(np.frombuffer(tok.sizes, dtype=np.int32)[: len(FIELDS)].tolist())
        for term in {tok.terms[i] for i in np.frombuffer(tok.ids, dtype=np.int32)[:in_fields].tolist()}:
            if len(term) >= 2:
                df[term] = df.get(term, 0) + 1
    return dict(sorted(df.items()))


def expansions_by_loop(ix: indexer.Indexer, vocab: dict[str, int]):
    """`Indexer._expansions` word by word with dicts (the code it replaced)."""
    by_fold: dict[str, tuple[tuple[str, float], ...]] = {}
    rows = []
    for raw, i in ix.word_ids.items():
        w = analyzer.fold(raw)
        if w not in by_fold:
            parts = analyzer.compound_parts(w, vocab)
            by_fold[w] = ((ix.word_terms[i], 1.0), *((p, analyzer.COMPOUND_PART_WEIGHT) for p in parts))
        rows.append(by_fold[w])
    terms = tuple(sorted({t for row in rows for t, _ in row}))
    number = {t: n for n, t in enumerate(terms)}
    offsets = np.cumsum([0, *(len(row) for row in rows)])
    return (terms, offsets.tolist(), [number[t] for row in rows for t, _ in row], [w for row in rows for _, w in row])


@settings(max_examples=60, deadline=None)
@given(articles())
def test_vocabulary_and_expansions_equal_the_loops(texts: list[ArticleText]) -> None:
    ix = indexer.Indexer()
    for t in texts:
        ix.add(t)
    arrays = ix.finish()
    assert arrays.vocab == vocabulary_by_loop(texts)
    terms, offsets, term_of, weight_of = ix._expansions(arrays.vocab)
    assert (terms, offsets.tolist(), term_of.tolist(), weight_of.tolist()) == expansions_by_loop(ix, arrays.vocab)


def field_sums_in_two_sorts(fields, first, end, a, z, expand, n_terms, weights, norms):
    """`indexer._field_sums` as it was: tf per (text, term), then x summed per (doc, term)."""
    text, term, tf = indexer._grouped_tf(fields, first, end, a, z, expand, n_terms)
    x = weights[text % len(FIELDS)] * tf / norms[text]
    doc, term, x = indexer._grouped_sums(text // len(FIELDS), term, x, n_terms)
    return doc.tolist(), term.tolist(), x.tolist()


@settings(max_examples=60, deadline=None)
@given(articles())
def test_field_sums_in_one_sort_equal_two_sorts(texts: list[ArticleText]) -> None:
    """Bit for bit: the same float sums in the same order."""
    seen = []
    original = indexer._field_sums

    def both(*args):
        got = original(*args)
        seen.append((tuple(v.tolist() for v in got), field_sums_in_two_sorts(*args)))
        return got

    indexer._field_sums = both
    try:
        ix = indexer.Indexer()
        for t in texts:
            ix.add(t)
        ix.finish()
    finally:
        indexer._field_sums = original
    assert seen and all(one == two for one, two in seen)
