"""The parsed-frontmatter memo: a folder loaded again gives the same Sources without parsing its YAML."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ordbog import fmcache, load
from tests.conftest import article, write_content

FILES = {
    "knae.md": article("Knæ", "Knæet er et led.\n", lastUpdated="24/02/2024", aliases="[knæled, knæet]",
                       reviewedBy="{name: Mette Jensen, job_title: Fysioterapeut}"),
    "hofte.md": article("Hofte", "Hoften er et led.\n", lastUpdated="24/02/2024", aliases="[knæled, knæet]",
                        reviewedBy="{name: Mette Jensen, job_title: Fysioterapeut}"),
    "ryg.md": article("Ryg", "Ryggen.\n", lastUpdated="2024-02-24", related="[{type: ordbog, slug: knae}]",
                      tal="3", kommatal="2.5", tom="", flag="yes"),
}


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The frontmatter texts PyYAML parses."""
    seen: list[str] = []
    real = yaml.load

    def counting(stream, Loader):  # noqa: N803 - PyYAML's name
        seen.append(stream)
        return real(stream, Loader=Loader)

    monkeypatch.setattr(load.yaml, "load", counting)
    return seen


def loaded(content: Path) -> list:
    sources, diags = load.load_sources(content)
    return [(s, [d.format() for d in diags]) for s in sources]


def test_a_folder_loaded_again_is_not_parsed_again_and_gives_equal_sources(tmp_path: Path, monkeypatch, parses) -> None:
    monkeypatch.setenv("ORDBOG_CACHE_DIR", str(tmp_path / "cache"))
    content = write_content(tmp_path, FILES)
    first = loaded(content)
    assert len(parses) == 3
    parses.clear()
    again = loaded(content)
    assert parses == [] and again == first
    assert [type(v) for s, _ in again for v in s.frontmatter.values()] == [type(v) for s, _ in first for v in s.frontmatter.values()]


def test_equal_frontmatter_in_two_files_shares_no_object(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("ORDBOG_CACHE_DIR", str(tmp_path / "cache"))
    content = write_content(tmp_path, {name: text.replace("Hofte", "Knæ") for name, text in FILES.items()})
    loaded(content)
    (hofte, _), (knae, _) = loaded(content)[:2]
    assert hofte.frontmatter == knae.frontmatter and hofte.frontmatter["aliases"] is not knae.frontmatter["aliases"]


def test_an_edit_is_parsed_and_only_the_edit(tmp_path: Path, monkeypatch, parses) -> None:
    monkeypatch.setenv("ORDBOG_CACHE_DIR", str(tmp_path / "cache"))
    content = write_content(tmp_path, FILES)
    loaded(content)
    (content / "ryg.md").write_text(article("Ryggen", "Ryggen.\n", lastUpdated="2024-02-25"), encoding="utf-8")
    parses.clear()
    sources = loaded(content)
    assert len(parses) == 1 and "Ryggen" in parses[0]
    assert sources[2][0].frontmatter == {"title": "Ryggen", "lastUpdated": "2024-02-25"}


def test_invalid_yaml_is_reported_on_every_load(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("ORDBOG_CACHE_DIR", str(tmp_path / "cache"))
    content = write_content(tmp_path, {"knae.md": '---\ntitle: "Knæ\n---\n\nKnæet.\n'})
    first = load.load_sources(content)[1]
    assert [d.code for d in first] == ["FM001"]
    assert load.load_sources(content)[1] == first


@pytest.mark.parametrize("junk", [b"", b"not marshal", b"\xe9\x00\x00\x00", None])
def test_a_corrupt_or_foreign_memo_is_ignored(tmp_path: Path, monkeypatch, parses, junk: bytes | None) -> None:
    import marshal

    monkeypatch.setenv("ORDBOG_CACHE_DIR", str(tmp_path / "cache"))
    content = write_content(tmp_path, FILES)
    first = loaded(content)
    memo = next((tmp_path / "cache").glob("frontmatter-*.marshal"))
    if junk is None:  # well-formed, but every entry holds other bytes than marshal'd data
        junk = marshal.dumps({key: b"\x00garbage" for key in marshal.loads(memo.read_bytes())})
    memo.write_bytes(junk)
    parses.clear()
    assert loaded(content) == first and len(parses) == 3


def test_the_memo_can_be_switched_off(tmp_path: Path, monkeypatch, parses) -> None:
    monkeypatch.setenv("ORDBOG_CACHE_DIR", "off")
    content = write_content(tmp_path, FILES)
    loaded(content)
    loaded(content)
    assert len(parses) == 6
    assert fmcache.memo_path("CSafeLoader") is None


VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(min_size=1, max_size=6), inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.dictionaries(st.text(min_size=1, max_size=8).filter(lambda k: k.strip() == k and k), VALUES, max_size=4))
def test_any_frontmatter_comes_back_from_the_memo_as_pyyaml_made_it(tmp_path: Path, data: dict) -> None:
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    memo = fmcache.FrontmatterMemo(tmp_path / "memo.marshal")
    parsed = yaml.load(text, Loader=load._Loader)
    memo.put(text, parsed)
    memo.flush()
    known, again = fmcache.FrontmatterMemo(tmp_path / "memo.marshal").get(text)
    assert known and again == parsed and repr(again) == repr(parsed)
