"""Configuration: `ordbog.toml` (optional) plus command-line overrides → one frozen `Config`.

Every field has a description; the README's config reference is checked against them by a test.
`load_config()` validates everything at once and returns all problems as diagnostics.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ordbog.diagnostics import Diagnostic, error

CONFIG_NAME = "ordbog.toml"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SiteConfig(_Section):
    name: str = Field("Ordbog", description="Site name, shown in the header, titles and structured data.")
    base_url: str = Field(
        "http://127.0.0.1:8000",
        description="Absolute URL the site is published at (canonical URLs, sitemap, JSON-LD).",
    )
    language: str = Field("da", description="Language code for `<html lang>` and `inLanguage`.")
    url_prefix: str = Field("ordbog", description="Path under which articles live: `/<url_prefix>/<slug>/`.")
    output_dir: str = Field("_site", description="Output folder, relative to the folder holding ordbog.toml.")
    description: str = Field(
        "Forklaringer på sundhedsord og diagnoser – skrevet i et sprog, alle kan forstå.",
        description="Site description for the home page and its meta description.",
    )
    content_dir: str = Field("content", description="Content folder, relative to the folder holding ordbog.toml.")

    @field_validator("base_url")
    @classmethod
    def _absolute(cls, v: str) -> str:
        if not re.match(r"^https?://[^/\s]+", v):
            raise ValueError("skal være en absolut adresse, fx https://www.eksempel.dk")
        return v.rstrip("/")

    @field_validator("url_prefix")
    @classmethod
    def _prefix(cls, v: str) -> str:
        v = v.strip("/")
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", v):
            raise ValueError("må kun indeholde små bogstaver a-z, tal og bindestreg")
        return v


class Person(_Section):
    name: str = Field("", description="Full name.")
    job_title: str = Field("", description="Job title, e.g. 'Fysioterapeut'.")
    url: str = Field("", description="Profile page URL.")


class Organization(_Section):
    name: str = Field("", description="Publisher organisation name (defaults to the site name).")
    url: str = Field("", description="Publisher home page (defaults to the base URL).")
    logo: str = Field("", description="Absolute URL of the publisher's logo.")


class LinksConfig(_Section):
    """`[links]`: automatic internal links (see README, "Automatic internal links")."""

    enabled: bool = Field(True, description="Insert automatic internal links in article bodies.")
    max_per_page: int = Field(
        0, ge=0, le=100,
        description="Most automatic links on one page; 0 = scaled to length: one per `words_per_link` words, 3 to 15.",
    )
    words_per_link: int = Field(50, ge=1, description="Words of body text per automatic link when `max_per_page` is 0.")
    inflection: str = Field(
        "hunspell",
        description="How inflected forms are found: `hunspell` (Danish dictionary, Snowball for words it lacks), "
        "`snowball` or `exact`.",
    )
    dictionary: str = Field(
        "", description="Path of the hunspell `da_DK.aff`/`.dic` (without extension); default: the system's (hunspell-da)."
    )
    stop_words: list[str] = Field(
        default_factory=list, description="Words and phrases never linked, in any inflection (e.g. \"ben\", \"give\")."
    )
    exclude: list[str] = Field(default_factory=list, description="Article slugs that are never linked to.")
    keywords: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Extra terms per destination: an article slug or any URL (\"/kontakt/\", \"https://…\") → list of terms.",
    )
    priorities: dict[str, int] = Field(
        default_factory=dict,
        description="Slug or URL → priority (default 0); when two destinations share a term, the higher one wins.",
    )

    @field_validator("inflection")
    @classmethod
    def _strategy(cls, v: str) -> str:
        if v not in ("hunspell", "snowball", "exact"):
            raise ValueError("skal være \"hunspell\", \"snowball\" eller \"exact\"")
        return v


class SearchConfig(_Section):
    enabled: bool = Field(True, description="Build the search index and search page.")
    synonyms: dict[str, list[str]] = Field(
        default_factory=dict,
        description='Extra synonyms for this site: a word or phrase readers type → the terms the articles use, e.g. `{ "knæhaseskade" = ["bakers cyste"] }`. Added to the built-in Danish health synonym list.',
    )


class CheckConfig(_Section):
    """`ordbog check`: rule levels and thresholds (rules are listed in docs/checks.md)."""

    levels: dict[str, str] = Field(
        default_factory=dict,
        description='Level per rule code or name: "error", "warning", "info" or "off", e.g. `{ readability = "error", SEO009 = "off" }`.',
    )
    ignore: list[str] = Field(default_factory=list, description="Rules (codes, names, families or code prefixes) never reported.")
    lix_max: int = Field(55, ge=1, description="LIX at or above which an article (or one of its sections) is reported as hard to read.")
    section_min_words: int = Field(80, ge=1, description="Sections shorter than this many words get no LIX of their own.")
    sentence_max_words: int = Field(30, ge=5, description="Sentences longer than this many words are reported.")
    review_months: int = Field(12, ge=1, description="Review interval: lastReviewed (else lastUpdated) older than this many months is due.")
    meta_title_max_pixels: int = Field(580, ge=100, description="metaTitle width in pixels (Arial 20 px, as in desktop search results) that is shown in full; wider is reported.")
    meta_title_max_chars: int = Field(70, ge=10, description="metaTitle length in characters that is always reported, whatever its width (≈ 60 characters is what most results show).")
    description_min_chars: int = Field(70, ge=0, description="Shorter descriptions are reported.")
    description_max_chars: int = Field(160, ge=20, description="Longer descriptions are reported.")
    near_duplicate_threshold: float = Field(0.5, gt=0, le=1, description="Share of shared 5-word phrases (Jaccard) from which two articles are near-duplicates.")
    own_hosts: list[str] = Field(default_factory=list, description="Other host names that are this site (an old domain); absolute links to them should be relative.")
    external_paths: list[str] = Field(default_factory=list, description='Root-relative path prefixes served by other software on the same domain (e.g. `["/find/"]`): not broken links.')
    markers: list[str] = Field(
        default_factory=lambda: ["KORT:", "TODO", "FIXME", "xxx", "[indsæt"],
        description="Leftover editing markers reported in text and frontmatter (matched as whole words, case-sensitive except `xxx`).",
    )
    after_faq: list[str] = Field(
        default_factory=lambda: ["Kilder", "Reference", "Litteratur"],
        description="H2 headings that may follow the FAQ section (sources, references), matched at the start of the heading.",
    )

    @field_validator("levels")
    @classmethod
    def _levels(cls, v: dict[str, str]) -> dict[str, str]:
        from ordbog.check.registry import Level, rule  # the registry imports nothing from config

        problems = [f"'{k}' er ikke en regel" for k in v if rule(k) is None]
        problems += [f"'{k}' = '{lv}' skal være error, warning, info eller off"
                     for k, lv in v.items() if lv not in {x.value for x in Level}]
        if problems:
            raise ValueError("; ".join(problems) + " (se docs/checks.md)")
        return v


class FileConfig(_Section):
    """The shape of ordbog.toml."""

    site: SiteConfig = Field(default_factory=SiteConfig, description="[site] table.")
    publisher: Organization = Field(default_factory=Organization, description="[publisher] table.")
    author: Person = Field(default_factory=Person, description="[author]: default author of every article.")
    reviewer: Person = Field(default_factory=Person, description="[reviewer]: default medical reviewer.")
    links: LinksConfig = Field(default_factory=LinksConfig, description="[links] table.")
    search: SearchConfig = Field(default_factory=SearchConfig, description="[search] table.")
    check: CheckConfig = Field(default_factory=CheckConfig, description="[check] table.")


@dataclass(frozen=True)
class Config:
    """Everything a build needs to know, resolved to absolute paths."""

    content_dir: Path
    output_dir: Path
    site_root: Path
    config_path: Path | None
    file: FileConfig

    @property
    def site(self) -> SiteConfig:
        return self.file.site

    @property
    def templates_dir(self) -> Path:
        return self.site_root / "templates"


def find_config(content_dir: Path | None, explicit: Path | None) -> Path | None:
    """Explicit --config, else ordbog.toml in the content folder, its parent, or the working folder."""
    if explicit is not None:
        return explicit
    candidates = [content_dir, content_dir.parent] if content_dir else []
    candidates.append(Path.cwd())
    for folder in candidates:
        if (folder / CONFIG_NAME).is_file():
            return folder / CONFIG_NAME
    return None


def _line_of(text: str, loc: tuple[Any, ...]) -> int:
    """Best-effort line of a dotted key in TOML text (tomllib keeps no positions)."""
    lines = text.splitlines()
    start = 0
    if len(loc) > 1:
        for i, line in enumerate(lines):
            if re.match(rf"^\s*\[\s*{re.escape(str(loc[0]))}\s*\]", line):
                start = i
                break
    key = str(loc[-1])
    for i in range(start, len(lines)):
        if re.match(rf"^\s*{re.escape(key)}\s*=", lines[i]) or re.match(rf"^\s*\[\s*{re.escape(key)}\s*\]", lines[i]):
            return i + 1
    return start + 1


_PYDANTIC_DA = {
    "string_type": "skal være tekst (i anførselstegn)",
    "bool_type": "skal være true eller false",
    "bool_parsing": "skal være true eller false",
    "int_type": "skal være et heltal",
    "int_parsing": "skal være et heltal",
    "float_type": "skal være et tal",
    "float_parsing": "skal være et tal",
    "list_type": "skal være en liste, fx [\"a\", \"b\"]",
    "dict_type": "skal være en tabel",
    "model_type": "skal være en tabel",
}


def _known_keys(model: type[BaseModel]) -> list[str]:
    return list(model.model_fields)


def _model_at(loc: tuple[Any, ...]) -> type[BaseModel]:
    model: type[BaseModel] = FileConfig
    for part in loc[:-1]:
        annotation = model.model_fields[str(part)].annotation
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            break
        model = annotation
    return model


def pydantic_diagnostics(exc: ValidationError, path: str, text: str, code: str) -> list[Diagnostic]:
    """Translate pydantic errors to Danish diagnostics with lines and hints."""
    out = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        dotted = ".".join(str(p) for p in loc)
        line = _line_of(text, loc)
        if err["type"] == "extra_forbidden":
            known = _known_keys(_model_at(loc))
            close = difflib.get_close_matches(str(loc[-1]), known, n=1)
            hint = f"mente du '{close[0]}'?" if close else "kendte nøgler: " + ", ".join(known)
            out.append(error(path, line, code, f"ukendt nøgle '{dotted}'", hint))
        else:
            msg = _PYDANTIC_DA.get(err["type"]) or str(err["msg"]).removeprefix("Value error, ")
            out.append(error(path, line, code, f"'{dotted}' {msg}", "se README'ens konfigurationsreference"))
    return out


def load_config(
    content_dir: Path | None = None,
    output_dir: Path | None = None,
    config_path: Path | None = None,
) -> tuple[Config | None, list[Diagnostic]]:
    """Read and validate ordbog.toml, apply CLI overrides; return (config, diagnostics)."""
    path = find_config(content_dir, config_path)
    data: dict[str, Any] = {}
    text = ""
    if path is not None:
        shown = str(path)
        try:
            text = path.read_text(encoding="utf-8")
            data = tomllib.loads(text)
        except FileNotFoundError:
            return None, [error(shown, 1, "CFG001", "konfigurationsfilen findes ikke", "tjek stien til --config")]
        except UnicodeDecodeError:
            return None, [error(shown, 1, "CFG001", "filen er ikke UTF-8", "gem filen som UTF-8")]
        except tomllib.TOMLDecodeError as exc:
            m = re.search(r"line (\d+)", str(exc))
            line = int(m.group(1)) if m else 1
            return None, [error(shown, line, "CFG001", f"ugyldig TOML: {exc}", "se https://toml.io for syntaksen")]
    try:
        file_config = FileConfig.model_validate(data)
    except ValidationError as exc:
        return None, pydantic_diagnostics(exc, str(path), text, "CFG002")
    site_root = path.parent.resolve() if path else Path.cwd()
    content = content_dir or (site_root / file_config.site.content_dir)
    if output_dir is None:
        output_dir = site_root / file_config.site.output_dir if path else Path.cwd() / file_config.site.output_dir
    return (
        Config(
            content_dir=content.resolve(),
            output_dir=output_dir.resolve(),
            site_root=site_root,
            config_path=path.resolve() if path else None,
            file=file_config,
        ),
        [],
    )
