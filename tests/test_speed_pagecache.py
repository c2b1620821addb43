"""The rendered-page cache: an unchanged page is not rendered twice, and builds served from the
cache are byte-identical to builds without any cache — after any edit to content, templates or
configuration."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ordbog import build, cache, render
from ordbog.config import load_config
from tests.conftest import article, write_content

TITLES = {"knae": "Knæ", "menisk": "Menisk", "hofte": "Hofte", "ryg": "Ryg"}


def text(slug: str, title: str, related: tuple[str, ...] = (), extra: str = "") -> str:
    body = f"""\
    {title} er en del af kroppen. Læs om menisk, hofte og ryg.{extra}

    ## Hvad er {title.lower()}?

    Et afsnit med **fed** tekst og et <sup>hævet</sup> tal.

    ## Ofte stillede spørgsmål om {title.lower()}

    ### Gør det ondt?

    Nogle gange.
    """
    rel = "[" + ", ".join(f"{{type: ordbog, slug: {r}}}" for r in related) + "]"
    return article(title, body, metaTitle=f'"{title} – ordbog"', lastUpdated="24/02/2024", related=rel)


SITE = {f"{slug}.md": text(slug, title, related=("menisk",) if slug != "menisk" else ()) for slug, title in TITLES.items()}


def built(folder: Path, files: dict[str, str], monkeypatch, cache_dir: Path | str, toml: str | None = None,
          templates: dict[str, str] | None = None) -> dict[str, bytes]:
    """The files of a build of `files` (the content folder is rewritten to exactly `files`)."""
    shutil.rmtree(folder / "content", ignore_errors=True)
    content = write_content(folder, files, toml)
    if templates is not None:
        shutil.rmtree(folder / "templates", ignore_errors=True)
        (folder / "templates").mkdir()
        for name, template in templates.items():
            (folder / "templates" / name).write_text(template, encoding="utf-8")
    monkeypatch.setenv("ORDBOG_CACHE_DIR", str(cache_dir))
    cfg, diags = load_config(content, folder / "_site", None)
    assert cfg is not None, diags
    return build.build(cfg, keep_going=True).files


@pytest.fixture
def rendered(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The slugs whose files are rendered (not taken from the cache)."""
    calls: list[str] = []
    real = render.article_files

    def spy(config, article_, by_slug, backrefs):
        calls.append(article_.slug)
        return real(config, article_, by_slug, backrefs)

    monkeypatch.setattr(render, "article_files", spy)
    return calls


def test_a_second_build_renders_nothing_and_is_byte_identical(tmp_path: Path, monkeypatch, rendered) -> None:
    cold = built(tmp_path / "a", SITE, monkeypatch, "off")
    first = built(tmp_path / "b", SITE, monkeypatch, tmp_path / "cache")
    rendered.clear()
    second = built(tmp_path / "b", SITE, monkeypatch, tmp_path / "cache")
    assert rendered == []
    assert first == second == cold


def test_a_build_into_another_output_folder_reuses_the_pages(tmp_path: Path, monkeypatch, rendered) -> None:
    first = built(tmp_path / "b", SITE, monkeypatch, tmp_path / "cache")
    content = tmp_path / "b" / "content"
    cfg, _ = load_config(content, tmp_path / "andet-site", None)
    rendered.clear()
    assert build.build(cfg, keep_going=True).files == first
    assert rendered == []


def test_an_edit_re_renders_the_pages_that_show_it_and_nothing_else(tmp_path: Path, monkeypatch, rendered) -> None:
    built(tmp_path / "b", SITE, monkeypatch, tmp_path / "cache")
    edited = SITE | {"menisk.md": text("menisk", "Meniskus")}  # its title shows in the others' "Se også"
    rendered.clear()
    warm = built(tmp_path / "b", edited, monkeypatch, tmp_path / "cache")
    assert sorted(rendered) == ["hofte", "knae", "menisk", "ryg"]
    assert warm == built(tmp_path / "a", edited, monkeypatch, "off")
    body_only = edited | {"ryg.md": text("ryg", "Ryg", ("menisk",), extra=" Ny sætning.")}
    rendered.clear()
    warm = built(tmp_path / "b", body_only, monkeypatch, tmp_path / "cache")
    assert rendered == ["ryg"]
    assert warm == built(tmp_path / "a", body_only, monkeypatch, "off")


def test_templates_configuration_and_build_time_are_part_of_the_key(tmp_path: Path, monkeypatch, rendered) -> None:
    cache_dir = tmp_path / "cache"
    built(tmp_path / "b", SITE, monkeypatch, cache_dir)
    own = {"article.html": '{% extends "base.html" %}{% block content %}<h1>{{ article.title }}</h1>{% endblock %}'}
    for toml, templates, epoch in [
        ('[site]\nname = "Kropsordbogen"\n', None, None),
        ('[site]\nname = "Kropsordbogen"\n', own, None),  # the site's templates sit beside ordbog.toml
        ('[site]\nname = "Kropsordbogen"\n', own, "1700000000"),
    ]:
        if epoch:
            monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
        rendered.clear()
        warm = built(tmp_path / "b", SITE, monkeypatch, cache_dir, toml=toml, templates=templates or {})
        assert sorted(rendered) == sorted(TITLES)
        assert warm == built(tmp_path / "a", SITE, monkeypatch, "off", toml=toml, templates=templates or {})


def test_a_corrupt_cache_is_a_miss_not_an_error(tmp_path: Path, monkeypatch, rendered) -> None:
    cache_dir = tmp_path / "cache"
    first = built(tmp_path / "b", SITE, monkeypatch, cache_dir)
    packs = list((cache_dir / "pages").rglob("pack-*"))
    assert packs
    for pack in packs:
        pack.write_bytes(b"\x00ikke marshal")
    rendered.clear()
    assert built(tmp_path / "b", SITE, monkeypatch, cache_dir) == first
    assert sorted(rendered) == sorted(TITLES)


def test_equal_values_have_equal_canonical_bytes_whatever_objects_they_are_made_of() -> None:
    shared = "".join(["knæ", "led"])
    a = (shared, {"id": sys.intern("hvad-er-knae")}, [shared, shared])  # one object thrice, an interned one
    b = ("".join(["kn", "æled"]), {"id": "".join(["hvad-er-", "knae"])}, ["".join(["knæ", "led"]), "knæled"])
    assert a == b and a[0] is not b[0] and a[2][0] is a[2][1] and b[2][0] is not b[2][1]
    assert cache.canonical_bytes(a) == cache.canonical_bytes(b)
    assert cache.canonical_bytes((1,)) != cache.canonical_bytes([1])
    assert cache.canonical_bytes((True,)) != cache.canonical_bytes((1,))


edits = st.lists(st.tuples(
    st.sampled_from(sorted(TITLES)),
    st.sampled_from(["Knæ", "Menisk", "Hofte", "Ryg", "Skulder", "Ben"]),
    st.lists(st.sampled_from(sorted(TITLES)), max_size=3, unique=True).map(tuple),
    st.sampled_from(["", " Mere tekst.", " Se også menisk."]),
), min_size=1, max_size=4)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=edits)
def test_any_sequence_of_edits_gives_the_same_files_as_a_build_without_cache(tmp_path_factory, monkeypatch, edits) -> None:
    base = tmp_path_factory.mktemp("edits")
    files = dict(SITE)
    built(base / "warm", files, monkeypatch, base / "cache")
    for slug, title, related, extra in edits:
        files[f"{slug}.md"] = text(slug, title, related, extra)
        assert built(base / "warm", files, monkeypatch, base / "cache") == built(base / "cold", files, monkeypatch, "off")


def test_after_one_edit_only_that_page_renders_and_in_this_process(tmp_path: Path, monkeypatch, rendered) -> None:
    # a "large" site (the pool is used from 2 articles): a build after one edit renders the one
    # page whose key changed, here, without forking workers that would only look keys up
    from ordbog import workers

    monkeypatch.setattr(workers, "PARALLEL_MIN", 2)
    monkeypatch.setattr(workers, "CHUNK", 1)
    monkeypatch.setenv("ORDBOG_JOBS", "2")
    built(tmp_path / "b", SITE, monkeypatch, tmp_path / "cache")
    edited = SITE | {"hofte.md": text("hofte", "Hofte", related=("menisk",), extra=" Hoften bærer.")}
    rendered.clear()
    warm = built(tmp_path / "b", edited, monkeypatch, tmp_path / "cache")
    assert rendered == ["hofte"]  # the spy sees only this process's calls
    assert warm == built(tmp_path / "a", edited, monkeypatch, "off")
