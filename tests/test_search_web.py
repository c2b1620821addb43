"""The static search index `ordbog build` writes for the browser (ordbog.search.web).

No browser here: the files themselves — layout, determinism, what a first query has to fetch,
and the switch that turns search off. tests/test_search_browser.py drives them in Chromium.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from search_web_site import write_search_site

from ordbog.build import build
from ordbog.config import load_config
from ordbog.search import web


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    base = tmp_path_factory.mktemp("search-web")
    cfg, diags = load_config(write_search_site(base / "content"), base / "_site", None)
    assert cfg is not None, diags
    return build(cfg).files


def index(files: dict[str, bytes], name: str) -> dict:
    return json.loads(files[f"soeg/indeks/{name}"])


def decode(front_coded: str) -> list[str]:
    """What search.js does with vocab.json's terms."""
    out, prev = [], ""
    for line in front_coded.split("\n") if front_coded else []:
        prev = prev[: int(line[0])] + line[1:]
        out.append(prev)
    return out


def test_the_build_writes_manifest_vocabulary_shards_and_one_file_per_article(files):
    manifest = index(files, "manifest.json")
    assert manifest["docs"] == 9
    assert {f"soeg/indeks/d/{n}.json" for n in range(9)} <= set(files)
    assert {f"soeg/indeks/p/{n}.json" for n in range(manifest["shards"])} <= set(files)
    assert set(manifest["ranking"]) == {"coverage_power", "title_bonus", "question_bonus"}
    assert "stopwords" in manifest["tables"] and "synonyms" in manifest["tables"]


def test_article_records_carry_what_a_result_shows(files):
    records = [index(files, f"d/{n}.json") for n in range(9)]
    assert [r["slug"] for r in records] == sorted(r["slug"] for r in records)  # doc number = slug order
    foot = next(r for r in records if r["slug"] == "krampe-i-foden")
    assert foot["url"] == "/ordbog/krampe-i-foden/"
    assert foot["title"] == "Krampe i foden"
    assert ["faq", "Hjælper det at strække tæerne?"] in [p[:2] for p in foot["p"]]


def test_every_term_sits_in_the_shard_its_hash_names(files):
    manifest = index(files, "manifest.json")
    vocabulary = decode(index(files, "vocab.json")["terms"])
    seen = set()
    for n in range(manifest["shards"]):
        shard = index(files, f"p/{n}.json")
        for term, postings in shard["t"].items():
            assert web.fnv1a(term) % manifest["shards"] == n
            scores = postings[1::2]
            assert scores == sorted(scores, reverse=True)  # best first: a cut keeps the best
            seen.add(term)
    assert set(vocabulary) <= seen


def test_the_vocabulary_decodes_to_sorted_terms_with_their_document_frequencies(files):
    vocab = index(files, "vocab.json")
    terms = decode(vocab["terms"])
    assert terms == sorted(terms) and len(terms) == len(vocab["df"])
    assert vocab["df"][terms.index("fod")] >= 2


@given(st.lists(st.text(alphabet="0123456789abcæøå", min_size=1, max_size=14), unique=True))
def test_front_coding_round_trips_even_for_terms_that_start_with_digits(terms):
    assert decode(web.front_coded(sorted(terms))) == sorted(terms)


def test_fnv1a_hashes_utf16_code_units_like_javascript():
    assert web.fnv1a("") == 0x811C9DC5
    assert web.fnv1a("a") == 0xE40C292C  # the published FNV-1a test vector
    assert web.fnv1a("knæ") != web.fnv1a("knae")


def test_the_index_is_byte_identical_when_built_twice(tmp_path):
    content = write_search_site(tmp_path / "content")
    outs = []
    for name in ("a", "b"):
        cfg, _ = load_config(content, tmp_path / name, None)
        outs.append({k: v for k, v in build(cfg).files.items() if k.startswith("soeg/indeks/")})
    assert outs[0] == outs[1]


def test_postings_are_cut_to_the_best_ones_per_term():
    docs = list(range(web.MAX_POSTINGS + 50))[::-1]  # best first, as SearchIndex.impacts() gives them
    (kept,) = web.postings([("knae", docs, [1.0 + doc / 10_000 for doc in docs])]).values()
    assert len(kept) == 2 * web.MAX_POSTINGS
    assert kept[:2] == [web.MAX_POSTINGS + 49, round((1.0 + (web.MAX_POSTINGS + 49) / 10_000) * web.SCORE_SCALE)]
    assert min(kept[1::2]) >= 1


def test_with_search_off_there_is_no_index_and_no_script(tmp_path):
    content = write_search_site(tmp_path / "content")
    (tmp_path / "ordbog.toml").write_text("[search]\nenabled = false\n", encoding="utf-8")
    cfg, diags = load_config(content, tmp_path / "_site", None)
    assert cfg is not None, diags
    out = build(cfg).files
    assert not any(name.startswith("soeg/indeks/") for name in out)
    assert b"search.js" not in out["index.html"]


def test_a_site_under_a_path_points_the_script_at_its_own_index(tmp_path):
    content = write_search_site(tmp_path / "content")
    (tmp_path / "ordbog.toml").write_text('[site]\nbase_url = "https://eksempel.dk/hjaelp"\n', encoding="utf-8")
    cfg, _ = load_config(content, tmp_path / "_site", None)
    out = build(cfg).files
    assert b'data-index="/hjaelp/soeg/indeks/"' in out["index.html"]
    assert "soeg/indeks/manifest.json" in out
    record = json.loads(out["soeg/indeks/d/0.json"])
    assert record["url"].startswith("/hjaelp/ordbog/")


def test_the_search_scripts_ship_with_the_theme(files):
    for name in ("search.js", "search-analyzer.js", "search-ui.js", "search.css"):
        assert files[f"static/{name}"], name


def test_postings_of_a_whole_index_equal_the_postings_of_its_rows():
    from ordbog.config import load_config
    from ordbog.search import index as search_index

    config, _ = load_config(None)
    texts = [search_index.ArticleText(f"s{n}", f"Ryg {n}", "", (), (f"Ryg {n}", "", "", "", "", "ryg " * n), ())
             for n in range(1, 6)]
    ix = search_index.index_texts(config, texts, {})
    assert web.index_postings(ix) == web.postings(ix.impacts())


def test_the_files_written_shard_by_shard_equal_the_files_made_from_every_posting_list_at_once(tmp_path, monkeypatch):
    """index_files makes each term's list only while its shard is written and each article's record
    only while its file is written; the result is what all lists and records at once would give."""
    monkeypatch.setattr(web, "SHARD_BYTES", 300)  # several shards on a small site
    from ordbog.build import make_site
    from ordbog.search import index as search_index
    from ordbog.search.indexer import PASSAGE_KINDS

    cfg, _ = load_config(write_search_site(tmp_path / "content"), tmp_path / "_site", None)
    site, _ = make_site(cfg)
    ix = search_index.build_index(cfg, site, search_index.site_synonyms(cfg, site))
    lists = web.index_postings(ix)
    extra_df = {t: ix.df(t) for t in lists if t not in ix.vocab}
    shards = web.shards(lists, web.title_postings(ix.docs), web.question_postings(ix), extra_df)
    records = [
        {"slug": d.slug, "url": d.url, "title": d.title, "description": d.description,
         "p": [[p.kind, p.heading, p.anchor, p.text] for p in ix.passages if p.doc == n]}
        for n, d in enumerate(ix.docs)
    ]
    files = dict(web.index_files(cfg, site))
    assert [json.loads(files[f"p/{n}.json"]) for n in range(len(shards))] == shards
    assert [json.loads(files[f"d/{n}.json"]) for n in range(len(ix.docs))] == records
    assert json.loads(files["manifest.json"])["shards"] == len(shards) > 1
    assert len(files) == 2 + len(shards) + len(ix.docs)
    assert {kind for r in records for kind, *_ in r["p"]} == set(PASSAGE_KINDS)
