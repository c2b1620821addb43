"""Page-cache keys of linked articles: written as the analysis record they were decoded from plus
what linking replaced (`cache.derived_form`), equal exactly when the articles are equal."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from ordbog import analyse, cache
from ordbog.load import read_source
from ordbog.model import Article
from tests.conftest import article

TEXT = article(
    "Skulder",
    """\
    Skulderen er et led med mange muskler. Læs om albue og håndled.

    ## Hvad er skulderen?

    - Et kugleled
    - Med en **ledskål**

    ## Ofte stillede spørgsmål om skulderen

    ### Kan skulderen gå af led?

    Ja, det kan den.
    """,
    lastUpdated="24/02/2024",
    aliases="[skuldre]",
)


@pytest.fixture
def record(tmp_path: Path) -> bytes:
    path = tmp_path / "skulder.md"
    path.write_text(TEXT, encoding="utf-8")
    source, diags = read_source(path)
    assert source is not None, diags
    found, found_diags = analyse.analyse(source)
    assert found is not None
    with cache.origins_recorded():
        yield cache.encode_result(found, found_diags)


def decoded(record: bytes) -> Article:
    found, _ = cache.decode_result(record)
    assert found is not None
    return found


def inline_at(article_: Article) -> int:
    return next(i for i, tok in enumerate(article_.tokens) if tok.type == "inline" and tok.children)


def relinked(article_: Article, content: str) -> Article:
    """What the link stage does: a copy of one inline token with other children, links recorded."""
    i = inline_at(article_)
    tok = article_.tokens[i]
    copy = dataclasses.replace(tok, children=[dataclasses.replace(tok.children[0], content=content)])
    tokens = article_.tokens[:i] + (copy,) + article_.tokens[i + 1:]
    return dataclasses.replace(article_, tokens=tokens, links=(("albue", content),))


def test_an_unchanged_decoded_article_is_its_record(record: bytes) -> None:
    found = decoded(record)
    assert cache.derived_form(found) == (cache.hashlib.sha256(record).digest(), (), ())


def test_a_linked_article_is_its_record_plus_the_replaced_token_and_fields(record: bytes) -> None:
    origin = decoded(record)
    form = cache.derived_form(relinked(origin, "albue"))
    assert form is not None
    _digest, fields, tokens = form
    assert [i for i, _ in tokens] == [inline_at(origin)]
    assert [dataclasses.fields(Article)[i].name for i, _ in fields] == ["links"]


def test_equal_linked_articles_have_equal_keys_and_different_ones_different_keys(record: bytes) -> None:
    origin = decoded(record)
    one, same, other = relinked(origin, "albue"), relinked(origin, "albue"), relinked(origin, "håndled")
    assert one == same and one.tokens == same.tokens
    assert cache.key_bytes(one, {}) == cache.key_bytes(same, {})
    assert cache.key_bytes(one, {}) != cache.key_bytes(other, {})
    assert cache.key_bytes(one, {}) != cache.key_bytes(one, {"related": []})  # the context counts too
    retitled = dataclasses.replace(one, title="Skuldre")
    assert cache.key_bytes(retitled, {}) != cache.key_bytes(one, {})


def test_without_an_origin_the_whole_article_is_encoded_canonically(record: bytes) -> None:
    linked = relinked(decoded(record), "albue")
    derived = cache.key_bytes(linked, {})
    cache.forget_origins()
    assert cache.derived_form(linked) is None
    full = cache.key_bytes(linked, {})
    assert full != derived  # the same article in two forms: at worst a miss, never a wrong hit
    twin = relinked(linked, "albue")  # an equal article made of other objects
    assert twin is not linked and cache.key_bytes(twin, {}) == full


def test_another_number_of_tokens_than_the_origin_is_encoded_in_full(record: bytes) -> None:
    origin = decoded(record)
    shorter = dataclasses.replace(origin, tokens=origin.tokens[:-1])
    assert cache.derived_form(shorter) is None


def test_a_newer_record_of_the_same_path_replaces_the_origin(record: bytes, tmp_path: Path) -> None:
    first = decoded(record)
    second = decoded(record)  # equal, but other objects: `first` is no longer an origin
    assert cache.derived_form(second) == (cache.hashlib.sha256(record).digest(), (), ())
    form = cache.derived_form(first)
    assert form is not None and len(form[2]) == len(first.tokens)  # every token encoded: none is the origin's
    assert cache.key_bytes(first, {}) != cache.key_bytes(second, {})  # only a miss, never a wrong hit


SITE = {
    "skulder.md": TEXT,
    "albue.md": article("Albue", "Albuen sidder mellem overarm og underarm. Den ligner et knæ.\n", lastUpdated="24/02/2024"),
    "knae.md": article("Knæ", "Knæet bærer kroppen. Albuen og skulderen gør ikke.\n", lastUpdated="24/02/2024"),
}


@pytest.mark.parametrize("run", ["cold", "warm"])
def test_no_stage_before_rendering_changes_a_decoded_token_in_place(tmp_path: Path, monkeypatch, run: str) -> None:
    """The identity comparison in `derived_form` is sound only if linking copies what it changes."""
    from ordbog import build
    from ordbog.config import load_config
    from tests.conftest import write_content

    monkeypatch.setenv("ORDBOG_CACHE_DIR", str(tmp_path / "cache"))
    cfg, diags = load_config(write_content(tmp_path, SITE), tmp_path / "_site", None)
    assert cfg is not None, diags
    if run == "warm":
        build.build(cfg)
    at_decode: dict[str, bytes] = {}
    decode = cache.decode_result

    def snapshot(data: bytes):
        found, found_diags = decode(data)
        at_decode[found.path] = cache.canonical_bytes(found)
        return found, found_diags

    monkeypatch.setattr(cache, "decode_result", snapshot)
    with cache.origins_recorded():
        site, _ = build.make_site(cfg)
        assert sorted(cache._ORIGINS) == sorted(at_decode) and len(at_decode) == len(SITE)
        assert any(a.links for a in site.articles)  # linking did replace tokens
        for path, (origin, _digest) in cache._ORIGINS.items():
            assert cache.canonical_bytes(origin) == at_decode[path]
    assert cache._ORIGINS == {}


def test_outside_a_build_decoded_articles_are_not_kept(record: bytes) -> None:
    """`ordbog search` analyses a large site in batches: no origin may keep every article alive."""
    with cache.origins_recorded():
        decoded(record)
        assert len(cache._ORIGINS) == 1
    assert cache._ORIGINS == {}
    decoded(record)
    assert cache._ORIGINS == {}


def test_malformed_token_rows_are_refused_not_trusted(record: bytes) -> None:
    origin = decoded(record)
    count, flat = len(origin.tokens), tuple(cache._flatten_tokens(origin.tokens, []))
    assert cache._unflatten_tokens(count, flat) == origin.tokens
    for bad_count, bad_flat in [(count + 1, flat), (count - 1, flat), (count, flat[:-1]), (count, flat + flat[:13])]:
        with pytest.raises((ValueError, TypeError)):
            cache._unflatten_tokens(bad_count, bad_flat)
