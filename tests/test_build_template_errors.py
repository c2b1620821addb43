"""A site owner's broken template: a message with the template's file and line, the previous output
kept, and no process left behind (the search index is built in a background process meanwhile)."""

from __future__ import annotations

import multiprocessing
import subprocess
import sys
from pathlib import Path

import jinja2
import pytest

from ordbog import build, render, workers
from ordbog.config import load_config
from tests.conftest import article

ROOT = Path(__file__).resolve().parents[1]
THEME = ROOT / "src" / "ordbog" / "templates"


def site_with_articles(folder: Path, count: int) -> Path:
    content = folder / "content"
    content.mkdir(parents=True)
    for i in range(count):
        (content / f"artikel-{i}.md").write_text(
            article(f"Artikel {i}", f"En tekst om knæ, ryg og skulder nummer {i}.\n", lastUpdated='"24/02/2024"'),
            encoding="utf-8")
    return content


def break_article_template(folder: Path) -> Path:
    """templates/article.html beside the content, with a filter Jinja does not know; returns it."""
    theme = (THEME / "article.html").read_text(encoding="utf-8")
    assert "{{ article.title }}" in theme
    broken = theme.replace("{{ article.title }}", "{{ article.title | ukendtfilter }}", 1)
    target = folder / "templates" / "article.html"
    target.parent.mkdir()
    target.write_text(broken, encoding="utf-8")
    return target


@pytest.fixture(autouse=True)
def _fresh_environment():
    render.environment.cache_clear()  # the theme is cached per process; these tests change it
    yield
    render.environment.cache_clear()


def test_a_failing_render_stops_the_background_search_index(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # without ordbog.toml, the site (and its templates/) is the working folder
    count = max(workers.BACKGROUND_MIN, 1) + 10  # large enough for the index to build in its own process
    content = site_with_articles(tmp_path, count)
    break_article_template(tmp_path)
    config, _ = load_config(content, tmp_path / "_site", None)
    with pytest.raises(jinja2.TemplateError):
        build.build(config)
    assert multiprocessing.active_children() == []  # nothing left writing into a pipe nobody reads


def test_build_reports_the_template_file_and_line_and_keeps_the_previous_output(tmp_path: Path) -> None:
    content = site_with_articles(tmp_path, workers.BACKGROUND_MIN + 10)
    out = tmp_path / "_site"
    command = [sys.executable, "-m", "ordbog", "build", "--content", str(content), "--out", str(out)]
    assert subprocess.run(command, cwd=tmp_path, capture_output=True, timeout=300).returncode == 0
    before = (out / "ordbog" / "artikel-1" / "index.html").read_bytes()
    template = break_article_template(tmp_path)
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 1
    line = next(n for n, text in enumerate(template.read_text(encoding="utf-8").splitlines(), 1) if "ukendtfilter" in text)
    assert f"{template}:{line}:1: error TPL001" in done.stderr
    assert "ukendtfilter" in done.stderr and "Traceback" not in done.stderr
    assert (out / "ordbog" / "artikel-1" / "index.html").read_bytes() == before
