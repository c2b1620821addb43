"""A large site is matched in forked workers: the result is the same as in one process."""

from __future__ import annotations

from pathlib import Path

import pytest

from ordbog import link, workers
from ordbog.markdown import render_tokens
from tests.link_support import config, site_with


def test_linking_in_worker_processes_gives_the_same_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = site_with("Skulderen og knæene; frossen skulder, hjertets rytme og anklerne.")
    cfg = config(tmp_path)
    monkeypatch.setenv("ORDBOG_JOBS", "1")
    serial, serial_diags = link.link_site(cfg, site)
    monkeypatch.setenv("ORDBOG_JOBS", "2")
    monkeypatch.setattr(workers, "PARALLEL_MIN", 2)
    monkeypatch.setattr(workers, "CHUNK", 3)
    parallel, parallel_diags = link.link_site(cfg, site)
    assert [(a.links, render_tokens(a.tokens)) for a in parallel.articles] == [
        (a.links, render_tokens(a.tokens)) for a in serial.articles]
    assert parallel_diags == serial_diags
    assert serial.by_slug()["side"].links
