"""Golden files: the rendered seed article (HTML and JSON-LD) and its API record.

Regenerate deliberately with `pytest tests/test_golden.py --update-golden` and review the diff.
"""

from __future__ import annotations

import difflib
import json
import re
from pathlib import Path

import pytest

from ordbog.build import BuildResult, build
from ordbog.cli import EXAMPLE_DIR
from ordbog.config import load_config
from tests.link_support import needs_dictionary

GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture(scope="module")
def example_build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    cfg, diags = load_config(EXAMPLE_DIR, tmp_path_factory.mktemp("out"), None)
    assert cfg is not None, diags
    return build(cfg)


@pytest.fixture(scope="module")
def example_files(example_build: BuildResult) -> dict[str, bytes]:
    return example_build.files


@needs_dictionary  # without it, linking falls back to Snowball (and says so: a warning)
def test_example_builds_without_diagnostics(example_build: BuildResult) -> None:
    assert example_build.diagnostics == ()


def json_ld(html: str) -> str:
    raw = re.search(r'<script type="application/ld\+json">\n(.*?)\n</script>', html, re.S).group(1)
    return json.dumps(json.loads(raw), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def pretty(text: str) -> str:
    return json.dumps(json.loads(text), ensure_ascii=False, indent=1, sort_keys=True) + "\n"


CASES = {
    "muskelkramp.html": lambda files: files["ordbog/muskelkramp/index.html"].decode(),
    "muskelkramp.jsonld.json": lambda files: json_ld(files["ordbog/muskelkramp/index.html"].decode()),
    # the API file is compact JSON (test_api_file_is_canonical_compact_json); its golden is indented to read
    "muskelkramp.api.json": lambda files: pretty(files["api/ordbog/muskelkramp.json"].decode()),
    "ordbog-index.html": lambda files: files["ordbog/index.html"].decode(),
}


@needs_dictionary  # the automatic links in the golden pages are chosen with the Danish dictionary
@pytest.mark.parametrize("name", sorted(CASES))
def test_golden(name: str, example_files: dict[str, bytes], update_golden: bool) -> None:
    actual = CASES[name](example_files)
    path = GOLDEN / name
    if update_golden:
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"{path} is missing: run pytest {__file__} --update-golden"
    expected = path.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True), str(path), "actual"))
        pytest.fail(f"output differs from golden file (rerun with --update-golden if intended):\n{diff}")


def test_api_file_is_canonical_compact_json(example_files: dict[str, bytes]) -> None:
    data = example_files["api/ordbog/muskelkramp.json"]
    assert data == (json.dumps(json.loads(data), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
                    + "\n").encode("utf-8")
