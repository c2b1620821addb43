"""The live preview's contract: after any sequence of edits, its output equals a clean full build.

Random edit sequences (words, titles, aliases, related links, new, deleted and renamed articles,
articles moved between folders, a folder renamed, drafts in an ignored folder, an editor's atomic
save through a temporary file, broken YAML and impossible dates that are later fixed, ordbog.toml
and template overrides) are applied to a small Danish site. Each rebuild is told exactly the paths
the edit touched, as the watcher reports them. After every step the incremental rebuild's files
must equal `build(config, keep_going=True).files`, and the preview's output folder must equal a
fresh build written to disk, byte for byte.
"""

from __future__ import annotations

import dataclasses
import random
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ordbog import build, render, write
from ordbog.config import load_config
from ordbog.model import Site
from ordbog.preview.incremental import Snapshot, rebuild, with_extras
from ordbog.preview.output import apply_delta

TITLES = ["Knæsmerter", "Skulderskade", "Rygtræning", "Ankelforstuvning", "Hold i nakken", "Tennisalbue",
          "Løberknæ", "Svimmelhed", "Hovedpine", "Åndenød", "Ødem", "Ørebetændelse"]
WORDS = ["bevægelse", "hvile", "smerte", "øvelser", "træning", "søvn", "stivhed", "varme", "kulde", "gåtur"]
TOML = '[site]\nname = "Prøveordbogen"\nbase_url = "https://www.eksempel.dk"\n'
OVERRIDE = '{% extends "base.html" %}\n{% block main %}<h1 class="egen">{{ article.title }}</h1>{{ body }}{% endblock %}\n'


def slug_of(title: str) -> str:
    from ordbog.danish.slug import slugify

    return slugify(title)


def article_text(title: str, rng: random.Random, others: list[str]) -> str:
    """A short article that mentions other titles (so automatic links and 'Se også' are exercised)."""
    mentioned = rng.sample(others, k=min(2, len(others)))
    related = "".join(f'\n  - type: ordbog\n    slug: {slug_of(t)}\n    title: "{t}"' for t in mentioned[:1])
    words = " ".join(rng.choice(WORDS) for _ in range(12))
    return (
        f'---\ntitle: "{title}"\nmetaTitle: "{title} – kort forklaret"\nlastUpdated: "0{rng.randint(1, 9)}/03/2024"\n'
        f'aliases: ["{title.lower()} hos voksne"]\nrelated:{related or " []"}\n---\n\n'
        f"{title} handler om {words}. Se også {' og '.join(mentioned) or 'resten af ordbogen'}.\n\n"
        f"## Hvad kan man selv gøre?\n\nMange har gavn af {rng.choice(WORDS)} og {rng.choice(WORDS)}.\n\n"
        f"## Ofte stillede spørgsmål om {title.lower()}\n\n### Går det over af sig selv?\n\nOfte, men spørg en fagperson.\n"
    )


class EditableSite:
    """A content folder plus the edits a random sequence can make; every edit returns the paths it touched."""

    def __init__(self, root: Path, rng: random.Random):
        self.root, self.rng = root, rng
        self.content = root / "content"
        self.content.mkdir(parents=True)
        (root / "ordbog.toml").write_text(TOML, encoding="utf-8")
        self.broken: dict[Path, str] = {}
        for title in TITLES[:5]:
            self.write(self.content / f"{slug_of(title)}.md", article_text(title, rng, TITLES[:5]))
        self.folder = self.content / "emner"
        self.write(self.folder / f"{slug_of(TITLES[5])}.md", article_text(TITLES[5], rng, TITLES[:5]))
        self.write(self.content / "_kladder" / "kladde.md", article_text("Kladde", rng, TITLES[:5]))

    def write(self, path: Path, text: str) -> list[Path]:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return [path]

    def articles(self) -> list[Path]:
        return sorted(p for p in self.content.rglob("*.md") if not p.relative_to(self.content).parts[0].startswith("_"))

    def titles(self) -> list[str]:
        stems = {p.stem for p in self.articles()}
        return [t for t in TITLES if slug_of(t) in stems]

    def pick(self) -> Path | None:
        found = [p for p in self.articles() if p not in self.broken]
        return self.rng.choice(found) if found else None

    def edit_word(self) -> list[Path]:
        path = self.pick()
        if path is None:
            return []
        text = path.read_text(encoding="utf-8")
        word = self.rng.choice([w for w in WORDS if w in text] or WORDS)
        return self.write(path, text.replace(word, self.rng.choice(WORDS), 1))

    def change_title(self) -> list[Path]:
        path = self.pick()
        if path is None:
            return []
        text = path.read_text(encoding="utf-8")
        old = text.split('title: "', 1)[1].split('"', 1)[0]
        return self.write(path, text.replace(f'title: "{old}"', f'title: "{self.rng.choice(TITLES)}"', 1))

    def add_alias(self) -> list[Path]:
        path = self.pick()
        if path is None:
            return []
        text = path.read_text(encoding="utf-8")
        return self.write(path, text.replace("aliases: [", f'aliases: ["{self.rng.choice(WORDS)}", ', 1))

    def add_article(self) -> list[Path]:
        free = [t for t in TITLES if t not in self.titles()]
        if not free:
            return []
        title = self.rng.choice(free)
        return self.write(self.content / f"{slug_of(title)}.md", article_text(title, self.rng, self.titles() or TITLES))

    def delete_article(self) -> list[Path]:
        path = self.pick()
        if path is None:
            return []
        path.unlink()
        return [path]

    def rename_article(self) -> list[Path]:
        path = self.pick()
        free = [t for t in TITLES if t not in self.titles()]
        if path is None or not free:
            return []
        target = self.content / f"{slug_of(self.rng.choice(free))}.md"
        path.rename(target)
        return [path, target]

    def move_into_folder(self) -> list[Path]:
        path = self.pick()
        if path is None:
            return []
        target = self.folder / path.name
        if target.exists():
            return []
        target.parent.mkdir(exist_ok=True)
        path.rename(target)
        return [path, target]

    def move_out_of_folder(self) -> list[Path]:
        inside = [p for p in self.articles() if p.parent == self.folder and p not in self.broken]
        if not inside or (self.content / inside[0].name).exists():
            return []
        inside[0].rename(self.content / inside[0].name)
        return [inside[0], self.content / inside[0].name]

    def rename_folder(self) -> list[Path]:
        """The watcher reports a folder rename as the two folders, not the files inside."""
        if not self.folder.is_dir():
            return []
        target = self.folder.with_name("emner-2" if self.folder.name == "emner" else "emner")
        self.folder.rename(target)
        self.broken = {target / p.name if p.parent == self.folder else p: t for p, t in self.broken.items()}
        touched = [self.folder, target]
        self.folder = target
        return touched

    def write_draft(self) -> list[Path]:
        draft = self.content / "_kladder" / "kladde.md"
        return self.write(draft, draft.read_text(encoding="utf-8") + f"\nMere om {self.rng.choice(WORDS)}.\n")

    def editor_save(self) -> list[Path]:
        """Write a temporary file next to the article, then rename it over the article (atomic save)."""
        path = self.pick()
        if path is None:
            return []
        temporary = path.with_name(f".{path.name}.tmp")
        text = path.read_text(encoding="utf-8")
        temporary.write_text(text.replace(" og ", " samt ", 1), encoding="utf-8")
        temporary.rename(path)
        return [temporary, path]

    def break_file(self) -> list[Path]:
        path = self.pick()
        if path is None:
            return []
        text = path.read_text(encoding="utf-8")
        self.broken[path] = text
        broken = self.rng.choice([
            text.replace('title: "', 'title: "uafsluttet: ', 1).replace("metaTitle:", "metaTitle: [", 1),
            text.replace('lastUpdated: "0', 'lastUpdated: "31/02/202', 1),
        ])
        return self.write(path, broken)

    def fix_file(self) -> list[Path]:
        if not self.broken:
            return self.break_file()
        path = self.rng.choice(sorted(self.broken))
        return self.write(path, self.broken.pop(path))

    def touch_toml(self) -> list[Path]:
        name = self.rng.choice(["Prøveordbogen", "Sundhedsordbogen", "Ordbog for fysioterapi"])
        return self.write(self.root / "ordbog.toml", TOML.replace("Prøveordbogen", name))

    def toggle_template(self) -> list[Path]:
        override = self.root / "templates" / "article.html"
        if override.exists():
            override.unlink()
            return [override]
        return self.write(override, OVERRIDE)

    def delete_and_touch_toml(self) -> list[Path]:
        """An article deleted and the config changed in one rebuild (the watcher batches both)."""
        return self.delete_article() + self.touch_toml()

    def delete_and_toggle_template(self) -> list[Path]:
        return self.delete_article() + self.toggle_template()


EDITS = ["edit_word", "change_title", "add_alias", "add_article", "delete_article", "rename_article",
         "break_file", "fix_file", "touch_toml", "toggle_template", "move_into_folder", "move_out_of_folder",
         "rename_folder", "write_draft", "editor_save", "delete_and_touch_toml", "delete_and_toggle_template"]


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def full_build_files(site: EditableSite) -> dict[str, bytes]:
    config, diags = load_config(site.content, site.root / "_site", None)
    assert config is not None, diags
    render.environment.cache_clear()  # a long-lived process would otherwise keep an old template
    return build.build(config, keep_going=True).files


def run_sequence(root: Path, seed: int, edits: list[str], check_folder_every_step: bool) -> None:
    site = EditableSite(root, random.Random(seed))
    out = root / "_site"
    config, _ = load_config(site.content, out, None)
    assert config is not None
    snapshot: Snapshot
    snapshot, _ = rebuild(config, None)
    write.write_site(snapshot.files, out, config.content_dir)
    for step, edit in enumerate(edits):
        touched = getattr(site, edit)()
        config, diags = load_config(site.content, out, None)
        assert config is not None, diags
        if step % 2 == 0:  # the session's path: pages first, the search index caught up after
            snapshot, delta = rebuild(config, snapshot, touched, extras=False)
            apply_delta(out, delta)
            expected = full_build_files(site)
            extras = build.site_extras(config, snapshot.site)
            stale = snapshot.extras.keys() | extras.keys()
            pages = {p: data for p, data in snapshot.files.items() if p not in stale}
            assert pages == {p: data for p, data in expected.items() if p not in stale}, f"step {step}: {edit} (pages)"
            snapshot, delta = with_extras(snapshot, extras)
        else:
            snapshot, delta = rebuild(config, snapshot, touched)
            expected = full_build_files(site)
        apply_delta(out, delta)
        assert dict(snapshot.files) == expected, f"step {step}: {edit} ({edits[: step + 1]})"
        if check_folder_every_step or step == len(edits) - 1:
            reference = root / f"_reference{step}"
            write.write_site(expected, reference, config.content_dir)
            assert tree(out) == tree(reference), f"step {step}: {edit}"
            shutil.rmtree(reference)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**16), edits=st.lists(st.sampled_from(EDITS), min_size=1, max_size=8))
def test_any_edit_sequence_gives_the_same_output_as_a_full_build(seed: int, edits: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        run_sequence(Path(tmp), seed, edits, check_folder_every_step=False)


def test_a_long_seeded_edit_sequence_keeps_the_output_folder_equal_to_a_full_build(tmp_path: Path) -> None:
    rng = random.Random(7)
    run_sequence(tmp_path, 7, [rng.choice(EDITS) for _ in range(40)], check_folder_every_step=True)


def test_a_one_word_edit_renders_one_article_and_writes_only_its_files(tmp_path: Path) -> None:
    site = EditableSite(tmp_path, random.Random(1))
    config, _ = load_config(site.content, tmp_path / "_site", None)
    assert config is not None
    snapshot, first = rebuild(config, None)
    assert first.rendered_articles == 6  # five at the top, one in a subfolder (the draft folder is skipped)
    path = site.content / "knaesmerter.md"
    site.write(path, path.read_text(encoding="utf-8").replace("Ofte, men", "Tit, men"))
    snapshot, delta = rebuild(config, snapshot, [path])
    assert delta.rendered_articles == 1
    pages = sorted(p for p in delta.written if p.endswith(".html") or p.startswith("api/"))
    assert pages == ["api/ordbog/knaesmerter.json", "ordbog/knaesmerter/index.html"]  # plus the search index
    assert delta.deleted == ()


def test_a_title_change_rerenders_the_pages_that_show_it(tmp_path: Path) -> None:
    site = EditableSite(tmp_path, random.Random(1))
    config, _ = load_config(site.content, tmp_path / "_site", None)
    assert config is not None
    snapshot, _ = rebuild(config, None)
    path = site.content / "knaesmerter.md"
    site.write(path, path.read_text(encoding="utf-8").replace('title: "Knæsmerter"', 'title: "Ondt i knæet"'))
    snapshot, delta = rebuild(config, snapshot, [path])
    assert "ordbog/index.html" in delta.written and "sitemap.xml" not in delta.written
    shown = [p for p in delta.written if p.startswith("ordbog/") and "Ondt i knæet".encode() in delta.written[p]]
    assert "ordbog/knaesmerter/index.html" in shown and "ordbog/index.html" in shown
    assert dict(snapshot.files) == full_build_files(site)


def test_deleting_an_article_deletes_its_files(tmp_path: Path) -> None:
    site = EditableSite(tmp_path, random.Random(1))
    config, _ = load_config(site.content, tmp_path / "_site", None)
    assert config is not None
    snapshot, _ = rebuild(config, None)
    path = site.content / "knaesmerter.md"
    path.unlink()
    snapshot, delta = rebuild(config, snapshot, [path])
    assert {"api/ordbog/knaesmerter.json", "ordbog/knaesmerter/index.html"} <= set(delta.deleted)
    assert not any(p.endswith(".html") and p != "ordbog/knaesmerter/index.html" for p in delta.deleted)


def test_deleting_an_article_while_the_config_or_theme_changes_deletes_its_files(tmp_path: Path) -> None:
    """A config or theme change re-renders everything; the deleted article's files must still go."""
    for edit in ("touch_toml", "toggle_template"):
        root = tmp_path / edit
        site = EditableSite(root, random.Random(1))
        config, _ = load_config(site.content, root / "_site", None)
        assert config is not None
        snapshot, _ = rebuild(config, None)
        path = site.content / "knaesmerter.md"
        path.unlink()
        touched = [path, *getattr(site, edit)()]
        config, _ = load_config(site.content, root / "_site", None)
        assert config is not None
        snapshot, delta = rebuild(config, snapshot, touched, extras=False)  # the session's path
        gone = {"api/ordbog/knaesmerter.json", "ordbog/knaesmerter/index.html"}
        assert gone <= set(delta.deleted), edit
        assert not gone & set(snapshot.files), edit
        snapshot, _ = with_extras(snapshot, build.site_extras(config, snapshot.site))
        assert dict(snapshot.files) == full_build_files(site), edit


def test_pages_first_then_the_search_index_ends_equal_to_a_full_build(tmp_path: Path) -> None:
    site = EditableSite(tmp_path, random.Random(3))
    config, _ = load_config(site.content, tmp_path / "_site", None)
    assert config is not None
    snapshot, _ = rebuild(config, None)
    path = site.content / "knaesmerter.md"
    site.write(path, path.read_text(encoding="utf-8").replace("Ofte, men", "Tit, men"))
    snapshot, fast = rebuild(config, snapshot, [path], extras=False)
    assert snapshot.extras_pending and "ordbog/knaesmerter/index.html" in fast.written
    assert not any(p in snapshot.extras for p in fast.written)  # the stale index is left alone
    snapshot, late = with_extras(snapshot, build.site_extras(config, snapshot.site))
    assert not snapshot.extras_pending and late.written and all(p in snapshot.extras for p in late.written)
    assert dict(snapshot.files) == full_build_files(site)


def test_listing_files_show_only_what_render_listed_names(tmp_path: Path) -> None:
    """Guards the preview's listing reuse: articles equal in `render.listed` give identical listings."""
    site = EditableSite(tmp_path, random.Random(5))
    config, _ = load_config(site.content, tmp_path / "_site", None)
    assert config is not None
    snapshot, _ = rebuild(config, None)
    changed = Site(tuple(
        dataclasses.replace(a, meta_title="Andet", aliases=("x",), headings=(), sections=(), faq=(), faq_heading=None,
                            word_count=a.word_count * 7 + 3, related=(), links=(), tokens=(), reviewed_by=None,
                            author=None, last_reviewed=None, body_line=99, digest="0")
        for a in snapshot.site.articles))
    assert [render.listed(a) for a in changed.articles] == [render.listed(a) for a in snapshot.site.articles]
    assert render.listing_files(config, changed) == render.listing_files(config, snapshot.site)


def test_a_new_inflected_form_in_one_article_changes_links_like_a_full_build(tmp_path: Path) -> None:
    """Snowball finds a term's forms among the site's words: typing "tendinosen" anywhere makes it linkable."""
    content = tmp_path / "content"
    content.mkdir()
    term = '---\ntitle: "Tendinose"\nmetaTitle: "Tendinose – kort forklaret"\n---\n\nTendinose er en senelidelse.\n'
    other = ('---\ntitle: "Løbetræning"\nmetaTitle: "Løbetræning – kort forklaret"\n---\n\n'
             "Løbetræning er godt, men pas på senerne, når du løber langt.\n")
    (content / "tendinose.md").write_text(term, encoding="utf-8")
    (content / "loebetraening.md").write_text(other, encoding="utf-8")
    config, _ = load_config(content, tmp_path / "_site", None)
    assert config is not None
    snapshot, _ = rebuild(config, None)
    path = content / "loebetraening.md"
    path.write_text(other.replace("pas på senerne", "pas på tendinosen"), encoding="utf-8")
    snapshot, _ = rebuild(config, snapshot, [path])
    render.environment.cache_clear()
    assert dict(snapshot.files) == build.build(config, keep_going=True).files
    linked = snapshot.site.by_slug()["loebetraening"].links
    assert ("tendinose", "tendinosen") in linked
