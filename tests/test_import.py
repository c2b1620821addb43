"""`ordbog import FILE.csv`: spreadsheet rows → articles, as Danish Excel and others export them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ordbog.cli import app
from ordbog.imports.csv_articles import TableError, delimiter, plan, read_rows
from ordbog.load import read_source

runner = CliRunner()
TODAY = "2025-06-01"

SEMICOLON = (
    "H1;Content;Meta title\n"
    'Frossen skulder;"# Frossen skulder\n\nFrossen skulder gør skulderen stiv; den varer ofte længe.\n\n'
    '## Hvad hjælper?\n\nRolige øvelser hver dag.";Frossen skulder – stiv og øm skulder\n'
    "Ømme lår;Lårene bliver ømme efter træning, især efter trapper.;\n"
)
COMMA = (
    "Meta title,H1,Content\n"
    '"Skulder, nakke og ryg – samlet guide",Skulder og nakke,"Skulder og nakke hænger sammen, og det gør ondt begge steder."\n'
)


def csv_file(tmp_path: Path, text: str, bom: bool = False, name: str = "ark.csv") -> Path:
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    (tmp_path / "content").mkdir(exist_ok=True)
    return path


def run(*args: str):
    return runner.invoke(app, ["import", *args, "--today", TODAY])


@pytest.mark.parametrize("bom", [False, True], ids=["uden-bom", "med-bom"])
def test_semicolon_file_from_danish_excel(tmp_path: Path, bom: bool) -> None:
    path = csv_file(tmp_path, SEMICOLON, bom)
    content = tmp_path / "content"
    result = run(str(path), "--content", str(content))
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        f"{path}:2: oprettet {content / 'frossen-skulder.md'}",
        f"{path}:3: oprettet {content / 'oemme-laar.md'}",
        "2 rækker: 2 oprettet, 0 sprunget over, 0 fejlede",
    ]
    assert (content / "frossen-skulder.md").read_text(encoding="utf-8") == (
        "---\n"
        'title: "Frossen skulder"\n'
        'metaTitle: "Frossen skulder – stiv og øm skulder"\n'
        'lastUpdated: "01/06/2025"\n'
        'datePublished: "01/06/2025"\n'
        "---\n\n"
        "Frossen skulder gør skulderen stiv; den varer ofte længe.\n\n## Hvad hjælper?\n\nRolige øvelser hver dag.\n"
    )
    source, diags = read_source(content / "oemme-laar.md")
    assert diags == [] and source is not None and source.frontmatter["title"] == "Ømme lår"
    assert "metaTitle" not in source.frontmatter


@pytest.mark.parametrize("bom", [False, True], ids=["uden-bom", "med-bom"])
def test_comma_file_with_columns_in_any_order(tmp_path: Path, bom: bool) -> None:
    path = csv_file(tmp_path, COMMA, bom)
    result = run(str(path), "--content", str(tmp_path / "content"))
    assert result.exit_code == 0
    written = (tmp_path / "content" / "skulder-og-nakke.md").read_text(encoding="utf-8")
    assert 'metaTitle: "Skulder, nakke og ryg – samlet guide"' in written
    assert written.endswith("---\n\nSkulder og nakke hænger sammen, og det gør ondt begge steder.\n")


def test_existing_files_are_never_overwritten(tmp_path: Path) -> None:
    path = csv_file(tmp_path, SEMICOLON)
    existing = tmp_path / "content" / "frossen-skulder.md"
    existing.write_text("min egen tekst\n", encoding="utf-8")
    result = run(str(path), "--content", str(tmp_path / "content"))
    assert existing.read_text(encoding="utf-8") == "min egen tekst\n"
    assert f"{path}:2: sprunget over {existing} (filen findes allerede og overskrives ikke)" in result.stdout
    assert result.exit_code == 0


def test_every_row_is_reported_failed_rows_give_exit_1(tmp_path: Path) -> None:
    text = "H1;Content\n;Tekst uden titel.\nKnæ;\nKnæ;Første knæ.\nknæ;Andet knæ.\n"
    path = csv_file(tmp_path, text)
    content = tmp_path / "content"
    result = run(str(path), "--content", str(content))
    assert result.stdout.splitlines() == [
        f"{path}:2: fejlede (H1 er tom)",
        f"{path}:3: fejlede {content / 'knae.md'} (Content er tom)",
        f"{path}:4: oprettet {content / 'knae.md'}",
        f"{path}:5: sprunget over {content / 'knae.md'} (samme adresse som række 4)",
        "4 rækker: 1 oprettet, 1 sprunget over, 2 fejlede",
    ]
    assert result.exit_code == 1


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    path = csv_file(tmp_path, SEMICOLON)
    result = run(str(path), "--content", str(tmp_path / "content"), "--dry-run")
    assert list((tmp_path / "content").iterdir()) == []
    assert "ville blive oprettet" in result.stdout and result.stdout.rstrip().endswith("(intet skrevet)")


def test_missing_column_and_wrong_encoding_are_usage_errors(tmp_path: Path) -> None:
    path = csv_file(tmp_path, "Titel;Noter\nKnæ;Ondt\n")
    result = run(str(path), "--content", str(tmp_path / "content"))
    assert result.exit_code == 2
    assert result.stderr == (f"{path}:1:1: error IMP001: kolonnen Content mangler (fandt 'Titel', 'Noter')\n"
                             "    tip: første række skal være kolonnenavnene H1, Content og Meta title\n")
    latin = tmp_path / "latin.csv"
    latin.write_bytes("H1;Content\nKnæ;Ondt i knæet\n".encode("cp1252"))
    result = run(str(latin), "--content", str(tmp_path / "content"))
    assert result.exit_code == 2 and "filen er ikke UTF-8" in result.stderr


def test_column_names_are_found_loosely() -> None:
    rows = read_rows(b"h1,CONTENT,meta_title\nA,B,C\n")
    assert [(r.title, r.content, r.meta_title) for r in rows] == [("A", "B", "C")]
    with pytest.raises(TableError, match="kolonnen H1 mangler"):
        read_rows(b"Navn;Content\nA;B\n")


def test_delimiter_sniffing() -> None:
    assert delimiter("H1;Content;Meta title\n") == ";"
    assert delimiter("H1,Content,Meta title\n") == ","
    assert delimiter('"H1, titel";Content\n') == ";"
    assert delimiter("sep=,\nH1;Content\n") == ","
    assert [r.title for r in read_rows(b"sep=;\nH1;Content\nKn\xc3\xa6;Ondt\n")] == ["Knæ"]


def test_plan_is_pure_and_uses_the_given_day(tmp_path: Path) -> None:
    rows = read_rows(SEMICOLON.encode())
    outcomes = plan(rows, tmp_path, lambda p: False, dt.date(2024, 12, 24))
    assert [o.status for o in outcomes] == ["created", "created"]
    assert 'lastUpdated: "24/12/2024"' in outcomes[0].text
    assert list(tmp_path.iterdir()) == []
