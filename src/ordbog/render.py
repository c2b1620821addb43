"""Render stage: Site + Config → {output path: bytes} for every page, feed and API file.

Templates are Jinja2; a site overrides any of them by placing a file with the same name in
its `templates/` folder. Article bodies are rendered from tokens and sanitized with nh3.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable
from functools import cache
from html import escape as html_escape
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from ordbog import pagecache, sanitize, structured, urls
from ordbog.config import Config
from ordbog.danish.collation import ALPHABET, danish_sort_key, index_letter
from ordbog.danish.dates import format_danish
from ordbog.markdown import render_pieces
from ordbog.model import Article, Site

PACKAGE_DIR = Path(__file__).parent
TEMPLATES_DIR = PACKAGE_DIR / "templates"
STATIC_DIR = PACKAGE_DIR / "static"


@cache
def environment(site_templates: Path | None) -> Environment:
    loaders = [FileSystemLoader(str(site_templates))] if site_templates and site_templates.is_dir() else []
    env = Environment(
        loader=ChoiceLoader([*loaders, FileSystemLoader(str(TEMPLATES_DIR))]),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["danish_date"] = format_danish
    return env


def build_time(config: Config) -> dt.datetime:
    """The build's timestamp: SOURCE_DATE_EPOCH when set, else a fixed epoch (output stays reproducible)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "0")
    return dt.datetime.fromtimestamp(int(epoch) if epoch.isdigit() else 0, tz=dt.UTC)


def article_html(article: Article) -> tuple[str, dict[tuple[int, int], str]]:
    """The article's sanitized body, and each section's sanitized HTML by its token range, from one
    rendering of the tokens (the body is exactly `sanitize.clean(render_tokens(article.tokens))`)."""
    ranges = [s.token_range for s in article.sections]
    cuts = sorted({0, len(article.tokens), *(edge for r in ranges for edge in r)})
    pieces = render_pieces(article.tokens, cuts)
    at = {cut: k for k, cut in enumerate(cuts)}
    sections = {(a, b): sanitize.clean("".join(pieces[at[a]:at[b]])) for a, b in ranges}
    return sanitize.clean("".join(pieces)), sections


def _common(config: Config) -> dict[str, Any]:
    return {
        "site": config.site,
        "urls": {
            "home": urls.home_url(config),
            "index": urls.index_url(config),
            "search": urls.search_url(config),
            "css": urls.static_url(config, "style.css"),
            "static": urls.static_url(config, ""),
            "search_index": urls.search_index_url(config, "") if config.file.search.enabled else "",
        },
        "absolute": lambda url: urls.absolute(config, url),
        "preview": False,
    }


MAX_RELATED = 8


def backreferences(site: Site) -> dict[str, tuple[str, ...]]:
    """slug → slugs of the articles whose `related` names it (Danish title order)."""
    refs: dict[str, dict[str, Article]] = {}
    for other in site.articles:
        for rel in other.related:
            if rel.type == "ordbog" and rel.slug != other.slug:
                refs.setdefault(rel.slug, {})[other.slug] = other
    return {
        slug: tuple(a.slug for a in sorted(found.values(), key=lambda a: danish_sort_key(a.title)))
        for slug, found in refs.items()
    }


def related_links(
    by_slug: dict[str, Article], backrefs: dict[str, tuple[str, ...]], config: Config, article: Article
) -> list[dict[str, str]]:
    """'Se også': the article's own `related` entries that resolve here, then articles that list it."""
    chosen: dict[str, str] = {}
    for rel in article.related:
        if rel.type == "ordbog" and rel.slug in by_slug and rel.slug != article.slug:
            chosen.setdefault(rel.slug, rel.title or by_slug[rel.slug].title)
    for slug in backrefs.get(article.slug, ()):
        chosen.setdefault(slug, by_slug[slug].title)
    return [{"title": title, "url": urls.article_url(config, slug)} for slug, title in list(chosen.items())[:MAX_RELATED]]


def article_context(
    config: Config, article: Article, by_slug: dict[str, Article], backrefs: dict[str, tuple[str, ...]]
) -> dict[str, Any]:
    """What an article's files show from *other* articles ('Se også', …).

    The live preview re-renders an article's files exactly when the article or this context
    changes, so anything a page takes from the rest of the site must come from here.
    """
    return {"related": related_links(by_slug, backrefs, config, article)}


def render_article(
    config: Config, article: Article, by_slug: dict[str, Article], backrefs: dict[str, tuple[str, ...]], body: str,
) -> str:
    """The article's page around `body`, its sanitized HTML (`article_html`)."""
    env = environment(config.templates_dir)
    url = urls.article_url(config, article.slug)
    return env.get_template("article.html").render(
        **_common(config),
        **article_context(config, article, by_slug, backrefs),
        article=article,
        url=url,
        canonical=urls.absolute(config, url),
        body=Markup(body),
        json_ld=Markup(structured.json_ld(structured.article_graph(config, article))),
    )


def letter_groups(articles: tuple[Article, ...]) -> list[tuple[str, list[Article]]]:
    """Articles grouped by Danish index letter, in Danish order (A–Z, Æ, Ø, Å, then #)."""
    groups: dict[str, list[Article]] = {}
    for article in sorted(articles, key=lambda a: danish_sort_key(a.title)):
        groups.setdefault(index_letter(article.title), []).append(article)
    order = list(ALPHABET) + ["#"]
    return [(letter, groups[letter]) for letter in order if letter in groups]


def render_index(config: Config, site: Site) -> str:
    env = environment(config.templates_dir)
    groups = letter_groups(site.articles)
    present = {letter for letter, _ in groups}
    letters = [(letter, letter in present) for letter in ALPHABET] + ([("#", True)] if "#" in present else [])
    return env.get_template("index.html").render(
        **_common(config),
        groups=groups,
        letters=letters,
        url=urls.index_url(config),
        canonical=urls.absolute(config, urls.index_url(config)),
        article_url=lambda slug: urls.article_url(config, slug),
        count=len(site.articles),
    )


def recently_updated(site: Site, n: int = 8) -> list[Article]:
    dated = [a for a in site.articles if a.last_updated]
    return sorted(dated, key=lambda a: (-a.last_updated.toordinal(), a.slug))[:n]  # type: ignore[union-attr]


def render_simple(config: Config, site: Site, template: str, url: str) -> str:
    env = environment(config.templates_dir)
    return env.get_template(template).render(
        **_common(config),
        url=url,
        canonical=urls.absolute(config, url),
        recent=recently_updated(site),
        article_url=lambda slug: urls.article_url(config, slug),
        count=len(site.articles),
    )


def render_sitemap(config: Config, site: Site) -> str:
    latest = max((a.last_updated for a in site.articles if a.last_updated), default=None)
    entries: list[tuple[str, dt.date | None]] = [(urls.home_url(config), latest), (urls.index_url(config), latest)]
    entries += [(urls.article_url(config, a.slug), a.last_updated) for a in site.articles]
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for url, lastmod in entries:
        lines.append("  <url>")
        lines.append(f"    <loc>{html_escape(urls.absolute(config, url), quote=False)}</loc>")  # & < >, as XML needs
        if lastmod:
            lines.append(f"    <lastmod>{lastmod.isoformat()}</lastmod>")
        lines.append("  </url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def render_robots(config: Config) -> str:
    return f"User-agent: *\nAllow: /\n\nSitemap: {urls.absolute(config, urls.sitemap_url(config))}\n"


def _iso(date: dt.date | None) -> str | None:
    return date.isoformat() if date else None


def article_summary(config: Config, article: Article) -> dict[str, Any]:
    return {
        "slug": article.slug,
        "title": article.title,
        "description": article.description,
        "url": urls.article_url(config, article.slug),
        "lastUpdated": _iso(article.last_updated),
        "datePublished": _iso(article.date_published),
    }


def article_api(config: Config, article: Article, by_slug: dict[str, Article],
                sections: dict[tuple[int, int], str]) -> dict[str, Any]:
    """The article's API record; `sections`: its sections' HTML by token range (`article_html`)."""
    data = article_summary(config, article)
    data.update(
        metaTitle=article.meta_title,
        aliases=list(article.aliases),
        readingMinutes=article.reading_minutes,
        reviewedBy=article.reviewed_by.name if article.reviewed_by else None,
        lastReviewed=_iso(article.last_reviewed),
        sections=[
            {"heading": s.heading, "id": s.id, "text": s.text, "html": sections[s.token_range]}
            for s in article.sections
        ],
        faq=[{"question": f.question, "answer": f.answer, "id": f.id} for f in article.faq],
        related=[{"type": r.type, "slug": r.slug, "title": r.title} for r in article.related],
        links=[{"slug": slug, "text": text} for slug, text in article.links],
    )
    return data


def dump_json(data: Any) -> bytes:
    """Compact JSON: `indent` would make json use its pure-Python encoder (~6× slower; a browser's
    JSON viewer or `jq` indents it for reading)."""
    return (json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n").encode("utf-8")


def static_files(config: Config) -> dict[str, bytes]:
    """The theme's static files, overridable by the site's `static/` folder."""
    files: dict[str, bytes] = {}
    for folder in (STATIC_DIR, config.site_root / "static"):
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    rel = path.relative_to(folder).as_posix()
                    files[urls.output_path(config, urls.static_url(config, rel))] = path.read_bytes()
    return files


def render_site(
    config: Config, site: Site, progress: Callable[[int], None] | None = None,
    made: Callable[[dict[str, bytes]], None] | None = None,
) -> dict[str, bytes]:
    """Every output file of the site, keyed by its path in the output folder.

    `made`: given articles' files as they are rendered (`pagecache.render_articles`)."""
    out: dict[str, bytes] = {}
    by_slug = site.by_slug()
    backrefs = backreferences(site)
    # compiled here, once: forked workers inherit it (a large site's workers are replaced every few
    # chunks, and each would compile it again: ~25 ms)
    environment(config.templates_dir).get_template("article.html")
    # articles render independently: large sites use every core (results keep the site's order);
    # unchanged articles' files come from the rendered-page cache
    for files in pagecache.render_articles(
        config, site.articles,
        render=lambda a: article_files(config, a, by_slug, backrefs),
        context=lambda a: article_context(config, a, by_slug, backrefs),
        template_dirs=(config.templates_dir, TEMPLATES_DIR),
        progress=progress,
        made=made,
    ):
        out.update(files)
    out.update(listing_files(config, site))
    out.update(static_files(config))
    return out


def article_files(
    config: Config, article: Article, by_slug: dict[str, Article], backrefs: dict[str, tuple[str, ...]]
) -> dict[str, bytes]:
    """One article's page and API file."""
    body, sections = article_html(article)
    return {
        urls.output_path(config, urls.article_url(config, article.slug)):
            render_article(config, article, by_slug, backrefs, body).encode("utf-8"),
        urls.output_path(config, urls.api_article_url(config, article.slug)):
            dump_json(article_api(config, article, by_slug, sections)),
    }


def listed(article: Article) -> tuple[Any, ...]:
    """What the listing files (index, home, sitemap, API index) show of an article.

    The live preview re-renders listings only when this changes for some article; a test renders
    listings of articles that differ in everything else and expects identical bytes.
    """
    return (article.slug, article.title, article.description, article.last_updated, article.date_published)


def listing_files(config: Config, site: Site) -> dict[str, bytes]:
    """Files that list or count articles (index, home, search, 404, sitemap, robots, API index)."""
    out: dict[str, bytes] = {}

    def put(url: str, text: str | bytes) -> None:
        out[urls.output_path(config, url)] = text.encode("utf-8") if isinstance(text, str) else text

    put(urls.index_url(config), render_index(config, site))
    put(urls.home_url(config), render_simple(config, site, "home.html", urls.home_url(config)))
    put(urls.search_url(config), render_simple(config, site, "search.html", urls.search_url(config)))
    put(urls.not_found_url(config), render_simple(config, site, "404.html", urls.not_found_url(config)))
    put(urls.sitemap_url(config), render_sitemap(config, site))
    put(f"{urls.root(config)}/robots.txt", render_robots(config))
    ordered = sorted(site.articles, key=lambda a: danish_sort_key(a.title))
    put(urls.api_index_url(config), dump_json({"articles": [article_summary(config, a) for a in ordered]}))
    return out
