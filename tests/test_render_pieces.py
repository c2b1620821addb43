"""One rendering for a page body and its API sections: `markdown.render_pieces` / `render.article_html`."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from ordbog import markdown, render
from ordbog.analyse import analyse
from ordbog.load import read_source
from tests.test_hardening_input import MARKDOWN

PROPERTY = settings(max_examples=150, deadline=None)


@PROPERTY
@given(text=MARKDOWN, data=st.data())
def test_pieces_join_to_the_whole_rendering(text: str, data: st.DataObject) -> None:
    tokens = markdown.parse(text)
    inner = data.draw(st.lists(st.integers(0, len(tokens)), max_size=6))
    cuts = sorted({0, len(tokens), *inner})
    pieces = markdown.render_pieces(tokens, cuts)
    assert len(pieces) == len(cuts) - 1
    assert "".join(pieces) == markdown.render_tokens(tokens)


ARTICLE = """---
title: Skulder
metaTitle: "Skulder – hvad er det?"
---
Skulderen er et kugleled.

- kort punkt
- endnu et punkt

## Smerter i skulderen

| Årsag | Hvor ofte |
| --- | --- |
| Slid | Ofte |

<div class="boks">Tekst med <sup>2</sup> og æøå.</div>

## Ofte stillede spørgsmål

### Hvorfor gør min skulder ondt?

Oftest af *overbelastning*.
"""


def test_article_html_is_the_body_and_each_section_rendered_alone(tmp_path: Path) -> None:
    path = tmp_path / "skulder.md"
    path.write_text(ARTICLE, encoding="utf-8")
    source, _ = read_source(path)
    article, _ = analyse(source)
    body, sections = render.article_html(article)
    assert body == render.sanitize.clean(markdown.render_tokens(article.tokens))
    assert set(sections) == {s.token_range for s in article.sections} and len(sections) == 3
    for (start, stop), html in sections.items():
        assert html == render.sanitize.clean(markdown.render_tokens(article.tokens[start:stop]))
    assert "".join(sections[s.token_range] for s in article.sections) == body
