"""The check, top to bottom: load → analyse → rule families → levels, selection, silencing.

The load and analyse stages are the build's own (their diagnostics become findings); the rule
families below run on the analysed articles. Nothing here prints or writes.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from pathlib import Path

from ordbog import analyse, load
from ordbog.check import content, duplicates, freshness, links, meta, readability, seo, silence
from ordbog.check.findings import CheckContext, Finding, from_diagnostic, severity_of
from ordbog.check.places import key_line
from ordbog.check.registry import Level, rule, selected
from ordbog.config import Config
from ordbog.diagnostics import Diagnostic
from ordbog.model import Article, Source

# the order of families does not matter for the result: findings are sorted at the end
RULE_FAMILIES = (meta.check, seo.check, links.check, content.check, duplicates.check, readability.check, freshness.check)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class CheckResult:
    findings: tuple[Finding, ...]
    context: CheckContext

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.diagnostic.is_error)


def raw_file_lines(path: Path) -> list[str]:
    text = path.read_bytes().decode("utf-8", errors="replace").removeprefix("\ufeff")
    return _LINE_BREAK.split(text)


def gather(config: Config) -> tuple[list[Source], list[Article], list[Diagnostic], dict[str, list[str]]]:
    """Sources, analysed articles, the stages' diagnostics and every file's raw lines."""
    raw: dict[str, list[str]] = {}

    def read(path: Path) -> tuple[Source | None, list[Diagnostic]]:
        source, diags = load.read_source(path)
        if source is not None:
            raw[source.path] = raw_file_lines(path)
        return source, diags

    sources, diags = load.load_sources(config.content_dir, read=read)
    articles = []
    for source in sources:
        article, found = analyse.analyse(source)
        diags += found
        if article is None:
            article = analysed_without_bad_values(source, found)
        if article is not None:
            articles.append(article)
    diags += analyse.check_related(articles)
    return sources, sorted(articles, key=lambda a: a.slug), diags, raw


def analysed_without_bad_values(source: Source, diags: list[Diagnostic]) -> Article | None:
    """The build drops an article with an invalid value (FM004); the check still runs the other rules
    on it, with those keys left out, so one bad date does not hide every other finding."""
    bad_lines = {d.line for d in diags if d.code == "FM004"}
    if not bad_lines or any(d.is_error and d.code != "FM004" for d in diags):
        return None
    kept = {k: v for k, v in source.frontmatter.items() if source.key_lines.get(k) not in bad_lines}
    article, _ = analyse.analyse(replace(source, frontmatter=kept))
    return article


def related_line(ctx: CheckContext, f: Finding) -> Finding:
    """ART005 points at the `related` key rather than the frontmatter's first line."""
    source = ctx.sources.get(f.path)
    if source is None:
        return f
    return replace(f, diagnostic=replace(f.diagnostic, line=key_line(source, "related")))


def configured(f: Finding, levels: dict[str, str]) -> Finding | None:
    """The finding at its configured level, or None when the rule is off."""
    level = next((levels[k] for k in (f.rule.code, f.rule.name) if k in levels), None)
    if level is None:
        level = f.rule.level.value if rule(f.rule.code) else f.diagnostic.severity.value
    if level == Level.OFF.value:
        return None
    severity = severity_of(Level(level))
    if severity is f.diagnostic.severity:
        return f
    return replace(f, diagnostic=replace(f.diagnostic, severity=severity))


def run_check(config: Config, today: dt.date, select: tuple[str, ...] = (), ignore: tuple[str, ...] = ()) -> CheckResult:
    sources, articles, diags, raw = gather(config)
    ctx = CheckContext(config, today, tuple(articles), {s.path: s for s in sources}, raw)
    findings = [from_diagnostic(d) for d in diags]
    findings = [meta.key_case_edit(ctx, f) if f.code == "FM101" else f for f in findings]
    findings = [related_line(ctx, f) if f.code == "ART005" else f for f in findings]
    for family in RULE_FAMILIES:
        findings.extend(family(ctx))
    levels = config.file.check.levels
    kept = [c for f in findings if (c := configured(f, levels)) is not None]
    ignored = tuple(ignore) + tuple(config.file.check.ignore)
    kept = [f for f in kept if (not select or selected(f.rule, select)) and not selected(f.rule, ignored)]
    kept = silence.unsilenced(kept, raw)
    kept.sort(key=lambda f: (f.path, f.diagnostic.line, f.diagnostic.column, f.code, f.diagnostic.message))
    return CheckResult(tuple(kept), ctx)
