"""`ordbog links`: the automatic link graph of a linked Site, as a Danish report or JSON.

Input: a Site after the link stage (`Article.links`). Output: text or
`{slug: {"outbound": [{"slug", "text"}], "inbound": [slug, ...]}}` (sorted keys, deterministic).
Registered on the main app by `register(app)`; heavy imports happen inside the command.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Annotated, Any

import typer

from ordbog.model import Site

TOP = 10


def link_graph(site: Site) -> dict[str, dict[str, Any]]:
    """Outbound links in page order and sorted inbound slugs, for every article."""
    graph: dict[str, dict[str, Any]] = {
        a.slug: {"outbound": [{"slug": d, "text": t} for d, t in a.links], "inbound": []} for a in site.articles
    }
    for article in site.articles:
        for dest in sorted({d for d, _ in article.links}):
            if dest in graph:
                graph[dest]["inbound"].append(article.slug)
    for node in graph.values():
        node["inbound"].sort()
    return graph


def orphans(graph: dict[str, dict[str, Any]]) -> list[str]:
    return sorted(slug for slug, node in graph.items() if not node["inbound"])


def most_linked(graph: dict[str, dict[str, Any]], n: int = TOP) -> list[tuple[str, int]]:
    counts = Counter({slug: len(node["inbound"]) for slug, node in graph.items() if node["inbound"]})
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:n]


def report_lines(graph: dict[str, dict[str, Any]]) -> list[str]:
    """The human report: summary, orphans, most linked, then each article's matches."""
    total = sum(len(node["outbound"]) for node in graph.values())
    pages = len(graph) or 1
    lonely = orphans(graph)
    summary = (f"{len(graph)} artikler, {total} automatiske links ({total / pages:.2f} pr. side), "
               f"{len(graph) - len(lonely)} artikler får mindst ét link.")
    lines = [summary, ""]
    lines.append(f"Forældreløse artikler (ingen links hertil): {len(lonely)}")
    lines += [f"  {slug}" for slug in lonely]
    lines += ["", "Mest linkede artikler:"]
    lines += [f"  {count:4}  {slug}" for slug, count in most_linked(graph)]
    lines += ["", "Links pr. artikel (ud / ind) og de ord, der blev linket:"]
    for slug, node in sorted(graph.items()):
        terms = ", ".join(f"\"{o['text']}\" → {o['slug']}" for o in node["outbound"])
        lines.append(f"  {slug}: {len(node['outbound'])} ud / {len(node['inbound'])} ind" + (f" – {terms}" if terms else ""))
    return lines


ContentOpt = Annotated[Path | None, typer.Option("--content", "-c", help="Mappe med artikler (.md). Standard: ./content, ellers eksempelsitet.")]
ConfigOpt = Annotated[Path | None, typer.Option("--config", help="Sti til ordbog.toml.")]


def links(
    content: ContentOpt = None,
    config: ConfigOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Skriv {slug: {outbound: [{slug, text}], inbound: [slug]}} som JSON.")] = False,
) -> None:
    """Vis de automatiske links: ud- og indgående pr. artikel, forældreløse og mest linkede artikler."""
    from ordbog.build import make_site
    from ordbog.cli import EXIT_CONTENT, err, print_diagnostics, resolve_config

    cfg = resolve_config(content, None, config)
    site, diags = make_site(cfg)
    errors = [d for d in diags if d.is_error]
    print_diagnostics(errors)
    if not cfg.file.links.enabled:
        err.print("Bemærk: automatiske links er slået fra ([links] enabled = false).", markup=False)
    graph = link_graph(site)
    if as_json:
        typer.echo(json.dumps(graph, ensure_ascii=False, sort_keys=True, indent=1))
    else:
        typer.echo("\n".join(report_lines(graph)))
    raise typer.Exit(EXIT_CONTENT if errors else 0)


def register(app: typer.Typer) -> None:
    app.command(name="links")(links)
