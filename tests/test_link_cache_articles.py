"""The per-article link cache: after an edit, only the articles whose automatic links can change are
linked again, and the site is exactly what linking it without any cache gives.

Each test links (or builds) a small Danish site with the cache, edits it, and compares the result
with a build of the edited site under `ORDBOG_CACHE_DIR=off`.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ordbog import analyse, build, link, linkcache
from ordbog.config import Config, load_config
from ordbog.markdown import render_tokens
from ordbog.model import Article, Site, Source
from tests.conftest import article as article_text
from tests.conftest import write_content
from tests.link_support import needs_dictionary

# slug → (title, aliases, body). "Crossfit" and "Tendinose" are not in the Danish dictionary: their
# forms are the site's words with their Snowball stem, so the site's text shapes the link index.
SITE: dict[str, tuple[str, tuple[str, ...], str]] = {
    "skulder": ("Skulder", ("skulderled",), "Skulderen er kroppens mest bevægelige led. Knæet er et andet led."),
    "knae": ("Knæ", (), "Knæet bærer kroppen, når du går på trapper. Skuldrene hviler imens."),
    "crossfit": ("Crossfit", (), "Crossfit er hård træning i hold. Mange dyrker crossfit for sjov."),
    "tendinose": ("Tendinose", ("seneforandring",), "Tendinosen sidder ofte i hælen eller i skulderen."),
    "frossen-skulder": ("Frossen skulder", (), "En frossen skulder gør ondt om natten. Knæene er sjældent ramt."),
    # a town: its one-word title is written with a capital mid-sentence, so only "Give" links to it
    "give": ("Give", (), "Klinikken i Give ligger midt i byen. Patienter fra Give kan give besked."),
    "klinik": ("Klinik", (), "Holdet i Give træner hver dag, og du kan give dig tid."),
    "traening": ("Træning", (), textwrap.dedent("""\
        Efter crossfitten gør skulderen ondt, og knæene er ømme.

        Se også [knæet](/ordbog/knae/) og [hælen](/ordbog/hael/). En frossen skulder kræver ro.
        """)),
}
SENTENCES = (
    "Crossfitten var hård i dag.",
    "Tendinoser i skuldrene er sjældne.",
    "Du kan ryge på skadestuen, når knæet svigter.",
    "Genoptræning hjælper ofte ved tendinose.",
    "Læs om [hælen](/ordbog/hael/) her.",
    "Skulderleddet og knæenes menisker slides.",
    "En seneforandring i hælen kaldes tendinose.",
    "Frosne skuldre løsner sig med tiden.",
    "Du kan give besked i Give.",
    "Husk at give knæet ro, og at give slip.",
)
TITLES = ("Skulder", "Skulderled", "Knæ", "Crossfit", "Crossfittræning", "Tendinose", "Hæl", "Frossen skulder",
          "Træning", "Ryg", "Give")
SETTINGS = ("", "[links]\nmax_per_page = 1\n", "[links]\nstop_words = [\"knæ\"]\n", "[links]\nexclude = [\"skulder\"]\n",
            "[links]\ninflection = \"snowball\"\n", "[links]\nkeywords = { hael = [\"hæl\"] }\n",
            "[links]\npriorities = { tendinose = 2 }\n")

Content = dict[str, tuple[str, tuple[str, ...], str]]


def made(slug: str, title: str, aliases: tuple[str, ...], body: str) -> Article:
    """The analysed article, with its source digest as a build would set it."""
    fm = {"title": title, "metaTitle": title, "aliases": list(aliases)}
    digest = hashlib.sha256(repr((title, aliases, body)).encode()).hexdigest()
    article, diags = analyse.analyse(Source(f"{slug}.md", slug, fm, {}, body, 5, digest))
    assert article is not None, diags
    return article


def site_of(content: Content) -> Site:
    return Site(tuple(made(slug, *content[slug]) for slug in sorted(content)))


def config_at(folder: Path, toml: str = "") -> Config:
    (folder / "content").mkdir(parents=True, exist_ok=True)
    (folder / "ordbog.toml").write_text(toml, encoding="utf-8")
    cfg, diags = load_config(folder / "content", folder / "_site", folder / "ordbog.toml")
    assert cfg is not None, diags
    return cfg


def pages(linked: Site) -> dict[str, tuple[str, tuple[tuple[str, str], ...]]]:
    return {a.slug: (render_tokens(a.tokens), a.links) for a in linked.articles}


@contextlib.contextmanager
def cache_at(value: str) -> Iterator[None]:
    before = os.environ.get("ORDBOG_CACHE_DIR")
    os.environ["ORDBOG_CACHE_DIR"] = value
    try:
        yield
    finally:
        if before is None:
            del os.environ["ORDBOG_CACHE_DIR"]
        else:
            os.environ["ORDBOG_CACHE_DIR"] = before


def linked_both_ways(cfg: Config, content: Content, cache: Path) -> tuple[tuple, tuple]:
    """(pages, diagnostics) linked with the cache at `cache`, and without any cache."""
    with cache_at(str(cache)):
        cached, cached_diags = link.link_site(cfg, site_of(content))
    with cache_at("off"):
        fresh, fresh_diags = link.link_site(cfg, site_of(content))
    return (pages(cached), cached_diags), (pages(fresh), fresh_diags)


@pytest.fixture
def chosen_for(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The slugs `choose_links` is called for (small sites are linked in this process)."""
    calls: list[str] = []
    real = link.choose_links

    def spy(tokens, ctx, segments=None):  # type: ignore[no-untyped-def]
        calls.append(ctx.self_slug)
        return real(tokens, ctx, segments)

    monkeypatch.setattr(link, "choose_links", spy)
    monkeypatch.setattr(link.workers, "PARALLEL_MIN", 10**9)
    return calls


def edited(content: Content, slug: str, *, title: str | None = None, aliases: tuple[str, ...] | None = None,
           append: str = "") -> Content:
    old_title, old_aliases, body = content[slug]
    new = (old_title if title is None else title, old_aliases if aliases is None else aliases,
           body + ("\n\n" + append if append else ""))
    return {**content, slug: new}


# --- which articles are chosen again -------------------------------------------------------------------


@needs_dictionary
def test_a_body_edit_that_cannot_affect_others_chooses_only_that_article(tmp_path: Path, chosen_for: list[str]) -> None:
    cfg = config_at(tmp_path)
    with cache_at(str(tmp_path / "cache")):
        link.link_site(cfg, site_of(SITE))
        assert sorted(chosen_for) == sorted(SITE)
        chosen_for.clear()
        after = edited(SITE, "knae", append="Genoptræning efter crossfit hjælper ofte.")
        linked, _ = link.link_site(cfg, site_of(after))
    assert chosen_for == ["knae"]
    assert linked.by_slug()["knae"].links == (("skulder", "Skuldrene"), ("crossfit", "crossfit"))
    cached, fresh = linked_both_ways(cfg, after, tmp_path / "cache")
    assert cached == fresh


@needs_dictionary
def test_an_unchanged_site_chooses_nothing(tmp_path: Path, chosen_for: list[str]) -> None:
    cfg = config_at(tmp_path)
    with cache_at(str(tmp_path / "cache")):
        first, _ = link.link_site(cfg, site_of(SITE))
        chosen_for.clear()
        again, _ = link.link_site(cfg, site_of(SITE))
    assert chosen_for == []
    assert pages(again) == pages(first)


@needs_dictionary
def test_a_new_title_chooses_again_only_articles_containing_its_words(tmp_path: Path, chosen_for: list[str]) -> None:
    cfg = config_at(tmp_path)
    with cache_at(str(tmp_path / "cache")):
        link.link_site(cfg, site_of(SITE))
        chosen_for.clear()
        after = {**SITE, "hael": ("Hæl", (), "Hælen bærer kroppens vægt.")}
        linked, _ = link.link_site(cfg, site_of(after))
    # the new article, and those that mention "hæl" in some form or link to /ordbog/hael/ by hand
    assert sorted(chosen_for) == ["hael", "tendinose", "traening"]
    assert ("hael", "hælen") in linked.by_slug()["tendinose"].links


@needs_dictionary
def test_a_word_new_to_the_site_that_inflects_a_title_links_it(tmp_path: Path, chosen_for: list[str]) -> None:
    """"Crossfittere" is not in the dictionary: it becomes a form of "Crossfit" once the site uses it."""
    cfg = config_at(tmp_path)
    with cache_at(str(tmp_path / "cache")):
        link.link_site(cfg, site_of(SITE))
        chosen_for.clear()
        after = edited(SITE, "knae", append="Mange crossfittere får ondt i knæene.")
        linked, _ = link.link_site(cfg, site_of(after))
    assert chosen_for == ["knae"]  # no other article contains the new form
    assert ("crossfit", "crossfittere") in linked.by_slug()["knae"].links
    cached, fresh = linked_both_ways(cfg, after, tmp_path / "cache")
    assert cached == fresh


# --- the same site as without a cache ------------------------------------------------------------------

EDITS = {
    "body word inflecting a title": lambda c: edited(c, "skulder", append="Tendinoser og crossfittens øvelser."),
    "title": lambda c: edited(c, "knae", title="Knæled"),
    "alias": lambda c: edited(c, "crossfit", aliases=("funktionel træning",)),
    "proper noun no more": lambda c: {**c, "give": ("Give", (), "At give er bedre end at få. Man kan give meget.")},
    "alias removed": lambda c: edited(c, "skulder", aliases=()),
    "article added": lambda c: {**c, "hael": ("Hæl", (), "Hælen og skulderen.")},
    "article removed (a hand link's target)": lambda c: {k: v for k, v in c.items() if k != "knae"},
}


@needs_dictionary
@pytest.mark.parametrize("name", EDITS)
def test_linking_after_an_edit_equals_linking_without_a_cache(tmp_path: Path, name: str) -> None:
    cfg = config_at(tmp_path)
    cached, fresh = linked_both_ways(cfg, SITE, tmp_path / "cache")
    assert cached == fresh
    cached, fresh = linked_both_ways(cfg, EDITS[name](SITE), tmp_path / "cache")
    assert cached == fresh


@needs_dictionary
@pytest.mark.parametrize("toml", SETTINGS[1:])
def test_a_changed_links_setting_links_as_without_a_cache(tmp_path: Path, toml: str) -> None:
    linked_both_ways(config_at(tmp_path), SITE, tmp_path / "cache")
    cached, fresh = linked_both_ways(config_at(tmp_path, toml), SITE, tmp_path / "cache")
    assert cached == fresh


edit_steps = st.one_of(
    st.tuples(st.just("append"), st.sampled_from(sorted(SITE)), st.sampled_from(SENTENCES)),
    st.tuples(st.just("title"), st.sampled_from(sorted(SITE)), st.sampled_from(TITLES)),
    st.tuples(st.just("alias"), st.sampled_from(sorted(SITE)), st.sampled_from(("", "skulderled", "knæled", "box"))),
    st.tuples(st.just("add"), st.sampled_from(("hael", "ryg", "box")), st.sampled_from(SENTENCES)),
    st.tuples(st.just("remove"), st.sampled_from(sorted(SITE) + ["hael", "ryg", "box"]), st.just("")),
    st.tuples(st.just("config"), st.just(""), st.sampled_from(SETTINGS)),
)


def apply_step(content: Content, toml: str, step: tuple[str, str, str]) -> tuple[Content, str]:
    kind, slug, value = step
    if kind == "config":
        return content, value
    if kind == "add":
        return {**content, slug: (slug.capitalize(), (), value)}, toml
    if kind == "remove":
        rest = {k: v for k, v in content.items() if k != slug}
        return (rest or content), toml
    if slug not in content:
        return content, toml
    if kind == "append":
        return edited(content, slug, append=value), toml
    if kind == "title":
        return edited(content, slug, title=value), toml
    return edited(content, slug, aliases=(value,) if value else ()), toml


@needs_dictionary
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(edit_steps, min_size=1, max_size=6))
def test_any_sequence_of_edits_links_as_without_a_cache(steps: list[tuple[str, str, str]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        content, toml = dict(SITE), ""
        linked_both_ways(config_at(root, toml), content, root / "cache")
        for step in steps:
            content, toml = apply_step(content, toml, step)
            cached, fresh = linked_both_ways(config_at(root, toml), content, root / "cache")
            assert cached == fresh, step


# --- whole builds ----------------------------------------------------------------------------------------


def files_of(text: dict[str, str]) -> dict[str, str]:
    out = {}
    for slug, (title, aliases, body) in text.items():  # type: ignore[misc]
        alias_line = {"aliases": "[" + ", ".join(f'"{a}"' for a in aliases) + "]"} if aliases else {}
        out[f"{slug}.md"] = article_text(title, body, metaTitle=f'"{title}"', **alias_line)
    return out


def build_files(folder: Path, cache: str) -> dict[str, bytes]:
    cfg, diags = load_config(folder / "content", folder / "_site", None)
    assert cfg is not None, diags
    with cache_at(cache):
        return build.build(cfg, keep_going=True).files


BUILD_EDITS = ("body word inflecting a title", "title", "alias", "article added",
               "article removed (a hand link's target)")


@needs_dictionary
@pytest.mark.parametrize("name", BUILD_EDITS)
def test_a_build_after_an_edit_is_byte_identical_to_an_uncached_build(tmp_path: Path, name: str) -> None:
    cache = str(tmp_path / "cache")
    write_content(tmp_path, files_of(SITE))  # type: ignore[arg-type]
    build_files(tmp_path, cache)
    after = EDITS[name](SITE)
    for stale in (tmp_path / "content").glob("*.md"):
        stale.unlink()
    write_content(tmp_path, files_of(after))  # type: ignore[arg-type]
    assert build_files(tmp_path, cache) == build_files(tmp_path, "off")
    assert list(Path(cache).glob("linkstate-*.marshal"))


def test_the_family_key_covers_the_configuration_and_the_content_folder(tmp_path: Path) -> None:
    with cache_at(str(tmp_path / "cache")):
        site = site_of(SITE)
        plain = linkcache.family_key(config_at(tmp_path / "a"), site, None)
        assert plain == linkcache.family_key(config_at(tmp_path / "a"), site, None)
        assert plain != linkcache.family_key(config_at(tmp_path / "a", SETTINGS[1]), site, None)
        assert plain != linkcache.family_key(config_at(tmp_path / "b"), site, None)
    with cache_at("off"):
        assert linkcache.family_key(config_at(tmp_path / "a"), site, None) is None


@needs_dictionary
def test_a_lost_index_file_only_costs_time(tmp_path: Path, chosen_for: list[str]) -> None:
    cfg = config_at(tmp_path)

    def damage_index_files() -> None:
        for index_file in (tmp_path / "cache").glob("linkindex-*.marshal"):
            index_file.write_bytes(b"damaged")

    linked_both_ways(cfg, SITE, tmp_path / "cache")
    damage_index_files()
    chosen_for.clear()
    after = edited(SITE, "knae", append="Knæet kan hæves efter træning.")
    cached, fresh = linked_both_ways(cfg, after, tmp_path / "cache")
    assert cached == fresh
    assert chosen_for == ["knae", *sorted(after)]  # the index is built again, but only "knae" is chosen again
    damage_index_files()
    chosen_for.clear()
    after = edited(after, "knae", append="Tendinose i knæet er sjælden.")  # a new word with a term's stem
    cached, fresh = linked_both_ways(cfg, after, tmp_path / "cache")
    assert cached == fresh
    assert chosen_for == [*sorted(after), *sorted(after)]  # what changed in the index is unknown: all again


def test_records_of_the_earlier_whole_site_cache_are_deleted(tmp_path: Path) -> None:
    legacy = tmp_path / "cache" / "links-0123456789abcdef0123456789abcdef.marshal"
    legacy.parent.mkdir()
    legacy.write_bytes(b"old")
    linked_both_ways(config_at(tmp_path), SITE, tmp_path / "cache")
    assert not legacy.exists()
