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
    ) -> dict[str, Closest]:
        """Best `limit` articles by meaning (path -> Closest), plus the articles in `also`."""
        if not len(self.paths) or not np.any(query_vector):
            return {}
        whole = dot_rows(self.articles, query_vector)
        if not include_internal:
            whole[self.is_internal] = -np.inf
        pool = min(len(whole), 2 * limit)
        top = np.argpartition(-whole, pool - 1)[:pool] if pool < len(whole) else np.arange(len(whole))
        candidates = dict.fromkeys(int(i) for i in top if np.isfinite(whole[i]))
        for path in also:
            ordinal = self.ordinal_of.get(path)
            if ordinal is not None and np.isfinite(whole[ordinal]):
                candidates[ordinal] = None
        # Every candidate's units in one gather and one product; the best unit per candidate by
        # a stable sort on (candidate, -cosine).
        ordinals = np.fromiter(candidates, dtype=np.int64, count=len(candidates))
        starts, ends = self.unit_start[ordinals], self.unit_end[ordinals]
        lengths = np.maximum(ends - starts, 0)
        offsets = np.concatenate(([0], np.cumsum(lengths)[:-1]))
        rows = np.repeat(starts - offsets, lengths) + np.arange(int(lengths.sum()))
        cosines = dot_rows(self.store.matrix[rows].astype(np.float32), query_vector)
        owner = np.repeat(np.arange(len(ordinals)), lengths)
        order = np.lexsort((-cosines, owner))
        first = np.searchsorted(owner[order], np.arange(len(ordinals)))
        found: dict[str, Closest] = {}
        for position, ordinal in enumerate(ordinals.tolist()):
            path = self.paths[ordinal]
            article_cosine = float(whole[ordinal])
            if lengths[position]:
                best = int(order[first[position]])
                kind, anchor, label = self.store.articles[path].units[best - int(offsets[position])]
                cosine = float(cosines[best])
            else:
                kind, anchor, label, cosine = "article", "", "", article_cosine
            score = (1 - UNIT_SHARE) * article_cosine + UNIT_SHARE * cosine
            found[path] = Closest(score, kind, anchor, label, cosine)
        ranked = sorted(found.items(), key=lambda item: (-item[1].score, item[0]))
        keep = {path for path, _ in ranked[:limit]} | set(also)
        return {path: closest for path, closest in ranked if path in keep}


def meaning_scores(closest: Mapping[str, Closest], limit: int = SEMANTIC_CANDIDATES) -> dict[str, float]:
    """The best `limit` meaning scores: the semantic ranking fusion sees (its own top, as the
    lexical side is its own top)."""
    ranked = sorted(closest.items(), key=lambda item: (-item[1].score, item[0]))[:limit]
    return {path: c.score for path, c in ranked}
