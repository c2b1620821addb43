"""Danish fixture articles for the `ordbog check` tests (written for these tests)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from conftest import write_content

from ordbog.check import run_check
from ordbog.check.findings import Finding
from ordbog.config import load_config

TODAY = dt.date(2025, 6, 1)

GOOD_FM = {
    "title": '"Musearm"',
    "metaTitle": '"Musearm – årsager, tegn og gode råd"',
    "lastUpdated": '"01/03/2025"',
    "datePublished": '"01/02/2025"',
}

GOOD_BODY = """\
Musearm er smerter i underarmen og hånden. De kommer tit efter mange timer ved en computer med mus og tastatur.

## Hvad er tegnene på musearm?

Du kan mærke ømhed, prikken eller en træt arm. Det bliver tit værre sidst på dagen. Det kan også gøre ondt i skulderen.

## Hvad kan du selv gøre?

Hold små pauser hver halve time. Skift mellem mus og tastatur. Stil bordet, så dine skuldre kan hvile.

## Ofte stillede spørgsmål om musearm

### Går musearm over af sig selv?

Ja, ofte. Når du ændrer dine vaner, bliver det som regel bedre i løbet af nogle uger.
"""


def text(fm: dict[str, str] | None = None, body: str | None = None, drop: tuple[str, ...] = ()) -> str:
    """The good article with frontmatter keys replaced/added (`fm`), removed (`drop`) or a new body."""
    merged = {k: v for k, v in {**GOOD_FM, **(fm or {})}.items() if k not in drop}
    lines = ["---", *(f"{k}: {v}" for k, v in merged.items()), "---", ""]
    return "\n".join(lines) + "\n" + (GOOD_BODY if body is None else body)


def write(folder: Path, files: dict[str, str | bytes], toml: str | None = None) -> Path:
    return write_content(folder, files, toml)


def check_folder(content: Path, today: dt.date = TODAY, **options) -> tuple[Finding, ...]:
    config, diags = load_config(content, content.parent / "_site", None)
    assert config is not None, diags
    return run_check(config, today, **options).findings


def codes(findings: tuple[Finding, ...]) -> list[str]:
    return [f.code for f in findings]


LONG_BODY = """\
Knæsmerter efter løb er almindelige hos motionister, der øger mængden for hurtigt.

## Hvorfor gør knæet ondt?

Senen under knæskallen tager imod meget belastning, når du lander på hælen. Hvis musklerne på lårets forside er trætte, får senen mere at bære. Nye sko kan ændre, hvordan foden rammer underlaget. En hård asfaltvej giver flere stød end en skovsti. Mange mærker først smerten dagen efter en lang tur.

## Hvad kan du gøre?

Skær ned på distancen i to uger, men bliv ved med at bevæge dig. Cykling og svømning holder konditionen uden at presse knæet. Styrk lårmusklerne med langsomme knæbøjninger tre gange om ugen. Øg løbet igen med højst ti procent om ugen. Lyt til kroppen, og stop hvis smerten bliver skarp.

## Hvornår skal du søge hjælp?

Kontakt en fysioterapeut, hvis knæet hæver eller låser. Søg også hjælp, hvis smerten ikke er bedre efter seks uger. En undersøgelse kan vise, om det er senen eller menisken. Du får et program, der passer til dit niveau og dine mål.
"""

# the same article with three sentences rewritten: a near-duplicate
NEAR_COPY_BODY = LONG_BODY.replace(
    "Nye sko kan ændre, hvordan foden rammer underlaget.", "Slidte sko dæmper mindre end nye."
).replace(
    "Øg løbet igen med højst ti procent om ugen.", "Kom langsomt tilbage til dine gamle ruter."
).replace(
    "Du får et program, der passer til dit niveau og dine mål.", "Bagefter laver I en plan sammen."
)


def template_body(part: str, cause: str, muscle: str, exercise: str, weeks: str, sign: str) -> str:
    """One template, filled in for different body parts: similar structure, different facts."""
    return f"""\
Smerter i {part} rammer mange voksne, og {cause} er en hyppig årsag.

## Hvorfor gør {part} ondt?

I {part} sidder {muscle}, som kan blive overbelastet af {cause}. Når {muscle} er spændt, føles {part} stiv om morgenen. Nogle mærker også {sign}, når de har siddet stille længe.

## Hvad kan du gøre ved smerter i {part}?

Prøv {exercise} to gange om dagen i {weeks}. Varme på {part} kan løsne {muscle}. Undgå at ligge stille, fordi {part} har brug for bevægelse.

## Hvornår skal du søge hjælp?

Søg hjælp, hvis {sign} varer mere end {weeks}, eller hvis {part} hæver.
"""


SIBLING_A = template_body("nakken", "lange timer foran skærmen", "kappemusklen", "rolige nikkebevægelser",
                          "tre uger", "prikken i fingrene")
SIBLING_B = template_body("lænden", "tunge løft med bøjet ryg", "de lange rygstrækkere", "bækkenvip på gulvet",
                          "fire uger", "udstråling til benet")
