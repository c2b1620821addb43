"""Precision, recall and links per page of automatic linking, against hand judgments.

    python benchmarks/linking/evaluate.py score  [--corpus DIR]          # the numbers
    python benchmarks/linking/evaluate.py sheet  --split dev [--corpus DIR]  # mentions still to judge

judgments.tsv holds one judged mention per line: slug, destination, mention text (lowercase),
occurrence index (see corpus.py), and y (should be linked there) or n (should not). The sample is
60 articles picked by a hash of the slug (not by content), in three sets:
- dev (19 articles): judged first and used while designing the rules;
- holdout-1 (21): judged and scored once, then its errors were studied (so it became tuning data);
- holdout-2 (20): judged and scored only after the rules were final: the unseen-articles number.

A link is correct when its (destination, text, occurrence) is judged y. Recall counts, per article,
the destinations with at least one y judgment, at most 15 per page (as the issue's baseline does).
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from corpus import (
    DEFAULT_CORPUS,
    article_links,
    article_text,
    corpus_config,
    linked_site,
    occurrences,
    sample,
    split_of,
    unlinked_site,
)

from ordbog import link
from ordbog.linkterms import WORD

JUDGMENTS = Path(__file__).parent / "judgments.tsv"
SAMPLE_SIZE = 40
FINAL_SIZE = 20  # holdout-2: the next articles in the same hash order
STRATEGIES = ("hunspell", "snowball", "exact")
Key = tuple[str, str, str, int]  # slug, dest, text, occurrence


def read_judgments() -> dict[Key, bool]:
    out = {}
    if JUDGMENTS.exists():
        for line in JUDGMENTS.read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                slug, dest, text, occ, verdict = line.split("\t")
                out[(slug, dest, text, int(occ))] = verdict == "y"
    return out


def article_sets(site) -> dict[str, list[str]]:
    first = sample(site, SAMPLE_SIZE)
    return {
        "dev": [s for s in first if split_of(s) == "dev"],
        "holdout-1": [s for s in first if split_of(s) == "holdout"],
        "holdout-2": sample(site, SAMPLE_SIZE + FINAL_SIZE)[SAMPLE_SIZE:],
    }


def predictions(site, corpus: Path, slugs: list[str], **links) -> dict[str, list[tuple[str, str, int]]]:
    linked = linked_site(site, corpus, **links).by_slug()
    return {s: article_links(linked[s]) for s in slugs}


def first_candidates(site, corpus: Path, slugs: list[str], strategy: str) -> dict[str, list[tuple[str, str, int]]]:
    """The earliest mention of each destination, before any rule (what a judge must look at)."""
    index, _ = link.site_index(corpus_config(corpus, inflection=strategy), site)
    by_slug = site.by_slug()
    out = {}
    for slug in slugs:
        text, seen, found = article_text(by_slug[slug]), set(), []
        for m in index.terms.find(text):
            dest = m.pattern.term.dest
            if dest and dest != slug and dest not in seen:
                seen.add(dest)
                mention = text[m.start : m.end]
                found.append((dest, mention.lower(), len(occurrences(text[: m.start], mention))))
        out[slug] = found
    return out


def loose_candidates(site, slugs: list[str]) -> dict[str, list[tuple[str, str, int]]]:
    """Words that start like a one-word title and are at most 4 letters longer: forms a matcher may
    have missed ("anklerne" for "Ankel"), so recall is not measured only against what matchers find."""
    heads = {}
    for a in site.articles:
        words = WORD.findall(a.title)
        if len(words) == 1 and len(words[0]) >= 4:
            heads.setdefault(words[0].lower(), a.slug)
    by_slug = site.by_slug()
    out = {}
    for slug in slugs:
        text, seen, found = article_text(by_slug[slug]), set(), []
        for m in WORD.finditer(text):
            word = m.group().lower()
            for head, dest in heads.items():
                prefix = head[: max(4, len(head) - 1)]
                if dest != slug and dest not in seen and word.startswith(prefix) and len(word) <= len(head) + 4:
                    seen.add(dest)
                    found.append((dest, word, len(occurrences(text[: m.start()], word))))
        out[slug] = found
    return out


def score(pred: dict[str, list[tuple[str, str, int]]], judged: dict[Key, bool], cap: int | None = 15) -> dict:
    tp = fp = unjudged = 0
    gold: dict[str, set[str]] = defaultdict(set)
    for (slug, dest, _, _), ok in judged.items():
        if ok and slug in pred:
            gold[slug].add(dest)
    hit_dests: dict[str, set[str]] = defaultdict(set)
    for slug, links in pred.items():
        for dest, text, occ in links:
            verdict = judged.get((slug, dest, text, occ))
            if verdict is None:
                unjudged += 1
            elif verdict:
                tp += 1
                hit_dests[slug].add(dest)
            else:
                fp += 1
    wanted = sum(min(len(g), cap) if cap else len(g) for g in gold.values())
    found = sum(len(hit_dests[s] & gold[s]) for s in pred)
    return {"precision": tp / max(1, tp + fp), "recall": found / max(1, wanted), "links": tp + fp,
            "wrong": fp, "unjudged": unjudged, "gold": wanted}


def cmd_score(corpus: Path) -> None:
    site = unlinked_site(corpus)
    judged = read_judgments()
    sets = article_sets(site)
    slugs = [s for part in sets.values() for s in part]
    print(f"sample: {len(slugs)} articles, {len(judged)} judged mentions")
    for strategy in STRATEGIES:
        capped = predictions(site, corpus, slugs, inflection=strategy)
        uncapped = predictions(site, corpus, slugs, inflection=strategy, max_per_page=100)
        for name, part in sets.items():
            a = score({s: capped[s] for s in part}, judged)
            b = score({s: uncapped[s] for s in part}, judged, cap=None)
            print(f"{strategy:9} {name:9} n={len(part):2}  capped: P={a['precision']:.3f} R={a['recall']:.3f} "
                  f"({a['links']} links, {a['wrong']} wrong, {a['unjudged']} unjudged)  "
                  f"uncapped: P={b['precision']:.3f} R={b['recall']:.3f} ({b['links']} links, {b['unjudged']} unjudged)")
    for strategy in STRATEGIES:
        linked = linked_site(site, corpus, inflection=strategy)
        per_page = [len(a.links) for a in linked.articles]
        inbound = {d for a in linked.articles for d, _ in a.links}
        print(f"{strategy:9} whole corpus: {sum(per_page)} links, {statistics.mean(per_page):.2f} per page, "
              f"{len(inbound)} destinations, {len(linked.articles) - len(inbound)} orphans")


def cmd_sheet(corpus: Path, split: str) -> None:
    site = unlinked_site(corpus)
    judged = read_judgments()
    slugs = article_sets(site)[split]
    todo: dict[str, set[tuple[str, str, int]]] = defaultdict(set)
    for slug, items in loose_candidates(site, slugs).items():
        todo[slug] |= {i for i in items if (slug, *i) not in judged}
    for strategy in STRATEGIES:
        for source in (first_candidates(site, corpus, slugs, strategy),
                       predictions(site, corpus, slugs, inflection=strategy, max_per_page=100)):
            for slug, items in source.items():
                todo[slug] |= {i for i in items if (slug, *i) not in judged}
    by_slug = site.by_slug()
    for slug in slugs:
        text = article_text(by_slug[slug])
        for dest, mention, occ in sorted(todo[slug], key=lambda i: (i[0], i[2])):
            pos = occurrences(text, mention)[occ]
            context = text[max(0, pos - 50) : pos + len(mention) + 30].replace("\n", " ¶ ")
            print(f"{slug}\t{dest}\t{mention}\t{occ}\t?\t{context}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["score", "sheet"])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--split", default="dev", choices=["dev", "holdout-1", "holdout-2"])
    args = parser.parse_args()
    if args.command == "score":
        cmd_score(args.corpus)
    else:
        cmd_sheet(args.corpus, args.split)


if __name__ == "__main__":
    main()
