"""The embedding API other rooms build on: shapes, unit rows, empty text, offline loading, errors."""

from __future__ import annotations

import socket

import numpy as np
import pytest

from supportkb.generator.core import embeddings
from supportkb.generator.core.embeddings import (
    DEFAULT_BACKEND,
    MAX_CHARS,
    cosine_top_k,
    load_embedder,
    normalise_rows,
    truncated,
)
from supportkb.generator.core.errors import KBError


@pytest.fixture(scope="module")
def embedder() -> embeddings.Embedder:
    loaded = load_embedder("default")
    assert loaded is not None
    return loaded


def test_default_is_the_chosen_backend_and_none_is_lexical(embedder: embeddings.Embedder) -> None:
    assert embedder.name == DEFAULT_BACKEND
    assert embedder.dimensions == 256
    assert load_embedder("none") is None
    assert load_embedder("None ") is None


def test_loaded_once_per_process(embedder: embeddings.Embedder) -> None:
    assert load_embedder("default") is embedder
    assert load_embedder(DEFAULT_BACKEND) is embedder


def test_rows_are_float32_unit_length_and_empty_text_is_a_zero_row(
    embedder: embeddings.Embedder,
) -> None:
    vectors = embedder.embed(["Export time entries to CSV", "", "   \n", "Réinitialiser le mot de passe"])
    assert vectors.shape == (4, 256)
    assert vectors.dtype == np.float32
    norms = np.linalg.norm(vectors, axis=1)
    assert norms[0] == pytest.approx(1.0, abs=1e-5)
    assert norms[3] == pytest.approx(1.0, abs=1e-5)  # another language still embeds
    assert norms[1] == 0.0 and norms[2] == 0.0
    assert not np.isnan(vectors).any()
    assert embedder.embed([]).shape == (0, 256)


def test_a_paraphrase_is_closer_than_an_unrelated_question(embedder: embeddings.Embedder) -> None:
    query, paraphrase, unrelated = embedder.embed(
        ["how do I get my money back", "request a refund for an order", "change the colour of the chart axis"]
    )
    assert float(query @ paraphrase) > float(query @ unrelated) + 0.1


def test_batching_does_not_change_a_row(embedder: embeddings.Embedder) -> None:
    texts = [f"question number {i} about invoices and billing" for i in range(300)] + ["a" * 5000]
    together = embedder.embed(texts)
    alone = np.vstack([embedder.embed([text]) for text in texts[::37]])
    assert np.allclose(together[::37], alone, atol=1e-5)


def test_a_megabyte_text_is_cut_not_choked_on(embedder: embeddings.Embedder) -> None:
    huge = "refund " * 150_000  # ~1 MB
    assert truncated(huge) and not truncated("refund")
    row = embedder.embed([huge])
    assert np.linalg.norm(row) == pytest.approx(1.0, abs=1e-5)
    assert np.allclose(row, embedder.embed([huge[:MAX_CHARS]]))


def test_loading_never_touches_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the embedder tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(embeddings, "_CACHE", {})
    loaded = load_embedder("default")
    assert loaded is not None and loaded.embed(["hello"]).shape == (1, 256)


def test_unknown_backend_names_the_setting() -> None:
    with pytest.raises(KBError) as caught:
        load_embedder("gpt-huge")
    assert "gpt-huge" in str(caught.value)
    assert "embedding_backend" in str(caught.value) and "none" in str(caught.value)


def test_missing_package_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embeddings, "_CACHE", {})
    monkeypatch.setattr(embeddings.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(KBError) as caught:
        load_embedder("default")
    assert "pip install" in str(caught.value) and "wordllama" in str(caught.value)
    assert "--embeddings none" in str(caught.value)


def test_cosine_top_k_is_sorted_and_deterministic() -> None:
    docs = normalise_rows(np.array([[1, 0], [0, 1], [1, 1], [1, 0], [0, 0]], dtype=np.float32))
    query = np.array([[1, 0]], dtype=np.float32)
    indices, scores = cosine_top_k(query, docs, 3)
    assert indices.tolist() == [[0, 3, 2]]  # tie between 0 and 3 broken by index
    assert scores[0, 0] == pytest.approx(1.0) and scores[0, 2] == pytest.approx(np.sqrt(0.5))
    all_indices, _ = cosine_top_k(query, docs, 99)
    assert all_indices.shape == (1, 5) and all_indices[0, -1] in (1, 4)
    none_indices, none_scores = cosine_top_k(query, docs[:0], 3)
    assert none_indices.shape == (1, 0) and none_scores.shape == (1, 0)


def test_normalise_rows_leaves_zero_rows_zero() -> None:
    rows = normalise_rows(np.array([[3, 4], [0, 0]], dtype=np.float32))
    assert np.allclose(rows, [[0.6, 0.8], [0.0, 0.0]]) and rows[1].tolist() == [0.0, 0.0]
