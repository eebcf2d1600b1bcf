"""Does an article answer a ticket by meaning? Embedding evidence for gap analysis.

Word overlap misses paraphrase ('money back' for 'refund') and cannot tell near-twins apart
('card declined' and 'lost card' share 'card'). Here tickets and article passages are embedded
(generator/core/embeddings.py; the tickets as cleaning left them, personal data masked), and
each ticket gets two scores:

- closeness: cosine to the closest passage of the closest article, rescaled against the
  background similarity of unrelated ticket/passage pairs in this knowledge base, so a model
  whose vectors all lean one way reads the same as one whose don't;
- standing: closeness minus the ticket's similarity to its K-th most similar other ticket,
  measured against the export's own distribution (in interquartile ranges from its median). A
  recurring question next to an answered one ('card declined' beside the 'lost card' article)
  is much closer to its peers than to any article, more so than the export's typical ticket.
  How close articles are to tickets at all depends on the help center (prose articles sit
  farther from tickets than FAQ entries listing example questions), so the bar is relative to
  this export, not a constant fitted to one data set.

Both are smoothed over the ticket's nearest tickets (a paraphrase lends its neighbours its
verdict). A ticket is answered by meaning when both clear their bars.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from supportkb.gaps.analysis.coverage import Passage
    from supportkb.generator.core.embeddings import Embedder

PEER_RANK = 10
"""Standing compares a ticket with its PEER_RANK-th most similar other ticket."""
NEIGHBOURS = 10
SMOOTHING = 0.5
"""Share of a ticket's closeness and standing taken from its nearest tickets' mean."""
PARAPHRASE_SIMILARITY = 0.5
"""Rescaled cosine from which a neighbouring ticket counts as asking the same thing, for smoothing."""
ANSWERED_CLOSENESS = 0.425
"""Rescaled closeness below which no article is close enough to answer (about cosine 0.45 at a
background of 0.04); one bar for every dev set together (benchmarks/eval_gaps.py)."""
ANSWERED_STANDING = -1.0
"""Standing (interquartile ranges from the export's median) below which the ticket's peers are
clearly closer to it than any article is, compared with the export's typical ticket."""
MIN_PEERS = 30
"""With fewer distinct tickets, peers say too little: standing is not used (0)."""
MIN_SPREAD = 0.05
"""Floor of the interquartile range, so an export of near-identical standings is not split hairs."""
STRONG_CLOSENESS = 0.6
"""Rescaled closeness at which a paraphrase answers even with no word in common with the article."""
REPHRASING_COSINE = 0.8
"""A ticket this close (cosine) to a linked ticket asks the same question; less close, the link says nothing."""
CLUSTER_SIMILARITY = 0.5
"""Rescaled cosine at which clusters of unanswered tickets stop merging (average linkage)."""
EXACT_LIMIT = 12_000
"""Up to this many texts, nearest tickets are exact; above, searched within k-means parts."""
PART = 2_000
BLOCK = 1_024


@dataclass(frozen=True)
class TicketMeaning:
    """Evidence by meaning for each unique ticket text (row)."""

    vectors: Any
    """float32 (rows, dimensions), unit length (zero rows for texts the model knows no word of)."""
    passage_vectors: Any
    passage_article: Any
    """The article (index) each passage belongs to."""
    article: Any
    """Closest article per row (index), by its closest passage."""
    passage: Any
    """That passage's index."""
    cosine: Any
    """Raw cosine of the row and that passage."""
    closeness: Any
    """Rescaled and smoothed closeness (see the module docstring)."""
    standing: Any
    """Smoothed closeness minus the peer similarity, in interquartile ranges from the export's median."""
    background: float
    """Mean cosine of unrelated ticket/passage pairs: the zero of the rescaled scale."""
    neighbours: Any
    neighbour_similarities: Any

    def is_answered(self, row: int) -> bool:
        return bool(self.closeness[row] >= ANSWERED_CLOSENESS and self.standing[row] >= ANSWERED_STANDING)

    def rescale(self, cosine: Any) -> Any:
        """Cosine -> the background-relative scale used for every bar here."""
        return (cosine - self.background) / (1.0 - self.background)

    @property
    def cluster_distance(self) -> float:
        """Average-linkage distance threshold (1 - cosine) for clustering these vectors."""
        return 1.0 - (self.background + CLUSTER_SIMILARITY * (1.0 - self.background))


def embed_texts(embedder: Embedder, texts: Sequence[str]) -> Any:
    """Rows of unit vectors, in blocks so a 100,000-ticket export never holds its tokens at once."""
    import numpy as np

    blocks = [embedder.embed(list(texts[start : start + 8_192])) for start in range(0, len(texts), 8_192)]
    return np.vstack(blocks).astype(np.float32, copy=False) if blocks else np.zeros((0, embedder.dimensions), dtype=np.float32)


def ticket_meaning(embedder: Embedder, texts: Sequence[str], passages: Sequence[Passage]) -> TicketMeaning:
    """Embed tickets and passages, and score each ticket against the articles by meaning."""
    import numpy as np

    vectors = embed_texts(embedder, texts)
    passage_vectors = embed_texts(embedder, [p.text for p in passages])
    # A linked ticket's words answer only rephrasings of it: by meaning, a near-twin question
    # ('card declined') is about as close to a linked 'lost card' ticket as to its own peers.
    is_ticket = np.array([p.kind == "ticket" for p in passages], dtype=bool)
    owners = np.array([p.article for p in passages], dtype=np.int64)
    n = len(texts)
    best_passage = np.zeros(n, dtype=np.int64)
    cosine = np.zeros(n, dtype=np.float32)
    for start in range(0, n, BLOCK):
        block = vectors[start : start + BLOCK] @ passage_vectors.T
        if is_ticket.any():
            block[:, is_ticket] = np.where(block[:, is_ticket] >= REPHRASING_COSINE, block[:, is_ticket], -1.0)
        best_passage[start : start + BLOCK] = block.argmax(axis=1)
        cosine[start : start + BLOCK] = block.max(axis=1)
    background = _background(vectors, passage_vectors)
    neighbours, similarities = nearest_tickets(vectors, NEIGHBOURS)
    peer = similarities[:, min(PEER_RANK, similarities.shape[1]) - 1] if similarities.shape[1] else np.zeros(n, dtype=np.float32)
    closeness = (cosine - background) / (1.0 - background)
    standing = closeness - (peer - background) / (1.0 - background)
    return TicketMeaning(
        vectors=vectors,
        passage_vectors=passage_vectors,
        passage_article=owners,
        article=owners[best_passage] if len(owners) else np.zeros(n, dtype=np.int64),
        passage=best_passage,
        cosine=cosine,
        closeness=_smooth(closeness, neighbours, similarities, background),
        standing=_relative(_smooth(standing, neighbours, similarities, background)),
        background=background,
        neighbours=neighbours,
        neighbour_similarities=similarities,
    )


def _background(vectors: Any, passage_vectors: Any, pairs: int = 5_000) -> float:
    """Mean cosine of random ticket/passage pairs (seeded): what 'unrelated' looks like here."""
    import numpy as np

    if not len(vectors) or not len(passage_vectors):
        return 0.0
    rng = np.random.default_rng(0)
    rows = rng.integers(0, len(vectors), pairs)
    columns = rng.integers(0, len(passage_vectors), pairs)
    value = float(np.mean(np.sum(vectors[rows] * passage_vectors[columns], axis=1)))
    return min(max(value, 0.0), 0.5)  # A model this anisotropic would need its own study.


def _relative(values: Any) -> Any:
    """Values in interquartile ranges from their median (zeros when there are too few to say)."""
    import numpy as np

    if len(values) < MIN_PEERS:
        return np.zeros_like(values)
    low, middle, high = np.quantile(values, [0.25, 0.5, 0.75])
    return (values - middle) / max(float(high - low), MIN_SPREAD)


def _smooth(values: Any, neighbours: Any, similarities: Any, background: float) -> Any:
    """Blend each value with the mean over its paraphrases (neighbours as close as a cluster's members)."""
    import numpy as np

    if neighbours.shape[1] == 0:
        return values
    weights = (similarities - background) / (1.0 - background) >= PARAPHRASE_SIMILARITY
    counts = weights.sum(axis=1)
    mean = np.where(counts > 0, (values[neighbours] * weights).sum(axis=1) / np.maximum(counts, 1), values)
    return (1 - SMOOTHING) * values + SMOOTHING * mean


def nearest_tickets(vectors: Any, k: int, *, seed: int = 0) -> tuple[Any, Any]:
    """Each row's k most similar other rows and their cosines (n x k, best first)."""
    import numpy as np

    from supportkb.gaps.analysis.cluster import balanced_parts

    n = vectors.shape[0]
    k = min(k, n - 1)
    if k <= 0:
        return np.zeros((n, 0), dtype=np.int64), np.zeros((n, 0), dtype=np.float32)
    if n <= EXACT_LIMIT:
        return _neighbours_among(vectors, np.arange(n), k)
    indices = np.tile(np.arange(n)[:, None], (1, k))
    similarities = np.zeros((n, k), dtype=np.float32)
    for rows in balanced_parts(vectors, PART, seed=seed):
        local_k = min(k, len(rows) - 1)
        if local_k <= 0:
            continue
        found, sims = _neighbours_among(vectors[rows], rows, local_k)
        indices[rows, :local_k] = found
        similarities[rows, :local_k] = sims
    return indices, similarities


def _neighbours_among(vectors: Any, ids: Any, k: int) -> tuple[Any, Any]:
    import numpy as np

    n = vectors.shape[0]
    indices = np.zeros((n, k), dtype=np.int64)
    similarities = np.zeros((n, k), dtype=np.float32)
    for start in range(0, n, BLOCK):
        block = vectors[start : start + BLOCK] @ vectors.T
        rows = np.arange(block.shape[0])
        block[rows, rows + start] = -2.0  # Not its own neighbour.
        top = np.argpartition(-block, k - 1, axis=1)[:, :k]
        top_sims = np.take_along_axis(block, top, axis=1)
        order = np.argsort(-top_sims, axis=1, kind="stable")
        indices[start : start + len(block)] = ids[np.take_along_axis(top, order, axis=1)]
        similarities[start : start + len(block)] = np.take_along_axis(top_sims, order, axis=1)
    return indices, similarities


def closest_by_meaning(meaning: TicketMeaning, rows: Sequence[int], weights: Sequence[int], passages: Sequence[Passage], article: int) -> float:
    """Mean raw cosine (weighted by duplicates) of these rows to the article's closest passage."""
    import numpy as np

    columns = np.flatnonzero(meaning.passage_article == article)
    if not len(columns) or not len(rows):
        return 0.0
    best = (meaning.vectors[list(rows)] @ meaning.passage_vectors[columns].T).max(axis=1)
    w = np.asarray(weights, dtype=np.float64)
    return float((best * w).sum() / w.sum())
