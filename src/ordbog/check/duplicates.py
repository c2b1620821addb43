"""Duplicate pages: near-duplicate articles (shared 5-word phrases) and duplicate topics (titles
that name the same thing).

Near-duplicates: the running text of every article becomes the set of its 5-word shingles. Phrases
that many articles share are template text ("Hvornår skal man søge hjælp"), so candidate pairs come
only from rare phrases (in at most `_RARE` articles); each candidate pair is then scored exactly by Jaccard
similarity. Articles written from one template about different things share many phrases but few
rare ones, and score far below a copy with a few sentences changed.

Duplicate topics: titles and aliases are compared as one compound (case, spaces and hyphens
ignored: "Karpal tunnel" = "karpaltunnel"), Danish-stemmed, with a trailing "syndrom" dropped,
so "Karpal tunnel" and "Karpaltunnelsyndrom" meet, but "Hjerte" and "Hjertesygdomme" do not.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from functools import cache

import Stemmer

from ordbog.check.findings import CheckContext, Finding, finding
from ordbog.check.places import key_line
from ordbog.check.prose import Paragraph
from ordbog.danish.slug import transliterate

SHINGLE = 5
_RARE = 4
_NON_LETTER = re.compile(r"[^a-z0-9]")
_TOPIC_SUFFIXES = ("syndromet", "syndrom")


def shingles(paragraphs: tuple[Paragraph, ...]) -> frozenset[int]:
    """Hashes of the 5-word phrases of an article's running text (64-bit: collisions are negligible)."""
    words = " ".join(w for p in paragraphs for s in p.sentences for w in s.words).casefold().split(" ")
    return frozenset(map(hash, zip(*(words[k:] for k in range(SHINGLE)), strict=False)))


def similar_pairs(sets: dict[str, frozenset[int]], threshold: float) -> list[tuple[float, str, str]]:
    """(Jaccard, a, b) for every pair at or above the threshold, most similar first."""
    frequency: Counter[int] = Counter()
    for found in sets.values():
        frequency.update(found)
    rare = {s for s, n in frequency.items() if 1 < n <= _RARE}
    owners: dict[int, list[str]] = defaultdict(list)
    for key, found in sets.items():
        for s in found & rare:
            owners[s].append(key)
    shared: Counter[tuple[str, str]] = Counter()
    for keys in owners.values():
        shared.update(itertools.combinations(keys, 2))
    pairs = []
    for (x, y), n in shared.items():
        a, b = sets[x], sets[y]
        if n < threshold * min(len(a), len(b)) / 2:
            continue  # too few rare phrases in common to reach the threshold
        score = len(a & b) / len(a | b)
        if score >= threshold:
            pairs.append((score, *sorted((x, y))))
    return sorted(pairs, key=lambda p: (-p[0], p[1], p[2]))


def near_duplicates(ctx: CheckContext) -> Iterator[Finding]:
    sets = {a.path: shingles(ctx.prose(a)) for a in ctx.articles}
    lines = {a.path: a.body_line for a in ctx.articles}
    for score, x, y in similar_pairs(sets, ctx.settings.near_duplicate_threshold):
        for path, other in ((x, y), (y, x)):
            yield finding("DUP001", path, lines[path], f"artiklen er {score:.0%} ens med {other}",
                          "slå artiklerne sammen, eller skriv den ene om, så den handler om noget andet")


@cache
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("danish")


def topic_key(title: str) -> str:
    """"Karpal tunnel", "karpaltunnel" and "Karpaltunnelsyndromet" → "karpaltunnel"."""
    key = _stemmer().stemWord(title.casefold().replace(" ", "").replace("-", ""))
    for suffix in _TOPIC_SUFFIXES:
        if key.endswith(suffix) and len(key) - len(suffix) >= 4:
            key = key[: -len(suffix)]
            break
    return _NON_LETTER.sub("", transliterate(_stemmer().stemWord(key)).lower())


def duplicate_topics(ctx: CheckContext) -> Iterator[Finding]:
    groups: dict[str, dict[str, str]] = defaultdict(dict)
    for a in ctx.articles:
        for name in (a.title, *a.aliases):
            if (key := topic_key(name)):
                groups[key].setdefault(a.path, name)
    for names in groups.values():
        if len(names) < 2:
            continue
        for path, name in names.items():
            others = ", ".join(f"{p} ('{n}')" for p, n in names.items() if p != path)
            yield finding("DUP002", path, key_line(ctx.sources[path], "title"),
                          f"'{name}' handler om det samme som {others}",
                          "slå artiklerne sammen under én adresse, og brug den andes titel som alias")


def check(ctx: CheckContext) -> Iterator[Finding]:
    yield from near_duplicates(ctx)
    yield from duplicate_topics(ctx)
