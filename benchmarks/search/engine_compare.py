"""Engine choice, measured: tantivy vs ordbog's own BM25F, on the same judged queries.

    pip install tantivy   # not a dependency of ordbog; only this comparison needs it
    python benchmarks/search/engine_compare.py [--corpus ../shared/corpus/ordbog] [--eval ../shared/eval]

Three engines over the same articles and fields (title, aliases, headings+metaTitle, FAQ
questions, body; the same field boosts), scored in process on search-dev.jsonl and
benchmarks/search/*.jsonl:

  tantivy-da     tantivy's simple tokenizer + lowercase + Snowball Danish, OR query over fields
  tantivy-ours   tantivy over ordbog's analysed terms (folding, fixed stems, compound parts) and
                 ordbog's analysed query (variants, clauses, alternatives as boosted term queries)
  ordbog         ordbog.search.engine (BM25F impacts, idf-weighted coverage, title/FAQ bonuses,
                 passage evidence)
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import tantivy

from ordbog.build import make_site
from ordbog.config import load_config
from ordbog.search import analyzer
from ordbog.search.api import open_searcher
from ordbog.search.index import FIELD_WEIGHTS, article_fields

HERE = Path(__file__).resolve().parent


def analysed(text: str, vocab, cache) -> str:
    return " ".join(t for t, _ in analyzer.document_terms(text, vocab, cache))


def build_tantivy(site, vocab, ours: bool):
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("doc", stored=True)
    tokenizer = "whitespace" if ours else "da"
    for name in FIELD_WEIGHTS:
        builder.add_text_field(name, tokenizer_name=tokenizer)
    schema = builder.build()
    index = tantivy.Index(schema, path=tempfile.mkdtemp(prefix="tantivy-"))
    index.register_tokenizer("da", tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
                             .filter(tantivy.Filter.lowercase()).filter(tantivy.Filter.stemmer("danish")).build())
    index.register_tokenizer("whitespace", tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build())
    writer = index.writer()
    cache: dict = {}
    for n, article in enumerate(site.articles):
        fields = article_fields(article)
        values = {k: (analysed(v, vocab, cache) if ours else v) for k, v in fields.items()}
        writer.add_document(tantivy.Document(doc=n, **values))
    writer.commit()
    index.reload()
    return index, schema


def tantivy_query(schema, query):
    variants = []
    for variant in query:
        clauses = []
        for clause in variant.clauses:
            alts = [tantivy.Query.boost_query(tantivy.Query.term_query(schema, field, t), w * FIELD_WEIGHTS[field])
                    for t, w in clause for field in FIELD_WEIGHTS]
            clauses.append((tantivy.Occur.Should, tantivy.Query.disjunction_max_query(alts)))
        variants.append(tantivy.Query.boost_query(tantivy.Query.boolean_query(clauses), variant.weight))
    return tantivy.Query.disjunction_max_query(variants) if variants else tantivy.Query.empty_query()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path, default=HERE.parents[2] / "shared" / "corpus" / "ordbog")
    parser.add_argument("--eval", type=Path, default=HERE.parents[2] / "shared" / "eval")
    args = parser.parse_args()
    config, _ = load_config(args.corpus)
    site, _ = make_site(config)
    ours = open_searcher(config)
    slugs = [d.slug for d in ours.index.docs]
    plain, _ = build_tantivy(site, ours.index.vocab, ours=False)
    pre, pre_schema = build_tantivy(site, ours.index.vocab, ours=True)
    fields = list(FIELD_WEIGHTS)

    def run_plain(q: str) -> list[str]:
        query, _ = plain.parse_query_lenient(" ".join(analyzer.words(q)) or "x", fields, field_boosts=FIELD_WEIGHTS)
        hits = plain.searcher().search(query, 10).hits
        return [slugs[plain.searcher().doc(a)["doc"][0]] for _, a in hits]

    def run_pre(q: str) -> list[str]:
        searcher = pre.searcher()
        hits = searcher.search(tantivy_query(pre_schema, ours.analyse(q)), 10).hits
        return [slugs[searcher.doc(a)["doc"][0]] for _, a in hits]

    def run_ours(q: str) -> list[str]:
        return [slugs[h.doc] for h in ours.search(q, 10)]

    files = [args.eval / "search-dev.jsonl", *sorted(HERE.glob("*.jsonl"))]
    rows = [json.loads(line) for f in files for line in f.open(encoding="utf-8") if line.strip()]
    print(f"{len(rows)} queries from {', '.join(f.name for f in files)}")
    for name, run in [("tantivy-da", run_plain), ("tantivy-ours", run_pre), ("ordbog", run_ours)]:
        per_kind, empty, times = defaultdict(list), 0, []
        for row in rows:
            start = time.perf_counter()
            got = run(row["q"])
            times.append((time.perf_counter() - start) * 1000)
            rr = next((1 / (i + 1) for i, s in enumerate(got) if row["relevant"].get(s) == 2), 0.0)
            per_kind[row["kind"]].append(rr)
            per_kind["ALL"].append(rr)
            empty += not got
        kinds = " ".join(f"{k}={statistics.mean(v):.3f}" for k, v in sorted(per_kind.items()))
        print(f"{name:13} MRR@10 {kinds}  empty={empty / len(rows):.1%}  "
              f"p50={statistics.median(times):.1f}ms p95={sorted(times)[int(0.95 * len(times))]:.1f}ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
