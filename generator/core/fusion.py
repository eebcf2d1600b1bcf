"""Combining rankings: lexical and semantic evidence become one ordering, in one place.

Two ways, both measured in `benchmarks/eval_search.py` (docs/agents.md has the numbers):

- `reciprocal_rank_fusion`: each ranking gives 1 / (k + rank); needs no scores, so it cannot be
  thrown by one scorer's scale (Cormack, Clarke & Büttcher 2009).
- `normalised_score_fusion`: each ranking's scores scaled to [0, 1] relative to its own best and
  its own spread, then a weighted sum. Uses how *much* better the first hit is, which RRF throws away.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import TypeVar

Key = TypeVar("Key", bound=Hashable)

RRF_K = 60
"""The constant of the original paper; larger flattens the head of each ranking."""


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[Key]],
    *,
    k: int = RRF_K,
    weights: Sequence[float] | None = None,
) -> list[tuple[Key, float]]:
    """Keys of all rankings, best first, scored by the sum of weight / (k + rank), rank from 1.

    A key missing from a ranking gets nothing from it. Ties keep first-seen order (the first
    ranking's order first), so the result is deterministic. Duplicate keys within one ranking count
    at their best rank only.
    """
    if weights is not None and len(weights) != len(rankings):
        raise ValueError("one weight per ranking")
    scores: dict[Key, float] = {}
    for position, ranking in enumerate(rankings):
        weight = 1.0 if weights is None else float(weights[position])
        seen: set[Key] = set()
        for rank, key in enumerate(ranking, start=1):
            if key in seen:
                continue
            seen.add(key)
            scores[key] = scores.get(key, 0.0) + weight / (k + rank)
    return sorted(scores.items(), key=lambda item: -item[1])


def normalise_scores(scores: Mapping[Key, float]) -> dict[Key, float]:
    """Scores mapped to [0, 1]: the best is 1, the worst shown is 0 (all equal: all 1)."""
    if not scores:
        return {}
    top = max(scores.values())
    low = min(scores.values())
    spread = top - low
    if spread <= 0:
        return {key: 1.0 for key in scores}
    return {key: (value - low) / spread for key, value in scores.items()}


def normalised_score_fusion(
    scored: Sequence[Mapping[Key, float]],
    *,
    weights: Sequence[float] | None = None,
) -> list[tuple[Key, float]]:
    """Weighted sum of min–max normalised scores (per ranking, over the keys it scored), best first.

    A key a ranking did not score gets 0 from it. Ties keep first-seen order.
    """
    if weights is not None and len(weights) != len(scored):
        raise ValueError("one weight per ranking")
    total: dict[Key, float] = {}
    for position, scores in enumerate(scored):
        weight = 1.0 if weights is None else float(weights[position])
        for key, value in normalise_scores(scores).items():
            total[key] = total.get(key, 0.0) + weight * value
    return sorted(total.items(), key=lambda item: -item[1])


SEMANTIC_WEIGHT = 1.0
"""Meaning against words in `fuse_lexical_semantic`: equal (measured: benchmarks/eval_search.py)."""


def fuse_lexical_semantic(
    lexical: Mapping[Key, float],
    semantic: Mapping[Key, float],
    *,
    semantic_weight: float = SEMANTIC_WEIGHT,
) -> list[tuple[Key, float]]:
    """The one combination of word and meaning evidence every room uses, best first.

    Each side is its own top candidates with raw scores (BM25 for words, cosine for meaning);
    each is min-max normalised over its candidates, then added with `semantic_weight`. With one
    side empty the other's order is kept.
    """
    return normalised_score_fusion([lexical, semantic], weights=[1.0, semantic_weight])
