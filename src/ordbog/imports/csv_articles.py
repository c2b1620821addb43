"""Spreadsheet export (CSV bytes) → planned articles → files.

Reads what Danish Excel and Google Sheets write: UTF-8 with or without BOM, separated by `;`
(Danish Excel, where the comma is the decimal sign) or `,`, cells with line breaks in quotes.
Columns are found by name, case- and space-insensitively: `H1` (or Titel/Title), `Content`
(or Indhold/Body) and optionally `Meta title` and `Description`.

Planning is pure (rows + a predicate "does this file exist?" + today → outcomes); only
`write_planned` touches the disk, creating files with O_EXCL so nothing is ever overwritten.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ordbog.danish.dates import format_dmy
from ordbog.danish.slug import slugify
from ordbog.load import split_frontmatter

COLUMNS = {
    "title": ("h1", "titel", "title", "overskrift"),
    "content": ("content", "indhold", "body", "tekst", "brødtekst"),
    "meta_title": ("metatitle", "metatitel", "seotitle"),
    "description": ("description", "metadescription", "beskrivelse", "metabeskrivelse"),
}
REQUIRED = ("title", "content")
_LEADING_H1 = re.compile(r"\A\s*#[ \t]+[^\n]*\n?")


class TableError(ValueError):
    """The file cannot be read as a table of articles (encoding, columns); carries a hint."""

    def __init__(self, message: str, hint: str):
        super().__init__(message)
        self.hint = hint


@dataclass(frozen=True, slots=True)
class Row:
    number: int  # spreadsheet row (the header is row 1)
    title: str
    content: str
    meta_title: str = ""
    description: str = ""


@dataclass(frozen=True, slots=True)
class Outcome:
    row: int
    status: str  # "created", "skipped" or "failed"
    path: Path | None
    reason: str = ""
    text: str = ""


def decode(raw: bytes) -> str:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TableError("filen er ikke UTF-8",
                         "gem regnearket som 'CSV UTF-8 (kommasepareret)' i Excel, eller vælg UTF-8 ved eksport") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def delimiter(text: str) -> str:
    """';' or ',' (or tab): whichever splits the header line into the most cells, or what a leading
    `sep=;` line (written by some Excel versions and tools) says."""
    header = text.split("\n", 1)[0]
    if header.lower().startswith("sep=") and len(header) == 5:
        return header[4]
    return max((";", ",", "\t"), key=lambda d: (len(next(csv.reader([header], delimiter=d))), d == ";"))


def _folded(name: str) -> str:
    return re.sub(r"[\s_\-]+", "", name.strip().casefold())


def column_map(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, name in enumerate(header):
        for field, names in COLUMNS.items():
            if _folded(name) in names and field not in found:
                found[field] = index
    missing = [COLUMNS[f][0] for f in REQUIRED if f not in found]
    if missing:
        shown = ", ".join(f"'{h}'" for h in header) or "ingen"
        raise TableError(f"kolonnen {' og '.join(m.upper() if m == 'h1' else m.capitalize() for m in missing)} mangler (fandt {shown})",
                         "første række skal være kolonnenavnene H1, Content og Meta title")
    return found


def read_rows(raw: bytes) -> list[Row]:
    text = decode(raw)
    separator = delimiter(text)
    if text[:4].lower() == "sep=":
        text = text.split("\n", 1)[1] if "\n" in text else ""
    records = list(csv.reader(io.StringIO(text), delimiter=separator))
    if not records:
        raise TableError("filen er tom", "eksportér regnearket med en overskriftsrække og én række pr. artikel")
    cols = column_map(records[0])

    def cell(record: list[str], field: str) -> str:
        i = cols.get(field)
        return record[i].strip() if i is not None and i < len(record) else ""

    return [Row(n, " ".join(cell(r, "title").split()), cell(r, "content"), " ".join(cell(r, "meta_title").split()),
                " ".join(cell(r, "description").split()))
            for n, r in enumerate(records[1:], start=2) if any(c.strip() for c in r)]


def body_of(content: str) -> str:
    """The article body: a leading '# H1' removed (the title is the page's H1), one trailing newline."""
    return _LEADING_H1.sub("", content.strip() + "\n", count=1).strip() + "\n"


def _quoted(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid YAML double-quoted scalar


def article_text(row: Row, today: dt.date) -> str:
    lines = ["---", f"title: {_quoted(row.title)}"]
    if row.meta_title:
        lines.append(f"metaTitle: {_quoted(row.meta_title)}")
    if row.description:
        lines.append(f"description: {_quoted(row.description)}")
    lines += [f'lastUpdated: "{format_dmy(today)}"', f'datePublished: "{format_dmy(today)}"', "---", ""]
    return "\n".join(lines) + "\n" + body_of(row.content)


def plan(rows: list[Row], folder: Path, exists: Callable[[Path], bool], today: dt.date) -> list[Outcome]:
    taken: dict[str, int] = {}
    outcomes = []
    for row in rows:
        if not row.title:
            outcomes.append(Outcome(row.number, "failed", None, "H1 er tom"))
            continue
        path = folder / f"{slugify(row.title)}.md"
        if not body_of(row.content).strip():
            outcomes.append(Outcome(row.number, "failed", path, "Content er tom"))
        elif path.name in taken:
            outcomes.append(Outcome(row.number, "skipped", path, f"samme adresse som række {taken[path.name]}"))
        elif exists(path):
            outcomes.append(Outcome(row.number, "skipped", path, "filen findes allerede og overskrives ikke"))
        else:
            text = article_text(row, today)
            problems = split_frontmatter(text, str(path))[4]
            status = "failed" if problems else "created"
            outcomes.append(Outcome(row.number, status, path, problems[0].message if problems else "", text))
            taken[path.name] = row.number
    return outcomes


def write_planned(outcomes: list[Outcome]) -> list[Outcome]:
    """Create the planned files (never overwriting: a file that appeared meanwhile is skipped)."""
    done = []
    for o in outcomes:
        if o.status == "created" and o.path is not None:
            try:
                with open(o.path, "x", encoding="utf-8", newline="\n") as fh:
                    fh.write(o.text)
            except FileExistsError:
                o = Outcome(o.row, "skipped", o.path, "filen findes allerede og overskrives ikke")
            except OSError as exc:
                o = Outcome(o.row, "failed", o.path, f"kan ikke skrives: {exc.strerror}")
        done.append(o)
    return done
