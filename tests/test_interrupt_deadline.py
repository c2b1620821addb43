"""The Ctrl-C deadline (interrupt.py): a build whose cleanup after Ctrl-C gets stuck still stops,
with 130 and a message, removing its staging folder unless it is being swapped in; a cleanup that
finishes in time is left alone; forked children keep plain KeyboardInterrupt."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from ordbog import interrupt
from tests.test_hardening_write import ROOT

PRELUDE = """
import os, signal, sys, threading, time
from pathlib import Path
from ordbog import interrupt
def ctrl_c():
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(0.5)  # the handler runs here
"""


def run(script: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"PYTHONPATH": str(ROOT / "src")}
    return subprocess.run([sys.executable, "-c", PRELUDE + textwrap.dedent(script)], check=False, env=env,
                          capture_output=True, text=True, timeout=timeout)


def test_a_cleanup_stuck_after_ctrl_c_ends_at_the_deadline_and_removes_the_staging_folder(tmp_path: Path) -> None:
    staging = tmp_path / ".site.new-1"
    (staging / "ordbog").mkdir(parents=True)
    (staging / "ordbog" / "index.html").write_text("<p>halv</p>", encoding="utf-8")
    started = time.monotonic()
    done = run(f"""
        stuck = threading.Lock()
        stuck.acquire()
        with interrupt.deadline(grace=1.0), interrupt.Staging(Path({str(staging)!r})):
            try:
                ctrl_c()
            except KeyboardInterrupt:
                stuck.acquire()  # a lock its owner will never release: the cleanup waits for ever
        print("not reached")
    """)
    assert done.returncode == 130, done.stderr
    assert "Afbrudt (Ctrl-C)" in done.stderr and "Traceback" not in done.stderr
    assert "not reached" not in done.stdout
    assert not staging.exists()
    assert time.monotonic() - started < 25


def test_a_second_ctrl_c_exits_at_once(tmp_path: Path) -> None:
    done = run("""
        with interrupt.deadline(grace=60):
            try:
                ctrl_c()
            except KeyboardInterrupt:
                ctrl_c()  # the deadline is a minute away
                time.sleep(60)
    """)
    assert done.returncode == 130, done.stderr
    assert "Afbrudt (Ctrl-C)" in done.stderr


def test_a_cleanup_done_in_time_is_left_alone() -> None:
    done = run("""
        with interrupt.deadline(grace=0.5):
            try:
                ctrl_c()
            except KeyboardInterrupt:
                pass
        time.sleep(1.5)  # past the deadline: the process goes on (a test, the preview)
        print("went on")
    """)
    assert done.returncode == 0, done.stderr
    assert "went on" in done.stdout and "Afbrudt" not in done.stderr


def test_a_folder_being_swapped_in_is_never_removed(tmp_path: Path) -> None:
    staging = tmp_path / ".site.new-2"
    staging.mkdir()
    done = run(f"""
        holding = threading.Event()
        def swap():
            with interrupt.Staging(Path({str(staging)!r})) as guard, guard.swapping(Path({str(tmp_path / 'site')!r})):
                holding.set()
                time.sleep(60)  # e.g. the rename, stuck
        threading.Thread(target=swap, daemon=True).start()
        holding.wait()
        interrupt.exit_now()
    """)
    assert done.returncode == 130
    assert staging.is_dir()


def test_a_forked_child_gets_a_plain_keyboard_interrupt() -> None:
    done = run("""
        with interrupt.deadline(grace=0.5):
            pid = os.fork()
            if pid == 0:
                try:
                    ctrl_c()
                except KeyboardInterrupt:
                    time.sleep(1.5)  # no deadline runs here
                    os._exit(7)
                os._exit(1)
            _, status = os.waitpid(pid, 0)
            print("child", os.waitstatus_to_exitcode(status))
    """)
    assert done.returncode == 0, done.stderr
    assert "child 7" in done.stdout and "Afbrudt" not in done.stderr


def test_outside_a_build_ctrl_c_is_python_s_own() -> None:
    assert signal.getsignal(signal.SIGINT) is not None
    before = signal.getsignal(signal.SIGINT)
    with interrupt.deadline():
        assert signal.getsignal(signal.SIGINT) is not before
    assert signal.getsignal(signal.SIGINT) is before
    interrupt.noted()  # no deadline set: nothing happens


def test_a_ctrl_c_python_swallowed_still_stops_the_build_before_the_swap(write_site, make_config, monkeypatch,
                                                                          tmp_path: Path) -> None:
    """Python swallows a KeyboardInterrupt raised in a finalizer ("Exception ignored in …"): the
    noted Ctrl-C still stops the build before its output replaces the previous one."""
    from ordbog import build, render
    from tests.conftest import article
    from tests.test_hardening_write import tree

    config = make_config(write_site({"knae.md": article("Knæ", "Om knæet.\n")}))
    build.build_and_write(config)
    before = tree(config.output_dir)
    render_site = render.render_site

    def swallowed(*args, **kwargs):  # the handler ran, its exception went nowhere
        interrupt.noted()
        return render_site(*args, **kwargs)

    monkeypatch.setattr(render, "render_site", swallowed)
    (config.content_dir / "hofte.md").write_text(article("Hofte", "Om hoften.\n"), encoding="utf-8")
    with interrupt.deadline(grace=30):
        try:
            build.build_and_write(config)
        except KeyboardInterrupt:
            pass
        else:
            raise AssertionError("the build went on after Ctrl-C")
    assert tree(config.output_dir) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("._site.")]
    interrupt.raise_if_requested()  # the deadline is over: nothing is raised


def test_a_ctrl_c_during_the_swap_comes_after_it_and_says_the_new_output_is_in_place(
        write_site, make_config, monkeypatch, tmp_path: Path) -> None:
    """The swap is the build's point of no return: a Ctrl-C while it runs is raised once the new
    site is in place, and the user is told so (not that the previous output is untouched)."""
    from ordbog import build, write
    from tests.conftest import article
    from tests.test_hardening_write import tree

    config = make_config(write_site({"knae.md": article("Knæ", "Om knæet.\n")}))
    build.build_and_write(config)
    (config.content_dir / "hofte.md").write_text(article("Hofte", "Om hoften.\n"), encoding="utf-8")
    reference = make_config(config.content_dir, tmp_path / "reference")
    build.build_and_write(reference)
    exchange = write._exchange

    def ctrl_c_meanwhile(a: Path, b: Path) -> bool:
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.2)  # the handler runs here: it notes the Ctrl-C, and the swap goes on
        return exchange(a, b)

    monkeypatch.setattr(write, "_exchange", ctrl_c_meanwhile)
    with interrupt.deadline(grace=30):
        try:
            build.build_and_write(config)
        except KeyboardInterrupt:
            said = interrupt.outcome()
        else:
            raise AssertionError("the Ctrl-C was lost")
    assert said == interrupt.SWAPPED.format(out=config.output_dir.resolve())
    assert tree(config.output_dir) == tree(reference.output_dir)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("._site.")]


def test_a_ctrl_c_before_the_swap_says_the_previous_output_is_untouched(tmp_path: Path) -> None:
    done = run("""
        with interrupt.deadline(grace=30):
            try:
                ctrl_c()
            except KeyboardInterrupt:
                print(interrupt.outcome())
    """)
    assert done.stdout.strip() == interrupt.KEPT
