"""The ranking's own postings: numpy arrays kept in each index generation beside Whoosh's files.

BM25F needs, for a term, every document holding it and how often, and for a document, each
field's length. Whoosh's public API hands postings out one at a time in Python (queries 10x
slower), and its block reader is private. So the ranked fields are not given to Whoosh at all:
they are counted here, written as arrays into the generation folder (live only once ``CURRENT``
names it, so they change atomically with the rest) and opened memory-mapped. Whoosh keeps the
stored fields, the ID lookups and the spelling vocabulary.

Rows are articles and sections in indexing order, every article followed by its own sections.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from supportkb.generator.core.text import terms

POSTINGS_DIR = "postings"
FORMAT = 1
"""Bump when the files below change; an index of another format is rebuilt."""
META_FILE = "meta.json"


@dataclass(frozen=True)
class Row:
    """One document to rank: an article (position 0) or its section number `position`."""

    path: str
    article_id: str
    position: int
    is_internal: bool
    fields: Mapping[str, str]
    """Ranked field name -> text."""


@dataclass(frozen=True)
class FieldPostings:
    """One field, term-major: the rows of term t are rows[starts[t]:starts[t + 1]]."""

    terms: Mapping[str, int]
    starts: np.ndarray
    rows: np.ndarray
    frequencies: np.ndarray
    lengths: np.ndarray
    """Number of terms of every row in this field (exact)."""

    def postings(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        """(rows, term frequencies) of a term, rows ascending; empty arrays when absent."""
        number = self.terms.get(term)
        if number is None:
            return _NO_ROWS, _NO_FREQUENCIES
        start, end = int(self.starts[number]), int(self.starts[number + 1])
        return self.rows[start:end].astype(np.intp), self.frequencies[start:end]


_NO_ROWS = np.empty(0, dtype=np.int64)
_NO_FREQUENCIES = np.empty(0, dtype=np.float32)


@dataclass(frozen=True)
class Postings:
    """Everything the ranking reads: per-row facts and every ranked field's postings."""

    paths: tuple[str, ...]
    """Path of every row."""
    article_ids: tuple[str, ...]
    positions: np.ndarray
    """0 for an article row, n for its n-th section."""
    is_internal: np.ndarray
    fields: Mapping[str, FieldPostings]
    whoosh_docs: np.ndarray
    """Whoosh's number for each row's document when it was written (-1: not known). A hint to
    check before use: Whoosh renumbers documents when it merges segments."""

    @property
    def row_count(self) -> int:
        return len(self.paths)


def build_postings(
    rows: Iterable[Row], field_names: Sequence[str], whoosh_docs: Sequence[int] | None = None
) -> Postings:
    """Count the terms of every row's fields (with the text core's terms)."""
    empty = FieldPostings({}, np.zeros(1, np.int64), _NO_ROWS, _NO_FREQUENCIES, _NO_ROWS)
    fields = dict.fromkeys(field_names, empty)
    nothing = Postings((), (), _NO_ROWS, np.empty(0, bool), fields, _NO_ROWS)
    return update_postings(nothing, (), rows, whoosh_docs)


def update_postings(
    previous: Postings,
    removed_paths: Iterable[str],
    rows: Iterable[Row],
    whoosh_docs: Sequence[int] | None = None,
) -> Postings:
    """previous without the rows of removed_paths, then rows appended (as a re-index does).

    A term whose rows were all removed stays in the vocabulary with no rows until a full build.
    """
    rows = list(rows)
    hints = np.full(len(rows), -1, np.int64) if whoosh_docs is None else np.asarray(whoosh_docs)
    removed = set(removed_paths)
    kept = np.array([path not in removed for path in previous.paths], dtype=bool)
    kept_count = int(kept.sum())
    return Postings(
        paths=(*(p for p, keep in zip(previous.paths, kept) if keep), *(r.path for r in rows)),
        article_ids=(
            *(a for a, keep in zip(previous.article_ids, kept) if keep),
            *(r.article_id for r in rows),
        ),
        positions=np.concatenate(
            [previous.positions[kept], np.array([r.position for r in rows], dtype=np.int32)]
        ).astype(np.int32),
        is_internal=np.concatenate(
            [previous.is_internal[kept], np.array([r.is_internal for r in rows], dtype=bool)]
        ),
        fields={
            name: _updated_field(old, name, kept, kept_count, rows)
            for name, old in previous.fields.items()
        },
        whoosh_docs=np.concatenate([previous.whoosh_docs[kept], hints]).astype(np.int64),
    )


def _updated_field(
    old: FieldPostings, name: str, kept: np.ndarray, kept_count: int, rows: Sequence[Row]
) -> FieldPostings:
    vocabulary = dict(old.terms)
    new_terms: list[int] = []
    new_rows: list[int] = []
    new_frequencies: list[int] = []
    lengths = np.zeros(len(rows), dtype=np.int32)
    for number, row in enumerate(rows):
        found = terms(row.fields.get(name) or "")
        lengths[number] = len(found)
        for term, count in Counter(found).items():
            new_terms.append(vocabulary.setdefault(term, len(vocabulary)))
            new_rows.append(kept_count + number)
            new_frequencies.append(count)
    # New entries term by term (stable: rows stay ascending within a term).
    term_numbers = np.asarray(new_terms, dtype=np.int64)
    order = np.argsort(term_numbers, kind="stable")
    term_numbers = term_numbers[order]
    # Old entries are already term by term: drop removed rows, renumber the rest, and put each
    # new entry after the old ones of its term (every new row comes after every old row).
    old_terms = np.repeat(np.arange(len(old.starts) - 1), np.diff(old.starts))
    survives = kept[old.rows]
    old_terms = old_terms[survives]
    renumber = (np.cumsum(kept) - 1).astype(np.int32)
    at = np.searchsorted(old_terms, term_numbers, side="right")
    counts = np.bincount(old_terms, minlength=len(vocabulary))
    counts += np.bincount(term_numbers, minlength=len(vocabulary))
    starts = np.zeros(len(vocabulary) + 1, dtype=np.int64)
    np.cumsum(counts, out=starts[1:])
    return FieldPostings(
        terms=vocabulary,
        starts=starts,
        rows=np.insert(
            renumber[old.rows[survives]], at, np.asarray(new_rows, dtype=np.int32)[order]
        ).astype(np.int32),
        frequencies=np.insert(
            old.frequencies[survives], at, np.asarray(new_frequencies, dtype=np.float32)[order]
        ).astype(np.float32),
        lengths=np.concatenate([old.lengths[kept], lengths]).astype(np.int32),
    )


# -- files ---------------------------------------------------------------------------------------


def write_postings(generation: Path, postings: Postings) -> None:
    """Write postings/ into a generation folder that is not live yet (no reader sees it half
    written; a copied generation gets new files, never writes through a hard link)."""
    folder = generation / POSTINGS_DIR
    folder.mkdir(exist_ok=True)
    for name, field in postings.fields.items():
        _save(folder / f"{name}.starts.npy", field.starts)
        _save(folder / f"{name}.rows.npy", field.rows)
        _save(folder / f"{name}.frequencies.npy", field.frequencies)
        _save(folder / f"{name}.lengths.npy", field.lengths)
        words = json.dumps(list(field.terms), ensure_ascii=False)
        _save_text(folder / f"{name}.terms.json", words)
    _save(folder / "positions.npy", postings.positions)
    _save(folder / "internal.npy", postings.is_internal)
    _save(folder / "whoosh_docs.npy", postings.whoosh_docs)
    meta = {
        "format": FORMAT,
        "fields": list(postings.fields),
        "paths": list(postings.paths),
        "article_ids": list(postings.article_ids),
    }
    _save_text(folder / META_FILE, json.dumps(meta, ensure_ascii=False))


def read_postings(generation: Path) -> Postings:
    """Open a generation's postings/, memory-mapped; OSError or ValueError when unreadable."""
    folder = generation / POSTINGS_DIR
    meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
    if meta.get("format") != FORMAT:
        raise ValueError(f"postings format {meta.get('format')!r}, expected {FORMAT}")
    fields: dict[str, FieldPostings] = {}
    for name in meta["fields"]:
        words = json.loads((folder / f"{name}.terms.json").read_text(encoding="utf-8"))
        fields[name] = FieldPostings(
            terms={word: number for number, word in enumerate(words)},
            starts=_load(folder / f"{name}.starts.npy"),
            rows=_load(folder / f"{name}.rows.npy"),
            frequencies=_load(folder / f"{name}.frequencies.npy"),
            lengths=_load(folder / f"{name}.lengths.npy"),
        )
    return Postings(
        paths=tuple(meta["paths"]),
        article_ids=tuple(meta["article_ids"]),
        positions=_load(folder / "positions.npy"),
        is_internal=_load(folder / "internal.npy"),
        fields=fields,
        whoosh_docs=_load(folder / "whoosh_docs.npy"),
    )


def _load(path: Path) -> np.ndarray:
    # A plain ndarray view of the mapping: numpy's memmap subclass slows every operation.
    return np.asarray(np.load(path, mmap_mode="r", allow_pickle=False))


def _save(path: Path, array: np.ndarray) -> None:
    np.save(path, np.ascontiguousarray(array), allow_pickle=False)


def _save_text(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
