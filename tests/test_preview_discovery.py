"""The preview's file list follows the watcher's change set and always equals a fresh walk.

`apply_changes` either returns exactly what `load.discover` would find now, or None (walk again).
Plain saves, new, deleted and moved articles in known folders must not need a walk; changes to
folders themselves and symlinks must fall back to one.
"""

from __future__ import annotations

import random
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from ordbog import load
from ordbog.preview.discovery import Discovered, apply_changes, walk

TEXT = '---\ntitle: "Prøve"\n---\n\nEn kort tekst om søvn og hvile.\n'
NAMES = ["knae.md", "ryg.md", "Skulder.md", "readme.md", "noter.txt", ".skjult.md", "aa.md", "ø.md"]
FOLDERS = ["", "emner", "emner/under", "_kladder", ".git", "templates", "b-emner"]


def fresh(content: Path) -> tuple[list[Path], list[str]]:
    paths, diags = load.discover(content)
    return paths, [d.message for d in diags]


def as_list(found: Discovered) -> tuple[list[Path], list[str]]:
    return list(found.paths), [d.message for d in found.diagnostics]


def make_tree(root: Path) -> Path:
    content = root / "content"
    for folder in ("emner", "_kladder", "templates"):
        (content / folder).mkdir(parents=True)
    for path in ("knae.md", "emner/ryg.md", "_kladder/ryg.md", "templates/ryg.md"):
        (content / path).write_text(TEXT, encoding="utf-8")
    return content


def file_op(content: Path, rng: random.Random) -> list[Path]:
    """One change to a file in a folder that exists: the paths the watcher would report."""
    folders = [f for f in FOLDERS if (content / f).is_dir()]
    path = content / rng.choice(folders) / rng.choice(NAMES)
    if path.exists() and rng.random() < 0.4:
        path.unlink()
        return [path]
    if path.exists() and rng.random() < 0.5:
        target = content / rng.choice(folders) / rng.choice(NAMES)
        if target.exists():
            return []
        path.rename(target)
        return [path, target]
    path.write_text(TEXT + str(rng.random()), encoding="utf-8")
    return [path]


def folder_op(content: Path, rng: random.Random) -> list[Path]:
    """A folder created (with a file), renamed or removed: the watcher names only the folder."""
    folder = content / rng.choice(["emner", "emner/under", "b-emner", "_kladder"])
    if folder.is_dir() and rng.random() < 0.5:
        target = folder.with_name(folder.name + "-x")
        if target.exists():
            return []
        folder.rename(target)
        return [folder, target]
    if folder.is_dir():
        for path in sorted(folder.rglob("*"), reverse=True):
            path.rmdir() if path.is_dir() else path.unlink()
        folder.rmdir()
        return [folder]
    if not folder.parent.is_dir():
        return []
    folder.mkdir()
    (folder / "ny.md").write_text(TEXT, encoding="utf-8")
    return [folder]


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**16), steps=st.integers(1, 25))
def test_the_kept_list_always_equals_a_fresh_walk(seed: int, steps: int) -> None:
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp:
        content = make_tree(Path(tmp))
        found = walk(content)
        for _ in range(steps):
            touched = folder_op(content, rng) if rng.random() < 0.15 else file_op(content, rng)
            updated = apply_changes(found, touched)
            found = updated if updated is not None else walk(content)
            assert as_list(found) == fresh(content)


def test_saves_new_deleted_and_moved_articles_in_known_folders_need_no_walk(tmp_path: Path) -> None:
    content = make_tree(tmp_path)
    found = walk(content)
    rng = random.Random(3)
    for _ in range(200):
        touched = file_op(content, rng)
        updated = apply_changes(found, touched)
        assert updated is not None, touched
        found = updated
    assert as_list(found) == fresh(content)


def test_an_article_added_in_a_subfolder_takes_its_place_in_walk_order(tmp_path: Path) -> None:
    content = make_tree(tmp_path)
    found = walk(content)
    new = [content / "emner" / "aa.md", content / "zz.md", content / "aa.md"]
    for path in new:
        path.write_text(TEXT, encoding="utf-8")
    updated = apply_changes(found, new)
    assert updated is not None
    assert list(updated.paths) == load.discover(content)[0] == [
        content / "aa.md", content / "knae.md", content / "zz.md", content / "emner" / "aa.md",
        content / "emner" / "ryg.md"]


def test_files_the_walk_never_sees_change_nothing(tmp_path: Path) -> None:
    content = make_tree(tmp_path)
    found = walk(content)
    ignored = [content / "_kladder" / "ny.md", content / "templates" / "ny.md", content / "noter.txt",
               content / "README.md", content / ".skjult.md", tmp_path / "ordbog.toml"]
    for path in ignored:
        path.write_text(TEXT, encoding="utf-8")
    assert apply_changes(found, ignored) is found


def test_folder_changes_symlinks_and_floods_mean_walking_again(tmp_path: Path) -> None:
    content = make_tree(tmp_path)
    found = walk(content)
    (content / "nyt").mkdir()
    assert apply_changes(found, [content / "nyt"]) is None  # a new folder may hold articles
    (content / "emner").rename(content / "emner-2")
    assert apply_changes(found, [content / "emner"]) is None  # a walked folder is gone
    (content / "link.md").symlink_to(content / "knae.md")
    assert apply_changes(found, [content / "link.md"]) is None
    found = walk(content)
    (content / ".#knae.md").symlink_to("root@host.1234")  # an editor's lock file: dangling, not an article
    (content / "genvej").symlink_to(content / "emner-2")  # a linked folder: discover does not follow it
    assert apply_changes(found, [content / ".#knae.md", content / "genvej"]) is found
    assert as_list(found) == fresh(content)
    assert apply_changes(found, [content / f"{n}.md" for n in range(1000)]) is None  # events may be lost
    assert apply_changes(found, [content]) is None
