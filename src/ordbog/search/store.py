"""A `SearchIndex` on disk: one file, read back by mmap (arrays are views, not copies).

Layout: MAGIC, an 8-byte little-endian header length, the header (marshal: format, key, docs,
terms, vocabulary, synonyms, question keys, and name → (dtype, offset, count) of every array),
then the arrays, each at an offset that is a multiple of 8. Opening an index of 38,500 articles
reads the header (a few MB); postings and passage text are paged in only when a query touches
them. A file of another format or key, or a damaged one, reads as None (the caller rebuilds).
"""

from __future__ import annotations

import marshal
import mmap
import os
import struct
import tempfile
from pathlib import Path

import numpy as np

from ordbog.search.index import Doc, Passages, SearchIndex, Strings

MAGIC = b"ORDBOGIX"
FORMAT = 1
_ARRAYS = {  # array name → (attribute path, dtype)
    "post_offsets": np.int64, "post_docs": np.int32, "post_impacts": np.float64,
    "passage_lengths": np.int32, "p_offsets": np.int64, "p_terms": np.int32, "p_tf": np.float64, "p_df": np.int32,
    "passage_docs": np.int32, "passage_kinds": np.int8, "string_offsets": np.int64, "string_blob": np.uint8,
}


def _arrays(index: SearchIndex) -> dict[str, np.ndarray]:
    p = index.passages
    own = {name: getattr(index, name) for name in _ARRAYS if hasattr(index, name)}
    return {**own, "passage_docs": p.docs, "passage_kinds": p.kinds,
            "string_offsets": p.strings.offsets, "string_blob": np.asarray(p.strings.blob)}


def write(index: SearchIndex, path: Path) -> None:
    """Write atomically (a temporary file in the same folder, then rename)."""
    arrays = {name: np.ascontiguousarray(a, dtype=_ARRAYS[name]) for name, a in _arrays(index).items()}
    specs, offset = {}, 0
    for name, a in arrays.items():
        specs[name] = (np.dtype(_ARRAYS[name]).str, offset, int(a.size))
        offset += -(-a.nbytes // 8) * 8
    header = marshal.dumps({
        "format": FORMAT,
        "key": index.key,
        "docs": [(d.slug, d.title, d.url, d.description, d.title_terms, d.alias_terms) for d in index.docs],
        "terms": index.terms,
        "vocab": index.vocab,
        "synonyms": index.synonyms,
        "questions": index.question_keys,
        "arrays": specs,
    })
    start = -(-(len(MAGIC) + 8 + len(header)) // 8) * 8
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(MAGIC + struct.pack("<Q", len(header)) + header)
            fh.write(b"\0" * (start - fh.tell()))
            for name, a in arrays.items():
                fh.seek(start + specs[name][1])
                fh.write(a.tobytes())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read(path: Path, key: str) -> SearchIndex | None:
    try:
        with open(path, "rb") as fh:
            if fh.read(len(MAGIC)) != MAGIC:
                return None
            (size,) = struct.unpack("<Q", fh.read(8))
            header = marshal.loads(fh.read(size))
            if header.get("format") != FORMAT or header.get("key") != key:
                return None
            mm = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        start = -(-(len(MAGIC) + 8 + size) // 8) * 8
        a = {name: np.frombuffer(mm, dtype=np.dtype(dtype), count=count, offset=start + offset)
             for name, (dtype, offset, count) in header["arrays"].items()}
        return SearchIndex(
            docs=tuple(Doc(*d) for d in header["docs"]),
            terms=header["terms"],
            vocab=header["vocab"],
            synonyms=header["synonyms"],
            post_offsets=a["post_offsets"],
            post_docs=a["post_docs"],
            post_impacts=a["post_impacts"],
            passages=Passages(a["passage_docs"], a["passage_kinds"], Strings(a["string_blob"], a["string_offsets"])),
            passage_lengths=a["passage_lengths"],
            p_offsets=a["p_offsets"],
            p_terms=a["p_terms"],
            p_tf=a["p_tf"],
            p_df=a["p_df"],
            question_keys=header["questions"],
            key=header["key"],
        )
    except (OSError, ValueError, EOFError, TypeError, KeyError, struct.error):
        return None
