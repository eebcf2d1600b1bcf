"""Text → vectors by meaning, from weights that ship inside an installed package (never downloaded).

One backend is the default (chosen by measurement: `benchmarks/compare_embedders.py`); `none` keeps
everything lexical. Every backend returns float32 rows, L2-normalised, so a dot product is a cosine;
an empty text (or one with no known token) is a zero row, which is similar to nothing.

The default, WordLlama's `l2_supercat` at 256 dimensions, is a static model: a token's vector is a row
of one matrix, a text's vector the mean of its tokens' rows. Its wheel ships the weights and the
tokenizer, but its own loader looks for the tokenizer in a folder name the wheel does not use and then
tries the network; so we open the two shipped files ourselves with the public APIs of `safetensors`
and `tokenizers`, and never import `wordllama` (importing it also reconfigures the root logger).
"""

from __future__ import annotations

import importlib.util
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from scipy import sparse

from .errors import KBError

DEFAULT_BACKEND = "wordllama-l2-256"
"""What `default` means: chosen by measurement (docs/agents.md has the table)."""

NONE = "none"

MAX_CHARS = 20_000
"""A text is cut to this many characters before embedding: a mean of token vectors has settled long
before (a help article's first 20,000 characters say what it is about), and a 1 MB body must not
cost a second. `truncated()` tells a caller that counts such texts."""

# Nothing here may reach the network: if a library is asked for a model it does not have on disk,
# it must fail instead of downloading. Set before any of them is imported.
for _name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE"):
    os.environ.setdefault(_name, "1")


class Embedder(Protocol):
    """Anything that turns texts into unit-length float32 rows."""

    name: str
    dimensions: int

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """float32 array (len(texts), dimensions), rows L2-normalised; "" gives a zero row."""
        ...


def truncated(text: str) -> bool:
    """True when `embed` looks at only the first `MAX_CHARS` characters of this text."""
    return len(text) > MAX_CHARS


def normalise_rows(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to length 1 in place; all-zero rows stay zero (no NaN)."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    np.divide(vectors, norms, out=vectors, where=norms > 0)
    return vectors


@dataclass
class StaticEmbedder:
    """Mean of token vectors: a token-id → row matrix and a tokenizer (WordLlama, Model2Vec style)."""

    name: str
    matrix: np.ndarray
    """float32 (vocabulary, dimensions)."""
    tokenizer: Any
    """A `tokenizers.Tokenizer` (only `encode_batch(...).ids` is used)."""

    @property
    def dimensions(self) -> int:
        return int(self.matrix.shape[1])

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        if not texts:
            return out
        # Whitespace-only is empty: the tokenizer would otherwise give it a word-boundary token.
        cut = [text[:MAX_CHARS] if isinstance(text, str) and text.strip() else "" for text in texts]
        # One text (a query) is encoded without the batch call's thread pool: under a server's
        # concurrent requests that pool's hand-offs cost more than the encoding itself.
        encodings = (
            [self.tokenizer.encode(cut[0], add_special_tokens=False)]
            if len(cut) == 1
            else self.tokenizer.encode_batch(cut, add_special_tokens=False)
        )
        # A text's mean token vector is (its token counts) @ matrix / length: one sparse product
        # for the whole batch, far faster than gathering a row per token.
        lengths = np.fromiter((len(e.ids) for e in encodings), dtype=np.int64, count=len(encodings))
        if not lengths.sum():
            return out
        flat = np.fromiter(
            (token for e in encodings for token in e.ids), dtype=np.int64, count=int(lengths.sum())
        )
        np.clip(flat, 0, self.matrix.shape[0] - 1, out=flat)
        counts = sparse.csr_matrix(
            (np.ones(len(flat), dtype=np.float32), flat, np.concatenate(([0], np.cumsum(lengths)))),
            shape=(len(texts), self.matrix.shape[0]),
        )
        out = np.asarray(counts @ self.matrix, dtype=np.float32)
        return normalise_rows(out)


_CACHE: dict[str, Embedder] = {}
_LOCK = threading.Lock()


def backend_names() -> tuple[str, ...]:
    """Names `load_embedder` accepts (besides `default` and `none`)."""
    return tuple(_LOADERS)


def load_embedder(name: str = "default") -> Embedder | None:
    """The named backend, loaded once per process; `none` gives None (lexical only).

    Raises KBError naming the setting and the install hint when the name is unknown or its package
    (with the weights inside) is not installed.
    """
    key = (name or "default").strip().lower()
    if key == NONE:
        return None
    if key == "default":
        key = DEFAULT_BACKEND
    loader = _LOADERS.get(key)
    if loader is None:
        raise KBError(
            f"unknown embedding backend {name!r}",
            hint=f"set embedding_backend (mkdocs.yml) or --embeddings to one of: "
            f"default, none, {', '.join(_LOADERS)}",
        )
    with _LOCK:
        if key not in _CACHE:
            _CACHE[key] = loader()
        return _CACHE[key]


MATVEC_ROWS = 1024
"""Rows per matrix-vector product in `dot_rows`. OpenBLAS hands larger products to its threads,
whose hand-off costs more than the product itself (measured on this 2-core machine: 3,000 x 256
in one call 0.6-5 ms depending on load, in chunks of 1,024 rows 0.1-0.6 ms)."""


def dot_rows(matrix: np.ndarray, vector: np.ndarray) -> np.ndarray:
    """matrix @ vector (float32), in chunks small enough to stay on the calling thread."""
    out = np.empty(matrix.shape[0], dtype=np.float32)
    for start in range(0, matrix.shape[0], MATVEC_ROWS):
        np.matmul(matrix[start : start + MATVEC_ROWS], vector, out=out[start : start + MATVEC_ROWS])
    return out


def cosine_top_k(
    query_vectors: np.ndarray, doc_vectors: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray]:
    """Best k documents per query by cosine (rows are unit length): (indices, scores), each (q, k').

    k' = min(k, number of documents); each row is sorted best first, ties by lower index.
    """
    queries = np.atleast_2d(np.asarray(query_vectors, dtype=np.float32))
    docs = np.asarray(doc_vectors, dtype=np.float32)
    count = docs.shape[0]
    k = max(0, min(int(k), count))
    if k == 0 or queries.shape[0] == 0:
        empty = np.zeros((queries.shape[0], 0))
        return empty.astype(np.int64), empty.astype(np.float32)
    scores = queries @ docs.T
    if k < count:
        part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    else:
        part = np.tile(np.arange(count), (queries.shape[0], 1))
    picked = np.take_along_axis(scores, part, axis=1)
    # Sort by score descending, then index ascending, so results are deterministic.
    order = np.lexsort((part, -picked), axis=1)
    indices = np.take_along_axis(part, order, axis=1)
    return indices.astype(np.int64), np.take_along_axis(picked, order, axis=1).astype(np.float32)


def _package_folder(package: str, install: str) -> Path:
    """The installed package's folder, found without importing it."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise KBError(
            f"the embedding backend needs the Python package {package!r}, which is not installed",
            hint=f"pip install '{install}'  (or set embedding_backend: none in mkdocs.yml, "
            "or pass --embeddings none, for lexical search only)",
        )
    return Path(next(iter(spec.submodule_search_locations)))


def _load_wordllama(dimensions: int = 256) -> Embedder:
    folder = _package_folder("wordllama", "wordllama>=0.4,<0.5")
    weights = folder / "weights" / f"l2_supercat_{dimensions}.safetensors"
    tokenizer_file = folder / "tokenizers" / "l2_supercat_tokenizer_config.json"
    for needed in (weights, tokenizer_file):
        if not needed.is_file():
            raise KBError(
                f"the installed wordllama package does not ship {needed.name}",
                path=needed,
                hint="pip install --force-reinstall 'wordllama>=0.4,<0.5'",
            )
    try:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer
    except ImportError as error:  # both come with wordllama
        raise KBError(
            f"the embedding backend needs {error.name!r}",
            hint="pip install 'wordllama>=0.4,<0.5'",
        ) from error
    tensors = load_file(str(weights))
    matrix = np.ascontiguousarray(tensors["embedding.weight"], dtype=np.float32)
    tokenizer = Tokenizer.from_file(str(tokenizer_file))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    return StaticEmbedder(name=f"wordllama-l2-{dimensions}", matrix=matrix, tokenizer=tokenizer)


_LOADERS = {
    "wordllama-l2-256": _load_wordllama,
}
