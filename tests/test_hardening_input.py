"""Bad input, clear words: every broken article gets `path:line:col: error CODE: message` and a tip.

The broken files are made here at runtime (the 20 MB one, the binary one, the Windows-1252 one,
symlink loops and case collisions have no place in the repository). `--keep-going` still builds
every good article, and property tests throw random frontmatter and Markdown at the build.
"""

from __future__ import annotations

import os
import string
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from ordbog import build
from ordbog.cli import app
from ordbog.diagnostics import BuildError
from tests.conftest import article

runner = CliRunner()
GOOD = article("God artikel", "Denne artikel er i orden.\n", metaTitle='"God artikel – virker"', lastUpdated='"24/02/2024"')

# file name → (bytes or text, the exact diagnostics it must produce)
BROKEN: dict[str, tuple[str | bytes, list[str]]] = {
    "tabulator.md": (
        '---\ntitle: "Knæ"\nmetaTitle: "Knæ – om knæet"\naliases:\n\t- knæled\n---\n\nTekst.\n',
        ["content/tabulator.md:5:1: error FM001: frontmatter er ikke gyldig YAML: linjen indeholder en tabulator\n"
         "    tip: brug mellemrum i stedet for tabulator til indrykning"]),
    "uafsluttet-citat.md": (
        '---\ntitle: "Hofte\nmetaTitle: "Hofte – om hoften"\n---\n\nTekst.\n',
        ['content/uafsluttet-citat.md:2:1: error FM001: frontmatter er ikke gyldig YAML: et anførselstegn (") '
         'bliver ikke lukket på linjen\n    tip: luk anførselstegnet i slutningen af værdien, fx title: "Knæ"']),
    "kolon.md": (
        "---\ntitle: Knæ: årsager\n---\n\nTekst.\n",
        ["content/kolon.md:2:1: error FM001: frontmatter er ikke gyldig YAML: et kolon i en værdi uden anførselstegn "
         '(mapping values are not allowed in this context)\n    tip: sæt værdier med kolon i anførselstegn, fx title: "Knæ: årsager"']),
    "liste.md": (
        "---\n- title\n- Ryg\n---\n\nTekst.\n",
        ["content/liste.md:2:1: error FM002: frontmatter er en liste, ikke nøgler med værdier\n"
         '    tip: skriv fx title: "Muskelkramp" på hver sin linje']),
    "mangler-slut.md": (
        '---\ntitle: "Nakke"\nmetaTitle: "Nakke"\n\nTekst uden afslutning af frontmatter.\n',
        ["content/mangler-slut.md:1:1: error FM003: frontmatter mangler den afsluttende '---'-linje\n"
         "    tip: tilføj en linje med tre bindestreger efter sidste nøgle"]),
    "umulig-dato.md": (
        '---\ntitle: "Skulder"\nmetaTitle: "Skulder – om skulderen"\nlastUpdated: 31/02/2024\ndatePublished: "2024-13-01"\n---\n\nTekst.\n',
        ["content/umulig-dato.md:4:1: error FM004: 'lastUpdated': '31/02/2024' findes ikke i kalenderen\n"
         '    tip: skriv datoen som DD/MM/ÅÅÅÅ, fx "24/02/2024"',
         "content/umulig-dato.md:5:1: error FM004: 'datePublished': '2024-13-01' findes ikke i kalenderen\n"
         '    tip: skriv datoen som DD/MM/ÅÅÅÅ, fx "24/02/2024"']),
    "windows.md": (
        '---\ntitle: "Lændesmerter"\nmetaTitle: "Ondt i lænden – årsager"\n---\n\nSmerter i lænden.\n'.encode("cp1252"),
        ["content/windows.md:2:1: error LOAD003: filen er ikke gyldig UTF-8\n    tip: filen ser ud til at være gemt som "
         "Windows-1252; gem filen som UTF-8 (i Word/Notesblok: Gem som → Kodning: UTF-8)"]),
    "tom.md": ("", ["content/tom.md:1:1: error LOAD006: filen er tom\n    tip: skriv frontmatter og brødtekst, eller slet filen"]),
    "billede.md": (
        bytes(range(256)) * 4,
        ["content/billede.md:1:1: error LOAD002: filen er ikke tekst (den indeholder binære data)\n"
         "    tip: kun Markdown-tekstfiler (.md) hører til i indholdsmappen"]),
}


def write_broken(content: Path) -> None:
    """Every broken case, plus the ones that must be made on disk: 20 MB, case collision, symlink loops."""
    for name, (data, _) in BROKEN.items():
        path = content / name
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    with open(content / "kaempe.md", "w", encoding="utf-8") as fh:
        fh.write('---\ntitle: "Kæmpe"\n---\n\n')
        paragraph = "En meget lang linje, som en editor har indsat mange gange fra et regneark. " * 20 + "\n\n"
        while fh.tell() < 20_000_000:
            fh.write(paragraph)
    (content / "albue.md").write_text(article("Albue", "Lille a.\n", metaTitle='"Albue"'), encoding="utf-8")
    (content / "Albue.md").write_text(article("Albue", "Stort A.\n", metaTitle='"Albue"'), encoding="utf-8")
    os.symlink("loop-b.md", content / "loop-a.md")
    os.symlink("loop-a.md", content / "loop-b.md")
    (content / "mappe").mkdir()
    os.symlink("..", content / "mappe" / "tilbage")  # a folder loop: must not hang the walk
    (content / "bom.md").write_bytes(b"\xef\xbb\xbf" + article("Ankel", "Anklen er et led.\n", metaTitle='"Ankel"').encode())
    (content / "frossen skulder.md").write_text(article("Frossen skulder", "Tekst.\n", metaTitle='"Frossen skulder"'), encoding="utf-8")
    (content / "knæ og lår.md").write_text(article("Knæ og lår", "Tekst.\n", metaTitle='"Knæ og lår"'), encoding="utf-8")
    (content / "god.md").write_text(GOOD, encoding="utf-8")


@pytest.fixture
def broken_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # paths are shown relative to the working folder
    content = tmp_path / "content"
    content.mkdir()
    write_broken(content)
    return content


def test_every_broken_file_gets_its_exact_diagnostic(broken_site: Path, make_config) -> None:
    with pytest.raises(BuildError) as caught:
        build.build(make_config(broken_site))
    shown = {d.format() for d in caught.value.diagnostics}
    for name, (_, expected) in BROKEN.items():
        for line in expected:
            assert line in shown, f"{name}: {line}\n--- got:\n" + "\n".join(sorted(shown))
    assert ("content/kaempe.md:1:1: error LOAD004: filen er for stor (20.0 MB; grænsen er 2 MB)\n"
            "    tip: del artiklen op, eller fjern indlejrede data") in shown
    assert any(s.startswith("content/") and "LOAD008: giver samme adresse '/albue/' som content/" in s for s in shown)
    for loop in ("loop-a.md", "loop-b.md"):
        assert (f"content/{loop}:1:1: error LOAD005: symbolsk link peger på ingenting eller på sig selv\n"
                "    tip: slet linket eller lad det pege på en rigtig fil") in shown
    assert ("content/frossen skulder.md:1:1: warning LOAD007: filnavnet 'frossen skulder.md' er ikke en ren adresse; "
            "siden får adressen 'frossen-skulder'\n    tip: omdøb filen til 'frossen-skulder.md'") in shown
    assert ("content/knæ og lår.md:1:1: warning LOAD007: filnavnet 'knæ og lår.md' er ikke en ren adresse; "
            "siden får adressen 'knae-og-laar'\n    tip: omdøb filen til 'knae-og-laar.md'") in shown
    assert all("\n    tip: " in s for s in shown), "every diagnostic has a tip"


def test_keep_going_builds_every_good_article_without_a_traceback(broken_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "_site"
    result = runner.invoke(app, ["build", "--content", str(broken_site), "--out", str(out), "--keep-going"])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    built = sorted(p.name for p in (out / "ordbog").iterdir() if p.is_dir())
    assert built == ["albue", "bom", "frossen-skulder", "god", "knae-og-laar"]
    assert "<h1>Ankel</h1>" in (out / "ordbog" / "bom" / "index.html").read_text(encoding="utf-8")  # BOM ignored


def test_without_keep_going_nothing_is_written(broken_site: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["build", "--content", str(broken_site), "--out", str(tmp_path / "_site")])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "Det tidligere output er urørt" in result.output
    assert not (tmp_path / "_site").exists()


# --- property tests: the build never raises anything but BuildError --------------------

YAML_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=40),
    st.sampled_from(["31/02/2024", "2024-13-01", "24/02/2024", "2024-02-24", "i går", "", "0/0/0", "99/99/9999"]),
)
YAML_VALUES = st.recursive(YAML_SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
    st.sampled_from(["name", "slug", "type", "title", "url", "job_title", "x"]), inner, max_size=3), max_leaves=8)
KEYS = st.sampled_from(["title", "metaTitle", "description", "lastUpdated", "datePublished", "related", "aliases",
                        "reviewedBy", "lastReviewed", "author", "Title", "tilte", "KORT", "123", "æøå"])
FRONTMATTER = st.dictionaries(KEYS, YAML_VALUES, max_size=8)
MARKDOWN_PIECES = st.sampled_from([
    "# Overskrift\n", "## Afsnit\n", "### Spørgsmål?\n", "## Ofte stillede spørgsmål\n", "## FAQ\n", "Tekst med æøå.\n",
    "| a | b |\n| --- | --- |\n| 1 | 2 |\n", "- punkt\n", "1. punkt\n", "> citat\n", "```\nkode\n```\n", "<div>\n",
    "</details>\n", "<script>alert(1)</script>\n", "[link](javascript:x)\n", "![billede](x.png)\n", "---\n", "\n",
    "KORT: Tekst\n", "#\n", "## \n", "### \n", "<!--\n", "&#0;\n", "\t\tindrykket\n", "\u200b\n", "\ufeff\n",
])
MARKDOWN = st.lists(st.one_of(MARKDOWN_PIECES, st.text(max_size=30)), max_size=25).map("".join)


def build_one(make_config, content: Path, text: str | bytes, name: str = "artikel.md") -> None:
    for old in content.iterdir():
        old.unlink()
    path = content / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass"))
    try:
        result = build.build(make_config(content), keep_going=True)
    except BuildError:
        return
    for diag in result.diagnostics:
        assert diag.line >= 1 and diag.message and diag.hint is not None


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    content.mkdir()
    return content


SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(frontmatter=FRONTMATTER, body=MARKDOWN)
def test_random_frontmatter_and_markdown_never_crash_the_build(scratch: Path, make_config, frontmatter, body) -> None:
    text = "---\n" + yaml.safe_dump(frontmatter, allow_unicode=True) + "---\n\n" + body
    build_one(make_config, scratch, text)


@SETTINGS
@given(head=st.text(alphabet=string.printable + "æøåÆØÅ\t\"'", max_size=120), body=MARKDOWN)
def test_random_frontmatter_text_never_crashes_the_build(scratch: Path, make_config, head: str, body: str) -> None:
    build_one(make_config, scratch, "---\n" + head + "\n---\n" + body)


@SETTINGS
@given(data=st.binary(max_size=300))
def test_random_bytes_never_crash_the_build(scratch: Path, make_config, data: bytes) -> None:
    build_one(make_config, scratch, data)
