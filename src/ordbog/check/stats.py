"""`ordbog check --stats`: a site report for editors — articles per letter, LIX distribution,
review backlog by age (oldest first) and findings per rule."""

from __future__ import annotations

from collections import Counter

from ordbog.check import lix
from ordbog.check.findings import CheckContext, Finding
from ordbog.check.freshness import months_between, review_date
from ordbog.check.readability import article_lix
from ordbog.danish.collation import ALPHABET, index_letter
from ordbog.danish.dates import format_dmy

AGE_BUCKETS = ((6, "under 6 måneder"), (12, "6–11 måneder"), (18, "12–17 måneder"), (24, "18–23 måneder"),
               (10_000, "24 måneder eller mere"))


def _bar(n: int, total: int, width: int = 30) -> str:
    return "█" * round(width * n / total) if total else ""


def letters(ctx: CheckContext) -> list[str]:
    counts = Counter(index_letter(a.title) for a in ctx.articles)
    order = list(ALPHABET) + ["#"]
    return ["Artikler pr. bogstav:", "  " + "  ".join(f"{k} {counts[k]}" for k in order if counts[k])]


def lix_distribution(ctx: CheckContext) -> list[str]:
    values = [article_lix(a, ctx.prose(a))[0].lix for a in ctx.articles]
    values = [v for v in values if v]
    bands = Counter(lix.band(v) for v in values)
    out = ["LIX-fordeling:"]
    for upper, name in lix.BANDS:
        label = f"≤ {upper}" if upper < 1000 else "≥ 55"
        out.append(f"  {name:<11} {label:>5}  {bands[name]:>4}  {_bar(bands[name], len(values))}")
    if values:
        ordered = sorted(values)
        out.append(f"  median {ordered[len(ordered) // 2]:.0f}, laveste {ordered[0]:.0f}, højeste {ordered[-1]:.0f}")
    return out


def review_ages(ctx: CheckContext) -> list[str]:
    dated = sorted(((found[0], a) for a in ctx.articles if (found := review_date(a))), key=lambda p: (p[0], p[1].path))
    buckets = Counter(next(name for upper, name in AGE_BUCKETS if months_between(d, ctx.today) < upper) for d, _ in dated)
    out = [f"Gennemgang (i dag er {format_dmy(ctx.today)}, interval {ctx.settings.review_months} måneder):"]
    for _upper, name in reversed(AGE_BUCKETS):
        out.append(f"  {name:<22} {buckets[name]:>4}  {_bar(buckets[name], len(dated))}")
    oldest = [f"{a.path} ({format_dmy(d)})" for d, a in dated[:5]]
    if oldest:
        out.append("  ældste: " + ", ".join(oldest))
    missing = len(ctx.articles) - len(dated)
    if missing:
        out.append(f"  uden dato: {missing}")
    return out


def per_rule(findings: tuple[Finding, ...]) -> list[str]:
    counts = Counter((f.code, f.rule.name) for f in findings)
    out = ["Fund pr. regel:"]
    for (code, name), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        out.append(f"  {code:<8} {name:<24} {n:>5}")
    if not counts:
        out.append("  ingen")
    return out


def report(ctx: CheckContext, findings: tuple[Finding, ...]) -> str:
    blocks = [letters(ctx), lix_distribution(ctx), review_ages(ctx), per_rule(findings)]
    head = [f"{len(ctx.articles)} artikler i {ctx.config.content_dir}", ""]
    return "\n".join(head + [line for block in blocks for line in [*block, ""]])
