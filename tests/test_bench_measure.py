"""The benchmark's measuring helper (benchmarks/measure.py): which runs are sampled, what each gives.

No timing is asserted (timings in tests are forbidden on this machine): only which figures
come from where.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SLEEPER = [sys.executable, "-c", "import time; b = bytearray(8 << 20); time.sleep(0.3)"]


@pytest.fixture(scope="module")
def measure():
    spec = importlib.util.spec_from_file_location("measure", ROOT / "benchmarks" / "measure.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["measure"] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not Path("/proc/self/smaps_rollup").exists(), reason="needs Linux /proc/<pid>/smaps_rollup")
def test_sampled_run_has_tree_figures_and_unsampled_run_has_none(measure):
    sampled = measure.run(SLEEPER)
    plain = measure.run(SLEEPER, sample=False)
    assert sampled.peak_tree_pss > 8 << 20 and sampled.peak_tree_rss >= sampled.peak_rss > 0
    assert plain.peak_tree_pss == 0 and plain.peak_tree_rss == plain.peak_rss > 0


@pytest.mark.skipif(not Path("/proc/self/smaps_rollup").exists(), reason="needs Linux /proc/<pid>/smaps_rollup")
def test_runs_times_unsampled_runs_and_samples_one_more(measure, monkeypatch):
    calls = []
    real = measure.run

    def spy(cmd, cwd=None, env=None, quiet=True, sample=True):
        calls.append(sample)
        return real(cmd, cwd=cwd, env=env, quiet=quiet, sample=sample)

    monkeypatch.setattr(measure, "run", spy)
    befores = []
    summary = measure.runs(lambda i: SLEEPER, 3, before=lambda: befores.append(1))
    assert calls == [False, False, False, True] and len(befores) == 4
    assert summary.runs == 3 and summary.peak_tree_pss > 8 << 20

    calls.clear()
    single = measure.runs(lambda i: SLEEPER, 1)
    assert calls == [True] and single.runs == 1 and single.peak_tree_pss > 0


def test_trash_moves_folders_aside_until_emptied(measure, tmp_path):
    out, cache = tmp_path / "site", tmp_path / "cache"
    (out / "a").mkdir(parents=True)
    (out / "a" / "index.html").write_text("<h1>Muskelkramper</h1>", encoding="utf-8")
    cache.mkdir()
    trash = measure.Trash(tmp_path / "trash")
    trash.discard(out, cache, tmp_path / "findes-ikke")
    assert not out.exists() and not cache.exists()
    kept = sorted(p.name for p in (tmp_path / "trash").iterdir())
    assert kept == ["1", "2"]
    assert (tmp_path / "trash" / "1" / "a" / "index.html").read_text(encoding="utf-8") == "<h1>Muskelkramper</h1>"
    out.mkdir()  # the next run writes its output again; discarded again, it takes the next number
    trash.discard(out)
    assert sorted(p.name for p in (tmp_path / "trash").iterdir()) == ["1", "2", "3"]
    trash.empty()
    assert not (tmp_path / "trash").exists()
