"""The static site's search in a real browser (Debian's Chromium via Playwright).

A small Danish glossary (tests/search_web_site.py) is built into a temporary folder and served on
127.0.0.1. The tests type into the header box like a reader, use the keyboard, open /soeg/?q=…,
call window.ordbog.search, and run the JavaScript analyzer against the shared case table and
against the Python analyzer itself. Skipped with a reason when /usr/bin/chromium is missing.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote

import pytest
import Stemmer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from playwright.sync_api import expect
from search_web_site import write_search_site

from ordbog.config import load_config
from ordbog.search import analyzer
from ordbog.search import index as search_index
from ordbog.search.engine import Searcher
from ordbog.search.query import Vocabulary, analyse_query, describe

pytestmark = pytest.mark.browser

CASES = json.loads((Path(__file__).parent / "data" / "search_analyzer_cases.json").read_text(encoding="utf-8"))
BOX = "#soeg-felt"
LISTBOX = "#soeg-felt-forslag"
OPTIONS = "#soeg-felt-forslag [role=option]"
HOSTILE = [
    "",
    "   ",
    "<img src=x onerror=window.__pwned=1>",
    "<script>window.__pwned=1</script>",
    '"><svg onload=window.__pwned=1>',
    "'; DROP TABLE artikler; --",
    "knæ OR 1=1",
    "(.*)+[a-z]{2,}\\",
    "%00%27%22",
    "🦵🤕 ondt i knæet 💥",
    "\u202e\u0000\ufeffnakke",
    "x" * 10_000,
    "krampe " * 1_500,
]


@pytest.fixture(scope="module")
def site(session_site) -> tuple[Path, str]:
    return session_site("search-web", write_search_site)


@pytest.fixture(scope="module")
def analyzer_page(browser, site):
    """One page (module-wide) with the analyzer loaded, for the table and property tests."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(site[1] + "/soeg/")
    page.wait_for_function("() => window.ordbogAnalyzer && window.ordbog && window.ordbog.search")
    yield page
    context.close()


def watch_errors(page) -> list[str]:
    """Script errors and failed requests (the browser's own favicon probe aside)."""
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 and "favicon" not in r.url else None)
    return errors


def type_query(page, text: str) -> None:
    """Type like a reader and wait for the list (the first query also loads the index: the
    machine may be busy, so the wait is generous)."""
    page.locator(BOX).click()
    page.locator(BOX).press_sequentially(text, delay=10)
    expect(page.locator(BOX)).to_have_attribute("aria-expanded", "true", timeout=20_000)


# ------------------------------------------------------------------ results as you type


def test_typing_a_compound_lists_the_article_that_writes_it_apart(site, new_page):
    page = new_page()
    errors = watch_errors(page)
    page.goto(site[1] + "/")
    type_query(page, "fodkrampe")
    expect(page.locator(LISTBOX)).to_be_visible()
    first = page.locator(OPTIONS).first
    expect(first.locator(".soeg-titel")).to_have_text("Krampe i foden")
    expect(first.locator("mark").first).to_be_visible()
    assert errors == []


def test_a_result_shows_the_faq_question_it_matched_and_highlights_the_words(site, new_page):
    page = new_page()
    page.goto(site[1] + "/")
    type_query(page, "krampe i foden om natten")
    first = page.locator(OPTIONS).first
    expect(first.locator(".soeg-overskrift")).to_have_text("Hvorfor får jeg krampe i foden om natten?")
    marked = [m.lower() for m in first.locator(".soeg-uddrag mark").all_inner_texts()]
    assert "natten" in marked or "foden" in marked


@pytest.mark.parametrize(
    ("typed", "title"),
    [("knae smerter", "Knæsmerter"), ("whip lash", "Piskesmæld"), ("slidgigt i hoften", "Slidgigt i hoften"),
     ("hælspore", "Hælspore"), ("haelspore", "Hælspore"), ("tenisalbue", "Tennisalbue"), ("ryg øvelser", "Rygøvelser")],
)
def test_danish_spellings_typos_and_english_find_the_article(site, new_page, typed, title):
    page = new_page()
    page.goto(site[1] + "/")
    type_query(page, typed)
    expect(page.locator(OPTIONS).first.locator(".soeg-titel")).to_have_text(title)


def test_snippets_from_the_articles_are_escaped(site, new_page):
    page = new_page()
    page.goto(site[1] + "/")
    type_query(page, "blodtryk normalt")
    first = page.locator(OPTIONS).first
    expect(first.locator(".soeg-titel")).to_have_text("Blodtryk")
    text = first.locator(".soeg-uddrag").inner_text()
    assert "<" in text and "&" in text
    assert first.locator(".soeg-uddrag *:not(mark)").count() == 0


# ------------------------------------------------------------------ keyboard and ARIA


def test_the_header_box_is_an_aria_combobox_over_a_listbox(site, new_page):
    page = new_page()
    page.goto(site[1] + "/")
    box = page.locator(BOX)
    expect(box).to_have_attribute("role", "combobox")
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(box).to_have_attribute("aria-controls", "soeg-felt-forslag")
    type_query(page, "albue")
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(page.locator(LISTBOX)).to_have_attribute("role", "listbox")
    expect(page.locator("form.search-form [role=status]")).to_contain_text("resultat")


def test_arrow_keys_move_the_choice_and_enter_opens_it(site, new_page):
    page = new_page()
    page.goto(site[1] + "/")
    type_query(page, "albue")
    options = page.locator(OPTIONS)
    expect(options.first).to_be_visible()
    box = page.locator(BOX)
    box.press("ArrowDown")
    first_id = options.nth(0).get_attribute("id")
    expect(box).to_have_attribute("aria-activedescendant", first_id)
    expect(options.nth(0)).to_have_attribute("aria-selected", "true")
    box.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", options.nth(1).get_attribute("id"))
    expect(options.nth(0)).to_have_attribute("aria-selected", "false")
    box.press("ArrowUp")
    expect(box).to_have_attribute("aria-activedescendant", first_id)
    title = options.nth(0).locator(".soeg-titel").inner_text()
    box.press("Enter")
    expect(page.locator("h1")).to_have_text(title)


def test_escape_closes_the_list_then_clears_the_box(site, new_page):
    page = new_page()
    page.goto(site[1] + "/")
    type_query(page, "nakke")
    expect(page.locator(LISTBOX)).to_be_visible()
    page.locator(BOX).press("Escape")
    expect(page.locator(LISTBOX)).to_be_hidden()
    expect(page.locator(BOX)).to_have_attribute("aria-expanded", "false")
    expect(page.locator(BOX)).to_have_value("nakke")
    page.locator(BOX).press("Escape")
    expect(page.locator(BOX)).to_have_value("")


def test_enter_without_a_choice_goes_to_the_search_page(site, new_page):
    page = new_page()
    page.goto(site[1] + "/")
    type_query(page, "ondt i hælen")
    page.locator(BOX).press("Enter")
    expect(page).to_have_url(re.compile(r"/soeg/\?q=ondt(\+|%20)i(\+|%20)h%C3%A6len$"))
    expect(page.locator("#soeg-resultater .soeg-liste li").first).to_contain_text("Hælspore")


def test_clicking_a_result_opens_it(site, new_page):
    page = new_page()
    page.goto(site[1] + "/")
    type_query(page, "piskesmæld")
    page.locator(OPTIONS).first.click()
    expect(page.locator("h1")).to_have_text("Piskesmæld")


def test_the_open_dropdown_passes_axe(site, new_page):
    from axe_playwright_python.sync_playwright import Axe

    page = new_page()
    page.goto(site[1] + "/")
    type_query(page, "albue")
    page.locator(BOX).press("ArrowDown")
    results = Axe().run(page, context={"include": [["form.search-form"]]})
    assert results.violations_count == 0, results.generate_report()


# ------------------------------------------------------------------ the search page


def test_the_search_page_reads_q_and_lists_results_with_headings(site, new_page):
    page = new_page()
    page.goto(site[1] + "/soeg/?q=" + quote("krampe om natten"))
    expect(page.locator("#soeg-side")).to_have_value("krampe om natten")
    first = page.locator("#soeg-resultater .soeg-liste li").first
    expect(first.locator("h2 a")).to_have_text("Krampe i foden")
    expect(first.locator("a.soeg-overskrift")).to_have_attribute("href", re.compile(r"/ordbog/krampe-i-foden/#"))
    expect(page.locator(".soeg-antal")).to_contain_text("for »krampe om natten«")


def test_the_search_page_updates_as_you_type_and_keeps_q_in_the_address(site, new_page):
    page = new_page()
    page.goto(site[1] + "/soeg/")
    page.locator("#soeg-side").press_sequentially("golfalbue", delay=10)
    expect(page.locator("#soeg-resultater .soeg-liste li").first.locator("h2")).to_have_text("Golfalbue")
    expect(page).to_have_url(re.compile(r"\?q=golfalbue$"))


def test_the_search_page_says_so_when_nothing_matches(site, new_page):
    page = new_page()
    page.goto(site[1] + "/soeg/?q=" + quote("qwxzyq"))
    expect(page.locator(".soeg-antal")).to_have_text("Ingen resultater for »qwxzyq«.")
    expect(page.locator(".soeg-tip a")).to_have_attribute("href", re.compile(r"/ordbog/$"))


def test_without_javascript_the_header_form_submits_to_the_search_page(site, new_page):
    page = new_page(java_script_enabled=False)
    page.goto(site[1] + "/ordbog/tennisalbue/")
    expect(page.locator(BOX)).not_to_have_attribute("role", "combobox")
    page.locator(BOX).fill("albue")
    page.locator(BOX).press("Enter")
    expect(page).to_have_url(re.compile(r"/soeg/\?q=albue$"))
    expect(page.locator("noscript")).to_have_count(1)


# ------------------------------------------------------------------ window.ordbog.search


def test_window_search_returns_ranked_results_with_urls_that_exist(site, new_page):
    out, base = site
    page = new_page()
    page.goto(base + "/")
    results = page.evaluate("window.ordbog.search('ondt på ydersiden af albuen', {limit: 3})")
    assert 1 <= len(results) <= 3
    assert results[0]["title"] == "Tennisalbue"
    assert [r["score"] for r in results] == sorted((r["score"] for r in results), reverse=True)
    for r in results:
        assert set(r) >= {"url", "title", "slug", "score", "snippet", "heading", "headingUrl"}
        assert (out / r["url"].strip("/") / "index.html").is_file()


def test_window_search_scores_like_the_cli_engine(site, new_page, monkeypatch):
    """Same articles, same scores (up to the index's 0.001 rounding, so near-ties may swap).

    The CLI then re-ranks its top articles by their best passage; the browser does not
    (it would have to download every passage of 30 articles), so that step is off here.
    """
    from ordbog.build import make_site
    from ordbog.search import engine

    monkeypatch.setattr(engine, "PASSAGE_WEIGHT", 0.0)
    out, base = site
    cfg, _ = load_config(out.parent / "content", out, None)
    built, _ = make_site(cfg)
    searcher = Searcher(search_index.build_index(cfg, built, search_index.site_synonyms(cfg, built)))
    page = new_page()
    page.goto(base + "/")
    queries = ["fodkrampe", "ondt i knæet på trapper", "whiplash", "slidgigt hofte", "albue", "tenisalbue",
               "Hvorfor får jeg krampe i foden om natten?", "stiv nakke efter ulykken", "ryg øvelser"]
    for q in queries:
        expected = {searcher.index.docs[h.doc].slug: h.score for h in searcher.search(q, 1000)}
        got = page.evaluate("q => window.ordbog.search(q, {limit: 10})", q)
        assert len(got) == min(10, len(expected)), q
        ranked = sorted(expected.values(), reverse=True)
        for i, r in enumerate(got):
            assert r["score"] == pytest.approx(expected[r["slug"]], abs=0.003), (q, r["slug"])
            assert r["score"] == pytest.approx(ranked[i], abs=0.003), (q, i)


def test_searches_started_together_while_the_index_loads_all_answer(site, new_page):
    page = new_page()
    errors = watch_errors(page)
    page.goto(site[1] + "/")
    found = page.evaluate("Promise.all(['a', 'al', 'alb', 'albu', 'albue'].map(q => window.ordbog.search(q)))")
    assert found[-1][0]["title"] in {"Tennisalbue", "Golfalbue"}
    assert errors == []


@pytest.mark.parametrize("query", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_queries_give_a_clean_result(site, new_page, query):
    page = new_page()
    errors = watch_errors(page)
    page.goto(site[1] + "/")
    results = page.evaluate("q => window.ordbog.search(q, {limit: 5})", query)
    assert isinstance(results, list) and len(results) <= 5
    page.locator(BOX).fill(query[:2000])
    page.goto(site[1] + "/soeg/?q=" + quote(query[:2000]))
    expect(page.locator("#soeg-resultater")).not_to_have_attribute("aria-busy", "true")
    assert page.evaluate("window.__pwned") is None
    assert page.locator("#soeg-resultater img, #soeg-resultater script, #soeg-resultater svg").count() == 0
    assert errors == []


def test_typed_html_never_becomes_markup_in_the_dropdown(site, new_page):
    page = new_page()
    page.goto(site[1] + "/")
    type_query(page, "<img src=x onerror=window.__pwned=1> albue")
    expect(page.locator(OPTIONS).last).to_contain_text("<img src=x")
    assert page.locator(f"{LISTBOX} img").count() == 0
    assert page.evaluate("window.__pwned") is None


# ------------------------------------------------------------------ the analyzer, in the browser

JS_TABLE = """([tables, vocab, cases]) => {
  const an = ordbogAnalyzer.create(tables);
  const V = an.vocabulary(vocab);
  const syn = an.synonymMap(tables.synonyms);
  return {
    terms: cases.terms.map(c => an.term(an.words(c.word)[0])),
    queries: cases.queries.map(q => an.describe(an.analyseQuery(q, V, syn))),
  };
}"""


def case_tables() -> dict:
    tables = analyzer.export_tables()
    merged = analyzer.merge_synonyms(analyzer.builtin_synonyms(), CASES["site_synonyms"])
    tables["synonyms"] = {k: list(v) for k, v in merged.items()}
    return tables


def run_in_browser(page, queries: list[str], terms: list[str] = ()) -> dict:
    cases = {"terms": [{"word": w} for w in terms], "queries": queries}
    return page.evaluate(JS_TABLE, [case_tables(), CASES["vocabulary"], cases])


def test_the_shared_analyzer_case_table_passes_in_the_browser(analyzer_page):
    got = run_in_browser(analyzer_page, [c["query"] for c in CASES["cases"]], [c["word"] for c in CASES["terms"]])
    assert got["terms"] == [c["expect"] for c in CASES["terms"]]
    for case, variants in zip(CASES["cases"], got["queries"], strict=True):
        assert variants == case["expect"], case["query"]


WORDS = sorted({w for c in CASES["cases"] for w in c["query"].split()} | {c["word"] for c in CASES["terms"]})
LETTERS = "abcdefghijklmnopqrstuvwxyzæøåé"


@st.composite
def typed_queries(draw) -> str:
    words = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=4))
    out = []
    for word in words:
        edit = draw(st.sampled_from(["keep", "keep", "drop", "swap", "insert", "ascii"]))
        i = draw(st.integers(0, max(0, len(word) - 1)))
        ch = draw(st.sampled_from(LETTERS))
        if edit == "drop" and len(word) > 1:
            word = word[:i] + word[i + 1 :]
        elif edit == "swap":
            word = word[:i] + ch + word[i + 1 :]
        elif edit == "insert":
            word = word[:i] + ch + word[i:]
        elif edit == "ascii":
            word = word.replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
        out.append(word)
    sep = draw(st.sampled_from([" ", "  ", "-", ", ", "? "]))
    return sep.join(out)


# Letters both Unicode databases agree on: Python 3.11 knows Unicode 14, Chromium's ICU is newer.
OLD_UNICODE = st.characters(max_codepoint=0x2FFF, exclude_categories=("Cs", "Co", "Cn"))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(typed_queries() | st.text(OLD_UNICODE, max_size=30) | st.sampled_from(HOSTILE), min_size=20, max_size=40))
def test_the_javascript_analyzer_agrees_with_python(analyzer_page, queries):
    vocab = Vocabulary(CASES["vocabulary"])
    synonyms = {k: tuple(v) for k, v in case_tables()["synonyms"].items()}
    expected = [describe(analyse_query(q, vocab, synonyms)) for q in queries]
    assert run_in_browser(analyzer_page, queries)["queries"] == expected


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.text(alphabet=LETTERS[:-1], min_size=1, max_size=16), min_size=50, max_size=100))
def test_the_javascript_snowball_stemmer_agrees_with_pystemmer(analyzer_page, words):
    stemmer = Stemmer.Stemmer("danish")
    got = analyzer_page.evaluate("ws => ws.map(w => ordbogAnalyzer.snowballDanish(w))", words)
    assert got == stemmer.stemWords(words)
