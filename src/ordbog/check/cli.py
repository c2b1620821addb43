"""`ordbog check`: registered on the main app by `register(app)`; heavy imports stay inside."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

ContentOpt = Annotated[Optional[Path], typer.Option("--content", "-c", help="Mappe med artikler (.md). Standard: ./content, ellers eksempelsitet.")]
ConfigOpt = Annotated[Optional[Path], typer.Option("--config", help="Sti til ordbog.toml.")]
TodayOpt = Annotated[Optional[str], typer.Option("--today", metavar="ÅÅÅÅ-MM-DD", help="Dagens dato (ÅÅÅÅ-MM-DD) for datoregler. Standard: $SOURCE_DATE_EPOCH, ellers systemets dato.")]


class Format(str, Enum):
    text = "text"
    json = "json"
    sarif = "sarif"


def _usage(message: str, hint: str) -> typer.Exit:
    print(f"error CLI004: {message}\n    tip: {hint}", file=sys.stderr)
    return typer.Exit(2)


def _selectors(values: list[str] | None) -> tuple[str, ...]:
    from ordbog.check.registry import unknown_selectors

    found = tuple(s.strip() for v in values or () for s in v.split(",") if s.strip())
    if bad := unknown_selectors(found):
        raise _usage(f"ukendt regel: {', '.join(bad)}", "brug en kode (SEO001), et navn (broken-link) eller en familie (seo); se docs/checks.md")
    return found


def _short(text: str, limit: int = 60) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _print_fixes(applied, stream) -> None:
    for a in sorted(applied, key=lambda a: (a.path, a.line, a.code)):
        if a.old.rstrip() == a.new:
            what = "fjernede mellemrum i slutningen af linjen"
        elif a.new and a.old.endswith(a.new.lstrip()):
            what = f"fjernede '{a.old[: len(a.old) - len(a.new.lstrip())].strip()}' i starten af linjen"
        else:
            what = f"'{_short(a.old)}' → '{_short(a.new)}'"
        print(f"rettet {a.path}:{a.line}: {a.code} {what}", file=stream)
    files = len({a.path for a in applied})
    where = "1 fil" if files == 1 else f"{files} filer"
    print(f"--fix rettede {len(applied)} ting i {where}." if applied else "--fix fandt intet at rette.", file=stream)


def check(
    content: ContentOpt = None,
    config: ConfigOpt = None,
    output_format: Annotated[Format, typer.Option("--format", "-f", help="text (til mennesker), json eller sarif (til CI).")] = Format.text,
    select: Annotated[Optional[list[str]], typer.Option("--select", metavar="REGEL", help="Kør kun disse regler (kode, navn eller familie; kan gentages eller kommasepareres).")] = None,
    ignore: Annotated[Optional[list[str]], typer.Option("--ignore", metavar="REGEL", help="Spring disse regler over.")] = None,
    fix: Annotated[bool, typer.Option("--fix", help="Ret sikre, mekaniske fund i filerne (nøglestavning, datoformat, mellemrum, 'KORT:').")] = False,
    stats: Annotated[bool, typer.Option("--stats", help="Vis en rapport over sitet i stedet for hvert fund.")] = False,
    today: TodayOpt = None,
) -> None:
    """Tjek alle artikler: metadata, SEO, links, indhold, dubletter, læsbarhed og friskhed."""
    from ordbog.check import report, run_check
    from ordbog.check.clock import TodayError, resolve_today
    from ordbog.cli import resolve_config

    try:
        day = resolve_today(today)
    except TodayError as exc:
        raise _usage(str(exc), "fx --today 2025-03-01") from None
    chosen, skipped = _selectors(select), _selectors(ignore)
    cfg = resolve_config(content, None, config)
    result = run_check(cfg, day, chosen, skipped)
    if fix:
        from ordbog.check.fix import fix as apply_fixes

        applied: list = []
        for _round in range(5):  # two fixes on one line need two rounds: each edit checks the line it saw
            changed = apply_fixes(result.findings)
            if not changed:
                break
            applied += changed
            result = run_check(cfg, day, chosen, skipped)
        _print_fixes(applied, sys.stdout if output_format is Format.text else sys.stderr)
    n_articles = len(result.context.articles)
    if output_format is Format.json:
        sys.stdout.write(report.as_json(result.findings))
    elif output_format is Format.sarif:
        from ordbog.check.sarif import as_sarif

        sys.stdout.write(as_sarif(result.findings))
    elif stats:
        from ordbog.check.stats import report as stats_report

        sys.stdout.write(stats_report(result.context, result.findings) + "\n")
        print(report.summary(result.findings, n_articles))
    else:
        sys.stdout.write(report.text(result.findings, n_articles))
    raise typer.Exit(1 if result.errors else 0)


def register(app: typer.Typer) -> None:
    app.command()(check)
