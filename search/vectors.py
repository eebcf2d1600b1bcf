"""The index's vectors by meaning: one row per unit of an article, stored in each generation.

An article's units are its title, aliases, customers' phrasings (`questions:`), its sections and,
in a section of several lines (paragraphs, list items: an FAQ's list of questions), each line;
each becomes a row. A section of several lines is the mean of its heading and lines (no text is
tokenised twice), and the article's own row (its first) the normalised mean of its units. Search
ranks every article by its own row, then looks at the units of the few candidates, which also
tells the reader *what* was closest ("closest by meaning: Export time entries (0.71)").

Files, in ``vectors/`` of a generation (live only when ``CURRENT`` names it, so they swap
atomically with the rest of the index):

- ``vectors.npy``: float16 (rows, dimensions): half the bytes to write, copy and check; a cosine
  moves by less than 0.001;
- ``meta.json``: format, backend, dimensions, the matrix's checksum, and per article path its
  digest (schema.article_digest), first row and units (kind, anchor, label).

An edited article re-embeds alone: rows of articles whose digest did not change are copied from
the previous generation. Anything that does not match (missing files, a truncated or altered
matrix, another backend or dimension, an article the manifest has and the vectors lack) makes
`read_vectors` raise `VectorsUnusable`, and the indexer rebuilds rather than serve wrong results.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from supportkb.generator.core.atomic import write_text_atomic
from supportkb.generator.core.embeddings import Embedder, normalise_rows
from supportkb.search.schema import SectionDoc, article_digest, article_sections

if TYPE_CHECKING:
    from supportkb.generator.core.articles import Article

VECTORS_DIR = "vectors"
MATRIX_FILE = "vectors.npy"
META_FILE = "meta.json"
FORMAT = 4
"""Bump when units or files change: vectors of another format are rebuilt."""
LINE_UNITS = 64
"""Lines embedded on their own per article; sections past this budget are embedded whole."""
SECTION_CHARS = 1_000
"""A section's meaning is read from its first 1,000 characters (its start says what it is about);
this keeps index builds of long manuals within half again the time of a words-only build."""
LINE_CHARS = 300
STORED_DTYPE = np.float16
LABEL_CHARS = 120


class VectorsUnusable(Exception):
    """The stored vectors cannot be trusted for this index and backend (the message says why)."""


@dataclass(frozen=True)
class Unit:
    """One piece of an article embedded on its own."""

    kind: str
    """"title", "alias", "question", "section", "heading" or "line"."""
    anchor: str
    """The section's anchor ('' for the top of the article)."""
    label: str
    """What a reader is shown: the title, alias, phrasing, section title or line."""
    text: str
    """What is embedded ('' for a unit that is the mean of others)."""
    mean_of: tuple[int, ...] = ()
    """Positions of the units (in the article's list) this one averages, instead of text."""


@dataclass(frozen=True)
class ArticleRows:
    """Where one article's rows are: row `start` is the article, then one row per unit."""

    digest: str
    start: int
    units: tuple[tuple[str, str, str], ...]
    """(kind, anchor, label) of each unit row, in order."""

    @property
    def count(self) -> int:
        return 1 + len(self.units)


@dataclass(frozen=True)
class VectorStore:
    """Every article's rows, for one backend."""

    backend: str
    dimensions: int
    articles: Mapping[str, ArticleRows]
    """Article path -> its rows."""
    matrix: np.ndarray
    """STORED_DTYPE (rows, dimensions): as stored; callers convert the rows they compute with."""


def article_units(
    article: Article, sections: Sequence[SectionDoc] | None = None
) -> tuple[Unit, ...]:
    """The title, aliases, phrasings and sections (with text) of an article.

    sections: its `schema.article_sections`, when the caller already has them."""
    units = [Unit("title", "", article.title, article.title)]
    units.extend(Unit("alias", "", alias, alias) for alias in article.aliases if alias.strip())
    units.extend(Unit("question", "", q, q) for q in article.questions if q.strip())
    budget = LINE_UNITS
    for section in article_sections(article) if sections is None else sections:
        if not section.text.strip():
            continue
        title = section.title if section.anchor else article.title
        lines = [
            line.strip()[:LINE_CHARS]
            for line in section.text[:SECTION_CHARS].split("\n")
            if len(line.strip()) > 3
        ]
        if 1 < len(lines) <= budget:
            budget -= len(lines)
            first = len(units)
            units.append(Unit("heading", section.anchor, title, title))
            units.extend(
                Unit("line", section.anchor, _label(line), line) for line in lines
            )
            members = tuple(range(first, len(units)))
            units.append(Unit("section", section.anchor, title, "", mean_of=members))
        else:
            text = section.text[:SECTION_CHARS]
            units.append(Unit("section", section.anchor, title, f"{title}. {text}"))
    return tuple(units)


def _label(line: str) -> str:
    return line if len(line) <= LABEL_CHARS else line[: LABEL_CHARS - 1].rstrip() + "…"


def build_vectors(
    articles: Sequence[Article],
    embedder: Embedder,
    *,
    previous: VectorStore | None = None,
    keep: Mapping[str, str] | None = None,
    sections: Mapping[str, Sequence[SectionDoc]] | None = None,
) -> VectorStore:
    """Vectors of `articles`, plus the rows of `keep` (path -> digest) copied from `previous`.

    An article whose path and digest are already in `previous` (same backend) is not re-embedded.
    sections: path -> the article's sections, when the caller already has them.
    """
    reusable = previous if previous is not None and previous.backend == embedder.name else None
    entries: dict[str, ArticleRows] = {}
    # Rows kept from `previous` are copied with one gather (a block per article is slow at
    # thousands of articles); new rows follow them.
    kept_rows: list[range] = []
    start = 0

    def keep_old(path: str, digest: str, old: ArticleRows) -> None:
        nonlocal start
        entries[path] = ArticleRows(digest=digest, start=start, units=old.units)
        kept_rows.append(range(old.start, old.start + old.count))
        start += old.count

    for path, digest in (keep or {}).items():
        old = reusable.articles.get(path) if reusable else None
        if old is None or old.digest != digest:
            raise VectorsUnusable(f"no stored vectors for {path}")
        keep_old(path, digest, old)
    pending: list[tuple[str, str, tuple[Unit, ...]]] = []
    for article in articles:
        path, digest = str(article.path), article_digest(article)
        old = reusable.articles.get(path) if reusable else None
        if old is not None and old.digest == digest:
            keep_old(path, digest, old)
        else:
            known = (sections or {}).get(path)
            pending.append((path, digest, article_units(article, known)))
    texts = [unit.text for _, _, units in pending for unit in units if not unit.mean_of]
    embedded = embedder.embed(texts) if texts else np.zeros((0, embedder.dimensions), np.float32)
    offset = 0
    fresh: list[np.ndarray] = []
    for path, digest, units in pending:
        rows = np.zeros((len(units), embedder.dimensions), np.float32)
        for position, unit in enumerate(units):
            if not unit.mean_of:
                rows[position] = embedded[offset]
                offset += 1
        for position, unit in enumerate(units):
            if unit.mean_of:
                rows[position] = normalise_rows(rows[list(unit.mean_of)].mean(axis=0, keepdims=True))[0]
        whole = normalise_rows(rows.mean(axis=0, keepdims=True)) if len(rows) else np.zeros(
            (1, embedder.dimensions), np.float32
        )
        entries[path] = ArticleRows(
            digest=digest, start=start, units=tuple((u.kind, u.anchor, u.label) for u in units)
        )
        fresh.extend((whole, rows))
        start += 1 + len(rows)
    parts: list[np.ndarray] = []
    if kept_rows:
        assert reusable is not None
        starts = np.fromiter((r.start for r in kept_rows), dtype=np.int64, count=len(kept_rows))
        counts = np.fromiter((len(r) for r in kept_rows), dtype=np.int64, count=len(kept_rows))
        offsets = np.concatenate(([0], np.cumsum(counts)[:-1]))
        index = np.repeat(starts - offsets, counts) + np.arange(int(counts.sum()))
        parts.append(reusable.matrix[index])
    if fresh:
        parts.append(np.concatenate(fresh).astype(STORED_DTYPE))
    matrix = (
        np.ascontiguousarray(np.concatenate(parts), dtype=STORED_DTYPE)
        if parts
        else np.zeros((0, embedder.dimensions), STORED_DTYPE)
    )
    return VectorStore(embedder.name, embedder.dimensions, entries, matrix)


def _checksum(matrix: np.ndarray) -> str:
    """CRC-32 of the bytes: catches a damaged or truncated file (not an attack: the index folder
    is the project's own), at memory speed."""
    return f"crc32:{zlib.crc32(memoryview(np.ascontiguousarray(matrix)).cast('B')):08x}"


def write_vectors(generation: Path, store: VectorStore) -> None:
    """Write the store into a generation folder (not yet live, so plain writes are safe)."""
    folder = generation / VECTORS_DIR
    folder.mkdir(exist_ok=True)
    stored = np.asarray(store.matrix, dtype=STORED_DTYPE)
    np.save(folder / MATRIX_FILE, stored, allow_pickle=False)
    meta = {
        "format": FORMAT,
        "backend": store.backend,
        "dimensions": store.dimensions,
        "rows": int(store.matrix.shape[0]),
        "checksum": _checksum(stored),
        "articles": {
            path: {"digest": rows.digest, "start": rows.start, "units": [list(u) for u in rows.units]}
            for path, rows in store.articles.items()
        },
    }
    write_text_atomic(folder / META_FILE, json.dumps(meta, ensure_ascii=False, sort_keys=True))


def read_vectors(
    generation: Path, *, backend: str, dimensions: int, digests: Mapping[str, str]
) -> VectorStore:
    """The stored vectors, checked against the backend and the index's articles (path -> digest).

    Raises VectorsUnusable saying what is wrong; never returns vectors that do not match.
    """
    folder = generation / VECTORS_DIR
    try:
        meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
        matrix = np.load(folder / MATRIX_FILE, allow_pickle=False)
    except FileNotFoundError:
        raise VectorsUnusable("no vectors stored yet") from None
    except (OSError, ValueError, EOFError) as exc:
        raise VectorsUnusable(f"vectors unreadable ({exc})") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise VectorsUnusable("vectors of another format")
    if meta.get("backend") != backend:
        raise VectorsUnusable(f"vectors made by {meta.get('backend')!r}, not {backend!r}")
    if (
        matrix.dtype != STORED_DTYPE
        or matrix.ndim != 2
        or matrix.shape != (meta.get("rows"), dimensions)
        or meta.get("dimensions") != dimensions
    ):
        raise VectorsUnusable(f"vectors have the wrong shape {matrix.shape}")
    if meta.get("checksum") != _checksum(matrix):
        raise VectorsUnusable("vectors file is damaged (checksum mismatch)")
    articles: dict[str, ArticleRows] = {}
    try:
        for path, entry in meta["articles"].items():
            rows = ArticleRows(
                digest=str(entry["digest"]),
                start=int(entry["start"]),
                units=tuple((str(k), str(a), str(label)) for k, a, label in entry["units"]),
            )
            if rows.start < 0 or rows.start + rows.count > matrix.shape[0]:
                raise VectorsUnusable(f"vectors of {path} lie outside the matrix")
            articles[path] = rows
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise VectorsUnusable(f"vectors index is damaged ({exc})") from None
    for path, digest in digests.items():
        found = articles.get(path)
        if found is None or found.digest != digest:
            raise VectorsUnusable(f"vectors are out of date for {path}")
    return VectorStore(backend, dimensions, articles, matrix)
