"""BM25F ranking computed with numpy over the index's own postings (see postings.py).

The formula (idf, length norm, saturation) is generator/core/ranking.py's, shared with staleness
and related articles. This module only gathers each term's frequencies from the memory-mapped
postings at query time, field by field: each field has its own b, a multi-word synonym needs
rows holding all its words, and articles and sections have their own averages, which a matrix
of weights fixed when the index is built could not express.

Each query term's rows are read as array slices and scored for every article or section at once
with array arithmetic; no dependency's internals are touched.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from whoosh.util.numeric import byte_to_length, length_to_byte

from supportkb.generator.core.ranking import idf, length_norm, term_weight
from supportkb.search.postings import Postings


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


class IndexArrays:
    """The postings with what ranking derives from them: which rows are articles, sections,
    internal; which article a section belongs to; length norms (cached per field)."""

    def __init__(self, postings: Postings) -> None:
        self._postings = postings
        self.doc_count = postings.row_count
        positions = np.asarray(postings.positions)
        self.article_docs = np.flatnonzero(positions == 0)
        self.section_docs = np.flatnonzero(positions > 0)
        self.is_internal_doc = np.asarray(postings.is_internal, dtype=bool)
        self.article_count = len(self.article_docs)
        self.article_ordinal = np.full(self.doc_count, -1, dtype=np.int64)
        self.article_ordinal[self.article_docs] = np.arange(self.article_count)
        self.section_ordinal = np.full(self.doc_count, -1, dtype=np.int64)
        self.section_ordinal[self.section_docs] = np.arange(len(self.section_docs))
        # Every article row is followed by its own section rows (postings.py keeps that order).
        parent_position = np.searchsorted(self.article_docs, self.section_docs, side="right") - 1
        self.section_parent = parent_position
        counts = np.bincount(parent_position[parent_position >= 0], minlength=self.article_count)
        self.section_end = np.cumsum(counts)
        self.section_start = self.section_end - counts
        self._lengths: dict[str, np.ndarray] = {}
        self._averages: dict[tuple[str, bool], float] = {}
        self._norms: dict[tuple[str, float, bool], np.ndarray] = {}
        self._rows_by_id: dict[str, list[int]] | None = None

    def path(self, row: int) -> str:
        return self._postings.paths[row]

    def position(self, row: int) -> int:
        """0 for an article row, n for its n-th section."""
        return int(self._postings.positions[row])

    def whoosh_doc(self, row: int) -> int:
        """Whoosh's number of the row's document when written, or -1 (check before use)."""
        return int(self._postings.whoosh_docs[row])

    def article_rows_with_id(self, article_id: str) -> list[int]:
        """Article rows with this id, in index order (ids should be unique; duplicates happen)."""
        if self._rows_by_id is None:
            ids = self._postings.article_ids
            found: dict[str, list[int]] = {}
            for row in self.article_docs.tolist():
                found.setdefault(ids[row], []).append(row)
            self._rows_by_id = found
        return self._rows_by_id.get(article_id, [])

    def postings(self, field: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        """(rows, term frequencies) of a term in a ranked field, rows ascending."""
        found = self._postings.fields.get(field)
        if found is None:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
        return found.postings(term)

    def lengths(self, field: str) -> np.ndarray:
        """Number of terms of every row in a field, rounded as Whoosh stored lengths (about 5%)."""
        found = self._lengths.get(field)
        if found is None:
            stored = self._postings.fields.get(field)
            exact = stored.lengths if stored is not None else np.zeros(self.doc_count, np.int32)
            found = self._lengths[field] = whoosh_rounded(exact)
        return found

    def length_norm(self, field: str, b: float, *, sections: bool) -> np.ndarray:
        """BM25's 1 - b + b * length / average length, for every row."""
        key = (field, b, sections)
        found = self._norms.get(key)
        if found is None:
            average = self.average_length(field, sections=sections)
            found = length_norm(self.lengths(field), average, b).astype(np.float64)
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


_LENGTH_OF_BYTE = np.array([byte_to_length(b) for b in range(256)], dtype=np.float32)


def whoosh_rounded(lengths: np.ndarray) -> np.ndarray:
    """Lengths rounded up to Whoosh's one-byte steps, as the ranking's weights were tuned with
    (Whoosh's public length_to_byte/byte_to_length; the index stores exact lengths)."""
    unique, inverse = np.unique(np.asarray(lengths), return_inverse=True)
    steps = np.array([length_to_byte(int(n)) for n in unique], dtype=np.uint8)
    return _LENGTH_OF_BYTE[steps][inverse].reshape(np.shape(lengths))


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
        # The fields' frequencies are already length-normalised: the one formula, norm 1.
        scores += term_weight(weighted.weight * idf(df, size), pseudo_tf, k1=k1)
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
