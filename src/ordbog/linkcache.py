"""Link cache: what the last build of a site linked, per article, so that a rebuild re-chooses the
links of only the articles whose automatic links can change (`link.link_site` decides which).

Input: the configuration, the dictionary file, the site. Output: the previous `LinkState` of the
same site (or None) and, on demand, the link index's patterns it was made with.

One state per *family*: ordbog's code (`cache.generation`), the whole configuration, the
dictionary files (path, size, modification time) and the content folder — a change to any of them
starts afresh. A state holds
- `site`: every article's path, slug and source digest in order (an unchanged site reuses all);
- `index`: what `link.site_index` read besides the family — the terms with their destinations and
  priorities and the proper-noun titles — plus `stems`, the Snowball stems the inflector asked
  the site's words for, and `vocabulary`, the words it got: the same inputs give the same index;
- per article (by path) a `Remembered`: its slug, digest, page cap, the article slugs its own links
  point at and whether each existed (`link.dest_of_href`), its words starting with a stem, whether
  its one-word title is a proper noun, and where its links went (`linkinline.choose_links`);
- the name of a second file with the index's patterns, read only when some article is linked again.

Records are marshal'd and replaced atomically; the most recently used few families are kept. Articles
made in memory (no digest) are never cached. An unreadable or corrupt file is a miss: the cache
never changes what a build produces, only how much it recomputes.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

from ordbog.cache import cache_root, generation, store_record
from ordbog.config import Config
from ordbog.danish.hunspell import dictionary_fingerprint
from ordbog.linkinline import Chosen
from ordbog.linkterms import Pattern, Term
from ordbog.model import Site

KEEP = 8  # families kept: the most recently used
FORMAT = 1
Links = tuple[tuple[str, str], ...]
Record = tuple[Chosen, Links]  # per article: where its links go, and its links in order


class Remembered(NamedTuple):
    """One article as the last build linked it."""

    slug: str
    digest: str
    cap: int
    href_slugs: tuple[str, ...]  # article slugs its existing links point at
    href_exists: tuple[bool, ...]  # per href slug: was it an article of the site
    words: tuple[str, ...]  # its words that start with one of the state's stems
    proper: bool  # its one-word title is a proper noun (`link.proper_noun_titles`)
    chosen: Chosen
    links: Links


class LinkState(NamedTuple):
    site: str
    index: str
    stems: tuple[str, ...]
    vocabulary: tuple[str, ...]
    patterns: str  # name of the patterns file
    articles: dict[str, Remembered]  # path → the article's record


def family_key(config: Config, site: Site, dictionary: Path | None) -> str | None:
    """The key of the site's family, or None when the cache is off or an article has no digest."""
    if cache_root() is None or any(not a.digest for a in site.articles):
        return None
    h = hashlib.sha256(f"{FORMAT}\0{generation()}\0{config.content_dir.resolve()}\0".encode())
    h.update(json.dumps(config.file.model_dump(mode="json"), sort_keys=True).encode())
    if dictionary is not None:
        fingerprint = dictionary_fingerprint(dictionary)
        if fingerprint is None:
            return None
        h.update(f"\0{fingerprint}".encode())
    return h.hexdigest()[:32]


def site_key(site: Site) -> str:
    """Every article's path, slug and source digest, in order."""
    h = hashlib.sha256()
    for article in site.articles:
        h.update(f"{article.path}\0{article.slug}\0{article.digest}\0".encode())
    return h.hexdigest()[:32]


def index_key(family: str, terms: Sequence[Term], proper: Iterable[str]) -> str:
    """What the link index is made of besides the family and the site's words."""
    data = [[t.text, t.dest, t.priority, t.source] for t in terms]
    return hashlib.sha256(json.dumps([family, data, sorted(proper)]).encode()).hexdigest()[:32]


def load_state(family: str) -> LinkState | None:
    data = _read(_path(f"linkstate-{family}"))
    try:
        version, site, index, stems, vocabulary, patterns, articles = data  # type: ignore[misc]
        if version != FORMAT or not isinstance(articles, dict):
            return None
        return LinkState(site, index, tuple(stems), tuple(vocabulary), patterns,
                         {path: _remembered(fields) for path, fields in articles.items()})
    except (TypeError, ValueError):
        return None


def _remembered(fields: tuple) -> Remembered:
    if len(fields) != len(Remembered._fields):
        raise ValueError("a record of another shape")
    return tuple.__new__(Remembered, fields)  # as Remembered(*fields), without its Python-level __new__


def store_state(family: str, state: LinkState) -> None:
    articles = {path: tuple(r) for path, r in state.articles.items()}
    path = _path(f"linkstate-{family}")
    store_record(path, (FORMAT, *state[:5], articles), "linkstate-*.marshal", KEEP)
    for legacy in path.parent.glob("links-*.marshal") if path is not None else ():
        legacy.unlink(missing_ok=True)  # whole-site records of earlier versions: never read again


def store_site_records(family: str, site: str, records: Sequence[Record]) -> None:
    """Every article's record of one whole site (`site_key`), for a later build of exactly that site
    (the most recently used `KEEP` are kept: going back to one — an undo, another branch — reuses all)."""
    store_record(_path(f"linksite-{family}-{site}"), (FORMAT, list(records)), "linksite-*.marshal", KEEP)


def load_site_records(family: str, site: str, articles: int) -> list[Record] | None:
    data = _read(_path(f"linksite-{family}-{site}"))
    try:
        version, records = data  # type: ignore[misc]
    except (TypeError, ValueError):
        return None
    if version != FORMAT or not isinstance(records, list) or len(records) != articles:
        return None
    if not all(type(r) is tuple and len(r) == 2 and type(r[0]) is dict and type(r[1]) is tuple for r in records):
        return None
    return records


def patterns_name(index: str, vocabulary: Sequence[str]) -> str:
    return hashlib.sha256(json.dumps([index, list(vocabulary)]).encode()).hexdigest()[:32]


Entry = tuple[str, str, str, int, str, tuple[str, ...], bool, bool, bool]  # key, Term fields, the rest of Pattern


class StoredIndex(NamedTuple):
    """A link index's patterns as plain tuples (`Entry`), grouped by their key's first word, by key."""

    groups: dict[str, list[Entry]]

    def patterns_within(self, words: Iterable[str]) -> list[Pattern]:
        """The patterns whose key's words all are among `words` (the only ones a text of them can match)."""
        present = words if isinstance(words, (set, frozenset)) else set(words)
        terms: dict[tuple, Term] = {}
        out = []
        for first in present:
            for key, text, dest, priority, source, cased, inflected, genitive, comparative in self.groups.get(first, ()):
                if " " in key and not all(w in present for w in key.split(" ")[1:]):
                    continue
                term = terms.get((text, dest, priority, source))
                if term is None:
                    term = terms[(text, dest, priority, source)] = Term(text, dest, priority, source)
                out.append(Pattern(key, term, tuple(cased), inflected, genitive, comparative))
        return out


def stored_index(patterns: Mapping[str, Pattern]) -> StoredIndex:
    groups: dict[str, list[Entry]] = {}
    for key, p in patterns.items():
        t = p.term
        entry = (key, t.text, t.dest, t.priority, t.source, p.cased, p.inflected, p.genitive, p.comparative)
        group = groups.get(first := key.partition(" ")[0])
        if group is None:
            groups[first] = [entry]
        else:
            group.append(entry)
    for group in groups.values():
        group.sort()  # by key (unique): equal groups compare equal whatever order the terms came in
    return StoredIndex(groups)


def changed_firsts(old: StoredIndex, new: StoredIndex) -> set[str]:
    """First words of the keys whose pattern differs between two indexes (or is in only one)."""
    return {first for first in old.groups.keys() | new.groups.keys() if old.groups.get(first) != new.groups.get(first)}


def store_patterns(name: str, index: StoredIndex) -> None:
    store_record(_path(f"linkindex-{name}"), (FORMAT, name, index.groups), "linkindex-*.marshal", KEEP)


def load_patterns(name: str) -> StoredIndex | None:
    """`store_patterns`' index, or None when the file is missing or damaged."""
    data = _read(_path(f"linkindex-{name}"))
    try:
        version, stored, groups = data  # type: ignore[misc]
    except (TypeError, ValueError):
        return None
    if version != FORMAT or stored != name or not isinstance(groups, dict):
        return None
    return StoredIndex(groups)


def _read(path: Path | None) -> object:
    if path is None:
        return None
    try:
        data = marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return None
    try:
        os.utime(path)  # recently used
    except OSError:
        pass  # a read-only cache folder: still read
    return data


def _path(name: str) -> Path | None:
    root = cache_root()
    return None if root is None else root / f"{name}.marshal"
