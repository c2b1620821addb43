# ordbog — developer entry points. Everything installs itself into .venv.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
CORPUS ?= ../shared/corpus/ordbog

.PHONY: demo test install install-test browser-deps bench bench-peers bench-check bench-search bench-search-scale bench-preview clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install -q -e .

install-test: $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'

## make demo: build the embedded example site and serve it at http://127.0.0.1:$(PORT)
demo: install
	$(BIN)/ordbog serve --out _site --port $(PORT)

## make test: install the test extras and run every test (browser tests skip without chromium)
test: install-test
	$(BIN)/python -m pytest -q

## make browser-deps: Debian's chromium for the browser tests (needs root)
browser-deps:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium)

## make bench: articles/second, wall time and peak memory on the shared corpus and synthetic ×10, ×100
bench: install
	$(BIN)/python benchmarks/bench.py --corpus $(CORPUS)

## make bench-peers: the same articles built with Hugo (Debian's hugo, installed when missing and root),
## Pagefind, MkDocs + Material and Pelican, ratios from one run
bench-peers: install
	$(BIN)/pip install -q -e '.[bench]'
	@command -v hugo >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq hugo >/dev/null) \
		|| echo "bench-peers: Debian's hugo could not be installed (needs root): Hugo is skipped"
	$(BIN)/python benchmarks/bench_peers.py --corpus $(CORPUS)

## make bench-search: search quality (MRR@10, nDCG@10, R@10, empty share per kind) and latency of
## `ordbog search --batch` on ../shared/eval and benchmarks/search/*.jsonl, plus `ordbog ask` on the FAQ set
bench-search: install
	$(BIN)/python benchmarks/search_eval.py --corpus $(CORPUS) --eval $(dir $(CORPUS))../eval

## make bench-search-scale: `ordbog search --batch` latency (p50/p95/p99), index build time and peak
## memory on 38,500 synthetic articles (generated once into $TMPDIR/ordbog-search-scale)
bench-search-scale: install
	$(BIN)/python benchmarks/search_scale.py --eval $(dir $(CORPUS))../eval

## make bench-check: `ordbog check` on the shared corpus, median of 3 (in-process and CLI); target < 2 s
bench-check: install
	$(BIN)/python benchmarks/bench_check.py --corpus $(CORPUS) --runs 3

## make bench-preview: `ordbog serve` save → reload latency (word edit, title change, new article) on
## the shared corpus and 10,000 synthetic articles; goals < 100 ms and < 300 ms for a one-word edit
bench-preview: install
	$(BIN)/python benchmarks/preview_bench.py --corpus $(CORPUS) --synthetic 10000

clean:
	rm -rf _site .pytest_cache .hypothesis bench-out
