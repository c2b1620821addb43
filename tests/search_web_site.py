"""A small Danish glossary written for the search tests (no text from any real corpus).

Built so each search feature has something to find: a compound only written apart ("krampe i
foden" for "fodkrampe"), an alias in English (whiplash), æ/ø/å words to type as ae/oe/aa, an
FAQ question to ask, and characters that must come out escaped (<, >, &, quotes).
"""

from __future__ import annotations

from pathlib import Path

from conftest import article

ARTICLES = {
    "krampe-i-foden.md": article(
        "Krampe i foden",
        """
        Krampe i foden er en pludselig og smertefuld sammentrækning af de små muskler under foden.
        Tæerne kan krølle sig sammen, og foden føles stiv i et halvt minut eller mere.

        ## Hvorfor får man krampe i foden?

        Væskemangel, lange gåture i nye sko og trætte muskler efter træning er de hyppigste grunde.

        ## Ofte stillede spørgsmål om krampe i foden

        ### Hvorfor får jeg krampe i foden om natten?

        Om natten ligger foden ofte strakt, så musklerne under foden forkortes og lettere trækker sig sammen.

        ### Hjælper det at strække tæerne?

        Ja. Træk forsigtigt tæerne op mod skinnebenet, til krampen slipper.
        """,
        lastUpdated='"03/02/2025"',
    ),
    "tennisalbue.md": article(
        "Tennisalbue",
        """
        Tennisalbue giver ondt på ydersiden af albuen, hvor underarmens strækkemuskler hæfter på knoglen.
        Mange får det uden nogensinde at have spillet tennis, fx efter meget arbejde med skruetrækker.

        ## Behandling af tennisalbue

        Aflastning, gradvis styrketræning af underarmen og tålmodighed: senen heler langsomt.
        """,
        aliases="[lateral epikondylitis]",
    ),
    "golfalbue.md": article(
        "Golfalbue",
        """
        Golfalbue giver smerter på indersiden af albuen, hvor bøjemusklerne fra underarmen sidder fast.

        ## Øvelser mod golfalbue

        Rolige øvelser for håndleddet og underarmen aflaster senen.
        """,
    ),
    "rygoevelser.md": article(
        "Rygøvelser",
        """
        Rygøvelser styrker musklerne langs rygsøjlen og gør det lettere at sidde og løfte uden smerter.

        ## Tre rolige øvelser

        Bækkenvip, katten og kamelen og rolige rygstræk kan laves hver dag på gulvet.
        """,
    ),
    "piskesmaeld.md": article(
        "Piskesmæld",
        """
        Piskesmæld er en skade på nakken, når hovedet kastes hurtigt frem og tilbage, typisk ved et
        påkørsel bagfra i trafikken.

        ## Symptomer ved piskesmæld

        Stiv nakke, hovedpine og svimmelhed i dagene efter ulykken.
        """,
        aliases="[whiplash]",
    ),
    "knaesmerter.md": article(
        "Knæsmerter",
        """
        Knæsmerter kan sidde foran, bagpå eller på siderne af knæet og har mange forskellige årsager.

        ## Ondt i knæet når man går på trapper

        Smerter foran på knæet ved trappegang kommer ofte fra leddet bag knæskallen.
        """,
    ),
    "slidgigt-i-hoften.md": article(
        "Slidgigt i hoften",
        """
        Slidgigt i hoften betyder, at brusken i hofteleddet er blevet tyndere med årene.
        Det giver stivhed om morgenen og smerter i lysken, når man går længe.

        ## Træning ved slidgigt

        Træning af musklerne omkring hoften lindrer smerterne for de fleste.
        """,
    ),
    "haelspore.md": article(
        "Hælspore",
        """
        Hælspore er en lille knoglenæse på hælbenet, som ofte ses sammen med irritation af senepladen
        under foden. Det gør ondt i hælen, især de første skridt om morgenen.
        """,
    ),
    "blodtryk.md": article(
        "Blodtryk",
        """
        Blodtryk skrives som to tal, fx 120/80 mmHg. Et tryk < 140/90 & "normalt" for de fleste voksne;
        en værdi > 140 kaldes forhøjet. Skriv aldrig <b>fed</b> skrift i en måling.
        """,
    ),
}


def write_search_site(folder: Path) -> Path:
    """Write the articles into `folder` (created) and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder
