"""A Standby process is forked before its job exists: it gets ready, takes the job as plain data,
asks this process for what it lacks, and gives the same result as the job run here.

A small site's build forks one for its search index while it analyses (build.py): the index
it makes that way equals the one made in this process, and an unchanged site forks none."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from ordbog import build, standby, workers
from ordbog.config import load_config
from ordbog.search import indexcache, textcache
from ordbog.search.articletext import ArticleText
from tests.conftest import article, write_content

READY: list[str] = []  # set by `warm` in the process that runs it


def warm() -> str:
    READY.append(f"klar i {os.getpid()}")
    return f"varmet op i {os.getpid()}"


def job(words: list[str], warmed: str, ask) -> dict:
    """A job: its own pid, what `warm` left and returned, and the parent's answer about each word."""
    return {"pid": os.getpid(), "ready": list(READY), "warmed": warmed, "answers": [ask(word) for word in words]}


def failing_job(warmed, ask) -> None:
    raise ValueError("ødelagt indeks")


def asking_job(warmed, ask) -> str:
    return ask("hvad?")


def dying_job(parent: int, warmed, ask) -> str:
    if os.getpid() != parent:
        os._exit(9)
    return ask("her")


@pytest.fixture(autouse=True)
def two_cpus(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORDBOG_JOBS", "2")
    READY.clear()


def test_the_job_runs_in_the_ready_process_and_its_questions_are_answered_here() -> None:
    ready = standby.Standby(warm)
    assert ready._proc is not None and workers._BUSY_ELSEWHERE == 0  # idle until it has a job
    here = {"ryg": "lænd", "knæ": "menisk"}
    ready.start(job, ["ryg", "knæ"], answer=here.__getitem__)
    assert workers._BUSY_ELSEWHERE == 1
    got = ready.result()
    assert got["pid"] != os.getpid() and got["ready"] == [f"klar i {got['pid']}"]
    assert got["warmed"] == f"varmet op i {got['pid']}"
    assert got["answers"] == ["lænd", "menisk"]
    assert READY == [] and workers._BUSY_ELSEWHERE == 0  # `warm` ran there only


def test_an_error_in_the_job_or_in_an_answer_is_raised_by_result() -> None:
    ready = standby.Standby(warm)
    ready.start(failing_job)
    with pytest.raises(ValueError, match="ødelagt indeks"):
        ready.result()

    def no_answer(question: str) -> str:
        raise KeyError(question)

    ready = standby.Standby(warm)
    ready.start(asking_job, answer=no_answer)
    with pytest.raises(KeyError, match="hvad"):
        ready.result()
    assert workers._BUSY_ELSEWHERE == 0


def test_without_a_second_cpu_the_job_runs_here_with_the_answers_as_its_questions(monkeypatch) -> None:
    monkeypatch.setenv("ORDBOG_JOBS", "1")
    ready = standby.Standby(warm)
    assert ready._proc is None
    ready.start(job, ["ryg"], answer={"ryg": "lænd"}.__getitem__)
    assert ready.result() == {"pid": os.getpid(), "ready": [f"klar i {os.getpid()}"],
                              "warmed": f"varmet op i {os.getpid()}", "answers": ["lænd"]}


def test_a_job_whose_process_dies_is_done_here() -> None:
    ready = standby.Standby(warm)
    ready.start(dying_job, os.getpid(), answer=lambda question: f"svar {question}")
    assert ready.result() == "svar her"


def test_a_cancelled_standby_leaves_nothing_running_with_or_without_a_job() -> None:
    for give_job in (False, True):
        ready = standby.Standby(warm)
        proc = ready._proc
        if give_job:
            ready.start(asking_job, answer=lambda question: __import__("time").sleep(60))
        ready.cancel()
        assert not proc.is_alive() and workers._BUSY_ELSEWHERE == 0


def test_a_process_that_exits_without_cancelling_its_standby_does_not_wait_for_it(tmp_path: Path) -> None:
    script = textwrap.dedent("""
        import os
        os.environ["ORDBOG_JOBS"] = "2"
        from ordbog import standby
        ready = standby.Standby(lambda: None)
        assert ready._proc is not None
        print("forladt")
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).resolve().parents[1])
    assert done.returncode == 0 and "forladt" in done.stdout, done.stderr


# ---------------------------------------------------------------- the build's search index


def articles(n: int) -> dict[str, str]:
    topics = ["ryg", "nakke", "knæ", "skulder", "hofte", "ankel", "albue", "håndled"]
    out = {}
    for i in range(n):
        topic = topics[i % len(topics)]
        out[f"{topic}-{i}.md"] = article(
            f"{topic.capitalize()}smerter {i}",
            f"Smerter i {topic}en nummer {i} bliver ofte bedre med genoptræning og daglig gang.\n\n"
            f"## Øvelser\n\nStræk {topic}en roligt {i % 5 + 1} gange om dagen.",
        )
    return out


@pytest.fixture
def spied(monkeypatch: pytest.MonkeyPatch) -> dict[str, list]:
    """Small sites count as worth a process; records every Standby job and the texts it asks for."""
    monkeypatch.setattr(workers, "BACKGROUND_MIN", 3)
    calls: dict[str, list] = {"made": [], "jobs": [], "asked": []}
    real_init, real_start = standby.Standby.__init__, standby.Standby.start

    def init(self, *args, **kwargs):
        calls["made"].append(1)
        real_init(self, *args, **kwargs)

    def start(self, fn, *args, answer=None):
        calls["jobs"].append(fn.__name__)

        def counted(numbers):
            calls["asked"].append(list(numbers))
            return answer(numbers)

        return real_start(self, fn, *args, answer=counted)

    monkeypatch.setattr(standby.Standby, "__init__", init)
    monkeypatch.setattr(standby.Standby, "start", start)
    return calls


def built(folder: Path, cache_dir: Path | str, monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    monkeypatch.setenv("ORDBOG_CACHE_DIR", str(cache_dir))
    cfg, diags = load_config(folder / "content", folder / "_site", None)
    assert cfg is not None, diags
    return build.build(cfg).files


def test_a_small_sites_index_made_in_a_standby_process_equals_the_one_made_here(tmp_path, monkeypatch, spied) -> None:
    content = write_content(tmp_path, articles(12))
    cold = built(tmp_path, tmp_path / "cache", monkeypatch)
    assert spied["jobs"] == ["files_from_sources"] and spied["asked"] == [list(range(12))]  # no cache: every text
    monkeypatch.setenv("ORDBOG_JOBS", "1")
    assert built(tmp_path, "off", monkeypatch) == cold
    monkeypatch.setenv("ORDBOG_JOBS", "2")

    for calls in spied.values():
        calls.clear()
    assert built(tmp_path, tmp_path / "cache", monkeypatch) == cold
    assert spied["made"] == []  # unchanged: the files come from the cache, no process is forked

    edited = sorted(content.glob("*.md"))[4]
    edited.write_text(edited.read_text(encoding="utf-8") + "\nRettelse: gå en tur efter maden.\n", encoding="utf-8")
    after_edit = built(tmp_path, tmp_path / "cache", monkeypatch)
    assert spied["made"] == [1] and spied["jobs"] == ["files_from_sources"]
    assert spied["asked"] == [[4]]  # only the edited article's text
    assert after_edit != cold
    monkeypatch.setenv("ORDBOG_JOBS", "1")
    assert after_edit == built(tmp_path, "off", monkeypatch)


# ---------------------------------------------------------------- the text cache by reference


def test_texts_are_asked_for_once_for_the_missing_and_again_for_a_damaged_entry(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("ORDBOG_CACHE_DIR", str(tmp_path / "cache"))
    write_content(tmp_path, articles(5))
    cfg, diags = load_config(tmp_path / "content", tmp_path / "_site", None)
    assert cfg is not None, diags
    site, _ = build.make_site(cfg)
    refs = indexcache.refs_of(site.articles)
    from ordbog.search import articletext

    texts = [articletext.article_text(a) for a in site.articles]
    asked: list[list[int]] = []

    def answer(numbers: list[int]) -> list[ArticleText]:
        asked.append(list(numbers))
        return [texts[n] for n in numbers]

    first = list(textcache.prepared_from(cfg, refs, answer))
    assert asked == [[0, 1, 2, 3, 4]]
    asked.clear()
    store = textcache.open_store()
    build_key = indexcache.build_digest() + indexcache.config_digest(cfg).encode()
    store.put(textcache.entry_key(build_key, refs[2]), ("ikke", "en", "post"))
    store.flush()
    again = list(textcache.prepared_from(cfg, refs, answer))
    assert asked == [[], [2]]  # nothing missing; the damaged entry is asked for on its own
    assert [tok for _, tok in again] == [tok for _, tok in first]
    asked.clear()
    assert [tok for _, tok in textcache.prepared_from(cfg, refs, answer)] == [tok for _, tok in first]
    assert asked == [[]]  # the damaged entry was replaced


def test_ordbog_build_forks_its_standby_first_and_uses_or_stops_it(tmp_path, monkeypatch, spied) -> None:
    """`ordbog build` forks before it even imports the build; a build that needs no index process
    (unchanged site, or one that stops on an error) leaves none running."""
    import multiprocessing

    from ordbog import cli

    content = write_content(tmp_path, articles(8))
    monkeypatch.setenv("ORDBOG_CACHE_DIR", str(tmp_path / "cache"))
    cfg, diags = load_config(content, tmp_path / "_site", None)
    assert cfg is not None, diags
    assert cli.run_build(cfg, keep_going=False, force=False, quiet=True) == 0
    assert spied["made"] == [1] and spied["jobs"] == ["files_from_sources"]
    first = {p.relative_to(tmp_path / "_site"): p.read_bytes() for p in (tmp_path / "_site").rglob("*") if p.is_file()}

    for calls in spied.values():
        calls.clear()
    assert cli.run_build(cfg, keep_going=False, force=False, quiet=True) == 0
    assert spied["made"] == [1] and spied["jobs"] == []  # cached: forked, then stopped unused
    assert multiprocessing.active_children() == []
    again = {p.relative_to(tmp_path / "_site"): p.read_bytes() for p in (tmp_path / "_site").rglob("*") if p.is_file()}
    assert again == first

    (content / "ødelagt.md").write_text("---\ntitle: [ikke lukket\n---\nTekst.\n", encoding="utf-8")
    assert cli.run_build(cfg, keep_going=False, force=False, quiet=True) == 1
    assert multiprocessing.active_children() == []
