"""The render half of an incremental rebuild: which articles to render again, and the output files.

Work here is proportional to what changed, not to the site: the articles that are not the very
same objects as in the previous build (`moved`) and the 'Se også' back-references that differ
(`moved_refs`) are computed once, and an article's previous files are kept without a closer look
when it is unchanged and read none of those. Only when that quick test fails are its recorded
lookups compared (`Rendered.still_valid`) or its context recomputed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from ordbog import render
from ordbog.config import Config
from ordbog.model import Article, Site
from ordbog.preview.reuse import ReadLog, Rendered, same_article

Refs = Mapping[str, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class Delta:
    """How the output folder changes: paths to (re)write with their bytes, paths to delete."""

    written: Mapping[str, bytes] = field(default_factory=dict)
    deleted: tuple[str, ...] = ()
    rendered_articles: int = 0  # how many articles' files were rendered (for the benchmark)

    def __bool__(self) -> bool:
        return bool(self.written or self.deleted)


def freeze(value: Any) -> Any:
    """A comparable, immutable copy of template context (lists, dicts, dataclasses)."""
    if isinstance(value, dict):
        return tuple((k, freeze(v)) for k, v in sorted(value.items()))
    if isinstance(value, list | tuple):
        return tuple(freeze(v) for v in value)
    return value


def moved_slugs(old: Mapping[str, Article], new: Mapping[str, Article]) -> set[str]:
    """Slugs whose article is not the very same object as before: added, removed or changed."""
    return {slug for slug, a in new.items() if old.get(slug) is not a} | (old.keys() - new.keys())


def backreferences(site: Site, by_slug: Mapping[str, Article], old: Mapping[str, Article],
                   old_refs: Refs | None, moved: set[str]) -> tuple[Refs, set[str] | None]:
    """`render.backreferences(site)` and the keys whose value differs from `old_refs` (None: unknown).

    Back-references read each article's slug, `related` and title only: when no moved article
    changed those, the previous ones still hold.
    """
    if old_refs is not None and all(
            s in old and s in by_slug and (old[s].related, old[s].title) == (by_slug[s].related, by_slug[s].title)
            for s in moved):
        return old_refs, set()
    refs = render.backreferences(site)
    if old_refs is None:
        return refs, None
    return refs, {k for k in refs.keys() | old_refs.keys() if refs.get(k) != old_refs.get(k)}


def render_changed(config: Config, site: Site, by_slug: Mapping[str, Article], backrefs: Refs,
                   old: Mapping[str, Article], previous: Mapping[str, Rendered],
                   moved: set[str], moved_refs: set[str] | None) -> tuple[dict[str, Rendered], set[str]]:
    """slug → what was rendered for every article, rendering only those whose inputs changed;
    and the slugs rendered anew (the only ones whose files can differ from the previous ones).

    An article's inputs are the article itself and what `render.article_context` looked up in
    the site (recorded by `ReadLog`): when neither changed, not even the context is recomputed.
    """
    out: dict[str, Rendered] = {}
    rendered: set[str] = set()
    for article in site.articles:
        slug = article.slug
        hit = previous.get(slug)
        if (hit is not None and hit.reads is not None and moved_refs is not None and slug not in moved
                and hit.reads[0].keys().isdisjoint(moved) and hit.reads[1].keys().isdisjoint(moved_refs)):
            out[slug] = hit  # the same article, and nothing it looked up moved
            continue
        same = hit is not None and same_article(old.get(slug), article)
        if same and hit is not None and hit.still_valid(by_slug, backrefs):
            out[slug] = hit
            continue
        site_log, refs_log = ReadLog(by_slug), ReadLog(backrefs)
        context = freeze(render.article_context(config, article, site_log, refs_log))  # type: ignore[arg-type]
        reads = None if site_log.everything or refs_log.everything else (site_log.reads, refs_log.reads)
        if same and hit is not None and hit.context == context:
            out[slug] = Rendered(context, hit.files, reads)
        else:
            files = MappingProxyType(render.article_files(config, article, by_slug, backrefs))  # type: ignore[arg-type]
            out[slug] = Rendered(context, files, reads)
            rendered.add(slug)
    return out, rendered


def listing_files(config: Config, site: Site, previous_site: Site | None,
                  previous: Mapping[str, bytes] | None) -> Mapping[str, bytes]:
    """Index, home, sitemap, API index …: reused when no article's `render.listed` facts changed."""
    if previous is not None and previous_site is not None and len(previous_site.articles) == len(site.articles) and all(
            a is b or render.listed(a) == render.listed(b) for a, b in zip(previous_site.articles, site.articles)):
        return previous
    return render.listing_files(config, site)


def assemble(rendered: Mapping[str, Rendered], top: Mapping[str, bytes],
             previous: tuple[Mapping[str, Rendered], Mapping[str, bytes], frozenset[str]] | None,
             candidates: set[str] | None = None) -> tuple[dict[str, bytes], set[str] | None]:
    """Every article's files with `top` (listing, static, extras) laid over them, as a full build does.

    `previous` is (rendered, files, top's paths) of the previous build: when `top` has the same
    paths, its files are updated for the articles whose files changed only — at most the slugs in
    `candidates` (rendered anew, added or removed), when given. Returns the files and the paths
    that may differ from the previous files (None: any may).
    """
    if previous is None or previous[2] != top.keys():
        files = {path: data for done in rendered.values() for path, data in done.files.items()}
        files.update(top)
        return files, None
    old_rendered, old_files, _ = previous
    files = dict(old_files)
    touched = set(top)
    gone = old_rendered.keys() - rendered.keys() if candidates is None else {
        s for s in candidates if s in old_rendered and s not in rendered}
    for slug in gone:
        touched.update(old_rendered[slug].files)
        for path in old_rendered[slug].files:
            files.pop(path, None)
    for slug in rendered if candidates is None else candidates & rendered.keys():
        done = rendered[slug]
        before = old_rendered.get(slug)
        if before is not None and before.files is done.files:
            continue
        if before is not None:
            touched.update(before.files)
            for path in before.files.keys() - done.files.keys():
                files.pop(path, None)
        touched.update(done.files)
        files.update(done.files)
    files.update(top)
    return files, touched


def diff(before: Mapping[str, bytes], after: Mapping[str, bytes], rendered: int,
         touched: set[str] | None = None) -> Delta:
    """Files whose bytes differ, and files that are gone (looking at `touched` paths only, if given)."""
    if touched is None:
        written = {p: data for p, data in after.items() if before.get(p) != data}
        deleted = tuple(sorted(p for p in before if p not in after))
    else:
        written = {p: after[p] for p in sorted(touched) if p in after and before.get(p) != after[p]}
        deleted = tuple(sorted(p for p in touched if p in before and p not in after))
    return Delta(written, deleted, rendered)
