"""The preview's HTTP side (Starlette): static files from the output folder, reload events, search API.

- Files are served only from inside the output folder: dot-dot segments, encoded slashes and
  backslashes, NUL bytes, dot files and symlinks that resolve outside the folder all get 404.
- HTML responses get the reload script (and an error banner while something is broken); the files
  on disk stay exactly what `ordbog build` writes.
- `GET /__ordbog/events` is a Server-Sent Events stream: `version` on connect, `reload` after
  every rebuild that changed something.
"""

from __future__ import annotations

import asyncio
import mimetypes
import os
from collections.abc import AsyncIterator
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import unquote_to_bytes

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import (
    PlainTextResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)
from starlette.routing import Route

from ordbog.preview import pages
from ordbog.preview.session import PreviewSession

MAX_EVENT_CLIENTS = 200
CLOSE = -1  # queued to a stream to end it
PING_SECONDS = 15.0
TEXT_TYPES = {".html": "text/html; charset=utf-8", ".json": "application/json; charset=utf-8",
              ".xml": "application/xml; charset=utf-8", ".txt": "text/plain; charset=utf-8",
              ".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
              ".svg": "image/svg+xml"}
NO_STORE = {"Cache-Control": "no-store"}


class Broadcaster:
    """Fan-out of 'the site changed' to every open event stream (one pending signal per client)."""

    def __init__(self) -> None:
        self.clients: set[asyncio.Queue[int]] = set()

    def subscribe(self) -> asyncio.Queue[int]:
        queue: asyncio.Queue[int] = asyncio.Queue(maxsize=1)
        self.clients.add(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[int]) -> None:
        self.clients.discard(queue)

    def publish(self, version: int) -> None:
        for queue in list(self.clients):
            if queue.full():  # a reload is already pending for this tab: one is enough
                continue
            queue.put_nowait(version)

    def close(self) -> None:
        """End every open stream (the server is stopping): browsers reconnect to the next server."""
        for queue in list(self.clients):
            if queue.full():
                queue.get_nowait()
            queue.put_nowait(CLOSE)


def safe_file(root: Path, raw_path: bytes) -> Path | None:
    """The file or folder a raw request path names inside `root`, or None if it may not be served."""
    lowered = raw_path.lower()
    if b"%2f" in lowered or b"%5c" in lowered or b"%00" in lowered or b"\\" in raw_path:
        return None
    try:
        path = unquote_to_bytes(raw_path).decode("utf-8")
    except UnicodeDecodeError:
        return None
    parts = [p for p in path.split("/") if p]
    if any(p in (".", "..") or p.startswith(".") or "\x00" in p or "\\" in p for p in parts):
        return None
    candidate = root.joinpath(*parts) if parts else root
    real = Path(os.path.realpath(candidate))
    if real != root and root not in real.parents:  # a symlink that points out of the folder
        return None
    return real


def content_type(path: Path) -> str:
    return TEXT_TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"


class PreviewApp:
    """Request handlers bound to one preview session."""

    def __init__(self, session: PreviewSession, broadcaster: Broadcaster):
        self.session = session
        self.broadcaster = broadcaster

    @property
    def root(self) -> Path:
        return Path(os.path.realpath(self.session.out))

    def respond(self, request: Request, data: bytes, path: Path, status: int = 200) -> Response:
        kind = content_type(path)
        if kind.startswith("text/html"):
            data = pages.inject(data, self.session.errors())
        body = b"" if request.method == "HEAD" else data
        headers = {**NO_STORE, "Content-Length": str(len(data))}
        return Response(body, status_code=status, media_type=kind, headers=headers)

    def not_found(self, request: Request, raw: bytes) -> Response:
        """404.html, or the error page when the address is that of an article that cannot be built."""
        rel = unquote_to_bytes(raw).decode("utf-8", "replace").strip("/")
        wanted = {f"{rel}/index.html".lstrip("/"), rel}
        broken = tuple(d for page in sorted(wanted) for d in self.session.errors_for_page(page))
        if broken:
            return self.respond(request, pages.error_page(broken), Path("fejl.html"), status=500)
        page = self.root / "404.html"
        data = page.read_bytes() if page.is_file() else b"<!doctype html><title>404</title><h1>Siden findes ikke</h1>"
        return self.respond(request, data, page, status=404)

    async def static(self, request: Request) -> Response:
        raw = request.scope.get("raw_path") or request.url.path.encode()
        raw = raw.split(b"?", 1)[0]
        root = self.root
        target = safe_file(root, raw)
        if target is None:
            return self.not_found(request, b"")
        if target.is_dir():
            if not raw.endswith(b"/"):
                query = f"?{request.url.query}" if request.url.query else ""
                return RedirectResponse(raw.decode("latin-1") + "/" + query, status_code=301)
            target = Path(os.path.realpath(target / "index.html"))
            if root not in target.parents:
                return self.not_found(request, b"")
        try:
            data = target.read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError):
            return self.not_found(request, raw)
        return self.respond(request, data, target)

    async def events(self, request: Request) -> Response:
        if len(self.broadcaster.clients) >= MAX_EVENT_CLIENTS:
            return PlainTextResponse("For mange åbne faner", status_code=503)
        queue = self.broadcaster.subscribe()

        async def stream() -> AsyncIterator[str]:
            try:
                yield f"retry: 1000\nevent: version\ndata: {self.session.version}\n\n"
                while True:
                    try:
                        version = await asyncio.wait_for(queue.get(), timeout=PING_SECONDS)
                    except TimeoutError:
                        yield ": ping\n\n"
                        continue
                    if version == CLOSE:
                        return
                    yield f"event: reload\ndata: {version}\n\n"
            finally:
                self.broadcaster.unsubscribe(queue)

        headers = {**NO_STORE, "X-Accel-Buffering": "no"}
        return StreamingResponse(stream(), media_type="text/event-stream", headers=headers)


def search_route(api: ModuleType | None, session: PreviewSession) -> list[Route]:
    """`GET /api/search?q=&limit=` when the search API module (`ordbog.search.api`) is installed."""
    if api is None:
        return []
    from ordbog.preview.search_api import search_endpoint

    return [Route("/api/search", search_endpoint(api, session), methods=["GET", "HEAD", "OPTIONS"])]


def create_app(session: PreviewSession, broadcaster: Broadcaster, lifespan: Any = None,
               search: ModuleType | None = None) -> Starlette:
    handlers = PreviewApp(session, broadcaster)
    routes = [
        Route(pages.EVENTS_PATH, handlers.events, methods=["GET"]),
        *search_route(search, session),
        Route("/{path:path}", handlers.static, methods=["GET", "HEAD"]),
    ]
    return Starlette(routes=routes, lifespan=lifespan)
