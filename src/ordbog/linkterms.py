"""Link terms: article titles, `aliases` and `[links] keywords` → one Aho–Corasick automaton.

Input: the site, its config and an `Inflector`. Output: a `TermIndex` whose `find(text)` returns
the leftmost-longest whole-word mentions of any term in time linear in the text, whatever the
number of terms: every inflected form sequence ("frosne skuldre") is a key of the automaton.
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass
from typing import NamedTuple

import ahocorasick

from ordbog.danish.inflect import Inflector

WORD = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*")
TITLE_TAIL = re.compile(r"\s+[–—-]\s+.*$")  # "Psoas muskel – funktion og øvelser" → "Psoas muskel"
PARENS = re.compile(r"\s*\(([^)]*)\)")
MAX_FORMS = 400  # inflected variants of one multi-word term; beyond this only the first and last words inflect
MIN_LETTERS = 3  # shorter terms link only as written with capitals (acronyms: "KOL", "PMS")
# closed-class words: never inflected inside a term, never the noun that follows a genitive
FUNCTION_WORDS = frozenset(
    ["og", "eller", "men", "når", "som", "hvis", "at", "der", "det", "den", "de", "en", "et", "i", "på", "til", "fra", "med", "for", "af", "om", "ved", "under", "over", "efter", "før", "mod", "uden", "mellem", "hos", "vs", "nu", "her", "også", "ikke", "så", "igen", "altid", "aldrig", "meget", "lidt", "godt", "ofte", "har", "havde", "er", "var", "bliver", "blev", "kan", "kunne", "skal", "skulle", "vil", "ville", "må", "måtte", "bør", "får", "fik", "går", "gik"]
)
# Danish fixed expressions whose words are not the term ("i løbet af" is "during", not running)
DEFAULT_STOP_PHRASES = ("i løbet af", "i det lange løb", "på egne ben", "stå på benene", "komme på benene",
                        "på fode", "til fods", "ved hånden", "til hånde", "i hænde", "for hånden",
                        "i ryggen på", "bag ryggen", "med hånden på hjertet", "tage hånd om")


@dataclass(frozen=True, slots=True)
class Term:
    text: str
    dest: str  # article slug, or a URL (starts with "/" or "http")
    priority: int = 0
    source: str = "title"  # title | alias | keyword

    @property
    def is_url(self) -> bool:
        return self.dest.startswith(("/", "http://", "https://"))


class Pattern(NamedTuple):
    """One automaton key: a sequence of word forms and what it links to (dest "" = stop phrase).

    (A named tuple, not a dataclass: a site has tens of thousands and a tuple is made faster.)"""

    key: str
    term: Term
    cased: tuple[str, ...]  # per word: the capitalised prefix the text must have, or ""
    inflected: bool  # not the term as written
    genitive: bool  # the head is a genitive form ("hjertets"), which must precede a noun
    comparative: bool  # "Ældre": before a noun it means "older" ("ældre børn"), not the elderly


class Mention(NamedTuple):
    start: int
    end: int
    pattern: Pattern


def title_terms(title: str) -> list[str]:
    """The terms a title names: "Artrose (slidgigt)" → ["Artrose", "slidgigt"]."""
    title = TITLE_TAIL.sub("", title).strip()
    inside = [m.group(1).strip() for m in PARENS.finditer(title)]
    outside = PARENS.sub("", title).strip().rstrip("?!.:")
    return [t for t in [outside, *inside] if t]


def _cased(word: str, first: bool) -> str:
    """The part of `word` whose capitals are meaningful: acronyms and mid-term proper nouns."""
    rest_upper = any(c.isupper() for c in word[1:])
    if rest_upper or (word[:1].isupper() and not first):
        return word
    return ""


def patterns_for(term: Term, inflector: Inflector) -> list[Pattern]:
    words = WORD.findall(term.text)
    if not words:
        return []
    cased = tuple(_cased(w, i == 0) for i, w in enumerate(words))
    if len(words) == 1 and len(words[0]) < MIN_LETTERS and not cased[0]:
        return []
    lower = [w.lower() for w in words]
    options = [_word_forms(w, i == len(words) - 1, inflector) for i, w in enumerate(lower)]
    if _product(options) > MAX_FORMS:
        options = [options[0]] + [[w] for w in lower[1:-1]] + [options[-1]]
    if _product(options) > MAX_FORMS:
        options = [[w] for w in lower[:-1]] + [options[-1]]
    written = " ".join(lower)
    comparative = inflector.comparative(lower[-1])
    # a Danish noun's -s form is its genitive; a foreign word's ("squats") is more likely a plural
    heads = set(options[-1]) if inflector.knows(lower[-1]) else set()
    last = lower[-1]
    out = []
    for combo in itertools.product(*options):
        key, head = " ".join(combo), combo[-1]
        genitive = head != last and head[-1:] in "s'" and head[:-1] in heads
        out.append(Pattern(key, term, cased, key != written, genitive, comparative))
    return out


def _word_forms(word: str, head: bool, inflector: Inflector) -> list[str]:
    """Forms of one word of a term (function words as written: "i", "og", "på")."""
    if word in FUNCTION_WORDS:
        return [word]
    return sorted(inflector.forms(word, head=head))


def _product(options: list[list[str]]) -> int:
    n = 1
    for o in options:
        n *= len(o)
    return n


def _rank(p: Pattern) -> tuple[int, int, int, str]:
    """Which pattern a key belongs to when terms collide: priority, as written, source, dest."""
    return (-p.term.priority, p.inflected, ("title", "alias", "keyword").index(p.term.source), p.term.dest)


class TermIndex:
    """The automaton over all patterns; stop phrases are patterns without a destination."""

    def __init__(self, patterns: list[Pattern]) -> None:
        best: dict[str, Pattern] = {}
        for p in patterns:
            current = best.get(p.key)
            if current is None or (current.term.dest and (not p.term.dest or _rank(p) < _rank(current))):
                best[p.key] = p
        self.patterns = best
        self.automaton = ahocorasick.Automaton()
        case_checks: dict[tuple[str, ...], int] = {}  # a term's patterns share its `cased`
        for key, p in best.items():
            # spaces: the automaton only sees whole words; the value says which checks the match needs
            case = case_checks.get(p.cased)
            if case is None:
                case = case_checks[p.cased] = ((bool(p.cased[0]) or len(p.cased) > 1) and any(p.cased)) << 1
            self.automaton.add_word(f" {key} ", (len(key), (" " in key) | case, p))
        if best:
            self.automaton.make_automaton()

    def find(self, text: str) -> list[Mention]:
        """Non-overlapping whole-word mentions, leftmost first, longest at each start."""
        return self.find_in(text, normalise(text)) if self.patterns else []

    def find_in(self, text: str, words: str | None) -> list[Mention]:
        """`find(text)` when `words` is `normalise(text)` already."""
        return [Mention(*m) for m in self.matches(text, words)]

    def matches(self, text: str, words: str | None) -> list[tuple[int, int, Pattern]]:
        """`find_in` as plain (start, end, pattern) tuples."""
        if not self.patterns or words is None:
            return []  # None: a character whose lowercase is longer (rare outside Danish): leave the text alone
        found = []
        for end, (n, checks, p) in self.automaton.iter(" " + words + " "):
            start = end - n - 1  # index in `text` (the padding space shifts by one)
            if checks:
                span = text[start : start + n]
                # a phrase must not have matched across punctuation ("frossen. Skulder")
                if checks & 1 and span.lower() != p.key:
                    continue
                if checks & 2 and not _case_ok(span, p.cased):
                    continue
            found.append((start, -n, p))
        found.sort()
        out, last = [], 0
        for start, n, p in found:
            if start >= last:
                last = start - n
                out.append((start, last, p))
        return out


@functools.cache
def separators(limit: int = 0x3100) -> re.Pattern[str]:
    """Everything but letters, digits, spaces, the hyphen that joins compounds ("knæ-" in "knæ- og
    hofteskader") and the invisible characters inside words (soft hyphen, zero-width joiners), as
    explicit ranges up to U+30FF: twice as fast on Danish text as "not \\w". Characters above
    (CJK and beyond) stay, so a term right next to one is simply not linked."""
    codes = [c for c in range(limit) if not _KEEP.match(chr(c))]
    ranges, start = [], codes[0]
    for prev, code in zip(codes, codes[1:] + [-1]):
        if code != prev + 1:
            ranges.append(re.escape(chr(start)) + ("" if prev == start else "-" + re.escape(chr(prev))))
            start = code
    return re.compile("[" + "".join(ranges) + "]")


# these become a space, so a key " skulder " only matches a whole word (spaces are kept, not
# replaced: ordinary prose then has few replacements, which keeps this fast)


def separate_words(lowercase_text: str) -> str:
    return separators().sub(" ", lowercase_text)


def normalise(text: str) -> str | None:
    """`separate_words(text.lower())`, or None when lowercasing would change the text's length.

    Done on the UTF-8 bytes with one table for ASCII (four times faster than the regular
    expression on Danish prose), then one `str.replace` per distinct non-ASCII character that
    lowercasing or separating changes (a page has a handful: "Æ", "–", "“"…).
    """
    try:
        raw = text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        return _normalise_slowly(text)
    out = raw.translate(_ASCII_TABLE).decode("utf-8")
    if len(out) == len(raw):
        return out
    for char in set(raw.translate(None, _ASCII).decode("utf-8")):
        low = char.lower()
        if len(low) != 1 or char == "Σ":  # longer, or a sigma whose lowercase depends on its place
            return _normalise_slowly(text)
        target = " " if _is_separator(low) else low
        if target != char:
            out = out.replace(char, target)
    return out


def _normalise_slowly(text: str) -> str | None:
    low = text.lower()
    return separate_words(low) if len(low) == len(text) else None


_KEEP = re.compile(r"[^\W_]| |[\u00ad\u200b-\u200d\u2060-]")


def _is_separator(char: str) -> bool:
    return ord(char) < 0x3100 and not _KEEP.match(char)


_ASCII = bytes(range(128))
_ASCII_TABLE = bytes(
    [(32 if _is_separator(chr(b).lower()) else ord(chr(b).lower())) for b in range(128)] + list(range(128, 256))
)


def _case_ok(span: str, cased: tuple[str, ...]) -> bool:
    if not any(cased):
        return True
    return all(not c or w.startswith(c) for w, c in zip(span.split(" "), cased))
