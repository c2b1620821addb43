"""The search index caches: an unchanged site's index files come from the cache byte for byte,
without building the index; after an edit only the edited article is read again; anything the
index depends on (an article, a synonym, the configuration) is a miss; a corrupt cache is a miss,
never an error; and every build served from a cache equals a build without one."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ordbog import build
from ordbog.config import load_config
from ordbog.search import articletext, index, indexcache, indexer, textcache, web
from tests.conftest import article, write_content

ARTICLES = {
    "knaesmerter.md": article(
        "Knæsmerter",
        """
        Knæsmerter kommer ofte efter løb på hårdt underlag eller mange trapper.

        ## Hvad hjælper mod knæsmerter?

        Styrketræning af lårmusklerne aflaster knæet. Symptomerne er:

        - hævelse
        - stivhed om morgenen

        ## Ofte stillede spørgsmål om knæsmerter

        ### Må jeg løbe med ondt i knæet?

        Ja, hvis smerten ikke bliver værre dagen efter.
        """,
        aliases="[ondt i knæet]",
    ),
    "skulderskade.md": article(
        "Skulderskade",
        """
        En skulderskade kan skyldes et fald eller gentagne kast over hovedhøjde.

        ## Genoptræning

        Rolige pendulsving og senere elastikøvelser genopbygger styrken i skulderen.
        """,
    ),
    "hovedpine.md": article(
        "Hovedpine",
        """
        Spændingshovedpine sidder som et bånd om panden og skyldes ofte anspændte nakkemuskler.
        """,
    ),
}
SYNONYMS_TOML = '[search]\nsynonyms = { "knæhaseskade" = ["knæsmerter"] }\n'


def site_files(folder: Path, files: dict[str, str], cache_dir: Path | str, monkeypatch, toml: str | None = None):
    """`build.site_extras` of `files` (the content folder is rewritten to exactly `files`)."""
    shutil.rmtree(folder / "content", ignore_errors=True)
    (folder / "ordbog.toml").unlink(missing_ok=True)
    content = write_content(folder, files, toml)
    monkeypatch.setenv("ORDBOG_CACHE_DIR", str(cache_dir))
    cfg, diags = load_config(content, folder / "_site", None)
    assert cfg is not None, diags
    site, _ = build.make_site(cfg)
    return build.site_extras(cfg, site)


@pytest.fixture
def indexed(monkeypatch: pytest.MonkeyPatch) -> dict[str, list]:
    """Spies: "builds" gets one entry per index built, "texts" the slug of every article read for it."""
    calls: dict[str, list] = {"builds": [], "texts": []}
    real_build, real_text = index.index_sources, articletext.article_text

    def build_spy(*args, **kwargs):
        calls["builds"].append(1)
        return real_build(*args, **kwargs)

    def text_spy(article_):
        calls["texts"].append(article_.slug)
        return real_text(article_)

    monkeypatch.setattr(index, "index_sources", build_spy)
    monkeypatch.setattr(articletext, "article_text", text_spy)
    return calls


def test_an_unchanged_site_gets_identical_files_without_building_the_index(tmp_path, monkeypatch, indexed) -> None:
    cold = site_files(tmp_path / "a", ARTICLES, "off", monkeypatch)
    first = site_files(tmp_path / "b", ARTICLES, tmp_path / "cache", monkeypatch)
    indexed["builds"].clear()
    indexed["texts"].clear()
    second = site_files(tmp_path / "b", ARTICLES, tmp_path / "cache", monkeypatch)
    assert indexed == {"builds": [], "texts": []}
    assert first == second == cold
    assert list(second) == list(cold)  # the same order too
    assert any(name.endswith("manifest.json") for name in second)


def test_a_cache_folder_that_cannot_be_written_still_serves_the_index(tmp_path, monkeypatch, indexed) -> None:
    # a CI job may restore the cache read-only: marking a record as recently used fails, reading must not
    first = site_files(tmp_path / "b", ARTICLES, tmp_path / "cache", monkeypatch)
    indexed["builds"].clear()

    def read_only(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(indexcache.os, "utime", read_only)
    assert site_files(tmp_path / "b", ARTICLES, tmp_path / "cache", monkeypatch) == first
    assert indexed["builds"] == []


def test_without_a_cache_folder_the_index_is_built_every_time(tmp_path, monkeypatch, indexed) -> None:
    site_files(tmp_path, ARTICLES, "off", monkeypatch)
    site_files(tmp_path, ARTICLES, "off", monkeypatch)
    assert len(indexed["builds"]) == 2
    assert indexed["texts"].count("hovedpine") == 2


def test_an_edit_rebuilds_the_index_but_reads_only_the_edited_article(tmp_path, monkeypatch, indexed) -> None:
    cache_dir = tmp_path / "cache"
    site_files(tmp_path / "b", ARTICLES, cache_dir, monkeypatch)
    edited = dict(ARTICLES)
    edited["hovedpine.md"] = edited["hovedpine.md"].replace("panden", "panden og tindingerne")
    indexed["builds"].clear()
    indexed["texts"].clear()
    cached = site_files(tmp_path / "b", edited, cache_dir, monkeypatch)
    assert indexed == {"builds": [1], "texts": ["hovedpine"]}
    assert cached == site_files(tmp_path / "a", edited, "off", monkeypatch)
    assert any(b"tindingerne" in data for data in cached.values())


def test_a_new_or_deleted_article_is_a_miss(tmp_path, monkeypatch, indexed) -> None:
    cache_dir = tmp_path / "cache"
    site_files(tmp_path / "b", ARTICLES, cache_dir, monkeypatch)
    fewer = {k: v for k, v in ARTICLES.items() if k != "skulderskade.md"}
    indexed["builds"].clear()
    assert site_files(tmp_path / "b", fewer, cache_dir, monkeypatch) == site_files(tmp_path / "a", fewer, "off", monkeypatch)
    assert len(indexed["builds"]) == 2


def test_a_synonym_change_is_a_miss(tmp_path, monkeypatch) -> None:
    cache_dir = tmp_path / "cache"
    plain = site_files(tmp_path / "b", ARTICLES, cache_dir, monkeypatch)
    with_synonym = site_files(tmp_path / "b", ARTICLES, cache_dir, monkeypatch, toml=SYNONYMS_TOML)
    manifest = next(data for name, data in with_synonym.items() if name.endswith("manifest.json"))
    assert "knæhaseskade".encode() in manifest or b"knaehaseskade" in manifest
    assert with_synonym != plain
    assert with_synonym == site_files(tmp_path / "a", ARTICLES, "off", monkeypatch, toml=SYNONYMS_TOML)
    assert site_files(tmp_path / "b", ARTICLES, cache_dir, monkeypatch) == plain  # and back again: a hit


def test_a_configuration_change_is_a_miss(tmp_path, monkeypatch) -> None:
    toml = '[site]\nbase_url = "https://fysio.example.dk/hjaelp"\n'
    cache_dir = tmp_path / "cache"
    plain = site_files(tmp_path / "b", ARTICLES, cache_dir, monkeypatch)
    moved = site_files(tmp_path / "b", ARTICLES, cache_dir, monkeypatch, toml=toml)
    assert any(b"/hjaelp/" in data for data in moved.values())
    assert not any(b"/hjaelp/" in data for data in plain.values())
    assert moved == site_files(tmp_path / "a", ARTICLES, "off", monkeypatch, toml=toml)


def test_a_disabled_search_has_no_files_and_caches_nothing(tmp_path, monkeypatch) -> None:
    files = site_files(tmp_path, ARTICLES, tmp_path / "cache", monkeypatch, toml="[search]\nenabled = false\n")
    assert files == {}
    assert not (tmp_path / "cache" / "search-web").exists()


DAMAGES = {
    "truncated": lambda data, key: data[:-10],
    "garbage": lambda data, key: b"\x00\xff" * 50,
    "empty": lambda data, key: b"",
    "longer than its header": lambda data, key: data + b"x",
    "another key inside": lambda data, key: data.replace(key.encode(), b"0" * len(key), 1),
    # bit rot in the header's length: never allocate what it claims
    "huge length": lambda data, key: indexcache.MAGIC + (2**62).to_bytes(8, "little") + data[len(indexcache.MAGIC) + 8 :],
}


@pytest.mark.parametrize("damage", list(DAMAGES))
def test_a_corrupt_index_record_is_a_miss_not_an_error(tmp_path, monkeypatch, indexed, damage) -> None:
    cache_dir = tmp_path / "cache"
    good = site_files(tmp_path, ARTICLES, cache_dir, monkeypatch)
    (record,) = (cache_dir / "search-web").glob("index-*.bin")
    record.write_bytes(DAMAGES[damage](record.read_bytes(), record.stem.removeprefix("index-")))
    indexed["builds"].clear()
    assert site_files(tmp_path, ARTICLES, cache_dir, monkeypatch) == good
    assert indexed["builds"] == [1]
    assert site_files(tmp_path, ARTICLES, cache_dir, monkeypatch) == good  # rewritten: a hit again
    assert indexed["builds"] == [1]


def test_a_corrupt_text_entry_is_read_again(tmp_path, monkeypatch, indexed) -> None:
    cache_dir = tmp_path / "cache"
    good = site_files(tmp_path, ARTICLES, cache_dir, monkeypatch)
    store = textcache.open_store()
    assert store is not None and len(store) == len(ARTICLES)
    for shard in store._shards.values():
        for key in shard:
            store.put(key, (("s", "t", "d", (), (), ()), (1, "", b"", b"", b""), ((), (), ())))  # marshal-valid, wrong shape
    store.flush()
    shutil.rmtree(cache_dir / "search-web")
    indexed["texts"].clear()
    assert site_files(tmp_path, ARTICLES, cache_dir, monkeypatch) == good
    assert sorted(indexed["texts"]) == sorted(name.removesuffix(".md") for name in ARTICLES)


def test_only_the_most_recently_used_records_are_kept(tmp_path, monkeypatch) -> None:
    cache_dir = tmp_path / "cache"
    for n in range(indexcache.KEEP + 2):
        edited = dict(ARTICLES, **{"ekstra.md": article("Ekstra", f"Afsnit nummer {n} om ryggen.\n")})
        site_files(tmp_path, edited, cache_dir, monkeypatch)
    assert len(list((cache_dir / "search-web").glob("index-*.bin"))) == indexcache.KEEP


def test_articles_made_in_memory_are_never_cached(tmp_path, monkeypatch) -> None:
    content = write_content(tmp_path, ARTICLES)
    monkeypatch.setenv("ORDBOG_CACHE_DIR", str(tmp_path / "cache"))
    cfg, _ = load_config(content, tmp_path / "_site", None)
    site, _ = build.make_site(cfg)
    in_memory = type(site)(tuple(type(a)(**{**{f: getattr(a, f) for f in a.__dataclass_fields__}, "digest": ""})
                                 for a in site.articles))
    assert indexcache.site_key(cfg, in_memory) is None
    assert web.site_files(cfg, in_memory) == web.site_files(cfg, site)


WORDS = st.sampled_from(["knæ", "smerter", "knæsmerter", "ryg", "øvelse", "Øvelser", "træning", "styrketræning",
                         "og", "i", "ondt", "hofte", "hofteøvelser", "2", "A1", "e-mail", "løb", "løbeskade"])
TEXT = st.lists(WORDS, max_size=12).map(" ".join)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(TEXT, TEXT, st.lists(st.tuples(st.sampled_from(["p", "faq"]), TEXT, TEXT), max_size=3),
                         st.lists(TEXT, max_size=2).map(tuple)), min_size=1, max_size=4))
def test_cached_pass_one_gives_the_same_arrays_as_reading_the_text(make_config, write_site, rows) -> None:
    texts = [
        indexer.ArticleText(f"a{n}", title, "", aliases, (title, "\n".join(aliases), "", "", "", body),
                            tuple((kind, heading, "", text) for kind, heading, text in passages))
        for n, (title, body, passages, aliases) in enumerate(rows)
    ]
    cfg = make_config(write_site({}))
    direct = index.index_texts(cfg, texts, {})
    via_cache = index.index_prepared(cfg, (textcache.decode(textcache.encode(textcache.prepare(t))) for t in texts), {})
    assert direct.terms == via_cache.terms and direct.vocab == via_cache.vocab
    assert direct.docs == via_cache.docs and direct.question_keys == via_cache.question_keys
    assert list(direct.passages) == list(via_cache.passages)
    for name in ("post_offsets", "post_docs", "post_impacts", "p_offsets", "p_terms", "p_tf", "p_df", "passage_lengths"):
        assert getattr(direct, name).tolist() == getattr(via_cache, name).tolist(), name


def test_cached_site_files_answers_without_building_only_when_it_can(tmp_path, monkeypatch, indexed) -> None:
    content = write_content(tmp_path, ARTICLES)
    monkeypatch.setenv("ORDBOG_CACHE_DIR", str(tmp_path / "cache"))
    cfg, _ = load_config(content, tmp_path / "_site", None)
    site, _ = build.make_site(cfg)
    assert web.cached_site_files(cfg, site) is None
    built = web.site_files(cfg, site)
    assert web.cached_site_files(cfg, site) == built
    monkeypatch.setenv("ORDBOG_CACHE_DIR", "off")
    assert web.cached_site_files(cfg, site) is None
    assert indexed["builds"] == [1]


def _changed(files: dict[str, str], name: str, change) -> dict[str, str]:
    """`files` with `change` applied to article `name` (if it is still there)."""
    return {**files, name: change(files[name])} if name in files else files


EDITS = {
    "edit a body": lambda files: _changed(files, "hovedpine.md", lambda text: text + "\nMigræne er noget andet.\n"),
    "add an article": lambda files: {**files, "ryg.md": article("Ondt i ryggen", "Ondt i ryggen er almindeligt.\n")},
    "delete an article": lambda files: {k: v for k, v in files.items() if k != "skulderskade.md"},
    "add an alias": lambda files: _changed(files, "skulderskade.md", lambda text: text.replace(
        'title: "Skulderskade"', 'title: "Skulderskade"\naliases: [skadet skulder]', 1)),
    "rename a file": lambda files: {("hovedpine-2.md" if k == "hovedpine.md" else k): v for k, v in files.items()},
}


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(sorted(EDITS)), st.booleans()), min_size=1, max_size=4))
def test_any_sequence_of_edits_gives_the_files_of_a_build_without_cache(tmp_path_factory, monkeypatch, steps) -> None:
    folder = tmp_path_factory.mktemp("edits")
    files = dict(ARTICLES)
    site_files(folder / "b", files, folder / "cache", monkeypatch)
    for edit, synonyms in steps:
        files = EDITS[edit](files)
        toml = SYNONYMS_TOML if synonyms else None
        cached = site_files(folder / "b", files, folder / "cache", monkeypatch, toml=toml)
        assert cached == site_files(folder / "a", files, "off", monkeypatch, toml=toml), edit


def test_a_cached_article_text_leaves_out_the_fields_that_only_pass_one_reads() -> None:
    """A cold build keeps every new entry in memory until the cache is written: the field texts
    (the article's whole text again) are not stored; without its pass 1 such a text is refused."""
    text = indexer.ArticleText("ryg", "Rygsmerter", "Ondt i ryggen.", ("lændesmerter",),
                               ("Rygsmerter", "lændesmerter", "", "", "", "Ondt i ryggen og lænden."),
                               (("p", "", "", "Ondt i ryggen og lænden."),))
    cached_text, cached_tok = textcache.decode(textcache.encode(textcache.prepare(text)))
    assert cached_text.fields == () and cached_tok == indexer.tokenise(text)
    assert cached_text == dataclasses.replace(text, fields=())
    with pytest.raises(ValueError, match="pass 1 does not match"):
        indexer.Indexer().add(cached_text)
