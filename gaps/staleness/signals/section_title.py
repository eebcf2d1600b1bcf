"""Section title (up to 0.8): a heading or page title made of the entry's distinctive words.

'Footnote tooltips' for 'Added support for footnote tooltips': the section that documents the
feature, its own title made of the entry's words and, with the headings above it, covering them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from supportkb.gaps.staleness.signals.signal_match import SignalMatch, title_line
from supportkb.gaps.staleness.signals.text import query_matrix

if TYPE_CHECKING:
    from supportkb.gaps.staleness.notes import NoteEntry
    from supportkb.gaps.staleness.sections import SectionIndex

SECTION_TITLE_WEIGHT = 0.8
"""A section whose own title is made of the entry's words ('Footnote tooltips' for 'Added support
for footnote tooltips') is where the help center documents that feature. Worth this much times
the share of the title that is entry words, times the squared share of the entry's distinctive
words that the titles above and of the section (page title, parent headings) cover."""
SECTION_TITLE_FLOOR = 0.5
"""The entry's words count as covered in full only if they weigh at least this share of the idf
of a word one article has: a title made of common words ('Usage') is not a feature's name."""
SECTION_TITLE_MIN = 0.2
"""Weaker section-title matches are dropped: a title naming one of several distinctive words of
the entry ('Refunds' for 'Faster refunds') adds nothing to the text match of the same words."""


def section_title_matches(entries: tuple[NoteEntry, ...], index: SectionIndex) -> list[SignalMatch]:
    """Sections titled with the entry's words: where a help center documents that feature."""
    if not index.units or not entries:
        return []
    weighted, norms = query_matrix(entries, index, SECTION_TITLE_FLOOR)
    if not weighted.nnz:
        return []
    present = weighted.copy()
    present.data[:] = 1.0
    # How much of the section's own title is entry words, and how much of the entry the
    # section's titles (page, parents, its own) cover, both by idf.
    own = (index.heading_terms @ present).tocoo()
    if not own.nnz:
        return []
    covered = index.path_terms @ weighted
    cover = np.asarray(covered[own.row, own.col]).ravel() / norms[own.col]
    title_share = own.data / np.maximum(index.heading_mass[own.row], 1e-9)
    strength = SECTION_TITLE_WEIGHT * title_share * np.minimum(1.0, cover) ** 2
    best: dict[tuple[int, int], tuple[float, int]] = {}
    for unit_id, entry_index, value in zip(own.row.tolist(), own.col.tolist(), strength.tolist(), strict=True):
        if value < SECTION_TITLE_MIN:
            continue
        key = (entry_index, int(index.article_of_unit[unit_id]))
        if key not in best or value > best[key][0]:
            best[key] = (value, unit_id)
    matches: list[SignalMatch] = []
    for (entry_index, article_index), (value, unit_id) in best.items():
        unit = index.units[unit_id]
        if unit.heading_title:
            line = (unit.first_line, index.lines[article_index][unit.first_line - index.articles[article_index].body_line])
            reason = f"names it in a heading (section '{unit.heading_title}')"
        else:
            line = title_line(index.articles[article_index])
            reason = f"names it in its title ('{index.articles[article_index].title}')"
        matches.append(SignalMatch(entry_index, article_index, value, reason, (line,)))
    return matches
