"""Speed for large sites: cached and parallel analysis, parallel rendering, a quiet garbage collector.

- `analyse_sources` looks every source up in the analysed-article cache (`cache.py`) and analyses
  the rest — in a pool of forked worker processes when there are many, else in this process.
  Workers send back cache records (marshal'd bytes), which are both stored and decoded here.
- `map_ordered` runs a per-article function (e.g. rendering) over a forked pool; workers inherit
  the whole site by `fork`, so only results cross process boundaries.
- `Background` overlaps one whole-site job (the search index) with rendering, in a forked process;
  `Alongside` runs rendering (and its pool) in a thread instead, so that job can run right here
  without a copy of the site (large sites, see build.py).
- `gc_paused` turns off Python's cyclic garbage collector during a build: the pipeline makes
  millions of short-lived, acyclic objects (tokens), and the collector's repeated scans of the
  ever-growing heap cost a third of the build time. Reference counting still frees them.

Results always come back in input order, so the output never depends on the number of processes.
Small sites (< `PARALLEL_MIN` articles), platforms without `fork`, and `ORDBOG_JOBS=1` stay serial.
"""

from __future__ import annotations

import gc
import hashlib
import json
import multiprocessing
import os
import pickle
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import Any, TypeVar

from ordbog import analyse, cache, interrupt
from ordbog.config import Config
from ordbog.diagnostics import Diagnostic
from ordbog.model import Article, Source

T = TypeVar("T")
R = TypeVar("R")
PARALLEL_MIN = 400  # below this, starting processes costs more than it saves
ANALYSE_PARALLEL_MIN = 200  # parsing costs ~2 ms an article: a pool pays off from a few hundred
BACKGROUND_MIN = 50  # one forked process (~10 ms) pays off as soon as the work it overlaps takes longer
CHUNK = 64
# beside a busy thread, a worker process is replaced after this many chunks: pages of the parent
# that either process writes meanwhile (CPython writes an object's reference count whenever it is
# used) become two copies, so a long-lived worker beside a busy parent costs a copy of its heap.
# Each new worker pays its copy-on-write faults again, and each fork copies the parent's page
# tables. Measured on x10 cold builds (peak tree PSS sampled every 0.1 s, 6–8 alternating runs):
# 4 → 696–767 MiB (median ~706), 2 → 604–713 (~694), 1 → 568–692 (~640) for ~+1.4 s of 27 s
# (Hugo takes ~690 MiB on the same articles), so 1. At x100 one chunk per worker cost 140 s more
# (render 306 s instead of 171 s: forking a 3–4 GiB parent 600 times) while the peak there comes
# from analysis, not rendering (6.3 GiB either way), so large sites replace workers less often.
RECYCLE = 1
RECYCLE_LARGE = 4  # for sites of more than RECYCLE_LARGE_FROM items
RECYCLE_LARGE_FROM = 10_000
_STOP = threading.Event()  # set by `Alongside.cancel()`
_THREAD = threading.local()  # .alongside: this thread runs an `Alongside` job

_JOB: tuple[Callable[[Any], Any], Sequence[Any]] | None = None  # inherited by forked workers
# CPUs kept busy by running `Background` jobs: a pool started meanwhile leaves them theirs (more
# processes than CPUs only add memory — each forked worker's resident set — and switching)
_BUSY_ELSEWHERE = 0


def jobs() -> int:
    """Worker processes to use: `$ORDBOG_JOBS`, else the CPUs this process may run on."""
    explicit = os.environ.get("ORDBOG_JOBS", "").strip()
    if explicit.isdigit() and int(explicit) > 0:
        return int(explicit)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _fork_available() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


@contextmanager
def gc_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        # what the build made is long-lived: move it to the oldest generation, or the collector's
        # first young-generation passes after this walk all of it (x10 one edit: ~0.9 s; a forked
        # pool's gc.freeze()/unfreeze() used to do this by the way, when linking always forked one)
        if was_enabled and gc.get_freeze_count() == 0:  # the outermost pause, and nothing frozen by
            gc.freeze()                                   # others (the preview freezes its site)
            gc.unfreeze()
        if was_enabled:
            gc.enable()


def release_free_memory() -> None:
    """Hand memory that C malloc holds free back to the system (glibc `malloc_trim`; elsewhere nothing).

    After analysis and linking, ~10% of the heap is free space left by the stages' temporary
    values (x10: 43 MiB of 383 MiB, in 8 ms); forked workers would otherwise share it uselessly
    and the build's peak would include it."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # pragma: no cover - not glibc
        pass


def _die_with_parent() -> None:
    """A worker of a killed build must not run on (Linux: PR_SET_PDEATHSIG; elsewhere nothing)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        pass


def _pool_worker() -> None:
    """A pool worker: dies with its parent, and leaves Ctrl-C to the parent (which stops the pool);
    a worker killed by it mid-chunk would never send that chunk, and the pool would wait for ever."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent()


@contextmanager
def _ctrl_c_deferred() -> Iterator[list[int]]:
    """Ctrl-C meanwhile is only noted (the yielded list is then not empty): the caller raises
    KeyboardInterrupt once it has what it must clean up.

    Around a fork: `os.fork` runs Python's at-fork handlers (logging's lock: taken before,
    released after); a KeyboardInterrupt raised inside one is swallowed there and leaves that lock
    held by this thread, and the next fork by another thread (the render thread of `Alongside`)
    waits for it for ever. Around starting a thread: interrupted while `Thread.start` waits for
    it, the caller would lose the running thread (and its pool). Only the main thread runs
    signal handlers, so only it needs this."""
    caught: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield caught
        return

    def note(signum: int, frame: object) -> None:
        caught.append(signum)
        interrupt.noted()  # its deadline runs from now

    previous = signal.signal(signal.SIGINT, note)
    try:
        yield caught
    finally:
        signal.signal(signal.SIGINT, previous)


def _run_chunk(bounds: tuple[int, int]) -> list[Any]:
    assert _JOB is not None
    fn, items = _JOB
    return [fn(items[i]) for i in range(*bounds)]


def map_ordered(fn: Callable[[T], R], items: Sequence[T], progress: Callable[[int], None] | None = None,
                min_items: int | None = None, each: Callable[[R], None] | None = None) -> list[R]:
    """[fn(item) for item in items], in forked workers when worth it; results in input order.

    `fn` and `items` reach the workers by fork, not by pickling; results are pickled back.
    `each(result)` is called with every result, in order, as soon as it is here.
    """
    global _JOB
    beside = getattr(_THREAD, "alongside", False)  # a thread of ours keeps a CPU busy meanwhile

    def pool_size() -> int:  # asked again for every pool: a busy thread may be done by then
        return max(1, min(jobs() - _BUSY_ELSEWHERE, len(items) // CHUNK))

    n_jobs = pool_size()
    recycle = RECYCLE if len(items) <= RECYCLE_LARGE_FROM else RECYCLE_LARGE
    if ((n_jobs < 2 and not beside) or len(items) < (PARALLEL_MIN if min_items is None else min_items)
            or not _fork_available()):
        results = []
        for item in items:
            results.append(fn(item))
            if each:
                each(results[-1])
            if progress:
                progress(1)
        return results
    chunks = [(start, min(start + CHUNK, len(items))) for start in range(0, len(items), CHUNK)]
    # beside a busy thread (`Alongside`), a fresh pool every few chunks (workers forked by a pool's
    # own thread would get PR_SET_PDEATHSIG from that thread, and die with it)
    _JOB = (fn, items)
    frozen_by_others = gc.get_freeze_count() > 0  # the preview's frozen site: left frozen
    gc.freeze()  # workers then share the parent's objects instead of copying them when the collector runs
    results = []

    def take(chunk: list[Any]) -> None:
        results.extend(chunk)
        if each:
            for result in chunk:
                each(result)
        if progress:
            progress(len(chunk))

    try:
        first = 0
        while first < len(chunks):
            n_jobs = pool_size() if beside else n_jobs
            last = first + n_jobs * recycle if beside else len(chunks)
            _run_in_pool(n_jobs, chunks[first:last], take)
            first = last
        return results
    finally:
        _JOB = None
        if not frozen_by_others:
            gc.unfreeze()


def _run_in_pool(n_jobs: int, bounds: list[tuple[int, int]], take: Callable[[list[Any]], Any]) -> None:
    """`take(_run_chunk(bound))` for each of `bounds` in order, the chunks run by `n_jobs` forked workers.

    A ProcessPoolExecutor, not a multiprocessing.Pool: stopped early (Ctrl-C, `Alongside.cancel()`,
    an error), a Pool's `terminate()` stops reading results while its workers still send them, and
    waits for ever for a pipe lock held by a worker blocked on a full pipe (a large chunk of
    pages). The executor lets each worker finish its chunk, reading meanwhile, and then stops.

    Ctrl-C is noted meanwhile (`_ctrl_c_deferred`) and raised between waits for chunks: raised
    anywhere, it can land inside the executor's code while that holds one of its locks.

    An item that raised in a worker is run again here: its exception then carries its own
    traceback (lost in pickling), which names e.g. a template's file and line. A chunk whose
    worker died (killed, out of memory) is run here."""
    context = multiprocessing.get_context("fork")
    with _ctrl_c_deferred() as interrupted:
        executor = ProcessPoolExecutor(n_jobs, mp_context=context, initializer=_pool_worker)
        try:
            futures = _submit_all(executor, bounds)
            for bound, future in zip(bounds, futures):
                while True:
                    _stop_if_asked(interrupted)
                    if future is None:  # not submitted: the pool broke first
                        chunk = _run_chunk(bound)
                        break
                    try:
                        chunk = future.result(timeout=0.2)
                        break
                    except TimeoutError:
                        pass
                    except BrokenProcessPool:
                        chunk = _run_chunk(bound)
                        break
                    except Exception:
                        _run_chunk(bound)  # raises the same error, with its traceback
                        raise
                _stop_if_asked(interrupted)
                take(chunk)
        finally:
            executor.shutdown(wait=True, cancel_futures=True)


def _submit_all(executor: ProcessPoolExecutor, bounds: list[tuple[int, int]]) -> list[Any]:
    """A future per chunk; None for those not submitted because a worker died meanwhile (`submit`
    of a broken pool raises BrokenProcessPool)."""
    futures: list[Any] = []
    for bound in bounds:
        try:
            futures.append(executor.submit(_run_chunk, bound))
        except BrokenProcessPool:
            futures.append(None)
    return futures


def _stop_if_asked(interrupted: list[int]) -> None:
    if interrupted:
        raise KeyboardInterrupt
    if _STOP.is_set():
        raise Cancelled()


class Cancelled(Exception):
    """`Alongside.cancel()` stopped the pool of the thread it runs in."""


class Alongside:
    """`fn()` run by a thread of this process while the calling thread does other work.

    For a job that itself runs a pool of forked workers (rendering) while this thread does
    whole-site work that needs the same data (the search index): unlike a forked `Background`
    process, nothing is copied. `cancel()` stops the job's pool at its next chunk.
    """

    def __init__(self, fn: Callable[[], R]) -> None:
        self._outcome: list[tuple[bool, Any]] = []
        _STOP.clear()

        def run() -> None:
            _THREAD.alongside = True
            # Ctrl-C is the main thread's; workers forked from here inherit this mask, so a worker
            # not yet ignoring it (before `_pool_worker`) cannot be killed by it either
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
            try:
                self._outcome.append((True, fn()))
            except BaseException as exc:  # re-raised by `.result()`
                self._outcome.append((False, exc))

        self._thread = threading.Thread(target=run, name="ordbog-alongside", daemon=True)
        with _ctrl_c_deferred() as interrupted:
            self._thread.start()
        if interrupted:
            self.cancel()
            raise KeyboardInterrupt

    def result(self) -> R:
        self._thread.join()
        ok, value = self._outcome[0]
        if not ok:
            raise value
        return value

    def cancel(self) -> None:
        _STOP.set()
        self._thread.join()
        _STOP.clear()


@contextmanager
def busy_here() -> Iterator[None]:
    """This thread keeps a CPU busy meanwhile: pools started by an `Alongside` job leave it that CPU."""
    _busy(+1)
    try:
        yield
    finally:
        _busy(-1)


def _busy(delta: int) -> None:
    global _BUSY_ELSEWHERE
    _BUSY_ELSEWHERE += delta


class Background:
    """`fn()` computed in a forked process while this one does other work; `.result()` collects it.

    Used for whole-site work that cannot be split per article (the search index) so it overlaps
    with rendering. When not worth it (small sites, no fork, one CPU) `fn` simply runs in `.result()`.

    Memory: a forked child shares this process's pages only until either process writes to them
    (in CPython: touches an object, i.e. changes its reference count), so a child that lives on
    ends up holding a private copy of every page the parent touched meanwhile (at 3,850 articles:
    ~350 MiB while the parent renders). Its answer is therefore read by a thread of this process
    as soon as it is sent, and the child exits then, not when `.result()` is called.
    """

    def __init__(self, fn: Callable[[], R], worth_it: bool = True, busy: bool = True, daemon: bool = False) -> None:
        self._fn = fn
        self._proc = None
        self._counted = False  # counted in _BUSY_ELSEWHERE (a `standby.Standby` only once it has a job)
        self._received: list[tuple[str, Any]] = []  # [("value" | "raise" | "eof", value)], set by the reader
        if worth_it and jobs() > 1 and _fork_available():
            ctx = multiprocessing.get_context("fork")
            self._conn, child = ctx.Pipe(duplex=False)
            # not daemonic (unless asked): it may start a pool
            self._proc = ctx.Process(target=self._child, args=(child,), daemon=daemon)
            with _ctrl_c_deferred() as interrupted:
                self._proc.start()
            child.close()
            if busy:
                self.count_busy()
            self._reader = threading.Thread(target=self._read, name="ordbog-background-reader", daemon=True)
            self._reader.start()
            if interrupted:
                self.cancel()
                raise KeyboardInterrupt

    def count_busy(self) -> None:
        if not self._counted:
            self._counted = True
            _busy(+1)

    def _read(self) -> None:
        """In a thread: take the child's answer off the pipe as soon as it comes."""
        try:
            self._received.append(self._receive())
        except EOFError:  # the pipe's end: the child died without a word
            self._received.append(("eof", None))
        except BaseException as exc:  # this thread's own failure (the child may still be waiting)
            self._received.append(("failed", exc))

    def _child(self, conn) -> None:
        _die_with_parent()
        try:
            value = self._fn()
        except BaseException as exc:  # handed to the parent, which raises it
            conn.send_bytes(pickle.dumps(("error", exc)))
            conn.close()
            return
        if isinstance(value, dict) and all(type(k) is str and type(v) is bytes for k, v in value.items()):
            # output files go one by one: no pickle of them all here, no second copy in the parent
            conn.send_bytes(pickle.dumps(("files", len(value))))
            for name, data in value.items():
                conn.send_bytes(name.encode("utf-8"))
                conn.send_bytes(data)
        else:
            conn.send_bytes(pickle.dumps(("value", value), protocol=pickle.HIGHEST_PROTOCOL))
        conn.close()

    def _receive(self) -> tuple[str, Any]:
        """("value", the job's value) or ("raise", the job's own error)."""
        kind, value = pickle.loads(self._conn.recv_bytes())
        while kind == "ask":  # a question from the job (`standby.Standby`), answered from this thread
            self._reply(value)
            kind, value = pickle.loads(self._conn.recv_bytes())
        if kind == "error":
            return "raise", value  # returned, not raised here: its EOFError is no end of the pipe
        if kind == "files":
            count, value = value, {}
            for _ in range(count):
                name = self._conn.recv_bytes().decode("utf-8")
                value[name] = self._conn.recv_bytes()
        return "value", value

    def _reply(self, question: Any) -> None:
        raise RuntimeError("a Background job asks nothing")

    def result(self) -> R:
        if self._proc is None:
            return self._fn()
        try:
            self._reader.join()
        except BaseException:  # Ctrl-C while waiting: the job's result will never be read
            self._finish(kill=True)
            raise
        kind, value = self._received[0] if self._received else ("eof", None)
        self._finish(kill=kind == "failed")  # the reader failed: the child may wait for it for ever
        if kind in ("raise", "failed"):
            raise value
        if kind == "eof":  # the child died without a word (killed, out of memory): do the work here
            return self._fn()
        return value

    def cancel(self) -> None:
        """Stop the job: the caller failed and will never ask for the result (without this, the
        child would block forever writing into the pipe, and the interpreter waits for it at exit)."""
        self._finish(kill=True)

    def _finish(self, kill: bool) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if kill:
            proc.kill()
        proc.join()
        self._reader.join()  # after a kill: the pipe's end of file stops it
        self._conn.close()
        if self._counted:
            self._counted = False
            _busy(-1)


def config_fingerprint(config: Config) -> str:
    """What of the configuration an analysed article may depend on (all of ordbog.toml)."""
    data = json.dumps(config.file.model_dump(mode="json"), sort_keys=True)
    return hashlib.sha256(data.encode()).hexdigest()


def _analysed_record(source: Source) -> tuple[bool, bytes]:
    """Analyse one source in a worker: (True, cache record) or, if uncacheable, (False, pickle)."""
    article, diags = analyse.analyse(source)
    try:
        return True, cache.encode_result(article, diags)
    except cache.Uncacheable:
        return False, pickle.dumps((article, diags), protocol=pickle.HIGHEST_PROTOCOL)


def analyse_sources(
    sources: Sequence[Source], config: Config | None = None, store: cache.ArticleCache | None = None
) -> list[tuple[Article | None, list[Diagnostic]]]:
    """`analyse.analyse(source)` for every source, in order; cached by content digest.

    `store`: a cache the caller opened and flushes itself, once, after its last batch (a flush
    prunes what it did not see used, so one per batch would drop the other batches' records).
    """
    own = store is None
    if own:
        store = cache.open_cache() if config is not None else None
    fingerprint = config_fingerprint(config) if config is not None else ""
    keys = [cache.record_key(s, fingerprint) for s in sources] if store else []
    results: list[tuple[Article | None, list[Diagnostic]] | None] = [None] * len(sources)
    if store:
        for i, key in enumerate(keys):
            results[i] = store.get(key)
    missing = [i for i, found in enumerate(results) if found is None]
    pool_from = ANALYSE_PARALLEL_MIN
    if missing and store is None and (len(missing) < pool_from or jobs() < 2):
        for i in missing:
            results[i] = analyse.analyse(sources[i])
        return results  # type: ignore[return-value]
    records = map_ordered(_analysed_record, [sources[i] for i in missing], min_items=pool_from)
    for j, i in enumerate(missing):
        cacheable, payload = records[j]
        records[j] = None  # type: ignore[call-overload]  # freed as we go: records are ~10 kB an article
        if cacheable:
            results[i] = cache.decode_result(payload)
            if store:
                store.put(keys[i], payload)
        else:
            results[i] = pickle.loads(payload)
    if store and missing:
        store.prune_other_generations()
    if store and own:
        store.flush()
    return results  # type: ignore[return-value]


def render_pool_used(items: int) -> bool:
    """Whether `map_ordered` over `items` items would use a pool of at least two workers."""
    return items >= PARALLEL_MIN and min(jobs(), max(1, items // CHUNK)) >= 2 and _fork_available()
