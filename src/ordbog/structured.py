"""Structured data (schema.org JSON-LD) for an article: MedicalWebPage, FAQPage, BreadcrumbList.

Values are plain text; `json_ld()` escapes `<`, `>` and `&` so no frontmatter value can close
the surrounding `<script>` element.
"""

from __future__ import annotations

import json
from typing import Any

from ordbog import urls
from ordbog.config import Config
from ordbog.model import Article, Person


def _person(person: Person | None, config_person) -> dict[str, Any] | None:
    name = person.name if person else config_person.name
    if not name:
        return None
    job = person.job_title if person else config_person.job_title
    url = person.url if person else config_person.url
    if not url.lower().startswith(("https://", "http://")):
        url = ""  # a `javascript:` or `data:` URL from frontmatter is dropped, never published
    data: dict[str, Any] = {"@type": "Person", "name": name}
    if job:
        data["jobTitle"] = job
    if url:
        data["url"] = url
    return data


def publisher(config: Config) -> dict[str, Any]:
    pub = config.file.publisher
    data: dict[str, Any] = {
        "@type": "Organization",
        "name": pub.name or config.site.name,
        "url": pub.url or urls.absolute(config, urls.home_url(config)),
    }
    if pub.logo:
        data["logo"] = {"@type": "ImageObject", "url": pub.logo}
    return data


def breadcrumbs(config: Config, article: Article) -> dict[str, Any]:
    trail = [
        ("Forside", urls.home_url(config)),
        ("Ordbog", urls.index_url(config)),
        (article.title, urls.article_url(config, article.slug)),
    ]
    return {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": i, "name": name, "item": urls.absolute(config, url)}
            for i, (name, url) in enumerate(trail, start=1)
        ],
    }


def medical_web_page(config: Config, article: Article) -> dict[str, Any]:
    url = urls.absolute(config, urls.article_url(config, article.slug))
    data: dict[str, Any] = {
        "@type": "MedicalWebPage",
        "@id": url,
        "url": url,
        "name": article.meta_title,
        "headline": article.title,
        "description": article.description,
        "inLanguage": config.site.language,
        "isPartOf": {"@type": "WebSite", "name": config.site.name, "url": urls.absolute(config, urls.home_url(config))},
        "publisher": publisher(config),
        "about": {"@type": "Thing", "name": article.title},
    }
    if article.date_published:
        data["datePublished"] = article.date_published.isoformat()
    if article.last_updated:
        data["dateModified"] = article.last_updated.isoformat()
    if author := _person(article.author, config.file.author):
        data["author"] = author
    if reviewer := _person(article.reviewed_by, config.file.reviewer):
        data["reviewedBy"] = reviewer
    if article.last_reviewed:
        data["lastReviewed"] = article.last_reviewed.isoformat()
    if article.aliases:
        data["alternateName"] = list(article.aliases)
    return data


def faq_page(config: Config, article: Article) -> dict[str, Any] | None:
    items = [f for f in article.faq if f.answer]
    if not items:
        return None
    return {
        "@type": "FAQPage",
        "@id": urls.absolute(config, urls.article_url(config, article.slug)) + "#faq",
        "inLanguage": config.site.language,
        "mainEntity": [
            {"@type": "Question", "name": f.question, "acceptedAnswer": {"@type": "Answer", "text": f.answer}}
            for f in items
        ],
    }


def article_graph(config: Config, article: Article) -> dict[str, Any]:
    graph = [medical_web_page(config, article), breadcrumbs(config, article)]
    if faq := faq_page(config, article):
        graph.append(faq)
    return {"@context": "https://schema.org", "@graph": graph}


def json_ld(data: dict[str, Any]) -> str:
    """JSON safe to embed in `<script type="application/ld+json">`."""
    # compact: with `indent`, json uses its pure-Python encoder (~6× slower, for every page)
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
