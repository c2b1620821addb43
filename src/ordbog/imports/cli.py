"""`ordbog import FILE.csv`: registered on the main app by `register(app)`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

_VERB = {"created": "oprettet", "skipped": "sprunget over", "failed": "fejlede"}
_DRY = {"created": "ville blive oprettet", "skipped": "ville blive sprunget over", "failed": "fejlede"}


def import_csv(
    file: Annotated[Path, typer.Argument(help="Regneark gemt som CSV (kolonnerne H1, Content, Meta title).")],
    content: Annotated[Optional[Path], typer.Option("--content", "-c", help="Mappe, artiklerne skrives i. Standard: ./content, ellers den aktuelle mappe.")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", "-n", help="Vis, hvad der ville ske, uden at skrive noget.")] = False,
    today: Annotated[Optional[str], typer.Option("--today", metavar="ÅÅÅÅ-MM-DD", help="Dato for lastUpdated/datePublished (ÅÅÅÅ-MM-DD). Standard: $SOURCE_DATE_EPOCH, ellers i dag.")] = None,
) -> None:
    """Opret artikler ud fra et regneark (CSV). Eksisterende filer overskrives aldrig."""
    from ordbog.check.clock import TodayError, resolve_today
    from ordbog.imports.csv_articles import TableError, plan, read_rows, write_planned

    folder = content or (Path.cwd() / "content" if (Path.cwd() / "content").is_dir() else Path.cwd())
    try:
        day = resolve_today(today)
        if not folder.is_dir():
            raise TableError(f"mappen {folder} findes ikke", "opret mappen eller angiv --content")
        rows = read_rows(file.read_bytes())
    except TodayError as exc:
        print(f"error CLI004: {exc}\n    tip: fx --today 2025-03-01", file=sys.stderr)
        raise typer.Exit(2) from None
    except OSError as exc:
        print(f"{file}:1:1: error IMP001: filen kan ikke læses: {exc.strerror}\n    tip: tjek stien", file=sys.stderr)
        raise typer.Exit(2) from None
    except TableError as exc:
        print(f"{file}:1:1: error IMP001: {exc}\n    tip: {exc.hint}", file=sys.stderr)
        raise typer.Exit(2) from None
    outcomes = plan(rows, folder, Path.exists, day)
    if not dry_run:
        outcomes = write_planned(outcomes)
    words = _DRY if dry_run else _VERB
    for o in outcomes:
        where = f" {o.path}" if o.path else ""
        reason = f" ({o.reason})" if o.reason else ""
        print(f"{file}:{o.row}: {words[o.status]}{where}{reason}")
    counts = {s: sum(o.status == s for o in outcomes) for s in _VERB}
    print(f"{len(outcomes)} rækker: " + ", ".join(f"{counts[s]} {words[s]}" for s in _VERB) + ("" if not dry_run else " (intet skrevet)"))
    raise typer.Exit(1 if counts["failed"] else 0)


def register(app: typer.Typer) -> None:
    app.command("import")(import_csv)
