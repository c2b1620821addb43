"""Relinking with the link cache: only the articles whose automatic links can change are chosen again.

Input: the configuration, the unlinked site, the dictionary and the site's `linkcache` family.
Output: per article the `(chosen, links)` record of `linkinline.choose_links` — always what linking
every article afresh gives — and, stored for the next build, the new `linkcache.LinkState`.

The previous build's record of an article is reused when everything `choose_links` reads for it is
as it was:
- its tokens: same path, slug and source digest (the family fixes ordbog's code and the configuration);
- its page cap, and for each of its own links to an article address whether that article exists
  (`link.dest_of_href`: the only place the set of slugs is read);
- the word classes the inflector answers (`ambiguous`, `is_noun`, `noun_not_adjective`): they come
  from the dictionary alone (no dictionary: none), which the family fixes;
- the link index's matches in its text. The index is built again only when what it is made of
  changed: the terms, the proper-noun titles, or the site's words that start with a Snowball stem
  the inflector asked for. Then an article is chosen again only if its text contains the first word
  of a key whose pattern changed: `TermIndex.matches` on a text depends only on the patterns of the
  keys that occur in it, and a key occurs only where its first word does.
When the index did not change, the edited articles are matched against the patterns whose words all
occur in them (`StoredIndex.patterns_within`), which gives the same matches as the whole index.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import ahocorasick

from ordbog import link, linkcache
from ordbog.config import Config
from ordbog.linkcache import LinkState, Record, Remembered
from ordbog.linkinline import Segments, segments_of
from ordbog.linkterms import Term, TermIndex
from ordbog.model import Article, Site


class _Texts:
    """Each article's `segments_of` and set of words, made when first asked for."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self._segments: dict[int, Segments] = {}
        self._words: dict[int, frozenset[str]] = {}

    def __getitem__(self, i: int) -> Segments:
        found = self._segments.get(i)
        if found is None:
            found = self._segments[i] = segments_of(self.site.articles[i].tokens)
        return found

    def all(self) -> list[Segments]:
        return [self[i] for i in range(len(self.site.articles))]

    def words(self, i: int) -> frozenset[str]:
        found = self._words.get(i)
        if found is None:
            text = self[i].words
            found = self._words[i] = frozenset(text.split()) if text else frozenset()
        return found


def relink(config: Config, site: Site, dictionary: Path | None, family: str, terms: Sequence[Term]) -> list[Record]:
    """Every article's record, choosing again only where it can differ from the previous build's;
    `terms` are `link.site_terms(config, site)`."""
    previous = linkcache.load_state(family)
    key = linkcache.site_key(site)
    if previous is not None and previous.site == key:
        same = [previous.articles.get(a.path) for a in site.articles]
        if all(r is not None for r in same):
            return [(r.chosen, r.links) for r in same]  # type: ignore[union-attr]
    again = linkcache.load_site_records(family, key, len(site.articles))  # a site built before (an undo)
    if again is not None:
        return again
    texts = _Texts(site)
    known = [_unchanged(previous, a) for a in site.articles]
    propers = [r.proper if r else link.has_proper_noun_title(a) for a, r in zip(site.articles, known)]
    proper = {a.slug for a, is_proper in zip(site.articles, propers) if is_proper}
    index_key = linkcache.index_key(family, terms, proper)
    index: link.LinkIndex | None = None
    changed: set[int] | None = set()  # articles containing the first word of a changed key; None: all
    if previous is not None and previous.index == index_key:
        stems, name = previous.stems, previous.patterns
        words = [r.words if r else _starting_with(texts.words(i), stems) for i, r in enumerate(known)]
        vocabulary = tuple(sorted({w for ws in words for w in ws}))
    if previous is None or previous.index != index_key or vocabulary != previous.vocabulary:
        use = link.VocabularyUse()
        index = link.site_index(config, site, texts.all(), use, proper)[0]
        stems, vocabulary = tuple(sorted(use.stems)), tuple(sorted(use.words))
        name = linkcache.patterns_name(index_key, vocabulary)
        stored = linkcache.stored_index(index.terms.patterns)
        linkcache.store_patterns(name, stored)
        before = linkcache.load_patterns(previous.patterns) if previous is not None else None
        firsts = linkcache.changed_firsts(before, stored) if before is not None else set()
        found = _found_in(texts, range(len(site.articles)), use.words | firsts)  # one pass for both
        words = [tuple(sorted(f & use.words)) for f in found]
        changed = None if before is None else {i for i, f in enumerate(found) if known[i] and not f.isdisjoint(firsts)}
    slugs = frozenset(a.slug for a in site.articles)
    caps = [link.page_cap(config, a.word_count) for a in site.articles]
    redo = [i for i, r in enumerate(known) if not _still_valid(r, caps[i], slugs) or changed is None or i in changed]
    records: list[Record] = [(r.chosen, r.links) if r else ({}, ()) for r in known]
    if redo:
        if index is None:
            index = _index_for(config, site, dictionary, name, texts, redo)
        for i, record in zip(redo, link.choose_records(config, site, index, slugs, redo, texts.__getitem__)):
            records[i] = record
        index.inflector.save_memo()
    state = LinkState(key, index_key, stems, vocabulary, name, {
        a.path: _remembered(config, a, known[i], caps[i], words[i], propers[i], slugs, texts, i, records[i])
        for i, a in enumerate(site.articles)})
    if state != previous:
        linkcache.store_state(family, state)
        linkcache.store_site_records(family, key, records)
    return records


def _unchanged(previous: LinkState | None, article: Article) -> Remembered | None:
    r = previous.articles.get(article.path) if previous is not None else None
    return r if r is not None and (r.slug, r.digest) == (article.slug, article.digest) else None


def _still_valid(r: Remembered | None, cap: int, slugs: frozenset[str]) -> bool:
    return r is not None and r.cap == cap and r.href_exists == tuple(s in slugs for s in r.href_slugs)


def _found_in(texts: _Texts, which: Sequence[int], words: Iterable[str]) -> list[set[str]]:
    """Per article of `which`, which of `words` its text contains (one automaton pass over each)."""
    automaton = ahocorasick.Automaton()
    for word in words:
        automaton.add_word(f" {word} ", word)  # the text's words are separated by spaces
    if not len(automaton):
        return [set() for _ in which]
    automaton.make_automaton()
    found = []
    for i in which:
        text = texts[i].words
        found.append({w for _, w in automaton.iter(f" {text} ")} if text else set())
    return found


def _index_for(config: Config, site: Site, dictionary: Path | None, name: str, texts: _Texts,
               which: Sequence[int]) -> link.LinkIndex:
    """The unchanged index, as far as the texts of the articles `which` can match it."""
    stored = linkcache.load_patterns(name)
    if stored is not None:
        present = frozenset().union(*(texts.words(i) for i in which))
        try:
            patterns = stored.patterns_within(present)
        except (IndexError, TypeError, ValueError):  # a damaged file: build the index instead
            patterns = None
        if patterns is not None:
            inflector = link.site_inflector(
                config, dictionary, lambda prefixes: link.site_words_starting_with(site, prefixes, texts.all()))
            return link.LinkIndex(TermIndex(patterns), inflector)
    return link.site_index(config, site, texts.all())[0]


def _starting_with(words: frozenset[str], stems: Sequence[str]) -> tuple[str, ...]:
    starts = tuple(stems)
    return tuple(sorted(w for w in words if w.startswith(starts))) if starts else ()


def _remembered(config: Config, article: Article, r: Remembered | None, cap: int, words: Sequence[str], proper: bool,
                slugs: frozenset[str], texts: _Texts, i: int, record: Record) -> Remembered:
    href_slugs = r.href_slugs if r is not None else link.href_slugs(config, texts[i].existing)
    return Remembered(article.slug, article.digest, cap, href_slugs, tuple(s in slugs for s in href_slugs),
                      tuple(words), proper, *record)
