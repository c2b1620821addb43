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


def test_a_large_build_writes_pages_while_it_renders_and_the_output_matches_the_build(tmp_path: Path, monkeypatch) -> None:
    from ordbog import write

    content = site_with_articles(tmp_path, 24)
    config, _ = load_config(content, tmp_path / "_site", None)
    monkeypatch.setenv("ORDBOG_JOBS", "2")
    events: list[tuple[str, int]] = []
    put, finish = write.Staged.put, write.Staged.finish
    monkeypatch.setattr(write.Staged, "put", lambda self, files: (events.append(("put", len(files))), put(self, files)))
    monkeypatch.setattr(write.Staged, "finish", lambda self, files: (events.append(("finish", len(files))), finish(self, files)))
    result = build.build_and_write(config)
    put_count = sum(n for kind, n in events if kind == "put")
    assert events[-1] == ("finish", len(result.files))
    assert put_count >= 2 * 24  # every article's page and API file was written before the build ended
    written = {p.relative_to(config.output_dir).as_posix(): p.read_bytes()
               for p in config.output_dir.rglob("*") if p.is_file() and p.name != write.MARKER}
    assert written == result.files
    assert sorted(p.name for p in tmp_path.iterdir()) == ["_site", "content"]


def test_a_large_build_that_fails_while_rendering_keeps_the_previous_output(tmp_path: Path, monkeypatch) -> None:
    from ordbog import write

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ORDBOG_JOBS", "2")
    content = site_with_articles(tmp_path, 24)
    config, _ = load_config(content, tmp_path / "_site", None)
    build.build_and_write(config)
    before = {p: p.read_bytes() for p in config.output_dir.rglob("*") if p.is_file()}
    render.environment.cache_clear()
    template = break_article_template(tmp_path)
    # only the last article fails (at render time): the others' pages are rendered and staged first
    template.write_text(template.read_text(encoding="utf-8").replace(
        "{{ article.title | ukendtfilter }}",
        "{% if article.slug.endswith('-9') %}{% include 'findes-ikke.html' %}{% endif %}{{ article.title }}"),
        encoding="utf-8")
    config, _ = load_config(content, tmp_path / "_site", None)
    staged: list[int] = []
    put = write.Staged.put
    monkeypatch.setattr(write.Staged, "put", lambda self, files: (staged.append(len(files)), put(self, files)))
    with pytest.raises(jinja2.TemplateNotFound):
        build.build_and_write(config)
    assert sum(staged) > 2 * 12  # the index and most pages were in the staging folder
    assert {p: p.read_bytes() for p in config.output_dir.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["_site", "content", "templates"]
    assert multiprocessing.active_children() == []
