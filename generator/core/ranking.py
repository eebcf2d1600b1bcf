"""BM25, the one lexical ranking: the formula, and documents' term weights as a sparse matrix.

Search ranks with BM25F over its own postings (search/scoring.py), staleness matches release
notes against article sections (gaps/staleness/sections.py) and related articles find an
article's neighbours (generator/site/related.py); all three weigh a term with `idf` and
`term_weight` below, so a change to the formula changes them together.

BM25F (Robertson & Zaragoza): a term's frequencies in the fields of a document are weighted and
summed first, then saturated once, so a word in the title and the body is not counted twice.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import overload

import numpy as np
from scipy import sparse

K1 = 1.2
"""Term-frequency saturation: the 2nd occurrence adds less than the 1st, the 10th hardly any."""
B = 0.75
"""Length normalisation: 0 ignores document length, 1 divides by it fully."""


@overload
def idf(document_frequency: float, document_count: float) -> float: ...
@overload
def idf(document_frequency: np.ndarray, document_count: float) -> np.ndarray: ...
def idf(document_frequency: float | np.ndarray, document_count: float) -> float | np.ndarray:
    """BM25's inverse document frequency, log(1 + (N - df + 0.5) / (df + 0.5)): never negative."""
    ratio = (document_count - document_frequency + 0.5) / (document_frequency + 0.5)
    if isinstance(ratio, np.ndarray):
        return np.log(1.0 + ratio)
    return math.log(1.0 + ratio)


def length_norm(lengths: np.ndarray, average: float, b: float = B) -> np.ndarray:
    """1 - b + b * length / average length, for every document."""
    return 1 - b + b * lengths / average


def term_weight(
    weighted_idf: float | np.ndarray,
    frequency: float | np.ndarray,
    norm: float | np.ndarray = 1.0,
    k1: float = K1,
) -> float | np.ndarray:
    """BM25 of one term in a document: idf * tf * (k1 + 1) / (tf + k1 * length norm).

    `weighted_idf` is the term's idf times the query's weight of it; with BM25F, pass the
    fields' summed, already length-normalised frequency and leave `norm` at 1.
    """
    return weighted_idf * frequency * (k1 + 1) / (frequency + k1 * norm)


@dataclass(frozen=True)
class BM25Matrix:
    """Every document's BM25 weight of every term (documents x terms, sparse), and the idf."""

    weights: sparse.csr_matrix
    idf: np.ndarray
    """Per term (column)."""
    document_count: int

    @property
    def max_idf(self) -> float:
        """The idf of a term no document has (what a never-seen query word would weigh)."""
        return idf(0.0, self.document_count)

    def scores(self, queries: sparse.spmatrix | np.ndarray) -> np.ndarray | sparse.spmatrix:
        """BM25 of every document for each query (terms x queries, each term's query weight)."""
        return self.weights @ queries


def frequency_matrix(
    rows: Sequence[int] | np.ndarray,
    columns: Sequence[int] | np.ndarray,
    weights: Sequence[float] | np.ndarray,
    shape: tuple[int, int],
) -> sparse.csr_matrix:
    """documents x terms, each cell the sum of the weights of that (row, column)'s occurrences
    (a field weight per occurrence gives BM25F's weighted frequency)."""
    matrix = sparse.csr_matrix(
        (np.asarray(weights, dtype=np.float64), (np.asarray(rows, dtype=np.int64), np.asarray(columns, dtype=np.int64))),
        shape=shape,
    )
    matrix.sum_duplicates()
    return matrix


def bm25_matrix(
    frequencies: sparse.csr_matrix,
    lengths: np.ndarray,
    *,
    document_frequency: np.ndarray | None = None,
    document_count: int | None = None,
    k1: float = K1,
    b: float = B,
) -> BM25Matrix:
    """BM25 weights from (field-weighted) term frequencies and document lengths.

    Document frequency defaults to the rows holding each term; a caller ranking parts of a
    larger unit (sections of articles) passes how many units use each term, and how many units.
    """
    if document_frequency is None:
        document_frequency = np.bincount(frequencies.indices, minlength=frequencies.shape[1]).astype(np.float64)
    if document_count is None:
        document_count = max(frequencies.shape[0], 1)
    term_idf = idf(document_frequency, document_count)
    lengths = np.asarray(lengths, dtype=np.float64)
    average = float(lengths.mean()) if len(lengths) else 1.0
    average = average if average > 0 else 1.0  # every document empty: no weights to normalise
    row_norm = np.repeat(length_norm(lengths, average, b), np.diff(frequencies.indptr))
    weights = frequencies.copy()
    weights.data = term_weight(term_idf[weights.indices], weights.data, row_norm, k1)
    return BM25Matrix(weights=weights, idf=term_idf, document_count=document_count)


def index_documents(
    documents: Sequence[Mapping[str, Sequence[str]]],
    field_weights: Mapping[str, float] | None = None,
    *,
    k1: float = K1,
    b: float = B,
) -> tuple[BM25Matrix, dict[str, int]]:
    """BM25 over documents given as field -> terms (every field weight 1 unless given), and the
    vocabulary (term -> column). A document's length is its number of terms, all fields."""
    vocabulary: dict[str, int] = {}
    rows: list[int] = []
    columns: list[int] = []
    weights: list[float] = []
    lengths = np.zeros(len(documents), dtype=np.float64)
    for row, fields in enumerate(documents):
        for field, terms in fields.items():
            weight = 1.0 if field_weights is None else field_weights.get(field, 1.0)
            lengths[row] += len(terms)
            for term in terms:
                rows.append(row)
                columns.append(vocabulary.setdefault(term, len(vocabulary)))
                weights.append(weight)
    frequencies = frequency_matrix(rows, columns, weights, (len(documents), max(len(vocabulary), 1)))
    return bm25_matrix(frequencies, lengths, k1=k1, b=b), vocabulary


def query_vector(terms: Mapping[str, float], vocabulary: Mapping[str, int]) -> np.ndarray:
    """A query's known terms, with their weights, as a column over the vocabulary."""
    vector = np.zeros(max(len(vocabulary), 1), dtype=np.float64)
    for term, weight in terms.items():
        column = vocabulary.get(term)
        if column is not None:
            vector[column] += weight
    return vector
