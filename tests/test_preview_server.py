"""`ordbog serve`: a real server on 127.0.0.1 (free port) with the watcher running.

Every network request in this file goes to 127.0.0.1 only, and every loop is bounded.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import os
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from conftest import article
from typer.testing import CliRunner

from ordbog.cli import app as cli_app
from ordbog.preview.session import ConfigSource, PreviewSession
from ordbog.serve import PreviewServer, bind, make_app

KNAE = article("Knæsmerter", """
    Knæsmerter er ondt i knæet. Det kan skyldes overbelastning, og det går ofte over med hvile.

    ## Hvad kan man selv gøre?

    Hold pauser, og træn musklerne omkring knæet roligt op igen.
    """, metaTitle='"Knæsmerter – årsager og råd"', lastUpdated='"12/03/2024"')
RYG = article("Rygsmerter", """
    Rygsmerter er meget almindelige og går som regel over af sig selv.

    ## Hvornår skal man søge hjælp?

    Hvis smerterne stråler ud i benet, eller hvis de ikke bliver bedre.
    """, metaTitle='"Rygsmerter – hvad gør man?"', lastUpdated='"01/02/2024"')
WAIT = 10.0  # seconds: the longest any test waits for the watcher


@contextlib.contextmanager
def running_preview(content: Path, out: Path) -> Iterator[tuple[str, PreviewSession]]:
    """Build `content`, serve it with the watcher on a free port; yield (base URL, session)."""
    options = ConfigSource(content, out, None)
    config, diags = options.load()
    assert config is not None, diags
    session = PreviewSession(options, config)
    session.start()
    sock = bind("127.0.0.1", 0)
    server = PreviewServer(make_app(session, lambda d: None, step_ms=20))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + WAIT
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}", session
    finally:
        server.should_exit = True
        thread.join(WAIT)
        sock.close()


@pytest.fixture
def preview(write_site: Callable[..., Path], tmp_path: Path) -> Iterator[tuple[str, PreviewSession, Path]]:
    content = write_site({"knaesmerter.md": KNAE, "rygsmerter.md": RYG},
                         toml='[site]\nname = "Prøveordbogen"\nbase_url = "https://www.eksempel.dk"\n')
    with running_preview(content, tmp_path / "_site") as (base, session):
        yield base, session, content


def raw_get(base: str, path: str) -> int:
    """Status of a GET sent byte for byte (no client-side path normalisation)."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=WAIT) as conn:
        conn.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode("latin-1"))
        head = conn.recv(64).decode("latin-1")
    return int(head.split(" ")[1])


def wait_for(check: Callable[[], bool]) -> bool:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return False


def test_pages_get_the_reload_script_but_the_files_on_disk_do_not(preview, tmp_path: Path) -> None:
    base, _, _ = preview
    page = httpx.get(f"{base}/ordbog/knaesmerter/")
    assert page.status_code == 200
    assert "<h1>Knæsmerter</h1>" in page.text and page.text.count("new EventSource(\"/__ordbog/events\")") == 1
    assert page.text.rstrip().endswith("</html>") and page.headers["cache-control"] == "no-store"
    assert b"__ordbog" not in (tmp_path / "_site" / "ordbog" / "knaesmerter" / "index.html").read_bytes()
    assert "__ordbog" not in httpx.get(f"{base}/api/ordbog/knaesmerter.json").text


def test_misses_get_404_html_and_folders_redirect_to_their_slash(preview) -> None:
    base, _, _ = preview
    miss = httpx.get(f"{base}/ordbog/findes-ikke/")
    assert miss.status_code == 404 and "Siden blev ikke fundet" in miss.text
    moved = httpx.get(f"{base}/ordbog/knaesmerter?x=1")
    assert moved.status_code == 301 and moved.headers["location"] == "/ordbog/knaesmerter/?x=1"
    assert httpx.head(f"{base}/ordbog/").status_code == 200


@pytest.mark.parametrize("path", [
    "/../../../../etc/passwd", "/ordbog/../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd",
    "/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd", "/ordbog%2fknaesmerter/index.html", "/..%5c..%5cetc/passwd",
    "/ordbog/%00index.html", "/.ordbog-output", "/udenfor/hemmelig.txt", "/udenfor-fil",
])
def test_nothing_outside_the_output_folder_is_served(preview, tmp_path: Path, path: str) -> None:
    base, _, _ = preview
    secret = tmp_path / "hemmelig"
    secret.mkdir(exist_ok=True)
    (secret / "hemmelig.txt").write_text("hemmeligt", encoding="utf-8")
    out = tmp_path / "_site"
    with contextlib.suppress(FileExistsError):
        os.symlink(secret, out / "udenfor")
        os.symlink(secret / "hemmelig.txt", out / "udenfor-fil")
    assert raw_get(base, path) == 404


def test_a_save_reaches_open_tabs_as_a_reload_event(preview) -> None:
    base, _, content = preview
    with httpx.Client(timeout=WAIT) as client, client.stream("GET", f"{base}/__ordbog/events") as events:
        assert events.headers["content-type"].startswith("text/event-stream")
        lines = events.iter_lines()
        assert wait_line(lines, "event: version")
        path = content / "knaesmerter.md"
        path.write_text(path.read_text(encoding="utf-8").replace("ondt i knæet", "ømhed i knæet"), encoding="utf-8")
        assert wait_line(lines, "event: reload")
    assert "ømhed i knæet" in httpx.get(f"{base}/ordbog/knaesmerter/").text


def wait_line(lines: Iterator[str], wanted: str) -> bool:
    for _, line in zip(range(50), lines):
        if line == wanted:
            return True
    return False


def test_a_broken_save_shows_file_line_and_message_and_fixing_it_restores_the_page(preview) -> None:
    base, _, content = preview
    path = content / "knaesmerter.md"
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace('title: "Knæsmerter"', 'title: ["Knæsmerter"'), encoding="utf-8")
    assert wait_for(lambda: httpx.get(f"{base}/ordbog/knaesmerter/").status_code == 500)
    page = httpx.get(f"{base}/ordbog/knaesmerter/").text
    assert re.search(r"knaesmerter.md, linje [23]<", page) and "FM001" in page and "ikke gyldig YAML" in page
    assert 'title: [&quot;Knæsmerter&quot;' in page  # the offending lines are quoted
    assert page.count("new EventSource") == 1  # so fixing the file reloads it
    other = httpx.get(f"{base}/ordbog/rygsmerter/")
    assert other.status_code == 200 and "1 fejl i sitet" in other.text
    path.write_text(good, encoding="utf-8")
    assert wait_for(lambda: httpx.get(f"{base}/ordbog/knaesmerter/").status_code == 200)
    assert "fejl i sitet" not in httpx.get(f"{base}/ordbog/rygsmerter/").text


def test_an_impossible_date_is_an_error_page_for_that_article_only(preview) -> None:
    base, _, content = preview
    path = content / "rygsmerter.md"
    path.write_text(path.read_text(encoding="utf-8").replace("01/02/2024", "31/02/2024"), encoding="utf-8")
    assert wait_for(lambda: httpx.get(f"{base}/ordbog/rygsmerter/").status_code == 500)
    assert "rygsmerter.md, linje" in httpx.get(f"{base}/ordbog/rygsmerter/").text
    assert httpx.get(f"{base}/ordbog/knaesmerter/").status_code == 200


def test_a_broken_template_keeps_the_last_output_and_says_where(preview, tmp_path: Path) -> None:
    base, _, _ = preview
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "article.html").write_text('{% extends "base.html" %}\n{% block main %}\n{% if %}\n', encoding="utf-8")
    assert wait_for(lambda: "fejl i sitet" in httpx.get(f"{base}/ordbog/knaesmerter/").text)
    page = httpx.get(f"{base}/ordbog/knaesmerter/")
    assert page.status_code == 200 and "<h1>Knæsmerter</h1>" in page.text
    assert "article.html:3" in page.text and "TPL001" in page.text
    (templates / "article.html").write_text('{% extends "base.html" %}\n{% block main %}<h1 class="egen">'
                                            "{{ article.title }}</h1>{% endblock %}\n", encoding="utf-8")
    assert wait_for(lambda: 'class="egen"' in httpx.get(f"{base}/ordbog/knaesmerter/").text)


def test_renaming_an_article_moves_its_page(preview, tmp_path: Path) -> None:
    base, _, content = preview
    (content / "knaesmerter.md").rename(content / "ondt-i-knaeet.md")
    assert wait_for(lambda: httpx.get(f"{base}/ordbog/ondt-i-knaeet/").status_code == 200)
    assert httpx.get(f"{base}/ordbog/knaesmerter/").status_code == 404
    assert not (tmp_path / "_site" / "ordbog" / "knaesmerter").exists()


def test_folders_created_renamed_and_removed_under_the_watcher_update_the_site(preview, tmp_path: Path) -> None:
    """The watcher names only the folder when one is created or renamed: the preview walks again."""
    base, _, content = preview
    folder = content / "emner"
    folder.mkdir()
    (folder / "hold-i-nakken.md").write_text(KNAE.replace("Knæsmerter", "Hold i nakken"), encoding="utf-8")
    assert wait_for(lambda: httpx.get(f"{base}/ordbog/hold-i-nakken/").status_code == 200)
    folder.rename(content / "_kladder")  # a folder `ordbog build` skips
    assert wait_for(lambda: httpx.get(f"{base}/ordbog/hold-i-nakken/").status_code == 404)
    (content / "_kladder").rename(folder)
    assert wait_for(lambda: httpx.get(f"{base}/ordbog/hold-i-nakken/").status_code == 200)
    (folder / "hold-i-nakken.md").unlink()
    folder.rmdir()
    assert wait_for(lambda: httpx.get(f"{base}/ordbog/hold-i-nakken/").status_code == 404)
    assert not (tmp_path / "_site" / "ordbog" / "hold-i-nakken").exists()


def test_the_server_survives_aborted_connections_and_many_concurrent_clients(preview) -> None:
    base, _, _ = preview
    host, port = base.removeprefix("http://").split(":")
    for n in range(30):  # half-sent requests, requests abandoned before the answer, idle sockets
        with socket.create_connection((host, int(port)), timeout=WAIT) as conn:
            conn.sendall([b"GET /ordbog/kn", b"GET /ordbog/knaesmerter/ HTTP/1.1\r\nHost: x\r\n\r\n", b""][n % 3])
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    streams = [httpx.Client(timeout=WAIT) for _ in range(20)]
    opened = [c.stream("GET", f"{base}/__ordbog/events").__enter__() for c in streams]
    for response in opened[::2]:  # tabs that close while subscribed
        response.close()

    def fetch(i: int) -> int:
        return httpx.get(f"{base}/ordbog/{['knaesmerter', 'rygsmerter', 'x'][i % 3]}/", timeout=WAIT).status_code

    with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
        codes = list(pool.map(fetch, range(150)))
    assert codes.count(200) == 100 and codes.count(404) == 50
    for response, client in zip(opened, streams):
        response.close()
        client.close()
    assert httpx.get(f"{base}/").status_code == 200


def test_serve_reports_a_taken_port_as_a_usage_error(write_site: Callable[..., Path], tmp_path: Path) -> None:
    content = write_site({"knaesmerter.md": KNAE})
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = CliRunner().invoke(cli_app, ["serve", "--content", str(content), "--out", str(tmp_path / "ud"),
                                              "--port", str(port)])
    assert result.exit_code == 2
    assert "SRV001" in result.output and "--port" in result.output


def test_serve_help_names_the_preview_options() -> None:
    result = CliRunner().invoke(cli_app, ["serve", "--help"])
    assert result.exit_code == 0
    for option in ("--open", "--host", "--port", "--content", "--out"):
        assert option in result.output


@pytest.mark.browser
def test_an_open_tab_reloads_by_itself_after_a_save_and_after_a_fix(preview, new_page) -> None:
    base, _, content = preview
    page = new_page()
    page.goto(f"{base}/ordbog/knaesmerter/")
    page.wait_for_function("document.querySelector('h1').textContent === 'Knæsmerter'")
    path = content / "knaesmerter.md"
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace('title: "Knæsmerter"', 'title: "Ondt i knæet"'), encoding="utf-8")
    page.wait_for_function("document.querySelector('h1') && document.querySelector('h1').textContent === 'Ondt i knæet'",
                           timeout=WAIT * 1000)
    path.write_text(good.replace('title: "Knæsmerter"', 'title: "Knæ'), encoding="utf-8")
    page.wait_for_function("document.title === 'Artiklen kan ikke vises'", timeout=WAIT * 1000)
    assert "knaesmerter.md" in page.inner_text("body")
    path.write_text(good, encoding="utf-8")
    page.wait_for_function("document.querySelector('h1').textContent === 'Knæsmerter'", timeout=WAIT * 1000)


def test_the_search_api_answers_json_with_cors_and_bounded_input(preview) -> None:
    base, _, content = preview
    found = httpx.get(f"{base}/api/search", params={"q": "knæ", "limit": "5"}, timeout=WAIT * 6)
    assert found.status_code == 200 and found.headers["access-control-allow-origin"] == "*"
    assert found.json()[0]["slug"] == "knaesmerter"
    assert httpx.get(f"{base}/api/search", params={"q": "x" * 501}).status_code == 400
    assert httpx.get(f"{base}/api/search", params={"q": "ryg", "limit": "100000"}, timeout=WAIT).status_code == 200
    assert httpx.get(f"{base}/api/search", params={"q": "ryg", "limit": "nej"}, timeout=WAIT).status_code == 200
    assert httpx.options(f"{base}/api/search").status_code == 204
    path = content / "rygsmerter.md"
    path.write_text(path.read_text(encoding="utf-8").replace('title: "Rygsmerter"', 'title: "Lændesmerter"'),
                    encoding="utf-8")
    assert wait_for(lambda: any(hit["title"] == "Lændesmerter" for hit in httpx.get(
        f"{base}/api/search", params={"q": "lændesmerter"}, timeout=WAIT * 6).json()))


def test_serve_with_a_broken_template_says_where_and_exits_1(write_site: Callable[..., Path], tmp_path: Path) -> None:
    content = write_site({"knaesmerter.md": KNAE}, toml='[site]\nname = "Prøveordbogen"\n')
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "article.html").write_text('{% extends "base.html" %}\n{% block main %}{% if %}\n',
                                                          encoding="utf-8")
    result = CliRunner().invoke(cli_app, ["serve", "--content", str(content), "--out", str(tmp_path / "ud"),
                                          "--port", "0"])
    assert result.exit_code == 1
    assert "article.html:2:1: error TPL001" in result.output
