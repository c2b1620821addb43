"""Configuration: ordbog.toml validated with lines and hints; every field documented."""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import BaseModel

from ordbog.config import FileConfig, load_config

README = Path(__file__).parent.parent / "README.md"


def write_toml(tmp_path: Path, text: str) -> Path:
    (tmp_path / "content").mkdir(exist_ok=True)
    (tmp_path / "ordbog.toml").write_text(text, encoding="utf-8")
    return tmp_path / "content"


def test_bare_folder_builds_with_defaults(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    cfg, diags = load_config(tmp_path / "content", tmp_path / "out", None)
    assert diags == [] and cfg is not None
    assert cfg.site.url_prefix == "ordbog" and cfg.site.language == "da"


def test_values_are_read(tmp_path: Path) -> None:
    content = write_toml(tmp_path, '[site]\nname = "Fysio"\nbase_url = "https://fysio.dk/"\n[author]\nname = "Mette"\n')
    cfg, _ = load_config(content, None, None)
    assert cfg is not None
    assert cfg.site.name == "Fysio" and cfg.site.base_url == "https://fysio.dk"
    assert cfg.file.author.name == "Mette"
    assert cfg.output_dir == tmp_path / "_site"


def test_unknown_key_reported_with_line_and_suggestion(tmp_path: Path) -> None:
    content = write_toml(tmp_path, '[site]\nname = "Fysio"\nbase_ulr = "https://fysio.dk"\n')
    cfg, diags = load_config(content, None, None)
    assert cfg is None
    assert [d.format() for d in diags] == [
        f"{tmp_path}/ordbog.toml:3:1: error CFG002: ukendt nøgle 'site.base_ulr'\n    tip: mente du 'base_url'?"
    ]


def test_wrong_type_and_bad_url_reported_together(tmp_path: Path) -> None:
    content = write_toml(tmp_path, '[site]\nname = 3\nbase_url = "fysio.dk"\n')
    _, diags = load_config(content, None, None)
    assert [(d.line, d.message) for d in diags] == [
        (2, "'site.name' skal være tekst (i anførselstegn)"),
        (3, "'site.base_url' skal være en absolut adresse, fx https://www.eksempel.dk"),
    ]


def test_broken_toml_names_the_line(tmp_path: Path) -> None:
    content = write_toml(tmp_path, '[site]\nname = "Fysio\n')
    _, diags = load_config(content, None, None)
    assert diags[0].line == 2 and diags[0].message.startswith("ugyldig TOML")


def _fields(model: type[BaseModel], prefix: str = "") -> list[str]:
    names = []
    for name, info in model.model_fields.items():
        annotation = info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            names += _fields(annotation, f"{prefix}{name}.")
        else:
            names.append(prefix + name)
    return names


def test_every_config_field_is_documented_in_readme() -> None:
    readme = README.read_text(encoding="utf-8")
    documented = set(re.findall(r"`([a-z_]+\.[a-z_]+)`", readme))
    # "`author.name` / `.job_title`" rows document siblings by their leading dot
    for row in re.findall(r"^\| `([a-z_]+)\.[a-z_]+`((?: / `\.[a-z_]+`)+)", readme, flags=re.M):
        documented |= {row[0] + sib for sib in re.findall(r"`(\.[a-z_]+)`", row[1])}
    missing = [f for f in _fields(FileConfig) if f not in documented]
    assert missing == [], f"document these ordbog.toml keys in README: {missing}"
