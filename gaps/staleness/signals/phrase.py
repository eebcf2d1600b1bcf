"""Phrase (up to 0.3): two of the entry's words side by side in the article, as in the entry.

'docker image'; worth more the fewer articles use the pair.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING

import numpy as np

from supportkb.generator.core.text import word_parts
from supportkb.gaps.staleness.sections import PAIR_BASE
from supportkb.gaps.staleness.signals.signal_match import MAX_EVIDENCE_LINES, SignalMatch, combine
from supportkb.gaps.staleness.words import TERMS, terms_of

if TYPE_CHECKING:
    from supportkb.gaps.staleness.notes import NoteEntry
    from supportkb.gaps.staleness.sections import SectionIndex

PHRASE_WEIGHT = 0.3
"""Two of the entry's words side by side in an article, as in the entry ('docker image', 'card
grids'; stop words in between allowed, punctuation not), worth up to this, more the fewer
articles use the pair: the article names the same thing, not only the same words."""

_PHRASE_BREAK = re.compile(r"[^\w\s'’-]+")


def _pairs_of(text: str, index: SectionIndex) -> list[tuple[int, tuple[str, str], str]]:
    """(code, terms, 'word word') of each pair of known content words side by side in a text.

    Stop words in between do not part them ('image now available'); punctuation does
    ('fastapi-slim[standard], and fastapi' has no pair 'standard fastapi')."""
    found: dict[int, tuple[int, tuple[str, str], str]] = {}
    for clause in _PHRASE_BREAK.split(text):
        previous: tuple[int, str, str] | None = None
        for word in word_parts(clause, keep_case=True):
            term = TERMS[word.lower()]
            if not term:
                continue
            column = index.vocabulary.get(term, -1)
            if previous is not None and column >= 0 and previous[0] >= 0 and column != previous[0]:
                code = previous[0] * PAIR_BASE + column
                found.setdefault(code, (code, (previous[1], term), f"{previous[2]} {word}"))
            previous = (column, term, word)
    return list(found.values())


def lines_with_pair(index: SectionIndex, article_index: int, pair: tuple[str, str]) -> tuple[tuple[int, str], ...]:
    """The first few (file line, text) of an article using the two terms side by side."""
    article = index.articles[article_index]
    lines: list[tuple[int, str]] = []
    for offset, text in enumerate(index.lines[article_index]):
        terms = terms_of(text)
        if any(terms[i] == pair[0] and terms[i + 1] == pair[1] for i in range(len(terms) - 1)):
            lines.append((article.body_line + offset, text))
            if len(lines) == MAX_EVIDENCE_LINES:
                break
    return tuple(lines)


def phrase_matches(entries: tuple[NoteEntry, ...], index: SectionIndex) -> list[SignalMatch]:
    """Articles using two of the entry's words side by side, as it does, worth more the rarer."""
    n_articles = max(len(index.articles), 2)
    matches: list[SignalMatch] = []
    for entry_index, entry in enumerate(entries):
        per_article: dict[int, list[tuple[float, str, tuple[str, str]]]] = {}
        for code, pair, phrase in _pairs_of(entry.text, index):
            start, end = np.searchsorted(index.pair_codes, [code, code + 1])
            df = int(end - start)
            if not df:
                continue
            strength = PHRASE_WEIGHT * math.log(n_articles / df) / math.log(n_articles)
            if strength <= 0.02:
                continue
            for article_index in index.pair_articles[start:end].tolist():
                per_article.setdefault(article_index, []).append((strength, phrase, pair))
        for article_index, found in per_article.items():
            found.sort(key=lambda item: -item[0])
            reason = f"uses the phrase '{found[0][1].lower()}'"
            strength = combine([item[0] for item in found])
            matches.append(SignalMatch(entry_index, article_index, strength, reason, (), pair=found[0][2]))
    return matches
