"""Analysed-article cache: `Source` digest → the `Article` and diagnostics `analyse` made of it.

An unchanged article is not parsed twice across builds. Records are marshal'd tuples (Python
objects of the model field by field; an article's markdown-it tokens as one flat tuple of their
fields, children right after their parent), which loads about five times faster than parsing the
Markdown again and ten times faster than pickle.

Where: `$ORDBOG_CACHE_DIR`, else `$XDG_CACHE_HOME/ordbog`, else `~/.cache/ordbog`; the value
`off` disables the cache. One subfolder per *generation* — the ordbog version, a digest of the
package's own source files and of the model's field names — so upgrading ordbog (or editing it)
never reads old records; older generations are deleted when a new one is written, and records no
build has used for 30 days are deleted too. Records are kept in a few pack files (`packstore.py`),
not one file per article: creating files is slow on many file systems. A record's key
also covers the article's path and the site configuration. Corrupt or unreadable records are
treated as misses; the cache never changes what a build produces, only how fast.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import functools
import hashlib
import itertools
import marshal
import operator
import os
import re
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from markdown_it.token import Token

from ordbog import __version__, diagnostics, model
from ordbog.diagnostics import Diagnostic
from ordbog.model import Article, Source
from ordbog.packstore import PackStore

PACKAGE_DIR = Path(__file__).parent
_GENERATION_NAME = re.compile(r".+-[0-9a-f]{16}")  # generation()'s folder names
_TOKEN_FIELDS = tuple(f.name for f in dataclasses.fields(Token))
_CLASSES: dict[str, type] = {
    cls.__name__: cls
    for module in (model, diagnostics)
    for cls in vars(module).values()
    if isinstance(cls, type) and dataclasses.is_dataclass(cls) and cls.__module__ == module.__name__
}
_CLASS_NAMES: dict[type, str] = {cls: name for name, cls in _CLASSES.items()}
_ENUMS: dict[str, type[enum.Enum]] = {diagnostics.Severity.__name__: diagnostics.Severity}


class Uncacheable(ValueError):
    """A value the record format cannot hold (the article is then simply not cached)."""


# --- the record format -------------------------------------------------------------------

_TOKEN_VALUES = operator.attrgetter(  # every Token field but `children`, in one C call
    "type", "tag", "nesting", "attrs", "map", "level", "content", "markup", "info", "meta", "block", "hidden")


def _encode_token(tok: Token) -> tuple:
    children = tok.children
    return (_TOKEN_VALUES(tok), None if children is None else tuple(map(_encode_token, children)))


def _decode_token(data: tuple, new=object.__new__) -> Token:
    tok = new(Token)
    values, children = data
    (tok.type, tok.tag, tok.nesting, tok.attrs, tok.map, tok.level,
     tok.content, tok.markup, tok.info, tok.meta, tok.block, tok.hidden) = values
    tok.children = None if children is None else list(map(_decode_token, children))
    return tok


_ROW = 13  # a token in the flat form: its `_TOKEN_VALUES`, then its number of children (-1: None)


def _flatten_tokens(tokens: list[Token] | tuple[Token, ...], out: list[Any]) -> list[Any]:
    """Tokens and their children, depth first, as one flat list (marshal then makes no tuple per token)."""
    extend, append = out.extend, out.append
    for tok in tokens:
        extend(_TOKEN_VALUES(tok))
        children = tok.children
        if children is None:
            append(-1)
        else:
            append(len(children))
            _flatten_tokens(children, out)
    return out


def _unflatten_tokens(count: int, flat: tuple) -> tuple[Token, ...]:
    rows = zip(*[iter(flat)] * _ROW)  # one C-made tuple per token
    new = object.__new__

    def take(n: int) -> list[Token]:
        out = []
        for row in itertools.islice(rows, n):  # a token's children are the rows right after it
            tok = new(Token)
            (tok.type, tok.tag, tok.nesting, tok.attrs, tok.map, tok.level,
             tok.content, tok.markup, tok.info, tok.meta, tok.block, tok.hidden, children) = row
            tok.children = None if children < 0 else take(children)
            out.append(tok)
        return out

    tokens = tuple(take(count))
    if len(tokens) != count or len(flat) % _ROW or next(rows, None) is not None:
        raise Uncacheable("malformed token rows")
    return tokens


@functools.cache
def _fields_of(cls: type) -> Callable[[Any], tuple]:
    """A function returning a model object's field values as a tuple (one C call)."""
    names = tuple(f.name for f in dataclasses.fields(cls))
    if len(names) == 1:
        return lambda value: (getattr(value, names[0]),)
    return operator.attrgetter(*names)


_PLAIN = frozenset({str, int, float, bool, type(None)})


def _plain_or_plain_tuple(value: Any) -> bool:
    """Whether marshal gives `value` back as it is (a tuple comes back a tuple)."""
    kind = type(value)
    return kind in _PLAIN or (kind is tuple and _PLAIN.issuperset(map(type, value)))


def _encode(value: Any) -> Any:
    """Model values → marshal-able data; tuples are tagged so they come back as tuples."""
    kind = type(value)
    if kind in _PLAIN:  # exact types: Severity, a str subclass, is an enum below
        return value
    if kind is tuple:
        if _PLAIN.issuperset(map(type, value)):  # (start, end), aliases, links: kept as they are
            return ("T", value)
        if all(type(v) is Token for v in value):  # Article.tokens: the bulk of a record
            return ("F", len(value), tuple(_flatten_tokens(value, [])))
        return ("t", tuple(map(_encode, value)))
    name = _CLASS_NAMES.get(kind)
    if name is not None:
        fields = _fields_of(kind)(value)
        if all(map(_plain_or_plain_tuple, fields)):  # Heading, Section, FaqItem …: made in one call
            return ("C", name, fields)
        return ("c", name, tuple(map(_encode, fields)))
    if isinstance(value, enum.Enum):
        return ("e", kind.__name__, value.value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return ("d", value.toordinal())
    if isinstance(value, Token):
        return ("k", _encode_token(value))
    if isinstance(value, list):
        return ("l", tuple(map(_encode, value)))
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return ("m", tuple((k, _encode(v)) for k, v in value.items()))
    raise Uncacheable(kind.__name__)


def _decode(data: Any) -> Any:
    if type(data) is not tuple:
        return data
    kind = data[0]
    if kind == "C":
        return _CLASSES[data[1]](*data[2])
    if kind == "c":
        return _CLASSES[data[1]](*map(_decode, data[2]))
    if kind == "T":
        return data[1]
    if kind == "t":
        return tuple(map(_decode, data[1]))
    if kind == "F":
        return _unflatten_tokens(data[1], data[2])
    if kind == "k":
        return _decode_token(data[1])
    if kind == "d":
        return dt.date.fromordinal(data[1])
    if kind == "l":
        return [_decode(v) for v in data[1]]
    if kind == "m":
        return {k: _decode(v) for k, v in data[1]}
    if kind == "e":
        return _ENUMS[data[1]](data[2])
    raise Uncacheable(f"unknown tag {kind!r}")


def encode_result(article: Article | None, diags: list[Diagnostic]) -> bytes:
    """What `analyse()` returned, as bytes (raises Uncacheable for values it cannot hold)."""
    try:
        return marshal.dumps((_encode(article), tuple(_encode(d) for d in diags)))
    except ValueError as exc:  # marshal refuses an unexpected type inside a token's meta
        raise Uncacheable(str(exc)) from None


def canonical_bytes(value: Any) -> bytes:
    """`value` (model objects, tokens, plain data) as bytes that are equal exactly when the values are.

    marshal format 2 writes no object references and no interning flags, so the bytes depend on the
    values only (dicts in insertion order); raises Uncacheable for values it cannot hold.
    """
    try:
        return marshal.dumps(_encode(value), 2)
    except ValueError as exc:
        raise Uncacheable(str(exc)) from None


def decode_result(data: bytes) -> tuple[Article | None, list[Diagnostic]]:
    """The record's article and diagnostics; inside `origins_recorded()` the article is remembered
    as an origin (below)."""
    article, diags = marshal.loads(data)
    found, found_diags = _decode(article), [_decode(d) for d in diags]
    if _RECORDING and type(found) is Article:
        _ORIGINS[found.path] = (found, hashlib.sha256(data).digest())
    return found, found_diags


# --- keys of derived articles --------------------------------------------------------------
#
# A page-cache key needs the article after linking in canonical form: encoding every token of
# every article again costs more than rendering a few pages. But the link stage only replaces
# some inline tokens (`dataclasses.replace(article, tokens=…, links=…)`), and model objects and
# tokens are never changed in place once made, so a linked article is known exactly from the
# record it was decoded from (its SHA-256) plus what differs, compared by identity. The origin
# is kept (per path, the last one decoded) until `forget_origins()`, and only inside
# `origins_recorded()`: elsewhere (`ordbog search` analysing a large site in batches, the
# preview) nobody asks for these keys, and the origins would keep every decoded article alive.

_ORIGINS: dict[str, tuple[Article, bytes]] = {}
_RECORDING = False


@contextmanager
def origins_recorded() -> Iterator[None]:
    """Articles decoded meanwhile are remembered as origins; all are forgotten at the end."""
    global _RECORDING
    _RECORDING = True
    try:
        yield
    finally:
        _RECORDING = False
        _ORIGINS.clear()
_ARTICLE_FIELDS = tuple(f.name for f in dataclasses.fields(Article))
_TOKENS_AT = _ARTICLE_FIELDS.index("tokens")


def derived_form(article: Article) -> tuple | None:
    """`article` as (origin record digest, changed fields, changed tokens), or None without an origin.

    Equal forms mean equal articles: a form names its origin's record bytes, and every field or
    top-level token that is not the origin's very object is encoded in full.
    """
    entry = _ORIGINS.get(article.path)
    if entry is None:
        return None
    origin, digest = entry
    if origin is article:
        return (digest, (), ())
    values, before = _fields_of(Article)(article), _fields_of(Article)(origin)
    tokens, old = values[_TOKENS_AT], before[_TOKENS_AT]
    if tokens is not old and len(tokens) != len(old):
        return None
    fields = tuple((i, _encode(v)) for i, (v, w) in enumerate(zip(values, before)) if v is not w and i != _TOKENS_AT)
    changed = () if tokens is old else tuple(
        (i, _encode_token(tok)) for i, (tok, was) in enumerate(zip(tokens, old)) if tok is not was)
    return (digest, fields, changed)


def has_origin(article: Article) -> bool:
    """Whether `derived_form` may know the article (its path's origin is recorded)."""
    return article.path in _ORIGINS


def forget_origins() -> None:
    _ORIGINS.clear()


def key_bytes(article: Article, context: Any) -> bytes:
    """Bytes equal only for equal (article, context): `derived_form` when the article has an origin."""
    form = derived_form(article)
    value = ("full", _encode(article), _encode(context)) if form is None else ("derived", form, _encode(context))
    try:
        return marshal.dumps(value, 2)
    except ValueError as exc:
        raise Uncacheable(str(exc)) from None


# --- where records live ------------------------------------------------------------------

def cache_root() -> Path | None:
    """The cache folder, or None when `ORDBOG_CACHE_DIR=off`."""
    explicit = os.environ.get("ORDBOG_CACHE_DIR")
    if explicit is not None:
        return None if explicit.strip().lower() in ("", "off", "0", "no") else Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "ordbog"


# every library whose output ends up in a cached value (analysis, links, pages, search index)
LIBRARIES = ("markdown-it-py", "mdit-py-plugins", "PyYAML", "pydantic", "pydantic-core", "babel", "nh3",
             "PyStemmer", "pyahocorasick", "jinja2", "markupsafe", "numpy")


def library_versions() -> str:
    import importlib.metadata
    import sys

    found = [sys.version]
    for name in LIBRARIES:
        try:
            found.append(f"{name}={importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            found.append(f"{name}=?")
    return "\0".join(found)


@cache
def generation() -> str:
    """Changes whenever ordbog's code or data model, Python or a library of `LIBRARIES` does:
    old records are never read."""
    h = hashlib.sha256(__version__.encode())
    h.update(library_versions().encode())
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        h.update(path.relative_to(PACKAGE_DIR).as_posix().encode())
        h.update(path.read_bytes())
    for name, cls in sorted(_CLASSES.items()):
        h.update(f"{name}:{','.join(f.name for f in dataclasses.fields(cls))}".encode())
    h.update(",".join(_TOKEN_FIELDS).encode())
    return f"{__version__}-{h.hexdigest()[:16]}"


def keep_recent(current: Path, pattern: str, keep: int) -> None:
    """Delete all but the `keep` most recently used files matching `pattern` beside `current` (kept)."""
    def used(path: Path) -> int:
        try:
            return path.stat().st_mtime_ns
        except OSError:
            return 0

    others = sorted((p for p in current.parent.glob(pattern) if p != current), key=used, reverse=True)
    for old in others[keep - 1 :]:
        old.unlink(missing_ok=True)


def store_record(path: Path | None, data: object, pattern: str, keep: int) -> None:
    """Write `data` marshal'd to `path` atomically, and keep only the `keep` most recently used
    files matching `pattern` beside it; a cache that cannot be written is skipped (no path: off)."""
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(marshal.dumps(data))
        os.replace(tmp, path)
        keep_recent(path, pattern, keep)
    except (OSError, ValueError):
        pass  # a read-only cache folder only makes the next build slower


def generation_store(name: str) -> PackStore | None:
    """A `PackStore` in `<cache>/<name>/<generation>/`, or None when caching is off; the folders of
    other generations under `<cache>/<name>/` are deleted (older code never reads them again)."""
    root = cache_root()
    if root is None:
        return None
    folder = root / name / generation()
    if folder.parent.is_dir():
        for other in folder.parent.iterdir():
            if other.is_dir() and other.name != folder.name:
                shutil.rmtree(other, ignore_errors=True)
    return PackStore(folder)


def record_key(source: Source, config_fingerprint: str) -> str:
    return hashlib.sha256(f"{source.digest}\0{source.path}\0{source.slug}\0{config_fingerprint}".encode()).hexdigest()


class ArticleCache:
    """Records of one generation in `root/<generation>/pack-*` (see packstore.py)."""

    def __init__(self, root: Path) -> None:
        self.folder = root / generation()
        self.store = PackStore(self.folder)
        self.hits = self.misses = 0

    def get(self, key: str) -> tuple[Article | None, list[Diagnostic]] | None:
        data = self.store.get(key)
        try:
            if not isinstance(data, bytes):
                raise KeyError(key)
            found = decode_result(data)
        except Exception:  # noqa: BLE001 - unreadable, foreign or truncated (even RecursionError, MemoryError): a miss
            self.misses += 1
            return None
        self.hits += 1
        return found

    def put(self, key: str, data: bytes) -> None:
        self.store.put(key, data)

    def flush(self) -> None:
        """Write what changed (records unused for `UNUSED_DAYS` are dropped then)."""
        self.store.flush()

    def prune_other_generations(self) -> None:
        """Delete the records of other generations (not the other caches beside them: pages/, spare/ …)."""
        if not self.folder.parent.is_dir():
            return
        for other in self.folder.parent.iterdir():
            if other.is_dir() and other.name != self.folder.name and _GENERATION_NAME.fullmatch(other.name):
                shutil.rmtree(other, ignore_errors=True)


def open_cache() -> ArticleCache | None:
    root = cache_root()
    return ArticleCache(root) if root is not None else None
