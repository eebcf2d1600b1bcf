"""Meaning (up to 0.45): the entry and a section say the same thing in other words.

"Backups pause while a laptop runs on battery" shares no identifier and hardly a word with "A
laptop that was asleep at the scheduled time backs up when it wakes". The embedding backend
(generator/core/embeddings.py) puts both near each other; this signal ties an entry to the
articles whose best section is unusually close to it.

Precision first, because every entry is close to something: an article counts only if its
closeness stands out from the entry's closeness to the whole help center (z-score, so the
threshold is relative to each KB, not a constant cosine fitted to one set), and only among the
few best of one fused ranking (reciprocal rank fusion of this closeness and the entry's lexical
evidence, generator/core/fusion.py): meaning alone can lift a page words barely found, but not
one that words and meaning both place far down. An entry with no good match flags nothing.
Alone it never reaches the default threshold (0.4) for a fix; for a change it reaches it only
when it stands far out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from supportkb.generator.core.fusion import reciprocal_rank_fusion
from supportkb.gaps.staleness.signals.signal_match import SignalMatch, shorten

if TYPE_CHECKING:
    from supportkb.generator.core.embeddings import Embedder
    from supportkb.gaps.staleness.notes import NoteEntry
    from supportkb.gaps.staleness.sections import SectionIndex

MEANING_WEIGHT = 0.45
Z_START = 2.5
"""Closeness this many standard deviations above the entry's mean over all articles starts to count."""
Z_FULL = 6.0
"""... and counts fully from here."""
MIN_COSINE = 0.25
"""Below this a section is not close to the entry whatever the spread (tiny or uniform help centers)."""
FUSED_DEPTH = 5
"""Only the entry's best few articles of the fused (meaning + words) ranking can be matched."""
SECTION_CHARS = 300
"""A section's head (its first fifty words or so) says what it is about; the rest is cut before
embedding: tokenising is most of the cost (at 3,000 articles, 1,200 characters a section take
1.2 s of CPU, 600 take 0.9 s, 300 take 0.6 s)."""
MIN_ARTICLES = 8
"""With fewer articles a spread means nothing: the signal stays off."""
LEXICAL_ENOUGH = 0.3
"""An entry some article already matches this strongly by names or words is left to them: meaning
is for the entries that name nothing a page contains."""
KINDS = frozenset({"change", "fix"})
"""Docs, translation and internal entries weigh 0.1-0.2: not worth embedding."""


class SectionVectors:
    """Every section of every article as a unit vector, made once per check."""

    def __init__(self, index: SectionIndex, embedder: Embedder) -> None:
        self.index = index
        texts = []
        for unit_index, unit in enumerate(index.units):
            article = index.articles[unit.article]
            body = " ".join(text for _, text in index.unit_lines(unit_index))[:SECTION_CHARS]
            texts.append(f"{article.title}. {' '.join(unit.parents)} {unit.heading_title}. {body}")
        self.vectors = embedder.embed(texts) if texts else np.zeros((0, embedder.dimensions), dtype=np.float32)
        self.embedder = embedder

    def best_sections(self, query: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per query row: each article's best cosine (queries x articles) and which unit gave it."""
        sims = query @ self.vectors.T
        starts = np.asarray(self.index.article_first_unit, dtype=np.int64)
        best = np.maximum.reduceat(sims, starts, axis=1) if sims.shape[1] else np.zeros((len(query), 0))
        # Which unit holds each article's best: the first unit equal to it.
        which = np.zeros(best.shape, dtype=np.int64)
        owner = self.index.article_of_unit
        for row in range(sims.shape[0]):
            hits = np.flatnonzero(sims[row] >= best[row, owner] - 1e-7)
            which[row, owner[hits[::-1]]] = hits[::-1]  # the lowest unit of an article wins
        return best, which


def meaning_matches(
    entries: tuple[NoteEntry, ...],
    index: SectionIndex,
    embedder: Embedder,
    lexical: list[SignalMatch],
) -> list[SignalMatch]:
    """Entries tied by meaning to the articles whose best section stands out as close.

    Sections are embedded only when some entry needs it (one no name or word already ties).
    """
    n_articles = len(index.articles)
    lexical_by_entry: dict[int, dict[int, float]] = {}
    for match in lexical:
        scores = lexical_by_entry.setdefault(match.entry, {})
        scores[match.article] = max(scores.get(match.article, 0.0), match.strength)
    chosen = [
        i for i, entry in enumerate(entries)
        if entry.kind in KINDS and max(lexical_by_entry.get(i, {}).values(), default=0.0) < LEXICAL_ENOUGH
    ]
    if n_articles < MIN_ARTICLES or not chosen:
        return []
    vectors = SectionVectors(index, embedder)
    queries = embedder.embed([f"{entries[i].text} {entries[i].details}"[:2000] for i in chosen])
    best, which = vectors.best_sections(queries)
    matches: list[SignalMatch] = []
    for row, entry_index in enumerate(chosen):
        closeness = best[row]
        if not np.any(closeness):
            continue  # no known word: the entry is close to nothing
        spread = float(closeness.std())
        if spread <= 1e-6:
            continue
        z = (closeness - float(closeness.mean())) / spread
        by_meaning = [int(a) for a in np.argsort(-closeness, kind="stable")[: FUSED_DEPTH * 4]]
        words = lexical_by_entry.get(entry_index, {})
        by_words = sorted(words, key=lambda a: (-words[a], a))
        fused = [article for article, _ in reciprocal_rank_fusion([by_meaning, by_words])][:FUSED_DEPTH]
        for article in fused:
            if z[article] < Z_START or closeness[article] < MIN_COSINE:
                continue
            strength = MEANING_WEIGHT * min(1.0, float(z[article] - Z_START) / (Z_FULL - Z_START) * 0.5 + 0.5)
            unit = int(which[row, article])
            heading = index.units[unit].heading_title or index.articles[article].title
            reason = f"closest by meaning: section '{shorten(heading, 60)}' ({closeness[article]:.2f})"
            shown = [line for line in index.unit_lines(unit) if line[1].strip()]
            prose = [line for line in shown if not line[1].lstrip().startswith("#")]  # what it says, not its title
            lines = tuple((prose or shown)[:1])
            matches.append(SignalMatch(entry_index, article, strength, reason, lines))
    return matches
