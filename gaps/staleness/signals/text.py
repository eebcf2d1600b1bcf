"""Text (up to 0.7): BM25F of the entry against each section of the article.

It counts fully only when the section covers the entry's most distinctive words, and only for
the articles closest to the entry's best one.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np
from scipy import sparse

from supportkb.generator.core.text import word_parts
from supportkb.gaps.staleness.signals.signal_match import SignalMatch
from supportkb.gaps.staleness.words import TERMS, terms_of

if TYPE_CHECKING:
    from supportkb.gaps.staleness.notes import NoteEntry
    from supportkb.gaps.staleness.sections import SectionIndex

TEXT_WEIGHT = 0.7
TEXT_FULL_MATCH = 1.5
"""BM25 over the query's idf mass at which a text match counts fully."""
DETAIL_WEIGHT = 0.5
"""Weight of words from an entry's sub-bullets, relative to its own line."""
UNKNOWN_WORD_WEIGHT = 0.5
"""Share of a never-seen word's idf that counts towards the expected match."""
QUERY_TERMS_EXPECTED = 4
"""A section matching an entry's most distinctive few words counts as a full match."""
TEXT_MIN_STRENGTH = 0.05
"""Weaker text matches are dropped: they could not move an article's score."""
TEXT_MIN_RELATIVE = 0.4
"""Articles scoring below this share of an entry's best article are not matched to it."""


def _query_of(entry: NoteEntry, index: SectionIndex, floor: float = 1.0) -> tuple[dict[int, float], float]:
    """An entry's words as index columns with weights, and the BM25 score of a full match
    (at least `floor` times the idf of a word only one article has)."""
    weights: dict[int, float] = {}
    unknown: dict[str, float] = {}
    for text, weight in ((entry.text, 1.0), (entry.details, DETAIL_WEIGHT)):
        for term in terms_of(text):
            column = index.vocabulary.get(term)
            if column is not None:
                weights.setdefault(column, weight)
            else:
                unknown.setdefault(term, weight)
    # A long entry is not expected to match all its words: the few most distinctive count.
    # Words no article uses count too, partly: an entry about things the help center never
    # mentions is weak evidence against any article.
    distinctive = sorted(
        [weight * float(index.idf[column]) for column, weight in weights.items()]
        + [weight * index.max_idf * UNKNOWN_WORD_WEIGHT for weight in unknown.values()],
        reverse=True,
    )
    return weights, max(sum(distinctive[:QUERY_TERMS_EXPECTED]), floor * index.max_idf)


def query_matrix(entries: tuple[NoteEntry, ...], index: SectionIndex, floor: float = 1.0) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Every entry's query as a column (vocabulary x entries), and each one's full-match score."""
    rows: list[int] = []
    columns: list[int] = []
    values: list[float] = []
    norms: list[float] = []
    for entry_index, entry in enumerate(entries):
        weights, norm = _query_of(entry, index, floor)
        norms.append(norm)
        for column, weight in weights.items():
            rows.append(column)
            columns.append(entry_index)
            values.append(weight)
    matrix = sparse.csr_matrix((values, (rows, columns)), shape=(len(index.vocabulary), len(entries)))
    return matrix, np.asarray(norms)


def text_matches(entries: tuple[NoteEntry, ...], index: SectionIndex) -> list[SignalMatch]:
    """BM25 of each entry against every section; the best section of each article counts."""
    if not index.units or not entries:
        return []
    queries, norm_of = query_matrix(entries, index)
    if not queries.nnz:
        return []
    unit_starts = np.asarray(index.article_first_unit, dtype=np.int64)
    matches: list[SignalMatch] = []
    batch = 256
    for start in range(0, len(entries), batch):
        stop = min(start + batch, len(entries))
        scores = (index.matrix @ queries[:, start:stop]).toarray().T  # entries x units
        best = np.maximum.reduceat(scores, unit_starts, axis=1)  # entries x articles
        top = best.max(axis=1)
        # Confidence: how much of a distinctive query the best section matched; a query of
        # words every article uses (e.g. the product name) never gets far.
        confidence = np.minimum(1.0, top / norm_of[start:stop] / TEXT_FULL_MATCH)
        relative = best / np.where(top > 0, top, 1.0)[:, None]
        strength = TEXT_WEIGHT * confidence[:, None] * relative**2
        keep = (relative >= TEXT_MIN_RELATIVE) & (strength >= TEXT_MIN_STRENGTH)
        for offset, article_index in zip(*np.nonzero(keep), strict=True):
            matches.append(
                SignalMatch(start + int(offset), int(article_index), float(strength[offset, article_index]), "", (), is_text=True)
            )
    return matches


def best_unit(index: SectionIndex, article_index: int, entry: NoteEntry) -> int:
    """The article's section that best matches the entry's words."""
    first = index.article_first_unit[article_index]
    last = index.article_first_unit[article_index + 1] if article_index + 1 < len(index.articles) else len(index.units)
    weights, _ = _query_of(entry, index)
    vector = np.zeros(len(index.vocabulary))
    vector[list(weights)] = list(weights.values())
    return first + int(np.argmax(index.matrix[first:last] @ vector))


def text_reason(index: SectionIndex, unit_id: int, entry: NoteEntry) -> str:
    """'shares the words 'allow', 'tags' (section 'Listings')' for a text match."""
    unit = index.units[unit_id]
    article = index.articles[unit.article]
    section_terms = set(terms_of(" ".join([article.title, unit.heading_title, *(text for _, text in index.unit_lines(unit_id))])))
    shared: dict[str, str] = {}
    for word in word_parts(f"{entry.text} {entry.details}", keep_case=True):
        term = TERMS[word.lower()]
        if term and term in section_terms and term not in shared:
            shared[term] = word
    words = ", ".join(f"'{word}'" for word in list(shared.values())[:6])
    where = f" (section '{unit.heading_title}')" if unit.heading_title else ""
    return f"shares the words {words}{where}" if words else f"similar text{where}"


def best_lines(index: SectionIndex, unit_id: int, entry: NoteEntry) -> tuple[tuple[int, str], ...]:
    """The section line sharing the most distinctive words with the entry (the heading if none)."""
    wanted = set(terms_of(entry.text)) or set(terms_of(entry.details))
    lines = index.unit_lines(unit_id)
    # Find the word forms of the wanted terms in this section once, then look for them per line.
    forms = {word for word in word_parts("\n".join(text for _, text in lines)) if TERMS[word] in wanted}
    if not forms:
        return tuple(lines[:1])
    pattern = re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, forms), key=len, reverse=True)) + r")\b", re.IGNORECASE)
    best: tuple[float, int, str] | None = None
    for number, text in lines:
        hits = {TERMS[word.lower()] for word in pattern.findall(text)}
        if hits:
            weight = sum(float(index.idf[index.vocabulary[t]]) for t in hits if t in index.vocabulary)
            if best is None or weight > best[0]:
                best = (weight, number, text)
    return ((best[1], best[2]),) if best else tuple(lines[:1])
