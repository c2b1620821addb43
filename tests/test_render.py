"""Render stage: the article page, the A–Å index, site files and the JSON API."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ordbog.build import build
from ordbog.config import Config
from tests.conftest import article

SITE = {
    "knae.md": article(
        "Knæ",
        """
        Knæet er kroppens største led.

        ![Røntgenbillede af et knæ](/billeder/knae.webp)

        ## Hvad er knæsmerter?

        | Type | Årsag |
        | --- | --- |
        | Akut | Skade |

        ## Ofte stillede spørgsmål om knæ

        ### Hvorfor knager mit knæ?

        Det er som regel *ufarligt*.
        """,
        metaTitle='"Knæ – Hvad er knæet?"',
        lastUpdated='"24/02/2024"',
        datePublished='"01/02/2024"',
        related="\n  - type: ordbog\n    slug: aarhus-knae\n    title: Aarhus-knæ\n  - type: styrkeoevelser\n    slug: knae\n    title: Knæøvelser",
    ),
    "aarhus-knae.md": article("Aarhus-knæ", "Et opdigtet eksempel.", metaTitle='"Aarhus-knæ"'),
    "oedem.md": article("Ødem", "Væske i vævet.", metaTitle='"Ødem"', lastUpdated='"03/03/2024"'),
    "zoneterapi.md": article("Zoneterapi", "Tryk på fødderne.", metaTitle='"Zoneterapi"'),
    "aeble.md": article("Æblekost", "Et opdigtet ord.", metaTitle='"Æblekost"'),
    "ankel.md": article("ankel", "Anklen.", metaTitle='"Ankel"'),
}


@pytest.fixture
def built(write_site, make_config) -> tuple[Config, dict[str, bytes]]:
    cfg = make_config(write_site(SITE, toml='[site]\nbase_url = "https://fysio.example"\nname = "Fysio"\n'))
    result = build(cfg)
    return cfg, result.files


def page(files: dict[str, bytes], path: str) -> str:
    return files[path].decode("utf-8")


def test_output_layout(built) -> None:
    _, files = built
    assert {"index.html", "ordbog/index.html", "ordbog/knae/index.html", "soeg/index.html", "404.html",
            "sitemap.xml", "robots.txt", "api/ordbog/index.json", "api/ordbog/knae.json",
            "static/style.css"} <= set(files)


def test_article_page_elements(built) -> None:
    _, files = built
    html = page(files, "ordbog/knae/index.html")
    assert html.startswith('<!doctype html>\n<html lang="da">')
    assert html.count("<h1") == 1 and "<h1>Knæ</h1>" in html
    assert "<title>Knæ – Hvad er knæet?</title>" in html
    assert '<meta name="description" content="Knæet er kroppens største led.">' in html
    assert '<link rel="canonical" href="https://fysio.example/ordbog/knae/">' in html
    assert 'Sidst opdateret <time datetime="2024-02-24">24. februar 2024</time>' in html
    assert "1 min. læsetid" in html
    assert re.search(r'<a href="/">Forside</a>.*<a href="/ordbog/">Ordbog</a>.*aria-current="page">Knæ</a>', html, re.S)
    assert '<a href="#hvad-er-knaesmerter">Hvad er knæsmerter?</a>' in html
    assert '<h2 id="hvad-er-knaesmerter">' in html
    assert '<img src="/billeder/knae.webp" alt="Røntgenbillede af et knæ" loading="lazy" decoding="async">' in html
    assert '<table tabindex="0">' in html and "<th>Årsag</th>" in html  # focusable: it may scroll sideways
    assert '<details class="faq-item" id="hvorfor-knager-mit-knae">\n<summary>Hvorfor knager mit knæ?</summary>' in html
    assert '<a href="/ordbog/aarhus-knae/">Aarhus-knæ</a>' in html  # Se også
    assert "Knæøvelser" not in html  # related entries outside the glossary have nowhere to go
    assert '<a href="/ordbog/">← Tilbage til ordbogen</a>' in html
    for tag in ('property="og:title"', 'property="og:description"', 'property="og:url"', 'name="twitter:card"'):
        assert tag in html


def test_json_ld_graph(built) -> None:
    _, files = built
    html = page(files, "ordbog/knae/index.html")
    raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    graph = {node["@type"]: node for node in json.loads(raw)["@graph"]}
    page_ld = graph["MedicalWebPage"]
    assert page_ld["headline"] == "Knæ" and page_ld["inLanguage"] == "da"
    assert page_ld["datePublished"] == "2024-02-01" and page_ld["dateModified"] == "2024-02-24"
    assert page_ld["url"] == "https://fysio.example/ordbog/knae/"
    assert page_ld["publisher"] == {"@type": "Organization", "name": "Fysio", "url": "https://fysio.example/"}
    assert graph["FAQPage"]["mainEntity"] == [
        {"@type": "Question", "name": "Hvorfor knager mit knæ?",
         "acceptedAnswer": {"@type": "Answer", "text": "Det er som regel ufarligt."}}
    ]
    assert [i["item"] for i in graph["BreadcrumbList"]["itemListElement"]] == [
        "https://fysio.example/", "https://fysio.example/ordbog/", "https://fysio.example/ordbog/knae/"]


def test_index_is_in_danish_order_with_letter_bar(built) -> None:
    _, files = built
    html = page(files, "ordbog/index.html")
    titles = re.findall(r'<li><a href="/ordbog/[a-z-]+/">([^<]+)</a></li>', html)
    assert titles == ["ankel", "Knæ", "Zoneterapi", "Æblekost", "Ødem", "Aarhus-knæ"]
    letters = re.findall(r'<h2 id="bogstav-([^"]+)">', html)
    assert letters == ["a", "k", "z", "æ", "ø", "å"]
    assert '<a href="#bogstav-å">Å</a>' in html and '<span class="letter-empty"' in html


def test_home_links_to_index(built) -> None:
    _, files = built
    assert '<a class="button" href="/ordbog/">Se alle 6 ord fra A til Å</a>' in page(files, "index.html")


def test_sitemap_and_robots(built) -> None:
    _, files = built
    sitemap = page(files, "sitemap.xml")
    assert "<loc>https://fysio.example/ordbog/knae/</loc>\n    <lastmod>2024-02-24</lastmod>" in sitemap
    assert sitemap.count("<url>") == 2 + len(SITE)
    assert page(files, "robots.txt").endswith("Sitemap: https://fysio.example/sitemap.xml\n")


def test_json_api(built) -> None:
    _, files = built
    index = json.loads(files["api/ordbog/index.json"])
    assert index["articles"][1] == {
        "slug": "knae", "title": "Knæ", "description": "Knæet er kroppens største led.", "url": "/ordbog/knae/",
        "lastUpdated": "2024-02-24", "datePublished": "2024-02-01",
    }
    knae = json.loads(files["api/ordbog/knae.json"])
    assert [s["heading"] for s in knae["sections"]] == ["", "Hvad er knæsmerter?", "Ofte stillede spørgsmål om knæ"]
    assert knae["sections"][1]["html"].startswith('<h2 id="hvad-er-knaesmerter">')
    assert knae["faq"] == [{"question": "Hvorfor knager mit knæ?", "answer": "Det er som regel ufarligt.",
                            "id": "hvorfor-knager-mit-knae"}]
    assert knae["related"][0] == {"type": "ordbog", "slug": "aarhus-knae", "title": "Aarhus-knæ"}


def test_site_template_overrides_package_template(write_site, make_config, tmp_path: Path) -> None:
    content = write_site(SITE, toml='[site]\nname = "Fysio"\n')
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "404.html").write_text("{% extends 'base.html' %}{% block main %}<h1>Væk!</h1>{% endblock %}",
                                                    encoding="utf-8")
    files = build(make_config(content)).files
    assert "<h1>Væk!</h1>" in page(files, "404.html")
    assert "<h1>Knæ</h1>" in page(files, "ordbog/knae/index.html")


def test_base_url_path_prefixes_every_link(write_site, make_config) -> None:
    cfg = make_config(write_site(SITE, toml='[site]\nbase_url = "https://x.example/hjaelp"\n'))
    files = build(cfg).files
    html = page(files, "ordbog/knae/index.html")
    assert '<link rel="canonical" href="https://x.example/hjaelp/ordbog/knae/">' in html
    assert 'href="/hjaelp/static/style.css"' in html


def test_raw_html_cannot_reuse_theme_ids(write_site, make_config) -> None:
    text = article("Ryg", '<div id="indhold">Ryggen</div>\n\n<span id="soeg-felt">x</span>\n\n## Ondt i ryggen\n',
                   metaTitle='"Ryg"')
    html = page(build(make_config(write_site({"ryg.md": text}))).files, "ordbog/ryg/index.html")
    assert html.count('id="indhold"') == 1 and html.count('id="soeg-felt"') == 1  # the theme's own
    assert "<div>Ryggen</div>" in html
    assert '<h2 id="ondt-i-ryggen">' in html
