"""Article texts → the arrays of a `SearchIndex`, in two passes with compact intermediate data.

Pass 1 (`Indexer.add`, one article at a time, so a caller can stream articles): every field and
passage is split into words once; each distinct written word gets a number, and a text is kept
only as (word number, count) arrays. The vocabulary's document frequencies are counted here.
Its array work is done for a batch of articles at once (`Indexer._flush`, about CHUNK_ENTRIES
entries: numpy's per-call overhead would cost more than the work for one article).
Pass 2 (`Indexer.finish`): each distinct word is analysed once against the finished vocabulary
(its term plus compound parts, `analyzer.compound_parts` with one memo for the whole build),
then per article the BM25F pseudo-frequencies and per passage the term frequencies are summed
from the word counts. Term frequencies are sums of word weights (1.0 for a word's own term,
COMPOUND_PART_WEIGHT for a part); counting words first only changes the order of those sums.

Pass 1's part that depends on one article only (`tokenise`: its distinct words, their terms and
counts per text) is a value of its own, so `search.textcache` can keep it across builds.

Memory is a few bytes per (text, distinct word) plus the passage text itself, never a dict
per term per document: 38,500 synthetic articles index in well under 2 GB.
"""

from __future__ import annotations

import math
from array import array
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain, islice
from typing import Protocol

import numpy as np

from ordbog.search import analyzer
from ordbog.search.articletext import FIELDS, ArticleText

FIELD_WEIGHTS = {"title": 8.0, "aliases": 7.0, "meta": 3.0, "headings": 2.5, "questions": 2.0, "body": 1.0}
FIELD_B = {"title": 0.2, "aliases": 0.3, "meta": 0.4, "headings": 0.5, "questions": 0.6, "body": 0.75}
K1 = 12.0  # little saturation: a title match still counts when the body repeats the word (measured: 1.2–50)
PASSAGE_KINDS = ("p", "faq")
CHUNK_ENTRIES = 250_000  # (text, word) entries summed at once: bounds the build's temporary arrays (~20 MiB at this size)


@dataclass(frozen=True, slots=True)
class Tokenised:
    """Pass 1 of one article, independent of every other article: its words counted per text.

    Texts are the len(FIELDS) fields, then per passage its heading twice and its text. Word
    numbers here are the article's own (position in `words`); `Indexer.add` maps them to the build's.
    """

    words: tuple[str, ...]  # the article's distinct lower-case words, in order of first appearance
    terms: tuple[str, ...]  # each word's index term
    ids: bytes  # int32 per (text, distinct word): the word's number in `words`
    counts: bytes  # int32 per (text, distinct word): occurrences
    sizes: bytes  # int32 per text: its distinct words
    title_terms: tuple[str, ...]  # `content_terms` of the title (exact-title matching)
    alias_terms: tuple[tuple[str, ...], ...]  # … of each alias
    questions: tuple[str, ...]  # `question_key` of each FAQ passage's question, in passage order


def content_terms(text: str) -> tuple[str, ...]:
    stop = analyzer.stopwords()
    return tuple(analyzer.term(w) for w in analyzer.words(text) if w not in stop)


def question_key(text: str) -> str:
    """Order-free key of a question's content terms ("Hvad er X?" and "X, hvad er det" match)."""
    return " ".join(sorted(set(content_terms(text))))


def passage_text(heading: str, text: str) -> str:
    """What a passage is indexed as: the heading counts twice."""
    return heading + "\n" + heading + "\n" + text


@lru_cache(maxsize=400_000)
def _raw_term(raw: str) -> str:
    """The term of a lower-case word as written (one cached call: every article repeats most words)."""
    return analyzer.term(analyzer.fold(raw))


def tokenise(article: ArticleText) -> Tokenised:
    local: dict[str, int] = {}
    ids, counts, sizes = array("i"), array("i"), array("i")
    texts = (*article.fields, *(passage_text(heading, text) for _, heading, _, text in article.passages))
    for text in texts:
        counted = Counter(analyzer._WORD.findall(text.lower()))
        for raw in counted:
            if raw not in local:
                local[raw] = len(local)
        ids.extend(map(local.__getitem__, counted))
        counts.extend(counted.values())
        sizes.append(len(counted))
    words = tuple(local)
    terms = tuple(map(_raw_term, words))
    return Tokenised(words, terms, ids.tobytes(), counts.tobytes(), sizes.tobytes(), content_terms(article.title),
                     tuple(content_terms(alias) for alias in article.aliases),
                     tuple(question_key(heading) for kind, heading, _, _ in article.passages if kind == "faq"))


@dataclass(frozen=True)
class Arrays:
    """Everything pass 2 produces (see index.SearchIndex for the meaning of each)."""

    terms: tuple[str, ...]
    vocab: dict[str, int]
    post_offsets: np.ndarray
    post_docs: np.ndarray
    post_impacts: np.ndarray
    p_len: np.ndarray
    p_offsets: np.ndarray
    p_terms: np.ndarray
    p_tf: np.ndarray
    p_df: np.ndarray


def round5(values: np.ndarray) -> np.ndarray:
    """`round(x, 5)` for every x, bit for bit as Python rounds (checked where rint could differ)."""
    scaled = values * 1e5
    out = np.rint(scaled) / 1e5
    close = np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6
    for i in np.flatnonzero(close):
        out[i] = round(float(values[i]), 5)
    return out


def _raw(values: np.ndarray, dtype) -> np.ndarray:
    """The bytes of `values` as `dtype`, for `array.frombytes` (which takes no typed buffer)."""
    return np.ascontiguousarray(values, dtype=dtype).view(np.uint8)


class _Texts:
    """Many texts as (word number, count) entries, one text after another."""

    def __init__(self, entries: bool = True) -> None:
        self.entries = entries  # False: only the sizes and word counts are kept (no `chunks`)
        self.ids, self.counts = array("i"), array("i")
        self.sizes = array("q")  # entries per text
        self.words = array("q")  # words per text

    def extend(self, ids: np.ndarray, counts: np.ndarray, sizes: np.ndarray, words: np.ndarray) -> None:
        """Add texts: int32 word numbers and counts of all of them, and per text its number of
        entries and of words (the sum of its counts)."""
        if self.entries:
            self.ids.frombytes(_raw(ids, np.int32))
            self.counts.frombytes(_raw(counts, np.int32))
        self.sizes.frombytes(_raw(sizes, np.int64))
        self.words.frombytes(_raw(words, np.int64))

    def chunks(self, entries: int = CHUNK_ENTRIES, align: int = 1):
        """(first text, end text, first entry, end entry) ranges of about `entries` entries, each a
        whole number of `align` texts (an article's fields stay in one chunk)."""
        if not self.entries:
            raise ValueError("texts kept without their entries")
        sizes = np.frombuffer(self.sizes, dtype=np.int64)
        ends = np.cumsum(sizes)
        first_text, first_entry = 0, 0
        while first_text < len(sizes):
            end_text = max(first_text + 1, int(np.searchsorted(ends, first_entry + entries, "right")))
            end_text = min(len(sizes), -(-end_text // align) * align)
            end_entry = int(ends[end_text - 1])
            yield first_text, end_text, first_entry, end_entry
            first_text, first_entry = end_text, end_entry


class _Pending:
    """Articles added since the last `Indexer._flush`: their pass 1 as it came, plus per article
    its word numbers in the build."""

    def __init__(self) -> None:
        self.numbers = array("i")  # per article, per distinct word: the build's word number
        self.ids, self.counts, self.sizes = array("i"), array("i"), array("i")  # `Tokenised`'s, concatenated
        self.texts, self.words = array("i"), array("i")  # per article: its texts, its distinct words

    def add(self, numbers: list[int], tok: Tokenised) -> None:
        self.numbers.extend(numbers)
        self.ids.frombytes(tok.ids)
        self.counts.frombytes(tok.counts)
        self.sizes.frombytes(tok.sizes)
        self.texts.append(len(tok.sizes) // 4)
        self.words.append(len(numbers))


Splits = tuple[dict[str, int], dict[str, tuple[str, ...]]]  # (vocabulary, compound parts per folded word)


class SplitMemory(Protocol):
    """Where `Indexer.finish` finds an earlier build's splits and leaves this one's."""

    def previous(self) -> Splits | None: ...

    def keep(self, splits: Splits) -> None: ...


class _Splitter:
    """`analyzer.compound_parts(word, vocab)` per folded word, taking an earlier build's answer
    when the word contains none of `analyzer.split_keys` of the two vocabularies."""

    def __init__(self, vocab: Mapping[str, int], previous: Splits | None) -> None:
        self.vocab = vocab
        self.parts: dict[str, tuple[str, ...]] = {}
        self.known: dict[str, tuple[str, ...]] = {}
        self.stale = None
        if previous is not None:
            old_vocab, self.known = previous
            keys = analyzer.split_keys(old_vocab, vocab)
            if keys:
                import ahocorasick

                self.stale = ahocorasick.Automaton()
                for key in keys:
                    self.stale.add_word(key, key)
                self.stale.make_automaton()
        self._memo: analyzer.PartMemo | None = None

    def __call__(self, word: str) -> tuple[str, ...]:
        parts = self.known.get(word)
        if parts is None or (self.stale is not None and next(self.stale.iter(word), None) is not None):
            if self._memo is None:
                self._memo = analyzer.PartMemo(self.vocab)
            parts = tuple(analyzer.compound_parts(word, self.vocab, memo=self._memo))
        self.parts[word] = parts
        return parts


class Indexer:
    """Collects articles (`add`), then computes the index arrays (`finish`).

    With `passage_terms=False` the passages' terms are not summed: `finish` gives every passage
    no terms (empty p_terms/p_tf, p_df all 0; p_len still counts its words). The static search
    files read none of them; this saves their pass-1 data and most of pass 2.
    """

    def __init__(self, passage_terms: bool = True) -> None:
        self.word_ids: dict[str, int] = {}
        self.word_terms: list[str] = []  # word number → its term
        self.term_ids: dict[str, int] = {}  # term → its number (in order of first appearance)
        self.word_term = array("i")  # word number → its term's number
        self.term_long = array("b")  # term number → 1 if it has ≥ 2 letters (a vocabulary term); made by `_flush`
        self.term_df = np.zeros(0, dtype=np.int64)  # term number → articles with it in a field
        self.fields = _Texts()  # len(FIELDS) texts per article
        self.passage_terms = passage_terms
        self.passages = _Texts(entries=passage_terms)
        self.n_docs = 0
        self.splits: Splits | None = None  # set by `finish`
        self._pending = _Pending()

    def add(self, article: ArticleText, tokenised: Tokenised | None = None) -> None:
        """Add the next article; `tokenised` is `tokenise(article)` when the caller has it already."""
        tok = tokenised if tokenised is not None else tokenise(article)
        if (len(tok.sizes) // 4 != len(FIELDS) + len(article.passages) or len(tok.words) != len(tok.terms)
                or len(tok.ids) != len(tok.counts)):
            raise ValueError(f"{article.slug}: pass 1 does not match the article")
        self.n_docs += 1
        numbers = list(map(self.word_ids.get, tok.words))  # the article's word number → the build's
        if None in numbers:
            self._number_new_words(tok, numbers)
        pending = self._pending
        pending.add(numbers, tok)
        if len(pending.ids) >= CHUNK_ENTRIES:
            self._flush()

    def _number_new_words(self, tok: Tokenised, numbers: list[int | None]) -> None:
        new, k = [], -1
        for _ in range(numbers.count(None)):  # `index` finds them without a Python loop over the known words
            k = numbers.index(None, k + 1)
            new.append(k)
        first = len(self.word_terms)
        for n, k in enumerate(new, first):
            numbers[k] = n
        self.word_ids.update(zip(map(tok.words.__getitem__, new), range(first, first + len(new))))
        terms = list(map(tok.terms.__getitem__, new))
        self.word_terms.extend(terms)
        term_ids = self.term_ids
        self.word_term.extend([term_ids.setdefault(term, len(term_ids)) for term in terms])

    def _flush(self) -> None:
        """Pass 1's array work for the pending articles: their entries in the build's word numbers
        go to `fields` and `passages`, and their fields' terms are counted in `term_df`."""
        pending, self._pending = self._pending, _Pending()
        if not pending.texts:
            return
        sizes = np.frombuffer(pending.sizes, dtype=np.int32)  # per text: its entries
        n_texts = np.frombuffer(pending.texts, dtype=np.int32)  # per article: its texts
        n_words = np.frombuffer(pending.words, dtype=np.int32)  # per article: its distinct words
        local = np.frombuffer(pending.ids, dtype=np.int32)
        counts = np.frombuffer(pending.counts, dtype=np.int32)
        if int(sizes.sum()) != len(local):
            raise ValueError("pass 1: the texts' sizes do not match their entries")
        article_of_text = np.repeat(np.arange(len(n_texts), dtype=np.int32), n_texts)
        field_text = np.arange(len(sizes)) - (np.cumsum(n_texts) - n_texts)[article_of_text] < len(FIELDS)
        article = np.repeat(article_of_text, sizes)
        if len(local) and (local.min() < 0 or (local >= n_words[article]).any()):
            raise ValueError("pass 1: a word number outside its article's words")
        ids = np.frombuffer(pending.numbers, dtype=np.int32)[local + (np.cumsum(n_words) - n_words)[article]]
        total = np.concatenate(([0], np.cumsum(counts, dtype=np.int64)))
        ends = np.cumsum(sizes, dtype=np.int64)
        words = total[ends] - total[ends - sizes]  # per text
        in_field = np.repeat(field_text, sizes)
        self.fields.extend(ids[in_field], counts[in_field], sizes[field_text], words[field_text])
        in_passage = ~in_field if self.passage_terms else slice(0)
        self.passages.extend(ids[in_passage], counts[in_passage], sizes[~field_text], words[~field_text])
        # document frequencies: the distinct (article, term) pairs of the fields
        n_terms = len(self.term_ids)
        self.term_long.extend([len(t) >= 2 for t in islice(self.term_ids, len(self.term_long), None)])
        terms = np.frombuffer(self.word_term, dtype=np.int32)[ids[in_field]]
        counted = np.frombuffer(self.term_long, dtype=np.int8)[terms].astype(bool)
        pairs = np.sort(article[in_field][counted].astype(np.int64) * n_terms + terms[counted], kind="stable")
        distinct = pairs[np.r_[True, pairs[1:] != pairs[:-1]]] if len(pairs) else pairs  # (np.unique: slower)
        df = np.bincount(distinct % n_terms, minlength=n_terms)
        df[: len(self.term_df)] += self.term_df
        self.term_df = df

    def _expansions(self, vocab: Mapping[str, int], previous: Splits | None = None,
                    ) -> tuple[tuple[str, ...], np.ndarray, np.ndarray, np.ndarray]:
        """Terms (sorted), and per word number its term and compound parts as CSR arrays:
        (terms, offsets, term numbers, weights). Sets `self.splits` (see `finish`)."""
        split = _Splitter(vocab, previous)
        fold_of: dict[str, int] = {}  # folded word → its number, in order of first appearance
        word_fold = np.array([fold_of.setdefault(w, len(fold_of)) for w in map(analyzer.fold, self.word_ids)],
                             dtype=np.int64)
        first = np.flatnonzero(np.diff(np.maximum.accumulate(word_fold), prepend=-1))  # per fold: its first word
        fold_terms = list(map(self.word_terms.__getitem__, first.tolist()))  # a word's term is its fold's
        parts = list(map(split, fold_of))
        self.splits = (dict(vocab), split.parts)  # a copy: `vocab` also goes out in the arrays
        all_parts = list(chain.from_iterable(parts))
        terms = tuple(sorted(set(fold_terms).union(all_parts)))
        number = dict(zip(terms, range(len(terms))))
        # per fold its row: its term (weight 1), then its parts
        row_sizes = 1 + np.fromiter(map(len, parts), dtype=np.int64, count=len(parts))
        row_starts = np.cumsum(row_sizes) - row_sizes
        row_terms = np.empty(int(row_sizes.sum()), dtype=np.int64)
        row_weights = np.full(len(row_terms), analyzer.COMPOUND_PART_WEIGHT)
        is_part = np.ones(len(row_terms), dtype=bool)
        is_part[row_starts] = False
        row_terms[row_starts] = np.fromiter(map(number.__getitem__, fold_terms), dtype=np.int64, count=len(fold_terms))
        row_terms[is_part] = np.fromiter(map(number.__getitem__, all_parts), dtype=np.int64, count=len(all_parts))
        row_weights[row_starts] = 1.0
        # per word its fold's row
        sizes = row_sizes[word_fold]
        offsets = np.zeros(len(word_fold) + 1, dtype=np.int64)
        np.cumsum(sizes, out=offsets[1:])
        at = np.repeat(row_starts[word_fold] - offsets[:-1], sizes) + np.arange(int(offsets[-1]))
        term_of, weight_of = row_terms[at], row_weights[at]
        return terms, offsets, term_of, weight_of

    def finish(self, previous: Splits | None = None) -> Arrays:
        """The index arrays. `previous`: an earlier build's `self.splits` (its vocabulary and
        compound parts), so that only words whose split may have changed are split again;
        afterwards `self.splits` holds this build's, to pass to the next."""
        self._flush()
        vocab = dict(sorted((t, df) for t, df in zip(self.term_ids, self.term_df.tolist()) if df))
        terms, exp_offsets, exp_terms, exp_weights = self._expansions(vocab, previous)
        n_terms, n_fields = max(1, len(terms)), len(FIELDS)
        expand = (exp_offsets, exp_terms, exp_weights)
        n = max(1, self.n_docs)
        lengths = np.frombuffer(self.fields.words, dtype=np.int64).reshape(-1, n_fields)
        avg = np.array([max(1.0, int(lengths[:, f].sum()) / n) for f in range(n_fields)])
        weights = np.array([FIELD_WEIGHTS[f] for f in FIELDS])
        b = np.array([FIELD_B[f] for f in FIELDS])
        norms = (1 - b + b * lengths / avg).reshape(-1)  # per field text: as bm25f's 1 - b + b * length / avg
        post_docs, post_terms, post_x = [], [], []  # per chunk, in their final types
        for first, end, a, z in self.fields.chunks(align=n_fields):
            doc, term, x = _field_sums(self.fields, first, end, a, z, expand, n_terms, weights, norms)
            post_docs.append(doc)
            post_terms.append(term)
            post_x.append(x)
        n_passages = len(self.passages.sizes)
        p_counts = np.zeros(n_passages, dtype=np.int64)  # per passage: its distinct terms
        p_terms_parts, p_tf_parts = [], []
        for first, end, a, z in self.passages.chunks() if self.passage_terms else ():
            counts, term, tf = _passage_tf(self.passages, first, end, a, z, expand, n_terms)
            p_counts[first:end] = counts
            p_terms_parts.append(term)
            p_tf_parts.append(tf)
        p_terms = _concat(p_terms_parts, np.int32)
        del p_terms_parts
        p_tf = _concat(p_tf_parts, np.float64)
        del p_tf_parts
        tids, xs, docs = _concat(post_terms, np.int32), _concat(post_x, np.float64), _concat(post_docs, np.int32)
        del post_terms, post_x, post_docs
        offsets, docs, impacts = _impacts(tids, xs, docs, len(terms), self.n_docs)
        return Arrays(
            terms=terms,
            vocab=vocab,
            post_offsets=offsets,
            post_docs=docs,
            post_impacts=impacts,
            p_len=np.frombuffer(self.passages.words, dtype=np.int64).astype(np.int32),
            p_offsets=np.concatenate(([0], np.cumsum(p_counts))).astype(np.int64),
            p_terms=p_terms,
            p_tf=p_tf,
            p_df=np.bincount(p_terms, minlength=len(terms)).astype(np.int32),
        )


def _concat(parts: list[np.ndarray], dtype) -> np.ndarray:
    return np.concatenate(parts).astype(dtype, copy=False) if parts else np.zeros(0, dtype=dtype)


def _grouped_sums(group: np.ndarray, term: np.ndarray, values: np.ndarray, n_terms: int):
    """(group, term, sum of values) per distinct (group, term), sorted; equal keys summed in input order."""
    key = group * n_terms + term
    order = np.argsort(key, kind="stable")
    key, values = key[order], values[order]
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if len(key) else np.zeros(0, dtype=np.int64)
    sums = np.add.reduceat(values, starts) if len(key) else values
    return key[starts] // n_terms, key[starts] % n_terms, sums


def _field_sums(fields: _Texts, first: int, end: int, a: int, z: int, expand, n_terms: int, weights, norms):
    """(doc, term, BM25F pseudo-frequency) of one chunk of whole articles' fields: int32, int32, float64.

    One sort serves both sums: by (doc, term, field), a (text, term)'s entries lie together in
    entry order and a (doc, term)'s fields in field order, the orders two sorts would sum them in."""
    n_fields = len(FIELDS)
    text, term, values = _expanded(fields, first, end, a, z, expand)
    key = ((text // n_fields) * n_terms + term) * n_fields + text % n_fields
    order = np.argsort(key, kind="stable")
    key, text, values = key[order], text[order], values[order]
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if len(key) else np.zeros(0, dtype=np.int64)
    tf = np.add.reduceat(values, starts) if len(key) else values  # per (text, term)
    text, doc_term = text[starts], key[starts] // n_fields
    x = weights[text % n_fields] * tf / norms[text]
    starts = np.flatnonzero(np.r_[True, doc_term[1:] != doc_term[:-1]]) if len(x) else starts
    x = np.add.reduceat(x, starts) if len(x) else x  # per (doc, term)
    doc_term = doc_term[starts]
    return (doc_term // n_terms).astype(np.int32), (doc_term % n_terms).astype(np.int32), x


def _passage_tf(passages: _Texts, first: int, end: int, a: int, z: int, expand, n_terms: int):
    """(per passage its distinct terms, term int32, tf float64) of passages[first:end]."""
    text, term, tf = _grouped_tf(passages, first, end, a, z, expand, n_terms)
    return np.bincount(text - first, minlength=end - first), term.astype(np.int32), tf


def _grouped_tf(texts: _Texts, first: int, end: int, a: int, z: int, expand, n_terms: int):
    """(text, term, tf) for texts[first:end], sorted: each word's count times the weight of each of its terms."""
    return _grouped_sums(*_expanded(texts, first, end, a, z, expand), n_terms)


def _expanded(texts: _Texts, first: int, end: int, a: int, z: int, expand):
    """(text, term, count × weight) per word of texts[first:end] and term of the word, in text order."""
    exp_offsets, exp_terms, exp_weights = expand
    ids = np.frombuffer(texts.ids, dtype=np.int32)[a:z]
    counts = np.frombuffer(texts.counts, dtype=np.int32)[a:z]
    text = np.repeat(np.arange(first, end, dtype=np.int64), np.frombuffer(texts.sizes, dtype=np.int64)[first:end])
    starts = exp_offsets[ids]
    per_word = exp_offsets[ids + 1] - starts
    entry = np.repeat(np.arange(len(ids)), per_word)
    within = np.arange(len(entry)) - np.repeat(np.cumsum(per_word) - per_word, per_word)
    at = starts[entry] + within
    return text[entry], exp_terms[at], exp_weights[at] * counts[entry]


def _impacts(tids: np.ndarray, x: np.ndarray, docs: np.ndarray, n_terms: int, n_docs: int):
    """BM25 saturation and idf over the pseudo-frequencies; per term, best impact first (then doc)."""
    df = np.bincount(tids, minlength=n_terms)
    n = max(1, n_docs)
    idf = np.array([math.log(1 + (n - d + 0.5) / (d + 0.5)) for d in range(n + 1)])
    impacts = round5(idf[df[tids]] * x * (K1 + 1) / (K1 + x))
    order = _impact_order(tids, impacts, docs, n)
    offsets = np.concatenate(([0], np.cumsum(df))).astype(np.int64)
    return offsets, docs[order].astype(np.int32), impacts[order]


def _impact_order(tids: np.ndarray, impacts: np.ndarray, docs: np.ndarray, n_docs: int) -> np.ndarray:
    """`np.lexsort((docs, -impacts, tids))`, sorting one int64 key when it fits (a third of the
    time): rounded impacts are whole numbers of 1e-5, so they order as those numbers do."""
    steps = np.rint(impacts * 1e5)
    if len(steps) and steps.min() >= 0 and np.array_equal(steps / 1e5, impacts):
        top = int(steps.max()) + 1
        if (int(tids.max()) + 1) * top * n_docs < 2**62 and int(docs.max()) < n_docs:
            key = (tids.astype(np.int64) * top + (top - 1 - steps.astype(np.int64))) * n_docs + docs
            return np.argsort(key, kind="stable")
    return np.lexsort((docs, -impacts, tids))
