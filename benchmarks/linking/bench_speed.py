"""Linking speed at scale: 10,000 synthetic articles × 10,000 terms, and matching time against
text length and number of terms (it should grow with the text, not with the terms).

    python benchmarks/linking/bench_speed.py [--articles 10000] [--terms 10000] [--words 300]

Terms are real Danish nouns from the hunspell dictionary (every n-th noun headword, a fifth of them
with an adjective in front), so their forms come from the same paradigms as on a real site.
Article bodies are random sequences of those words in their inflected forms, function words and
punctuation (fixed seed). Nothing from the shared corpus is used.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from corpus import corpus_config

from ordbog import analyse, link
from ordbog.danish.hunspell import NOUN, find_dictionary, load_lexicon
from ordbog.danish.inflect import hunspell_forms
from ordbog.danish.slug import slugify
from ordbog.model import Site, Source

FILLER = ["og", "i", "på", "at", "der", "det", "er", "som", "en", "et", "med", "for", "til", "af", "den", "de", "kan", "har", "ikke", "også", "meget", "når", "ved", "om"]
ADJECTIVES = ["kronisk", "akut", "stiv", "øm", "svag", "stærk", "lang", "kort", "varm", "kold"]


def danish_nouns(n: int) -> list[str]:
    lexicon = load_lexicon(find_dictionary())
    words = sorted(w for w in lexicon.headwords.headwords() if w.isalpha() and w.islower() and 5 <= len(w) <= 14)
    nouns = [w for w in words[:: max(1, len(words) // (n * 4))]
             if any(lexicon.entry_class(f) == NOUN for f in lexicon.entries.get(w))]
    return nouns[:n]


def titles(n: int, rng: random.Random) -> list[str]:
    nouns = danish_nouns(n)
    return [f"{rng.choice(ADJECTIVES)} {w}" if i % 5 == 0 else w for i, w in enumerate(nouns)]


def body(rng: random.Random, vocabulary: list[str], words: int) -> str:
    out = []
    for i in range(words):
        out.append(rng.choice(vocabulary) if rng.random() < 0.3 else rng.choice(FILLER))
        if i % 12 == 11:
            out[-1] += "."
            if i % 60 == 59:
                out[-1] += "\n\n"
    return " ".join(out)


def make_site(n_articles: int, terms: list[str], words: int, seed: int = 7) -> Site:
    rng = random.Random(seed)
    lexicon = load_lexicon(find_dictionary())
    vocabulary = sorted({f for t in terms for f in (hunspell_forms(lexicon, t.split()[-1], True) or {t})})
    articles = []
    for i in range(n_articles):
        title = terms[i % len(terms)] if i < len(terms) else f"Artikel {i}"
        slug = f"{slugify(title)}-{i}"
        source = Source(f"{slug}.md", slug, {"title": title, "metaTitle": title}, {}, body(rng, vocabulary, words), 5, "")
        article, _ = analyse.analyse(source)
        articles.append(article)
    return Site(tuple(sorted(articles, key=lambda a: a.slug)))


def timed(fn) -> float:
    gc.disable()  # as in `ordbog build`
    start = time.perf_counter()
    fn()
    seconds = time.perf_counter() - start
    gc.enable()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--terms", type=int, default=10_000)
    parser.add_argument("--words", type=int, default=300)
    args = parser.parse_args()
    cfg = corpus_config(Path("."))
    rng = random.Random(1)
    all_terms = titles(args.terms, rng)
    print(f"{len(all_terms)} terms (real Danish nouns), building {args.articles} articles of {args.words} words …")
    start = time.perf_counter()
    site = make_site(args.articles, all_terms, args.words)
    print(f"  synthetic site analysed in {time.perf_counter() - start:.1f} s")
    load_lexicon(find_dictionary())
    index_s = timed(lambda: link.site_index(cfg, site))
    total_s = timed(lambda: link.link_site(cfg, site))
    linked, _ = link.link_site(cfg, site)
    n_links = sum(len(a.links) for a in linked.articles)
    print(f"index of every form of {len(all_terms)} terms: {index_s:.2f} s; whole link stage: {total_s:.2f} s "
          f"= {1000 * total_s / len(site.articles):.2f} ms per article ({n_links / len(site.articles):.1f} links/page)")

    print("\nmatching (the automaton over one text, every mention found) in ms per 1,000 words, median of 5:")
    print(f"  {'terms':>7} {'100 words':>10} {'1,000 words':>12} {'10,000 words':>13}")
    for n_terms in (100, 1_000, 10_000):
        if n_terms > len(all_terms):
            continue
        terms = all_terms[:n_terms]
        index, _ = link.site_index(cfg, make_site(min(n_terms, 200), terms, 20))
        row = []
        for words in (100, 1_000, 10_000):
            text = body(random.Random(words), sorted(index.terms.patterns), words).replace("\n\n", " ")
            runs = [timed(lambda index=index, text=text: index.terms.find(text)) for _ in range(5)]
            row.append(1000 * statistics.median(runs) / words * 1000)
        print(f"  {n_terms:>7} {row[0]:>8.3f}ms {row[1]:>10.3f}ms {row[2]:>11.3f}ms")


if __name__ == "__main__":
    main()
