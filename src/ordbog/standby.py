"""A forked process started before its job is known, so that its imports overlap this process's work.

A small site's search index is built in a forked process (`workers.Background`) while this one
links and renders. Forked after analysis, that process first spends ~0.1 s importing numpy and
the index modules: after a one-article edit, that is on the build's critical path. A `Standby`
is forked as soon as the configuration is read, gets ready (`warm`: the imports, and the
records of its caches) while this process imports, loads and analyses, then waits for its job.

The job is sent as plain data: a module-level function and picklable arguments (the process
was forked before the site existed, so it has none of it). While it runs, the job may ask this
process questions (`ask(question)`); the thread that waits for the result answers them (`answer`),
meanwhile this thread goes on — the index asks for the texts of the articles its cache lacks.

The job is called as `fn(*args, warmed=<what warm returned>, ask=…)`. Without fork, with one CPU,
or when the process dies, it runs here (`.result()`, after `warm()` here), with `answer` as its
`ask`: the result is the same either way.
"""

from __future__ import annotations

import multiprocessing
import pickle
from collections.abc import Callable
from typing import Any

from ordbog import workers

Ask = Callable[[Any], Any]


class Standby(workers.Background):
    def __init__(self, warm: Callable[[], Any], worth_it: bool = True) -> None:
        self._warm = warm
        self._to_child = self._from_parent = None
        self._started = False
        forking = worth_it and workers.jobs() > 1 and workers._fork_available()
        if forking:
            self._from_parent, self._to_child = multiprocessing.get_context("fork").Pipe(duplex=False)
        self._answer: Ask = _unasked
        # idle until `start`; daemonic: a parent that exits without `cancel` (a bug) stops it
        # instead of waiting for it (multiprocessing joins other children at exit) for ever
        try:
            super().__init__(lambda: self._serve(warm), worth_it=forking, busy=False, daemon=True)
        except BaseException:  # Ctrl-C during the fork (the process is stopped already)
            for end in (self._from_parent, self._to_child):
                if end is not None:
                    end.close()
            raise
        if self._from_parent is not None:
            self._from_parent.close()  # the child's end (`_finish` closes this one's)

    def start(self, fn: Callable[..., Any], *args: Any, answer: Ask = None) -> None:
        """Give the process its job: `fn(*args, warmed=…, ask=…)`; `fn` and `args` must pickle (by
        reference for `fn`: a module-level function). `answer(question)` answers its `ask(question)`."""
        if self._started:
            raise RuntimeError("a Standby takes one job")
        self._started = True
        self._answer = answer or _unasked
        self._fn = lambda: fn(*args, warmed=self._warm(), ask=self._answer)  # here: no process, or it died
        if self._proc is None:
            return
        self.count_busy()
        try:
            self._to_child.send_bytes(pickle.dumps((fn, args), protocol=pickle.HIGHEST_PROTOCOL))
        except OSError:
            pass  # the process died: `.result()` reads its end of file and runs the job here

    # ---------------------------------------------------------------- in the child

    def _child(self, conn) -> None:
        self._to_parent = conn
        self._to_child.close()  # the parent's end
        super()._child(conn)

    def _serve(self, warm: Callable[[], Any]) -> Any:
        warmed = warm()  # an error here is the job's: `.result()` raises it
        fn, args = pickle.loads(self._from_parent.recv_bytes())  # EOFError: cancelled (the parent closed)
        return fn(*args, warmed=warmed, ask=self._ask_parent)

    def _ask_parent(self, question: Any) -> Any:
        self._to_parent.send_bytes(pickle.dumps(("ask", question), protocol=pickle.HIGHEST_PROTOCOL))
        kind, value = pickle.loads(self._from_parent.recv_bytes())
        if kind == "error":
            raise value
        return value

    # ---------------------------------------------------------------- in the parent's reader thread

    def _reply(self, question: Any) -> None:
        try:
            reply = ("value", self._answer(question))
        except BaseException as exc:  # noqa: BLE001 - raised in the job, which hands it back
            reply = ("error", exc)
        try:
            data = pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException as exc:  # noqa: BLE001 - an answer or error that cannot be sent: its story
            data = pickle.dumps(("error", RuntimeError(f"the answer could not be sent: {type(exc).__name__}: {exc}")))
        try:
            self._to_child.send_bytes(data)
        except OSError:
            pass  # the process died: the reader then sees its end of file

    def _finish(self, kill: bool) -> None:
        if self._proc is not None and not self._started:
            kill = True  # never given a job: it waits for one for ever
        super()._finish(kill)
        if self._to_child is not None:
            self._to_child.close()
            self._to_child = None


def _unasked(question: Any) -> Any:
    raise RuntimeError(f"this job's questions have no answer: {question!r}")
