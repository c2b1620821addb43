"""Command-line interface: `ordbog build | new | serve | …`.

Exit codes: 0 success, 1 content errors (the diagnostics say where), 2 usage errors
(bad options, bad config, unwritable output).
"""

from __future__ import annotations

import os
import sys
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from ordbog import __version__
from ordbog.config import CONFIG_NAME, Config, load_config
from ordbog.danish.slug import slugify
from ordbog.diagnostics import BuildError, Diagnostic
from ordbog.terminal import LazyConsole, print_styled, rich_sees_a_terminal

if TYPE_CHECKING:
    from ordbog.standby import Standby

EXAMPLE_DIR = Path(__file__).parent / "example"
EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2
_KEPT: list[object] = []  # the last build's result
_OUTCOME: list[str] = []  # what a build stopped by Ctrl-C left in its output folder (interrupt.outcome)

app = typer.Typer(
    name="ordbog",
    help="Byg et hurtigt, tilgængeligt og søgbart website ud fra en mappe med danske ordbogsartikler.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
err = LazyConsole()  # rich's Console(stderr=True, highlight=False), imported only when it prints

ContentOpt = Annotated[Optional[Path], typer.Option("--content", "-c", help="Mappe med artikler (.md). Standard: ./content, ellers eksempelsitet.")]
OutOpt = Annotated[Optional[Path], typer.Option("--out", "-o", help="Outputmappe. Standard: _site (eller site.output_dir).")]
ConfigOpt = Annotated[Optional[Path], typer.Option("--config", help=f"Sti til {CONFIG_NAME}. Standard: søges i indholdsmappen, dens forælder og den aktuelle mappe.")]


def print_diagnostics(diags: list[Diagnostic] | tuple[Diagnostic, ...], show_warnings: bool = True) -> None:
    print_styled(err, ((d.format(), "red" if d.is_error else "yellow")
                       for d in sorted(diags, key=lambda d: (d.path, d.line, d.code)) if d.is_error or show_warnings))


def default_content_dir() -> Path:
    """./content when it exists (or ordbog.toml names one), else the embedded example site."""
    if (Path.cwd() / CONFIG_NAME).is_file():
        return None  # type: ignore[return-value]  # let the config decide
    if (Path.cwd() / "content").is_dir():
        return Path.cwd() / "content"
    return EXAMPLE_DIR


def resolve_config(content: Path | None, out: Path | None, config: Path | None) -> Config:
    """Config from options, or exit 2 with the reasons."""
    if content is not None and not content.is_dir():
        what = "er en fil, ikke en mappe" if content.exists() else "findes ikke"
        err.print(f"{content}:1:1: error CLI001: indholdsmappen {what}\n    tip: tjek stien til --content (en mappe med"
                  " artikler i .md)", style="red", markup=False)
        raise typer.Exit(EXIT_USAGE)
    if content is None and config is None:
        content = default_content_dir()
    if content == EXAMPLE_DIR and out is None:
        out = Path.cwd() / "_site"  # never write inside the installed package
    cfg, diags = load_config(content, out, config)
    if cfg is None:
        print_diagnostics(diags)
        raise typer.Exit(EXIT_USAGE)
    if not cfg.content_dir.is_dir():
        err.print(f"{cfg.content_dir}:1:1: error CLI001: indholdsmappen findes ikke\n    tip: opret den eller angiv --content", style="red", markup=False)
        raise typer.Exit(EXIT_USAGE)
    return cfg


def _progress_bar(show: bool) -> AbstractContextManager[Any]:
    """rich's progress bar on a terminal (imported only then), else a context of None."""
    if not show:
        return nullcontext(None)
    from rich import progress

    return progress.Progress(progress.TextColumn("[bold]Bygger[/bold]"), progress.BarColumn(), progress.MofNCompleteColumn(),
                             progress.TimeElapsedColumn(), console=err.rich, transient=True)


def run_build(cfg: Config, keep_going: bool, force: bool, quiet: bool = False) -> int:
    # forked first (before this process imports the build, and before a progress bar's thread):
    # it loads the search index's libraries meanwhile (`build.build`'s `ready`)
    from ordbog import interrupt
    from ordbog.search import web as search_web

    with interrupt.deadline():  # Ctrl-C: the build stops by its own cleanup, or at the deadline
        ready = search_web.standby(cfg)
        try:
            return _run_build(cfg, keep_going, force, quiet, ready)
        except BaseException as exc:
            if _interrupted(exc):
                _OUTCOME[:] = [interrupt.outcome()]  # said by `main`, after "Afbrudt"
            raise
        finally:
            if ready is not None:
                ready.cancel()  # nothing left to stop once the build used it


def _template_error() -> type[Exception]:
    """Jinja2's TemplateError, imported only when a build fails (the build imports Jinja2 later
    than this function starts it: see build.py)."""
    from jinja2 import TemplateError

    return TemplateError


def _run_build(cfg: Config, keep_going: bool, force: bool, quiet: bool, ready: Standby | None) -> int:
    from ordbog.build import build_and_write

    with _progress_bar(not quiet and rich_sees_a_terminal() and err.is_terminal) as bar:
        task = bar.add_task("render", total=None) if bar else None

        def progress(stage: str, done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        try:
            result = build_and_write(cfg, keep_going=keep_going, force=force, progress=progress if bar else None,
                                     ready=ready)
        except BuildError as exc:
            if bar:
                bar.stop()
            print_diagnostics(exc.diagnostics)
            usage = any(d.code.startswith("OUT") for d in exc.diagnostics)
            if not usage:
                n = sum(d.is_error for d in exc.diagnostics)
                err.print(f"Bygningen stoppede: {n} fejl. Det tidligere output er urørt. "
                          "Ret fejlene, eller brug --keep-going for at bygge resten.", style="red")
            return EXIT_USAGE if usage else EXIT_CONTENT
        except _template_error() as exc:  # a site's own template: its file and line, not a traceback
            from ordbog.preview.session import template_diagnostic

            if bar:
                bar.stop()
            print_diagnostics([template_diagnostic(exc)])
            err.print("Bygningen stoppede ved en skabelonfejl. Det tidligere output er urørt.", style="red")
            return EXIT_CONTENT
        except Exception as exc:
            # Ctrl-C wrapped by Python in another error (Python 3.11: "Error calling __set_name__"
            # when it lands while a class is being created, in a module's first import)
            if _interrupted(exc):
                raise KeyboardInterrupt from exc
            raise
    _KEPT[:] = [result]  # freed by the process's exit, not object by object (see main)
    print_diagnostics(result.diagnostics)
    n_err = len(result.errors)
    n_warn = sum(1 for d in result.diagnostics if not d.is_error)
    if not quiet:
        err.print(f"Byggede {len(result.site.articles)} artikler og {len(result.files)} filer i {cfg.output_dir}"
                  f" ({n_err} fejl, {n_warn} advarsler).", markup=False)
    return EXIT_CONTENT if n_err else EXIT_OK


@app.command()
def build(
    content: ContentOpt = None,
    out: OutOpt = None,
    config: ConfigOpt = None,
    keep_going: Annotated[bool, typer.Option("--keep-going", "-k", help="Byg resten af sitet, selv om nogle artikler har fejl (afslutter stadig med kode 1).")] = False,
    force: Annotated[bool, typer.Option("--force", help="Overskriv en ikke-tom outputmappe, som ordbog ikke selv har lavet.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Vis kun fejl og advarsler.")] = False,
) -> None:
    """Byg hele sitet til outputmappen (atomisk: det gamle output bevares, til bygningen er lykkedes)."""
    cfg = resolve_config(content, out, config)
    raise typer.Exit(run_build(cfg, keep_going, force, quiet))


NEW_TEMPLATE = """---
title: "{title}"
metaTitle: "{title} – [indsæt kort beskrivelse]"
description: "[indsæt en beskrivelse på 120–160 tegn]"
lastUpdated: "{today}"
datePublished: "{today}"
aliases: []
---

[indsæt en indledning: hvad er {lower}?]

## Hvad er {lower}?

[indsæt tekst]

## Ofte stillede spørgsmål om {lower}

### [indsæt spørgsmål]?

[indsæt svar]
"""


@app.command()
def new(
    title: Annotated[str, typer.Argument(help="Artiklens titel, fx \"Frossen skulder\".")],
    content: ContentOpt = None,
) -> None:
    """Opret en ny artikel (<slug>.md) med frontmatter og dagens dato. Overskriver aldrig."""
    folder = content or (Path.cwd() / "content" if (Path.cwd() / "content").is_dir() else Path.cwd())
    if not folder.is_dir():
        err.print(f"{folder}:1:1: error CLI001: mappen findes ikke\n    tip: opret mappen eller angiv --content", markup=False)
        raise typer.Exit(EXIT_USAGE)
    title = " ".join(title.split())
    if not title:
        err.print("error CLI002: titlen er tom\n    tip: ordbog new \"Frossen skulder\"", markup=False)
        raise typer.Exit(EXIT_USAGE)
    path = folder / f"{slugify(title)}.md"
    if path.exists():
        err.print(f"{path}:1:1: error CLI003: filen findes allerede og bliver ikke overskrevet\n"
                  "    tip: vælg en anden titel, eller redigér den eksisterende fil", markup=False)
        raise typer.Exit(EXIT_USAGE)
    from ordbog.check.clock import TodayError, resolve_today

    try:
        today = resolve_today().strftime("%d/%m/%Y")  # SOURCE_DATE_EPOCH makes the file reproducible
    except TodayError as exc:
        err.print(f"error CLI004: {exc}\n    tip: sæt SOURCE_DATE_EPOCH til et antal sekunder, eller fjern den", markup=False)
        raise typer.Exit(EXIT_USAGE) from None
    text = NEW_TEMPLATE.format(title=title.replace('"', "'"), lower=title.lower(), today=today)
    with open(path, "x", encoding="utf-8") as fh:
        fh.write(text)
    print(path)


@app.command()
def serve(
    content: ContentOpt = None,
    out: OutOpt = None,
    config: ConfigOpt = None,
    port: Annotated[int, typer.Option("--port", "-p", envvar="PORT", help="Port (standard 8000, eller $PORT).")] = 8000,
    host: Annotated[str, typer.Option("--host", help="Adresse at lytte på. Standard kun denne maskine (127.0.0.1).")] = "127.0.0.1",
    open_browser: Annotated[bool, typer.Option("--open", help="Åbn forhåndsvisningen i browseren.")] = False,
) -> None:
    """Byg sitet, vis det på http://127.0.0.1:8000 og genopbyg det, der ændres, hver gang en fil gemmes."""
    from jinja2 import TemplateError

    from ordbog.preview.session import ConfigSource, PreviewSession, template_diagnostic
    from ordbog.serve import serve as serve_preview

    cfg = resolve_config(content, out, config)
    if content is None and config is None:
        content = default_content_dir()
    session = PreviewSession(ConfigSource(content, out, config), cfg)
    try:
        first = session.start()
    except BuildError as exc:
        print_diagnostics(exc.diagnostics)
        raise typer.Exit(EXIT_USAGE) from None
    except TemplateError as exc:
        print_diagnostics([template_diagnostic(exc)])
        raise typer.Exit(EXIT_CONTENT) from None
    print_diagnostics(session.snapshot.diagnostics if session.snapshot else ())
    err.print(f"Byggede {len(first.delta.written)} filer i {cfg.output_dir} på {first.seconds:.1f} s"
              f" ({len(first.problems)} fejl).", markup=False)
    raise typer.Exit(serve_preview(session, host, port, print_diagnostics, open_browser=open_browser))


from ordbog.search.cli import register as _register_search  # noqa: E402

_register_search(app)

from ordbog.check.cli import register as _register_check  # noqa: E402

_register_check(app)

from ordbog.imports.cli import register as _register_import  # noqa: E402

_register_import(app)

from ordbog.linkreport import register as _register_links  # noqa: E402

_register_links(app)


def version_callback(value: bool) -> None:
    if value:
        print(f"ordbog {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    version: Annotated[bool, typer.Option("--version", callback=version_callback, is_eager=True, help="Vis version.")] = False,
) -> None:
    """ordbog – danske sundhedsordbøger som statiske websites."""


def _interrupted(exc: BaseException | None) -> bool:
    """Whether Ctrl-C is somewhere in the chain of causes of `exc`."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, KeyboardInterrupt):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def main() -> None:
    """The `ordbog` command. After a build it ends with `os._exit`, skipping the interpreter's
    teardown: freeing a built site object by object costs more than building it from the caches
    (~0.1 s at 3,850 articles). Nothing is left to do by then: the output is written, pools and
    background processes are joined, stdout and stderr are flushed here; only memory goes, which the
    operating system takes back at once. Other commands (the preview server …), and runs under a
    profiler or coverage tool, exit as usual."""
    os.environ.setdefault("PYTHONIOENCODING", "utf-8")
    try:
        app()
        code: object = 0
        interrupted = False
    except SystemExit as exc:  # typer turns Ctrl-C into Exit(130)
        code = exc.code
        interrupted = _interrupted(exc)
    except KeyboardInterrupt:
        code, interrupted = 130, True
    if interrupted:
        print("\nAfbrudt (Ctrl-C).", *_OUTCOME, file=sys.stderr)
    # an interrupted command ends at once too: the interpreter's teardown would wait for pools a
    # thread of the build may still be running (workers die with this process: PR_SET_PDEATHSIG)
    if (not _KEPT and not interrupted) or sys.getprofile() is not None or sys.gettrace() is not None:
        sys.exit(code)  # a profiler or coverage tool writes its report at the interpreter's exit
    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)  # what the interpreter does with sys.exit("message")
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (`ordbog build | head`): nothing more to say
            pass
    os._exit(code or 0)
