"""Regression tests for two bugs a review found in the standby process (standby.py, workers.Background):
an answer that cannot be sent back must not hang the build, and a job's own EOFError is not a dead process."""

from __future__ import annotations

import threading

import pytest

from ordbog import standby


def _warm() -> str:
    return "klar"


def _asking_job(warmed, ask) -> str:
    return ask("hvor er teksten om knæsmerter?")


class Uafklaret(Exception):
    pass


def _answer_that_cannot_be_pickled(question):
    exc = Uafklaret("teksten om knæsmerter mangler")
    exc.hvem = lambda: "menisk"  # a lambda: this error cannot be pickled back to the job
    raise exc


# `Standby._reply` used to catch only OSError around pickling and sending the reply: the reader
# thread died with the PicklingError, the child waited for its answer for ever, and `.result()`
# waited for the child for ever (the build hung).
def test_an_answer_that_cannot_be_sent_back_does_not_hang_result(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORDBOG_JOBS", "2")
    ready = standby.Standby(_warm)
    assert ready._proc is not None
    proc = ready._proc
    ready.start(_asking_job, answer=_answer_that_cannot_be_pickled)
    outcome: list[object] = []

    def collect() -> None:
        try:
            outcome.append(ready.result())
        except BaseException as exc:  # noqa: BLE001 - any error is fine, a hang is not
            outcome.append(exc)

    waiter = threading.Thread(target=collect, daemon=True)
    waiter.start()
    waiter.join(15)
    hung = waiter.is_alive()
    if hung:
        proc.kill()  # let the waiter finish, leave nothing running
        waiter.join(15)
    assert not hung, "Standby.result() hangs when the parent's answer cannot be pickled"
    assert isinstance(outcome[0], Exception)


RUNS: list[int] = []


def _job_raising_eof(parent: int, warmed, ask) -> None:
    import os

    if os.getpid() == parent:
        RUNS.append(parent)  # ran here, in the parent
    raise EOFError("afkortet journalpost")


# workers.Background used to re-raise a job's own EOFError (sent back as ("error", exc)) where the
# pipe's end of file is caught, as "the child died", so `.result()` ran the whole job again here.
def test_a_jobs_own_eof_error_is_not_taken_for_a_dead_process(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    monkeypatch.setenv("ORDBOG_JOBS", "2")
    RUNS.clear()
    ready = standby.Standby(_warm)
    assert ready._proc is not None
    ready.start(_job_raising_eof, os.getpid())
    with pytest.raises(EOFError):
        ready.result()
    assert RUNS == [], "the job ran again in the parent"
