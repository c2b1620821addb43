"""The analysed-article cache: an unchanged article is not analysed twice, and the cache never changes output."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from ordbog import analyse, build, cache, workers
from ordbog.load import read_source
from tests.conftest import article

RICH = article(
    "Knæ",
    """\
    # Knæ

    Knæet er <sup>et</sup> led med **menisk** og [korsbånd](https://eksempel.dk).

    ## Hvad er knæet?

    | Del | Funktion |
    | :-- | --: |
    | Menisk | Støddæmper |

    ![Knæ](knae.png "Et knæ")

    ## Ofte stillede spørgsmål om knæet

    ### Hvorfor gør knæet ondt?

    Det kan skyldes *overbelastning*.

    ### Uden svar?
    """,
    metaTitle='"Knæ – om knæet"',
    lastUpdated="24/02/2024",
    datePublished='"2023-11-05"',
    aliases="[knæled, knæet]",
    reviewedBy="{name: Mette Jensen, job_title: Fysioterapeut}",
    related="[{type: ordbog, slug: menisk, title: Menisk}]",
    Tilte='"stavefejl"',
)


def source_of(tmp_path: Path, text: str, name: str = "knae.md"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    source, diags = read_source(path)
    assert source is not None, diags
    return source


def test_a_record_round_trips_to_an_equal_article_with_equal_tokens(tmp_path: Path) -> None:
    article_, diags = analyse.analyse(source_of(tmp_path, RICH))
    assert article_ is not None and diags  # the misspelt key gives a warning that must survive too
    again, again_diags = cache.decode_result(cache.encode_result(article_, diags))
    assert again == article_
    assert again_diags == diags
    assert list(again.tokens) == list(article_.tokens)
    assert [type(f) for f in dataclasses.astuple(again)] == [type(f) for f in dataclasses.astuple(article_)]


def test_an_article_with_errors_round_trips_as_none(tmp_path: Path) -> None:
    bad = article("Hofte", "Hoften.\n", lastUpdated='"31/02/2024"')
    found, diags = analyse.analyse(source_of(tmp_path, bad))
    assert found is None
    assert cache.decode_result(cache.encode_result(found, diags)) == (None, diags)


def test_values_the_format_cannot_hold_are_refused() -> None:
    with pytest.raises(cache.Uncacheable):
        cache.encode_result(None, [object()])  # type: ignore[list-item]


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The slugs `analyse` is called for."""
    calls: list[str] = []
    real = analyse.analyse

    def spy(source):
        calls.append(source.slug)
        return real(source)

    monkeypatch.setattr(analyse, "analyse", spy)
    return calls


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("ORDBOG_CACHE_DIR", str(folder))
    return folder


SITE = {
    "knae.md": RICH,
    "menisk.md": article("Menisk", "Menisken sidder i knæet.\n", metaTitle='"Menisk"'),
    "hofte.md": article("Hofte", "Hoften er et led.\n", metaTitle='"Hofte"'),
}


def test_unchanged_articles_are_analysed_once_across_builds(write_site, make_config, cache_dir, counted) -> None:
    cfg = make_config(write_site(SITE))
    first = build.build(cfg)
    assert sorted(counted) == ["hofte", "knae", "menisk"]
    counted.clear()
    second = build.build(cfg)
    assert counted == []
    assert second.files == first.files
    assert second.diagnostics == first.diagnostics
    (cfg.content_dir / "hofte.md").write_text(article("Hofte", "Hoften er et stort led.\n", metaTitle='"Hofte"'))
    third = build.build(cfg)
    assert counted == ["hofte"]
    assert third.files != first.files


def test_a_config_change_invalidates_every_record(write_site, make_config, cache_dir, counted, tmp_path: Path) -> None:
    content = write_site(SITE, toml='[site]\nname = "Ordbogen"\n')
    build.build(make_config(content))
    counted.clear()
    (tmp_path / "ordbog.toml").write_text('[site]\nname = "Fysioterapi-ordbogen"\n', encoding="utf-8")
    build.build(make_config(content))
    assert sorted(counted) == ["hofte", "knae", "menisk"]


def test_corrupt_records_are_misses_not_errors(write_site, make_config, cache_dir, counted) -> None:
    cfg = make_config(write_site(SITE))
    first = build.build(cfg)
    packs = list((cache_dir / cache.generation()).glob("pack-*"))
    assert len(cache.ArticleCache(cache_dir).store) == 3
    for i, pack in enumerate(packs):
        pack.write_bytes([b"", b"\x00garbage", pack.read_bytes()[:20]][i % 3])
    counted.clear()
    assert build.build(cfg).files == first.files
    assert len(counted) == 3


def test_only_the_current_generation_is_kept(write_site, make_config, cache_dir) -> None:
    stale = cache_dir / "0.0.1-0123456789abcdef" / "ab"
    stale.mkdir(parents=True)
    (stale / "abcdef").write_bytes(b"x")
    build.build(make_config(write_site(SITE)))
    # the other caches beside the records (rendered pages, spare output, search) are not generations
    folders = [p.name for p in cache_dir.iterdir() if p.is_dir()]
    assert [name for name in folders if cache._GENERATION_NAME.fullmatch(name)] == [cache.generation()]
    assert "pages" in folders


def test_the_cache_can_be_switched_off(write_site, make_config, monkeypatch, counted, tmp_path: Path) -> None:
    monkeypatch.setenv("ORDBOG_CACHE_DIR", "off")
    assert cache.cache_root() is None
    cfg = make_config(write_site(SITE))
    build.build(cfg)
    build.build(cfg)
    assert len(counted) == 6


def test_default_location_follows_xdg(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.delenv("ORDBOG_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.cache_root() == tmp_path / "xdg" / "ordbog"


def test_worker_processes_fill_the_cache_like_the_serial_path(write_site, make_config, cache_dir, monkeypatch) -> None:
    monkeypatch.setattr(workers, "PARALLEL_MIN", 2)
    monkeypatch.setattr(workers, "CHUNK", 1)
    monkeypatch.setenv("ORDBOG_JOBS", "2")
    cfg = make_config(write_site(SITE))
    parallel = build.build(cfg)
    monkeypatch.setenv("ORDBOG_JOBS", "1")
    monkeypatch.setenv("ORDBOG_CACHE_DIR", "off")
    assert build.build(cfg).files == parallel.files
    assert len(cache.ArticleCache(cache_dir).store) == 3


from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from ordbog import render  # noqa: E402

PIECES = st.sampled_from([
    "## Afsnit\n", "### Spørgsmål?\n", "## Ofte stillede spørgsmål\n", "Tekst med *æøå* og `kode`.\n",
    "| a | b |\n| --- | :-: |\n| 1 | 2 |\n", "- punkt\n  - under\n", "1. punkt\n", "> citat\n", "```py\nx = 1\n```\n",
    "<div class=\"x\">\n", "<sup>2</sup>\n", "![billede](x.png \"titel\")\n", "[link](https://eksempel.dk)\n", "\n",
])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.lists(st.one_of(PIECES, st.text(st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), max_size=20)),
                    max_size=20).map("".join))
def test_any_analysed_article_renders_the_same_after_a_round_trip(tmp_path: Path, body: str) -> None:
    found, diags = analyse.analyse(source_of(tmp_path, article("Emne", body, metaTitle='"Emne"')))
    again, again_diags = cache.decode_result(cache.encode_result(found, diags))
    assert again == found and again_diags == diags
    if found is not None:
        assert render.article_html(again) == render.article_html(found)


def test_records_unused_for_a_month_are_pruned(write_site, make_config, cache_dir) -> None:
    from ordbog.packstore import _today

    cfg = make_config(write_site(SITE))
    build.build(cfg)
    old = cache.ArticleCache(cache_dir)
    old.store.put("ff" * 32, b"x", day=_today() - 31)
    old.store.put("fe" * 32, b"y", day=_today() - 29)
    old.flush()
    assert len(cache.ArticleCache(cache_dir).store) == 5
    build.build(cfg)
    left = cache.ArticleCache(cache_dir).store
    assert len(left) == 4
    assert "ff" * 32 not in left and "fe" * 32 in left


def test_one_store_used_batch_by_batch_keeps_every_batch(tmp_path: Path) -> None:
    """A crowded shard keeps only what its store saw used: all batches must go through one store."""
    from ordbog.packstore import PackStore

    keys = [f"a{i:063x}" for i in range(300)]  # one shard: crowded for any single batch of 20
    first = PackStore(tmp_path)
    for start in range(0, len(keys), 20):
        for key in keys[start : start + 20]:
            assert first.get(key) is None
            first.put(key, key.encode())
    first.flush()
    second = PackStore(tmp_path)
    for start in range(0, len(keys), 20):
        assert [second.get(key) for key in keys[start : start + 20]] == [k.encode() for k in keys[start : start + 20]]
    second.flush()
    assert (second.hits, second.misses) == (300, 0)
    assert len(PackStore(tmp_path)) == 300


def test_a_batched_search_index_build_keeps_the_cache_of_every_batch(write_site, make_config, cache_dir, counted,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from ordbog import load
    from ordbog.search import api

    real_key = cache.record_key
    monkeypatch.setattr(cache, "record_key", lambda s, fp: "a" + real_key(s, fp)[1:])  # all in one shard
    files = {f"emne-{i:03d}.md": article(f"Emne {i}", f"Tekst om emne {i}.\n", metaTitle=f'"Emne {i}"') for i in range(120)}
    cfg = make_config(write_site(files))
    sources, _ = load.load_sources(cfg.content_dir)
    first = api.build_streaming(cfg, sources, batch=10)
    assert len(counted) == 120
    assert len(cache.ArticleCache(cache_dir).store) == 120
    counted.clear()
    second = api.build_streaming(cfg, sources, batch=10)
    assert counted == []  # a second pass is all hits
    assert [d.slug for d in second.docs] == [d.slug for d in first.docs]
