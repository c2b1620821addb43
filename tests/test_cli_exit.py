"""`python -m ordbog` as a process: after a build it skips the interpreter's teardown (`os._exit`),
and still exits with the right code and with everything it printed flushed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import article, write_content


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, ORDBOG_CACHE_DIR=str(cwd / "cache"), PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, "-m", "ordbog", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, encoding="utf-8", timeout=120)


def test_a_build_exits_0_and_reports_what_it_built(tmp_path: Path) -> None:
    content = write_content(tmp_path, {"knae.md": article("Knæ", "Knæet er et led.\n", lastUpdated="24/02/2024")})
    done = run("build", "--content", str(content), "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stderr.rstrip().endswith("advarsler).") and "Byggede 1 artikler" in done.stderr
    assert (tmp_path / "out" / "index.html").is_file()


def test_content_errors_exit_1_with_every_diagnostic_printed(tmp_path: Path) -> None:
    files = {f"art{i}.md": article(f"Artikel {i}", "Tekst.\n", lastUpdated='"31/02/2024"') for i in range(30)}
    content = write_content(tmp_path, files)
    done = run("build", "--content", str(content), "--out", str(tmp_path / "out"), "--keep-going", cwd=tmp_path)
    assert done.returncode == 1
    assert sum(": error " in line for line in done.stderr.splitlines()) >= 30


def test_usage_errors_exit_2_and_other_commands_exit_as_usual(tmp_path: Path) -> None:
    assert run("build", "--content", str(tmp_path / "mangler"), cwd=tmp_path).returncode == 2
    assert run("build", "--bogus", cwd=tmp_path).returncode == 2
    version = run("--version", cwd=tmp_path)
    assert version.returncode == 0 and version.stdout.startswith("ordbog ") and version.stdout.endswith("\n")


def test_a_profiled_build_still_writes_its_profile(tmp_path: Path) -> None:
    content = write_content(tmp_path, {"knae.md": article("Knæ", "Knæet er et led.\n", lastUpdated="24/02/2024")})
    env = dict(os.environ, ORDBOG_CACHE_DIR=str(tmp_path / "cache"))
    done = subprocess.run([sys.executable, "-m", "cProfile", "-o", str(tmp_path / "build.prof"), "-m", "ordbog", "build",
                           "--content", str(content), "--out", str(tmp_path / "out"), "--quiet"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "build.prof").stat().st_size > 0
