"""Live preview latency: time from saving a file to the browser's reload signal.

    python benchmarks/preview_bench.py --corpus ../shared/corpus/ordbog --synthetic 10000

For each corpus (a copy in a temporary folder; the synthetic one is written there by
benchmarks/generate_corpus.py), the real preview runs in this process: `PreviewSession`, the
watchfiles watcher and the Starlette app under uvicorn on 127.0.0.1 (free port), with one
Server-Sent Events client listening. Three edits are timed, each several times:

- word:  one word of an article's body replaced (alternating back and forth);
- title: an article's title changed (alternating), so links, 'Se også' and the index change;
- new:   a new article saved (then removed again, untimed).

Printed per edit: median, min and max of save → `reload` event received by the client (what an
editor waits for), of the rebuild itself, and of save → search index up to date (it is brought
up to date after the pages, once edits pause). Between edits the benchmark waits until the
search index has caught up, so runs do not overlap. Numbers only: nothing is asserted.
"""

from __future__ import annotations

import argparse
import math
import os
import queue
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

from ordbog.preview.session import ConfigSource, PreviewSession, Update
from ordbog.serve import PreviewServer, bind, make_app

HERE = Path(__file__).resolve().parent
TIMEOUT = 600.0


class TimedSession(PreviewSession):
    """A PreviewSession that remembers how long each rebuild took."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rebuilds: list[float] = []
        self.cpu: list[float] = []

    def update(self, changed=()) -> Update | None:
        cpu = time.thread_time()  # the rebuild runs in this (worker) thread: CPU seconds survive a busy machine
        update = super().update(changed)
        if update is not None:
            self.rebuilds.append(update.seconds)
            self.cpu.append(time.thread_time() - cpu)
        return update


class Preview:
    """The preview server plus one SSE client, running in background threads."""

    def __init__(self, content: Path, out: Path, index_quiet: float):
        options = ConfigSource(content, out, None)
        config, diags = options.load()
        assert config is not None, diags
        self.session = TimedSession(options, config)
        began = time.perf_counter()
        self.session.start()
        self.startup = time.perf_counter() - began
        sock = bind("127.0.0.1", 0)
        self.base = f"http://127.0.0.1:{sock.getsockname()[1]}"
        self.server = PreviewServer(make_app(self.session, lambda d: None, extras_quiet=index_quiet))
        self.index_quiet = index_quiet
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [sock]}, daemon=True)
        self.thread.start()
        while not self.server.started:
            time.sleep(0.01)
        self.reloads: queue.Queue[float] = queue.Queue()
        self.listener = threading.Thread(target=self._listen, daemon=True)
        self.listener.start()
        self.reloads.get(timeout=TIMEOUT)  # the `version` event: the client is connected

    def _listen(self) -> None:
        with httpx.Client(timeout=None) as client, client.stream("GET", f"{self.base}/__ordbog/events") as events:
            for line in events.iter_lines():
                if line.startswith("event: "):
                    self.reloads.put(time.perf_counter())

    def settle(self, wait_for_index: bool = True) -> float:
        """Wait until the search index caught up; the moment it did."""
        deadline = time.monotonic() + TIMEOUT + self.index_quiet
        time.sleep(0.05)
        if not wait_for_index:
            return time.perf_counter()
        while (self.session.extras_pending() or self.session.writing) and time.monotonic() < deadline:
            time.sleep(0.01)
        return time.perf_counter()

    def timed_save(self, path: Path, text: str | None, wait_for_index: bool = True) -> tuple[float, ...]:
        """(save → reload event, rebuild wall seconds, rebuild CPU seconds, save → search index current)."""
        self.settle(wait_for_index)
        while not self.reloads.empty():
            self.reloads.get_nowait()
        done = len(self.session.rebuilds)
        began = time.perf_counter()
        if text is None:
            path.unlink()
        else:
            path.write_text(text, encoding="utf-8")
        reloaded = self.reloads.get(timeout=TIMEOUT)
        while len(self.session.rebuilds) <= done:
            time.sleep(0.001)
        indexed = self.settle(wait_for_index)
        index_seconds = (indexed - began) if wait_for_index else float("nan")
        return reloaded - began, self.session.rebuilds[-1], self.session.cpu[-1], index_seconds

    def close(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)


def body_word_edit(text: str, forward: bool) -> str:
    """The last " og " of the body becomes " samt " (forward) or back: an edit mid-article."""
    head, sep, body = text.partition("\n---\n")
    a, b = (" og ", " samt ") if forward else (" samt ", " og ")
    before, found, after = body.rpartition(a)
    return head + sep + (before + b + after if found else body)


def title_edit(text: str, forward: bool) -> str:
    head, sep, body = text.partition("\n---\n")
    lines = head.split("\n")
    for i, line in enumerate(lines):
        if line.startswith("title:"):
            value = line.removeprefix("title:").strip().strip("\"'")
            value = f"{value} hos voksne" if forward else value.removesuffix(" hos voksne")
            lines[i] = f'title: "{value}"'
            break
    return "\n".join(lines) + sep + body


NEW_ARTICLE = """---
title: "Prøveord {n}"
metaTitle: "Prøveord {n} – et nyt opslag"
lastUpdated: "01/03/2024"
---

Prøveord {n} er et nyt opslag, der nævner smerter, træning og hvile i korte sætninger.

## Hvad gør man?

Man holder pauser og træner roligt op igen.
"""


def pick_article(content: Path) -> Path:
    files = sorted(content.glob("*.md"))
    with_og = [f for f in files if " og " in f.read_text(encoding="utf-8").partition("\n---\n")[2]]
    return with_og[len(with_og) // 2]


def run(name: str, content: Path, out: Path, repeat: int, wait_for_index: bool, edits: str = "word,title,new"
        ) -> list[tuple[str, str, list[tuple[float, ...]]]]:
    """Time the three edits; without `wait_for_index` the search index only catches up at the end."""
    preview = Preview(content, out, index_quiet=0.3 if wait_for_index else 3600.0)
    n = len(list(content.glob("*.md")))
    print(f"\n{name}: {n} articles, first build {preview.startup:.1f} s", flush=True)
    target = pick_article(content)
    original = target.read_text(encoding="utf-8")
    edited = body_word_edit(original, True)
    wait = wait_for_index
    results = []
    try:
        if "word" in edits:
            word = [preview.timed_save(target, edited if i % 2 == 0 else original, wait) for i in range(repeat)]
            results.append((name, "one-word edit", word))
        if "title" in edits:
            title = [preview.timed_save(target, title_edit(original, True) if i % 2 == 0 else original, wait)
                     for i in range(repeat)]
            results.append((name, "title change", title))
        if "new" in edits:
            new = []
            for i in range(repeat):
                path = content / f"proeveord-{i}.md"
                new.append(preview.timed_save(path, NEW_ARTICLE.format(n=i), wait))
                preview.timed_save(path, None, wait)
            results.append((name, "new article", new))
        if not wait:
            began = time.perf_counter()
            preview.index_quiet = 0.0
            update = preview.session.complete_extras()
            print(f"{name}: search index brought up to date once, after all edits: "
                  f"{time.perf_counter() - began:.1f} s ({'done' if update else 'nothing to do'})", flush=True)
    finally:
        target.write_text(original, encoding="utf-8")
        preview.close()
    return results


def ms(values: list[float]) -> str:
    if any(math.isnan(v) for v in values):  # not measured
        return f"{'–':>8} {'–':>7} {'–':>7}"
    return f"{statistics.median(values) * 1000:8.0f} {min(values) * 1000:7.0f} {max(values) * 1000:7.0f}"


def report(rows: list[tuple[str, str, list[tuple[float, ...]]]]) -> None:
    load = os.getloadavg()[0]
    print(f"\nmilliseconds: median min max (n per row in the last column); load average now {load:.1f} "
          f"on {os.cpu_count()} CPUs")
    print(f"{'corpus':<18} {'edit':<14} {'save→reload':>24} {'rebuild (wall)':>24} {'rebuild (CPU)':>24}"
          f" {'save→search index':>24}  n")
    for corpus, edit, runs in rows:
        cols = [ms(list(c)) for c in zip(*runs)]
        print(f"{corpus:<18} {edit:<14} " + " ".join(f"{c:>24}" for c in cols) + f"  {len(runs)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, help="folder of articles (copied to a temporary folder)")
    parser.add_argument("--synthetic", type=int, default=0, help="also a synthetic corpus of N articles")
    parser.add_argument("--repeat", type=int, default=9, help="timed saves per edit (small corpus)")
    parser.add_argument("--repeat-synthetic", type=int, default=5, help="timed saves per edit (synthetic corpus)")
    parser.add_argument("--edits", default="word,title,new", help="which edits to time (comma-separated)")
    parser.add_argument("--synthetic-index", action="store_true",
                        help="update the search index between edits on the synthetic corpus too (slow: minutes each)")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="ordbog-preview-bench-", ignore_cleanup_errors=True) as tmp:
        root = Path(tmp)
        if args.corpus:
            shutil.copytree(args.corpus, root / "corpus" / "content", ignore=shutil.ignore_patterns("*.toml", ".*"))
            rows += run(args.corpus.name, root / "corpus" / "content", root / "corpus" / "_site", args.repeat,
                        wait_for_index=True, edits=args.edits)
        if args.synthetic:
            synthetic = root / "synthetic" / "content"
            subprocess.run([sys.executable, str(HERE / "generate_corpus.py"), "--count", str(args.synthetic),
                            "--out", str(synthetic), "--seed", "1"], check=True, stdout=subprocess.DEVNULL)
            rows += run(f"synthetic-{args.synthetic}", synthetic, root / "synthetic" / "_site", args.repeat_synthetic,
                        wait_for_index=args.synthetic_index, edits=args.edits)
    report(rows)


if __name__ == "__main__":
    main()
