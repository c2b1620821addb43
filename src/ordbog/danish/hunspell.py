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

import hashlib
import marshal
import os
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from ordbog.cache import cache_root

SEARCH_PATHS = ("/usr/share/hunspell", "/usr/share/myspell", "/usr/share/myspell/dicts", "/usr/local/share/hunspell")
NOUN_TAGS = frozenset({"+BESTEMT_ENTAL", "+PLUR_UBEK", "+PLUR_BEK"})
VERB_TAGS = frozenset({"+DATID", "+PERF_PART", "+IMPERATIV", "+NUTID", "+PASSIV", "+PRÆSENS_PART"})
ADJ_TAGS = frozenset({"+KOMPARATIV", "+SUPERLATIV", "+SUPERLATIV_PLURALIS"})
CACHE_VERSION = "2"
NOUN, VERB, ADJ, OTHER = "noun", "verb", "adj", "other"


@dataclass(frozen=True, slots=True)
class Rule:
    flag: str
    strip: str
    add: str
    cont: frozenset[str]  # continuation flags of the generated form
    cond: re.Pattern[str]
    tag: str

    def applies(self, word: str) -> bool:
        return word.endswith(self.strip) and self.cond.search(word) is not None

    def apply(self, word: str) -> str:
        return word[: len(word) - len(self.strip)] + self.add


@dataclass(frozen=True)
class Lexicon:
    rules: dict[str, tuple[Rule, ...]]
    entries: dict[str, tuple[frozenset[str], ...]]  # word → flag sets of its entries
    irregular: dict[str, tuple[str, ...]]  # form → lemmas ("ryg st:ryge")
    alternates: dict[str, tuple[str, ...]]  # lemma → its irregular forms ("komme al:kom al:kommet")
    need_affix: str = ""
    only_in_compound: str = ""
    _by_add: dict[str, tuple[Rule, ...]] = field(default_factory=dict, repr=False)
    _flag_class: dict[str, str] = field(default_factory=dict, repr=False)
    _classes: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)

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
                if rule.applies(word):
                    forms |= self._continue(rule.apply(word), rule.cont)
        return forms

    def _continue(self, form: str, cont: frozenset[str]) -> set[str]:
        out = set() if (self.need_affix in cont or self.only_in_compound in cont) else {form}
        for flag in cont:
            for rule in self.rules.get(flag, ()):
                if rule.applies(form) and not (self.only_in_compound in rule.cont):
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
        for k in range(1, len(form)):
            for rule in self._by_add.get(form[len(form) - k :], ()):
                base = form[: len(form) - k] + rule.strip
                if rule.cond.search(base) and any(rule.flag in flags for flags in self.entries.get(base, ())):
                    cls = self.flag_class(rule.flag)
                    if cls:
                        found.add(cls)
        return found

    def lemmas(self, form: str) -> list[tuple[str, frozenset[str]]]:
        """Entries `form` is a regular form of (itself first), for expanding a paradigm.

        Two suffix levels are tried, as the dictionary stacks them: "ryggen" = "ryg" + "g"
        (consonant doubling, which only exists with a further suffix) + "en".
        """
        out = [(form, flags) for flags in self.entries.get(form, ())]
        for rule, base in self._strip(form):
            out += [(base, flags) for flags in self.entries.get(base, ()) if rule.flag in flags]
        if out:
            return out
        for outer, middle in self._strip(form):
            for inner, base in self._strip(middle):
                if outer.flag in inner.cont:
                    out += [(base, flags) for flags in self.entries.get(base, ()) if inner.flag in flags]
        return out

    def _strip(self, form: str) -> list[tuple[Rule, str]]:
        """(rule, base) for every suffix rule that could have produced `form` from `base`."""
        found = []
        for k in range(1, len(form)):
            for rule in self._by_add.get(form[len(form) - k :], ()):
                base = form[: len(form) - k] + rule.strip
                if rule.cond.search(base):
                    found.append((rule, base))
        return found


def _condition(text: str) -> re.Pattern[str]:
    return re.compile("(?:" + ("" if text == "." else text) + ")$")


def parse_aff(text: str) -> tuple[dict[str, tuple[Rule, ...]], dict[str, str]]:
    """Suffix rules by flag, plus the special flags (NEEDAFFIX, ONLYINCOMPOUND)."""
    rules: dict[str, list[Rule]] = {}
    special: dict[str, str] = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] in ("NEEDAFFIX", "ONLYINCOMPOUND"):
            special[parts[0]] = parts[1]
        if len(parts) < 5 or parts[0] != "SFX":
            continue
        flag, strip, add, cond = parts[1], parts[2], parts[3], parts[4]
        add, _, cont = add.partition("/")
        tag = parts[5] if len(parts) > 5 and parts[5].startswith("+") else ""
        rule = Rule(flag, "" if strip == "0" else strip, "" if add == "0" else add,
                    frozenset(cont.split(",")) if cont else frozenset(), _condition(cond), tag)
        rules.setdefault(flag, []).append(rule)
    return {k: tuple(v) for k, v in rules.items()}, special


def parse_dic(text: str) -> tuple[dict[str, str], dict[str, list[str]], dict[str, list[str]]]:
    """Headwords with their flags ("10,46,4;…" for several entries), irregular forms with lemmas
    (`ryg st:ryge`) and lemmas with their irregular forms (`komme al:kom al:kommet`)."""
    raw: dict[str, str] = {}
    irregular: dict[str, list[str]] = {}
    alternates: dict[str, list[str]] = {}
    for word, rest in _ALTERNATES.findall(text):
        alternates.setdefault(word, []).extend(re.findall(r"al:(\S+)", rest))
    # one C-level scan: a Python loop over 150,000 lines would dominate a small site's build
    for word, flags, lemma in _DIC_LINE.findall(text):
        if lemma:
            irregular.setdefault(word, []).append(lemma)
        elif word in raw:
            raw[word] += ";" + flags
        else:
            raw[word] = flags
    return raw, irregular, alternates


def cached_dic(dic: Path) -> tuple[dict[str, str], dict[str, list[str]], dict[str, list[str]]]:
    """`parse_dic` of the file, kept in the user's cache folder (parsing 150,000 lines costs more
    than linking a few hundred articles); a stale or unreadable cache is rebuilt."""
    root = cache_root()
    if root is None:
        return parse_dic(dic.read_text(encoding="utf-8"))
    stat = dic.stat()
    key = hashlib.sha256(f"{CACHE_VERSION}:{dic.resolve()}:{stat.st_size}:{stat.st_mtime_ns}".encode()).hexdigest()
    path = root / f"hunspell-{key[:16]}.marshal"
    try:
        raw, irregular, alternates = marshal.loads(path.read_bytes())
        return raw, irregular, alternates
    except (OSError, ValueError, EOFError, TypeError):
        pass
    raw, irregular, alternates = parse_dic(dic.read_text(encoding="utf-8"))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(marshal.dumps((raw, irregular, alternates)))
        os.replace(tmp, path)
        for old in path.parent.glob("hunspell-*.marshal"):
            if old != path and not old.name.startswith("hunspell-memo-"):
                old.unlink(missing_ok=True)  # an earlier format or dictionary version
    except OSError:
        pass  # a read-only home only makes the next build slower
    return raw, irregular, alternates


_ALTERNATES = re.compile(r"^([^/\s]+)\S*([ \t][^\n]*al:[^\n]*)$", re.MULTILINE)
_DIC_LINE = re.compile(r"^([^/\s]+)(?:/(\S*))?(?:[ \t]+st:(\S+))?", re.MULTILINE)


class _LazyEntries(dict):  # type: ignore[type-arg]
    """word → flag sets, split on first use (most of the 150,000 headwords are never looked at)."""

    def __init__(self, raw: dict[str, str]) -> None:
        super().__init__()
        self._raw = raw

    def get(self, word, default=()):  # type: ignore[override]
        if word not in self._raw:
            return default
        if not super().__contains__(word):
            super().__setitem__(word, tuple(frozenset(f.split(",")) if f else frozenset()
                                            for f in self._raw[word].split(";")))
        return super().__getitem__(word)

    def __contains__(self, word: object) -> bool:
        return word in self._raw


def find_dictionary(explicit: str = "", language: str = "da_DK") -> Path | None:
    """The .aff path of the Danish dictionary: `explicit` (with or without extension) or a system folder."""
    candidates = [Path(explicit)] if explicit else [Path(p) / language for p in SEARCH_PATHS]
    for base in candidates:
        aff = base if base.suffix == ".aff" else base.with_suffix(".aff")
        if aff.is_file() and aff.with_suffix(".dic").is_file():
            return aff
    return None


@cache
def load_lexicon(aff_path: Path) -> Lexicon:
    rules, special = parse_aff(aff_path.read_text(encoding="utf-8"))
    raw, irregular, alternates = cached_dic(aff_path.with_suffix(".dic"))
    by_add: dict[str, list[Rule]] = {}
    for group in rules.values():
        for rule in group:
            if rule.add:
                by_add.setdefault(rule.add, []).append(rule)
    return Lexicon(rules, _LazyEntries(raw), {k: tuple(v) for k, v in irregular.items()},
                   {k: tuple(v) for k, v in alternates.items()}, special.get("NEEDAFFIX", ""), special.get("ONLYINCOMPOUND", ""),
                   {k: tuple(v) for k, v in by_add.items()})
