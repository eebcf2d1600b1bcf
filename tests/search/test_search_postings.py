"""The ranking's own postings: counted right, updated like a rebuild, written and read back."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from supportkb.generator.core.articles import load_articles
from supportkb.generator.core.project import find_project
from supportkb.search.engine import SearchIndex, build_project_index
from supportkb.search.indexer import current_generation, open_whoosh
from supportkb.search.postings import (
    POSTINGS_DIR,
    Postings,
    Row,
    build_postings,
    read_postings,
    update_postings,
    write_postings,
)
from supportkb.search.schema import row_key
from tests.conftest import write_article

FIELDS = ("title", "body")


def row(path: str, position: int, title: str, body: str) -> Row:
    fields = {"title": title, "body": body}
    return Row(path, path.upper(), position, path.startswith("internal"), fields)


def as_lists(postings: Postings) -> dict:
    """Postings as plain data, term by term, so two can be compared with ==."""
    fields = {}
    for name, field in postings.fields.items():
        by_term = {}
        for term in field.terms:
            rows, frequencies = field.postings(term)
            if len(rows):
                by_term[term] = (rows.tolist(), frequencies.tolist())
        fields[name] = (by_term, field.lengths.tolist())
    return {
        "paths": list(postings.paths),
        "ids": list(postings.article_ids),
        "positions": postings.positions.tolist(),
        "internal": postings.is_internal.tolist(),
        "fields": fields,
    }


FIRST = [
    row("a.md", 0, "Refund policy", "We refund annual plans. Refunds take days."),
    row("a.md", 1, "", "Refunds take 5 days."),
    row("b.md", 0, "Invoices", "Download an invoice."),
    row("internal/c.md", 0, "Override refunds", "Agents may refund late."),
]


def test_terms_are_counted_per_row_and_field() -> None:
    postings = build_postings(FIRST, FIELDS)
    rows, frequencies = postings.fields["body"].postings("refund")
    assert rows.tolist() == [0, 1, 3]
    assert frequencies.tolist() == [2.0, 1.0, 1.0]
    assert postings.fields["title"].postings("invoic")[0].tolist() == [2]
    # Stop words ("we", "an") are not counted in a field's length.
    assert postings.fields["body"].lengths.tolist() == [6, 4, 2, 4]
    assert postings.fields["title"].postings("absent")[0].tolist() == []
    assert postings.is_internal.tolist() == [False, False, False, True]
    assert postings.positions.tolist() == [0, 1, 0, 0]


def test_an_update_equals_a_rebuild_of_the_same_rows() -> None:
    changed = [
        row("a.md", 0, "Refund policy", "Refunds now take a week."),
        row("d.md", 0, "Passwords", "Reset a password."),
    ]
    updated = update_postings(build_postings(FIRST, FIELDS), ["a.md", "b.md"], changed)
    rebuilt = build_postings([FIRST[3], *changed], FIELDS)
    assert as_lists(updated) == as_lists(rebuilt)


def test_written_postings_read_back_equal(tmp_path: Path) -> None:
    postings = build_postings(FIRST, FIELDS)
    write_postings(tmp_path, postings)
    assert as_lists(read_postings(tmp_path)) == as_lists(postings)


def test_unknown_format_is_refused(tmp_path: Path) -> None:
    write_postings(tmp_path, build_postings(FIRST, FIELDS))
    meta = tmp_path / POSTINGS_DIR / "meta.json"
    meta.write_text(meta.read_text().replace('"format": 1', '"format": 99'))
    with pytest.raises(ValueError, match="format"):
        read_postings(tmp_path)


def test_incremental_index_ranks_like_a_rebuilt_one(help_center: Path) -> None:
    project = find_project(start=help_center)
    first = build_project_index(project).generation
    articles = help_center / "kb/articles"
    write_article(articles / "billing/refunds.md", "Ask for credit.\n", id="123", title="Credit")
    write_article(articles / "billing/new.md", "Refunds in days.\n", id="777", title="Refund days")
    (articles / "billing/invoices.md").unlink()
    report = build_project_index(project)
    assert report.added and report.changed and report.removed
    live = current_generation(report.generation.parent)
    assert live is not None
    loaded = load_articles(articles).articles
    rebuilt = SearchIndex.build(loaded, index_dir=help_center / "rebuilt")
    updated = SearchIndex.open(report.generation.parent)
    for query in ("refund days", "credit", "invoice", "password reset", "sso"):
        expected = rebuilt.search(query, include_internal=True)
        assert updated.search(query, include_internal=True) == expected
    # The previous generation still has its own postings (new files, not written through links).
    assert "billing/invoices.md" in read_postings(first).paths
    assert "billing/invoices.md" not in read_postings(live).paths


def whoosh_hints_that_hold(generation: Path) -> list[bool]:
    """For each row: does its hint name the Whoosh document with its key?"""
    postings = read_postings(generation)
    with open_whoosh(generation).searcher() as searcher:
        return [
            doc >= 0
            and searcher.stored_fields(int(doc)).get("row_key")
            == row_key(postings.paths[n], int(postings.positions[n]))
            for n, doc in enumerate(postings.whoosh_docs)
        ]


def test_rows_know_their_whoosh_documents_in_a_new_index(help_center: Path) -> None:
    generation = build_project_index(find_project(start=help_center)).generation
    assert all(whoosh_hints_that_hold(generation))


@pytest.mark.parametrize("wrong", ["shifted", "unknown"])
def test_rows_whose_whoosh_documents_moved_are_looked_up(help_center: Path, wrong: str) -> None:
    """As after Whoosh merges segments: every hint is wrong, the hits are still right."""
    generation = build_project_index(find_project(start=help_center)).generation
    expected = [SearchIndex.open(generation.parent).search(q) for q in ("refund", "invoice")]
    hints = read_postings(generation).whoosh_docs
    moved = np.roll(hints, 1) if wrong == "shifted" else np.full_like(hints, -1)
    np.save(generation / POSTINGS_DIR / "whoosh_docs.npy", moved)
    assert not any(whoosh_hints_that_hold(generation))
    index = SearchIndex.open(generation.parent)
    assert [index.search(q) for q in ("refund", "invoice")] == expected
    assert index.article("123") is not None and index.article("123").title == "Refund policy"
