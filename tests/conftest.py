"""Shared fixtures: write a small Danish site into tmp_path and build it."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from ordbog.config import Config, load_config

# Browser fixtures (built_site, served_site, example_site, browser, new_page): tests/browser_support.py
pytest_plugins = ["browser_support"]


def article(title: str | None, body: str, **frontmatter: str) -> str:
    """An article's text; frontmatter values are written as given (quote them yourself)."""
    lines = ["---"]
    if title is not None:
        lines.append(f'title: "{title}"')
    lines += [f"{k}: {v}" for k, v in frontmatter.items()]
    lines.append("---")
    return "\n".join(lines) + "\n\n" + textwrap.dedent(body).lstrip("\n")


@pytest.fixture(scope="session", autouse=True)
def _private_article_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests never read or fill the user's analysed-article cache (~/.cache/ordbog)."""
    os.environ.setdefault("ORDBOG_CACHE_DIR", str(tmp_path_factory.mktemp("ordbog-cache")))


def write_content(folder: Path, files: dict[str, str | bytes], toml: str | None = None) -> Path:
    """Write `files` into folder/content (and ordbog.toml beside it); return the content folder."""
    content = folder / "content"
    content.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        path = content / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
    if toml is not None:
        (folder / "ordbog.toml").write_text(textwrap.dedent(toml), encoding="utf-8")
    return content


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden/ from the current output")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture
def write_site(tmp_path: Path) -> Callable[..., Path]:
    """write_site({"knae.md": text, ...}, toml=None) → content folder."""

    def _write(files: dict[str, str | bytes], toml: str | None = None) -> Path:
        return write_content(tmp_path, files, toml)

    return _write


@pytest.fixture
def make_config(tmp_path: Path) -> Callable[..., Config]:
    def _config(content: Path, out: Path | None = None) -> Config:
        cfg, diags = load_config(content, out or tmp_path / "_site", None)
        assert cfg is not None, diags
        return cfg

    return _config
