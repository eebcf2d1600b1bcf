"""Declared (0.85 features, 0.5 product_area): a phrase the article declares is in the entry."""

from __future__ import annotations

from typing import TYPE_CHECKING

from supportkb.gaps.staleness.signals.signal_match import SignalMatch
from supportkb.gaps.staleness.words import terms_of

if TYPE_CHECKING:
    from supportkb.generator.core.articles import Article
    from supportkb.gaps.staleness.notes import NoteEntry

FEATURE_WEIGHT = 0.85
PRODUCT_AREA_WEIGHT = 0.5


def _phrase_in(phrase_terms: list[str], entry_terms: list[str]) -> bool:
    size = len(phrase_terms)
    if not size:
        return False
    return any(entry_terms[i : i + size] == phrase_terms for i in range(len(entry_terms) - size + 1))


def declared_matches(entries: tuple[NoteEntry, ...], articles: tuple[Article, ...]) -> list[SignalMatch]:
    declared: dict[tuple[str, ...], list[tuple[int, str, str, float]]] = {}
    for index, article in enumerate(articles):
        for key, values, weight in (
            ("features", article.features, FEATURE_WEIGHT),
            ("product_area", (article.product_area,) if article.product_area else (), PRODUCT_AREA_WEIGHT),
        ):
            for value in values:
                phrase = tuple(terms_of(value))
                if phrase:
                    declared.setdefault(phrase, []).append((index, key, value, weight))
    if not declared:
        return []
    matches: list[SignalMatch] = []
    for entry_index, entry in enumerate(entries):
        entry_terms = terms_of(f"{entry.text} {entry.details}")
        lowered = f"{entry.source}".lower()
        for phrase, owners in declared.items():
            if not _phrase_in(list(phrase), entry_terms):
                continue
            for index, key, value, weight in owners:
                if len(phrase) == 1 and value.lower() not in lowered and len(value) < 4:
                    continue
                article = articles[index]
                line = (article.line_of(key), f"{key}: {value}")
                matches.append(SignalMatch(entry_index, index, weight, f"declares {key} '{value}'", (line,)))
    return matches
