"""Code line (up to 0.6): the article shows a line of the entry's code example.

Commands, config, output; numbers and markup aside; worth more the fewer articles have it.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING

from supportkb.gaps.staleness.sections import HTML_COMMENT_OR_TAG
from supportkb.gaps.staleness.signals.signal_match import MAX_EVIDENCE_LINES, SignalMatch, combine, shorten
from supportkb.gaps.staleness.words import terms_of

if TYPE_CHECKING:
    from supportkb.gaps.staleness.notes import NoteEntry
    from supportkb.gaps.staleness.sections import SectionIndex

CODE_LINE_WEIGHT = 0.6
"""A line of the notes' code example (a command, a config line, log output) that an article
shows too, worth more the fewer articles have it: that page shows the same thing in use."""
CODE_LINE_MIN_CHARS = 16
"""Shorter code lines ('}', 'import os') are too common to tie an article to an entry."""

_SPACES = re.compile(r"\s+")
_DIGITS = re.compile(r"\d+")
_PROMPT = re.compile(r"^(?:\$|>>>|>|#|%)\s+")


def code_line_key(line: str) -> str:
    """A code line as compared between notes and articles: markup, prompts, spacing, case and
    numbers (ports, process ids, timings) do not count."""
    text = HTML_COMMENT_OR_TAG.sub("", line).strip()
    text = _PROMPT.sub("", text)
    return _SPACES.sub(" ", _DIGITS.sub("0", text.lower())).strip()


def code_line_matches(entries: tuple[NoteEntry, ...], index: SectionIndex) -> list[SignalMatch]:
    """Articles that show a line of an entry's code example."""
    wanted: dict[str, list[tuple[int, str]]] = {}
    for entry_index, entry in enumerate(entries):
        for line in entry.code:
            key = code_line_key(line)
            if len(key) >= CODE_LINE_MIN_CHARS and len(set(terms_of(key))) >= 2:
                wanted.setdefault(key, []).append((entry_index, line.strip()))
    if not wanted:
        return []
    n_articles = max(len(index.articles), 2)
    found: dict[str, dict[int, tuple[int, str]]] = {}
    for article_index, lines in enumerate(index.lines):
        first = index.articles[article_index].body_line
        for offset, text in enumerate(lines):
            if len(text) < CODE_LINE_MIN_CHARS:
                continue
            key = code_line_key(text)
            if key in wanted:
                found.setdefault(key, {}).setdefault(article_index, (first + offset, text))
    per_pair: dict[tuple[int, int], list[tuple[float, str, tuple[int, str]]]] = {}
    for key, articles in found.items():
        specificity = math.log(n_articles / len(articles)) / math.log(n_articles)
        strength = CODE_LINE_WEIGHT * specificity
        if strength <= 0.02:
            continue
        for entry_index, shown in wanted[key]:
            reason = f"shows the line `{shorten(shown, 80)}` (in {len(articles)} of {len(index.articles)} articles)"
            for article_index, where in articles.items():
                per_pair.setdefault((entry_index, article_index), []).append((strength, reason, where))
    matches: list[SignalMatch] = []
    for (entry_index, article_index), hits in per_pair.items():
        hits.sort(key=lambda hit: -hit[0])
        evidence_lines = tuple(dict.fromkeys(hit[2] for hit in hits))[:MAX_EVIDENCE_LINES]
        matches.append(SignalMatch(entry_index, article_index, combine([hit[0] for hit in hits]), hits[0][1], evidence_lines))
    return matches
