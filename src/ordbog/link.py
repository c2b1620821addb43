"""Link stage: Site → Site with automatic internal links in article bodies.

Terms (titles, aliases, `[links] keywords`) and their Danish inflections become one automaton
(`linkterms`); each article's paragraphs, list items and table cells are matched against it and
mentions become `link_open`/`text`/`link_close` children of the inline tokens (`linkinline`).
Only inline tokens' children change, so `Section.token_range` and `FaqItem.token_range` stay valid.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from ordbog import linkcache, urls, workers
from ordbog.config import Config
from ordbog.danish.hunspell import find_dictionary
from ordbog.danish.inflect import Inflector, make_inflector
from ordbog.diagnostics import Diagnostic, warning
from ordbog.linkinline import (
    LinkContext,
    Segments,
    apply_links,
    choose_links,
    link_tokens,
    segments_of,
)
from ordbog.linkterms import (
    DEFAULT_STOP_PHRASES,
    FUNCTION_WORDS,
    WORD,
    Pattern,
    Term,
    TermIndex,
    patterns_for,
    title_terms,
)
from ordbog.model import Article, Site

MAX_AUTO, MIN_AUTO = 15, 3


def link_site(config: Config, site: Site) -> tuple[Site, list[Diagnostic]]:
    """Every article with automatic links inserted (or the site unchanged when linking is off).

    With the cache (`linkcache`), only the articles whose links can change are linked again."""
    if not config.file.links.enabled or not site.articles:
        return site, []
    dictionary = _dictionary(config)
    family = linkcache.family_key(config, site, dictionary)
    if family is None:
        texts = [segments_of(article.tokens) for article in site.articles]
        index, diags = site_index(config, site, texts)
        slugs = frozenset(a.slug for a in site.articles)
        records = choose_records(config, site, index, slugs, range(len(site.articles)), texts.__getitem__)
        index.inflector.save_memo()
        return _applied(config, site, records), diags
    from ordbog import linkreuse  # it builds on this module's functions

    terms, found = site_terms(config, site)
    records = linkreuse.relink(config, site, dictionary, family, terms)
    return _applied(config, site, records), _dictionary_warnings(config, dictionary) + found


def choose_records(config: Config, site: Site, index: LinkIndex, slugs: frozenset[str], which: Sequence[int],
                   text: Callable[[int], Segments]) -> list[linkcache.Record]:
    """`choose_links` for the articles numbered `which`: in forked workers on a large site (they inherit the index)."""
    def choose(i: int) -> linkcache.Record:
        article = site.articles[i]
        return choose_links(article.tokens, _context(config, article, index, slugs), text(i))

    return workers.map_ordered(choose, which)


def _applied(config: Config, site: Site, records: Sequence[linkcache.Record]) -> Site:
    href = _href(config)
    return dataclasses.replace(site, articles=tuple(
        dataclasses.replace(article, tokens=apply_links(article.tokens, chosen, href), links=links)
        for article, (chosen, links) in zip(site.articles, records)))


def link_article(config: Config, article: Article, index: LinkIndex, slugs: frozenset[str],
                 text: Segments | None = None) -> Article:
    """The article with its automatic links; `text` is `segments_of(article.tokens)` if known."""
    tokens, links = link_tokens(article.tokens, _context(config, article, index, slugs), text)
    return dataclasses.replace(article, tokens=tokens, links=links)


def _context(config: Config, article: Article, index: LinkIndex, slugs: frozenset[str]) -> LinkContext:
    return LinkContext(
        self_slug=article.slug,
        slugs=slugs,
        cap=page_cap(config, article.word_count),
        href=_href(config),
        dest_of=lambda href: dest_of_href(config, href, slugs),
        terms=index.terms,
        inflector=index.inflector,
    )


def _href(config: Config) -> Callable[[str], str]:
    return lambda dest: dest if dest.startswith(("/", "http")) else urls.article_url(config, dest)


def page_cap(config: Config, word_count: int) -> int:
    """`max_per_page`, or one link per `words_per_link` words, between 3 and 15."""
    cfg = config.file.links
    if cfg.max_per_page:
        return cfg.max_per_page
    return max(MIN_AUTO, min(MAX_AUTO, round(word_count / cfg.words_per_link)))


def dest_of_href(config: Config, href: str, slugs: frozenset[str]) -> str | None:
    """The article an existing link points to (relative, root-relative or absolute URL)."""
    m = _article_href(config.site.url_prefix).search(href)
    if m and m.group(1) in slugs:
        return m.group(1)
    return href if href.startswith(("/", "http")) else None


def href_slugs(config: Config, existing: Iterable[tuple[str, bool, str]]) -> tuple[str, ...]:
    """The article slugs that existing links (`Segments.existing`) may point at: whether each is a
    slug of the site is all `dest_of_href` asks of the site."""
    pattern = _article_href(config.site.url_prefix)
    return tuple(sorted({m.group(1) for href, _, _ in existing if (m := pattern.search(href))}))


@functools.cache
def _article_href(url_prefix: str) -> re.Pattern[str]:
    return re.compile(rf"(?:^|/){re.escape(url_prefix)}/([a-z0-9-]+)/?(?:[#?].*)?$")


@dataclasses.dataclass(frozen=True)
class LinkIndex:
    terms: TermIndex
    inflector: Inflector


def site_terms(config: Config, site: Site) -> tuple[list[Term], list[Diagnostic]]:
    """Titles and aliases of every article, plus `[links] keywords`; excluded slugs removed."""
    cfg = config.file.links
    where = str(config.config_path or "ordbog.toml")
    diags: list[Diagnostic] = []
    slugs = {a.slug for a in site.articles}
    terms = []
    for article in site.articles:
        prio = cfg.priorities.get(article.slug, 0)
        terms += [Term(t, article.slug, prio, "title") for t in title_terms(article.title)]
        terms += [Term(a, article.slug, prio, "alias") for a in article.aliases if a.strip()]
    for dest, words in sorted(cfg.keywords.items()):
        if not dest.startswith(("/", "http://", "https://")) and dest not in slugs:
            diags.append(warning(where, 1, "ALN002", f"[links] keywords nævner '{dest}', som ikke er en artikel",
                                 "brug en artikels slug eller en adresse, der begynder med / eller https://"))
            continue
        terms += [Term(w, dest, cfg.priorities.get(dest, 0), "keyword") for w in words if w.strip()]
    excluded = set(cfg.exclude)
    return [t for t in terms if t.dest not in excluded], diags


def site_vocabulary(site: Site, texts: Sequence[Segments] | None = None) -> set[str]:
    """Every word of the site's linkable text, lowercase, as the matcher separates words."""
    vocabulary: set[str] = set()
    for text in texts if texts is not None else [segments_of(a.tokens) for a in site.articles]:
        if text.words:
            vocabulary.update(text.words.split())
    return vocabulary


def site_words_starting_with(site: Site, prefixes: Iterable[str], texts: Sequence[Segments] | None = None) -> set[str]:
    """The words of the site's linkable text that start with one of `prefixes`.

    Only words a mention can consist of matter (the matcher sees nothing else), so they are
    taken from the same text the matcher reads."""
    starts = tuple(prefixes)
    if not starts:
        return set()
    return {w for w in site_vocabulary(site, texts) if w.startswith(starts)}


def proper_noun_titles(site: Site) -> set[str]:
    """Slugs whose one-word title its own article writes with a capital mid-sentence ("Give")."""
    return {article.slug for article in site.articles if has_proper_noun_title(article)}


def has_proper_noun_title(article: Article) -> bool:
    words = WORD.findall(article.title)
    return len(words) == 1 and _mostly_capitalised(words[0], " ".join(s.text for s in article.sections))


def _mostly_capitalised(word: str, text: str) -> bool:
    """Whether `word` is capitalised in most of its mid-sentence uses (after a lowercase letter or comma)."""
    low, needle = text.lower(), word.lower()
    upper = lower = 0
    at = low.find(needle)
    while at >= 0:
        end = at + len(needle)
        whole = (end == len(low) or not low[end].isalnum()) and at >= 2 and text[at - 1] == " "
        if whole and (text[at - 2].islower() or text[at - 2] == ","):
            upper += text[at].isupper()
            lower += not text[at].isupper()
        at = low.find(needle, end)
    return upper > lower


def _dictionary(config: Config) -> Path | None:
    cfg = config.file.links
    return find_dictionary(cfg.dictionary) if cfg.inflection == "hunspell" else None


def _dictionary_warnings(config: Config, dictionary: Path | None) -> list[Diagnostic]:
    if config.file.links.inflection != "hunspell" or dictionary is not None:
        return []
    return [warning(str(config.config_path or "ordbog.toml"), 1, "ALN001",
                    "den danske ordbog (hunspell-da) blev ikke fundet; bøjninger findes med Snowball",
                    "installér hunspell-da (apt-get install hunspell-da) eller sæt [links] dictionary")]


@dataclasses.dataclass
class VocabularyUse:
    """What the inflector asked of the site's words (Snowball stems) and the words it got: the only
    way the site's text shapes the link index (words of the site starting with a stem)."""

    stems: set[str] = dataclasses.field(default_factory=set)
    words: set[str] = dataclasses.field(default_factory=set)


def site_inflector(config: Config, dictionary: Path | None, vocabulary: Callable[[set[str]], Iterable[str]],
                   ) -> Inflector:
    cfg = config.file.links
    return make_inflector(cfg.inflection if dictionary or cfg.inflection != "hunspell" else "snowball",
                          vocabulary, dictionary, memo=True)


def site_index(config: Config, site: Site, texts: Sequence[Segments] | None = None,
               use: VocabularyUse | None = None, proper: set[str] | None = None,
               ) -> tuple[LinkIndex, list[Diagnostic]]:
    """The automaton of every term's forms; `texts` are the articles' `segments_of` and `proper`
    the `proper_noun_titles` if known; `use` collects what the inflector asked of the site's words."""
    cfg = config.file.links
    dictionary = _dictionary(config)
    diags = _dictionary_warnings(config, dictionary)

    def vocabulary(prefixes: set[str]) -> set[str]:
        found = site_words_starting_with(site, prefixes, texts)
        if use is not None:
            use.stems.update(prefixes)
            use.words.update(found)
        return found

    inflector = site_inflector(config, dictionary, vocabulary)
    terms, found = site_terms(config, site)
    diags += found
    proper = proper_noun_titles(site) if proper is None else proper
    stops = [Term(s, "", 0, "keyword") for s in (*DEFAULT_STOP_PHRASES, *cfg.stop_words)]
    inflector.prepare({w.lower() for t in (*terms, *stops) for w in WORD.findall(t.text)} - FUNCTION_WORDS)
    patterns: list[Pattern] = []
    for term in terms:
        if term.dest in proper and term.source == "title":
            term = dataclasses.replace(term, text=term.text[:1].upper() + term.text[1:])
            patterns += [p._replace(cased=(term.text,)) for p in patterns_for(term, inflector)]
        else:
            patterns += patterns_for(term, inflector)
    for stop in stops:
        patterns += patterns_for(stop, inflector)
    return LinkIndex(TermIndex(patterns), inflector), diags
