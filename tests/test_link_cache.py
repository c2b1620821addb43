"""The link cache: a rebuild of an unchanged site reuses where the links went, an edited article is
linked again with the unchanged index, and a change to the configuration or the dictionary links
the site afresh (per-article reuse: tests/test_link_cache_articles.py)."""

from __future__ import annotations

import hashlib
import textwrap
from pathlib import Path

import pytest

from ordbog import analyse, link, linkcache
from ordbog.markdown import render_tokens
from ordbog.model import Article, Site, Source
from tests.link_support import config, needs_dictionary

BODIES = {
    "skulder": ("Skulder", "Skulderen er et led."),
    "knae": ("Knæ", "Knæet bærer kroppen."),
    "side": ("Side", "Når skulderen gør ondt, hjælper det at styrke knæene og skuldrene."),
}


def article(slug: str, title: str, body: str, digest: str | None = None) -> Article:
    text = textwrap.dedent(body)
    made, diags = analyse.analyse(Source(f"{slug}.md", slug, {"title": title, "metaTitle": title}, {}, text, 5,
                                         hashlib.sha256(text.encode()).hexdigest() if digest is None else digest))
    assert made is not None, diags
    return made


def site(bodies: dict[str, tuple[str, str]] = BODIES, digest: str | None = None) -> Site:
    return Site(tuple(article(slug, *bodies[slug], digest=digest) for slug in sorted(bodies)))


def pages(linked: Site) -> dict[str, tuple[str, tuple[tuple[str, str], ...]]]:
    return {a.slug: (render_tokens(a.tokens), a.links) for a in linked.articles}


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("ORDBOG_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def index_builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times the term index was built (a cache hit builds none)."""
    calls: list[int] = []
    real = link.site_index

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(link, "site_index", counting)
    return calls


@needs_dictionary
def test_a_rebuild_of_an_unchanged_site_gives_the_same_pages_from_the_cache(
        tmp_path: Path, cache_dir: Path, index_builds: list[int]) -> None:
    cfg = config(tmp_path)
    first, first_diags = link.link_site(cfg, site())
    again, again_diags = link.link_site(cfg, site())
    assert len(index_builds) == 1
    assert pages(again) == pages(first)
    assert again_diags == first_diags
    assert first.by_slug()["side"].links == (("skulder", "skulderen"), ("knae", "knæene"))
    assert len(list(cache_dir.glob("linkstate-*.marshal"))) == 1


@needs_dictionary
def test_an_edited_article_is_linked_again_with_the_same_index(
        tmp_path: Path, cache_dir: Path, index_builds: list[int]) -> None:
    cfg = config(tmp_path)
    link.link_site(cfg, site())
    edited = {**BODIES, "side": ("Side", "Kun knæet her.")}
    linked, _ = link.link_site(cfg, site(edited))
    assert len(index_builds) == 1  # same terms, and no word the inflector asked about changed
    assert linked.by_slug()["side"].links == (("knae", "knæet"),)


@needs_dictionary
def test_a_changed_setting_links_the_site_afresh(tmp_path: Path, cache_dir: Path, index_builds: list[int]) -> None:
    link.link_site(config(tmp_path), site())
    linked, _ = link.link_site(config(tmp_path, "[links]\nexclude = [\"knae\"]\n"), site())
    assert len(index_builds) == 2
    assert linked.by_slug()["side"].links == (("skulder", "skulderen"),)


def test_a_corrupt_record_is_a_miss(tmp_path: Path, cache_dir: Path, index_builds: list[int]) -> None:
    cfg = config(tmp_path)
    first, _ = link.link_site(cfg, site())
    records = [*cache_dir.glob("linkstate-*.marshal"), *cache_dir.glob("linksite-*.marshal")]
    assert len(records) == 2  # the family's state, and this whole site's records
    for record in records:
        record.write_bytes(b"not marshal")
    again, _ = link.link_site(cfg, site())
    assert len(index_builds) == 2
    assert pages(again) == pages(first)


def test_articles_made_in_memory_without_a_digest_are_not_cached(
        tmp_path: Path, cache_dir: Path, index_builds: list[int]) -> None:
    cfg = config(tmp_path)
    link.link_site(cfg, site(digest=""))
    link.link_site(cfg, site(digest=""))
    assert len(index_builds) == 2
    assert not list(cache_dir.glob("linkstate-*.marshal"))


def test_no_cache_when_caches_are_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORDBOG_CACHE_DIR", "off")
    assert linkcache.family_key(config(tmp_path), site(), None) is None


def test_only_the_most_recently_used_sites_are_kept(tmp_path: Path, cache_dir: Path) -> None:
    for n in range(linkcache.KEEP + 3):
        (tmp_path / f"site-{n}").mkdir()
        link.link_site(config(tmp_path / f"site-{n}"), site())
    assert len(list(cache_dir.glob("linkstate-*.marshal"))) == linkcache.KEEP
    assert len(list(cache_dir.glob("linkindex-*.marshal"))) == linkcache.KEEP
    assert len(list(cache_dir.glob("linksite-*.marshal"))) == linkcache.KEEP


def test_editing_either_dictionary_file_changes_the_key(tmp_path: Path, cache_dir: Path) -> None:
    aff, dic = tmp_path / "da_DK.aff", tmp_path / "da_DK.dic"
    aff.write_text("SET UTF-8\nSFX A Y 1\nSFX A 0 en .\n", encoding="utf-8")
    dic.write_text("1\nskulder/A\n", encoding="utf-8")
    linked = site()
    cfg = config(tmp_path)
    first = linkcache.family_key(cfg, linked, aff)
    assert first is not None and linkcache.family_key(cfg, linked, aff) == first
    aff.write_text("SET UTF-8\nSFX A Y 1\nSFX A 0 erne .\n", encoding="utf-8")  # new rules, same word list
    second = linkcache.family_key(cfg, linked, aff)
    assert second not in (None, first)
    dic.write_text("2\nskulder/A\nknæ/A\n", encoding="utf-8")
    assert linkcache.family_key(cfg, linked, aff) not in (None, first, second)
    dic.unlink()
    assert linkcache.family_key(cfg, linked, aff) is None  # a dictionary that cannot be read is never cached
