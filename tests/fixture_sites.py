"""Content folders for the browser and validity tests, written from tests/data/ into a tmp folder.

- `stress_site`: tests/data/browser_site/ (a long article with a wide table, a very long word and
  URL, a code line, FAQ) plus one short filler article per index letter, so the A–Å index is long,
  has empty letters (J, Q, X, Y, Z), Æ, Ø, Å and the '#' group for a title starting with a digit.
- `xss_site`: every vector of tests/data/xss/ (the hardening tests' OWASP-style corpus) and
  tests/data/xss_browser/ (vectors that signal through a global marker or the console).

All text is written for these tests; none is copied from the real corpus.
"""

from __future__ import annotations

import shutil
from pathlib import Path

DATA = Path(__file__).parent / "data"
BROWSER_SITE = DATA / "browser_site"
XSS_DIRS = (DATA / "xss", DATA / "xss_browser")

# (file stem, title): one per letter group; J, Q, X, Y and Z are left empty on purpose.
FILLER_TITLES = (
    ("akillessene", "Akillessene"), ("albue", "Albue"), ("baekkenbund", "Bækkenbund"),
    ("blodtryk", "Blodtryk"), ("cyste", "Cyste"), ("diskusprolaps", "Diskusprolaps"),
    ("epikondylitis", "Epikondylitis"), ("fibromyalgi", "Fibromyalgi"), ("gigt", "Gigt"),
    ("haelspore", "Hælspore"), ("hovedpine", "Hovedpine"), ("knaeskal", "Knæskal"),
    ("kondition", "Kondition"), ("menisk", "Menisk"), ("nakkesmerter", "Nakkesmerter"),
    ("osteoporose", "Osteoporose"), ("piriformis", "Piriformis"), ("rygsoejle", "Rygsøjle"),
    ("skulder", "Skulder"), ("senebetaendelse", "Senebetændelse"), ("tennisalbue", "Tennisalbue"),
    ("ultralyd", "Ultralyd"), ("vejrtraekning", "Vejrtrækning"), ("whiplash", "Whiplash"),
    ("aetsning", "Ætsning"), ("oedem", "Ødem"), ("aareknuder", "Åreknuder"),
    ("3d-scanning", "3D-scanning"),
)


def filler_article(title: str) -> str:
    return (
        f'---\ntitle: "{title}"\nlastUpdated: "2024-02-01"\n---\n\n'
        f"{title} er et opslagsord i browsertestenes prøvesite. Teksten fylder kun, så indekset får mange "
        "bogstaver og bliver længere end skærmen.\n\n"
        "## Kort forklaring\n\nHer ville en rigtig artikel forklare ordet i et sprog, alle kan forstå.\n"
    )


def stress_site(folder: Path) -> Path:
    """Write the stress site's articles into `folder` (created) and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in sorted(BROWSER_SITE.glob("*.md")):
        shutil.copyfile(path, folder / path.name)
    for stem, title in FILLER_TITLES:
        (folder / f"{stem}.md").write_text(filler_article(title), encoding="utf-8")
    return folder


def xss_site(folder: Path) -> Path:
    """Copy every XSS vector article that exists into `folder` (created) and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    for source in XSS_DIRS:
        for path in sorted(source.glob("*.md")):
            shutil.copyfile(path, folder / path.name)
    return folder
