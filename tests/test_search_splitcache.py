"""The compound-split cache: a build that takes the previous build's splits splits every word
exactly as a build without them — whatever changed in the vocabulary — and splits again only
words that may have changed."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ordbog.config import load_config
from ordbog.search import analyzer, splitcache
from ordbog.search.indexer import _Splitter

# pieces of Danish compounds, with stems that `stem_fixes` maps ("muskler" → "muskel") and
# irregular forms ("fødder" → "fod", "knæet" → "knæ")
PIECES = ["bækken", "bund", "træning", "knæ", "knæet", "smerter", "s", "e", "ryg", "fod", "fødder", "krampe",
          "muskel", "muskler", "sene", "skulder", "skuldre", "hånd", "hænder", "nakke", "hoved", "pine", "led",
          "morgen", "øvelse", "gigt", "betændelse", "xq"]
WORDS = sorted({analyzer.fold(a + b + c) for a in PIECES for b in ("", *PIECES) for c in ("", "ryg", "smerter")})
TEXTS = [" ".join(PIECES[i:] + PIECES[:i]) for i in range(len(PIECES))] + [" ".join(WORDS[::7])]


def vocabulary(texts: list[str]) -> dict[str, int]:
    return dict(sorted(analyzer.vocabulary_from_texts(texts).items()))


def splits(vocab: dict[str, int], words: list[str], previous=None) -> tuple[dict[str, tuple[str, ...]], _Splitter]:
    split = _Splitter(vocab, previous)
    return {w: split(w) for w in words}, split


def fresh(vocab: dict[str, int], words: list[str]) -> dict[str, tuple[str, ...]]:
    return {w: tuple(analyzer.compound_parts(w, vocab)) for w in words}


TEXT = st.lists(st.sampled_from(PIECES + ["skuldermuskler", "hofteled", "knæsmerter"]), min_size=1, max_size=6)


@settings(max_examples=300, deadline=None)
@given(st.lists(TEXT.map(" ".join), min_size=1, max_size=6), st.lists(TEXT.map(" ".join), min_size=1, max_size=6))
def test_splits_taken_from_a_previous_build_are_the_splits_of_a_fresh_one(before, after) -> None:
    # terms come and go and their document frequencies change (a split needs parts at least as
    # common as the word)
    old, new = vocabulary(before), vocabulary(after)
    previous, _ = splits(old, WORDS)
    assert splits(new, WORDS, (old, previous))[0] == fresh(new, WORDS)


def test_only_words_containing_a_changed_term_are_split_again(monkeypatch: pytest.MonkeyPatch) -> None:
    old = vocabulary(TEXTS)
    new = dict(old)
    new["smert"] += 1  # "smerter" became more common: only words containing it can split otherwise
    previous, _ = splits(old, WORDS)
    calls: list[str] = []
    real = analyzer.compound_parts

    def spy(word, vocab, *depth, **kw):  # the words split (not the recursion into their parts)
        if not depth:
            calls.append(word)
        return real(word, vocab, *depth, **kw)

    monkeypatch.setattr(analyzer, "compound_parts", spy)
    again, _ = splits(new, WORDS, (old, previous))
    assert calls and all("smert" in w for w in calls)
    assert len(calls) < len(WORDS) / 2
    assert again == fresh(new, WORDS)


def test_a_stem_fixed_or_irregular_change_splits_the_words_that_lead_to_it_again() -> None:
    # "muskl" (in "musklerne") is fixed to the term "muskel"; "foedder" is an irregular form of "fod"
    assert {"muskl", "muskel"} <= analyzer.split_keys({"muskel": 1}, {"muskel": 2})
    assert "foedder" in analyzer.split_keys({}, {"fod": 1})


def test_the_record_lives_in_the_cache_folder_and_a_damaged_one_is_none(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("ORDBOG_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "content").mkdir()
    cfg, _ = load_config(tmp_path / "content", tmp_path / "out", None)
    memory = splitcache.Remembered(cfg)
    assert memory.previous() is None
    memory.keep(({"fod": 2}, {"fodled": ("fod", "led")}))
    assert splitcache.Remembered(cfg).previous() == ({"fod": 2}, {"fodled": ("fod", "led")})
    memory.path.write_bytes(b"\x00garbage")
    assert splitcache.Remembered(cfg).previous() is None
    monkeypatch.setenv("ORDBOG_CACHE_DIR", "off")
    off = splitcache.Remembered(cfg)
    off.keep(({}, {}))
    assert off.previous() is None
