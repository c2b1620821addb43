"""`GET /api/search?q=&limit=` in the preview: `ordbog.search.api.search_json` over the current site.

The searcher is built from the preview's own (already linked) site, lazily on the first query
after a change, and shared by all requests; while a new one is built, queries wait for it (one
build at a time). Queries longer than MAX_QUERY_PARAM characters get 400; `q` and `limit` are
then clamped by the search API itself. Responses carry `Access-Control-Allow-Origin: *`.
"""

from __future__ import annotations

import threading
from types import ModuleType
from typing import Any

import anyio
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ordbog.model import Site
from ordbog.preview.session import PreviewSession

MAX_QUERY_PARAM = 500
CORS = {"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
        "Access-Control-Allow-Headers": "*", "Cache-Control": "no-store"}


class SiteSearcher:
    """The search colleague's Searcher for the session's current site, rebuilt when the site changes."""

    def __init__(self, session: PreviewSession, api: ModuleType):
        self.session, self.api = session, api
        self._lock = threading.Lock()
        self._site: Site | None = None
        self._searcher: Any = None

    def current(self) -> Any:
        snapshot = self.session.snapshot
        assert snapshot is not None
        with self._lock:
            if self._site is not snapshot.site:
                from ordbog.search import engine, index

                config, site = snapshot.config, snapshot.site
                built = index.build_index(config, site, index.site_synonyms(config, site))
                self._searcher, self._site = engine.Searcher(built), site
            return self._searcher


def search_endpoint(api: ModuleType, session: PreviewSession) -> Any:
    searcher = SiteSearcher(session, api)

    async def search(request: Request) -> Response:
        if request.method == "OPTIONS":
            return Response(status_code=204, headers=CORS)
        q = request.query_params.get("q", "")
        if len(q) > MAX_QUERY_PARAM:
            return JSONResponse({"error": f"q må højst være {MAX_QUERY_PARAM} tegn"}, status_code=400, headers=CORS)
        limit = request.query_params.get("limit", "10")
        results = await anyio.to_thread.run_sync(lambda: api.search_json(searcher.current(), q, limit))
        return JSONResponse(results, headers=CORS)

    return search
