"""Links and media: internal links and images that resolve to nothing, absolute links to the
site's own domain, and external links without https.

An internal URL resolves when it names an article (`/ordbog/knae/`, `knae.md`, `../knae/`), a page
ordbog generates (home, index, search, sitemap, API, static files), a file next to the site
(content folder or the folder holding ordbog.toml), or a path listed in `[check] external_paths`.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

from markdown_it.token import Token

from ordbog import urls
from ordbog.check.findings import CheckContext, Finding, finding
from ordbog.check.places import text_place
from ordbog.danish.slug import slugify
from ordbog.model import Article

PACKAGE_STATIC = Path(__file__).parent.parent / "static"
_SKIPPED_SCHEMES = {"mailto", "tel", "sms", "javascript", "data", "ftp"}
_GENERATED = {"", "/", "/soeg/", "/sitemap.xml", "/robots.txt", "/404.html"}


def _host(netloc: str) -> str:
    return netloc.lower().split("@")[-1].split(":")[0].removeprefix("www.")


def own_hosts(ctx: CheckContext) -> frozenset[str]:
    return frozenset({_host(urlsplit(ctx.config.site.base_url).netloc)} | {_host(h) for h in ctx.settings.own_hosts})


def anchors(article: Article) -> set[str]:
    return {h.id for h in article.headings} | {q.id for q in article.faq} | {"indhold", "top"}


def _file_exists(ctx: CheckContext, a: Article, path: str, relative: bool) -> bool:
    rel = path.lstrip("/")
    roots = [Path(a.path).parent] if relative else []
    roots += [ctx.config.content_dir, ctx.config.site_root]
    if rel.startswith("static/"):
        roots = [PACKAGE_STATIC.parent, ctx.config.site_root]
    return bool(rel) and any((root / rel).is_file() for root in roots)


def resolve_page(ctx: CheckContext, a: Article, path: str) -> tuple[bool, Article | None]:
    """(resolves, the article it names) for a site path relative to the site root."""
    prefix = f"/{ctx.config.site.url_prefix}/"
    if path in _GENERATED or path in (prefix, prefix.rstrip("/")) or path.startswith("/api/"):
        return True, None
    if path.startswith(prefix):
        slug = path[len(prefix):].removesuffix("index.html").strip("/")
        target = ctx.by_slug.get(slug)
        return target is not None, target
    if any(path.startswith(p) for p in ctx.settings.external_paths):
        return True, None
    return _file_exists(ctx, a, path, relative=False), None


def internal(ctx: CheckContext, a: Article, url: str) -> str | None:
    """Why an internal link resolves to nothing, or None when it resolves."""
    parts = urlsplit(url)
    path, fragment = unquote(parts.path), unquote(parts.fragment)
    target: Article | None = a
    if path.endswith(".md"):
        target = ctx.by_slug.get(slugify(Path(path).stem))
        if target is None:
            return f"'{url}' peger på en artikel, der ikke findes"
    elif path:
        root = urls.root(ctx.config)
        page = posixpath.normpath(posixpath.join(urls.article_url(ctx.config, a.slug), path)) + ("/" if path.endswith("/") else "")
        site_path = page.removeprefix(root) if page.startswith(root + "/") or not root else page
        ok, target = resolve_page(ctx, a, site_path)
        if not ok:
            return f"'{url}' findes ikke på sitet"
    if fragment and target is not None and fragment not in anchors(target):
        return f"'{url}' peger på '#{fragment}', som ikke er en overskrift i {target.path}"
    return None


def _targets(token: Token) -> Iterator[tuple[str, str]]:
    for child in token.children or ():
        if child.type == "link_open":
            yield "link", str(child.attrGet("href") or "")
        elif child.type == "image":
            yield "image", str(child.attrGet("src") or "")


def link_findings(ctx: CheckContext, a: Article, token: Token, kind: str, url: str) -> Iterator[Finding]:
    parts = urlsplit(url)
    line, column = text_place(a, token, unquote(url)) if unquote(url) in token.content else text_place(a, token, url)
    scheme = parts.scheme.lower()
    if scheme in _SKIPPED_SCHEMES or url.startswith("//"):
        return
    if scheme in ("http", "https"):
        if _host(parts.netloc) in own_hosts(ctx):
            relative = urlsplit(url)._replace(scheme="", netloc="").geturl() or "/"
            yield finding("LNK003", a.path, line, f"'{url}' peger på sitets eget domæne med en absolut adresse",
                          f"skriv den relative adresse '{relative}'", column=column)
        elif scheme == "http":
            yield finding("LNK004", a.path, line, f"'{url}' bruger http, ikke https",
                          "skriv https://, hvis siden findes med https (det gør de fleste)", column=column)
        return
    if kind == "image":
        path = unquote(parts.path)
        page = posixpath.normpath(posixpath.join("/", path)) if path.startswith("/") else path
        if not _file_exists(ctx, a, page.removeprefix(urls.root(ctx.config)), relative=not path.startswith("/")):
            yield finding("LNK002", a.path, line, f"billedet '{url}' findes ikke",
                          "læg billedet i indholdsmappen (samme sti), eller ret adressen", column=column)
        return
    if (why := internal(ctx, a, url)) is not None:
        yield finding("LNK001", a.path, line, why, "ret adressen, eller fjern linket", column=column)


def check(ctx: CheckContext) -> Iterator[Finding]:
    for a in ctx.articles:
        for token in a.tokens:
            if token.type == "inline" and token.children:
                for kind, url in _targets(token):
                    yield from link_findings(ctx, a, token, kind, url)
