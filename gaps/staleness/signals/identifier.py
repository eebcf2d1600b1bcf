"""Identifier (up to 0.7): a code name or label of the entry appears verbatim in the article.

Code spans, CLI flags, config keys, API names, quoted or bold labels; worth more the fewer
articles have it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from supportkb.generator.core.text import word_parts
from supportkb.gaps.staleness.signals.signal_match import MAX_EVIDENCE_LINES, SignalMatch, combine
from supportkb.gaps.staleness.words import STOP_WORDS, terms_of

if TYPE_CHECKING:
    from supportkb.gaps.staleness.notes import NoteEntry
    from supportkb.gaps.staleness.sections import SectionIndex

IDENTIFIER_WEIGHT = 0.7
PLAIN_WORD_FACTOR = 0.6
"""An identifier that is one ordinary word (`Header`) counts this much of a code-only name."""

CODE_SPAN = re.compile(r"(`+)\s?(.+?)\s?\1")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_QUOTED = re.compile(r"(?<![\w])[\"“]([^\"“”\n]{2,60})[\"”](?![\w])")
_IDENTIFIER = re.compile(
    r"(?<![\w./-])("
    r"--?[A-Za-z][\w-]+"  # CLI flags
    r"|[A-Za-z_][\w]+(?:\.[A-Za-z_][\w]+)+(?:\(\))?"  # dotted names: config keys, modules (not e.g)
    r"|[A-Za-z]*_[\w]+(?:\(\))?"  # snake_case
    r"|[a-z]+[A-Z][\w]*(?:\(\))?"  # camelCase
    r"|[A-Z][a-z0-9]+[A-Z][\w]*(?:\(\))?"  # PascalCase with an inner capital
    r"|[A-Za-z_][\w]*\(\)"  # calls
    r")(?![\w-])"
)


@dataclass(frozen=True)
class Identifier:
    text: str
    is_code: bool
    """Code-shaped: matched case-sensitively; plain labels match in any case."""


def identifiers_in(source: str) -> tuple[Identifier, ...]:
    """Code spans, CLI flags, config keys, API names and quoted or bold labels of an entry."""
    source = re.sub(r"\]\([^)]*\)", "]", source)  # URLs are links, not identifiers
    found: dict[str, Identifier] = {}

    def add(text: str, *, is_code: bool) -> None:
        text = text.strip().strip(".,:;")
        if len(text) < 3 or len(text) > 80 or text.isdigit() or re.fullmatch(r"[\d.]+", text):
            return
        if not is_code and all(word in STOP_WORDS for word in word_parts(text)):
            return
        found.setdefault(text if is_code else text.lower(), Identifier(text, is_code))

    for match in CODE_SPAN.finditer(source):
        code = match.group(2)
        add(code, is_code=True)
        if " " in code.strip():
            for part in _IDENTIFIER.findall(code):
                add(part, is_code=True)
    plain = CODE_SPAN.sub(" ", source)
    for match in _IDENTIFIER.finditer(plain):
        add(match.group(1), is_code=True)
    for pattern in (_BOLD, _QUOTED):
        for match in pattern.finditer(plain):
            if len(match.group(1).split()) <= 6:
                # `**[k8s]**` labels a component: the name counts, not a Markdown link's brackets.
                add(match.group(1).strip().strip("[]"), is_code=False)
    return tuple(found.values())


def identifier_matches(entries: tuple[NoteEntry, ...], index: SectionIndex) -> list[SignalMatch]:
    n_articles = max(len(index.articles), 2)
    matches: list[SignalMatch] = []
    cache: dict[tuple[str, bool], tuple[re.Pattern[str], list[int]]] = {}
    for entry_index, entry in enumerate(entries):
        per_article: dict[int, list[tuple[float, str, re.Pattern[str]]]] = {}
        for identifier in identifiers_in(entry.source):
            key = (identifier.text if identifier.is_code else identifier.text.lower(), identifier.is_code)
            if key not in cache:
                cache[key] = _find_verbatim(identifier, index)
            pattern, found_in = cache[key]
            if not found_in:
                continue
            df = len(found_in)
            specificity = math.log(n_articles / df) / math.log(n_articles)
            # A code span holding one ordinary word (`Header`, `tags`) says less than a name
            # only code has (`jsonable_encoder`, `UploadFile`, `--strict`).
            plain_word = re.fullmatch(r"[A-Za-z][a-z]*", identifier.text) is not None
            strength = IDENTIFIER_WEIGHT * specificity * (PLAIN_WORD_FACTOR if plain_word else 1.0)
            if strength <= 0.02:
                continue
            label = f"`{identifier.text}`" if identifier.is_code else f"'{identifier.text}'"
            reason = f"mentions {label} (in {df} of {len(index.articles)} articles)"
            for article_index in found_in:
                per_article.setdefault(article_index, []).append((strength, reason, pattern))
        for article_index, found in per_article.items():
            found.sort(key=lambda item: -item[0])
            strength, reason, pattern = found[0]
            matches.append(
                SignalMatch(entry_index, article_index, combine([item[0] for item in found]), reason, (), pattern=pattern)
            )
    return matches


def _find_verbatim(identifier: Identifier, index: SectionIndex) -> tuple[re.Pattern[str], list[int]]:
    """The identifier as a pattern, and the articles whose text has it verbatim."""
    needle = identifier.text
    if identifier.is_code and re.fullmatch(r"\w+", needle):
        pattern = re.compile(rf"(?<![\w]){re.escape(needle)}(?![\w])")
    elif identifier.is_code:
        pattern = re.compile(rf"(?<![\w-]){re.escape(needle)}(?![\w-])")
    else:
        pattern = re.compile(rf"(?<![\w]){re.escape(needle)}(?![\w])", re.IGNORECASE)
    candidates: np.ndarray | None = None
    for word in set(terms_of(needle)):
        units = index.postings(word)
        candidates = units if candidates is None else np.intersect1d(candidates, units, assume_unique=True)
        if not len(candidates):
            return pattern, []
    if candidates is None:  # Only stop words ('--all'): look everywhere.
        article_ids: list[int] = list(range(len(index.articles)))
    else:
        article_ids = sorted({index.units[int(unit)].article for unit in candidates})
    # A plain substring test first: far faster than the regex, and it rules out most articles.
    if identifier.is_code:
        bodies = [article.body for article in index.articles]
    else:
        needle, bodies = needle.lower(), index.lowered_bodies()
    return pattern, [a for a in article_ids if needle in bodies[a] and pattern.search(bodies[a])]


def lines_matching(index: SectionIndex, article_index: int, pattern: re.Pattern[str]) -> tuple[tuple[int, str], ...]:
    """The first few (file line, text) of an article where the pattern occurs."""
    article = index.articles[article_index]
    lines: list[tuple[int, str]] = []
    for match in pattern.finditer(article.body):
        offset = article.body.count("\n", 0, match.start())
        if not lines or lines[-1][0] != article.body_line + offset:
            lines.append((article.body_line + offset, index.lines[article_index][offset]))
        if len(lines) == MAX_EVIDENCE_LINES:
            break
    return tuple(lines)
