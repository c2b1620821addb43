"""Properties of linking on generated Danish Markdown: it never changes what a reader sees (it
only wraps text in <a>), never nests links, never touches block tokens, and is idempotent."""

from __future__ import annotations

import dataclasses
import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ordbog import link
from ordbog.model import Article, Site
from tests.link_support import config, make_article, needs_dictionary, site_with

pytestmark = needs_dictionary

_FOLDER = tempfile.TemporaryDirectory(prefix="ordbog-link-properties-")  # removed when the tests end
CFG = config(Path(_FOLDER.name))

WORDS = [
    "skulder", "Skulderen", "skuldrene", "frossen", "frosne", "knæ", "knæet", "Knæene", "knæskallen", "læg",
    "læggen", "lægmusklerne", "ryg", "ryggen", "ben", "benet", "arm", "armene", "lunges", "lungens", "ældre",
    "børn", "løb", "løbet", "af", "i", "og", "han", "kan", "Balance", "balance", "hjertets", "ankel", "anklen",
    "slidgigt", "Artrose", "give", "Give", "knæ-", "på", "egne", "en", "et", "ondt", "æble", "ÆBLE", "ß", "İstanbul",
]
PUNCT = [" ", " ", " ", ", ", ". ", "! ", "? ", " (", ") ", " – ", "\u00ad", "\u00a0", "/", "-", "'", "_"]

word = st.sampled_from(WORDS)
phrase = st.lists(st.tuples(word, st.sampled_from(PUNCT)), min_size=1, max_size=12).map(
    lambda parts: "".join(w + p for w, p in parts).strip() or "ord"
)
inline = st.one_of(
    phrase,
    phrase.map(lambda p: f"*{p}*"),
    phrase.map(lambda p: f"**{p}**"),
    phrase.map(lambda p: f"[{p}](/ordbog/x/)"),
    phrase.map(lambda p: f"`{p}`"),
    phrase.map(lambda p: f"![{p}](/billede.webp)"),
    phrase.map(lambda p: f'<a href="/y">{p}</a>'),
)
line = st.lists(inline, min_size=1, max_size=5).map(" ".join)
block = st.one_of(
    line,
    line.map(lambda t: f"## {t}"),
    st.lists(line, min_size=1, max_size=3).map(lambda items: "\n".join(f"- {i}" for i in items)),
    st.tuples(line, line).map(lambda r: f"| {r[0]} | x |\n| --- | --- |\n| {r[1]} | y |"),
    line.map(lambda t: f"> {t}"),
    st.tuples(line, line).map(lambda qa: f"## Ofte stillede spørgsmål\n\n### {qa[0]}?\n\n{qa[1]}"),
)
document = st.lists(block, min_size=1, max_size=6).map("\n\n".join)


def visible(article: Article) -> list[tuple[str, str]]:
    """Every block token's type and the text a reader sees in it (link targets excluded)."""
    out = []
    for tok in article.tokens:
        text = "".join(c.content for c in tok.children or () if c.type in ("text", "code_inline", "html_inline"))
        text = re.sub(r"<[^>]*>", "", text) if tok.children else tok.content
        alt = "".join(c.content for c in tok.children or () if c.type == "image")
        out.append((tok.type, text + "|" + alt))
    return out


def link_depths(article: Article) -> int:
    deepest = 0
    for tok in article.tokens:
        depth = 0
        for child in tok.children or ():
            opens = child.type == "link_open" or (child.type == "html_inline" and re.match(r"<a[\s>]", child.content))
            closes = child.type == "link_close" or (child.type == "html_inline" and child.content.startswith("</a"))
            depth += 1 if opens else -1 if closes else 0
            deepest = max(deepest, depth)
    return deepest


def relink(site: Site) -> Site:
    return link.link_site(CFG, site)[0]


PROPERTY = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(document)
def test_linking_only_wraps_text_and_keeps_every_block_token(body: str) -> None:
    site = site_with(body)
    before, after = site.by_slug()["side"], relink(site).by_slug()["side"]
    assert visible(after) == visible(before)
    assert [t.type for t in after.tokens] == [t.type for t in before.tokens]
    assert after.sections == before.sections and after.faq == before.faq


@PROPERTY
@given(document)
def test_linking_never_nests_links(body: str) -> None:
    page = relink(site_with(body)).by_slug()["side"]
    assert link_depths(page) <= 1


@PROPERTY
@given(document)
def test_linking_is_idempotent(body: str) -> None:
    once = relink(site_with(body))
    twice = relink(once)
    for a, b in zip(once.articles, twice.articles):
        assert b.links == a.links
        assert [dataclasses.astuple(t) for t in b.tokens] == [dataclasses.astuple(t) for t in a.tokens]


def test_the_input_tokens_are_not_mutated() -> None:
    site = site_with("Ondt i skulderen og knæet.")
    before = [dataclasses.astuple(t) for t in site.by_slug()["side"].tokens]
    relink(site)
    assert [dataclasses.astuple(t) for t in site.by_slug()["side"].tokens] == before


def test_a_word_whose_lowercase_is_longer_is_left_alone() -> None:
    page = relink(site_with("İstanbul og knæet.")).by_slug()["side"]
    assert page.links == () or page.links == (("knae", "knæet"),)
    page = relink(site_with("Knæet i İstanbul.")).by_slug()["side"]
    assert [d for d, _ in page.links] in ([], ["knae"])


def test_an_example_article_is_linked_like_any_other() -> None:
    site = Site(tuple(sorted((*site_with("x").articles, make_article("extra", "Ekstra", "Skulderen.")),
                             key=lambda a: a.slug)))
    assert relink(site).by_slug()["extra"].links == (("skulder", "Skulderen"),)
