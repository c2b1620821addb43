"""A rebuild of an unchanged site takes its search index from the cache: no process is forked and
no thread started for it, and the files are the same as a build without any cache."""

from __future__ import annotations

from pathlib import Path

import pytest

from ordbog import build, link, workers
from ordbog.config import load_config
from tests.conftest import article, write_content

ARTICLES = {
    "rygsmerter.md": article("Rygsmerter", "Rygsmerter i lænden bliver ofte bedre med bevægelse.\n\n## Øvelser\n\nGå en tur hver dag."),
    "nakkesmerter.md": article("Nakkesmerter", "Nakkesmerter kommer tit af en stillesiddende arbejdsdag."),
}


def built_files(folder: Path, cache_dir: Path | str, monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    monkeypatch.setenv("ORDBOG_CACHE_DIR", str(cache_dir))
    cfg, diags = load_config(folder / "content", folder / "_site", None)
    assert cfg is not None, diags
    return build.build(cfg).files


def test_an_unchanged_site_is_rebuilt_without_building_its_search_index(tmp_path, monkeypatch) -> None:
    write_content(tmp_path, ARTICLES)
    first = built_files(tmp_path, tmp_path / "cache", monkeypatch)

    def no_index_build(*args, **kwargs):
        raise AssertionError("the search index was built again")

    monkeypatch.setattr(workers, "Background", no_index_build)
    monkeypatch.setattr(workers, "Alongside", no_index_build)
    monkeypatch.setattr(build, "site_extras", no_index_build)
    second = built_files(tmp_path, tmp_path / "cache", monkeypatch)
    assert second == first
    assert any(name.endswith("manifest.json") for name in second)


def test_an_edited_site_builds_its_search_index_again(tmp_path, monkeypatch) -> None:
    content = write_content(tmp_path, ARTICLES)
    first = built_files(tmp_path, tmp_path / "cache", monkeypatch)
    (content / "nakkesmerter.md").write_text(
        ARTICLES["nakkesmerter.md"].replace("arbejdsdag", "arbejdsdag foran skærmen"), encoding="utf-8")
    second = built_files(tmp_path, tmp_path / "cache", monkeypatch)
    assert second != first
    assert second == built_files(tmp_path, "off", monkeypatch)


def test_the_search_index_of_a_site_is_the_same_before_and_after_linking(tmp_path, monkeypatch) -> None:
    """The build starts the index before linking: linking must not change what the index reads."""
    write_content(tmp_path, ARTICLES | {
        "lændesmerter.md": article("Lændesmerter", "Ved lændesmerter og rygsmerter hjælper det at gå. Nakkesmerter er noget andet."),
    })
    monkeypatch.setenv("ORDBOG_CACHE_DIR", "off")
    cfg, diags = load_config(tmp_path / "content", tmp_path / "_site", None)
    assert cfg is not None, diags
    articles, _ = build.analyse_all(build.load.load_sources(cfg.content_dir)[0], cfg)
    unlinked, _ = build.unlinked_site(articles, [])
    linked, _ = link.link_site(cfg, unlinked)
    assert any(a.links for a in linked.articles)  # the fixture does get links
    assert build.site_extras(cfg, linked) == build.site_extras(cfg, unlinked)
