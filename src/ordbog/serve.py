"""`ordbog serve`: build once, serve the output on 127.0.0.1, rebuild what changed on every save.

The pieces live in `ordbog.preview`: `incremental` (what to rebuild), `output` (atomic per-file
writes), `session` (state and errors), `watch` (watchfiles), `server` (Starlette app), `pages`
(what is injected into HTML responses). This module wires them to uvicorn.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import socket
import sys
import threading
import webbrowser
from collections.abc import AsyncIterator, Callable, Sequence
from types import ModuleType
from typing import Any

import anyio
import uvicorn

from ordbog.diagnostics import Diagnostic
from ordbog.preview.server import Broadcaster, create_app
from ordbog.preview.session import PreviewSession, Update
from ordbog.preview.watch import EXTRAS_QUIET, watch_and_rebuild

Report = Callable[[Sequence[Diagnostic]], None]
STEP_MS = 15  # watchfiles groups events until this long passes without one (an editor's save is a burst)


def bind(host: str, port: int) -> socket.socket:
    """A listening socket (raises OSError when the port is taken), IPv6 when the host says so."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def search_api() -> ModuleType | None:
    """The search API module (`ordbog.search.api`), if this installation has it."""
    try:
        module = importlib.import_module("ordbog.search.api")
    except ImportError:
        return None
    return module if hasattr(module, "search_json") else None


def describe(update: Update) -> str:
    changed = len(update.delta.written) + len(update.delta.deleted)
    ms = update.seconds * 1000
    return (f"Opdaterede {changed} filer ({update.delta.rendered_articles} artikler genopbygget) på {ms:.0f} ms"
            + (f"; {len(update.problems)} fejl" if update.problems else ""))


def _report_crash(task: asyncio.Task[None]) -> None:
    """The watcher must never die silently: say so (the server keeps serving the last output)."""
    if not task.cancelled() and task.exception() is not None:
        exc = task.exception()
        print(f"error SRV002: filovervågningen stoppede: {type(exc).__name__}: {exc}\n"
              "    tip: genstart ordbog serve", file=sys.stderr, flush=True)


def make_app(session: PreviewSession, report: Report, watch: bool = True, step_ms: int = STEP_MS,
             on_ready: Callable[[], None] | None = None, extras_quiet: float = EXTRAS_QUIET) -> Any:
    """The Starlette app with the watcher running for the app's lifetime."""
    broadcaster = Broadcaster()

    def announce(update: Update) -> None:
        if not update.reload:
            print(f"Søgeindekset er opdateret ({update.seconds:.1f} s)", file=sys.stderr, flush=True)
            return
        broadcaster.publish(update.version)
        print(describe(update), file=sys.stderr, flush=True)
        if update.problems:
            report(update.problems)

    @contextlib.asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        stopped = anyio.Event()
        task = asyncio.create_task(watch_and_rebuild(session, announce, step_ms, stopped, extras_quiet)) if watch else None
        if task:
            task.add_done_callback(_report_crash)
        if on_ready:
            threading.Thread(target=on_ready, daemon=True).start()
        try:
            yield
        finally:
            stopped.set()
            if task:
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)

    app = create_app(session, broadcaster, lifespan=lifespan, search=search_api())
    app.state.broadcaster = broadcaster
    return app


class PreviewServer(uvicorn.Server):
    """uvicorn, ending the open event streams first when it stops (else it waits for them)."""

    def __init__(self, app: Any, **options: Any):
        super().__init__(uvicorn.Config(app, log_level="warning", lifespan="on", timeout_graceful_shutdown=2,
                                        **options))
        self.broadcaster: Broadcaster = app.state.broadcaster

    async def shutdown(self, sockets: Any = None) -> None:
        self.broadcaster.close()
        await super().shutdown(sockets)


def serve(session: PreviewSession, host: str, port: int, report: Report, open_browser: bool = False) -> int:
    """Serve until Ctrl+C; 2 when the address cannot be used."""
    try:
        sock = bind(host, port)
    except OSError as exc:
        print(f"error SRV001: kan ikke lytte på {host}:{port}: {exc.strerror}\n"
              f"    tip: vælg en anden port med --port, fx --port {port + 1}", file=sys.stderr)
        return 2
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{sock.getsockname()[1]}/"
    app = make_app(session, report, on_ready=(lambda: webbrowser.open(url)) if open_browser else None)
    print(f"Forhåndsvisning på {url} – holder øje med {session.config.content_dir} (stop med Ctrl+C)",
          file=sys.stderr, flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        PreviewServer(app).run(sockets=[sock])
    return 0
