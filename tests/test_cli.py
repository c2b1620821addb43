"""The command line as a user meets it: exit codes, messages, files written."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ordbog.cli import app
from tests.conftest import article

runner = CliRunner()
GOOD = article("Knæ", "Knæet er et led.", metaTitle='"Knæ – om knæet"', lastUpdated='"24/02/2024"')
BAD_DATE = article("Hofte", "Hoften.", metaTitle='"Hofte"', lastUpdated='"31/02/2024"')


def run(*args: str):
    return runner.invoke(app, list(args))


def test_build_ok(write_site, tmp_path: Path) -> None:
    content = write_site({"knae.md": GOOD})
    result = run("build", "--content", str(content), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "ordbog" / "knae" / "index.html").is_file()
    assert "Byggede 1 artikler" in result.output


def test_content_error_exits_1_and_keeps_previous_output(write_site, tmp_path: Path) -> None:
    out = tmp_path / "out"
    content = write_site({"knae.md": GOOD})
    assert run("build", "--content", str(content), "--out", str(out)).exit_code == 0
    before = (out / "ordbog" / "knae" / "index.html").read_bytes()
    (content / "hofte.md").write_text(BAD_DATE, encoding="utf-8")
    result = run("build", "--content", str(content), "--out", str(out))
    assert result.exit_code == 1
    assert "hofte.md:4:1: error FM004: 'lastUpdated': '31/02/2024' findes ikke i kalenderen" in result.output
    assert "Det tidligere output er urørt" in result.output
    assert (out / "ordbog" / "knae" / "index.html").read_bytes() == before
    assert not (out / "ordbog" / "hofte").exists()


def test_keep_going_builds_the_rest_and_exits_1(write_site, tmp_path: Path) -> None:
    content = write_site({"knae.md": GOOD, "hofte.md": BAD_DATE})
    result = run("build", "--content", str(content), "--out", str(tmp_path / "out"), "--keep-going")
    assert result.exit_code == 1
    assert (tmp_path / "out" / "ordbog" / "knae" / "index.html").is_file()
    assert not (tmp_path / "out" / "ordbog" / "hofte").exists()


def test_usage_errors_exit_2(write_site, tmp_path: Path) -> None:
    assert run("build", "--content", str(tmp_path / "nowhere")).exit_code == 2
    assert run("build", "--bogus").exit_code == 2
    content = write_site({"knae.md": GOOD})
    result = run("build", "--content", str(content), "--out", str(content / "site"))
    assert result.exit_code == 2
    assert "outputmappen må ikke være indholdsmappen" in result.output


def test_a_content_folder_that_is_missing_or_a_file_is_named_as_such(tmp_path: Path) -> None:
    missing = run("build", "--content", str(tmp_path / "nowhere"))
    assert missing.exit_code == 2 and "CLI001: indholdsmappen findes ikke" in missing.output
    a_file = tmp_path / "knae.md"
    a_file.write_text(GOOD, encoding="utf-8")
    given_a_file = run("build", "--content", str(a_file))
    assert given_a_file.exit_code == 2 and "CLI001: indholdsmappen er en fil, ikke en mappe" in given_a_file.output
    assert "Traceback" not in missing.output + given_a_file.output


def test_refuses_foreign_non_empty_folder(write_site, tmp_path: Path) -> None:
    content = write_site({"knae.md": GOOD})
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "vigtigt.txt").write_text("mine data", encoding="utf-8")
    result = run("build", "--content", str(content), "--out", str(foreign))
    assert result.exit_code == 2 and "--force" in result.output
    assert (foreign / "vigtigt.txt").read_text(encoding="utf-8") == "mine data"


def test_bad_config_exits_2(write_site, tmp_path: Path) -> None:
    content = write_site({"knae.md": GOOD}, toml="[site]\nnavn = 'x'\n")
    result = run("build", "--content", str(content), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert "ordbog.toml:2:1: error CFG002: ukendt nøgle 'site.navn'" in result.output


def test_new_writes_template_and_refuses_to_overwrite(tmp_path: Path) -> None:
    result = run("new", "Frossen skulder", "--content", str(tmp_path))
    assert result.exit_code == 0, result.output
    path = tmp_path / "frossen-skulder.md"
    text = path.read_text(encoding="utf-8")
    assert text.startswith('---\ntitle: "Frossen skulder"\n')
    assert f'lastUpdated: "{dt.date.today():%d/%m/%Y}"' in text
    again = run("new", "Frossen skulder", "--content", str(tmp_path))
    assert again.exit_code == 2 and "bliver ikke overskrevet" in again.output
    assert path.read_text(encoding="utf-8") == text


def test_new_article_builds(tmp_path: Path) -> None:
    run("new", "Ømme hæle", "--content", str(tmp_path / "."))
    result = run("build", "--content", str(tmp_path), "--out", str(tmp_path.parent / f"{tmp_path.name}-out"))
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("command", ["build", "new", "serve"])
def test_every_command_has_help(command: str) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0 and "Usage" in result.output


def test_python_dash_m_and_version() -> None:
    done = subprocess.run([sys.executable, "-m", "ordbog", "--version"], capture_output=True, text=True, check=True)
    assert done.stdout.startswith("ordbog ")


def test_build_without_content_uses_example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("build")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "_site" / "ordbog" / "muskelkramp" / "index.html").is_file()


def test_every_command_is_documented_in_readme() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    names = [c.name or c.callback.__name__ for c in app.registered_commands]
    assert {"build", "new", "serve", "check", "import", "search", "ask", "links"} <= set(names)
    assert [n for n in names if f"### `ordbog {n}" not in readme] == []
