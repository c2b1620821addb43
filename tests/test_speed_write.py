"""The writer reuses what the previous build left: unchanged files are linked, the spare is refreshed.

Whatever it reuses, the output is exactly the files of the build, and the live output is never
touched before the atomic swap (also when the reused trees share files with it).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ordbog import spare, write


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def folders(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_dir()}


def expected(files: dict[str, bytes]) -> dict[str, bytes]:
    return dict(sorted((files | {write.MARKER: write.MARKER_TEXT.encode()}).items()))


def needed_folders(files: dict[str, bytes]) -> set[str]:
    return {"/".join(rel.split("/")[:i]) for rel in files for i in range(1, rel.count("/") + 1)}


@pytest.fixture
def dirs(tmp_path: Path, monkeypatch) -> tuple[Path, Path]:
    content = tmp_path / "content"
    content.mkdir()
    monkeypatch.setenv("ORDBOG_CACHE_DIR", str(tmp_path / "cache"))
    return content, tmp_path / "site"


V1 = {"index.html": b"forside 1", "ordbog/knae/index.html": b"knae", "ordbog/hofte/index.html": b"hofte 1"}
V2 = {"index.html": b"forside 2", "ordbog/knae/index.html": b"knae", "ordbog/ryg/index.html": b"ryg"}
V3 = {"index.html": b"forside 3", "ordbog/knae/index.html": b"knae 3", "ordbog/ryg/index.html": b"ryg"}


def test_unchanged_files_are_linked_from_the_previous_output_not_written(dirs, monkeypatch) -> None:
    content, out = dirs
    monkeypatch.setenv("ORDBOG_CACHE_DIR", "off")
    write.write_site(V1, out, content)
    before = os.stat(out / "ordbog/knae/index.html")
    write.write_site(V2, out, content)
    assert tree(out) == expected(V2)
    after = os.stat(out / "ordbog/knae/index.html")
    assert (after.st_ino, after.st_nlink) == (before.st_ino, 1)  # same file; the old tree is gone


def test_the_previous_site_is_kept_as_spare_and_refreshed_in_place(dirs) -> None:
    content, out = dirs
    write.write_site(V1, out, content)
    write.write_site(V2, out, content)  # V1's tree becomes the spare
    kept = spare.claim(out)
    assert kept is not None
    assert tree(kept.site) == expected(V1)
    kept.release()
    spare_inode = os.stat(kept.site / "index.html").st_ino
    write.write_site(V3, out, content)  # refreshes V1's tree into V3, swaps it in
    assert tree(out) == expected(V3)
    assert os.stat(out / "index.html").st_ino == spare_inode  # rewritten, not created anew
    assert folders(out) == needed_folders(V3)


def test_the_live_output_is_untouched_when_the_swap_fails_even_if_the_spare_shares_its_files(dirs, monkeypatch) -> None:
    content, out = dirs
    monkeypatch.setenv("ORDBOG_CACHE_DIR", "off")
    write.write_site(V1, out, content)
    monkeypatch.setenv("ORDBOG_CACHE_DIR", str(out.parent / "cache"))
    write.write_site(V1 | {"ny.html": b"ny"}, out, content)  # links every V1 file: the spare shares them
    live = tree(out)
    monkeypatch.setattr(write, "_exchange", lambda a, b: (_ for _ in ()).throw(OSError(5, "I/O error")))
    with pytest.raises(write.BuildError, match="OUT002"):
        write.write_site({rel: data + " ændret".encode() for rel, data in V1.items()}, out, content)
    assert tree(out) == live
    monkeypatch.undo()
    monkeypatch.setenv("ORDBOG_CACHE_DIR", str(out.parent / "cache"))
    write.write_site(V2, out, content)
    assert tree(out) == expected(V2)


def test_a_failure_while_refreshing_the_spare_keeps_the_output(dirs, monkeypatch) -> None:
    content, out = dirs
    write.write_site(V1, out, content)
    write.write_site(V2, out, content)
    live = tree(out)

    def full_disk(target: Path, data: bytes) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(write, "_write_file", full_disk)
    with pytest.raises(write.BuildError, match="disken er fuld"):
        write.write_site(V2 | {"ny/side.html": b"ny"}, out, content)
    assert tree(out) == live
    monkeypatch.undo()
    monkeypatch.setenv("ORDBOG_CACHE_DIR", str(out.parent / "cache"))
    write.write_site(V3, out, content)
    assert tree(out) == expected(V3)


def test_a_second_build_at_the_same_time_writes_its_own_staging_folder(dirs) -> None:
    content, out = dirs
    write.write_site(V1, out, content)
    write.write_site(V2, out, content)
    held = spare.claim(out)
    assert held is not None
    assert spare.claim(out) is None  # locked
    write.write_site(V3, out, content)
    assert tree(out) == expected(V3)
    assert tree(held.site) == expected(V1)  # the held spare was left alone
    held.release()


def test_no_spare_when_the_cache_is_off(dirs, monkeypatch) -> None:
    content, out = dirs
    monkeypatch.setenv("ORDBOG_CACHE_DIR", "off")
    write.write_site(V1, out, content)
    write.write_site(V2, out, content)
    assert spare.claim(out) is None
    assert sorted(p.name for p in out.parent.iterdir()) == ["content", "site"]


def test_a_symlink_in_the_previous_output_is_not_followed(dirs, tmp_path: Path, monkeypatch) -> None:
    content, out = dirs
    monkeypatch.setenv("ORDBOG_CACHE_DIR", "off")
    write.write_site(V1, out, content)
    secret = tmp_path / "hemmelig.txt"
    secret.write_bytes(b"knae")
    (out / "ordbog/knae/index.html").unlink()
    (out / "ordbog/knae/index.html").symlink_to(secret)
    write.write_site(V2, out, content)
    assert not (out / "ordbog/knae/index.html").is_symlink()
    assert os.stat(out / "ordbog/knae/index.html").st_ino != os.stat(secret).st_ino
    assert tree(out) == expected(V2)


paths = st.lists(st.sampled_from(["a", "b", "æ", "c d"]), min_size=1, max_size=3).map("/".join)
sites = st.dictionaries(paths, st.binary(max_size=6), min_size=1, max_size=8).filter(
    lambda files: not any(other.startswith(rel + "/") for rel in files for other in files))  # no file is a folder too


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(builds=st.lists(sites, min_size=1, max_size=5), cache_on=st.lists(st.booleans(), min_size=5, max_size=5))
def test_any_sequence_of_builds_leaves_exactly_the_last_ones_files(tmp_path_factory, monkeypatch, builds, cache_on) -> None:
    base = tmp_path_factory.mktemp("seq")
    content, out = base / "content", base / "site"
    content.mkdir()
    for files, on in zip(builds, cache_on):
        monkeypatch.setenv("ORDBOG_CACHE_DIR", str(base / "cache") if on else "off")
        write.write_site(files, out, content)
        assert tree(out) == expected(files)
        assert folders(out) == needed_folders(files)
        assert sorted(p.name for p in base.iterdir() if p.name != "cache") == ["content", "site"]


@pytest.mark.slow
def test_kill_9_while_the_spare_is_refreshed_leaves_the_previous_output_byte_identical(tmp_path: Path) -> None:
    """As the kill test in test_hardening_write.py, with the caches (and so the spare output) on."""
    import random
    import signal
    import subprocess
    import sys
    import time

    from tests.test_hardening_write import ROOT, generate_corpus
    from tests.test_hardening_write import tree as digests

    content, out, cache_dir = tmp_path / "content", tmp_path / "_site", tmp_path / "cache"
    env = os.environ | {"ORDBOG_CACHE_DIR": str(cache_dir), "PYTHONPATH": str(ROOT / "src")}

    def start(target: Path) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-m", "ordbog", "build", "--content", str(content), "--out",
                                 str(target), "-q"], cwd=tmp_path, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    generate_corpus(300, content, seed=5)
    for _ in range(2):  # the second build leaves a spare
        assert start(out).wait(timeout=600) == 0
    started = time.monotonic()
    assert start(out).wait(timeout=600) == 0  # a warm build: refreshes the spare and swaps it in
    duration = time.monotonic() - started
    before = digests(out)
    rng = random.Random(20241126)
    killed = 0
    for i, moment in enumerate(sorted(rng.uniform(0.3, 1.0) * duration for _ in range(6))):
        (content / f"ny-{i}.md").write_text(f"---\ntitle: \"Ny {i}\"\n---\n\nEt nyt afsnit.\n", encoding="utf-8")
        proc = start(out)
        time.sleep(moment)
        if proc.poll() is not None:
            assert proc.returncode == 0
            before = digests(out)
            continue
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
        killed += 1
        after = digests(out)
        if after != before:  # killed after the swap: then it must be the whole new site
            reference = tmp_path / f"ref-{i}"
            env_off = env | {"ORDBOG_CACHE_DIR": "off"}
            assert subprocess.run([sys.executable, "-m", "ordbog", "build", "--content", str(content), "--out",
                                   str(reference), "-q"], cwd=tmp_path, env=env_off, capture_output=True).returncode == 0
            assert after == digests(reference), f"half-written output after a kill at {moment:.2f} s"
            before = after
    assert killed >= 2
    assert start(out).wait(timeout=600) == 0
    reference = tmp_path / "ref-final"
    assert subprocess.run([sys.executable, "-m", "ordbog", "build", "--content", str(content), "--out", str(reference),
                           "-q"], cwd=tmp_path, env=env | {"ORDBOG_CACHE_DIR": "off"}, capture_output=True).returncode == 0
    assert digests(out) == digests(reference)


def test_a_previous_file_swapped_out_between_check_and_link_is_written_not_linked(tmp_path: Path, monkeypatch) -> None:
    previous, target = tmp_path / "previous.html", tmp_path / "staging.html"
    previous.write_bytes(b"<p>Knae</p>")
    real = write._unchanged

    def swapped_meanwhile(path: Path, data: bytes, mode: int):  # type: ignore[no-untyped-def]
        found = real(path, data, mode)
        path.rename(tmp_path / "kept-by-the-other-build.html")  # another build swaps its output in ...
        path.write_bytes(b"<p>Hofte</p>")  # ... so the name now holds other bytes
        return found

    monkeypatch.setattr(write, "_unchanged", swapped_meanwhile)
    write._put_file(target, b"<p>Knae</p>", previous, write._file_mode())
    assert target.read_bytes() == b"<p>Knae</p>"
    assert not target.samefile(previous)


def test_files_put_while_the_build_runs_end_up_exactly_as_finish_says(dirs, monkeypatch) -> None:
    content, out = dirs
    monkeypatch.setenv("ORDBOG_CACHE_DIR", "off")
    write.write_site(V1, out, content)
    final = {"index.html": b"forside 2", "ordbog/knae/index.html": b"knae", "ordbog/ryg/index.html": b"ryg 2"}
    with write.staged(out, content) as stage:
        stage.put({"ordbog/knae/index.html": final["ordbog/knae/index.html"]})  # the very bytes finish gets
        stage.put({"ordbog/ryg/index.html": b"ryg 1", "gammel.html": b"ikke i sitet"})  # changed, dropped
        assert tree(out) == expected(V1)  # nothing live changes before the swap
        stage.finish(final)
    assert tree(out) == expected(final)
    assert folders(out) == needed_folders(final)
    assert sorted(p.name for p in out.parent.iterdir()) == ["content", "site"]


@pytest.mark.parametrize("cache_on", [False, True])
def test_a_build_that_fails_after_putting_files_leaves_the_output_and_no_staging(dirs, monkeypatch, cache_on) -> None:
    content, out = dirs
    if not cache_on:
        monkeypatch.setenv("ORDBOG_CACHE_DIR", "off")
    write.write_site(V1, out, content)
    write.write_site(V2, out, content)  # with the cache on: V1's tree is now the spare
    kept = spare.claim(out)
    spare_before = tree(kept.site) if kept else None
    if kept:
        kept.release()
    live = tree(out)
    with pytest.raises(ValueError, match="skabelonfejl"):
        with write.staged(out, content) as stage:
            stage.put({"ordbog/ny/index.html": b"ny", "index.html": b"forside 3"})
            raise ValueError("skabelonfejl")  # e.g. an article's template failed while rendering
    assert tree(out) == live
    assert sorted(p.name for p in out.parent.iterdir()) == sorted(["content", "site"] + (["cache"] if cache_on else []))
    if kept:  # the spare is only refreshed by finish: a failed build leaves it as it was
        assert tree(kept.site) == spare_before
    real_write = write._write_file

    def full_disk(target: Path, data: bytes) -> None:
        if data == b"fuld":
            raise OSError(28, "No space left on device")
        real_write(target, data)

    monkeypatch.setattr(write, "_write_file", full_disk)
    full = {"ordbog/ny/index.html": b"ny", "ordbog/fuld/index.html": b"fuld"}
    with pytest.raises(write.BuildError, match="disken er fuld"):  # while putting, or (a spare) finishing
        with write.staged(out, content) as stage:
            stage.put(full)
            stage.finish(full)
    monkeypatch.setattr(write, "_write_file", real_write)
    assert tree(out) == live
    assert not [p.name for p in out.parent.iterdir() if p.name.startswith(".site.")]  # no staging left
    with pytest.raises(RuntimeError, match="without finish"):
        with write.staged(out, content) as stage:
            stage.put({"index.html": b"forside 3"})
    assert tree(out) == live
    write.write_site(V3, out, content)
    assert tree(out) == expected(V3)


def test_an_output_folder_that_is_not_ours_is_refused_before_anything_is_staged(dirs) -> None:
    content, out = dirs
    out.mkdir()
    (out / "mine.txt").write_text("brugerens fil", encoding="utf-8")
    with pytest.raises(write.BuildError):
        with write.staged(out, content):
            raise AssertionError("not reached")
    assert sorted(p.name for p in out.parent.iterdir()) == ["content", "site"]
    assert [p.name for p in out.iterdir()] == ["mine.txt"]
