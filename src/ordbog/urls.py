"""The one place that builds URLs and output paths. Nothing else concatenates them.

Site URLs are root-relative and include the path of `base_url` (a site published at
https://example.dk/hjaelp gets `/hjaelp/ordbog/...`), so the output works on any static host.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from ordbog.config import Config


def root(config: Config) -> str:
    """The path the site lives under, without trailing slash ('' at a domain's root)."""
    return urlsplit(config.site.base_url).path.rstrip("/")


def home_url(config: Config) -> str:
    return root(config) + "/"


def index_url(config: Config) -> str:
    return f"{root(config)}/{config.site.url_prefix}/"


def article_url(config: Config, slug: str) -> str:
    return f"{root(config)}/{config.site.url_prefix}/{slug}/"


def search_url(config: Config) -> str:
    return f"{root(config)}/soeg/"


def search_index_url(config: Config, name: str) -> str:
    """A file of the static search index (`name` "" gives the folder)."""
    return f"{root(config)}/soeg/indeks/{name}"


def static_url(config: Config, name: str) -> str:
    return f"{root(config)}/static/{name}"


def api_index_url(config: Config) -> str:
    return f"{root(config)}/api/{config.site.url_prefix}/index.json"


def api_article_url(config: Config, slug: str) -> str:
    return f"{root(config)}/api/{config.site.url_prefix}/{slug}.json"


def sitemap_url(config: Config) -> str:
    return f"{root(config)}/sitemap.xml"


def not_found_url(config: Config) -> str:
    return f"{root(config)}/404.html"


def absolute(config: Config, url: str) -> str:
    """Site URL → absolute URL (scheme and host of base_url)."""
    parts = urlsplit(config.site.base_url)
    return f"{parts.scheme}://{parts.netloc}{url}"


def output_path(config: Config, url: str) -> str:
    """Site URL → file path inside the output folder (`/ordbog/x/` → `ordbog/x/index.html`)."""
    path = url.removeprefix(root(config)).lstrip("/")
    if path == "" or path.endswith("/"):
        return path + "index.html"
    return path
