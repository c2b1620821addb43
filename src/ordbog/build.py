"""The pipeline, top to bottom: load → analyse → link → render → write.

This module only calls the stages in order; each stage lives in its own module.
"""

from __future__ import annotations

import queue
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

# link and render are imported where first used: for a small site that is after the search index's
# process has its job, so their imports (Jinja2, Babel, the link index's …) overlap its work
from ordbog import analyse, cache, interrupt, load, standby, workers, write
from ordbog.config import Config
from ordbog.diagnostics import BuildError, Diagnostic
from ordbog.model import Article, Site, Source

Progress = Callable[[str, int, int], None]  # (stage, done, total)
Sink = Callable[[Mapping[str, bytes]], None]  # takes output files as they are made (`write.Staged.put`)


@dataclass(frozen=True)
class BuildResult:
    site: Site
    files: dict[str, bytes]
    diagnostics: tuple[Diagnostic, ...]

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.is_error)


def analyse_all(sources: list[Source], config: Config | None = None) -> tuple[list[Article], list[Diagnostic]]:
    """Analyse every source (with a config: cached by content digest and parallel, see workers.py)."""
    articles, diags = [], []
    for article, found in workers.analyse_sources(sources, config):
        diags += found
        if article is not None:
            articles.append(article)
    return articles, diags


def make_site(config: Config) -> tuple[Site, list[Diagnostic]]:
    """Load, analyse and link: everything up to rendering."""
    sources, diags = load.load_sources(config.content_dir)
    articles, found = analyse_all(sources, config)
    return site_from_articles(config, articles, diags + found)


def site_from_articles(config: Config, articles: list[Article], diags: list[Diagnostic],
                       link_site: Callable[[Config, Site], tuple[Site, list[Diagnostic]]] | None = None,
                       ) -> tuple[Site, list[Diagnostic]]:
    """The whole-site steps after analysis: check `related`, sort, link (`link.link_site`).

    The live preview calls this too, with a `link_site` that relinks only what can change.
    """
    from ordbog import link

    site, diags = unlinked_site(articles, diags)
    site, found = (link_site or link.link_site)(config, site)
    return site, diags + found


def unlinked_site(articles: list[Article], diags: list[Diagnostic]) -> tuple[Site, list[Diagnostic]]:
    """The analysed articles as a site, sorted by slug, with `related` checked: ready for linking."""
    return Site(tuple(sorted(articles, key=lambda a: a.slug))), diags + analyse.check_related(articles)


def site_extras(config: Config, site: Site) -> dict[str, bytes]:
    """Output files made from the whole site outside the render stage (e.g. a search index).

    Both `build` and the live preview add these to the rendered files, so put new ones here (and
    in `_start_extras`, which makes the same files in a process forked before the site existed).
    """
    from ordbog.search import web as search_web  # here: its imports (numpy …) load in the background process

    return search_web.site_files(config, site)


def cached_site_extras(config: Config, site: Site) -> dict[str, bytes] | None:
    """`site_extras` when they can be had without building anything (from the cache), else None."""
    from ordbog.search import web as search_web

    return search_web.cached_site_files(config, site)


def build(config: Config, keep_going: bool = False, progress: Progress | None = None,
          ready: standby.Standby | None = None, sink: Sink | None = None) -> BuildResult:
    """Build the site in memory; raise BuildError on content errors unless keep_going.

    `ready`: `search.web.standby(config)`, forked by the caller as early as it could (else the
    build forks one after loading when it is worth it); the build uses or cancels it.
    `sink`: given files of the result while the build still runs, when this thread would otherwise
    wait for the render workers (a large site): the writer stages them meanwhile."""
    with workers.gc_paused(), cache.origins_recorded():  # origins: cheap page-cache keys (cache.py)
        return _build(config, keep_going, progress, ready, sink)


def _build(config: Config, keep_going: bool, progress: Progress | None, early: standby.Standby | None,
           sink: Sink | None) -> BuildResult:
    try:
        sources, diags = load.load_sources(config.content_dir)
    except BaseException:
        if early is not None:
            early.cancel()
        raise
    # a small site's extras (search index) are made in a forked process while this one links and
    # renders; forked before the analysis (or earlier: `early`), it gets ready meanwhile
    ready = _extras_standby(config, sources, early)
    try:
        articles, found = analyse_all(sources, config)
        site, diags = unlinked_site(articles, diags + found)
        del sources, articles  # the bodies, and (after linking) the unlinked articles: not held by the peak
        total = len(site.articles)
        failing = not keep_going and any(d.is_error for d in diags)  # linking still runs, for its warnings
        # the extras read the articles' text, which linking leaves as it is, so a small site's
        # extras start now and overlap linking as well as rendering
        cached = None if failing else cached_site_extras(config, site)
        extras = None
        if cached is None and not failing and not workers.render_pool_used(total):
            if ready is not None and total >= workers.BACKGROUND_MIN:
                _start_extras(ready, config, site)
                extras, ready = ready, None
            else:
                unlinked = site
                extras = workers.Background(lambda: site_extras(config, unlinked),
                                            worth_it=total >= workers.BACKGROUND_MIN)
    finally:
        if ready is not None:
            ready.cancel()
    try:
        from ordbog import link, render

        site, found = link.link_site(config, site)
        diags += found
        _stop_on_errors(diags, keep_going)
    except BaseException:
        if extras is not None:
            extras.cancel()
        raise
    workers.release_free_memory()
    done = 0

    def tick(n: int) -> None:
        nonlocal done
        done += n
        if progress:
            progress("render", done, total)

    if cached is not None:  # nothing to build beside the pages: no thread, no forked process
        files = render.render_site(config, site, progress=tick)
        files.update(cached)
        return BuildResult(site, files, tuple(diags))
    if extras is None:
        # large sites: pages render in short-lived forked workers (driven by a thread) and the index
        # is built here, so no process holds a copy of the site (a forked index process touches
        # every article, and ends up copying the heap the renderer touches too: +350 MiB at x10)
        _import_extras()
        made: queue.SimpleQueue[Mapping[str, bytes] | None] = queue.SimpleQueue()

        def render_all() -> dict[str, bytes]:
            try:
                return render.render_site(config, site, progress=tick, made=made.put if sink else None)
            finally:
                made.put(None)

        rendering = workers.Alongside(render_all)
        try:
            with workers.busy_here():  # one worker fewer meanwhile: the index finishes sooner, less is held
                extra_files = site_extras(config, site)
            if sink is not None:  # the index is usually done first: write while the workers render
                sink(extra_files)
                _drain(made, sink)
            files = rendering.result()
        except BaseException:  # the index failed, or Ctrl-C (here or while waiting for the pages)
            rendering.cancel()
            raise
        files.update(extra_files)
        return BuildResult(site, files, tuple(diags))
    try:
        files = render.render_site(config, site, progress=tick)
    except BaseException:
        extras.cancel()
        raise
    files.update(extras.result())
    return BuildResult(site, files, tuple(diags))


def _drain(made: queue.SimpleQueue[Mapping[str, bytes] | None], sink: Sink) -> None:
    """Pass what the render thread made to `sink` until it is done (None)."""
    while True:
        try:
            files = made.get(timeout=0.2)
        except queue.Empty:
            interrupt.raise_if_requested()
            continue
        if files is None:
            return
        sink(files)


def _extras_standby(config: Config, sources: list[Source], early: standby.Standby | None) -> standby.Standby | None:
    """A process for the extras of a site of these sources (`early`, or one forked now), or None
    (`early` cancelled) when they will not be made in one (a small site, or a large one: see
    `_build`) or will probably come from the cache."""
    from ordbog.search import web as search_web

    n = len(sources)
    if n < workers.BACKGROUND_MIN or workers.render_pool_used(n) or search_web.likely_cached(config, sources):
        if early is not None:
            early.cancel()
        return None
    return early if early is not None else search_web.standby(config)


def _start_extras(ready: standby.Standby, config: Config, site: Site) -> None:
    """Give `ready` the job of `site_extras(config, site)`, as plain data: the articles' cache keys,
    and their texts on request (made here, by the thread that waits for the files)."""
    from ordbog.search import indexcache
    from ordbog.search import web as search_web

    texts = search_web.answer_for(site)
    ready.start(search_web.files_from_sources, config, indexcache.refs_of(site.articles),
                answer=lambda numbers: list(texts(numbers)))


def _import_extras() -> None:
    """Load what the extras need before the render thread forks workers beside them: a child forked
    while this thread runs a module's first import inherits that module's import lock, held for
    ever (if the child ever imports the module, it waits for ever)."""
    from ordbog.search import web

    web.import_builder()


def _stop_on_errors(diags: list[Diagnostic], keep_going: bool) -> None:
    if not keep_going and any(d.is_error for d in diags):
        raise BuildError(diags)


def build_and_write(config: Config, keep_going: bool = False, force: bool = False,
                    progress: Progress | None = None, ready: standby.Standby | None = None) -> BuildResult:
    with write.staged(config.output_dir, config.content_dir, force=force) as stage:
        result = build(config, keep_going=keep_going, progress=progress, ready=ready, sink=stage.put)
        stage.finish(result.files)
    return result


def output_exists(out: Path) -> bool:
    return (out / write.MARKER).exists()
