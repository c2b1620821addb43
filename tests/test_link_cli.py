"""`ordbog links` and automatic links in the built site and its JSON API (made-up articles)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from ordbog.build import build
from ordbog.cli import app
from tests.conftest import article
from tests.link_support import needs_dictionary

pytestmark = needs_dictionary

SITE = {
    "skulder.md": article("Skulder", "Skulderen er et led.\n\n## Ofte stillede spørgsmål\n\n### Er knæet et led?\n\nJa.\n"),
    "knae.md": article("Knæ", "Knæet bærer kroppen, og skuldrene bærer armene."),
    "ryg.md": article("Ryg", "Ryggen har mange led."),
}


def test_built_pages_and_the_api_carry_the_links(write_site, make_config) -> None:
    result = build(make_config(write_site(SITE)))
    page = result.files["ordbog/knae/index.html"].decode()
    assert '<a href="/ordbog/skulder/" class="autolink">skuldrene</a>' in page
    api = json.loads(result.files["api/ordbog/knae.json"])
    assert api["links"] == [{"slug": "skulder", "text": "skuldrene"}]
    faq_page = result.files["ordbog/skulder/index.html"].decode()
    assert "<summary>Er knæet et led?</summary>" in faq_page  # FAQ questions are never linked


def test_links_json_lists_outbound_and_inbound(write_site) -> None:
    content = write_site(SITE)
    result = CliRunner().invoke(app, ["links", "--content", str(content), "--json"])
    assert result.exit_code == 0, result.output
    graph = json.loads(result.stdout)
    assert graph == {
        "knae": {"inbound": [], "outbound": [{"slug": "skulder", "text": "skuldrene"}]},
        "ryg": {"inbound": [], "outbound": []},
        "skulder": {"inbound": ["knae"], "outbound": []},
    }


def test_links_report_names_orphans_most_linked_and_matched_words(write_site) -> None:
    content = write_site(SITE)
    result = CliRunner().invoke(app, ["links", "--content", str(content)])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "3 artikler, 1 automatiske links (0.33 pr. side)" in out
    assert "Forældreløse artikler (ingen links hertil): 2\n  knae\n  ryg\n" in out
    assert "     1  skulder" in out
    assert '  knae: 1 ud / 0 ind – "skuldrene" → skulder' in out


def test_links_exits_1_when_an_article_has_errors(write_site) -> None:
    content = write_site({**SITE, "tom.md": ""})
    result = CliRunner().invoke(app, ["links", "--content", str(content), "--json"])
    assert result.exit_code == 1
    assert "skulder" in json.loads(result.stdout)
