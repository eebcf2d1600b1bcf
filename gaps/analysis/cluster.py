"""Group tickets that ask the same thing: average-linkage clustering of TF-IDF vectors.

Small sets are clustered in one pass (scikit-learn's AgglomerativeClustering on cosine
distances). Large sets are first split into partitions by k-means,
clustered within each partition, and the partial clusters merged by clustering their centroids
with the same threshold, so time and memory grow about linearly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

DISTANCE_THRESHOLD = 0.8
"""Average cosine distance at which two groups stop being merged (1 - similarity)."""
DIRECT_LIMIT = 2_500
"""Up to this many texts are clustered in one pass (an n x n distance matrix)."""
PARTITION_SIZE = 1_200


@dataclass(frozen=True)
class Grouping:
    """Clusters as lists of row indices into the matrix that was clustered, largest first."""

    groups: tuple[tuple[int, ...], ...]
    singletons: int
    """Rows left in groups smaller than min_size (one-off questions)."""


def _agglomerate(matrix: Any, threshold: float) -> Any:
    """Labels for rows of an L2-normalised matrix, average linkage on cosine distance."""
    import numpy as np
    from sklearn.cluster import AgglomerativeClustering

    n = matrix.shape[0]
    if n == 1:
        return np.zeros(1, dtype=np.int64)
    similarity = matrix @ matrix.T
    similarity = similarity.toarray() if hasattr(similarity, "toarray") else np.asarray(similarity)
    distance = np.clip(1.0 - similarity, 0.0, 2.0).astype(np.float64)
    np.fill_diagonal(distance, 0.0)
    model = AgglomerativeClustering(
        n_clusters=None, metric="precomputed", linkage="average", distance_threshold=threshold
    )
    return model.fit_predict(distance)


def agglomerate(matrix: Any, threshold: float) -> Any:
    """Labels for the rows of any matrix (normalised here), average linkage on cosine distance."""
    return _agglomerate(_normalise_rows(matrix), threshold)


def _normalise_rows(matrix: Any) -> Any:
    from sklearn.preprocessing import normalize

    return normalize(matrix, norm="l2", copy=True)


def cluster_rows(
    matrix: Any, *, min_size: int, threshold: float = DISTANCE_THRESHOLD, seed: int = 0
) -> Grouping:
    """Cluster the rows of a TF-IDF matrix; groups below min_size are dropped as one-offs."""

    n = matrix.shape[0]
    if n == 0:
        return Grouping((), 0)
    matrix = _normalise_rows(matrix)
    if n <= DIRECT_LIMIT:
        labels = _agglomerate(matrix, threshold)
    else:
        labels = _cluster_large(matrix, threshold, seed)
    order: dict[int, list[int]] = {}
    for row, label in enumerate(labels.tolist()):
        order.setdefault(label, []).append(row)
    groups = sorted((tuple(rows) for rows in order.values() if len(rows) >= min_size), key=lambda g: (-len(g), g[0]))
    kept = sum(len(g) for g in groups)
    return Grouping(tuple(groups), n - kept)


def balanced_parts(matrix: Any, target: int, *, seed: int = 0, depth: int = 0) -> list[Any]:
    """Split rows into groups of similar texts of about `target` rows (k-means on an SVD projection).

    Parts that come out too big are split again; if k-means cannot split one, it is cut in order.
    """
    import numpy as np
    from sklearn.cluster import MiniBatchKMeans
    from sklearn.decomposition import TruncatedSVD

    n = matrix.shape[0]
    if n <= target * 1.5:
        return [np.arange(n)]
    if depth >= 4 or matrix.shape[1] < 3:
        return [np.arange(start, min(start + target, n)) for start in range(0, n, target)]
    components = min(32, matrix.shape[1] - 1, n - 1)
    projected = _normalise_rows(
        TruncatedSVD(n_components=components, algorithm="randomized", n_iter=2, random_state=seed).fit_transform(matrix)
    )
    count = int(np.ceil(n / target))
    labels = MiniBatchKMeans(n_clusters=count, random_state=seed, batch_size=4096, n_init=1, max_iter=10).fit_predict(projected)
    parts: list[Any] = []
    for label in range(count):
        rows = np.flatnonzero(labels == label)
        if len(rows) == 0:
            continue
        if len(rows) > target * 1.5:
            if len(rows) == n:
                parts += [rows[start : start + target] for start in range(0, len(rows), target)]
            else:
                parts += [rows[sub] for sub in balanced_parts(matrix[rows], target, seed=seed + 1, depth=depth + 1)]
        else:
            parts.append(rows)
    return parts


def _cluster_large(matrix: Any, threshold: float, seed: int, *, merge: bool = True) -> Any:
    """Partition into parts of similar texts, cluster each part, then merge the parts' clusters by centroid."""
    import numpy as np

    n = matrix.shape[0]
    labels = np.full(n, -1, dtype=np.int64)
    next_label = 0
    for rows in balanced_parts(matrix, PARTITION_SIZE, seed=seed):
        local = _agglomerate(matrix[rows], threshold)
        labels[rows] = local + next_label
        next_label += int(local.max()) + 1
    return _merge_parts(matrix, labels, threshold) if merge else labels


def _merge_parts(matrix: Any, labels: Any, threshold: float) -> Any:
    """Merge clusters of different partitions whose centroids are close."""
    import numpy as np
    import scipy.sparse as sp

    count = int(labels.max()) + 1
    sizes = np.bincount(labels, minlength=count)
    multi = np.flatnonzero(sizes >= 2)
    if len(multi) < 2:
        return labels
    membership = sp.csr_matrix(
        (np.ones(len(labels)), (labels, np.arange(len(labels)))), shape=(count, len(labels))
    )
    centroids = _normalise_rows(membership[multi] @ matrix)
    merged = _agglomerate_in_blocks(centroids, threshold)
    remap = np.arange(count)
    remap[multi] = merged + count  # Keep merged ids apart from singleton ids.
    return remap[labels]


def _agglomerate_in_blocks(centroids: Any, threshold: float) -> Any:
    """Cluster centroids; if there are too many for one matrix, merge within k-means blocks."""
    if centroids.shape[0] <= DIRECT_LIMIT * 2:
        return _agglomerate(centroids, threshold)
    return _cluster_large(centroids, threshold, seed=7, merge=False)


NEIGHBOUR_BLOCK = 1_024
EXACT_NEIGHBOURS_LIMIT = 12_000
NEIGHBOUR_PART = 2_000
"""Up to this many texts, neighbours are exact; above, they are searched within k-means parts."""


def nearest_neighbours(matrix: Any, k: int, *, seed: int = 0) -> tuple[Any, Any]:
    """Each row's k most similar other rows (cosine) and their similarities, as n x k arrays."""
    import numpy as np

    n = matrix.shape[0]
    k = min(k, n - 1)
    if k <= 0:
        return np.zeros((n, 0), dtype=np.int64), np.zeros((n, 0), dtype=np.float32)
    matrix = _normalise_rows(_without_common_terms(matrix)).tocsr()
    if n <= EXACT_NEIGHBOURS_LIMIT:
        return _neighbours_among(matrix, np.arange(n), k)
    indices = np.zeros((n, k), dtype=np.int64)
    similarities = np.zeros((n, k), dtype=np.float32)
    for rows in balanced_parts(matrix, NEIGHBOUR_PART, seed=seed):
        if len(rows) < 2:
            indices[rows] = rows[:, None]
            continue
        local_k = min(k, len(rows) - 1)
        found, sims = _neighbours_among(matrix[rows], rows, local_k)
        indices[rows, :local_k] = found
        similarities[rows, :local_k] = sims
        indices[rows, local_k:] = rows[:, None]  # Padding with zero weight.
    return indices, similarities


COMMON_TERM_SHARE = 0.05
"""For neighbour search, terms in more than this share of texts are dropped: they carry little
weight in the cosine but make the similarity product dense and slow."""


def _without_common_terms(matrix: Any) -> Any:
    import numpy as np

    matrix = matrix.tocsc()
    document_frequency = np.diff(matrix.indptr)
    keep = np.flatnonzero(document_frequency <= max(COMMON_TERM_SHARE * matrix.shape[0], 50))
    return matrix[:, keep].tocsr()


def _neighbours_among(matrix: Any, ids: Any, k: int) -> tuple[Any, Any]:
    import numpy as np

    n = matrix.shape[0]
    indices = np.zeros((n, k), dtype=np.int64)
    similarities = np.zeros((n, k), dtype=np.float32)
    transposed = matrix.T.tocsc()
    for start in range(0, n, NEIGHBOUR_BLOCK):
        block = (matrix[start : start + NEIGHBOUR_BLOCK] @ transposed).toarray()
        rows = np.arange(block.shape[0])
        block[rows, rows + start] = -1.0  # Not its own neighbour.
        top = np.argpartition(-block, k - 1, axis=1)[:, :k]
        top_sims = block[rows[:, None], top]
        order = np.argsort(-top_sims, axis=1)
        top = np.take_along_axis(top, order, axis=1)
        indices[start : start + len(block)] = ids[top]
        similarities[start : start + len(block)] = np.take_along_axis(top_sims, order, axis=1)
    return indices, similarities
