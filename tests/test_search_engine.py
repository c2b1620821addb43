"""`ordbog search` / `ordbog ask` / the JSON API on a small Danish site written for these tests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import article
from typer.testing import CliRunner

from ordbog.cli import app
from ordbog.config import load_config
from ordbog.search import index as index_mod
from ordbog.search.api import MAX_LIMIT, ask_json, open_searcher, search_json

SITE = {
    "knaesmerter.md": article("Knæsmerter", """
        Knæsmerter er smerter i eller omkring knæet. De kommer ofte efter løb eller lange gåture.

        ## Årsager til knæsmerter

        Overbelastning af knæskallens sene er en hyppig årsag.

        ## Ofte stillede spørgsmål om knæsmerter

        ### Hvornår skal jeg gå til lægen med knæsmerter?

        Gå til lægen, hvis knæet er hævet, varmt eller ikke kan bære dig.
        """, aliases='["ondt i knæet"]'),
    "krampe-i-foden.md": article("Krampe i foden", """
        Krampe i foden er en pludselig, smertefuld sammentrækning af fodens små muskler.

        ## Hvad hjælper mod krampe i foden?

        Stræk tæerne op mod skinnebenet og hold strækket, til krampen slipper.
        """, aliases='["fodkrampe"]'),
    "whiplash.md": article("Whiplash", """
        Whiplash, også kaldet piskesmæld, er en skade på nakken efter et pludseligt slag.

        ## Symptomer

        Stiv nakke, hovedpine og svimmelhed i dagene efter ulykken.
        """),
    "slidgigt.md": article("Slidgigt", """
        Slidgigt (artrose) er slid på ledbrusken, oftest i knæ, hofter og fingre.
        """),
    "rygoevelser.md": article("Rygøvelser", """
        Rygøvelser styrker musklerne omkring rygsøjlen og mindsker risikoen for hold i ryggen.

        Tegnet a < b & c betyder her intet; <script>alert(1)</script> skal aldrig køre.
        """),
    "baekkenbund.md": article("Bækkenbundstræning", """
        Bækkenbundstræning styrker bækkenbunden efter en fødsel og mod inkontinens.
        """),
}


@pytest.fixture
def searcher(write_site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("ORDBOG_CACHE_DIR", str(tmp_path / "cache"))
    content = write_site(SITE, toml='[search]\nsynonyms = { "spring i nakken" = ["whiplash"] }\n')
    config, diags = load_config(content)
    assert config is not None, diags
    return open_searcher(config)


def slugs(searcher, q: str, limit: int = 10) -> list[str]:
    return [r["slug"] for r in search_json(searcher, q, limit)]


@pytest.mark.parametrize("q, expected", [
    ("knæsmerter", "knaesmerter"),             # the title
    ("knæ smerter", "knaesmerter"),            # split compound joined
    ("knae smerter", "knaesmerter"),           # ae for æ
    ("smerter i knæet", "knaesmerter"),        # compound split, inflection
    ("fodkrampe", "krampe-i-foden"),           # alias and compound
    ("krampe i fødderne", "krampe-i-foden"),   # irregular plural
    ("wiplash", "whiplash"),                   # typo
    ("piskesmæld", "whiplash"),                # word in the body
    ("whip lash", "whiplash"),                 # built-in synonym
    ("spring i nakken", "whiplash"),           # site synonym from ordbog.toml
    ("osteoarthritis", "slidgigt"),            # English → Danish
    ("ryg øvelser", "rygoevelser"),            # joined compound
    ("bækkenbunds øvelser", "baekkenbund"),
    ("hvordan styrker man bækkenbunden?", "baekkenbund"),
])
def test_danish_queries_find_the_article(searcher, q: str, expected: str) -> None:
    assert slugs(searcher, q)[0] == expected


def test_results_have_the_documented_fields(searcher) -> None:
    [first, *_] = search_json(searcher, "whiplash", 3)
    assert set(first) >= {"slug", "title", "url", "score", "snippet", "answer"}
    assert first["url"] == "/ordbog/whiplash/" and first["answer"] is None
    assert "<mark>Whiplash</mark>" in first["snippet"]


def test_a_question_gets_its_faq_answer(searcher) -> None:
    found = ask_json(searcher, "Hvornår skal jeg gå til lægen med knæsmerter?")
    assert found["text"].startswith("Gå til lægen, hvis knæet er hævet")
    assert found["heading"] == "Hvornår skal jeg gå til lægen med knæsmerter?"
    assert found["url"].startswith("/ordbog/knaesmerter/#")
    [first, *_] = search_json(searcher, "hvornår skal man til lægen med knæsmerter?")
    assert first["answer"]["text"] == found["text"]


def test_ask_answers_with_a_paragraph_when_there_is_no_faq(searcher) -> None:
    found = ask_json(searcher, "hvad hjælper mod krampe i foden?")
    assert found["slug"] == "krampe-i-foden" and "Stræk tæerne" in found["text"]


@pytest.mark.parametrize("q", [
    "", "   ", "x" * 10_000, "knæ " * 3000, "🦵💥🔥", "'; DROP TABLE articles; --", "knæ' OR 1=1 --",
    "(ryg|knæ)*[", "\\d+$^", "<script>alert(1)</script>", "<b>knæ</b>", "\x00\x1f", "ﬁ ﬂ 𝕬", None, 42,
])
def test_odd_queries_give_clean_results(searcher, q) -> None:
    results = search_json(searcher, q, 10)
    assert isinstance(results, list) and len(results) <= 10
    json.dumps(results)
    assert ask_json(searcher, q) is None or isinstance(ask_json(searcher, q), dict)


def test_snippets_are_escaped_before_marking(searcher) -> None:
    [first] = [r for r in search_json(searcher, "script alert tegnet", 5) if r["slug"] == "rygoevelser"]
    assert "<script" not in first["snippet"]
    assert "&lt;" in first["snippet"] and "&amp;" in first["snippet"]
    assert first["snippet"].replace("<mark>", "").replace("</mark>", "").count("<") == 0


@pytest.mark.parametrize("limit, expected", [(-5, 0), (0, 0), (2, 2), ("3", 3), ("nej", 6), (10_000, 6)])
def test_limit_is_clamped(searcher, limit, expected) -> None:
    assert len(search_json(searcher, "smerter nakke knæ ryg krampe bækkenbund slidgigt", limit)) == min(expected, MAX_LIMIT)


def test_index_is_cached_and_rebuilt_when_content_changes(write_site, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("ORDBOG_CACHE_DIR", str(tmp_path / "cache"))
    content = write_site(SITE)
    config, _ = load_config(content)
    first = open_searcher(config)
    cached = list((tmp_path / "cache" / "search").glob("*.idx"))
    assert len(cached) == 1
    assert open_searcher(config).index.key == first.index.key
    (content / "ny.md").write_text(article("Hælspore", "Hælspore giver smerter under hælen.\n"), encoding="utf-8")
    second = open_searcher(config)
    assert second.index.key != first.index.key
    assert slugs(second, "hælspore")[0] == "ny"
    assert len(list((tmp_path / "cache" / "search").glob("*.idx"))) == 1  # the old index is dropped


def test_a_damaged_index_file_reads_as_missing(searcher, tmp_path: Path) -> None:
    path = tmp_path / "site-key.idx"
    index_mod.save(searcher.index, path)
    path.write_bytes(path.read_bytes()[:100])
    assert index_mod.load(path, searcher.index.key) is None
    path.write_bytes(b"")
    assert index_mod.load(path, searcher.index.key) is None


def test_cache_off_builds_in_memory_and_writes_nothing(write_site, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ORDBOG_CACHE_DIR", "off")
    config, _ = load_config(write_site(SITE))
    assert slugs(open_searcher(config), "fodkrampe")[0] == "krampe-i-foden"
    assert not (tmp_path / "off").exists()


def test_cli_search_json_batch_and_ask(write_site, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("ORDBOG_CACHE_DIR", str(tmp_path / "cache"))
    content = str(write_site(SITE))
    runner = CliRunner()
    result = runner.invoke(app, ["search", "--content", content, "--json", "--limit", "2", "fodkrampe"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)[0]["slug"] == "krampe-i-foden"
    result = runner.invoke(app, ["search", "--content", content, "--batch", "--json"], input="whiplash\n\nrygøvelser\n")
    lines = result.stdout.splitlines()
    assert [json.loads(line)[0]["slug"] if json.loads(line) else None for line in lines] == ["whiplash", None, "rygoevelser"]
    result = runner.invoke(app, ["search", "--content", content, "knæ smerter"])
    assert result.exit_code == 0 and "Knæsmerter" in result.stdout and "<mark>" not in result.stdout
    result = runner.invoke(app, ["ask", "--content", content, "--json", "Hvornår skal jeg gå til lægen med knæsmerter?"])
    assert json.loads(result.stdout)["slug"] == "knaesmerter"
    result = runner.invoke(app, ["search", "--content", content])
    assert result.exit_code == 2


def test_concurrent_queries_on_one_searcher_match_serial_ones(searcher) -> None:
    """`ordbog serve` runs /api/search in threads on one Searcher: no query may see another's state."""
    import sys
    from concurrent.futures import ThreadPoolExecutor

    queries = ["knæ smerter", "hvornår skal man til lægen med knæsmerter?", "krampe i fødderne",
               "hvad hjælper mod krampe i foden?", "stiv nakke hovedpine", "smerter nakke knæ ryg krampe",
               "hvordan styrker man bækkenbunden?", "slidgigt i knæet", "wiplash", "ryg øvelser"]

    def run(q: str) -> tuple:
        return q, search_json(searcher, q, 10), ask_json(searcher, q)

    serial = {q: run(q) for q in queries}
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible, so a shared memo would collide
    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            results = list(pool.map(run, queries * 30))
    finally:
        sys.setswitchinterval(old)
    assert all(found == serial[found[0]] for found in results)
