"""Review of session 4's caches: what they must keep doing when the cache folder or the process is
not the tidy case (a preview that froze its site, a cache folder it may not write, a damaged record).

Each test states the promise it checks. Found in review and fixed in 460fe28: the frozen preview
site, the read-only cache folder, the malformed split record, the cache folder that cannot be
made. Still open (xfail): going back to an earlier site relinks."""

from __future__ import annotations

import gc
import marshal
import os
from pathlib import Path

import pytest

from ordbog import build, link, linkcache, workers
from ordbog.config import Config, load_config
from tests.conftest import article, write_content
from tests.test_link_cache_articles import chosen_for  # noqa: F401  (a fixture)

SITE = {
    "knae.md": article("Knæ", """\
        Knæet bærer kroppen, når du går på trapper. En menisk kan gå i stykker.

        ## Hvad er knæ?

        Knæleddet er kroppens største led.

        ## Ofte stillede spørgsmål om knæ

        ### Hvorfor knager knæet?

        Små luftbobler i ledvæsken.
        """, aliases="[knæled]"),
    "menisk.md": article("Menisk", """\
        Menisken er en brusk-skive i knæet. Fodkramper og lægkramper er noget andet.

        ## Ofte stillede spørgsmål om menisk

        ### Kan en menisk vokse sammen?

        Yderst i menisken, hvor der er blodforsyning.
        """),
    "fodkrampe.md": article("Fodkrampe", """\
        En fodkrampe sidder under foden. Knæet og menisken er ikke med.

        Genoptræning hjælper ofte, og bækkenbundstræning er noget helt andet.
        """),
}


def config_for(folder: Path, files: dict[str, str]) -> Config:
    content = write_content(folder, files, "")
    cfg, diags = load_config(content, folder / "_site", None)
    assert cfg is not None, diags
    return cfg


# --- workers.gc_paused and the preview's frozen site ----------------------------------------------


def test_building_the_search_index_leaves_the_previews_frozen_site_frozen(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The preview freezes its site (`keep_out_of_gc`: a full collection would walk millions of
    objects mid-rebuild), then builds the search index in `complete_extras`. That build pauses the
    collector too (`workers.gc_paused`); on its way out it must not hand the preview's frozen site
    back to the collector."""
    from ordbog.search import web

    monkeypatch.setenv("ORDBOG_CACHE_DIR", "off")  # the index is built, not read from the cache
    cfg = config_for(tmp_path, SITE)
    site, _ = build.make_site(cfg)
    the_site = [site]  # a container the collector tracks, frozen with everything else
    gc.freeze()  # what PreviewSession.keep_out_of_gc does after every rebuild
    try:
        web.site_files(cfg, site)
        assert all(o is not the_site for o in gc.get_objects())  # frozen objects are in no generation
    finally:
        gc.unfreeze()


def test_gc_paused_still_restores_the_collector(tmp_path: Path) -> None:
    was = gc.isenabled()
    with workers.gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled() == was


# --- the link cache on a cache folder it may read but not write ----------------------------------


def _linked_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Link the site once with a fresh cache; the family key of its link state."""
    monkeypatch.setenv("ORDBOG_CACHE_DIR", str(tmp_path / "cache"))
    cfg = config_for(tmp_path, SITE)
    site, _ = build.unlinked_site(build.analyse_all(build.load.load_sources(cfg.content_dir)[0], cfg)[0], [])
    link.link_site(cfg, site)
    family = linkcache.family_key(cfg, site, link._dictionary(cfg))
    assert family is not None
    return family


def test_a_cache_folder_that_cannot_be_written_still_serves_the_link_state(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A CI job that restores the cache read-only (or a shared cache of another user) must still
    read it: only remembering what was used (`os.utime`) fails there, not reading."""
    family = _linked_once(tmp_path, monkeypatch)
    assert linkcache.load_state(family) is not None

    def read_only(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied (a read-only cache folder)")

    monkeypatch.setattr(linkcache.os, "utime", read_only)
    assert linkcache.load_state(family) is not None


# --- the compound-split record -------------------------------------------------------------------


def _split_record_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Config, Path]:
    """A site built once with a fresh cache, and the path of its compound-split record."""
    from ordbog.search import splitcache

    monkeypatch.setenv("ORDBOG_CACHE_DIR", str(tmp_path / "cache"))
    cfg = config_for(tmp_path, SITE)
    build.build(cfg, keep_going=True)
    path = splitcache.Remembered(cfg).path
    assert path is not None and path.is_file()
    return cfg, path


def _same_as_uncached(cfg: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    """After a one-sentence edit (so the search index is built again, not read from its cache),
    the build with the cache equals the build without it."""
    edited = cfg.content_dir / "menisk.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nRettelse: genoptræning hjælper ofte.\n", encoding="utf-8")
    cached = build.build(cfg, keep_going=True).files
    monkeypatch.setenv("ORDBOG_CACHE_DIR", "off")
    assert cached == build.build(cfg, keep_going=True).files


@pytest.mark.parametrize("damage", ["vocabulary-key", "part"])
def test_a_malformed_split_record_is_no_record(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str) -> None:
    """splitcache: "An unreadable or malformed record is no record" — the build is as without it."""
    cfg, path = _split_record_path(tmp_path, monkeypatch)
    vocab, parts = marshal.loads(path.read_bytes())
    if damage == "vocabulary-key":
        vocab[7] = 1  # not a term
    else:
        word = next(w for w, found in parts.items() if found)  # "fodkrampe" → ("fod", "kramp")
        parts[word] = (*parts[word][:-1], 3)  # a part that is not a term
    path.write_bytes(marshal.dumps((vocab, parts)))
    _same_as_uncached(cfg, monkeypatch)


def test_a_truncated_split_record_is_no_record(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg, path = _split_record_path(tmp_path, monkeypatch)
    path.write_bytes(path.read_bytes()[: os.path.getsize(path) // 2])
    _same_as_uncached(cfg, monkeypatch)


# --- a cache folder that cannot be made ----------------------------------------------------------


def test_a_cache_folder_that_cannot_be_made_only_makes_the_build_slower(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """ORDBOG_CACHE_DIR below a regular file (a typo, a mount that failed): every cache is a miss
    and none can be written, and the build is exactly the build without a cache."""
    cfg = config_for(tmp_path, SITE)
    (tmp_path / "a-file").write_text("ikke en mappe", encoding="utf-8")
    monkeypatch.setenv("ORDBOG_CACHE_DIR", str(tmp_path / "a-file" / "cache"))
    cached = build.build(cfg, keep_going=True).files
    monkeypatch.setenv("ORDBOG_CACHE_DIR", "off")
    assert cached == build.build(cfg, keep_going=True).files


# --- the link cache when a site returns to an earlier state ---------------------------------------


def test_going_back_to_a_site_built_before_chooses_no_links_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chosen_for: list[str]) -> None:
    """CI building two branches in turn, or an editor undoing a title: the site is one the cache has
    linked before, and (as with the whole-site records before this session) nothing is chosen again."""
    chosen = chosen_for
    monkeypatch.setenv("ORDBOG_CACHE_DIR", str(tmp_path / "cache"))
    retitled = {**SITE, "fodkrampe.md": SITE["fodkrampe.md"].replace('title: "Fodkrampe"', 'title: "Menisk"')}
    for files in (SITE, retitled):
        build.build(config_for(tmp_path, files), keep_going=True)
    chosen.clear()
    again = build.build(config_for(tmp_path, SITE), keep_going=True).files
    assert chosen == []
    monkeypatch.setenv("ORDBOG_CACHE_DIR", "off")
    assert again == build.build(config_for(tmp_path, SITE), keep_going=True).files
