"""Outdated version (0.35-0.7): the article states an older version of what the entry upgrades.

'Upgrade OpenAPI to 3.1.0' and an article line '"openapi": "3.0.2"' (same major, lower).
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING

from supportkb.gaps.staleness.signals.signal_match import SignalMatch
from supportkb.gaps.staleness.words import STOP_WORDS

if TYPE_CHECKING:
    from supportkb.gaps.staleness.notes import NoteEntry
    from supportkb.gaps.staleness.sections import SectionIndex

OUTDATED_VERSION_WEIGHT = 0.7
"""An article stating an older version of what the release upgrades (0.5-1 of it, rarer more)."""

_VERSION = re.compile(r"(?<![\w.])v?(\d+)\.(\d+)(?:\.(\d+))?(?![\w]|\.\d)")
_NAME_BEFORE = re.compile(r"([A-Za-z][\w+-]*(?:\.[A-Za-z][\w+-]*)?)[\s`'\"]*(?:(?:to|from|version|v|->|→)[\s`'\"]+)*$", re.IGNORECASE)
_NOT_NAMES = frozenset({"to", "from", "version", "versions", "and", "or", "the", "of", "for", "with", "than", "since", "in", "on", "at", "is", "was", "as"})


def version_mentions(text: str) -> list[tuple[str, tuple[int, ...]]]:
    """(component, new version) pairs an entry names: 'Upgrade Starlette to 0.15.0' -> ('Starlette', (0, 15, 0))."""
    found: list[tuple[str, tuple[int, ...]]] = []
    for match in _VERSION.finditer(text):
        before = text[max(0, match.start() - 60) : match.start()]
        if re.search(r"\bfrom[\s`'\"]*v?$", before, re.IGNORECASE):
            continue  # 'from 1.2.0 to 1.3.0': the old one
        name = _NAME_BEFORE.search(before)
        if name is None or name.group(1).lower() in _NOT_NAMES or name.group(1).lower() in STOP_WORDS or len(name.group(1)) < 3:
            continue
        version = tuple(int(part) for part in match.groups() if part is not None)
        if (name.group(1), version) not in found:
            found.append((name.group(1), version))
    return found


def outdated_version_matches(entries: tuple[NoteEntry, ...], index: SectionIndex) -> list[SignalMatch]:
    """Articles that state an older version of a component the release upgrades."""
    n_articles = max(len(index.articles), 2)
    matches: list[SignalMatch] = []
    bodies = index.lowered_bodies()
    for entry_index, entry in enumerate(entries):
        for name, new in version_mentions(f"{entry.text} {entry.details}"):
            pattern = re.compile(rf"(?<![\w]){re.escape(name.lower())}(?![\w])")
            hits: dict[int, tuple[int, str, str]] = {}
            for article_index, body in enumerate(bodies):
                if name.lower() not in body or not pattern.search(body):
                    continue
                article = index.articles[article_index]
                for offset, line in enumerate(index.lines[article_index]):
                    lowered = line.lower()
                    if name.lower() not in lowered or not pattern.search(lowered):
                        continue
                    older = next(
                        (m.group(0) for m in _VERSION.finditer(line) if _is_older(tuple(int(p) for p in m.groups() if p is not None), new)),
                        None,
                    )
                    if older is not None:
                        hits[article_index] = (article.body_line + offset, line, older)
                        break
            if not hits:
                continue
            specificity = math.log(n_articles / len(hits)) / math.log(n_articles)
            strength = OUTDATED_VERSION_WEIGHT * (0.5 + 0.5 * specificity)
            shown = ".".join(str(part) for part in new)
            for article_index, (number, line, older) in hits.items():
                reason = f"states {name} {older}, older than {shown} in the notes"
                matches.append(SignalMatch(entry_index, article_index, strength, reason, ((number, line),)))
    return matches


def _is_older(version: tuple[int, ...], new: tuple[int, ...]) -> bool:
    """Same major version, lower otherwise: 3.0.2 is older than 3.1.0; 2.9 is not compared."""
    return version[0] == new[0] and version < new
