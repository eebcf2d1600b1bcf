"""Search by meaning over the index's vectors, and the one place its evidence meets the words'.

Every article is scored by the cosine of the query with the article's own vector (the mean of its
units); the best candidates, and every article the words found, are then scored again by their
closest unit (title, alias, phrasing or section), and the two cosines averaged. The lexical and
semantic rankings are combined by `generator.core.fusion.fuse_lexical_semantic` (min-max
normalised scores, equal weights): measured against reciprocal rank fusion in
`benchmarks/eval_search.py`, it keeps how far ahead the first hit is, which RRF throws away.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from supportkb.generator.core.embeddings import dot_rows
from supportkb.search.scoring import IndexArrays
from supportkb.search.vectors import VectorStore

SEMANTIC_CANDIDATES = 30
"""Articles ranked by meaning that enter fusion (as many as the words' candidates)."""
MEANING_FLOOR = 0.3
"""An article no word of the query found is shown only from this meaning score up: below it,
queries about nothing in the KB ("xylophone", "banana bread") still come close to something.
Measured with wordllama on the dev sets: real queries' best match has a median of 0.48-0.67,
unrelated ones mostly 0.1-0.3 (a few up to 0.43)."""
MEANING_ALONE_FLOOR = 0.45
"""The floor when no word of the query found anything: then meaning is the only evidence, and
"no results" is worth more than a guess (a sub-word model finds "phone" in "xylophone")."""
UNIT_SHARE = 0.5
"""Weight of the closest unit against the whole article in an article's meaning score."""


@dataclass(frozen=True)
class Closest:
    """What of an article was closest to the query by meaning."""

    score: float
    """The article's meaning score (whole article and closest unit averaged)."""
    kind: str
    anchor: str
    label: str
    cosine: float
    """The closest unit's own cosine with the query."""


class SemanticIndex:
    """The vectors of an index's articles, in the ranking's article order."""

    def __init__(self, arrays: IndexArrays, store: VectorStore) -> None:
        self.store = store
        count = arrays.article_count
        self.paths = [arrays.path(int(row)) for row in arrays.article_docs]
        starts = np.array([store.articles[path].start for path in self.paths], dtype=np.int64)
        self.unit_start = starts + 1
        self.unit_end = starts + np.array(
            [store.articles[path].count for path in self.paths], dtype=np.int64
        )
        self.articles = (
            np.ascontiguousarray(store.matrix[starts], dtype=np.float32)
            if count
            else np.zeros((0, store.dimensions), np.float32)
        )
        self.is_internal = np.asarray(arrays.is_internal_doc[arrays.article_docs], dtype=bool)
        self.ordinal_of = {path: i for i, path in enumerate(self.paths)}

    def rank(
        self,
        query_vector: np.ndarray,
        *,
        include_internal: bool,
        also: Iterable[str] = (),
        limit: int = SEMANTIC_CANDIDATES,
    ) -> MeaningRanking:
        """Best `limit` articles by meaning, plus the articles in `also`."""
        if not len(self.paths) or not np.any(query_vector):
            return MeaningRanking({}, {})
        whole = dot_rows(self.articles, query_vector)
        if not include_internal:
            whole[self.is_internal] = -np.inf
        pool = min(len(whole), 2 * limit)
        top = np.argpartition(-whole, pool - 1)[:pool] if pool < len(whole) else np.arange(len(whole))
        candidates = dict.fromkeys(int(i) for i in top if np.isfinite(whole[i]))
        wanted = set(also)
        for path in wanted:
            ordinal = self.ordinal_of.get(path)
            if ordinal is not None and np.isfinite(whole[ordinal]):
                candidates[ordinal] = None
        if not candidates:
            return MeaningRanking({}, {})
        # Every candidate's units in one gather and one product; the best unit per candidate by
        # a stable sort on (candidate, -cosine). Python touches only the few hits shown.
        ordinals = np.fromiter(candidates, dtype=np.int64, count=len(candidates))
        starts, ends = self.unit_start[ordinals], self.unit_end[ordinals]
        lengths = np.maximum(ends - starts, 0)
        offsets = np.concatenate(([0], np.cumsum(lengths)[:-1]))
        rows = np.repeat(starts - offsets, lengths) + np.arange(int(lengths.sum()))
        cosines = dot_rows(self.store.matrix[rows].astype(np.float32), query_vector)
        owner = np.repeat(np.arange(len(ordinals)), lengths)
        order = np.lexsort((-cosines, owner))
        first = np.searchsorted(owner[order], np.arange(len(ordinals)))
        has_units = lengths > 0
        article_cosines = whole[ordinals]
        if len(order):
            best = np.where(has_units, order[np.minimum(first, len(order) - 1)], -1)
            unit_cosines = np.where(has_units, cosines[np.maximum(best, 0)], article_cosines)
        else:
            best = np.full(len(ordinals), -1)
            unit_cosines = article_cosines
        scores = (1 - UNIT_SHARE) * article_cosines + UNIT_SHARE * unit_cosines
        ranked = np.lexsort((ordinals, -scores))
        paths = self.paths
        found: dict[str, float] = {}
        details: dict[str, tuple[int, int, float, float]] = {}
        for rank, position in enumerate(ranked.tolist()):
            path = paths[int(ordinals[position])]
            if rank < limit or path in wanted:
                found[path] = float(scores[position])
                unit = int(best[position]) - int(offsets[position]) if has_units[position] else -1
                details[path] = (unit, position, float(unit_cosines[position]), float(scores[position]))
        return MeaningRanking(found, details, self.store)


class MeaningRanking:
    """Articles by meaning: scores for fusion, and what was closest, worked out for shown hits."""

    def __init__(
        self,
        scores: dict[str, float],
        details: Mapping[str, tuple[int, int, float, float]],
        store: VectorStore | None = None,
    ) -> None:
        self.scores = scores
        """path -> meaning score, best first."""
        self._details = details
        self._store = store

    def closest(self, path: str) -> Closest | None:
        found = self._details.get(path)
        if found is None or self._store is None:
            return None
        unit, _, cosine, score = found
        if unit < 0:
            return Closest(score, "article", "", "", cosine)
        kind, anchor, label = self._store.articles[path].units[unit]
        return Closest(score, kind, anchor, label, cosine)


def meaning_scores(scores: Mapping[str, float], limit: int = SEMANTIC_CANDIDATES) -> dict[str, float]:
    """The best `limit` meaning scores: the semantic ranking fusion sees (its own top, as the
    lexical side is its own top)."""
    ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return dict(ranked)
