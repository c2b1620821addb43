"""Benchmark `ordbog check` on a corpus: median of N runs, in-process and as the CLI (with startup).

    python benchmarks/bench_check.py --corpus ../shared/corpus/ordbog [--runs 3]

Prints numbers only; the issue's target is < 2 s for the 385-article corpus.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from ordbog.check import run_check
from ordbog.config import load_config


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    config, diags = load_config(args.corpus, Path("/tmp/ordbog-bench-check-out"), None)
    assert config is not None, diags
    today = dt.date.today()
    inproc, inproc_cpu, result = [], [], None
    for _ in range(args.runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = run_check(config, today)
        inproc.append(time.perf_counter() - start)
        inproc_cpu.append(time.process_time() - start_cpu)
    cli, cpu = [], []
    for _ in range(args.runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "ordbog", "check", "--content", str(args.corpus), "--format", "json"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        cli.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    assert result is not None
    n = len(result.context.articles)
    print(f"articles: {n}, findings: {len(result.findings)}")
    print(f"in-process run_check: median {statistics.median(inproc):.3f} s wall of {[round(t, 3) for t in inproc]}, "
          f"median {statistics.median(inproc_cpu):.3f} s CPU")
    print(f"CLI (incl. interpreter start): median {statistics.median(cli):.3f} s wall of {[round(t, 3) for t in cli]}, "
          f"median {statistics.median(cpu):.3f} s CPU; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for (code, name), count in sorted(Counter((f.code, f.rule.name) for f in result.findings).items()):
        print(f"  {code:<8} {name:<24} {count:>5}")


if __name__ == "__main__":
    main()
