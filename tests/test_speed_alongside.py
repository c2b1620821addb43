"""Large sites render in forked workers driven by a thread while the search index is built in the
main process (`workers.Alongside`): same bytes as a serial build, and a failing render still stops
the build with the template's error and leaves no process behind."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import jinja2
import pytest

from ordbog import build, render, workers
from ordbog.config import load_config
from tests.test_build_template_errors import break_article_template, site_with_articles


@pytest.fixture(autouse=True)
def _large_site_rules(monkeypatch: pytest.MonkeyPatch):
    """24 articles count as a large site here: pools from 10 items, chunks of 3, renewed every 2."""
    monkeypatch.setattr(workers, "PARALLEL_MIN", 10)
    monkeypatch.setattr(workers, "CHUNK", 3)
    monkeypatch.setattr(workers, "RECYCLE", 2)
    monkeypatch.setenv("ORDBOG_CACHE_DIR", "off")
    render.environment.cache_clear()
    yield
    render.environment.cache_clear()


def test_a_large_site_renders_beside_the_index_and_matches_a_serial_build(tmp_path: Path, monkeypatch) -> None:
    content = site_with_articles(tmp_path, 24)
    config, _ = load_config(content, tmp_path / "_site", None)
    monkeypatch.setenv("ORDBOG_JOBS", "2")
    assert workers.render_pool_used(24)
    beside = build.build(config).files
    monkeypatch.setenv("ORDBOG_JOBS", "1")
    assert not workers.render_pool_used(24)
    serial = build.build(config).files
    assert any(path.startswith("soeg/") for path in beside)  # the index came along
    assert list(beside) == list(serial) and beside == serial
    assert multiprocessing.active_children() == []


def test_a_failing_render_beside_the_index_raises_and_leaves_no_process(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # without ordbog.toml, the site (and its templates/) is the working folder
    monkeypatch.setenv("ORDBOG_JOBS", "2")
    content = site_with_articles(tmp_path, 24)
    break_article_template(tmp_path)
    config, _ = load_config(content, tmp_path / "_site", None)
    with pytest.raises(jinja2.TemplateError):
        build.build(config)
    assert multiprocessing.active_children() == []
    assert workers._BUSY_ELSEWHERE == 0
