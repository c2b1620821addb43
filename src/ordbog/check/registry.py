"""Every rule `ordbog check` knows: a stable code, a kebab-case name, a default level and a rationale.

Codes never change meaning once released; names are what users read in reports and may type in
`--select`, `--ignore`, `[check] levels` and inline `ordbog-ignore` comments. Codes from the load
and analyse stages (LOAD…, FM…, ART…) are registered here too, so the check reports them by name.
The rationale is English (it feeds docs/checks.md); the summary is Danish (it is shown to editors).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Level(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"
    OFF = "off"


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    name: str
    level: Level
    family: str
    summary: str  # Danish, one line
    rationale: str  # English, why the rule exists
    fixable: bool = False


E, W, INFO = Level.ERROR, Level.WARNING, Level.INFO


def _r(code: str, name: str, level: Level, family: str, summary: str, rationale: str, fixable: bool = False) -> Rule:
    return Rule(code, name, level, family, summary, rationale, fixable)


RULES: tuple[Rule, ...] = (
    # files (load stage)
    _r("LOAD001", "unreadable-file", E, "files", "Filen kan ikke læses.", "An unreadable file silently disappears from the site."),
    _r("LOAD002", "binary-file", E, "files", "Filen er ikke tekst.", "Only Markdown text can become an article."),
    _r("LOAD003", "not-utf8", E, "files", "Filen er ikke UTF-8.", "Other encodings turn æ, ø and å into garbage."),
    _r("LOAD004", "file-too-large", E, "files", "Filen er for stor.", "Huge files are almost always pasted data, not an article."),
    _r("LOAD005", "broken-symlink", E, "files", "Et symbolsk link peger på ingenting.", "A dangling link hides a missing article."),
    _r("LOAD006", "empty-file", E, "files", "Filen er tom.", "An empty file would publish an empty page."),
    _r("LOAD007", "unclean-file-name", W, "files", "Filnavnet er ikke en ren adresse.", "The file name is the page address; it should be the slug itself so links to it are predictable."),
    _r("LOAD008", "duplicate-slug", E, "files", "To filer giver samme adresse.", "Only one of them can be published; the other is silently lost."),
    # frontmatter
    _r("FM001", "invalid-yaml", E, "frontmatter", "Frontmatter er ikke gyldig YAML.", "Broken YAML loses every piece of metadata in the article (other generators silently ignore it)."),
    _r("FM002", "frontmatter-not-mapping", E, "frontmatter", "Frontmatter er ikke nøgler med værdier.", "Metadata must be `key: value` lines to be read at all."),
    _r("FM003", "unclosed-frontmatter", E, "frontmatter", "Frontmatter mangler den afsluttende '---'.", "Without the closing line the whole body would be read as metadata."),
    _r("FM004", "invalid-value", E, "frontmatter", "En værdi i frontmatter har forkert type eller er ikke en dato.", "A date that is not a date, or text where a list belongs, cannot be published correctly."),
    _r("FM005", "date-in-future", E, "frontmatter", "En dato ligger i fremtiden.", "A future 'last updated' date misleads readers and search engines and is nearly always a typo."),
    _r("FM006", "date-format", INFO, "frontmatter", "En dato er ikke skrevet som DD/MM/ÅÅÅÅ.", "One date spelling across the site keeps diffs and spreadsheets consistent.", True),
    _r("FM101", "key-case", W, "frontmatter", "En nøgle er stavet med forkerte store/små bogstaver.", "`Title:` is read as `title:` today, but other tools are case-sensitive and will lose it.", True),
    _r("FM102", "unknown-key", W, "frontmatter", "Ukendt nøgle i frontmatter.", "An unknown key is usually a misspelt known key, whose value is then silently ignored."),
    _r("ART001", "missing-title", W, "frontmatter", "'title' mangler.", "The title is the H1 and index entry; guessed titles can be wrong."),
    _r("ART002", "missing-meta-title", W, "frontmatter", "'metaTitle' mangler.", "The metaTitle is what search results show; the bare term rarely earns the click."),
    _r("ART004", "date-order", W, "frontmatter", "lastUpdated ligger før datePublished.", "An article cannot be updated before it was published; structured data with such dates is distrusted."),
    _r("ART005", "broken-related", W, "frontmatter", "'related' peger på en artikel, der ikke findes.", "A 'Se også' link to nowhere is dropped from the page; the editor meant something."),
    # SEO
    _r("SEO001", "meta-title-too-long", W, "seo", "metaTitle er længere end det, søgeresultater viser.", "Search results cut titles at about 60 characters (≈ 580 px); the cut part is never read."),
    _r("SEO002", "description-too-short", W, "seo", "Beskrivelsen er for kort.", "A short description gives search engines nothing to show, so they pick a random sentence."),
    _r("SEO003", "description-too-long", W, "seo", "Beskrivelsen er for lang.", "Search results cut descriptions at about 160 characters."),
    _r("SEO004", "duplicate-meta-title", W, "seo", "To artikler har samme metaTitle.", "Identical result titles make search engines treat the pages as duplicates."),
    _r("SEO005", "duplicate-title", W, "seo", "To artikler har samme titel.", "Two index entries with one name confuse readers and links."),
    _r("SEO006", "multiple-h1", W, "seo", "Siden får mere end én H1.", "The title is the page's only H1; a second one blurs what the page is about."),
    _r("SEO007", "missing-h1", W, "seo", "Siden har ingen rigtig H1.", "Without title, metaTitle or '# H1' the H1 is guessed from the file name."),
    _r("SEO008", "heading-skip", W, "seo", "Et overskriftsniveau springes over.", "Screen readers navigate by heading level; a jump from H2 to H4 hides structure."),
    _r("SEO009", "h2-repeats-title", INFO, "seo", "Første H2 gentager titlen.", "The H1 already says it; a repeated heading wastes the most visible line."),
    # links and media
    _r("LNK001", "broken-link", E, "links", "Et internt link peger på ingenting.", "A broken link is the quickest way to lose a reader's trust."),
    _r("LNK002", "missing-image", E, "links", "Et billede findes ikke.", "A missing image shows as a broken icon and its alt text."),
    _r("LNK003", "absolute-own-link", W, "links", "Et link til sitets eget domæne bør være relativt.", "Absolute links to the own site break on preview and staging hosts and when the domain changes."),
    _r("LNK004", "insecure-link", W, "links", "Et eksternt link bruger http i stedet for https.", "Browsers warn about http pages; most sites redirect anyway."),
    # content
    _r("TXT001", "leftover-marker", E, "content", "Der står en redigeringsmarkør i teksten.", "Markers such as `KORT:`, `TODO`, `xxx` or `[indsæt …]` were meant for the editor, not the reader.", True),
    _r("TXT002", "empty-section", W, "content", "En overskrift har ingen tekst under sig.", "An empty section promises an answer that is not there."),
    _r("ART003", "faq-without-answer", W, "content", "Et FAQ-spørgsmål har intet svar.", "An unanswered question is worse than none, and FAQPage data without answers is invalid."),
    _r("TXT003", "faq-not-last", W, "content", "FAQ-afsnittet er ikke det sidste afsnit.", "Everything after the FAQ is swallowed by it on the page and in FAQPage structured data."),
    _r("TXT004", "trailing-whitespace", INFO, "content", "Linjer slutter med mellemrum.", "Invisible trailing spaces make noisy diffs (real Markdown line breaks are left alone).", True),
    _r("DUP001", "near-duplicate", W, "content", "To artikler er næsten ens.", "Near-copies split readers and search ranking between two pages and drift apart when one is edited."),
    _r("DUP002", "duplicate-topic", W, "content", "To artikler handler om det samme emne.", "Two slugs for one topic compete in search; merge them and redirect one."),
    # readability
    _r("RDB001", "readability", W, "readability", "Teksten er svær at læse (LIX).", "Health information must be readable by everyone; LIX above the limit loses many readers."),
    _r("RDB002", "long-sentence", INFO, "readability", "En sætning er meget lang.", "Long sentences are the main cause of hard Danish text and the easiest to fix."),
    # freshness
    _r("REV001", "review-due", W, "freshness", "Artiklen bør gennemgås igen.", "Health advice ages; readers and search engines trust recently reviewed pages."),
)

_BY_CODE = {r.code: r for r in RULES}
_BY_NAME = {r.name: r for r in RULES}


def rule(code_or_name: str) -> Rule | None:
    """The rule with this code (any case) or kebab-case name."""
    return _BY_CODE.get(code_or_name.upper()) or _BY_NAME.get(code_or_name.lower())


def rule_for(code: str) -> Rule:
    """The rule for a diagnostic code; codes from stages added later get a generic entry."""
    return _BY_CODE.get(code) or Rule(code, code.lower(), W, "other", "", "")


def unknown_selectors(selectors: list[str] | tuple[str, ...]) -> list[str]:
    """Selectors that name no rule (codes, names, or a code prefix such as 'SEO')."""
    return [s for s in selectors if not matches_any(s)]


def matches_any(selector: str) -> bool:
    return any(selected(r, [selector]) for r in RULES)


def selected(r: Rule, selectors: list[str] | tuple[str, ...]) -> bool:
    """True when a selector names the rule by code, name, family or code prefix (`SEO`, `FM1`).

    A rule name wins over a family of the same spelling: `readability` is the LIX rule only, not
    the whole readability family (which also holds `long-sentence`)."""
    for s in selectors:
        low = s.lower()
        if low in _BY_NAME:
            if low == r.name:
                return True
            continue
        if low == r.family or (len(s) >= 2 and r.code.startswith(s.upper())):
            return True
    return False
