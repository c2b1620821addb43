"""The index's pass 1 done in the analysis workers (`search.passone`): a large site's cold build
tokenises no article in the index's process, and its output is byte for byte what it is without."""

from __future__ import annotations

from pathlib import Path

import pytest

from ordbog import build, workers
from ordbog.config import load_config
from ordbog.search import passone, textcache
from tests.conftest import article, write_content

TOPICS = ["knæ", "hofte", "ryg", "skulder", "nakke", "ankel", "albue", "fod"]


def site_files() -> dict[str, str]:
    files = {}
    for i, topic in enumerate(TOPICS):
        body = f"""\
        Smerter i {topic}en kan komme af overbelastning. Genoptræning hjælper ofte på {topic}smerter.

        ## Behandling af {topic}en

        Øvelser {i + 1} gange om ugen styrker {topic}ens muskler.

        ## Ofte stillede spørgsmål

        ### Hvornår skal jeg til lægen med ondt i {topic}en?

        Hvis smerterne varer mere end {i + 2} uger.
        """
        files[f"{i:02d}-{topic}.md"] = article(topic.capitalize(), body, lastUpdated="24/02/2024")
    return files


def built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cache: str) -> dict[str, bytes]:
    content = write_content(tmp_path, site_files())
    monkeypatch.setenv("ORDBOG_CACHE_DIR", cache)
    cfg, diags = load_config(content, tmp_path / "_site", None)
    assert cfg is not None, diags
    return build.build(cfg, keep_going=True).files


@pytest.fixture
def large(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every site counts as large: analysis and rendering use a pool of two forked workers."""
    monkeypatch.setattr(workers, "PARALLEL_MIN", 2)
    monkeypatch.setattr(workers, "ANALYSE_PARALLEL_MIN", 2)
    monkeypatch.setattr(workers, "CHUNK", 1)
    monkeypatch.setenv("ORDBOG_JOBS", "2")


@pytest.fixture
def tokenised_here(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Slugs tokenised for the index in this process (not in a forked worker)."""
    calls: list[str] = []
    real = textcache.tokenise
    monkeypatch.setattr(textcache, "tokenise", lambda text: calls.append(text.slug) or real(text))
    return calls


@pytest.mark.parametrize("cache", ["cache", "off"])
def test_a_large_sites_pass_one_is_done_in_the_analysis_workers(tmp_path, monkeypatch, large, tokenised_here,
                                                                 cache) -> None:
    files = built(tmp_path / "a", monkeypatch, str(tmp_path / cache) if cache == "cache" else "off")
    assert tokenised_here == []
    monkeypatch.setattr(passone, "wanted", lambda config: False)
    assert built(tmp_path / "b", monkeypatch, "off") == files
    assert len(tokenised_here) == len(TOPICS)  # without it, the index tokenises every article


def test_a_damaged_offer_is_tokenised_again(tmp_path, monkeypatch, large, tokenised_here) -> None:
    real = passone.offer
    monkeypatch.setattr(passone, "offer", lambda found: real(found and (found[0], b"\x00not marshal")))
    files = built(tmp_path / "a", monkeypatch, "off")
    assert len(tokenised_here) == len(TOPICS)
    monkeypatch.setattr(passone, "wanted", lambda config: False)
    assert built(tmp_path / "b", monkeypatch, "off") == files


def test_offers_are_kept_only_inside_a_build_and_taken_once() -> None:
    passone.offer(("k", b"x"))
    assert passone.take("k") is None  # nobody asked for them: not kept
    with passone.offered():
        passone.offer(("k", __import__("marshal").dumps((1, 2))))
        assert passone.take("k") == (1, 2)
        assert passone.take("k") is None
        passone.offer(("k2", b"x"))
    assert passone.take("k2") is None
