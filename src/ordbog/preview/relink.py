"""Incremental linking for the preview: relink only the articles whose automatic links can change.

Input: the analysed (unlinked) site, the previous `LinkState`. Output: the linked site, the link
stage's diagnostics and the next `LinkState` — always equal to `link.link_site(config, site)`.

`link.link_site` is `site_index` (an automaton of every title, alias and keyword in all their
inflections) + `link_article` per article. The preview reuses both where the inputs say it may:

- the index is rebuilt only when its inputs change: the terms (`link.site_terms`), the articles
  whose title is a proper noun, or a word entering or leaving the site's vocabulary whose Snowball
  stem is that of a term word (Snowball finds a term's forms among the site's words with its stem);
- when the index changes, only articles containing the first word of a changed automaton key, or
  linking by hand to an added or removed slug, are relinked; an edited article always is.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import Stemmer

from ordbog import link
from ordbog.config import Config
from ordbog.diagnostics import Diagnostic
from ordbog.linkinline import Segments
from ordbog.linkterms import WORD
from ordbog.model import Article, Site

_STEMMER = Stemmer.Stemmer("danish")  # the stemmer of the Snowball inflection strategy
_NON_WORD = re.compile(r"[^\w\u00ad\u200b-\u200d\u2060-]")  # as linkterms.TermIndex.find pads text


@dataclass(frozen=True, slots=True)
class Facts:
    """What linking reads from one unlinked article besides its own tokens."""

    vocabulary: frozenset[str]  # its words as `link.site_vocabulary` sees them
    words: frozenset[str]  # the words of its text tokens as the automaton sees them
    hrefs: tuple[str, ...]  # hand-written link targets
    proper: bool  # its one-word title is a proper noun (`link.proper_noun_titles`)


@dataclass(frozen=True, slots=True)
class LinkState:
    config: Config
    sources: Mapping[str, Article]  # slug → the unlinked article it was linked from
    linked: Mapping[str, Article]
    facts: Mapping[tuple[str, str], Facts]
    index: Any  # link.LinkIndex
    diagnostics: tuple[Diagnostic, ...]
    terms: tuple[Any, ...]
    term_stems: frozenset[str]
    proper: frozenset[str]
    vocabulary: Mapping[str, int]  # word → number of articles using it


def facts_of(article: Article) -> Facts:
    one = Site((article,))
    texts = [c.content for t in article.tokens if t.type == "inline" for c in (t.children or []) if c.type == "text"]
    words = frozenset(_NON_WORD.sub(" ", " ".join(texts).lower().replace("_", " ")).split())
    hrefs = tuple(str(c.attrGet("href") or "") for t in article.tokens for c in (t.children or [])
                  if c.type == "link_open")
    return Facts(frozenset(link.site_vocabulary(one)), words, hrefs, bool(link.proper_noun_titles(one)))


def _key(article: Article) -> tuple[str, str]:
    return (article.path, article.digest)


def term_stems(terms: tuple[Any, ...], config: Config) -> frozenset[str]:
    """Stems of every word the index inflects: the terms' and the stop phrases' (built in and
    `[links] stop_words`: `link.site_index` inflects them too)."""
    words = {w.lower() for t in terms for w in WORD.findall(t.text)}
    stops = (*link.DEFAULT_STOP_PHRASES, *config.file.links.stop_words)
    words |= {w.lower() for phrase in stops for w in WORD.findall(phrase)}
    return frozenset(_STEMMER.stemWords(sorted(words)))


def vocabulary_change(previous: LinkState, facts: Mapping[tuple[str, str], Facts], removed: list[Article],
                      added: list[Article]) -> tuple[Mapping[str, int], set[str]]:
    """The site's word counts now, and the words that appeared or disappeared."""
    if not removed and not added:
        return previous.vocabulary, set()
    counts = Counter(previous.vocabulary)
    for article in removed:
        counts.subtract(previous.facts[_key(article)].vocabulary)
    for article in added:
        counts.update(facts[_key(article)].vocabulary)
    touched = {w for a in removed for w in previous.facts[_key(a)].vocabulary}
    touched |= {w for a in added for w in facts[_key(a)].vocabulary}
    flipped = {w for w in touched if (counts[w] > 0) != (previous.vocabulary.get(w, 0) > 0)}
    for word in touched:
        if counts[word] <= 0:
            del counts[word]
    return counts, flipped


def changed_keys(old: Any, new: Any, changed_slugs: set[str]) -> set[str]:
    """Automaton keys whose pattern differs between two indexes (or points at an added/removed slug).

    An index has hundreds of thousands of keys but only as many terms as titles, aliases and
    keywords, shared by the keys of their forms: terms are compared once per pair, not per key.
    """
    a, b = old.terms.patterns, new.terms.patterns
    keys = set(a.keys() ^ b.keys())
    same_terms: dict[tuple[int, int], bool] = {}
    for key, q in b.items():
        p = a.get(key)
        if p is None:
            continue
        pair = (id(p.term), id(q.term))
        same = same_terms.get(pair)
        if same is None:
            same = same_terms[pair] = p.term == q.term and p.term.dest not in changed_slugs
        if not same or p[2:] != q[2:]:  # every field after key and term (cased, inflected, genitive, …)
            keys.add(key)
    return keys


def same_term_sources(previous: LinkState, removed: list[Article], added: list[Article]) -> bool:
    """Same slugs, and each changed article kept its title and aliases (what `link.site_terms` reads)."""
    before = {a.slug: a for a in removed}
    return before.keys() == {a.slug for a in added} and all(
        (before[a.slug].title, before[a.slug].aliases) == (a.title, a.aliases) for a in added)


def link_incremental(config: Config, site: Site, previous: LinkState | None) -> tuple[Site, list[Diagnostic], LinkState | None]:
    """`link.link_site(config, site)`, reusing `previous` where it provably gives the same result."""
    if not config.file.links.enabled or not site.articles or previous is None or previous.config != config:
        return _full(config, site)
    by_slug = site.by_slug()
    added = [a for a in site.articles if previous.sources.get(a.slug) is not a]
    removed = [a for slug, a in previous.sources.items() if by_slug.get(slug) is not a]
    facts = dict(previous.facts)
    for article in removed:
        facts.pop(_key(article), None)
    for article in added:
        facts[_key(article)] = previous.facts.get(_key(article)) or facts_of(article)
    same_terms = same_term_sources(previous, removed, added)
    terms = previous.terms if same_terms else tuple(link.site_terms(config, site)[0])
    stems = previous.term_stems if terms == previous.terms else term_stems(terms, config)
    proper = (previous.proper - {a.slug for a in removed}) | {a.slug for a in added if facts[_key(a)].proper}
    vocabulary, flipped = vocabulary_change(previous, facts, removed, added)
    stemmed = set(_STEMMER.stemWords(sorted(flipped))) if flipped else set()
    same_index = terms == previous.terms and proper == previous.proper and not (stemmed & stems)
    if same_index:
        index, diags = previous.index, list(previous.diagnostics)
    else:  # the site's words are known: one text of them spares reading every article again
        index, diags = link.site_index(config, site, [Segments(words=" ".join(sorted(vocabulary)))])
    slugs = frozenset(by_slug)
    changed_slugs = set(slugs ^ previous.sources.keys())
    firsts = set() if same_index else {k.split(" ", 1)[0] for k in changed_keys(previous.index, index, changed_slugs)}
    fresh = {a.slug for a in added}
    linked = []
    for article in site.articles:
        affected = article.slug in fresh
        if not affected and (firsts or changed_slugs):
            f = facts[_key(article)]
            affected = not f.words.isdisjoint(firsts) or any(s in h for h in f.hrefs for s in changed_slugs)
        linked.append(link.link_article(config, article, index, slugs) if affected else previous.linked[article.slug])
    state = LinkState(config, by_slug, {a.slug: a for a in linked}, facts, index, tuple(diags), terms,
                      stems, frozenset(proper), vocabulary)
    return Site(tuple(linked)), diags, state


def _full(config: Config, site: Site) -> tuple[Site, list[Diagnostic], LinkState | None]:
    """Link every article, keeping what the next call needs (the same steps as `link.link_site`)."""
    if not config.file.links.enabled or not site.articles:
        linked, diags = link.link_site(config, site)
        return linked, diags, None
    index, diags = link.site_index(config, site)
    slugs = frozenset(a.slug for a in site.articles)
    linked = Site(tuple(link.link_article(config, a, index, slugs) for a in site.articles))
    facts = {_key(a): facts_of(a) for a in site.articles}
    terms = tuple(link.site_terms(config, site)[0])
    vocabulary = Counter(w for f in facts.values() for w in f.vocabulary)
    state = LinkState(config, site.by_slug(), linked.by_slug(), facts, index, tuple(diags), terms, term_stems(terms, config),
                      frozenset(a.slug for a in site.articles if facts[_key(a)].proper), vocabulary)
    return linked, diags, state
