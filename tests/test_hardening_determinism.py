"""Deterministic: the same content gives byte-identical output, however and wherever it is built.

Same bytes across: two builds, serial vs. parallel workers, a cold vs. a warm analysed-article
cache, files created in a different order with different timestamps, another working folder,
and any `SOURCE_DATE_EPOCH` or wall-clock time (no build time appears in the site).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.util
import os
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ordbog import build, workers
from ordbog.cli import app

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


def generated(count: int, out: Path, seed: int = 7) -> Path:
    spec = importlib.util.spec_from_file_location("generate_corpus", ROOT / "benchmarks" / "generate_corpus.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)
    spec.loader.exec_module(module)
    module.generate(count, out, seed)
    return out


def digest_tree(files: dict[str, bytes]) -> dict[str, str]:
    return {path: hashlib.sha256(data).hexdigest() for path, data in files.items()}


def folder_tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generated(80, tmp_path_factory.mktemp("korpus") / "content")


def build_files(content: Path, out: Path, monkeypatch: pytest.MonkeyPatch, **env: str) -> dict[str, str]:
    from ordbog.config import load_config

    for key, value in env.items():
        monkeypatch.setenv(key, value)
    cfg, diags = load_config(content, out, None)
    assert cfg is not None, diags
    return digest_tree(build.build(cfg).files)


def test_two_builds_are_byte_identical(corpus: Path, tmp_path: Path) -> None:
    outs = [tmp_path / "a", tmp_path / "b"]
    for out in outs:
        result = runner.invoke(app, ["build", "--content", str(corpus), "--out", str(out), "-q"])
        assert result.exit_code == 0, result.output
    first, second = (folder_tree(o) for o in outs)
    assert len(first) > 160
    assert first == second


def test_parallel_workers_and_the_cache_change_no_byte(corpus: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(workers, "PARALLEL_MIN", 10)
    monkeypatch.setattr(workers, "CHUNK", 7)
    serial = build_files(corpus, tmp_path / "o", monkeypatch, ORDBOG_JOBS="1", ORDBOG_CACHE_DIR="off")
    parallel = build_files(corpus, tmp_path / "o", monkeypatch, ORDBOG_JOBS="2", ORDBOG_CACHE_DIR="off")
    cold = build_files(corpus, tmp_path / "o", monkeypatch, ORDBOG_JOBS="2", ORDBOG_CACHE_DIR=str(tmp_path / "c"))
    warm = build_files(corpus, tmp_path / "o", monkeypatch, ORDBOG_JOBS="1", ORDBOG_CACHE_DIR=str(tmp_path / "c"))
    assert serial == parallel == cold == warm


def test_file_order_timestamps_and_working_folder_do_not_matter(corpus: Path, tmp_path: Path, monkeypatch) -> None:
    copy = tmp_path / "kopi" / "content"
    copy.mkdir(parents=True)
    for i, path in enumerate(sorted(corpus.iterdir(), reverse=True)):  # created in reverse order …
        target = copy / path.name
        target.write_bytes(path.read_bytes())
        os.utime(target, (1_000_000_000 + i * 3600, 1_000_000_000 + i * 3600))  # … with other timestamps
    monkeypatch.chdir(tmp_path)
    here = build_files(corpus, tmp_path / "o", monkeypatch)
    monkeypatch.chdir(copy)
    there = build_files(copy, tmp_path / "o", monkeypatch)
    assert here == there


@pytest.mark.parametrize("epoch", ["0", "1708732800", "4102444800"])
def test_source_date_epoch_and_the_clock_never_reach_the_output(corpus: Path, tmp_path: Path, monkeypatch, epoch) -> None:
    baseline = build_files(corpus, tmp_path / "o", monkeypatch)
    assert build_files(corpus, tmp_path / "o", monkeypatch, SOURCE_DATE_EPOCH=epoch) == baseline


def test_no_page_shows_todays_date(corpus: Path, make_config) -> None:
    today = dt.date.today()
    files = build.build(make_config(corpus)).files
    stamps = (today.isoformat(), today.strftime("%d/%m/%Y"))
    assert [p for p, data in files.items() if any(s.encode() in data for s in stamps)] == []


def test_ordbog_new_dates_the_article_from_source_date_epoch(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1708732800")  # 2024-02-24 00:00 UTC
    result = runner.invoke(app, ["new", "Frossen skulder", "--content", str(tmp_path)])
    assert result.exit_code == 0, result.output
    text = (tmp_path / "frossen-skulder.md").read_text(encoding="utf-8")
    assert 'lastUpdated: "24/02/2024"' in text and 'datePublished: "24/02/2024"' in text
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "i går")
    result = runner.invoke(app, ["new", "Knæ", "--content", str(tmp_path)])
    assert result.exit_code == 2
    assert "SOURCE_DATE_EPOCH 'i går' er ikke et antal sekunder" in result.output
