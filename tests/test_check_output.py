"""`ordbog check` as users see it: the text report, JSON, SARIF (validated against the SARIF 2.1.0
schema), exit codes, --select/--ignore, levels from ordbog.toml, inline silencing, --stats, "today"."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from check_fixtures import GOOD_BODY, TODAY, check_folder, codes, text, write
from ordbog.check.clock import TodayError, resolve_today
from ordbog.check.registry import RULES
from ordbog.cli import app

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
runner = CliRunner()

PROBLEMS = {
    "musearm.md": text({"Title": '"Musearm"', "titel": "x"}, "KORT: " + GOOD_BODY, drop=("title",)),
    "skulder.md": text({"title": '"Skulder"', "metaTitle": '"Skulder – led og muskler"', "lastUpdated": '"01/01/2023"',
                        "datePublished": '"01/01/2023"'}, GOOD_BODY.replace("Musearm", "Skulderen").replace("musearm", "skulder")
                       + "\nSe [knæet](/ordbog/knae/).\n"),
}


def run(*args: str, env: dict[str, str] | None = None):
    return runner.invoke(app, list(args), env=env)


def test_text_report_groups_per_file_with_hints_backlog_and_summary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, PROBLEMS)
    monkeypatch.chdir(tmp_path)
    result = run("check", "--content", "content", "--today", TODAY.isoformat(), "--ignore", "near-duplicate,RDB")
    assert result.exit_code == 1  # KORT: and the broken link are errors
    assert result.stdout.splitlines()[:6] == [
        "content/musearm.md",
        "  content/musearm.md:5:1: FM101 nøglen 'Title' skal staves 'title' [key-case, advarsel]",
        "      tip: ret 'Title:' til 'title:' (ordbog check --fix gør det)",
        "  content/musearm.md:6:1: FM102 ukendt nøgle 'titel' ignoreres [unknown-key, advarsel]",
        "      tip: mente du 'title'?",
        "  content/musearm.md:9:1: TXT001 redigeringsmarkøren 'KORT:' står stadig i teksten [leftover-marker, fejl]",
    ]
    assert "  content/skulder.md:24:12: LNK001 '/ordbog/knae/' findes ikke på sitet [broken-link, fejl]" in result.stdout
    assert "Forfaldne til gennemgang (1, ældste først):" in result.stdout
    assert "  content/skulder.md: sidst opdateret 01/01/2023, 29 måneder siden (intervallet er 12 måneder)" in result.stdout
    assert result.stdout.rstrip().endswith("i 2 filer; 2 artikler tjekket.")


def test_clean_site_exits_0_with_a_summary(tmp_path: Path) -> None:
    content = write(tmp_path, {"musearm.md": text()})
    result = run("check", "--content", str(content), "--today", TODAY.isoformat())
    assert (result.exit_code, result.stdout) == (0, "Ingen fund i 1 artikel.\n")


def test_json_has_the_documented_fields(tmp_path: Path) -> None:
    content = write(tmp_path, PROBLEMS)
    result = run("check", "--content", str(content), "--today", TODAY.isoformat(), "--format", "json", "--select", "TXT001")
    data = json.loads(result.stdout)
    assert data == [{
        "path": str(content / "musearm.md"), "line": 9, "column": 1, "code": "TXT001", "rule": "leftover-marker",
        "severity": "error", "message": "redigeringsmarkøren 'KORT:' står stadig i teksten",
        "hint": "slet 'KORT:' (ordbog check --fix gør det)",
    }]
    assert result.exit_code == 1


def test_sarif_validates_against_the_sarif_2_1_0_schema(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, PROBLEMS)
    monkeypatch.chdir(tmp_path)
    result = run("check", "--content", "content", "--today", TODAY.isoformat(), "--format", "sarif")
    log = json.loads(result.stdout)
    jsonschema.validate(log, SCHEMA)
    run0 = log["runs"][0]
    assert [r["id"] for r in run0["tool"]["driver"]["rules"]] == [r.code for r in RULES]
    kort = next(r for r in run0["results"] if r["ruleId"] == "TXT001")
    assert kort["level"] == "error"
    assert kort["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "content/musearm.md", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 9, "startColumn": 1},
    }
    rules = run0["tool"]["driver"]["rules"]
    assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in run0["results"])


def test_sarif_of_a_clean_site_is_valid_too(tmp_path: Path) -> None:
    content = write(tmp_path, {"musearm.md": text()})
    log = json.loads(run("check", "--content", str(content), "--today", TODAY.isoformat(), "--format", "sarif").stdout)
    jsonschema.validate(log, SCHEMA)
    assert log["runs"][0]["results"] == []


def test_select_and_ignore_by_code_name_family_and_prefix(tmp_path: Path) -> None:
    content = write(tmp_path, PROBLEMS)
    assert set(codes(check_folder(content, select=("frontmatter",)))) == {"FM101", "FM102"}
    assert set(codes(check_folder(content, select=("FM",)))) == {"FM101", "FM102"}
    assert set(codes(check_folder(content, select=("key-case", "LNK001")))) == {"FM101", "LNK001"}
    assert "FM102" not in codes(check_folder(content, ignore=("unknown-key",)))
    assert not {"LNK001", "LNK002"} & set(codes(check_folder(content, ignore=("links",))))
    assert set(codes(check_folder(content, select=("FM1",)))) == {"FM101", "FM102"}


def test_a_rule_name_wins_over_a_family_of_the_same_spelling(tmp_path: Path) -> None:
    from test_check_rules import HARD, LONG_SENTENCE

    hard = text(body=(HARD * 8).strip() + "\n\n" + LONG_SENTENCE + "\n")
    content = write(tmp_path, {"musearm.md": hard})
    assert set(codes(check_folder(content, select=("readability",)))) == {"RDB001"}
    assert set(codes(check_folder(content, ignore=("readability",)))) == {"RDB002"}


def test_unknown_selector_is_a_usage_error(tmp_path: Path) -> None:
    content = write(tmp_path, PROBLEMS)
    result = run("check", "--content", str(content), "--select", "brokn-link")
    assert result.exit_code == 2
    assert "ukendt regel: brokn-link" in result.stderr


def test_levels_and_thresholds_from_ordbog_toml(tmp_path: Path) -> None:
    toml = '[check]\nlevels = { leftover-marker = "info", FM102 = "off", review-due = "error" }\nreview_months = 36\n'
    content = write(tmp_path, PROBLEMS, toml)
    found = {f.code: f.diagnostic.severity.value for f in check_folder(content)}
    assert found["TXT001"] == "info" and "FM102" not in found
    assert "REV001" not in found  # 29 months < 36


def test_unknown_rule_in_levels_is_a_config_error(tmp_path: Path) -> None:
    content = write(tmp_path, PROBLEMS, '[check]\nlevels = { brokn-link = "error" }\n')
    result = run("check", "--content", str(content))
    assert result.exit_code == 2
    assert "'brokn-link' er ikke en regel" in result.stderr


def test_inline_silencing_on_the_line_above_and_for_the_file(tmp_path: Path) -> None:
    silenced = text(body="<!-- ordbog-ignore: leftover-marker -->\nKORT: " + GOOD_BODY)
    content = write(tmp_path, {"musearm.md": silenced})
    assert "TXT001" not in codes(check_folder(content))
    other = text(body="<!-- ordbog-ignore: long-sentence -->\nKORT: " + GOOD_BODY)
    write(tmp_path, {"musearm.md": other})
    assert "TXT001" in codes(check_folder(content))
    whole = text(body="KORT: " + GOOD_BODY + "\n<!-- ordbog-ignore-file: TXT001 -->\n")
    write(tmp_path, {"musearm.md": whole})
    assert "TXT001" not in codes(check_folder(content))


def test_inline_silencing_in_frontmatter(tmp_path: Path) -> None:
    content = write(tmp_path, {"musearm.md": text({"# ordbog-ignore: unknown-key\ntitel": "x"})})
    assert "FM102" not in codes(check_folder(content))


def test_stats_report(tmp_path: Path) -> None:
    same_day = text({"title": '"Albue"', "metaTitle": '"Albue – led"', "lastUpdated": '"01/01/2023"', "datePublished": '"01/01/2023"'})
    content = write(tmp_path, {**PROBLEMS, "albue.md": same_day})
    result = run("check", "--content", str(content), "--today", TODAY.isoformat(), "--stats")
    out = result.stdout
    assert "Artikler pr. bogstav:\n  A 1  M 1  S 1\n" in out
    assert "LIX-fordeling:" in out and "meget let" in out
    assert "  24 måneder eller mere     2" in out
    assert f"ældste: {content / 'albue.md'} (01/01/2023), {content / 'skulder.md'} (01/01/2023)" in out
    assert "Fund pr. regel:" in out and "TXT001   leftover-marker" in out


def test_today_comes_from_option_then_source_date_epoch() -> None:
    assert str(resolve_today("2025-06-01", {})) == "2025-06-01"
    assert str(resolve_today(None, {"SOURCE_DATE_EPOCH": "1748736000"})) == "2025-06-01"
    with pytest.raises(TodayError):
        resolve_today("1/6/2025", {})


def test_source_date_epoch_drives_date_rules(tmp_path: Path) -> None:
    content = write(tmp_path, {"musearm.md": text({"lastUpdated": '"01/03/2025"'})})
    later = run("check", "--content", str(content), "--format", "json", env={"SOURCE_DATE_EPOCH": "1798761600"})  # 2027
    assert "REV001" in [f["code"] for f in json.loads(later.stdout)]
    earlier = run("check", "--content", str(content), "--format", "json", env={"SOURCE_DATE_EPOCH": "1735689600"})  # 2025-01-01
    assert [f["code"] for f in json.loads(earlier.stdout)] == ["FM005", "FM005"]  # lastUpdated and datePublished


def test_report_is_deterministic(tmp_path: Path) -> None:
    content = write(tmp_path, PROBLEMS)
    args = ("check", "--content", str(content), "--today", TODAY.isoformat(), "--format", "json")
    assert run(*args).stdout == run(*args).stdout
