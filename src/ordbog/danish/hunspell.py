"""A small reader of the Danish hunspell dictionary (Stavekontrolden's da_DK.aff/.dic).

Input: the two files Debian's `hunspell-da` installs. Output: a `Lexicon` that can
- list the paradigm of a word (the forms its suffix rules generate: `skulder` → `skulderen`,
  `skuldre`, `skuldrene`, `skulderens`, …), and
- tell which word classes a surface form can belong to (`ryg` is a noun and the imperative of
  `ryge`; `nakker` is a plural and a present tense), which the linker uses to treat ambiguous
  forms with care.

Stavekontrolden tags its suffix rules (`+BESTEMT_ENTAL`, `+PLUR_BEK`, `+DATID`, `+KOMPARATIV`, …),
so a flag's word class is read from its rules' tags instead of being hand-listed.
Only suffix rules matter for inflection; prefixes and compounding are ignored.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import NamedTuple

from ordbog.danish.dicfile import EntryView, Headwords

SEARCH_PATHS = ("/usr/share/hunspell", "/usr/share/myspell", "/usr/share/myspell/dicts", "/usr/local/share/hunspell")
NOUN_TAGS = frozenset({"+BESTEMT_ENTAL", "+PLUR_UBEK", "+PLUR_BEK"})
VERB_TAGS = frozenset({"+DATID", "+PERF_PART", "+IMPERATIV", "+NUTID", "+PASSIV", "+PRÆSENS_PART"})
ADJ_TAGS = frozenset({"+KOMPARATIV", "+SUPERLATIV", "+SUPERLATIV_PLURALIS"})
NOUN, VERB, ADJ, OTHER = "noun", "verb", "adj", "other"


class Rule(NamedTuple):
    """One suffix rule (`SFX flag strip add condition tag`); a tuple, as a dictionary has thousands."""

    flag: str
    strip: str
    add: str
    cont: frozenset[str]  # continuation flags of the generated form
    cond: _Condition
    tag: str

    def applies(self, word: str) -> bool:
        return word.endswith(self.strip) and self.cond.search(word) is not None

    def apply(self, word: str) -> str:
        return word[: len(word) - len(self.strip)] + self.add


@dataclass(frozen=True)
class Lexicon:
    rules: dict[str, tuple[Rule, ...]]
    entries: EntryView  # word → flag sets of its entries
    irregular: EntryView  # form → lemmas ("ryg st:ryge")
    alternates: EntryView  # lemma → its irregular forms ("komme al:kom al:kommet")
    headwords: Headwords
    need_affix: str = ""
    only_in_compound: str = ""
    _by_add: dict[str, tuple[Rule, ...]] = field(default_factory=dict, repr=False)  # suffix → rules adding it
    _longest_add: int = 0
    _by_cont: dict[str, dict[str, tuple[Rule, ...]]] = field(default_factory=dict, repr=False)  # the same, per continuation flag
    _flag_class: dict[str, str] = field(default_factory=dict, repr=False)
    _classes: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)
    _lemmas: dict[str, tuple[tuple[str, frozenset[str]], ...]] = field(default_factory=dict, repr=False)

    def flag_class(self, flag: str) -> str | None:
        """The word class a suffix flag inflects (from its rules' tags, one continuation deep)."""
        if flag not in self._flag_class:
            tags = {r.tag for r in self.rules.get(flag, ())}
            for rule in self.rules.get(flag, ()):
                for cont in rule.cont:
                    tags |= {r.tag for r in self.rules.get(cont, ())}
            cls = VERB if tags & VERB_TAGS else ADJ if tags & ADJ_TAGS else NOUN if tags & NOUN_TAGS else None
            self._flag_class[flag] = cls or ""
        return self._flag_class[flag] or None

    def is_definite_flag(self, flag: str) -> bool:
        """Whether the flag gives a noun its definite form (the noun has its own paradigm)."""
        key = "definite:" + flag
        if key not in self._flag_class:
            definite = any(rule.tag == "+BESTEMT_ENTAL" for rule in self.rules.get(flag, ()))
            self._flag_class[key] = "yes" if definite else ""
        return bool(self._flag_class[key])

    def entry_class(self, flags: frozenset[str]) -> str:
        classes = {self.flag_class(f) for f in flags}
        for cls in (VERB, ADJ, NOUN):
            if cls in classes:
                return cls
        return OTHER

    def paradigm(self, word: str, flags: frozenset[str]) -> set[str]:
        """Every form the entry's suffix rules generate (two levels: `ryg` → `rygg` → `ryggen`)."""
        forms = set() if self.need_affix in flags else {word}
        for flag in flags:
            for rule in self.rules.get(flag, ()):
                if word.endswith(rule.strip) and rule.cond.search(word) is not None:  # rule.applies(word)
                    forms |= self._continue(rule.apply(word), rule.cont)
        return forms

    def _continue(self, form: str, cont: frozenset[str]) -> set[str]:
        out = set() if (self.need_affix in cont or self.only_in_compound in cont) else {form}
        for flag in cont:
            for rule in self.rules.get(flag, ()):
                if form.endswith(rule.strip) and rule.cond.search(form) is not None and self.only_in_compound not in rule.cont:
                    out.add(rule.apply(form))
        return out

    def classes(self, form: str) -> frozenset[str]:
        """Word classes `form` can have: as an entry, an irregular form, or a suffixed form."""
        if form not in self._classes:
            self._classes[form] = frozenset(self._find_classes(form))
        return self._classes[form]

    def _find_classes(self, form: str) -> set[str]:
        found = {self.entry_class(flags) for flags in self.entries.get(form, ())}
        for lemma in self.irregular.get(form, ()):
            classes = {self.entry_class(flags) for flags in self.entries.get(lemma, ())} - {OTHER}
            # an irregular form of another word whose entry has no tagged rules ("ryg st:ryge",
            # "gik st:gå"): Danish infinitives end in a vowel, other such lemmas are adjectives
            found |= classes or {VERB if lemma[-1:] in "eåø" else ADJ}
        for rule, base in self._strip(form):
            if any(rule.flag in flags for flags in self.entries.get(base, ())):
                cls = self.flag_class(rule.flag)
                if cls:
                    found.add(cls)
        return found

    def lemmas(self, form: str) -> list[tuple[str, frozenset[str]]]:
        """Entries `form` is a regular form of (itself first), for expanding a paradigm.

        Two suffix levels are tried, as the dictionary stacks them: "ryggen" = "ryg" + "g"
        (consonant doubling, which only exists with a further suffix) + "en".
        Remembered: compounds share their last parts ("…betændelse").
        """
        if form not in self._lemmas:
            self._lemmas[form] = tuple(self._find_lemmas(form))
        return list(self._lemmas[form])

    def _find_lemmas(self, form: str) -> list[tuple[str, frozenset[str]]]:
        out = [(form, flags) for flags in self.entries.get(form, ())]
        stripped = self._strip(form)
        for rule, base in stripped:
            out += [(base, flags) for flags in self.entries.get(base, ()) if rule.flag in flags]
        if out:
            return out
        inner_of: dict[tuple[str, str], list[tuple[Rule, str]]] = {}  # rules of one flag often share a suffix
        for outer, middle in stripped:
            key = (middle, outer.flag)
            if key not in inner_of:
                inner_of[key] = self._strip(middle, before=outer.flag)
            for inner, base in inner_of[key]:
                out += [(base, flags) for flags in self.entries.get(base, ()) if inner.flag in flags]
        return out

    def _strip(self, form: str, before: str = "") -> list[tuple[Rule, str]]:
        """(rule, base) for every suffix rule that could have produced `form` from `base`; with
        `before`, only rules whose forms take the suffix flag `before` next."""
        by_add = self._by_add if not before else self._by_cont.get(before)
        if not by_add:
            return []
        found = []
        for k in range(1, min(len(form), self._longest_add + 1)):
            group = by_add.get(form[-k:])
            if group:
                stem = form[:-k]
                for rule in group:
                    base = stem + rule.strip
                    if rule.cond.search(base):
                        found.append((rule, base))
        return found


class _Condition:
    """A rule's condition on the end of the word: `search(word)` is True (or a match) when the
    rule may apply, None when not. A plain suffix ("er", half of Stavekontrolden's) is checked with
    `str.endswith`, a sequence of letters and [classes] ("[^aeiou]er", most of the rest) one
    character at a time; anything else is compiled as a regular expression on first use
    (compiling the ~100 conditions a build meets would cost more than checking them)."""

    __slots__ = ("search", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.search: Callable[[str], object]
        if text == ".":
            self.search = _anything
        elif not _REGEX_SYNTAX.search(text):
            self.search = lambda word, suffix=text: word.endswith(suffix) or None
        elif _CLASSES.fullmatch(text):
            self.search = _by_characters(tuple(
                (m.group(2), bool(m.group(1))) if m.group(2) is not None else
                ("", True) if m.group(3) == "." else (m.group(3), False)
                for m in _UNIT.finditer(text)))
        else:
            self.search = self._compile_and_search

    def _compile_and_search(self, word: str) -> object:
        self.search = _compiled_condition(self.text).search
        return self.search(word)


_REGEX_SYNTAX = re.compile(r"[.^$*+?{}\[\]\\|()]")
_UNIT = re.compile(r"\[(\^?)([^\]\[\\^-]+)\]|([^\[\]\\^$*+?{}|()-])")  # [class], [^class] or one character
_CLASSES = re.compile(rf"(?:{_UNIT.pattern})+")


def _by_characters(units: tuple[tuple[str, bool], ...]) -> Callable[[str], object]:
    """The check of a condition made of one-character units: (characters, negated) each."""
    n = len(units)

    def search(word: str) -> object:
        if len(word) < n:
            return None
        for char, (chars, negated) in zip(word[len(word) - n :], units):
            if (char in chars) == negated:
                return None
        return True

    return search


def _anything(word: str) -> bool:
    return True


@cache
def _compiled_condition(text: str) -> re.Pattern[str]:
    return re.compile("(?:" + ("" if text == "." else text) + ")$")


def parse_aff(text: str) -> tuple[dict[str, tuple[Rule, ...]], dict[str, str]]:
    """Suffix rules by flag, plus the special flags (NEEDAFFIX, ONLYINCOMPOUND)."""
    rules: dict[str, list[Rule]] = {}
    special: dict[str, str] = {}
    conditions: dict[str, _Condition] = {}  # 1,800 rules share 250 conditions
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] in ("NEEDAFFIX", "ONLYINCOMPOUND"):
            special[parts[0]] = parts[1]
        if len(parts) < 5 or parts[0] != "SFX":
            continue
        flag, strip, add, cond = parts[1], parts[2], parts[3], parts[4]
        add, _, cont = add.partition("/")
        tag = parts[5] if len(parts) > 5 and parts[5].startswith("+") else ""
        if cond not in conditions:
            conditions[cond] = _Condition(cond)
        rule = Rule(flag, "" if strip == "0" else strip, "" if add == "0" else add,
                    frozenset(cont.split(",")) if cont else frozenset(), conditions[cond], tag)
        rules.setdefault(flag, []).append(rule)
    return {k: tuple(v) for k, v in rules.items()}, special


def find_dictionary(explicit: str = "", language: str = "da_DK") -> Path | None:
    """The .aff path of the Danish dictionary: `explicit` (with or without extension) or a system folder."""
    candidates = [Path(explicit)] if explicit else [Path(p) / language for p in SEARCH_PATHS]
    for base in candidates:
        aff = base if base.suffix == ".aff" else base.with_suffix(".aff")
        if aff.is_file() and aff.with_suffix(".dic").is_file():
            return aff
    return None


def dictionary_fingerprint(aff_path: Path) -> str | None:
    """Which dictionary, in which state: both files' paths, sizes and change times (None if unreadable).

    Caches of what the dictionary says (inflection answers, links) are keyed by it, so editing
    either the word list (.dic) or the affix rules (.aff) invalidates them.
    """
    parts = []
    for path in (aff_path, aff_path.with_suffix(".dic")):
        try:
            stat = path.stat()
        except OSError:
            return None
        parts.append(f"{path.resolve()}\0{stat.st_size}\0{stat.st_mtime_ns}")
    return "\0".join(parts)


@cache
def load_lexicon(aff_path: Path) -> Lexicon:
    rules, special = parse_aff(aff_path.read_text(encoding="utf-8"))
    headwords = Headwords(aff_path.with_suffix(".dic").read_bytes())
    by_add: dict[str, list[Rule]] = {}
    by_cont: dict[str, dict[str, list[Rule]]] = {}
    for group in rules.values():
        for rule in group:
            if rule.add:
                by_add.setdefault(rule.add, []).append(rule)
                for flag in rule.cont:
                    by_cont.setdefault(flag, {}).setdefault(rule.add, []).append(rule)
    return Lexicon(rules, EntryView(headwords, 0), EntryView(headwords, 1), EntryView(headwords, 2),
                   headwords, special.get("NEEDAFFIX", ""), special.get("ONLYINCOMPOUND", ""),
                   {k: tuple(v) for k, v in by_add.items()}, max(map(len, by_add), default=0),
                   {flag: {k: tuple(v) for k, v in adds.items()} for flag, adds in by_cont.items()})
