"""`ordbog check --fix`: only safe, mechanical edits, printed, atomic; files without anything to fix
are left exactly as they were (bytes and modification time)."""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from check_fixtures import GOOD_BODY, TODAY, check_folder, codes, text, write
from ordbog.check.findings import LineEdit
from ordbog.check.fix import apply_edits, split_lines
from ordbog.cli import app

runner = CliRunner()

BROKEN = (
    "---\n"
    'Title: "Musearm"\n'
    'metaTitle: "Musearm – årsager, tegn og gode råd"\n'
    "lastUpdated: 2025-03-01 \n"
    'datePublished: "1/2/2025"\n'
    "---\n\n"
    "KORT: " + GOOD_BODY.replace("og tastatur.\n", "og tastatur.  \n", 1)
)
FIXED = (
    "---\n"
    'title: "Musearm"\n'
    'metaTitle: "Musearm – årsager, tegn og gode råd"\n'
    "lastUpdated: 01/03/2025\n"
    'datePublished: "01/02/2025"\n'
    "---\n\n"
    + GOOD_BODY
)


def fix(content: Path):
    return runner.invoke(app, ["check", "--content", str(content), "--today", TODAY.isoformat(), "--fix"])


def test_fix_repairs_key_case_dates_trailing_spaces_and_kort(tmp_path: Path) -> None:
    content = write(tmp_path, {"musearm.md": BROKEN})
    result = fix(content)
    assert (content / "musearm.md").read_text(encoding="utf-8") == FIXED
    path = content / "musearm.md"
    assert result.stdout.splitlines() == [
        f"rettet {path}:2: FM101 'Title: \"Musearm\"' → 'title: \"Musearm\"'",
        f"rettet {path}:4: FM006 'lastUpdated: 2025-03-01' → 'lastUpdated: 01/03/2025'",
        f"rettet {path}:4: TXT004 fjernede mellemrum i slutningen af linjen",
        f"rettet {path}:5: FM006 'datePublished: \"1/2/2025\"' → 'datePublished: \"01/02/2025\"'",
        f"rettet {path}:8: TXT001 fjernede 'KORT:' i starten af linjen",
        f"rettet {path}:8: TXT004 fjernede mellemrum i slutningen af linjen",
        "--fix rettede 6 ting i 1 fil.",
        "Ingen fund i 1 artikel.",
    ]
    assert "--fix rettede" in result.stdout and result.stdout.rstrip().endswith("Ingen fund i 1 artikel.")
    assert result.exit_code == 0
    assert codes(check_folder(content)) == []


def test_fix_leaves_files_without_fixable_findings_untouched(tmp_path: Path) -> None:
    # a clean article, and one with findings that need a person (unknown key, broken link)
    content = write(tmp_path, {
        "musearm.md": text(),
        "tennisalbue.md": text({"title": '"Tennisalbue"', "metaTitle": '"Tennisalbue – ondt i albuen"', "titel": "x"},
                               "Tennisalbue giver ondt på ydersiden af albuen, især når du griber om noget tungt.\n\n"
                               "Se [knæet](/ordbog/knae/) for mere.\n"),
    })
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns, p.stat().st_ino) for p in content.iterdir()}
    os.utime(content / "musearm.md", ns=(1_000_000_000, 1_000_000_000))
    before["musearm.md"] = (before["musearm.md"][0], 1_000_000_000, before["musearm.md"][2])
    result = fix(content)
    after = {p.name: (p.read_bytes(), p.stat().st_mtime_ns, p.stat().st_ino) for p in content.iterdir()}
    assert after == before
    assert "--fix fandt intet at rette." in result.stdout
    assert result.exit_code == 1  # the broken link is still there, for a person


def test_fix_keeps_crlf_line_endings_and_bom(tmp_path: Path) -> None:
    raw = ("\ufeff" + BROKEN).replace("\n", "\r\n").encode("utf-8")
    content = write(tmp_path, {"musearm.md": raw})
    fix(content)
    assert (content / "musearm.md").read_bytes() == ("\ufeff" + FIXED).replace("\n", "\r\n").encode("utf-8")


def test_fix_keeps_markdown_line_breaks_and_code(tmp_path: Path) -> None:
    body = GOOD_BODY.replace("og tastatur.\n", "og tastatur.\n\n```\nkode   \n```\n", 1).replace(
        "træt arm. Det", "træt arm.  \nDet", 1)  # a hard line break: two spaces before more text
    content = write(tmp_path, {"musearm.md": text(body=body)})
    before = (content / "musearm.md").read_bytes()
    assert "TXT004" not in codes(check_folder(content))
    fix(content)
    assert (content / "musearm.md").read_bytes() == before


def test_fix_is_idempotent(tmp_path: Path) -> None:
    content = write(tmp_path, {"musearm.md": BROKEN})
    fix(content)
    once = (content / "musearm.md").read_bytes()
    assert "--fix fandt intet at rette." in fix(content).stdout
    assert (content / "musearm.md").read_bytes() == once


def test_edit_is_skipped_when_the_line_changed_meanwhile() -> None:
    new, applied = apply_edits("a\nb\n", [("TXT004", LineEdit(2, "b ", "b"))])
    assert (new, applied) == ("a\nb\n", [])


@given(st.text(alphabet=st.sampled_from("ab \t\r\næ\ufeff"), max_size=60))
def test_no_edits_give_the_text_back_exactly(sample: str) -> None:
    assert "".join(c + e for c, e in split_lines(sample)) == sample
    assert apply_edits(sample, [])[0] == sample
