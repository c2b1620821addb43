"""Safe HTML: raw HTML and frontmatter from editors can never put a script on a page.

The vectors live in tests/data/xss/ as one small article each (the kinds of the OWASP XSS
filter-evasion cheat sheet, plus Markdown- and frontmatter-specific ones). They are built into
a whole site here and checked with an HTML parser, not by string search; the browser tests load
the same folder and check that nothing executes.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from ordbog import build, render, sanitize
from ordbog.config import load_config

XSS_DIR = Path(__file__).parent / "data" / "xss"
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "srcset", "poster", "data", "background", "xlink:href", "cite"}
FORBIDDEN_IN_BODY = {"script", "style", "iframe", "frame", "frameset", "form", "input", "button", "object", "embed",
                     "applet", "base", "link", "meta", "svg", "math", "template", "noscript", "textarea", "xmp",
                     "listing", "plaintext", "title", "body", "html", "head", "video", "audio", "isindex", "use"}
_SCHEME = re.compile(r"^\s*([a-z][a-z0-9+.\-]*):", re.I)


class Elements(HTMLParser):
    """Every start tag with its decoded attributes, and the text of every <script>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._script: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._script = dict(attrs)
            self.scripts.append((self._script, ""))

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script = None


def parsed(html: str) -> Elements:
    parser = Elements()
    parser.feed(html)
    parser.close()
    return parser


def scheme(url: str) -> str:
    """The URL scheme as a browser sees it (control characters and whitespace removed)."""
    cleaned = re.sub(r"[\x00-\x20]", "", url)
    m = _SCHEME.match(cleaned)
    return m.group(1).lower() if m else ""


@pytest.fixture(scope="module")
def xss_build(tmp_path_factory: pytest.TempPathFactory):
    cfg, diags = load_config(XSS_DIR, tmp_path_factory.mktemp("xss") / "_site", None)
    assert cfg is not None, diags
    return build.build(cfg)


@pytest.fixture(scope="module")
def pages(xss_build) -> dict[str, str]:
    return {path: data.decode("utf-8") for path, data in xss_build.files.items() if path.endswith(".html")}


def test_every_vector_builds_without_errors(xss_build):
    vectors = sorted(p.stem for p in XSS_DIR.glob("*.md"))
    assert len(vectors) >= 45
    assert sorted(a.slug for a in xss_build.site.articles) == vectors
    assert xss_build.errors == ()


def test_no_page_has_an_event_handler_attribute(pages):
    found = [(path, tag, name) for path, html in pages.items() for tag, attrs in parsed(html).tags
             for name in attrs if name.lower().startswith("on")]
    assert found == []


def test_no_url_attribute_uses_a_script_or_data_scheme(pages):
    found = []
    for path, html in pages.items():
        for tag, attrs in parsed(html).tags:
            for name, value in attrs.items():
                if name.lower() in URL_ATTRIBUTES and value and scheme(value) not in ("", "http", "https", "mailto", "tel"):
                    found.append((path, tag, name, value))
            if tag == "meta" and "url=" in (attrs.get("content") or "").lower():
                found.append((path, tag, "content", attrs["content"]))
    assert found == []


def test_the_only_scripts_are_json_ld_or_the_themes_own(pages):
    for path, html in pages.items():
        for attrs, text in parsed(html).scripts:
            if attrs.get("type") == "application/ld+json":
                json.loads(text)  # a title that closed the element would leave invalid JSON behind
            else:
                assert (attrs.get("src") or "").startswith("/static/") or "alert(" not in text, (path, attrs, text)


@pytest.mark.parametrize("vector", sorted(p.stem for p in XSS_DIR.glob("*.md")))
def test_sanitized_article_body_keeps_only_allowed_elements(xss_build, vector):
    article = xss_build.site.by_slug()[vector]
    body = parsed(render.article_html(article)[0])
    tags = {tag for tag, _ in body.tags}
    assert tags <= sanitize.ALLOWED_TAGS, tags - sanitize.ALLOWED_TAGS
    assert not tags & FORBIDDEN_IN_BODY
    for tag, attrs in body.tags:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        assert "style" not in attrs or re.fullmatch(r"(\s*text-align\s*:\s*\w+;?\s*)?", attrs["style"] or ""), attrs


def test_code_shows_markup_as_text(xss_build):
    html = render.article_html(xss_build.site.by_slug()["code-span-is-text"])[0]
    assert '<code>&lt;script&gt;alert("xss-code")&lt;/script&gt;</code>' in html.replace("&quot;", '"')
    assert "&lt;img src=x onerror=alert(" in html


def test_harmless_formatting_survives(xss_build):
    html = render.article_html(xss_build.site.by_slug()["harmless-formatting"])[0]
    for fragment in ("H<sub>2</sub>O", "m<sup>2</sup>", "linje<br>anden", '<abbr title="Body Mass Index">BMI</abbr>',
                     "<mark>markeret</mark>", "<caption>Tabel i rå HTML</caption>", '<th scope="col">Øvelse</th>',
                     '<td style="text-align:right">Knæbøjning</td>', '<th style="text-align:right">Tabel</th>',
                     'href="https://www.eksempel.dk/side?a=1&amp;b=2"', 'href="mailto:info@eksempel.dk"'):
        assert fragment in html, fragment


def json_ld(html: str) -> dict:
    (text,) = [t for attrs, t in parsed(html).scripts if attrs.get("type") == "application/ld+json"]
    return json.loads(text)


def test_title_cannot_break_out_of_json_ld(pages):
    html = pages["ordbog/fm-title-script-breakout/index.html"]
    title = "</script><script>alert('xss-fm-title')</script>"
    graph = json_ld(html)["@graph"]
    assert graph[0]["headline"] == title
    assert graph[1]["itemListElement"][2]["name"] == title
    assert [attrs.get("type") for attrs, text in parsed(html).scripts if "xss-fm-title" in text] == ["application/ld+json"]
    h1 = re.search(r"<h1>(.*?)</h1>", html, re.S)
    assert h1 and h1.group(1) == "&lt;/script&gt;&lt;script&gt;alert(&#39;xss-fm-title&#39;)&lt;/script&gt;"


def test_meta_values_stay_inside_their_attributes(pages):
    html = pages["ordbog/fm-metatitle-attribute-breakout/index.html"]
    tags = parsed(html).tags
    og = [a["content"] for t, a in tags if t == "meta" and a.get("property") == "og:title"]
    assert og == ['"><script>alert("xss-fm-metatitle")</script><meta x="']
    desc_html = pages["ordbog/fm-description-breakout/index.html"]
    desc = [a["content"] for t, a in parsed(desc_html).tags if t == "meta" and a.get("name") == "description"]
    assert desc == ['</title></head><script>alert("xss-fm-description")</script>" onload="alert(1)']


def test_json_ld_escapes_every_character_that_could_end_the_element(pages):
    html = pages["ordbog/fm-json-ld-unicode-escapes/index.html"]
    (text,) = [t for attrs, t in parsed(html).scripts if attrs.get("type") == "application/ld+json"]
    assert not set(text) & {"<", ">", "&"}
    assert json_ld(html)["@graph"][0]["headline"] == "JSON-LD <!--<script>"


def test_person_and_related_values_are_text(pages, xss_build):
    html = pages["ordbog/fm-author-url-javascript/index.html"]
    page = json_ld(html)["@graph"][0]
    assert page["author"]["name"] == "<script>alert('xss-author')</script>"
    assert "javascript" not in page["author"].get("url", "")
    related = pages["ordbog/fm-related-injection/index.html"]
    links = [a.get("href") for t, a in parsed(related).tags if t == "a"]
    assert "/ordbog/script-tag/" in links
    assert not any("javascript" in (href or "") for href in links)


def test_a_hostile_file_name_becomes_a_clean_address(write_site, make_config):
    content = write_site({'"><img src=x onerror=alert(1)>.md': "---\ntitle: Navn\n---\n\nTekst.\n"})
    result = build.build(make_config(content))
    (article,) = result.site.articles
    assert re.fullmatch(r"[a-z0-9-]+", article.slug)
    html = result.files[f"ordbog/{article.slug}/index.html"].decode()
    assert not [name for _, attrs in parsed(html).tags for name in attrs if name.startswith("on")]
