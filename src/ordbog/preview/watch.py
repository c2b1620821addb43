"""Watch the content folder, ordbog.toml and the site's templates/ and static/ with watchfiles.

Changes arrive in batches (watchfiles groups events until `step_ms` pass without a new one); each
batch triggers one incremental rebuild in a worker thread, given the batch's paths as its change
set, and a rebuild that changed something is announced to the browser tabs. Whenever changes may
have been missed (watchers starting or restarting) the rebuild is told None: check everything. The set of watched folders is recomputed after every rebuild,
so a templates/ folder created while the preview runs is watched from then on.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import anyio
from watchfiles import Change, DefaultFilter, awatch

from ordbog import load
from ordbog.config import CONFIG_NAME, Config
from ordbog.preview.session import PreviewSession, Update

SITE_NAMES = {CONFIG_NAME, "templates", "static"}
EXTRAS_QUIET = 0.3  # seconds without a rebuild before the search index is brought up to date


def watch_targets(config: Config) -> tuple[tuple[Path, ...], tuple[Path, ...]]:
    """(folders watched recursively, folders watched for ordbog.toml/templates/static only)."""
    deep = [config.content_dir, config.templates_dir, config.site_root / "static"]
    shallow = [config.site_root, config.content_dir.parent, Path.cwd().resolve()]
    if config.config_path is not None:
        shallow.append(config.config_path.parent)
    unique = lambda paths: tuple(dict.fromkeys(p for p in paths if p.is_dir()))
    return unique(deep), unique(shallow)


class PreviewFilter(DefaultFilter):
    """watchfiles' default ignores (.git, swap files, …) plus the output folder itself.

    A file `load.discover` takes for an article is never ignored (a full build would read it too).
    """

    def __init__(self, out: Path, names: set[str] | None = None):
        super().__init__()
        self.out = out
        self.names = names

    def __call__(self, change: Change, path: str) -> bool:
        p = Path(path)
        if p == self.out or self.out in p.parents:
            return False
        if self.names is not None and p.name not in self.names:
            return False
        return load.article_name(p.name) or super().__call__(change, path)


async def _pump(paths: tuple[Path, ...], recursive: bool, watch_filter: DefaultFilter, step_ms: int,
                queue: asyncio.Queue[set[Path] | None], stop: anyio.Event) -> None:
    if not paths:
        return
    pause = 0.5
    while not stop.is_set():
        try:
            async for changes in awatch(*paths, watch_filter=watch_filter, recursive=recursive, step=step_ms,
                                        stop_event=stop, rust_timeout=1000):
                queue.put_nowait({Path(p) for _, p in changes})
                pause = 0.5
        except (OSError, RuntimeError):  # the watcher failed (e.g. a watched folder vanished): start anew
            await asyncio.sleep(pause)
            pause = min(pause * 2, 8.0)
            queue.put_nowait(None)  # what happened meanwhile is unknown: check every file


async def watch_and_rebuild(session: PreviewSession, announce: Callable[[Update], None],
                            step_ms: int = 30, stopped: anyio.Event | None = None,
                            extras_quiet: float = EXTRAS_QUIET) -> None:
    """Rebuild on every batch of changes until `stopped` is set (or the task is cancelled)."""
    stopped = stopped or anyio.Event()
    queue: asyncio.Queue[set[Path] | None] = asyncio.Queue()
    catching_up: asyncio.Task[None] | None = None
    while not stopped.is_set():
        deep, shallow = targets = watch_targets(session.config)
        out = session.out
        stop = anyio.Event()
        tasks = [
            asyncio.create_task(_pump(deep, True, PreviewFilter(out), step_ms, queue, stop)),
            asyncio.create_task(_pump(shallow, False, PreviewFilter(out, SITE_NAMES), step_ms, queue, stop)),
        ]
        queue.put_nowait(None)  # catch changes made before the watchers were ready: check every file
        try:
            while watch_targets(session.config) == targets and not stopped.is_set():
                batch = await _next_batch(queue, stopped)
                if batch is STOPPED:
                    break
                changed = None if batch is None else frozenset(batch)
                update = await anyio.to_thread.run_sync(session.update, changed)
                if update is not None:
                    announce(update)
                if session.extras_pending() and (catching_up is None or catching_up.done()):
                    catching_up = asyncio.create_task(catch_up(session, announce, extras_quiet))
        finally:
            if catching_up is not None:
                catching_up.cancel()
            stop.set()
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)


async def catch_up(session: PreviewSession, announce: Callable[[Update], None], quiet: float = EXTRAS_QUIET) -> None:
    """Update the search index once edits pause (it is whole-site and slow; pages go first)."""
    while session.extras_pending():
        version = session.version
        await asyncio.sleep(quiet)
        if session.version != version:
            continue  # still editing
        update = await anyio.to_thread.run_sync(session.complete_extras)
        if update is not None:
            announce(update)


STOPPED = object()


async def _next_batch(queue: asyncio.Queue[set[Path] | None], stopped: anyio.Event) -> set[Path] | None | object:
    """The next batch of changed paths merged with any batches already waiting (None: unknown,
    check every file); `STOPPED` when stopped."""
    while not stopped.is_set():
        try:
            changed = await asyncio.wait_for(queue.get(), timeout=0.5)
        except TimeoutError:
            continue
        while not queue.empty():
            more = queue.get_nowait()
            changed = None if changed is None or more is None else changed | more
        return changed
    return STOPPED
