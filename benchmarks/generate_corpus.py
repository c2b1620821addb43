"""Synthetic Danish glossary corpus for benchmarks and large-scale tests.

    python benchmarks/generate_corpus.py --count 3850 --out /tmp/corpus --seed 1

Every article is built from vocabulary and sentence templates written for this project (no
text from any real corpus): YAML frontmatter (title, metaTitle, DD/MM/YYYY dates, `related` in
about a third), an introduction, 3–9 H2 sections of realistic length, a GFM table in about a
third, and a trailing "Ofte stillede spørgsmål" section of `###` questions. The output is a
pure function of (count, seed): the same arguments always write byte-identical files.
"""

from __future__ import annotations

import argparse
import random
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

BODY_PARTS = [
    ("knæ", "knæet"), ("skulder", "skulderen"), ("ryg", "ryggen"), ("nakke", "nakken"), ("hofte", "hoften"),
    ("ankel", "anklen"), ("albue", "albuen"), ("håndled", "håndleddet"), ("fod", "foden"), ("lænd", "lænden"),
    ("hæl", "hælen"), ("læg", "læggen"), ("lår", "låret"), ("bækken", "bækkenet"), ("kæbe", "kæben"),
    ("tå", "tåen"), ("finger", "fingeren"), ("brystryg", "brystryggen"), ("ribben", "ribbenet"), ("lyske", "lysken"),
    ("menisk", "menisken"), ("achillessene", "achillessenen"), ("rotatorcuff", "rotatorcuffen"), ("hoved", "hovedet"),
    ("kravebensled", "kravebensleddet"), ("skinneben", "skinnebenet"), ("korsbånd", "korsbåndet"), ("bækkenbund", "bækkenbunden"),
]
CONDITIONS = [
    "smerter", "betændelse", "slidgigt", "forstuvning", "skade", "overbelastning", "stivhed", "hævelse",
    "instabilitet", "brud", "spændinger", "nerveirritation", "kramper", "træthed", "ømhed", "ledskred",
    "seneskade", "bruskskade", "slimsækbetændelse", "fejlstilling", "prolaps", "forkalkning",
]
QUALIFIERS = [
    "akut", "kronisk", "tilbagevendende", "medfødt", "aldersbetinget", "sportsrelateret", "let", "udtalt",
    "hos børn", "hos ældre", "under graviditet", "efter operation", "hos løbere", "hos kontoransatte",
]
CAUSES = [
    "gentagne bevægelser", "pludselig overbelastning", "et fald", "manglende opvarmning", "dårlig arbejdsstilling",
    "svage støttemuskler", "nedsat bevægelighed", "slid over mange år", "for hurtig optrapning af træning",
    "stillesiddende arbejde", "forkert fodtøj", "overvægt", "stress og dårlig søvn", "tidligere skader",
]
SYMPTOMS = [
    "smerte ved belastning", "morgenstivhed", "hævelse omkring leddet", "nedsat kraft", "prikken og snurren",
    "smerter om natten", "knasen ved bevægelse", "ømhed ved tryk", "træthed i musklerne", "udstrålende smerter",
    "begrænset bevægelighed", "ustabilitet i leddet",
]
TREATMENTS = [
    "styrketræning", "udstrækning", "manuel behandling", "massage", "akupunktur", "varmebehandling",
    "kuldebehandling", "balancetræning", "tapening", "stødbølgebehandling", "gradueret genoptræning",
    "vejledning i ergonomi", "smertelindrende medicin", "hvile i en kort periode", "hjemmeøvelser",
]
PROFESSIONALS = ["fysioterapeuten", "lægen", "kiropraktoren", "sygeplejersken", "specialisten", "ergoterapeuten"]
ADVERBS = ["ofte", "typisk", "som regel", "i mange tilfælde", "især", "gradvist", "i begyndelsen", "efterhånden"]
ADJECTIVES = ["vigtigt", "afgørende", "nyttigt", "en god idé", "hensigtsmæssigt", "værd at overveje"]

INTRO = [
    "{Term} er en tilstand, hvor {part_def} påvirkes af {symptom} og {symptom2}.",
    "{Term} rammer {adverb} personer, der udsættes for {cause}.",
    "Tilstanden kan opstå pludseligt eller udvikle sig {adverb} over flere uger.",
    "Mange oplever, at {symptom} gør det svært at klare hverdagens opgaver.",
    "I denne artikel gennemgår vi årsager, symptomer, behandling og forebyggelse af {term}.",
    "Med den rette indsats kan de fleste vende tilbage til deres normale aktivitetsniveau.",
]
SENTENCES = [
    "{Term} skyldes {adverb} {cause}, men {cause2} kan også spille en rolle.",
    "Det mest almindelige symptom er {symptom}, og mange beskriver desuden {symptom2}.",
    "{Professional} vil {adverb} starte med en grundig undersøgelse af {part_def}.",
    "Behandlingen består {adverb} af {treatment} kombineret med {treatment2}.",
    "Det er {adjective} at holde sig i bevægelse, så længe smerterne tillader det.",
    "Ved {cause} belastes {part_def} mere, end vævet kan nå at tilpasse sig.",
    "Undersøgelser viser, at {treatment} kan reducere {symptom} hos en stor del af patienterne.",
    "Hvis {symptom} varer mere end nogle uger, bør man kontakte {professional}.",
    "En skræddersyet plan med {treatment} giver {adverb} det bedste resultat på længere sigt.",
    "Mange har gavn af at kombinere {treatment} med daglige {exercise}.",
    "Det kan være {adjective} at justere arbejdsstillingen og tage korte pauser i løbet af dagen.",
    "{Symptom} forværres {adverb} ved langvarig belastning og bedres ved aflastning.",
    "Prognosen er god, og de fleste mærker en tydelig forbedring inden for {weeks} uger.",
    "Hos nogle patienter kan det være nødvendigt med en scanning for at udelukke andre årsager.",
    "Et gradvist øget træningsprogram hjælper vævet i {part_def} med at blive mere robust.",
    "Søvn, kost og stress har også betydning for, hvor hurtigt {part_def} kommer sig.",
    "Det anbefales at undgå {cause} i den første fase af behandlingen.",
    "{Professional} kan vejlede i, hvilke {exercise} der passer til netop din situation.",
    "Smerterne sidder {adverb} lokalt, men kan stråle ud i det omkringliggende område.",
    "Tidlig behandling mindsker risikoen for, at {term} udvikler sig til et langvarigt problem.",
]
SECTION_HEADINGS = [
    "Hvad er {term}?", "Hvad er årsagerne til {term}?", "Hvilke symptomer giver {term}?",
    "Hvordan stilles diagnosen?", "Hvordan behandles {term}?", "Hvordan kan fysioterapi hjælpe?",
    "Øvelser mod {term}", "Hvordan kan man forebygge {term}?", "Hvornår skal man søge hjælp?",
    "Anatomien omkring {part_def}", "Prognose og forløb", "Gode råd i hverdagen",
    "Forskellen på akut og kronisk {term}", "Træning efter {term}",
]
FAQ_QUESTIONS = [
    "Hvor lang tid tager det at komme sig over {term}?", "Kan jeg træne med {term}?",
    "Skal jeg bruge is eller varme?", "Hvornår bør jeg kontakte {professional}?",
    "Kan {term} komme igen?", "Hjælper smertestillende medicin?", "Er {term} arveligt?",
    "Kan børn få {term}?", "Hvilke øvelser er bedst?", "Skal jeg holde helt op med at bevæge mig?",
]
EXERCISES = ["øvelser", "styrkeøvelser", "udstrækningsøvelser", "balanceøvelser", "mobilitetsøvelser"]
OTHER_TYPES = ["styrkeoevelser", "udstraekning", "behandling"]


@dataclass(frozen=True)
class Term:
    title: str
    slug: str
    part_def: str


def slugify(text: str) -> str:
    """Danish transliteration (æ→ae, ø→oe, å→aa), lower case, hyphens."""
    text = text.lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "-".join("".join(c if c.isalnum() else " " for c in text).split())


def make_terms(count: int, rng: random.Random) -> list[Term]:
    """`count` unique terms: body part + condition, then with a qualifier, then numbered."""
    combos = [(p, c) for p in BODY_PARTS for c in CONDITIONS]
    rng.shuffle(combos)
    terms: list[Term] = []
    seen: set[str] = set()
    round_no = 0
    while len(terms) < count:
        for (part, part_def), condition in combos:
            if len(terms) >= count:
                break
            title = (part + condition).capitalize()
            if round_no >= 1:
                title += " " + QUALIFIERS[(round_no - 1) % len(QUALIFIERS)]
            if round_no > len(QUALIFIERS):
                title += f" type {(round_no - 1) // len(QUALIFIERS) + 1}"
            slug = slugify(title)
            if slug not in seen:
                seen.add(slug)
                terms.append(Term(title, slug, part_def))
        round_no += 1
    return terms


def fill(template: str, term: Term, rng: random.Random) -> str:
    lower = term.title[0].lower() + term.title[1:]
    values = {
        "term": lower, "part_def": term.part_def, "cause": rng.choice(CAUSES), "cause2": rng.choice(CAUSES),
        "symptom": rng.choice(SYMPTOMS), "symptom2": rng.choice(SYMPTOMS), "treatment": rng.choice(TREATMENTS),
        "treatment2": rng.choice(TREATMENTS), "professional": rng.choice(PROFESSIONALS), "adverb": rng.choice(ADVERBS),
        "adjective": rng.choice(ADJECTIVES), "exercise": rng.choice(EXERCISES), "weeks": str(rng.randint(2, 12)),
    }
    values |= {k.capitalize(): v[0].upper() + v[1:] for k, v in list(values.items())}
    values["Term"] = term.title
    return template.format(**values)


def paragraph(term: Term, rng: random.Random, sentences: list[str], n: int) -> str:
    return " ".join(fill(template, term, rng) for template in rng.sample(sentences, min(n, len(sentences))))


def table(term: Term, rng: random.Random) -> str:
    rows = ["| Behandling | Formål | Varighed |", "| --- | --- | --- |"]
    for treatment in rng.sample(TREATMENTS, rng.randint(3, 6)):
        purpose = fill("Mindsker {symptom}", term, rng)
        rows.append(f"| {treatment.capitalize()} | {purpose} | {rng.randint(2, 12)} uger |")
    return "\n".join(rows)


def date(rng: random.Random) -> tuple[str, str]:
    year, month, day = rng.randint(2019, 2025), rng.randint(1, 12), rng.randint(1, 28)
    published = f"{day:02d}/{month:02d}/{year}"
    later = min(year + rng.randint(0, 2), 2025)
    updated = f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{later}" if later > year else published
    return published, updated


def frontmatter(term: Term, terms: list[Term], rng: random.Random) -> list[str]:
    published, updated = date(rng)
    quote = rng.random() < 0.5
    lines = ["---", f'title: "{term.title}"', f'metaTitle: "{term.title} – årsager, symptomer og behandling"']
    lines += [f'lastUpdated: "{updated}"' if quote else f"lastUpdated: {updated}"]
    lines += [f'datePublished: "{published}"' if quote else f"datePublished: {published}"]
    if rng.random() < 1 / 3:
        lines.append("related:")
        for other in rng.sample(terms, min(len(terms), rng.randint(1, 3))):
            if other.slug != term.slug:
                lines += ["  - type: ordbog", f"    slug: {other.slug}", f'    title: "{other.title}"']
        if rng.random() < 0.5:
            lines += [f"  - type: {rng.choice(OTHER_TYPES)}", f"    slug: {term.slug}", f'    title: "{term.title}"']
    return lines + ["---", ""]


def article(term: Term, terms: list[Term], rng: random.Random) -> str:
    """One article; ~300–1,700 words, averaging ~650 like a real glossary."""
    out = frontmatter(term, terms, rng)
    out += [paragraph(term, rng, INTRO, rng.randint(3, 5)), ""]
    headings = rng.sample(SECTION_HEADINGS, rng.randint(3, 9))
    table_at = rng.randrange(len(headings)) if rng.random() < 1 / 3 else -1
    for i, heading in enumerate(headings):
        out += [f"## {fill(heading, term, rng)}", ""]
        for _ in range(rng.choice((1, 1, 1, 2, 2, 3))):
            out += [paragraph(term, rng, SENTENCES, rng.randint(2, 5)), ""]
        if i == table_at:
            out += [table(term, rng), ""]
    out += [f"## Ofte stillede spørgsmål om {term.title[0].lower() + term.title[1:]}", ""]
    for question in rng.sample(FAQ_QUESTIONS, rng.randint(3, 6)):
        out += [f"### {fill(question, term, rng)}", "", paragraph(term, rng, SENTENCES, rng.randint(1, 3)), ""]
    return "\n".join(out).rstrip("\n") + "\n"


def generate(count: int, out: Path, seed: int) -> list[Path]:
    """Write `count` articles into `out` (created); returns the written paths, sorted."""
    rng = random.Random(seed)
    terms = make_terms(count, rng)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for index, term in enumerate(terms):
        path = out / f"{term.slug}.md"
        path.write_text(article(term, terms, random.Random(f"{seed}:{index}")), encoding="utf-8")
        paths.append(path)
    return sorted(paths)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=385, help="number of articles (default 385)")
    parser.add_argument("--out", type=Path, required=True, help="folder to write into (created)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    args = parser.parse_args(argv)
    if args.count < 1:
        parser.error("--count must be at least 1")
    paths = generate(args.count, args.out, args.seed)
    print(f"{len(paths)} articles written to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
