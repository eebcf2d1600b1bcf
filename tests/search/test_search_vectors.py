"""Vectors by meaning beside the index: stored per generation, reused when unchanged, rebuilt
(with a message) when missing, damaged or made by another backend — never served wrong."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from supportkb.generator.core.articles import load_articles
from supportkb.generator.core.embeddings import load_embedder, normalise_rows
from supportkb.generator.core.project import find_project
from supportkb.search.engine import SearchIndex, build_project_index, open_index_for_project
from supportkb.search.indexer import SearchIndexError, open_vectors, vectors_problem
from supportkb.search.vectors import (
    LINE_UNITS,
    MATRIX_FILE,
    META_FILE,
    VECTORS_DIR,
    VectorsUnusable,
    article_units,
    build_vectors,
)
from tests.conftest import write_article

INDEX = ".kb-cache/search-index"


class CountingEmbedder:
    """The default backend, counting the texts it is asked to embed."""

    def __init__(self, name: str = "wordllama-l2-256") -> None:
        self.inner = load_embedder("default")
        self.name = name
        self.dimensions = self.inner.dimensions
        self.texts: list[str] = []

    def embed(self, texts):  # type: ignore[no-untyped-def]
        self.texts.extend(texts)
        return self.inner.embed(texts)


class TinyEmbedder:
    """Another backend: 8 dimensions, a hash of the words (a backend change)."""

    name = "tiny-8"
    dimensions = 8

    def embed(self, texts):  # type: ignore[no-untyped-def]
        out = np.zeros((len(texts), 8), np.float32)
        for row, text in enumerate(texts):
            for word in text.lower().split():
                out[row, sum(map(ord, word)) % 8] += 1
        return normalise_rows(out)


def vectors_dir(help_center: Path) -> Path:
    project = find_project(start=help_center)
    report = build_project_index(project)
    return report.generation / VECTORS_DIR


def test_units_are_title_aliases_questions_and_sections(help_center: Path) -> None:
    articles = {a.id: a for a in load_articles(help_center / "kb/articles").articles}
    units = article_units(articles["200"])
    assert [(u.kind, u.label) for u in units] == [
        ("title", "Reset your password"),
        ("alias", "Forgot my password"),
        ("alias", "Can't log in"),
        ("section", "Reset your password"),
        ("section", "Two-factor authentication"),
    ]
    assert units[3].anchor == "reset-your-password"


def test_vectors_live_in_the_generation_and_match_the_manifest(help_center: Path) -> None:
    folder = vectors_dir(help_center)
    meta = json.loads((folder / META_FILE).read_text())
    assert meta["backend"] == "wordllama-l2-256" and meta["dimensions"] == 256
    assert set(meta["articles"]) == {
        "billing/refunds.md", "billing/invoices.md", "account/password.md", "account/sso.md",
        "getting-started.md", "internal/refund-overrides.md",
    }
    matrix = np.load(folder / MATRIX_FILE)
    assert matrix.shape == (meta["rows"], 256) and matrix.dtype == np.float16
    store = open_vectors(folder.parent, load_embedder("default"))  # type: ignore[arg-type]
    assert store.matrix.shape == matrix.shape


def test_an_edited_article_re_embeds_alone(help_center: Path) -> None:
    project = find_project(start=help_center)
    counting = CountingEmbedder()
    first = build_project_index(project, embedder=counting)  # type: ignore[arg-type]
    before = open_vectors(first.generation, counting)  # type: ignore[arg-type]
    counting.texts.clear()
    path = help_center / "kb/articles/billing/invoices.md"
    write_article(path, "Invoices now come as zebra-striped PDFs.\n", id="124", title="Download invoices")
    os.utime(path, ns=(1, 1))
    report = build_project_index(project, embedder=counting)  # type: ignore[arg-type]
    assert report.changed == ("billing/invoices.md",) and not report.rebuilt
    assert counting.texts == ["Download invoices", "Download invoices. Invoices now come as zebra-striped PDFs."]
    after = open_vectors(report.generation, counting)  # type: ignore[arg-type]
    old, new = before.articles["billing/refunds.md"], after.articles["billing/refunds.md"]
    assert np.array_equal(
        before.matrix[old.start : old.start + old.count], after.matrix[new.start : new.start + new.count]
    )


@pytest.mark.parametrize(
    "damage",
    ["delete", "truncate", "flip", "bad-json", "wrong-dimension", "out-of-date"],
)
def test_damaged_vectors_are_rebuilt_with_a_message(help_center: Path, damage: str) -> None:
    folder = vectors_dir(help_center)
    matrix_file, meta_file = folder / MATRIX_FILE, folder / META_FILE
    if damage == "delete":
        matrix_file.unlink()
    elif damage == "truncate":
        data = matrix_file.read_bytes()
        matrix_file.write_bytes(data[: len(data) // 2])
    elif damage == "flip":
        data = bytearray(matrix_file.read_bytes())
        data[-7] ^= 0xFF
        matrix_file.write_bytes(bytes(data))
    elif damage == "bad-json":
        meta_file.write_text("{not json", encoding="utf-8")
    elif damage == "wrong-dimension":
        np.save(matrix_file, np.zeros((3, 12), np.float32))
    elif damage == "out-of-date":
        meta = json.loads(meta_file.read_text())
        meta["articles"]["billing/refunds.md"]["digest"] = "0" * 32
        meta_file.write_text(json.dumps(meta), encoding="utf-8")
    embedder = load_embedder("default")
    problem = vectors_problem(folder.parent, embedder)
    assert problem
    with pytest.raises(SearchIndexError, match="search vectors cannot be used"):
        SearchIndex.from_generation(folder.parent, embedder=embedder)
    messages: list[str] = []
    project = find_project(start=help_center)
    index = open_index_for_project(project, progress=messages.append)
    assert any("rebuil" in m and "search vectors" in m for m in messages), messages
    assert index.generation != folder.parent
    assert index.search("money back")[0].article_id == "123"
    assert vectors_problem(index.generation, embedder) is None


def test_a_backend_change_rebuilds_the_vectors(help_center: Path) -> None:
    project = find_project(start=help_center)
    build_project_index(project)
    tiny = TinyEmbedder()
    report = build_project_index(project, embedder=tiny)  # type: ignore[arg-type]
    assert report.rebuilt and report.note and "wordllama-l2-256" in report.note
    store = open_vectors(report.generation, tiny)  # type: ignore[arg-type]
    assert store.backend == "tiny-8" and store.matrix.shape[1] == 8
    with pytest.raises(VectorsUnusable, match="made by 'tiny-8'"):
        open_vectors(report.generation, load_embedder("default"))  # type: ignore[arg-type]


def test_lexical_only_index_has_no_vectors_and_ranks_as_before(help_center: Path) -> None:
    project = find_project(start=help_center)
    index = open_index_for_project(project, embeddings="none")
    assert not (index.generation / VECTORS_DIR).exists()  # type: ignore[operator]
    assert index.embedder is None
    hybrid = open_index_for_project(project)  # default backend: vectors are added
    assert hybrid.embedder is not None and (hybrid.generation / VECTORS_DIR).is_dir()  # type: ignore[operator]


def test_build_vectors_refuses_to_reuse_rows_it_does_not_have() -> None:
    empty = build_vectors([], TinyEmbedder())  # type: ignore[arg-type]
    with pytest.raises(VectorsUnusable):
        build_vectors([], TinyEmbedder(), previous=empty, keep={"a.md": "digest"})  # type: ignore[arg-type]


def test_a_section_of_several_lines_gets_a_unit_per_line_and_their_mean(tmp_path: Path) -> None:
    write_article(
        tmp_path / "faq.md",
        "## Questions\n\n- How do I pay by card\n- Can I cancel at any time\n",
        title="Billing FAQ",
    )
    article = load_articles(tmp_path).articles[0]
    units = article_units(article)
    assert [(u.kind, u.label) for u in units] == [
        ("title", "Billing FAQ"),
        ("heading", "Questions"),
        ("line", "How do I pay by card"),
        ("line", "Can I cancel at any time"),
        ("section", "Questions"),
    ]
    assert units[-1].text == "" and units[-1].mean_of == (1, 2, 3)
    counting = CountingEmbedder()
    store = build_vectors([article], counting)  # type: ignore[arg-type]
    assert counting.texts == ["Billing FAQ", "Questions", "How do I pay by card", "Can I cancel at any time"]
    rows = store.matrix.astype(np.float32)  # stored as float16
    expected = normalise_rows(rows[2:5].mean(axis=0, keepdims=True))[0]  # row 0 is the article
    assert np.allclose(rows[5], expected, atol=2e-3)
    assert np.allclose(np.linalg.norm(rows, axis=1), 1.0, atol=2e-3)


def test_a_megabyte_article_is_indexed_with_its_text_cut_for_meaning(tmp_path: Path) -> None:
    folder = tmp_path / "kb"
    write_article(folder / "huge.md", "## Log\n\n" + ("refund money back lorem ipsum\n" * 35_000), title="Huge log")
    write_article(folder / "small.md", "Reset your password.\n", title="Passwords")
    write_article(folder / "empty.md", "", title="Empty")
    write_article(folder / "other.md", "Rückerstattung innerhalb von 30 Tagen. 返金は30日以内。\n", title="Erstattung")
    index = open_index_for_project(find_project(kb=folder))
    store = open_vectors(index.generation, load_embedder("default"))  # type: ignore[arg-type]
    huge = store.articles["huge.md"]
    # Only the start of a long section is read for meaning: a few dozen lines, not 35,000.
    assert 0 < sum(1 for kind, _, _ in huge.units if kind == "line") <= LINE_UNITS
    assert np.isfinite(store.matrix).all()
    assert index.search("password")[0].article_id == "small"
    assert index.search("Rückerstattung")[0].article_id == "other"
