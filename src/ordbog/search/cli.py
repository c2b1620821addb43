"""`ordbog search` and `ordbog ask`: registered on the main app by `register(app)`.

Heavy imports (the index, the build pipeline) happen inside the commands, so `ordbog --help`
stays fast.
"""

from __future__ import annotations

import html
import json
import re
import sys
from pathlib import Path
from typing import Annotated

import typer

_MARK = re.compile(r"</?mark>")

ContentOpt = Annotated[Path | None, typer.Option("--content", "-c", help="Mappe med artikler (.md). Standard: ./content, ellers eksempelsitet.")]
ConfigOpt = Annotated[Path | None, typer.Option("--config", help="Sti til ordbog.toml.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Skriv resultatet som JSON.")]


def _searcher(content: Path | None, config: Path | None):
    from ordbog.cli import resolve_config
    from ordbog.search.api import open_searcher

    return open_searcher(resolve_config(content, None, config))


def _plain(snippet: str) -> str:
    return html.unescape(_MARK.sub("", snippet))


def _dump(data: object) -> str:
    return json.dumps(data, ensure_ascii=False)


def search(
    query: Annotated[str | None, typer.Argument(help="Det, du leder efter, fx \"krampe i foden\".")] = None,
    content: ContentOpt = None,
    config: ConfigOpt = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=0, max=50, help="Højst så mange resultater (0–50).")] = 10,
    as_json: JsonOpt = False,
    batch: Annotated[bool, typer.Option("--batch", help="Læs én søgning pr. linje fra stdin; skriv én JSON-liste pr. linje.")] = False,
) -> None:
    """Søg i artiklerne med dansk sprogforståelse (bøjninger, sammensatte ord, stavefejl, synonymer)."""
    from ordbog.search.api import search_json

    if not batch and query is None:
        typer.echo("error CLI004: angiv en søgning, fx ordbog search \"ondt i knæet\", eller brug --batch", err=True)
        raise typer.Exit(2)
    searcher = _searcher(content, config)
    if batch:
        for raw in sys.stdin.buffer:  # bytes: a line that is not UTF-8 still gets its answer line
            line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
            sys.stdout.write(_dump(search_json(searcher, line, limit)) + "\n")
            sys.stdout.flush()
        return
    results = search_json(searcher, query, limit)
    if as_json:
        print(_dump(results))
        return
    if not results:
        print("Ingen resultater. Prøv et andet ord, eller se ordbogen fra A til Å.")
        return
    for n, r in enumerate(results, 1):
        print(f"{n:2}. {r['title']}  {r['url']}")
        print(f"    {_plain(r['snippet'])}")


def ask(
    question: Annotated[str, typer.Argument(help="Et spørgsmål, fx \"hvordan kommer jeg af med hælspore?\"")],
    content: ContentOpt = None,
    config: ConfigOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Find det afsnit eller FAQ-svar, der bedst besvarer et spørgsmål."""
    from ordbog.search.api import ask_json

    found = ask_json(_searcher(content, config), question)
    if as_json:
        print(_dump(found))
        return
    if found is None:
        print("Intet svar fundet. Prøv at formulere spørgsmålet med andre ord.")
        return
    print(f"{found['title']} – {found['heading']}" if found["heading"] else found["title"])
    print(found["text"])
    print(found["url"])


def register(app: typer.Typer) -> None:
    app.command()(search)
    app.command()(ask)
