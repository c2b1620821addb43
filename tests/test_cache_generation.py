"""Every cache lives under `cache.generation()`: a new version of a library whose output is cached
(markdown-it-py parses, Babel writes the dates, Jinja2 renders …) starts a new generation, so an
upgrade never serves pages or analyses made by the old one."""

from __future__ import annotations

import importlib.metadata

import pytest

from ordbog import cache


@pytest.mark.parametrize("library", ["markdown-it-py", "babel", "jinja2", "PyYAML"])
def test_a_library_upgrade_starts_a_new_cache_generation(monkeypatch: pytest.MonkeyPatch, library: str) -> None:
    before = cache.generation()
    real = importlib.metadata.version
    monkeypatch.setattr(importlib.metadata, "version", lambda name: "999.0" if name == library else real(name))
    cache.generation.cache_clear()
    try:
        assert cache.generation() != before
    finally:
        monkeypatch.undo()
        cache.generation.cache_clear()
    assert cache.generation() == before
