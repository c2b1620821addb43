"""Incremental rebuilds for the live preview: the previous build + the config → the next build.

Input: the previous `Snapshot` (None for the first build), the current `Config` and the paths the
watcher saw change. Output: the next `Snapshot` and the `Delta` (files to write, files to delete)
that turns the previous output folder into the next one.

The contract, tested with random edit sequences: `snapshot.files` always equals
`build.build(config, keep_going=True).files`, byte for byte. Reuse is therefore only ever
decided by comparing each stage's *inputs* with the previous ones:

- load: the watcher's change set is applied to the previous file list (`preview.discovery`) and
  only the files it names are re-read; when the change set is unknown (None) or cannot be mapped
  (a folder created or renamed, a symlink, …) the folder is walked again and a file is re-read when
  it was named or its (mtime, size, inode) changed; `load.load_sources` resolves duplicate slugs;
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
from ordbog.preview.discovery import Discovered, apply_changes, walk
from ordbog.preview.relink import LinkState, link_incremental
from ordbog.preview.rendering import (
    Delta,
    Refs,
    assemble,
    backreferences,
    diff,
    listing_files,
    moved_slugs,
    render_changed,
)
from ordbog.preview.reuse import Rendered

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
    discovered: Discovered | None = None  # the content folder's article files (`load.discover`)
    backrefs: Refs | None = None  # `render.backreferences(site)`
    static: Mapping[str, bytes] = field(default_factory=dict)  # `render.static_files(config)`
    top: frozenset[str] = frozenset()  # the paths of listing, static and extras files (laid over the articles')

    @property
    def extras_pending(self) -> bool:
        """True while the site-wide extras (search index) lag behind the pages."""
        return not same_site(self.extras_site, self.site)


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
    used: dict[Path, tuple[tuple[int, ...], Read]], exact: bool = False,
) -> Callable[[Path], Read]:
    """A `load.read_source` that reuses the previous result for files that did not change.

    With `exact`, `changed` is taken as the whole truth (the watcher's change set): other files
    are reused without even a stat. Otherwise a file is also re-read when its signature moved.
    """
    changed = {Path(p) for p in changed}

    def read(path: Path) -> Read:
        if exact and path not in changed:
            hit = previous.get(path)
            if hit is not None:
                used[path] = hit
                return hit[1][0], list(hit[1][1])
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


def same_site(a: Site | None, b: Site) -> bool:
    """The same articles, object for object (what the preview's caches hand on when nothing changed)."""
    return a is b or (a is not None and len(a.articles) == len(b.articles)
                      and all(x is y for x, y in zip(a.articles, b.articles)))


def discover(config: Config, previous: Snapshot | None, changed: Collection[Path] | None) -> tuple[Discovered, bool]:
    """The article files now, and whether they came from the change set (True) or a new walk."""
    found = previous.discovered if previous is not None else None
    if found is not None and changed is not None and found.content_dir == config.content_dir:
        updated = apply_changes(found, changed)
        if updated is not None:
            return updated, True
    return walk(config.content_dir), False


def rebuild(config: Config, previous: Snapshot | None, changed: Collection[Path] | None = None,
            extras: bool = True) -> tuple[Snapshot, Delta]:
    """The next snapshot and the delta from the previous one (see the module docstring).

    `changed` is the watcher's change set: every path created, modified or deleted since
    `previous` (None when unknown: then every file is checked).

    With `extras=False` the site-wide extras (the search index: slow, whole-site) are carried
    over from `previous` unchanged, and `with_extras` brings them up to date later, so the
    preview can show the edited page first.
    """
    theme = theme_signature(config)
    fresh = previous is None or previous.config != config or previous.theme != theme
    if previous is not None and previous.theme != theme:
        render.environment.cache_clear()  # a new or removed override template must be seen
    reads: dict[Path, tuple[tuple[int, ...], Read]] = {}
    discovered, exact = discover(config, previous, changed)
    sources, diags = load.load_sources(config.content_dir, read=cached_reader(
        previous.reads if previous else _EMPTY, changed or (), reads, exact), discovered=discovered.result)
    articles, found, analysed = analyse_cached(sources, previous.analysed if previous else _EMPTY)
    links: list[LinkState | None] = [None]

    def link_site(config: Config, site: Site) -> tuple[Site, list[Diagnostic]]:
        linked, found, links[0] = link_incremental(config, site, previous.links if previous else None)
        return linked, found

    site, diags = build.site_from_articles(config, articles, diags + found, link_site=link_site)
    reuse = None if fresh else previous
    by_slug = site.by_slug()
    old = reuse.site.by_slug() if reuse else {}
    moved = moved_slugs(old, by_slug)
    backrefs, moved_refs = backreferences(site, by_slug, old, reuse.backrefs if reuse else None, moved)
    per_article, rendered_anew = render_changed(config, site, by_slug, backrefs, old, reuse.rendered if reuse else _EMPTY,
                                             moved, moved_refs)
    listing = listing_files(config, site, reuse.site if reuse else None, reuse.listing if reuse else None)
    static = render.static_files(config)
    extra_files, extras_site = previous_extras(previous, site, fresh)
    if extras and not same_site(extras_site, site):
        extra_files, extras_site = build.site_extras(config, site), site
    top = {**listing, **static, **extra_files}
    # `moved` is measured against `reuse`, which is None when `fresh`: a removed article is then in
    # neither set, so every slug must be a candidate (all were rendered anew anyway).
    files, touched = assemble(per_article, top, (previous.rendered, previous.files, previous.top) if previous else None,
                              None if fresh else rendered_anew | moved)
    snapshot = Snapshot(config, theme, MappingProxyType(reads), MappingProxyType(analysed), site,
                        MappingProxyType(per_article), MappingProxyType(listing), MappingProxyType(files), tuple(diags),
                        links[0], MappingProxyType(extra_files), extras_site, discovered, backrefs,
                        MappingProxyType(static), frozenset(top))
    return snapshot, diff(previous.files if previous else _EMPTY, files, len(rendered_anew), touched)


def previous_extras(previous: Snapshot | None, site: Site, fresh: bool) -> tuple[Mapping[str, bytes], Site | None]:
    """The previous extras, and the site they still fit (None when they are stale)."""
    if previous is None:
        return {}, None
    fits = not fresh and same_site(previous.extras_site, site)
    return previous.extras, (site if fits else None)


def with_extras(snapshot: Snapshot, extra_files: Mapping[str, bytes]) -> tuple[Snapshot, Delta]:
    """`snapshot` with `build.site_extras(snapshot.config, snapshot.site)` swapped in."""
    top = {**snapshot.listing, **snapshot.static, **extra_files}
    files, touched = assemble(snapshot.rendered, top, (snapshot.rendered, snapshot.files, snapshot.top), set())
    done = replace(snapshot, files=MappingProxyType(files), extras=MappingProxyType(dict(extra_files)),
                   extras_site=snapshot.site, top=frozenset(top))
    return done, diff(snapshot.files, files, 0, touched)
