"""`PreviewSession.update(changed)`: the watcher's change sets, including saves a failed rebuild saw.

No server here: the session is driven as the watcher drives it, one change set per update.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from conftest import article

from ordbog import build, render
from ordbog.preview.session import ConfigSource, PreviewSession

TOML = '[site]\nname = "Prøveordbogen"\nbase_url = "https://www.eksempel.dk"\n'
KNAE = article("Knæsmerter", """
    Knæsmerter er ondt i knæet og går ofte over med hvile.

    ## Hvad kan man selv gøre?

    Hold pauser, og træn roligt op igen.
    """, metaTitle='"Knæsmerter – årsager og råd"', lastUpdated='"12/03/2024"')
RYG = article("Rygsmerter", """
    Rygsmerter er almindelige og går som regel over af sig selv.
    """, metaTitle='"Rygsmerter – hvad gør man?"', lastUpdated='"01/02/2024"')
BROKEN_TEMPLATE = '{% extends "base.html" %}{% block main %}{{ article.title }{% endblock %}\n'


def started(write_site: Callable[..., Path], tmp_path: Path) -> tuple[PreviewSession, Path]:
    content = write_site({"knaesmerter.md": KNAE, "rygsmerter.md": RYG}, toml=TOML)
    options = ConfigSource(content, tmp_path / "_site", None)
    config, diags = options.load()
    assert config is not None, diags
    session = PreviewSession(options, config)
    session.start()
    return session, content


def output_equals_a_full_build(session: PreviewSession) -> bool:
    """After the search index caught up, the output folder holds exactly what a full build makes."""
    session.complete_extras()
    render.environment.cache_clear()
    expected = build.build(session.config, keep_going=True).files
    on_disk = {p.relative_to(session.out).as_posix(): p.read_bytes() for p in session.out.rglob("*")
               if p.is_file() and p.name != ".ordbog-output"}  # the marker `write.write_site` leaves
    return on_disk == expected == dict(session.snapshot.files)


def test_a_save_made_while_a_template_is_broken_shows_once_the_template_is_fixed(
        write_site: Callable[..., Path], tmp_path: Path) -> None:
    session, content = started(write_site, tmp_path)
    template = content.parent / "templates" / "article.html"
    template.parent.mkdir()
    template.write_text(BROKEN_TEMPLATE, encoding="utf-8")
    page = content / "knaesmerter.md"
    page.write_text(KNAE.replace("ofte over", "tit over"), encoding="utf-8")
    update = session.update({template.parent, template, page})
    assert update is not None and update.problems and update.problems[0].code == "TPL001"
    template.unlink()  # fixed: this change set names only the template
    assert session.update({template}) is not None and not session.errors()
    assert "tit over" in (session.out / "ordbog" / "knaesmerter" / "index.html").read_text(encoding="utf-8")
    assert output_equals_a_full_build(session)


def test_an_unknown_change_set_checks_every_file(write_site: Callable[..., Path], tmp_path: Path) -> None:
    session, content = started(write_site, tmp_path)
    (content / "rygsmerter.md").write_text(RYG.replace("almindelige", "meget almindelige"), encoding="utf-8")
    (content / "nyt").mkdir()
    (content / "nyt" / "hold-i-nakken.md").write_text(
        article("Hold i nakken", "Hold i nakken går over med varme og bevægelse.\n",
                metaTitle='"Hold i nakken – kort forklaret"'), encoding="utf-8")
    assert session.update(None) is not None
    assert (session.out / "ordbog" / "hold-i-nakken" / "index.html").exists()
    assert "meget almindelige" in (session.out / "ordbog" / "rygsmerter" / "index.html").read_text(encoding="utf-8")
    assert output_equals_a_full_build(session)


def test_a_change_set_is_trusted_for_files_it_does_not_name(write_site: Callable[..., Path], tmp_path: Path) -> None:
    """The change set is the whole truth: a file it does not name is not even looked at."""
    session, content = started(write_site, tmp_path)
    (content / "rygsmerter.md").write_text(RYG.replace("almindelige", "meget almindelige"), encoding="utf-8")
    assert session.update(set()) is None  # nothing reported, nothing rebuilt
    assert session.update({content / "rygsmerter.md"}) is not None
    assert "meget almindelige" in (session.out / "ordbog" / "rygsmerter" / "index.html").read_text(encoding="utf-8")
