"""Every `ordbog check` rule, both ways: a small Danish site that has the problem, and one that
does not (usually the same site with the problem fixed). One test id per rule name."""

from __future__ import annotations

from pathlib import Path

import pytest

from check_fixtures import (
    LONG_BODY, NEAR_COPY_BODY, SIBLING_A, SIBLING_B, GOOD_BODY, check_folder, codes, text, write,
)
from ordbog.check.registry import RULES

OTHER = text({"title": '"Tennisalbue"', "metaTitle": '"Tennisalbue – smerter på albuens yderside"'}, """\
Tennisalbue er ømhed på ydersiden af albuen. Den kommer af gentagne greb og løft, også uden tennis.

## Hvad kan du selv gøre?

Aflast armen en tid, men hold den i gang. Let styrketræning med en elastik hjælper mange. Is kan dæmpe smerten.

## Ofte stillede spørgsmål om tennisalbue

### Skal jeg stoppe med at spille?

Hold en pause, hvis det gør ondt under spillet. Start roligt igen, når armen er blevet stærkere.
""")
GOOD = {"musearm.md": text(), "tennisalbue.md": OTHER}


def body(replace: str, new: str) -> str:
    assert replace in GOOD_BODY
    return GOOD_BODY.replace(replace, new, 1)


def site(**files: str | bytes) -> dict[str, str | bytes]:
    """GOOD plus/instead of the given files (`musearm_md="…"` → musearm.md)."""
    return {**GOOD, **{k.replace("_md", ".md"): v for k, v in files.items()}}


FIRST = "Musearm er smerter i underarmen og hånden."
HARD = ("Belastningsrelaterede underarmsgener karakteriseres hyppigst ved kombinationer af "
        "muskuloskeletale overbelastningssymptomer, nedsat funktionsniveau og koordinationsforstyrrelser. ")
LONG_SENTENCE = ("Når du sidder ved computeren hele dagen og bruger musen meget uden pauser og uden at skifte "
                 "stilling eller strække armene, kan musklerne i underarmen blive trætte og ømme og til sidst "
                 "gøre ondt hele tiden.")
SITE_TOML = '[site]\nbase_url = "https://www.eksempel.dk"\n'

CASES = [
    # code, site with the problem, site without it, ordbog.toml
    ("LOAD002", site(x_md=b"\x00\x01binaer"), GOOD, None),
    ("LOAD003", site(x_md=text().encode("cp1252")), site(x_md=text()), None),
    ("LOAD004", site(x_md="a" * 2_000_001), GOOD, None),
    ("LOAD006", site(x_md=""), GOOD, None),
    ("LOAD007", {"Musearm.md": text(), "tennisalbue.md": OTHER}, GOOD, None),
    ("LOAD008", {**GOOD, "Tennisalbue.md": OTHER}, GOOD, None),
    ("FM001", site(musearm_md=text({"title": '"Musearm'})), GOOD, None),
    ("FM002", site(musearm_md="---\n- musearm\n- arm\n---\n\nTekst.\n"), GOOD, None),
    ("FM003", site(musearm_md="---\ntitle: Musearm\n\nTekst uden slutlinje.\n"), GOOD, None),
    ("FM004", site(musearm_md=text({"lastUpdated": '"31/02/2025"'})), GOOD, None),
    ("FM005", site(musearm_md=text({"lastUpdated": '"01/07/2025"'})), site(musearm_md=text({"lastUpdated": '"01/06/2025"'})), None),
    ("FM006", site(musearm_md=text({"lastUpdated": "2025-03-01"})), site(musearm_md=text({"lastUpdated": "01/03/2025"})), None),
    ("FM101", site(musearm_md=text({"Title": '"Musearm"'}, drop=("title",))), GOOD, None),
    ("FM102", site(musearm_md=text({"titel": '"Musearm"'})), GOOD, None),
    ("ART001", site(musearm_md=text(drop=("title",))), GOOD, None),
    ("ART002", site(musearm_md=text(drop=("metaTitle",))), GOOD, None),
    ("ART003", site(musearm_md=body("Ja, ofte. Når du ændrer dine vaner, bliver det som regel bedre i løbet af nogle uger.\n", "")), GOOD, None),
    ("ART004", site(musearm_md=text({"lastUpdated": '"01/01/2025"'})), GOOD, None),
    ("ART005", site(musearm_md=text({"related": "\n  - type: ordbog\n    slug: findes-ikke"})),
     site(musearm_md=text({"related": "\n  - type: ordbog\n    slug: tennisalbue"})), None),
    ("SEO001", site(musearm_md=text({"metaTitle": '"Musearm – hvad er musearm, og hvad kan du gøre ved smerterne i armen?"'})), GOOD, None),
    ("SEO002", site(musearm_md=text(body=body(FIRST + " De kommer tit efter mange timer ved en computer med mus og tastatur.", "Ondt i armen."))), GOOD, None),
    ("SEO003", site(musearm_md=text({"description": '"' + "Musearm giver ømme arme. " * 8 + '"'})),
     site(musearm_md=text({"description": '"Musearm giver smerter i underarm og hånd. Læs om tegn, årsager og de bedste råd."'})), None),
    ("SEO004", site(tennisalbue_md=OTHER.replace("Tennisalbue – smerter på albuens yderside", "Musearm – årsager, tegn og gode råd")), GOOD, None),
    ("SEO005", site(museskulder_md=text({"metaTitle": '"Musearm – et andet emne"'})), GOOD, None),
    ("SEO006", site(musearm_md=text(body=body("## Hvad kan du selv gøre?", "# Hvad kan du selv gøre?"))), GOOD, None),
    ("SEO007", site(musearm_md=text(drop=("title", "metaTitle"))), site(musearm_md=text(drop=("title",))), None),
    ("SEO008", site(musearm_md=text(body=body("## Hvad kan du selv gøre?", "#### Hvad kan du selv gøre?"))), GOOD, None),
    ("SEO009", site(musearm_md=text(body=body("## Hvad er tegnene på musearm?", "## Musearm"))), GOOD, None),
    ("LNK001", site(musearm_md=text(body=body(FIRST, "Musearm er [smerter](/ordbog/findes-ikke/) i underarmen og hånden."))),
     site(musearm_md=text(body=body(FIRST, "Musearm er [smerter](/ordbog/tennisalbue/#hvad-kan-du-selv-goere) i [underarmen](tennisalbue.md) og [hånden](#top)."))), None),
    ("LNK002", site(musearm_md=text(body=body(FIRST, FIRST + " ![Arm ved tastatur](/billeder/arm.png)"))),
     {**site(musearm_md=text(body=body(FIRST, FIRST + " ![Arm ved tastatur](/billeder/arm.png)"))), "billeder/arm.png": b"png"}, None),
    ("LNK003", site(musearm_md=text(body=body(FIRST, "Musearm er [smerter](https://eksempel.dk/ordbog/tennisalbue/) i underarmen og hånden."))),
     site(musearm_md=text(body=body(FIRST, "Musearm er [smerter](https://sundhed.example/arm) i underarmen og hånden."))), SITE_TOML),
    ("LNK004", site(musearm_md=text(body=body(FIRST, "Musearm er [smerter](http://sundhed.example/arm) i underarmen og hånden."))),
     site(musearm_md=text(body=body(FIRST, "Musearm er [smerter](https://sundhed.example/arm) i underarmen og hånden."))), None),
    ("TXT001", site(musearm_md=text(body="KORT: " + GOOD_BODY)),
     site(musearm_md=text(body=body(FIRST, "Musearm er smerter i en XXXL-arm og en kort hånd."))), None),
    ("TXT002", site(musearm_md=text(body=body("## Hvad kan du selv gøre?", "## Hvad skyldes det?\n\n## Hvad kan du selv gøre?"))), GOOD, None),
    ("TXT003", site(musearm_md=text(body=GOOD_BODY + "\n## Mere om arme\n\nArme er gode.\n")),
     site(musearm_md=text(body=GOOD_BODY + "\n## Kilder\n\nSundhedsstyrelsen, 2024.\n")), None),
    ("TXT004", site(musearm_md=text().replace("og tastatur.\n", "og tastatur. \n", 1)),
     site(musearm_md=text().replace("og hånden. De", "og hånden.  \nDe", 1)), None),
    ("DUP001", {"loeberknae.md": text({"title": '"Løberknæ"', "metaTitle": '"Løberknæ – ondt i knæet efter løb"'}, LONG_BODY),
                "knae-efter-loeb.md": text({"title": '"Knæ efter løb"', "metaTitle": '"Knæ efter løb – gode råd"'}, NEAR_COPY_BODY)},
     {"nakke.md": text({"title": '"Nakke"', "metaTitle": '"Nakke – smerter og råd"'}, SIBLING_A),
      "laend.md": text({"title": '"Lænd"', "metaTitle": '"Lænd – smerter og råd"'}, SIBLING_B)}, None),
    ("DUP002", site(tarsal_md=text({"title": '"Tarsal tunnel"', "metaTitle": '"Tarsal tunnel – hvad er det?"'}),
                    tarsaltunnelsyndrom_md=text({"title": '"Tarsaltunnelsyndrom"', "metaTitle": '"Tarsaltunnelsyndrom – tegn og råd"'})),
     site(lunge_md=text({"title": '"Lunge"', "metaTitle": '"Lunge – sådan virker den"'}),
          lungesygdomme_md=text({"title": '"Lungesygdomme"', "metaTitle": '"Lungesygdomme – de mest almindelige"'})), None),
    ("RDB001", site(musearm_md=text(body=body(FIRST, HARD * 8))), GOOD, None),
    ("RDB002", site(musearm_md=text(body=body(FIRST, LONG_SENTENCE))), GOOD, None),
    ("REV001", site(musearm_md=text({"lastUpdated": '"01/05/2024"', "datePublished": '"01/05/2024"'})),
     site(musearm_md=text({"lastUpdated": '"01/05/2024"', "datePublished": '"01/05/2024"', "lastReviewed": '"01/05/2025"'})), None),
]
UNTESTABLE_AS_FIXTURE = {"LOAD001", "LOAD005"}  # tested below with a patched read and a dangling symlink


@pytest.mark.parametrize("code, with_problem, without, toml", [pytest.param(*c, id=c[0]) for c in CASES])
def test_rule_both_ways(tmp_path: Path, code: str, with_problem: dict, without: dict, toml: str | None) -> None:
    found = codes(check_folder(write(tmp_path / "yes", with_problem, toml)))
    assert code in found
    assert code not in codes(check_folder(write(tmp_path / "no", without, toml)))


def test_every_rule_has_a_case() -> None:
    covered = {c[0] for c in CASES} | UNTESTABLE_AS_FIXTURE
    assert [r.code for r in RULES if r.code not in covered] == []


def test_the_good_site_has_no_findings_at_all(tmp_path: Path) -> None:
    assert check_folder(write(tmp_path, GOOD)) == ()


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    content = write(tmp_path, site(x_md=text()))
    real = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == "x.md":
            raise PermissionError(13, "Permission denied")
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    assert "LOAD001" in codes(check_folder(content))
    monkeypatch.setattr(Path, "read_bytes", real)
    assert "LOAD001" not in codes(check_folder(content))


def test_dangling_symlink(tmp_path: Path) -> None:
    content = write(tmp_path, GOOD)
    (content / "borte.md").symlink_to(content / "findes-ikke.md")
    assert "LOAD005" in codes(check_folder(content))
    (content / "borte.md").unlink()
    (content / "borte.md").symlink_to(content / "musearm.md")
    assert "LOAD005" not in codes(check_folder(content))


def test_an_invalid_date_does_not_hide_other_findings(tmp_path: Path) -> None:
    content = write(tmp_path, site(musearm_md=text({"lastUpdated": '"31/02/2025"'}, "KORT: " + GOOD_BODY)))
    assert {"FM004", "TXT001"} <= set(codes(check_folder(content)))


def test_broken_related_points_at_the_related_key(tmp_path: Path) -> None:
    content = write(tmp_path, site(musearm_md=text({"related": "\n  - type: ordbog\n    slug: findes-ikke"})))
    [f] = [f for f in check_folder(content) if f.code == "ART005"]
    assert f.diagnostic.line == 6


def test_every_rule_is_documented_with_its_name_level_and_rationale() -> None:
    docs = (Path(__file__).parent.parent / "docs" / "checks.md").read_text(encoding="utf-8")
    for r in RULES:
        row = f"| `{r.code}` | `{r.name}` | {r.level.value} | {'yes' if r.fixable else ''} | {r.summary} | {r.rationale} |"
        assert row in docs, f"docs/checks.md: document {r.code} as\n{row}"


def test_names_are_kebab_case_and_codes_unique() -> None:
    import re

    assert len({r.code for r in RULES}) == len(RULES) == len({r.name for r in RULES})
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", r.name) for r in RULES)
    required = {"unknown-key", "date-order", "broken-link", "leftover-marker", "near-duplicate", "duplicate-topic",
                "readability", "review-due"}
    assert required <= {r.name for r in RULES}


def test_placeholders_are_reported_whole_in_frontmatter_and_body(tmp_path: Path) -> None:
    placeholder = text({"metaTitle": '"Musearm – [indsæt kort beskrivelse]"'}, body("Hold små pauser", "[indsæt råd] Hold små pauser"))
    content = write(tmp_path, site(musearm_md=placeholder))
    assert [f.diagnostic.message for f in check_folder(content) if f.code == "TXT001"] == [
        "metaTitle indeholder '[indsæt kort beskrivelse]'",
        "redigeringsmarkøren '[indsæt råd]' står stadig i teksten",
    ]
