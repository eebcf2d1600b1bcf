"""BM25F ranking computed with numpy over postings read from the Whoosh index.

Whoosh's own matchers walk postings one document at a time in Python, which costs 10-50 ms a
query at 3,000 articles. Here each query term's posting list is read from the Whoosh files once
(block by block, then cached) and scored for all documents at once with array arithmetic.
The Whoosh index stays the single source of truth; nothing here is written to disk.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from whoosh.util.numeric import byte_to_length

CACHE_POSTINGS = 4_000_000
"""Postings kept in memory across queries (about 40 MB)."""

_LENGTH_OF_BYTE = np.array([byte_to_length(b) for b in range(256)], dtype=np.float32)


@dataclass(frozen=True)
class FieldWeight:
    """One field's share of BM25F: its weight and its length normalisation b."""

    name: str
    weight: float
    b: float = 0.75


@dataclass(frozen=True)
class WeightedTerm:
    """One index term of a query with its importance (1.0 typed, less for a synonym)."""

    terms: tuple[str, ...]
    """A single stem, or several stems that must all appear (a multi-word synonym)."""
    weight: float = 1.0


@dataclass(frozen=True)
class Ranked:
    """One article as ranked: its document number, score and best section document (or -1)."""

    article_doc: int
    score: float
    section_doc: int
    section_score: float
    matched: int
    """How many of the query's terms the article contains."""


class IndexArrays:
    """Numpy views of one open Whoosh reader: which documents are articles, sections, internal."""

    def __init__(self, reader: Any) -> None:
        self._reader = reader
        self._leaves = list(reader.leaf_readers())
        self.doc_count = reader.doc_count_all()
        alive = np.ones(self.doc_count, dtype=bool)
        if reader.has_deletions():
            alive[:] = False
            alive[np.fromiter(reader.all_doc_ids(), dtype=np.int64)] = True
        self.alive = alive
        self._postings: OrderedDict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._cached = 0
        self._lengths: dict[str, np.ndarray] = {}
        self._averages: dict[tuple[str, bool], float] = {}
        self._norms: dict[tuple[str, float, bool], np.ndarray] = {}

        self.article_docs = self._docs_with("kind", "article")
        self.section_docs = self._docs_with("kind", "section")
        internal = np.zeros(self.doc_count, dtype=bool)
        internal[self._docs_with("audience", "internal")] = True
        self.is_internal_doc = internal
        self.article_count = len(self.article_docs)
        self.article_ordinal = np.full(self.doc_count, -1, dtype=np.int64)
        self.article_ordinal[self.article_docs] = np.arange(self.article_count)
        self.section_ordinal = np.full(self.doc_count, -1, dtype=np.int64)
        self.section_ordinal[self.section_docs] = np.arange(len(self.section_docs))
        # The indexer adds an article's sections right after the article, and Whoosh keeps
        # document order through merges, so a section belongs to the article just before it.
        parent_position = np.searchsorted(self.article_docs, self.section_docs, side="right") - 1
        self.section_parent = parent_position
        counts = np.bincount(parent_position[parent_position >= 0], minlength=self.article_count)
        self.section_end = np.cumsum(counts)
        self.section_start = self.section_end - counts

    def _docs_with(self, field: str, text: str) -> np.ndarray:
        ids, _ = self.postings(field, text)
        return ids[self.alive[ids]] if len(ids) else ids

    def postings(self, field: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        """(document numbers, term frequencies) of a term in a field; cached."""
        key = (field, term)
        cached = self._postings.get(key)
        if cached is not None:
            self._postings.move_to_end(key)
            return cached
        found = self._read_postings(field, term)
        self._postings[key] = found
        self._cached += len(found[0])
        while self._cached > CACHE_POSTINGS and len(self._postings) > 1:
            _, (ids, _) = self._postings.popitem(last=False)
            self._cached -= len(ids)
        return found

    def _read_postings(self, field: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        id_parts: list[np.ndarray] = []
        tf_parts: list[np.ndarray] = []
        for leaf, base in self._leaves:
            if (field, term) not in leaf:
                continue
            ids, tfs = _leaf_postings(leaf, field, term)
            id_parts.append(ids + base)
            tf_parts.append(tfs)
        if not id_parts:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
        ids = np.concatenate(id_parts)
        tfs = np.concatenate(tf_parts)
        keep = self.alive[ids]
        return ids[keep], tfs[keep]

    def lengths(self, field: str) -> np.ndarray:
        """Number of terms of every document in a field (Whoosh stores it to about 5%)."""
        found = self._lengths.get(field)
        if found is None:
            found = np.zeros(self.doc_count, dtype=np.float32)
            for leaf, base in self._leaves:
                found[base : base + leaf.doc_count_all()] = _leaf_lengths(leaf, field)
            self._lengths[field] = found
        return found

    def length_norm(self, field: str, b: float, *, sections: bool) -> np.ndarray:
        """BM25's 1 - b + b * length / average length, for every document."""
        key = (field, b, sections)
        found = self._norms.get(key)
        if found is None:
            average = self.average_length(field, sections=sections)
            found = (1.0 - b + b * self.lengths(field) / average).astype(np.float64)
            self._norms[key] = found
        return found

    def average_length(self, field: str, *, sections: bool) -> float:
        key = (field, sections)
        found = self._averages.get(key)
        if found is None:
            docs = self.section_docs if sections else self.article_docs
            found = float(self.lengths(field)[docs].mean()) if len(docs) else 0.0
            self._averages[key] = found = max(found, 1.0)
        return found


def _leaf_postings(leaf: Any, field: str, term: str) -> tuple[np.ndarray, np.ndarray]:
    """All postings of a term in one segment, read a block at a time."""
    matcher = leaf._terms.matcher(
        field, leaf._text_to_bytes(field, term), leaf.schema[field].format
    )
    if not all(hasattr(matcher, name) for name in ("_read_data", "_goto", "_data", "_nextoffset")):
        return _postings_slowly(matcher)  # Another codec: use the public, slower interface.
    ids: list[np.ndarray] = []
    tfs: list[np.ndarray] = []
    while True:
        if matcher._data is None:
            matcher._read_data()
        block_ids, block_weights = matcher._data[0], matcher._data[1]
        count = matcher._blocklength
        ids.append(np.cumsum(np.asarray(block_ids, dtype=np.int64)))
        if block_weights is None:
            tfs.append(np.ones(count, dtype=np.float32))
        elif isinstance(block_weights, float):
            tfs.append(np.full(count, block_weights, dtype=np.float32))
        else:
            tfs.append(np.asarray(block_weights, dtype=np.float32))
        if matcher._lastblock:
            break
        matcher._goto(matcher._nextoffset)
    return np.concatenate(ids), np.concatenate(tfs)


def _postings_slowly(matcher: Any) -> tuple[np.ndarray, np.ndarray]:
    ids: list[int] = []
    tfs: list[float] = []
    while matcher.is_active():
        ids.append(matcher.id())
        tfs.append(matcher.weight())
        matcher.next()
    return np.asarray(ids, dtype=np.int64), np.asarray(tfs, dtype=np.float32)


def _leaf_lengths(leaf: Any, field: str) -> np.ndarray:
    count = leaf.doc_count_all()
    perdoc = leaf._perdoc
    column_name = f"_{field}_len"  # Whoosh 3 codec: _lenfield()
    if not perdoc.has_column(column_name):
        return np.zeros(count, dtype=np.float32)
    column = perdoc._cached_reader(column_name, _lengths_column())
    raw = np.zeros(count, dtype=np.uint8)
    try:  # One read of the whole one-byte-per-document column.
        stored = min(column._count, count)
        raw[:stored] = np.frombuffer(
            bytes(column._dbfile.get(column._basepos, stored)), dtype=np.uint8
        )
    except AttributeError:
        raw[:] = np.asarray(column.load(), dtype=np.uint8)[:count]
    return _LENGTH_OF_BYTE[raw]


def _lengths_column() -> Any:
    from whoosh.codec.whoosh3 import LENGTHS_COLUMN

    return LENGTHS_COLUMN


# -- ranking -------------------------------------------------------------------------------------


def bm25f(
    arrays: IndexArrays,
    query: Sequence[WeightedTerm],
    fields: Sequence[FieldWeight],
    *,
    sections: bool,
    k1: float,
) -> tuple[np.ndarray, np.ndarray]:
    """BM25F scores of every article (or section) and how many query terms each contains.

    Per term, field frequencies are weighted and length-normalised, summed, then saturated once
    (Robertson & Zaragoza's BM25F), so a word in the title and the body is not counted twice.
    """
    ordinal = arrays.section_ordinal if sections else arrays.article_ordinal
    size = len(arrays.section_docs) if sections else arrays.article_count
    scores = np.zeros(size, dtype=np.float64)
    matched = np.zeros(size, dtype=np.int32)
    if size == 0:
        return scores, matched
    for weighted in query:
        pseudo_tf = _term_frequency(arrays, weighted.terms, fields, ordinal, size, sections)
        present = pseudo_tf > 0
        df = int(np.count_nonzero(present))
        if df == 0:
            continue
        idf = math.log(1.0 + (size - df + 0.5) / (df + 0.5))
        scores += weighted.weight * idf * pseudo_tf * (k1 + 1.0) / (k1 + pseudo_tf)
        if weighted.weight >= 1.0:
            matched += present
    return scores, matched


def _term_frequency(
    arrays: IndexArrays,
    terms: tuple[str, ...],
    fields: Sequence[FieldWeight],
    ordinal: np.ndarray,
    size: int,
    sections: bool,
) -> np.ndarray:
    total = np.zeros(size, dtype=np.float64)
    for field in fields:
        if field.weight <= 0:
            continue
        part = _field_frequency(arrays, terms, field.name, ordinal, size)
        if part is None:
            continue
        ids, tfs = part
        norm = arrays.length_norm(field.name, field.b, sections=sections)[ids]
        total[ordinal[ids]] += field.weight * tfs / norm
    return total


def _field_frequency(
    arrays: IndexArrays, terms: tuple[str, ...], field: str, ordinal: np.ndarray, size: int
) -> tuple[np.ndarray, np.ndarray] | None:
    """Postings of a term, or for several terms the documents holding all (their least tf)."""
    ids, tfs = arrays.postings(field, terms[0])
    for other in terms[1:]:
        if not len(ids):
            break
        other_ids, other_tfs = arrays.postings(field, other)
        common, left, right = np.intersect1d(
            ids, other_ids, assume_unique=True, return_indices=True
        )
        ids, tfs = common, np.minimum(tfs[left], other_tfs[right])
    if not len(ids):
        return None
    keep = ordinal[ids] >= 0
    return (ids[keep], tfs[keep]) if not keep.all() else (ids, tfs)


def best_sections(
    arrays: IndexArrays, section_scores: np.ndarray, articles: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """For each article ordinal: its best section's ordinal (-1 if none scores) and score."""
    starts = arrays.section_start[articles]
    counts = arrays.section_end[articles] - starts
    best = np.full(len(articles), -1, dtype=np.int64)
    best_score = np.zeros(len(articles), dtype=np.float64)
    total = int(counts.sum())
    if total == 0:
        return best, best_score
    group = np.repeat(np.arange(len(articles)), counts)
    first_of_group = np.cumsum(counts) - counts
    sections = starts[group] + np.arange(total) - first_of_group[group]
    scores = section_scores[sections]
    # Best score first within each group; the earlier section wins a tie.
    order = np.lexsort((sections, -scores, group))
    is_first = np.ones(total, dtype=bool)
    is_first[1:] = group[order][1:] != group[order][:-1]
    winners = order[is_first]
    scoring = scores[winners] > 0
    best[group[winners][scoring]] = sections[winners][scoring]
    best_score[group[winners][scoring]] = scores[winners][scoring]
    return best, best_score


def top_positions(scores: np.ndarray, count: int) -> np.ndarray:
    """Positions of the highest positive scores, best first (ties: lower position first)."""
    positive = np.flatnonzero(scores > 0)
    if len(positive) > count:
        part = np.argpartition(-scores[positive], count - 1)[:count]
        positive = positive[part]
    order = np.lexsort((positive, -scores[positive]))
    return positive[order]
