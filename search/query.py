"""Turn what a person typed into index terms, rank articles with them, shape the answers as Hits.

Nothing a person types is a syntax error here: the text is split into words (quoted runs become
phrases), so `title:`, `AND OR NOT`, `*` or an unbalanced quote are just words or punctuation.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from supportkb.generator.core.text import STOP_WORDS, TOKEN_PATTERN, stem_word, words
from supportkb.search.scoring import (
    FieldWeight,
    IndexArrays,
    WeightedTerm,
    best_sections,
    bm25f,
    top_positions,
)

MAX_QUERY_TERMS = 32
"""Longer queries keep their first 32 distinct words; nobody types more that carry meaning."""
FEW_HITS = 3
"""Fewer exact hits than this (or an unknown word) triggers the typo-tolerant retry."""


@dataclass(frozen=True)
class Hit:
    """One article found by a search, pointing at its best-matching section."""

    article_id: str
    path: str
    """Article path relative to the articles folder, '/'-separated."""
    title: str
    url: str
    """Canonical URL incl. '#anchor' for a section: absolute when the site has site_url."""
    section: str
    """Anchor of the best section, without '#'; '' for the article as a whole."""
    section_title: str
    score: float
    snippet: str
    """Plain text with matched words marked «like this»."""
    matched_terms: tuple[str, ...]
    is_internal: bool
    closest: str = ""
    """With search by meaning: the title, phrasing or section closest to the query ('' without)."""
    closeness: float | None = None
    """That closest part's cosine with the query (None without search by meaning)."""

    def explain(self) -> str:
        """Why this hit: "closest by meaning: Export time entries (0.71); shared words: export"."""
        parts = []
        if self.closest and self.closeness is not None:
            parts.append(f"closest by meaning: {self.closest} ({self.closeness:.2f})")
        if self.matched_terms:
            parts.append("shared words: " + ", ".join(self.matched_terms))
        return "; ".join(parts) or "no shared words"


@dataclass(frozen=True)
class SearchResults:
    """Hits for one query plus what a person should be told about it."""

    query: str
    hits: tuple[Hit, ...]
    did_you_mean: str | None = None
    """A respelled query when some words are not in the index."""
    is_fuzzy: bool = False
    """True when the hits come from the respelled query."""
    ignored: str | None = None
    """Why part of the query was not used (too long), or why nothing was searched."""


@dataclass(frozen=True)
class Ranking:
    """Weights of the ranking; the defaults are what benchmarks/eval_search.py measured best."""

    k1: float = 5.0
    """High, because field weights scale term frequencies up before they saturate."""
    title: float = 8.0
    title_b: float = 0.5
    summary: float = 1.5
    headings: float = 1.5
    keywords: float = 1.5
    body: float = 1.0
    body_b: float = 0.75
    section_heading: float = 2.0
    section_text: float = 1.0
    section_weight: float = 0.6
    """How much the best section's own score adds to the article's."""
    coordination: float = 0.0
    """Exponent of the share of query words an article contains (0: no effect)."""
    synonym: float = 0.6
    """Weight of a synonym relative to the word the person typed."""
    candidates: int = 30
    """Articles re-ranked with their best section (at least the requested limit)."""

    def article_fields(self) -> tuple[FieldWeight, ...]:
        return (
            FieldWeight("title", self.title, self.title_b),
            FieldWeight("summary", self.summary, 0.5),
            FieldWeight("headings", self.headings, 0.5),
            FieldWeight("keywords", self.keywords, 0.3),
            FieldWeight("body", self.body, self.body_b),
        )

    def section_fields(self) -> tuple[FieldWeight, ...]:
        return (
            FieldWeight("s_heading", self.section_heading, 0.5),
            FieldWeight("s_text", self.section_text, 0.75),
        )


@dataclass(frozen=True)
class ParsedQuery:
    """A query reduced to index terms."""

    words: tuple[str, ...]
    """Lower-case words the person typed, stop words removed, in order (repeats kept)."""
    terms: tuple[str, ...]
    """Distinct stems of those words, in order."""
    phrases: tuple[tuple[str, ...], ...] = ()
    """Quoted runs of two or more words, as stems."""
    truncated: bool = False


_QUOTED = re.compile(r'"([^"]*)"')


def parse_query(text: str) -> ParsedQuery:
    """Split any string into words, stems and quoted phrases; never raises."""
    phrases: list[tuple[str, ...]] = []
    for quoted in _QUOTED.findall(text):
        stems = tuple(stem_word(w) for w in words(quoted) if w not in STOP_WORDS)
        if len(stems) > 1:
            phrases.append(stems[:MAX_QUERY_TERMS])
    typed = [w for w in words(text) if w not in STOP_WORDS]
    kept: list[str] = []
    terms: list[str] = []
    for word in typed:
        stem = stem_word(word)
        if stem not in terms:
            if len(terms) == MAX_QUERY_TERMS:
                return ParsedQuery(tuple(kept), tuple(terms), tuple(phrases), truncated=True)
            terms.append(stem)
        kept.append(word)
    return ParsedQuery(tuple(kept), tuple(terms), tuple(phrases))


@dataclass(frozen=True)
class SynonymTable:
    """Groups of equivalent stem sequences, e.g. {('refund',), ('money', 'back')}."""

    groups: tuple[tuple[tuple[str, ...], ...], ...] = ()
    by_member: Mapping[tuple[str, ...], tuple[int, ...]] = field(default_factory=dict)
    longest: int = 0

    @classmethod
    def from_mapping(cls, synonyms: Mapping[str, Sequence[str]]) -> SynonymTable:
        groups: list[tuple[tuple[str, ...], ...]] = []
        by_member: dict[tuple[str, ...], list[int]] = {}
        for term, equivalents in synonyms.items():
            members: list[tuple[str, ...]] = []
            for phrase in (term, *equivalents):
                stems = tuple(stem_word(w) for w in words(str(phrase)) if w not in STOP_WORDS)
                if stems and stems not in members:
                    members.append(stems)
            if len(members) < 2:
                continue
            for member in members:
                by_member.setdefault(member, []).append(len(groups))
            groups.append(tuple(members))
        longest = max((len(m) for m in by_member), default=0)
        return cls(tuple(groups), {k: tuple(v) for k, v in by_member.items()}, longest)

    def expand(self, stems: Sequence[str]) -> list[tuple[str, ...]]:
        """Equivalents of every word or run of words in stems, excluding what is already there."""
        found: list[tuple[str, ...]] = []
        present = set(stems)
        for size in range(1, min(self.longest, len(stems)) + 1):
            for start in range(len(stems) - size + 1):
                run = tuple(stems[start : start + size])
                for group in self.by_member.get(run, ()):
                    for member in self.groups[group]:
                        if (
                            member != run
                            and member not in found
                            and not (len(member) == 1 and member[0] in present)
                        ):
                            found.append(member)
        return found


def weighted_terms(
    parsed: ParsedQuery, synonyms: SynonymTable, ranking: Ranking
) -> list[WeightedTerm]:
    """The typed terms at full weight, then synonyms (single words or all-words runs) at less."""
    found = [WeightedTerm((term,)) for term in parsed.terms]
    found.extend(WeightedTerm(member, ranking.synonym) for member in synonyms.expand(parsed.terms))
    found.extend(WeightedTerm(phrase, 1.0) for phrase in parsed.phrases)
    return found


# -- snippets ------------------------------------------------------------------------------------

SNIPPET_CHARS = 220
SNIPPET_SCAN_CHARS = 1500
"""Snippets come from the start of the best section; scanning all of a long one costs time."""
MARK_OPEN, MARK_CLOSE = "«", "»"
_WORD_SPAN = re.compile(TOKEN_PATTERN)


def make_snippet(
    text: str, stems: frozenset[str], *, size: int = SNIPPET_CHARS
) -> tuple[str, set[str]]:
    """About `size` characters of text around the most distinct matched words, marked.

    Returns the snippet and the matched words (lower case).
    """
    if not text:
        return "", set()
    text = text[:SNIPPET_SCAN_CHARS]
    matches = _matched_words(text, stems)
    start = 0
    if matches:
        stems_at = [_stem_of(word) for _, _, word in matches]
        best, last = -1, 0
        for first in range(len(matches)):
            while last < len(matches) and matches[last][0] < matches[first][0] + size - 40:
                last += 1
            distinct = len(set(stems_at[first:last])) if last - first > 1 else 1
            if distinct > best:
                best, start = distinct, matches[first][0]
        start = max(0, start - 40)
        start = _word_start(text, start)
    end = min(len(text), start + size)
    if end < len(text):
        cut = text.rfind(" ", start, end)
        end = cut if cut > start else end
    pieces: list[str] = []
    cursor = start
    matched: set[str] = set()
    for begin, finish, word in matches:
        if begin < start or finish > end:
            continue
        pieces.append(text[cursor:begin])
        pieces.append(f"{MARK_OPEN}{word}{MARK_CLOSE}")
        matched.add(word.lower())
        cursor = finish
    pieces.append(text[cursor:end])
    snippet = " ".join("".join(pieces).split())
    if start > 0:
        snippet = "… " + snippet
    if end < len(text):
        snippet += " …"
    return snippet, matched


def _matched_words(text: str, stems: frozenset[str]) -> list[tuple[int, int, str]]:
    """(start, end, word) of every word whose stem is one of stems."""
    candidates = _candidate_pattern(frozenset(stem[:3] for stem in stems if stem))
    if candidates is None:
        return []
    lowered = text.lower()
    if len(lowered) != len(text):  # A few characters lower-case to two; keep offsets true.
        lowered = text
    found = []
    for match in candidates.finditer(lowered):
        start, end = match.span()
        word = text[start:end]
        if _stem_of(word) in stems:
            found.append((start, end, word))
    return found


@functools.lru_cache(maxsize=512)
def _candidate_pattern(prefixes: frozenset[str]) -> re.Pattern[str] | None:
    """Words starting like one of the stems: Porter2 stems keep a word's first letters, so only
    these words need stemming. Case-sensitive on lower-cased text: far cheaper to compile."""
    if not prefixes:
        return None
    alternatives = "|".join(re.escape(prefix) for prefix in sorted(prefixes))
    return re.compile(rf"(?<![\w.'’])(?:{alternatives})\w*(?:[.'’]\w+)*")


def _word_start(text: str, position: int) -> int:
    while 0 < position < len(text) and (text[position - 1].isalnum() or text[position - 1] == "_"):
        position -= 1
    return position


def _stem_of(word: str) -> str:
    return stem_word(word.lower())


# -- running -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ranked:
    """An article ranked by words, before it becomes a Hit (building Hits costs snippets)."""

    path: str
    article_doc: int
    section_doc: int
    """Its best section's row, or -1."""
    score: float
    stems: frozenset[str]
    """The query's stems (synonyms included), for the snippet."""


def run_query(
    arrays: IndexArrays,
    stored_fields: Callable[[int], Mapping[str, Any]],
    parsed: ParsedQuery,
    *,
    synonyms: SynonymTable,
    ranking: Ranking,
    limit: int,
    include_internal: bool,
    link_for: Callable[[str, str], str],
) -> list[Hit]:
    """Rank articles by BM25F plus their best section's score, and build Hits."""
    ranked = rank_query(
        arrays,
        parsed,
        synonyms=synonyms,
        ranking=ranking,
        limit=limit,
        include_internal=include_internal,
    )
    return [ranked_hit(r, stored_fields, link_for) for r in ranked]


def ranked_hit(
    ranked: Ranked,
    stored_fields: Callable[[int], Mapping[str, Any]],
    link_for: Callable[[str, str], str],
) -> Hit:
    return _hit(
        stored_fields, ranked.article_doc, ranked.section_doc, ranked.score, ranked.stems, link_for
    )


def rank_query(
    arrays: IndexArrays,
    parsed: ParsedQuery,
    *,
    synonyms: SynonymTable,
    ranking: Ranking,
    limit: int,
    include_internal: bool,
) -> list[Ranked]:
    """Articles by BM25F plus their best section's score, best first (ties by index order)."""
    query = weighted_terms(parsed, synonyms, ranking)
    if not query or limit <= 0 or arrays.article_count == 0:
        return []
    scores, matched = bm25f(arrays, query, ranking.article_fields(), sections=False, k1=ranking.k1)
    if not include_internal:
        scores[arrays.is_internal_doc[arrays.article_docs]] = 0.0
    if ranking.coordination and len(parsed.terms) > 1:
        scores *= (np.maximum(matched, 1) / len(parsed.terms)) ** ranking.coordination
    candidates = top_positions(scores, max(limit, ranking.candidates))
    if not len(candidates):
        return []
    section_scores, _ = bm25f(arrays, query, ranking.section_fields(), sections=True, k1=ranking.k1)
    best, best_score = best_sections(arrays, section_scores, candidates)
    final = scores[candidates] + ranking.section_weight * best_score
    order = np.lexsort((candidates, -final))[:limit]
    stems = frozenset(t for w in query for t in w.terms)
    found = []
    for position in order:
        article_doc = int(arrays.article_docs[candidates[position]])
        section = int(best[position])
        section_doc = int(arrays.section_docs[section]) if section >= 0 else -1
        found.append(
            Ranked(arrays.path(article_doc), article_doc, section_doc, float(final[position]), stems)
        )
    return found


def article_hit(
    arrays: IndexArrays,
    stored_fields: Callable[[int], Mapping[str, Any]],
    article_doc: int,
    *,
    score: float,
    link_for: Callable[[str, str], str],
) -> Hit:
    """A hit for a whole article, with the start of its text as the snippet."""
    ordinal = int(arrays.article_ordinal[article_doc])
    start, end = arrays.section_start[ordinal], arrays.section_end[ordinal]
    intro_doc = int(arrays.section_docs[start]) if end > start else -1
    if intro_doc >= 0 and stored_fields(intro_doc)["data"]["anchor"]:
        intro_doc = -1
    return _hit(stored_fields, article_doc, intro_doc, score, frozenset(), link_for)


def section_hit(
    stored_fields: Callable[[int], Mapping[str, Any]],
    article_doc: int,
    section_doc: int,
    *,
    link_for: Callable[[str, str], str],
) -> Hit:
    """A hit at one section of an article, found without words (by meaning)."""
    return _hit(stored_fields, article_doc, section_doc, 0.0, frozenset(), link_for)


def _hit(
    stored_fields: Callable[[int], Mapping[str, Any]],
    article_doc: int,
    section_doc: int,
    score: float,
    stems: frozenset[str],
    link_for: Callable[[str, str], str],
) -> Hit:
    fields = stored_fields(article_doc)
    data = fields["data"]
    anchor, section_title, text = "", data["title"], ""
    if section_doc >= 0:
        section_data = stored_fields(section_doc)["data"]
        anchor, section_title, text = (
            section_data["anchor"],
            section_data["title"],
            section_data["text"],
        )
    snippet, matched = make_snippet(text or data.get("summary") or "", stems)
    title_matched = {w.lower() for w in _WORD_SPAN.findall(data["title"]) if _stem_of(w) in stems}
    return Hit(
        article_id=fields["article_id"],
        path=fields["path"],
        title=data["title"],
        url=link_for(fields["url"], anchor),
        section=anchor,
        section_title=section_title,
        score=round(score, 4),
        snippet=snippet,
        matched_terms=tuple(sorted(matched | title_matched)),
        is_internal=fields["audience"] == "internal",
    )
