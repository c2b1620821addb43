"""Background jobs in a forked process: what they return arrives whole, errors are raised here."""

from __future__ import annotations

import os

import pytest

from ordbog import workers


@pytest.fixture(autouse=True)
def two_cpus(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORDBOG_JOBS", "2")


def test_output_files_arrive_whole_and_in_order() -> None:
    files = {f"soeg/{i:03d}.json": bytes([i % 256]) * (i * 997) for i in range(300)}
    files["tom.txt"] = b""
    files["æøå/navn.json"] = "æøå".encode()
    job = workers.Background(lambda: dict(files))
    assert job._proc is not None  # really forked
    got = job.result()
    assert got == files and list(got) == list(files)


def test_any_other_value_is_pickled() -> None:
    assert workers.Background(lambda: {"n": 1, "liste": [1, 2]}).result() == {"n": 1, "liste": [1, 2]}
    assert workers.Background(lambda: ("a", None)).result() == ("a", None)


def test_an_error_in_the_job_is_raised_by_result() -> None:
    def fails() -> None:
        raise ValueError("ødelagt indeks")

    job = workers.Background(fails)
    with pytest.raises(ValueError, match="ødelagt indeks"):
        job.result()
    assert workers._BUSY_ELSEWHERE == 0


def test_a_job_whose_process_dies_is_done_here() -> None:
    parent = os.getpid()

    def dies_in_the_child() -> str:
        if os.getpid() != parent:
            os._exit(9)
        return "gjort her"

    assert workers.Background(dies_in_the_child).result() == "gjort her"


def test_a_pool_leaves_a_running_background_job_its_cpu(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers, "PARALLEL_MIN", 2)
    monkeypatch.setattr(workers, "CHUNK", 1)
    pids = workers.map_ordered(lambda _: os.getpid(), range(6))
    assert os.getpid() not in pids  # a pool
    job = workers.Background(lambda: "søger")
    assert workers.map_ordered(lambda _: os.getpid(), range(6)) == [os.getpid()] * 6  # serial meanwhile
    assert job.result() == "søger"


def test_a_finished_job_does_not_wait_for_result_to_exit() -> None:
    """The answer is read as soon as it is sent, so the child (a copy-on-write twin of this
    process, ever more of a real copy as this process runs on) exits at once."""
    import time

    files = {f"soeg/{i}.json": b"x" * 100_000 for i in range(40)}  # more than a pipe buffer holds
    job = workers.Background(lambda: dict(files))
    deadline = time.monotonic() + 60
    while job._proc.is_alive() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not job._proc.is_alive()
    assert job.result() == files
    assert workers._BUSY_ELSEWHERE == 0


def test_a_cancelled_job_leaves_nothing_running() -> None:
    import time

    job = workers.Background(lambda: time.sleep(60))
    proc = job._proc
    job.cancel()
    assert not proc.is_alive() and workers._BUSY_ELSEWHERE == 0


def test_alongside_returns_the_value_of_its_thread_and_raises_its_error() -> None:
    assert workers.Alongside(lambda: {"side": b"html"}).result() == {"side": b"html"}

    def fails() -> None:
        raise KeyError("skabelon")

    with pytest.raises(KeyError, match="skabelon"):
        workers.Alongside(fails).result()


def test_a_pool_beside_a_busy_thread_is_renewed_every_few_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Beside a busy thread, short-lived workers: each copies only the pages it touched meanwhile."""
    monkeypatch.setattr(workers, "PARALLEL_MIN", 2)
    monkeypatch.setattr(workers, "CHUNK", 1)
    monkeypatch.setattr(workers, "RECYCLE", 2)
    alone = workers.map_ordered(lambda _: os.getpid(), range(12))
    assert len(set(alone)) <= 2  # one pool of two workers for all chunks
    beside = workers.Alongside(lambda: workers.map_ordered(lambda x: (x * x, os.getpid()), range(12))).result()
    assert [square for square, _ in beside] == [x * x for x in range(12)]  # in order, whatever the pools
    assert len({pid for _, pid in beside}) >= 3  # 12 chunks, 2 workers × 2 chunks a pool: 3 pools
    assert os.getpid() not in {pid for _, pid in beside}


def test_a_large_site_s_workers_are_renewed_less_often(monkeypatch: pytest.MonkeyPatch) -> None:
    """Forking a large parent costs more than the pages a worker copies meanwhile (see RECYCLE)."""
    monkeypatch.setattr(workers, "PARALLEL_MIN", 2)
    monkeypatch.setattr(workers, "CHUNK", 1)
    monkeypatch.setattr(workers, "RECYCLE", 1)
    monkeypatch.setattr(workers, "RECYCLE_LARGE", 6)
    monkeypatch.setattr(workers, "RECYCLE_LARGE_FROM", 12)

    def pools(n: int) -> int:
        found = workers.Alongside(lambda: workers.map_ordered(lambda _: os.getpid(), range(n))).result()
        return len(set(found))

    assert pools(12) >= 6  # 12 chunks, a fresh pool (of at most 2 workers) every 2 chunks
    assert pools(13) <= 4  # 13 chunks, a fresh pool every 12 (2 workers × 6 chunks): 2 pools


def test_cancel_stops_the_pool_of_an_alongside_job(monkeypatch: pytest.MonkeyPatch) -> None:
    import multiprocessing
    import time

    monkeypatch.setattr(workers, "PARALLEL_MIN", 2)
    monkeypatch.setattr(workers, "CHUNK", 1)
    started = time.monotonic()
    job = workers.Alongside(lambda: workers.map_ordered(lambda _: time.sleep(0.2), range(400)))
    time.sleep(0.5)
    job.cancel()
    with pytest.raises(workers.Cancelled):
        job.result()
    assert time.monotonic() - started < 40  # not the 40 s the whole job takes on two workers
    assert multiprocessing.active_children() == []


def test_an_error_in_a_pool_worker_is_raised_with_its_own_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pickling drops a worker's traceback: the failing item runs again here, so the error names
    where it happened (a template error's file and line come from that traceback)."""
    import traceback

    monkeypatch.setattr(workers, "PARALLEL_MIN", 2)
    monkeypatch.setattr(workers, "CHUNK", 4)

    def parse_dose(x: int) -> int:
        if x == 13:
            raise ValueError("dosis 13 er ugyldig")
        return x

    with pytest.raises(ValueError, match="dosis 13") as caught:
        workers.map_ordered(parse_dose, range(40))
    assert "parse_dose" in [frame.name for frame in traceback.extract_tb(caught.value.__traceback__)]


def test_ctrl_c_reaches_only_the_parent_not_the_pool_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker killed by Ctrl-C mid-chunk would never answer and the pool would wait for ever:
    workers ignore SIGINT, the parent stops the pool."""
    import signal

    monkeypatch.setattr(workers, "PARALLEL_MIN", 2)
    monkeypatch.setattr(workers, "CHUNK", 1)
    handlers = workers.map_ordered(lambda _: signal.getsignal(signal.SIGINT), range(4))
    assert handlers == [signal.SIG_IGN] * 4
    assert signal.getsignal(signal.SIGINT) is not signal.SIG_IGN


def test_ctrl_c_while_forking_is_noted_and_raised_after_the_fork() -> None:
    # a KeyboardInterrupt inside fork's at-fork handlers would be swallowed and leave logging's lock
    # held (the next fork, in another thread, then waits for ever): Ctrl-C waits until after
    import os
    import signal

    before = signal.getsignal(signal.SIGINT)
    with workers._ctrl_c_deferred() as interrupted:
        os.kill(os.getpid(), signal.SIGINT)
        for _ in range(1000):  # bytecodes: the handler has run by now
            pass
    assert interrupted
    assert signal.getsignal(signal.SIGINT) is before  # and a later Ctrl-C raises as usual


def test_ctrl_c_while_a_pool_works_is_raised_between_its_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Raised wherever the main thread is, Ctrl-C can land inside the pool's own code while it holds
    one of its locks, and the pool's shutdown then waits for that lock for ever: it is raised
    from outside the pool's code, and the pool is gone after."""
    import multiprocessing
    import signal
    import threading
    import time
    import traceback

    monkeypatch.setattr(workers, "PARALLEL_MIN", 2)
    monkeypatch.setattr(workers, "CHUNK", 1)
    threading.Timer(0.5, os.kill, args=(os.getpid(), signal.SIGINT)).start()
    with pytest.raises(KeyboardInterrupt) as caught:
        workers.map_ordered(lambda _: time.sleep(0.3), range(200))
    assert traceback.extract_tb(caught.value.__traceback__)[-1].name == "_stop_if_asked"
    assert not multiprocessing.active_children()


def test_a_worker_that_dies_has_its_work_done_here(monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker killed mid-chunk (out of memory, a crash in a C library) does not hang the pool or
    lose its chunk: what the dead pool did not finish is run in this process."""
    monkeypatch.setattr(workers, "PARALLEL_MIN", 2)
    monkeypatch.setattr(workers, "CHUNK", 2)
    here = os.getpid()

    def dose(i: int) -> tuple[int, bool]:
        if i == 5 and os.getpid() != here:
            os._exit(9)  # the worker dies without a word
        return i * 2, os.getpid() == here

    got = workers.map_ordered(dose, range(40))
    assert [value for value, _ in got] == [i * 2 for i in range(40)]
    assert got[5] == (10, True)  # done here
    assert not all(done_here for _, done_here in got)  # the rest mostly by the workers


def test_chunks_not_submitted_because_a_worker_died_are_done_here(monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker can die while chunks are still being submitted: `submit` of the broken pool then
    raises BrokenProcessPool, and those chunks are run here instead of the error reaching the user."""
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    monkeypatch.setattr(workers, "PARALLEL_MIN", 2)
    monkeypatch.setattr(workers, "CHUNK", 2)
    submit = ProcessPoolExecutor.submit
    submitted: list[int] = []

    def breaks_after_three(self, fn, /, *args, **kwargs):
        if len(submitted) >= 3:
            raise BrokenProcessPool("a child process terminated abruptly")
        submitted.append(1)
        return submit(self, fn, *args, **kwargs)

    monkeypatch.setattr(ProcessPoolExecutor, "submit", breaks_after_three)
    here = os.getpid()
    got = workers.map_ordered(lambda i: (i * 2, os.getpid() == here), range(20))
    assert [value for value, _ in got] == [i * 2 for i in range(20)]
    assert all(done_here for _, done_here in got[6:])  # chunks 4–10 were never submitted
    assert not all(done_here for _, done_here in got[:6])


def test_ctrl_c_wrapped_in_another_error_still_reads_as_ctrl_c(tmp_path, monkeypatch) -> None:
    # Python 3.11 wraps a KeyboardInterrupt raised while a class is created (a module's first
    # import) in RuntimeError("Error calling __set_name__ …"): the build must still exit 130
    from typer.testing import CliRunner

    from ordbog import build, cli

    def interrupted_import(*args, **kwargs):
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt as exc:
            raise RuntimeError("Error calling __set_name__ on 'cached_property' instance 'titles'") from exc

    monkeypatch.setattr(build, "build_and_write", interrupted_import)
    content = tmp_path / "content"
    content.mkdir()
    result = CliRunner().invoke(cli.app, ["build", "--content", str(content), "--out", str(tmp_path / "out")])
    assert isinstance(result.exception, KeyboardInterrupt) or result.exit_code == 130
