"""The one BM25: the formula by hand, field weights, and scoring a query against every document."""

from __future__ import annotations

import math

import numpy as np
import pytest

from supportkb.generator.core.ranking import (
    K1,
    bm25_matrix,
    frequency_matrix,
    idf,
    index_documents,
    query_vector,
    term_weight,
)


def test_idf_is_robertson_sparck_jones_plus_one_for_scalars_and_arrays() -> None:
    assert idf(1, 10) == pytest.approx(math.log(1 + 9.5 / 1.5))
    assert idf(10, 10) > 0  # a word every document has still weighs a little, never negative
    assert np.allclose(idf(np.array([1.0, 10.0]), 10), [idf(1, 10), idf(10, 10)])


def test_term_weight_saturates() -> None:
    once, twice, often = (term_weight(1.0, tf) for tf in (1.0, 2.0, 50.0))
    assert once == pytest.approx(1.0)  # tf 1 in a document of average length
    assert once < twice < often < K1 + 1
    assert twice - once > often - term_weight(1.0, 49.0)
    # A longer than average document (norm > 1) weighs the same occurrence less.
    assert term_weight(1.0, 1.0, norm=2.0) < once


def test_a_document_by_hand() -> None:
    """Two documents, lengths 2 and 4: every weight as the formula says."""
    frequencies = frequency_matrix([0, 0, 1, 1, 1, 1], [0, 1, 0, 2, 2, 2], [1.0] * 6, (2, 3))
    ranking = bm25_matrix(frequencies, np.array([2, 4]))
    average = 3.0
    expected_0_0 = idf(2, 2) * 1 * (K1 + 1) / (1 + K1 * (1 - 0.75 + 0.75 * 2 / average))
    expected_1_2 = idf(1, 2) * 3 * (K1 + 1) / (3 + K1 * (1 - 0.75 + 0.75 * 4 / average))
    assert ranking.weights[0, 0] == pytest.approx(expected_0_0)
    assert ranking.weights[1, 2] == pytest.approx(expected_1_2)
    assert ranking.weights[0, 2] == 0
    assert ranking.max_idf == pytest.approx(idf(0, 2))


def test_field_weights_and_scoring_every_document() -> None:
    documents = [
        {"title": ["refund"], "body": ["card", "payment", "bank"]},
        {"title": ["payment"], "body": ["refund", "card", "bank"]},
        {"title": ["login"], "body": ["password", "reset"]},
    ]
    ranking, vocabulary = index_documents(documents, {"title": 3.0})
    scores = ranking.scores(query_vector({"refund": 1.0}, vocabulary))
    assert scores[0] > scores[1] > 0  # the title counts three times the body
    assert scores[2] == 0
    # Unknown query words count nothing; a query weight scales the score.
    assert np.array_equal(ranking.scores(query_vector({"zyzzyva": 1.0}, vocabulary)), np.zeros(3))
    doubled = ranking.scores(query_vector({"refund": 2.0}, vocabulary))
    assert np.allclose(doubled, 2 * scores)


def test_document_frequency_of_larger_units() -> None:
    """Sections ranked with the idf of the articles holding them (as staleness does)."""
    frequencies = frequency_matrix([0, 1, 2], [0, 0, 1], [1.0, 1.0, 1.0], (3, 2))
    per_article = bm25_matrix(frequencies, np.ones(3), document_frequency=np.array([1.0, 1.0]), document_count=2)
    assert per_article.idf[0] == pytest.approx(idf(1, 2))
    assert per_article.document_count == 2
