"""Fusing rankings: reciprocal rank by hand, weights, ties, and normalised score fusion."""

from __future__ import annotations

import pytest

from supportkb.generator.core.fusion import (
    normalise_scores,
    normalised_score_fusion,
    reciprocal_rank_fusion,
)


def test_rrf_by_hand() -> None:
    fused = dict(reciprocal_rank_fusion([["a", "b", "c"], ["b", "d"]], k=60))
    assert fused["a"] == pytest.approx(1 / 61)
    assert fused["b"] == pytest.approx(1 / 62 + 1 / 61)
    assert fused["c"] == pytest.approx(1 / 63)
    assert fused["d"] == pytest.approx(1 / 62)
    assert [key for key, _ in reciprocal_rank_fusion([["a", "b", "c"], ["b", "d"]])][0] == "b"


def test_rrf_weights_and_validation() -> None:
    fused = reciprocal_rank_fusion([["a"], ["b"]], weights=[1.0, 2.0])
    assert [key for key, _ in fused] == ["b", "a"]
    with pytest.raises(ValueError):
        reciprocal_rank_fusion([["a"], ["b"]], weights=[1.0])


def test_rrf_ties_keep_first_seen_order_and_duplicates_count_once() -> None:
    assert [key for key, _ in reciprocal_rank_fusion([["x", "y"], ["y", "x"]])] == ["x", "y"]
    fused = dict(reciprocal_rank_fusion([["a", "a", "b"]], k=0))
    assert fused == {"a": 1.0, "b": pytest.approx(1 / 3)}
    assert reciprocal_rank_fusion([]) == []


def test_normalise_scores() -> None:
    assert normalise_scores({"a": 10.0, "b": 5.0, "c": 0.0}) == {"a": 1.0, "b": 0.5, "c": 0.0}
    assert normalise_scores({"a": 3.0, "b": 3.0}) == {"a": 1.0, "b": 1.0}
    assert normalise_scores({}) == {}


def test_normalised_score_fusion_uses_margins() -> None:
    # Lexical: a far ahead; semantic: b barely ahead of a. The margin keeps a first.
    fused = normalised_score_fusion([{"a": 20.0, "b": 2.0, "c": 1.0}, {"b": 0.80, "a": 0.79, "c": 0.1}])
    assert [key for key, _ in fused] == ["a", "b", "c"]
    weighted = normalised_score_fusion([{"a": 1.0, "b": 0.0}, {"b": 1.0, "a": 0.0}], weights=[1, 3])
    assert weighted[0] == ("b", 3.0)
