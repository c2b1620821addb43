"""The frontmatter schema: known keys, legacy spellings, and validation into typed values."""

from __future__ import annotations

import datetime as dt
import difflib
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from ordbog.danish.dates import DateError, parse_date
from ordbog.diagnostics import Diagnostic, error, warning
from ordbog.model import Source

KNOWN_KEYS = {
    "title": "The term, as the H1 and index entry.",
    "metaTitle": "`<title>` and search-result title (≈ 60 characters).",
    "description": "Meta description; default: the first paragraph, cut at 160 characters.",
    "lastUpdated": "Last update, `DD/MM/YYYY` or `YYYY-MM-DD`.",
    "datePublished": "First publication, same formats.",
    "related": "List of `{type, slug, title}`: the 'Se også' links (`type: ordbog` is an article here).",
    "aliases": "Other names for the term (list or comma-separated text), used by search and linking.",
    "reviewedBy": "Medical reviewer: a name, or `{name, job_title, url}`.",
    "lastReviewed": "Date of the last medical review.",
    "author": "Author: a name, or `{name, job_title, url}`; default from ordbog.toml.",
}
_BY_FOLDED = {k.casefold(): k for k in KNOWN_KEYS}


def _date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    try:
        return parse_date(value)
    except DateError as exc:
        raise ValueError(str(exc)) from None


def _text_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        return [str(v).strip() for v in value if str(v).strip()]
    raise ValueError("skal være en liste af tekster")


def _person(value: Any) -> dict[str, str] | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return {"name": value}
    if isinstance(value, dict):
        return value
    raise ValueError("skal være et navn eller {name, job_title, url}")


DateField = Annotated[dt.date | None, BeforeValidator(_date)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True, frozen=True)


class PersonModel(_Strict):
    name: str
    job_title: str = ""
    url: str = ""


class RelatedModel(_Strict):
    type: str = "ordbog"
    slug: str
    title: str = ""


class Frontmatter(_Strict):
    title: str | None = None
    metaTitle: str | None = None
    description: str | None = None
    lastUpdated: DateField = None
    datePublished: DateField = None
    related: list[RelatedModel] = Field(default_factory=list)
    aliases: Annotated[list[str], BeforeValidator(_text_list)] = Field(default_factory=list)
    reviewedBy: Annotated[PersonModel | None, BeforeValidator(_person)] = None
    lastReviewed: DateField = None
    author: Annotated[PersonModel | None, BeforeValidator(_person)] = None


_MESSAGES = {
    "string_type": "skal være tekst",
    "list_type": "skal være en liste",
    "dict_type": "skal være nøgler med værdier",
    "model_type": "skal være nøgler med værdier",
    "missing": "mangler",
    "extra_forbidden": "er ikke en kendt nøgle",
}
_HINTS = {
    "lastUpdated": "skriv datoen som DD/MM/ÅÅÅÅ, fx \"24/02/2024\"",
    "datePublished": "skriv datoen som DD/MM/ÅÅÅÅ, fx \"24/02/2024\"",
    "lastReviewed": "skriv datoen som DD/MM/ÅÅÅÅ, fx \"24/02/2024\"",
    "related": "hver linje: - type: ordbog / slug: knae / title: Knæ",
}


def normalise_keys(source: Source) -> tuple[dict[str, Any], list[Diagnostic]]:
    """Map legacy spellings (`Title:`) to known keys with a warning; unknown keys warned and dropped."""
    data: dict[str, Any] = {}
    diags: list[Diagnostic] = []
    for key, value in source.frontmatter.items():
        line = source.key_lines.get(key, 2)
        if key in KNOWN_KEYS:
            data.setdefault(key, value)
        elif key.casefold() in _BY_FOLDED:
            known = _BY_FOLDED[key.casefold()]
            diags.append(warning(source.path, line, "FM101", f"nøglen '{key}' skal staves '{known}'",
                                 f"ret '{key}:' til '{known}:' (ordbog check --fix gør det)"))
            data.setdefault(known, value)
        else:
            close = difflib.get_close_matches(key, list(KNOWN_KEYS), n=1, cutoff=0.6)
            hint = f"mente du '{close[0]}'?" if close else "kendte nøgler: " + ", ".join(KNOWN_KEYS)
            diags.append(warning(source.path, line, "FM102", f"ukendt nøgle '{key}' ignoreres", hint))
    return data, diags


def validate(source: Source) -> tuple[Frontmatter, list[Diagnostic]]:
    """Typed frontmatter; invalid values are reported as errors and replaced by nothing."""
    data, diags = normalise_keys(source)
    while True:
        try:
            return Frontmatter.model_validate(data), diags
        except ValidationError as exc:
            bad = set()
            for err in exc.errors():
                key = str(err["loc"][0])
                bad.add(key)
                where = ".".join(str(p) for p in err["loc"])
                msg = _MESSAGES.get(err["type"]) or str(err["msg"]).removeprefix("Value error, ")
                diags.append(error(source.path, source.key_lines.get(key, 2), "FM004", f"'{where}': {msg}",
                                   _HINTS.get(key, "se frontmatter-referencen i README")))
            data = {k: v for k, v in data.items() if k not in bad}
