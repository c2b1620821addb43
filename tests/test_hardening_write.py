"""Nothing lost: the output folder is replaced atomically, and ordbog refuses folders that are not its own.

The kill test starts real `ordbog build` processes on a generated corpus and kills them with
SIGKILL at random moments; the previous output must be byte-identical afterwards.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ordbog import write
from ordbog.cli import app
from ordbog.diagnostics import BuildError
from tests.conftest import article

ROOT = Path(__file__).resolve().parents[1]
ORDBOG = [sys.executable, "-m", "ordbog"]
GOOD = article("Knæ", "Knæet er et led.\n", metaTitle='"Knæ – om knæet"', lastUpdated='"24/02/2024"')
runner = CliRunner()


def tree(folder: Path) -> dict[str, str]:
    """Every file and folder below `folder` → sha256 of its bytes ("dir" for folders)."""
    found = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        found[rel] = "dir" if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def refusal(out: Path, content: Path, force: bool = False) -> str:
    with pytest.raises(BuildError) as caught:
        write.check_output_dir(out, content, force)
    (diag,) = caught.value.diagnostics
    return f"{diag.code}: {diag.message} — {diag.hint}"


# --- refusals ---------------------------------------------------------------------------

def test_refuses_the_content_folder_and_folders_around_it(tmp_path: Path) -> None:
    content = tmp_path / "site" / "content"
    content.mkdir(parents=True)
    for out in (content, content / "_site", tmp_path / "site"):
        assert refusal(out, content) == (
            "OUT001: outputmappen må ikke være indholdsmappen, ligge i den eller indeholde den"
            " — vælg en anden mappe med --out, fx --out _site")


def test_refuses_folders_whose_deletion_would_delete_the_users_files(tmp_path: Path, tmp_path_factory, monkeypatch) -> None:
    work = tmp_path / "projekt" / "arbejde"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    content = tmp_path_factory.mktemp("indhold")
    for out in (work, tmp_path / "projekt", tmp_path, Path.home(), Path("/")):
        assert refusal(out, content).startswith("OUT001: outputmappen må ikke være roden, din hjemmemappe")


def test_refuses_a_foreign_non_empty_folder_unless_forced(tmp_path: Path) -> None:
    content, out = tmp_path / "content", tmp_path / "out"
    content.mkdir()
    out.mkdir()
    (out / "kunde-data.xlsx").write_bytes(b"vigtigt")
    assert refusal(out, content) == (
        "OUT001: mappen er ikke tom og er ikke lavet af ordbog; den bliver ikke overskrevet"
        " — vælg en tom mappe, eller brug --force, hvis mappens indhold må slettes")
    write.check_output_dir(out, content, force=True)
    (out / write.MARKER).write_text("x")
    write.check_output_dir(out, content)  # ordbog's own folder is fine


def test_refuses_a_file_as_output(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "fil.txt").write_text("x")
    assert "outputstien findes allerede og er ikke en mappe" in refusal(tmp_path / "fil.txt", tmp_path / "content")


def test_cli_refusal_exits_2_and_touches_nothing(write_site, tmp_path: Path) -> None:
    content = write_site({"knae.md": GOOD})
    out = tmp_path / "dokumenter"
    out.mkdir()
    (out / "noter.txt").write_text("mine noter")
    result = runner.invoke(app, ["build", "--content", str(content), "--out", str(out)])
    assert result.exit_code == 2
    assert "mappen er ikke tom og er ikke lavet af ordbog" in result.output
    assert "--force" in result.output
    assert tree(out) == {"noter.txt": hashlib.sha256(b"mine noter").hexdigest()}
    assert runner.invoke(app, ["build", "--content", str(content), "--out", str(content / "ud")]).exit_code == 2


# --- atomic replacement -----------------------------------------------------------------

def site_files(text: str) -> dict[str, bytes]:
    return {"index.html": text.encode(), "ordbog/knae/index.html": b"<h1>Kn\xc3\xa6</h1>"}


def test_replaces_the_whole_folder_and_leaves_no_staging_behind(tmp_path: Path) -> None:
    content, out = tmp_path / "content", tmp_path / "out"
    content.mkdir()
    write.write_site(site_files("v1") | {"gammel.html": b"old"}, out, content)
    write.write_site(site_files("v2"), out, content)
    assert sorted(tree(out)) == [".ordbog-output", "index.html", "ordbog", "ordbog/knae", "ordbog/knae/index.html"]
    assert (out / "index.html").read_text() == "v2"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "out"]


@pytest.mark.parametrize("exchange", [True, False], ids=["renameat2", "two-renames"])
def test_a_failure_while_writing_keeps_the_previous_output(tmp_path: Path, monkeypatch, exchange: bool) -> None:
    content, out = tmp_path / "content", tmp_path / "out"
    content.mkdir()
    write.write_site(site_files("v1"), out, content)
    before = tree(out)
    if not exchange:
        monkeypatch.setattr(write, "_exchange", lambda a, b: False)
    real_write = write._write_file
    calls = []

    def failing_write(target: Path, data: bytes) -> None:
        calls.append(target)
        if data == b"v2":  # unchanged files are linked from the previous output, not written
            raise OSError(28, "No space left on device")
        real_write(target, data)

    monkeypatch.setattr(write, "_write_file", failing_write)
    with pytest.raises(BuildError, match="OUT002: outputmappen kan ikke skrives \\(disken er fuld\\)"):
        write.write_site(site_files("v2"), out, content)
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "out"]


def test_a_crash_between_the_two_fallback_renames_is_repaired(tmp_path: Path, monkeypatch) -> None:
    content, out = tmp_path / "content", tmp_path / "out"
    content.mkdir()
    write.write_site(site_files("v1"), out, content)
    before = tree(out)
    monkeypatch.setattr(write, "_exchange", lambda a, b: False)
    real_rename = os.rename
    calls = []

    def rename(src, dst):
        calls.append(dst)
        if len(calls) == 2:  # the old site is already moved aside
            raise OSError(5, "I/O error")
        return real_rename(src, dst)

    monkeypatch.setattr(os, "rename", rename)
    with pytest.raises(BuildError, match="OUT002"):
        write.write_site(site_files("v2"), out, content)
    assert tree(out) == before


@pytest.mark.parametrize("where", ["file", "missing"])
def test_an_output_path_that_cannot_be_created_is_an_error_in_words_not_a_traceback(tmp_path: Path, where) -> None:
    content = tmp_path / "content"
    content.mkdir()
    (content / "knae.md").write_text(article("Knæ", "Om knæet.\n"), encoding="utf-8")
    blocker = tmp_path / "en-fil.txt"
    blocker.write_text("ikke en mappe", encoding="utf-8")
    out = blocker / "site" if where == "file" else Path("/proc/ordbog-findes-ikke/site")
    result = CliRunner().invoke(app, ["build", "--content", str(content), "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert "OUT002: outputmappen kan ikke skrives" in result.output and "--out" in result.output
    assert "Traceback" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "en-fil.txt"]


def test_a_site_left_aside_by_a_killed_build_is_put_back(tmp_path: Path) -> None:
    content, out = tmp_path / "content", tmp_path / "out"
    content.mkdir()
    write.write_site(site_files("v1"), out, content)
    before = tree(out)
    aside = tmp_path / ".out.old-abc123"
    aside.mkdir()
    os.rename(out, aside / "site")  # what a kill between the fallback renames leaves
    write.recover_interrupted(out)
    assert tree(out) == before
    assert not (aside / "site").exists()


@pytest.mark.parametrize("bad", ["../ud.html", "/etc/passwd", "a/../../b", "", "a//b", "./x"])
def test_output_paths_cannot_escape_the_output_folder(tmp_path: Path, bad: str) -> None:
    content, out = tmp_path / "content", tmp_path / "out"
    content.mkdir()
    with pytest.raises(ValueError, match="unsafe output path"):
        write.write_site({"index.html": b"x", bad: b"y"}, out, content)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content"]


# --- kill -9 ----------------------------------------------------------------------------

def generate_corpus(count: int, out: Path, seed: int) -> None:
    spec = importlib.util.spec_from_file_location("generate_corpus", ROOT / "benchmarks" / "generate_corpus.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    module.generate(count, out, seed)


def start_build(content: Path, out: Path, cwd: Path) -> subprocess.Popen:
    env = os.environ | {"ORDBOG_CACHE_DIR": "off", "PYTHONPATH": str(ROOT / "src")}
    return subprocess.Popen([*ORDBOG, "build", "--content", str(content), "--out", str(out), "-q"],
                            cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


@pytest.mark.slow
def test_kill_9_at_random_moments_leaves_the_previous_output_byte_identical(tmp_path: Path) -> None:
    content, out = tmp_path / "content", tmp_path / "_site"
    generate_corpus(600, content, seed=3)
    started = time.monotonic()
    first = start_build(content, out, tmp_path)
    assert first.wait(timeout=600) == 0, first.stderr.read().decode() if first.stderr else ""
    duration = time.monotonic() - started
    before = tree(out)
    assert len(before) > 1200
    rng = random.Random(20240224)
    moments = sorted(rng.uniform(0.05, 0.98) * duration for _ in range(6))
    killed = 0
    for i, moment in enumerate(moments):
        # every build adds an article, so the next output differs from the one on disk (index, sitemap, …)
        (content / f"ny-artikel-{i}.md").write_text(article(f"Ny artikel {i}", "Et nyt afsnit.\n"), encoding="utf-8")
        proc = start_build(content, out, tmp_path)
        time.sleep(moment)
        if proc.poll() is not None:  # finished before the kill: its output is the new "previous"
            assert proc.returncode == 0
            before = tree(out)
            continue
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
        if proc.returncode == 0:  # it exited between poll() and kill(): a finished build, as above
            before = tree(out)
            continue
        killed += 1
        assert proc.returncode == -signal.SIGKILL
        after = tree(out)
        if after != before:  # killed after the swap, while cleaning up: then it must be the whole new site
            reference = start_build(content, tmp_path / f"ref-{i}", tmp_path)
            assert reference.wait(timeout=600) == 0
            assert after == tree(tmp_path / f"ref-{i}"), f"half-written output after a kill at {moment:.2f} s"
            shutil.rmtree(tmp_path / f"ref-{i}")
            before = after
    assert killed >= 3
    final = start_build(content, out, tmp_path)
    assert final.wait(timeout=600) == 0
    assert (out / "ordbog" / "ny-artikel-5" / "index.html").is_file()
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith("._site.")], "staging folders left behind"
