"""One running preview: the latest snapshot, its output folder, and what is broken right now.

`PreviewSession.update(changed)` re-reads the configuration, rebuilds incrementally and writes
only the files that differ. `changed` is the watcher's change set (None: unknown, check every
file); the changes of a rebuild that failed are carried over to the next one. A save that cannot be built never stops the preview: content errors
leave the article out (as `ordbog build --keep-going` would) and are shown in the browser;
configuration and template errors keep the last good output and are shown on every page.
"""

from __future__ import annotations

import gc
import threading
import time
import traceback
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

import jinja2

from ordbog import build, urls, workers, write
from ordbog.config import Config, load_config
from ordbog.danish.slug import slugify
from ordbog.diagnostics import BuildError, Diagnostic, error
from ordbog.preview.incremental import Delta, Snapshot, rebuild, with_extras
from ordbog.preview.output import apply_delta


@dataclass(frozen=True)
class ConfigSource:
    """The options the preview was started with; the config is re-read from them on every change."""

    content: Path | None
    out: Path | None
    config_path: Path | None

    def load(self) -> tuple[Config | None, list[Diagnostic]]:
        return load_config(self.content, self.out, self.config_path)


@dataclass(frozen=True)
class Update:
    """What one rebuild did, for the console and the benchmark."""

    version: int
    delta: Delta
    seconds: float
    problems: tuple[Diagnostic, ...]
    reload: bool = True  # False for the search index catching up: open pages need not reload


def template_diagnostic(exc: Exception) -> Diagnostic:
    """A template error as a diagnostic: the template file and line when Jinja knows them."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return error(exc.filename or exc.name or "templates", exc.lineno or 1, "TPL001",
                     f"skabelonen har en syntaksfejl: {exc.message}", "ret skabelonen i templates/")
    if isinstance(exc, jinja2.TemplateNotFound):
        return error("templates", 1, "TPL002", f"skabelonen '{exc.name}' findes ikke",
                     "tjek navnet i {% extends %} eller {% include %}")
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith((".html", ".xml", ".txt"))]
    where = frames[-1] if frames else None
    return error(where.filename if where else "templates", (where.lineno or 1) if where else 1, "TPL003",
                 f"skabelonen fejlede: {exc}", "ret skabelonen i templates/")


def internal_diagnostic(exc: Exception) -> Diagnostic:
    """An unexpected failure of a build stage: shown, never swallowed; the last good output stays."""
    last = traceback.extract_tb(exc.__traceback__)[-1:] or [None]
    where = last[0]
    return error(where.filename if where else "ordbog", (where.lineno or 1) if where else 1, "PRV001",
                 f"intern fejl under genopbygningen: {type(exc).__name__}: {exc}",
                 "det seneste output vises stadig; rapportér gerne fejlen")


def keep_out_of_gc() -> None:
    """Move everything alive now out of the cyclic garbage collector's reach.

    The site (articles, tokens, files: ~4 million objects at 10,000 articles) lives as long as
    the preview; a full collection walks all of it (~3 s) and strikes in the middle of a rebuild.
    A rebuild leaves a few dozen objects in reference cycles, so frozen leftovers cost nothing.
    """
    gc.freeze()


class PreviewSession:
    """The preview's state; `update` is called from one thread at a time (the watcher's)."""

    def __init__(self, options: ConfigSource, config: Config):
        self.options = options
        self.config = config
        self.snapshot: Snapshot | None = None
        self.problems: tuple[Diagnostic, ...] = ()  # config/template/internal errors (global)
        self.version = 0
        self._lock = threading.Lock()  # the state (snapshot, problems, version)
        self._writing = threading.Lock()  # the output folder; taken after `_lock`, never before it
        self._unapplied: set[Path] | None = set()  # changes since the last rebuild that succeeded

    @property
    def out(self) -> Path:
        return self.config.output_dir

    def start(self, force: bool = False) -> Update:
        """The first build, written with the regular (checked, atomic) writer."""
        began = time.perf_counter()
        with workers.gc_paused():
            self.snapshot, delta = rebuild(self.config, None)
        keep_out_of_gc()
        write.write_site(self.snapshot.files, self.out, self.config.content_dir, force=force)
        self.version = 1
        return Update(self.version, delta, time.perf_counter() - began, self.errors())

    def update(self, changed: Collection[Path] | None = None) -> Update | None:
        """Rebuild after `changed`; None when neither the output nor the problems changed."""
        with self._lock:
            began = time.perf_counter()
            before = self.errors()
            delta = self._rebuild(changed)
            after = self.errors()
            if not delta and before == after:
                return None
            self.version += 1
            return Update(self.version, delta, time.perf_counter() - began, after)

    def extras_pending(self) -> bool:
        return self.snapshot is not None and self.snapshot.extras_pending and not self.problems

    @property
    def writing(self) -> bool:
        """Whether files are being written to the output folder right now."""
        return self._writing.locked()

    def complete_extras(self) -> Update | None:
        """Bring the search index (the build's site-wide extras) up to date with the pages.

        Runs without the lock (it is the slow part); the result is dropped when the site changed
        meanwhile, and the caller tries again for the newer site.
        """
        began = time.perf_counter()
        snapshot = self.snapshot
        if snapshot is None or not snapshot.extras_pending:
            return None
        try:
            extra_files = build.site_extras(snapshot.config, snapshot.site)
        except Exception as exc:  # noqa: BLE001 - reported; the pages stay served
            with self._lock:
                self.problems = (internal_diagnostic(exc),)
            return None
        with self._lock:
            if self.snapshot is not snapshot:
                return None
            self.snapshot, delta = with_extras(snapshot, extra_files)
            keep_out_of_gc()
            self.version += 1
            update = Update(self.version, delta, time.perf_counter() - began, self.errors(), reload=False)
            self._writing.acquire()  # before the next rebuild can: its files go out after these
        try:  # hundreds of index files: a save meanwhile is rebuilt, then waits only to write
            apply_delta(self.out, delta)
        finally:
            self._writing.release()
        return update

    def _rebuild(self, changed: Collection[Path] | None) -> Delta:
        if changed is None or self._unapplied is None:
            self._unapplied = None
        else:
            self._unapplied |= {Path(p) for p in changed}
        changed = None if self._unapplied is None else frozenset(self._unapplied)
        config, diags = self.options.load()
        if config is None:
            self.problems = tuple(diags)
            return Delta()
        if config.output_dir != self.out:  # never move the served folder under a running preview
            config = Config(config.content_dir, self.out, config.site_root, config.config_path, config.file)
        try:
            snapshot, delta = rebuild(config, self.snapshot, changed, extras=False)
        except jinja2.TemplateError as exc:
            self.problems = (template_diagnostic(exc),)
            return Delta()
        except BuildError as exc:
            self.problems = exc.diagnostics
            return Delta()
        except Exception as exc:  # noqa: BLE001 - a bug in any stage must not take the preview down
            self.problems = (internal_diagnostic(exc),)
            return Delta()
        with self._writing:
            apply_delta(self.out, delta)
        self.config, self.snapshot, self.problems = config, snapshot, ()
        self._unapplied = set()
        keep_out_of_gc()
        return delta

    def errors(self) -> tuple[Diagnostic, ...]:
        """Every error the editor should see now: global problems first, then content errors."""
        content = tuple(d for d in self.snapshot.diagnostics if d.is_error) if self.snapshot else ()
        return self.problems + content

    def errors_for_page(self, rel_path: str) -> tuple[Diagnostic, ...]:
        """Content errors of the article whose page would be at `rel_path` (it is left out of the site)."""
        if self.snapshot is None:
            return ()
        found = []
        for d in self.snapshot.diagnostics:
            if d.is_error and d.path.lower().endswith(".md"):
                page = urls.output_path(self.config, urls.article_url(self.config, slugify(Path(d.path).stem)))
                if page == rel_path:
                    found.append(d)
        return tuple(found)
