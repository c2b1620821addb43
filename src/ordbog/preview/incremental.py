"""Incremental rebuilds for the live preview: the previous build + the config → the next build.

Input: the previous `Snapshot` (None for the first build), the current `Config` and the paths the
watcher saw change. Output: the next `Snapshot` and the `Delta` (files to write, files to delete)
that turns the previous output folder into the next one.

The contract, tested with random edit sequences: `snapshot.files` always equals
`build.build(config, keep_going=True).files`, byte for byte. Reuse is therefore only ever
decided by comparing each stage's *inputs* with the previous ones:

- load: a file is re-read only when the watcher named it or its (mtime, size, inode) changed;
  `load.load_sources` itself still discovers files and resolves duplicate slugs;
- analyse: a Source is re-analysed only when its path or bytes changed (analyse is per file);
- link: the link index is rebuilt, and articles relinked, only where a title, alias or vocabulary
  change can alter links (`preview.relink`); back-references and the site-wide extras (search
  index, …) run on the whole site every time;
- render: an article's files are re-rendered only when the linked article (tokens included),
  its `render.article_context` or the theme/config changed; listing files when any article did.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ordbog import build, load, render
from ordbog.config import Config
from ordbog.diagnostics import Diagnostic
from ordbog.model import Article, Site, Source
from ordbog.preview.relink import LinkState, link_incremental
from ordbog.preview.reuse import ReadLog, Rendered, same_article

Read = tuple[Source | None, list[Diagnostic]]
Analysed = tuple[Article | None, tuple[Diagnostic, ...]]
_EMPTY: Mapping[Any, Any] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Everything a rebuild may reuse: per-file caches, the linked site and the output files."""

    config: Config
    theme: tuple[Any, ...]
    reads: Mapping[Path, tuple[tuple[int, ...], Read]]
    analysed: Mapping[tuple[str, str], Analysed]
    site: Site
    rendered: Mapping[str, Rendered]  # slug → the article's files and their inputs
    listing: Mapping[str, bytes]
    files: Mapping[str, bytes]
    diagnostics: tuple[Diagnostic, ...]
    links: LinkState | None = None
    extras: Mapping[str, bytes] = field(default_factory=dict)  # `build.site_extras` files now in `files`…
    extras_site: Site | None = None  # …and the site they were made from (None: none yet)

    @property
    def extras_pending(self) -> bool:
        """True while the site-wide extras (search index) lag behind the pages."""
        return not same_site(self.extras_site, self.site)


@dataclass(frozen=True, slots=True)
class Delta:
    """How the output folder changes: paths to (re)write with their bytes, paths to delete."""

    written: Mapping[str, bytes] = field(default_factory=dict)
    deleted: tuple[str, ...] = ()
    rendered_articles: int = 0  # how many articles' files were rendered (for the benchmark)

    def __bool__(self) -> bool:
        return bool(self.written or self.deleted)


def _signature(path: Path) -> tuple[int, ...]:
    try:
        st = path.stat()
    except OSError:
        return ()
    return (st.st_mtime_ns, st.st_size, st.st_ino, st.st_dev)


def folder_signature(folder: Path) -> tuple[Any, ...]:
    """(relative path, mtime, size) of every file below `folder`: changes when any file does."""
    if not folder.is_dir():
        return ()
    out = []
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            path = Path(root) / name
            out.append((path.relative_to(folder).as_posix(), *_signature(path)[:2]))
    return tuple(out)


def theme_signature(config: Config) -> tuple[Any, ...]:
    """What besides the config every page depends on: site templates, site static files, build time."""
    return (
        folder_signature(config.templates_dir),
        folder_signature(config.site_root / "static"),
        os.environ.get("SOURCE_DATE_EPOCH"),
    )


def cached_reader(
    previous: Mapping[Path, tuple[tuple[int, ...], Read]], changed: Collection[Path],
    used: dict[Path, tuple[tuple[int, ...], Read]],
) -> Callable[[Path], Read]:
    """A `load.read_source` that reuses the previous result for files that did not change."""
    changed = {Path(p) for p in changed}

    def read(path: Path) -> Read:
        sig = _signature(path)
        hit = previous.get(path)
        if hit is not None and sig and hit[0] == sig and path not in changed:
            used[path] = hit
        else:
            source, diags = load.read_source(path)
            used[path] = (sig, (source, list(diags)))
        source, diags = used[path][1]
        return source, list(diags)

    return read


def analyse_cached(
    sources: list[Source], previous: Mapping[tuple[str, str], Analysed]
) -> tuple[list[Article], list[Diagnostic], dict[tuple[str, str], Analysed]]:
    """`build.analyse_all`, calling it only for sources whose path or bytes are new."""
    articles: list[Article] = []
    diags: list[Diagnostic] = []
    used: dict[tuple[str, str], Analysed] = {}
    for source in sources:
        key = (source.path, source.digest)
        if key not in previous:
            found, found_diags = build.analyse_all([source])
            used[key] = (found[0] if found else None, tuple(found_diags))
        else:
            used[key] = previous[key]
        article, article_diags = used[key]
        diags += article_diags
        if article is not None:
            articles.append(article)
    return articles, diags, used


def freeze(value: Any) -> Any:
    """A comparable, immutable copy of template context (lists, dicts, dataclasses)."""
    if isinstance(value, dict):
        return tuple((k, freeze(v)) for k, v in sorted(value.items()))
    if isinstance(value, list | tuple):
        return tuple(freeze(v) for v in value)
    return value


def same_site(a: Site | None, b: Site) -> bool:
    """The same articles, object for object (what the preview's caches hand on when nothing changed)."""
    return a is b or (a is not None and len(a.articles) == len(b.articles)
                      and all(x is y for x, y in zip(a.articles, b.articles)))


def rebuild(config: Config, previous: Snapshot | None, changed: Collection[Path] = (),
            extras: bool = True) -> tuple[Snapshot, Delta]:
    """The next snapshot and the delta from the previous one (see the module docstring).

    With `extras=False` the site-wide extras (the search index: slow, whole-site) are carried
    over from `previous` unchanged, and `with_extras` brings them up to date later, so the
    preview can show the edited page first.
    """
    theme = theme_signature(config)
    fresh = previous is None or previous.config != config or previous.theme != theme
    if previous is not None and previous.theme != theme:
        render.environment.cache_clear()  # a new or removed override template must be seen
    reads: dict[Path, tuple[tuple[int, ...], Read]] = {}
    sources, diags = load.load_sources(config.content_dir, read=cached_reader(
        previous.reads if previous else _EMPTY, changed, reads))
    articles, found, analysed = analyse_cached(sources, previous.analysed if previous else _EMPTY)
    links: list[LinkState | None] = [None]

    def link_site(config: Config, site: Site) -> tuple[Site, list[Diagnostic]]:
        linked, found, links[0] = link_incremental(config, site, previous.links if previous else None)
        return linked, found

    site, diags = build.site_from_articles(config, articles, diags + found, link_site=link_site)
    reuse = None if fresh else previous
    per_article, n_rendered = render_changed(config, site, reuse)
    files = {path: data for done in per_article.values() for path, data in done.files.items()}
    listing = listing_files(config, site, reuse)
    files.update(listing)
    files.update(render.static_files(config))
    extra_files, extras_site = previous_extras(previous, site, fresh)
    if extras and not same_site(extras_site, site):
        extra_files, extras_site = build.site_extras(config, site), site
    files.update(extra_files)
    snapshot = Snapshot(config, theme, MappingProxyType(reads), MappingProxyType(analysed), site,
                        MappingProxyType(per_article), MappingProxyType(listing), MappingProxyType(files), tuple(diags),
                        links[0], MappingProxyType(extra_files), extras_site)
    return snapshot, diff(previous.files if previous else _EMPTY, files, n_rendered)


def previous_extras(previous: Snapshot | None, site: Site, fresh: bool) -> tuple[Mapping[str, bytes], Site | None]:
    """The previous extras, and the site they still fit (None when they are stale)."""
    if previous is None:
        return {}, None
    fits = not fresh and same_site(previous.extras_site, site)
    return previous.extras, (site if fits else None)


def with_extras(snapshot: Snapshot, extra_files: Mapping[str, bytes]) -> tuple[Snapshot, Delta]:
    """`snapshot` with `build.site_extras(snapshot.config, snapshot.site)` swapped in."""
    files = {p: d for p, d in snapshot.files.items() if p not in snapshot.extras}
    files.update(extra_files)
    done = replace(snapshot, files=MappingProxyType(files), extras=MappingProxyType(dict(extra_files)),
                   extras_site=snapshot.site)
    return done, diff(snapshot.files, files, 0)


def render_changed(
    config: Config, site: Site, previous: Snapshot | None
) -> tuple[dict[str, Rendered], int]:
    """slug → what was rendered for every article, rendering only those whose inputs changed.

    An article's inputs are the article itself and what `render.article_context` looked up in
    the site (recorded by `ReadLog`): when neither changed, not even the context is recomputed.
    """
    by_slug = site.by_slug()
    backrefs = render.backreferences(site)
    old = previous.site.by_slug() if previous else {}
    out: dict[str, Rendered] = {}
    rendered = 0
    for article in site.articles:
        hit = previous.rendered.get(article.slug) if previous else None
        same = hit is not None and same_article(old.get(article.slug), article)
        if same and hit is not None and hit.still_valid(by_slug, backrefs):
            out[article.slug] = hit
            continue
        site_log, refs_log = ReadLog(by_slug), ReadLog(backrefs)
        context = freeze(render.article_context(config, article, site_log, refs_log))  # type: ignore[arg-type]
        reads = None if site_log.everything or refs_log.everything else (site_log.reads, refs_log.reads)
        if same and hit is not None and hit.context == context:
            out[article.slug] = Rendered(context, hit.files, reads)
        else:
            files = MappingProxyType(render.article_files(config, article, by_slug, backrefs))
            out[article.slug] = Rendered(context, files, reads)
            rendered += 1
    return out, rendered


def listing_files(config: Config, site: Site, previous: Snapshot | None) -> Mapping[str, bytes]:
    """Index, home, sitemap, API index …: reused when no article's `render.listed` facts changed."""
    if previous is not None and len(previous.site.articles) == len(site.articles) and all(
            a is b or render.listed(a) == render.listed(b) for a, b in zip(previous.site.articles, site.articles)):
        return previous.listing
    return render.listing_files(config, site)


def diff(before: Mapping[str, bytes], after: Mapping[str, bytes], rendered: int) -> Delta:
    """Files whose bytes differ, and files that are gone."""
    written = {p: data for p, data in after.items() if before.get(p) != data}
    deleted = tuple(sorted(p for p in before if p not in after))
    return Delta(written, deleted, rendered)
