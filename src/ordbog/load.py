"""Load stage: content folder → `Source` records (frontmatter parsed, body split off).

All file I/O for content happens here. Every problem becomes a Diagnostic with a line;
a file that cannot be read is skipped, never raised.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from ordbog.danish.slug import slugify
from ordbog.diagnostics import Diagnostic, error, warning
from ordbog.fmcache import FrontmatterMemo, memo_path
from ordbog.model import Source

_Base: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader is ~10× faster


class _Loader(_Base):  # type: ignore[misc, valid-type]
    """Safe loader that keeps dates as text: `2024-13-01` must become our error, not a crash."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _Base.yaml_implicit_resolvers.items()
}

MAX_FILE_BYTES = 2_000_000
SKIPPED_NAMES = {"readme.md"}
_KEY_LINE = re.compile(r"^([^\s#:'\"-][^:]*?)\s*:")


def display_path(path: Path, cwd: Path | None = None) -> str:
    """A path as the user would type it: relative to the working folder (`cwd`: it, if known) when below it."""
    try:
        return str(path.relative_to(cwd or Path.cwd()))
    except ValueError:
        return str(path)


def walked_folder(name: str) -> bool:
    """Whether `discover` looks inside a subfolder of this name."""
    return not name.startswith((".", "_")) and name != "templates"


def article_name(name: str) -> bool:
    """Whether `discover` takes a file of this name for an article."""
    return name.lower().endswith(".md") and not name.startswith(".") and name.lower() not in SKIPPED_NAMES


def discover(content_dir: Path, folders: list[Path] | None = None) -> tuple[list[Path], list[Diagnostic]]:
    """All Markdown files below content_dir, sorted; symlink loops and dangling links reported.

    `folders`, when given, receives every folder walked (the live preview keeps the list current).
    """
    found: list[Path] = []
    diags: list[Diagnostic] = []
    for root, dirs, files in os.walk(content_dir, followlinks=False):
        dirs[:] = sorted(d for d in dirs if walked_folder(d))
        if folders is not None:
            folders.append(Path(root))
        for name in sorted(files):
            if not article_name(name):
                continue
            path = Path(root) / name
            if path.is_symlink():
                try:
                    path.resolve(strict=True)
                except (OSError, RuntimeError):
                    diags.append(
                        error(display_path(path), 1, "LOAD005", "symbolsk link peger på ingenting eller på sig selv",
                              "slet linket eller lad det pege på en rigtig fil")
                    )
                    continue
            found.append(path)
    return found, diags


def _decode(raw: bytes, shown: str) -> tuple[str | None, list[Diagnostic]]:
    if b"\x00" in raw:
        return None, [error(shown, 1, "LOAD002", "filen er ikke tekst (den indeholder binære data)",
                            "kun Markdown-tekstfiler (.md) hører til i indholdsmappen")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        hint = "gem filen som UTF-8 (i Word/Notesblok: Gem som → Kodning: UTF-8)"
        try:
            raw.decode("cp1252")
            hint = "filen ser ud til at være gemt som Windows-1252; " + hint
        except UnicodeDecodeError:
            pass
        return None, [error(shown, line, "LOAD003", "filen er ikke gyldig UTF-8", hint)]
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n"), []


_YAML_PROBLEMS = {  # PyYAML's English problem → what it means to an editor
    "mapping values are not allowed here": "et kolon i en værdi uden anførselstegn",
    "mapping values are not allowed in this context": "et kolon i en værdi uden anførselstegn",
    "did not find expected key": "en linje passer ikke ind (indrykning eller anførselstegn)",
    "found character that cannot start any token": "et tegn, der ikke må stå her",
    "found undefined alias": "et '*' i starten af en værdi",
    "expected <block end>, but found '-'": "en listelinje med forkert indrykning",
}


def _yaml_problem(exc: yaml.YAMLError, shown: str, fm_line: int, fm_text: str = "") -> Diagnostic:
    mark = getattr(exc, "problem_mark", None)
    line = fm_line + (mark.line if mark else 0)
    problem = getattr(exc, "problem", None) or str(exc)
    lines = fm_text.split("\n")[: (mark.line + 1) if mark else None]
    tabbed = next((i for i, text in enumerate(lines) if "\t" in text), None)
    if tabbed is not None:
        return error(shown, fm_line + tabbed, "FM001", "frontmatter er ikke gyldig YAML: linjen indeholder en tabulator",
                     "brug mellemrum i stedet for tabulator til indrykning")
    unclosed = next((i for i, text in enumerate(lines) if text.replace('\\"', "").count('"') % 2), None)
    if unclosed is not None:
        return error(shown, fm_line + unclosed, "FM001",
                     "frontmatter er ikke gyldig YAML: et anførselstegn (\") bliver ikke lukket på linjen",
                     "luk anførselstegnet i slutningen af værdien, fx title: \"Knæ\"")
    hint = "tjek indrykning, kolon og anførselstegn i frontmatter"
    if "quote" in problem or "scalar" in problem:
        hint = "luk anførselstegnet, eller sæt hele værdien i anførselstegn"
    elif "mapping values" in problem:
        hint = "sæt værdier med kolon i anførselstegn, fx title: \"Knæ: årsager\""
    meaning = _YAML_PROBLEMS.get(problem)
    message = f"{meaning} ({problem})" if meaning else problem
    return error(shown, line, "FM001", f"frontmatter er ikke gyldig YAML: {message}", hint)


def key_lines(fm_text: str, first_line: int) -> dict[str, int]:
    """Top-level frontmatter key → file line."""
    lines: dict[str, int] = {}
    for offset, line in enumerate(fm_text.split("\n")):
        if m := _KEY_LINE.match(line):
            lines.setdefault(m.group(1), first_line + offset)
    return lines


def split_frontmatter(text: str, shown: str, memo: FrontmatterMemo | None = None,
                      ) -> tuple[dict[str, Any], dict[str, int], str, int, list[Diagnostic]]:
    """(frontmatter, key lines, body, body's first file line, diagnostics); `memo`: parsed YAML of earlier builds."""
    if not text.startswith("---") or text.split("\n", 1)[0].strip() != "---":
        return {}, {}, text, 1, []
    end = re.search(r"^(---|\.\.\.)[ \t]*$", text[4:], flags=re.M) if "\n" in text else None
    if end is None:
        return {}, {}, "", 1, [error(shown, 1, "FM003", "frontmatter mangler den afsluttende '---'-linje",
                                     "tilføj en linje med tre bindestreger efter sidste nøgle")]
    fm_text = text[4 : 4 + end.start()]
    body = text[4 + end.end() :].removeprefix("\n")
    body_line = 2 + fm_text.count("\n") + 1
    known, data = memo.get(fm_text) if memo is not None else (False, None)
    if not known:
        try:
            data = yaml.load(fm_text, Loader=_Loader)
        except yaml.YAMLError as exc:
            return {}, {}, body, body_line, [_yaml_problem(exc, shown, 2, fm_text)]
        if memo is not None:
            memo.put(fm_text, data)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        kind = "en liste" if isinstance(data, list) else "en enkelt værdi"
        return {}, {}, body, body_line, [error(shown, 2, "FM002", f"frontmatter er {kind}, ikke nøgler med værdier",
                                               "skriv fx title: \"Muskelkramp\" på hver sin linje")]
    data = {str(k): v for k, v in data.items()}
    return data, key_lines(fm_text, 2), body, body_line, []


def read_source(path: Path, memo: FrontmatterMemo | None = None, cwd: Path | None = None,
                ) -> tuple[Source | None, list[Diagnostic]]:
    """One file → Source, or None with the reasons (`memo`, `cwd`: shared by the files of one load)."""
    shown = display_path(path, cwd)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, [error(shown, 1, "LOAD004", f"filen er for stor ({size / 1_000_000:.1f} MB; grænsen er "
                                f"{MAX_FILE_BYTES / 1_000_000:.0f} MB)", "del artiklen op, eller fjern indlejrede data")]
        raw = path.read_bytes()
    except OSError as exc:
        return None, [error(shown, 1, "LOAD001", f"filen kan ikke læses: {exc.strerror}", "tjek filens rettigheder")]
    if not raw.strip():
        return None, [error(shown, 1, "LOAD006", "filen er tom", "skriv frontmatter og brødtekst, eller slet filen")]
    text, diags = _decode(raw, shown)
    if text is None:
        return None, diags
    fm, lines, body, body_line, fm_diags = split_frontmatter(text, shown, memo)
    diags += fm_diags
    if any(d.is_error for d in fm_diags):
        return None, diags
    slug = slugify(path.stem)
    if slug != path.stem:
        diags.append(warning(shown, 1, "LOAD007", f"filnavnet '{path.name}' er ikke en ren adresse; siden får adressen '{slug}'",
                             f"omdøb filen til '{slug}.md'"))
    digest = hashlib.sha256(raw).hexdigest()
    return Source(shown, slug, fm, lines, body, body_line, digest), diags


def load_sources(
    content_dir: Path, read: Callable[[Path], tuple[Source | None, list[Diagnostic]]] = read_source,
    discovered: tuple[list[Path], list[Diagnostic]] | None = None,
) -> tuple[list[Source], list[Diagnostic]]:
    """Every readable article in the folder; duplicate slugs reported (first one wins).

    `read` and `discovered` are seams for the live preview, which passes a reader that reuses
    unchanged files and the `discover` result it keeps current from the watcher's changes.
    """
    paths, diags = discovered if discovered is not None else discover(content_dir)
    diags = list(diags)
    memo = None
    if read is read_source:  # one frontmatter memo and working folder for the whole folder
        memo, cwd = FrontmatterMemo(memo_path(_Base.__name__)), Path.cwd()

        def read(path: Path) -> tuple[Source | None, list[Diagnostic]]:
            return read_source(path, memo, cwd)
    sources: list[Source] = []
    seen: dict[str, str] = {}
    for path in paths:
        source, file_diags = read(path)
        diags += file_diags
        if source is None:
            continue
        if source.slug in seen:
            diags.append(error(source.path, 1, "LOAD008", f"giver samme adresse '/{source.slug}/' som {seen[source.slug]}",
                               "omdøb en af filerne; adresser skelner ikke mellem store og små bogstaver"))
            continue
        seen[source.slug] = source.path
        sources.append(source)
    if memo is not None:
        memo.flush()
    return sources, diags
