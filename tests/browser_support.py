"""Browser-test support: build a site, serve it on 127.0.0.1, drive Debian's Chromium with Playwright.

Registered as a pytest plugin by tests/conftest.py, so every test module can use:

- `built_site(content=None)` → output folder: builds `content` (a folder of articles; None means
  the embedded example site) with `load_config` + `build_and_write` into a fresh folder under tmp_path.
- `served_site(content=None)` → base URL (`http://127.0.0.1:<port>`, no trailing slash) of that
  build, served by a threaded http.server on a free port until the test ends.
- `session_site(name, content)` → (output folder, base URL), built and served once per session.
- `example_site` → (output folder, base URL) of the embedded example site.
- `browser` → one Chromium per session (`executable_path=/usr/bin/chromium`); skips with a
  reason when Chromium or Playwright is missing.
- `new_page(**context_options)` → a page in a fresh browser context (e.g. `viewport=...`,
  `java_script_enabled=False`); contexts are closed when the test ends.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import importlib.util
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from ordbog.build import build_and_write
from ordbog.config import load_config

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
EXAMPLE_CONTENT = Path(__file__).resolve().parents[1] / "src" / "ordbog" / "example"


def build_site(content: Path | None, out: Path, config_path: Path | None = None) -> Path:
    """Build `content` (None: the embedded example) into `out`; fail the test on content errors."""
    cfg, diags = load_config(content or EXAMPLE_CONTENT, out, config_path)
    assert cfg is not None, [str(d) for d in diags]
    result = build_and_write(cfg)
    assert not result.errors, [str(d) for d in result.errors]
    return out


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Static files like a real host: no listings, 404.html (status 404) for misses, no log noise."""

    def list_directory(self, path):  # http.server's signature
        self.send_error(404)

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        return None

    def log_message(self, format, *args):
        pass


@contextlib.contextmanager
def serve_folder(root: Path) -> Iterator[str]:
    """Serve `root` on 127.0.0.1 at a free port (port 0) in a background thread; yield the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name=f"serve {root}", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def built_site(tmp_path: Path) -> Callable[..., Path]:
    counter = iter(range(1_000_000))

    def _build(content: Path | None = None, config_path: Path | None = None) -> Path:
        return build_site(content, tmp_path / f"_site{next(counter)}", config_path)

    return _build


@pytest.fixture
def served_site(built_site: Callable[..., Path]) -> Iterator[Callable[..., str]]:
    with contextlib.ExitStack() as stack:

        def _serve(content: Path | None = None, config_path: Path | None = None) -> str:
            return stack.enter_context(serve_folder(built_site(content, config_path)))

        yield _serve


ContentSource = Path | Callable[[Path], Path] | None


@pytest.fixture(scope="session")
def session_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., tuple[Path, str]]]:
    """session_site(name, content) → (output folder, base URL), built and served once per session.

    `content` is a content folder, None for the embedded example, or a function that writes a
    content folder into the path it is given and returns it (see tests/fixture_sites.py).
    """
    sites: dict[str, tuple[Path, str]] = {}
    with contextlib.ExitStack() as stack:

        def _site(name: str, content: ContentSource = None) -> tuple[Path, str]:
            if name not in sites:
                base = tmp_path_factory.mktemp(name)
                folder = content(base / "content") if callable(content) else content
                out = build_site(folder, base / "_site")
                sites[name] = (out, stack.enter_context(serve_folder(out)))
            return sites[name]

        yield _site


@pytest.fixture(scope="session")
def example_site(session_site: Callable[..., tuple[Path, str]]) -> tuple[Path, str]:
    """The embedded example site (src/ordbog/example/): (output folder, base URL)."""
    return session_site("example", None)


def chromium_skip_reason() -> str | None:
    if importlib.util.find_spec("playwright") is None:
        return "playwright is not installed (pip install -e '.[test]')"
    if not CHROMIUM.is_file():
        return f"{CHROMIUM} not found: install Debian's chromium (make browser-deps) to run browser tests"
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    reason = chromium_skip_reason()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def new_page(browser: Any) -> Iterator[Callable[..., Any]]:
    contexts: list[Any] = []

    def _page(**context_options: Any) -> Any:
        context = browser.new_context(**context_options)
        contexts.append(context)
        return context.new_page()

    yield _page
    for context in contexts:
        context.close()
