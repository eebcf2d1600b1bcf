"""Which articles a release most likely made out of date, with the evidence for each.

Each note entry is matched against every article section with explainable signals, each worth
0..1 and each in its own module under signals/: link (0.9), declared (0.85 features, 0.5
product_area), component (up to 0.75: the entry is filed under `s3:` and this is the s3 page), identifier (up to 0.7), outdated version (0.35-0.7), code line (up to 0.6),
section title (up to 0.8), phrase (up to 0.3), text (up to 0.7, BM25F over sections.py's
index) and, with an embedding backend, meaning (up to 0.45: a section that says the same thing
in other words, fused with the entry's lexical evidence by rank).

Evidence is combined strongest first, each further piece counting half the one before,
1 - (1-a)(1-b/2)(1-c/4): first the signals of one entry and article, then, scaled by what
kind of entry it is (features, removals: 1; fixes: 0.5; docs: 0.2; translations, internal:
0.1), the article's best three entries. Changelogs and dated posts in the help center record
the past and are not checked.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

from supportkb.generator.core.errors import KBError
from supportkb.gaps.staleness.notes import EntryKind, NoteEntry, Release
from supportkb.gaps.staleness.sections import SectionIndex
from supportkb.gaps.staleness.signals.code_line import code_line_matches
from supportkb.gaps.staleness.signals.component import ComponentPages, component_matches
from supportkb.gaps.staleness.signals.declared import declared_matches
from supportkb.gaps.staleness.signals.identifier import identifier_matches, lines_matching
from supportkb.gaps.staleness.signals.link import LinkResolver, link_matches
from supportkb.gaps.staleness.signals.meaning import meaning_matches
from supportkb.gaps.staleness.signals.outdated_version import outdated_version_matches
from supportkb.gaps.staleness.signals.phrase import lines_with_pair, phrase_matches
from supportkb.gaps.staleness.signals.section_title import section_title_matches
from supportkb.gaps.staleness.signals.signal_match import SignalMatch, combine, shorten
from supportkb.gaps.staleness.signals.text import best_lines, best_unit, text_matches, text_reason

if TYPE_CHECKING:
    from pathlib import PurePosixPath

    from supportkb.generator.core.articles import Article
    from supportkb.generator.core.embeddings import Embedder

MAX_ENTRIES = 5000
"""More entries than this is not one release (a whole history?): refused with a hint."""

DEFAULT_THRESHOLD = 0.4
"""Articles scoring below this are not flagged. Alone, a link or declared feature flags an
article; so does an identifier found in few articles (at most 7 of 100, 31 of 3,000), a text
match covering most of the entry's distinctive words or a section titled with them. A fix needs
a link; docs, translation and internal entries, a weak text match, a shared phrase or a common
identifier never flag alone. On the dev
sets, unrelated release notes flag 3-10% of a help center at 0.4 (up to a quarter at 0.3)."""

MIN_LISTED = 10
"""`kb stale` lists at least this many articles (when that many have evidence), the ones below
the threshold marked as lower-confidence candidates: a writer reviewing a release reads a short
ranked list, and on the dev sets the threshold alone hides a true page in one release of four."""

CANDIDATE_FLOOR = 0.15
"""Below-threshold candidates must score at least this much: a shared rare word or identifier,
not one common word."""

KIND_WEIGHTS: dict[EntryKind, float] = {
    "change": 1.0, "fix": 0.5, "docs": 0.2, "translation": 0.1, "internal": 0.1,
}
"""How much an entry counts, by what its section says it is about. A docs entry records a change
already made to the documentation: it points at a page that was just updated, not made stale."""

ENTRIES_PER_ARTICLE = 3
"""An article's score combines at most this many of its best-matching entries."""


# --- Results --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Evidence:
    """A note entry and the article line it matched."""

    entry: str
    """The note entry's text."""
    line: int
    """1-based line in the article file."""
    text: str
    """That line, stripped."""


@dataclass(frozen=True)
class StaleArticle:
    """An article the release probably made out of date."""

    path: PurePosixPath
    title: str
    score: float
    """0..1; higher means more likely out of date."""
    reasons: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    is_below_threshold: bool = False
    """Listed only to fill the report up to `min_listed`: a lower-confidence candidate."""


@dataclass(frozen=True)
class StalenessReport:
    """The outcome of checking one release against a set of articles."""

    release: Release
    flagged: tuple[StaleArticle, ...]
    """Best first: articles at or above the threshold, then lower-confidence candidates."""
    articles_checked: int
    threshold: float

    @property
    def above_threshold(self) -> tuple[StaleArticle, ...]:
        """The flagged articles that reach the threshold (what --mark and CI act on)."""
        return tuple(item for item in self.flagged if not item.is_below_threshold)

    @property
    def unmatched_entries(self) -> tuple[NoteEntry, ...]:
        """Product changes and fixes that no listed article matched: a writer reads them.

        A change can touch pages without sharing a word with them ('a new `run` command' and
        every page showing the old way to start the server); the report says which entries the
        checker could not tie to anything instead of hiding them.
        """
        matched = {evidence.entry for item in self.flagged for evidence in item.evidence}
        return tuple(
            entry for entry in self.release.entries if entry.kind in ("change", "fix") and entry.text not in matched
        )


# --- Combining ------------------------------------------------------------------------------


def check_staleness(
    articles: tuple[Article, ...],
    release: Release,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    min_listed: int = 0,
    site_url: str = "",
    embedder: Embedder | None = None,
) -> StalenessReport:
    """Score every article against every entry of the release; flag those above threshold.

    With `min_listed`, the best articles below the threshold (down to CANDIDATE_FLOOR) are added
    as lower-confidence candidates until that many are listed. With an `embedder`, entries are
    also matched by meaning; without one (`--embeddings none`), by words and names only.
    """
    entries = release.entries
    if len(entries) > MAX_ENTRIES:
        raise KBError(
            f"release {release.version or ''} lists {len(entries):,} entries; kb stale checks at most {MAX_ENTRIES:,} at once".replace("  ", " "),
            hint="check one release at a time (--version X), or a narrower --from-git range",
        )
    articles = tuple(article for article in articles if not is_history(article))
    index = SectionIndex(articles)
    matches = [
        *link_matches(entries, LinkResolver(articles, site_url)),
        *declared_matches(entries, articles),
        *component_matches(entries, ComponentPages(articles, embedder=embedder)),
        *identifier_matches(entries, index),
        *outdated_version_matches(entries, index),
        *code_line_matches(entries, index),
        *text_matches(entries, index),
        *section_title_matches(entries, index),
        *phrase_matches(entries, index),
    ]
    if embedder is not None:
        matches += meaning_matches(entries, index, embedder, matches)
    per_pair: dict[tuple[int, int], list[SignalMatch]] = {}
    for match in matches:
        per_pair.setdefault((match.article, match.entry), []).append(match)
    per_article: dict[int, list[tuple[float, int, list[SignalMatch]]]] = {}
    for (article_index, entry_index), found in per_pair.items():
        found.sort(key=lambda match: -match.strength)
        score = combine([match.strength for match in found]) * KIND_WEIGHTS[entries[entry_index].kind]
        per_article.setdefault(article_index, []).append((score, entry_index, found))
    ranked: list[tuple[float, str, int, list[tuple[float, int, list[SignalMatch]]]]] = []
    for article_index, scored in per_article.items():
        scored.sort(key=lambda item: (-item[0], item[1]))
        top = scored[:ENTRIES_PER_ARTICLE]
        total = round(combine([score for score, _, _ in top]), 4)
        ranked.append((total, str(articles[article_index].path), article_index, top))
    ranked.sort(key=lambda item: (-item[0], item[1]))
    flagged: list[StaleArticle] = []
    for total, _, article_index, top in ranked:
        is_below = total < threshold
        if is_below and (len(flagged) >= min_listed or total < min(CANDIDATE_FLOOR, threshold)):
            break
        item = _describe(articles[article_index], total, top, entries, index)
        if is_below:
            note = f"lower confidence: below the {threshold:.2f} threshold, listed to fill the top {min_listed}"
            item = dataclasses.replace(item, reasons=(note, *item.reasons), is_below_threshold=True)
        flagged.append(item)
    return StalenessReport(release=release, flagged=tuple(flagged), articles_checked=len(articles), threshold=threshold)


_POST_FOLDERS = frozenset({"blog", "posts", "_posts", "news", "announcements"})


def is_history(article: Article) -> bool:
    """Whether an article records the past, so a release cannot make it stale: a dated post
    (front matter `date:` plus an author, `layout: post` or a blog/news folder) or a changelog
    (most of its headings are versions)."""
    from supportkb.gaps.staleness.notes import release_title

    meta = article.meta
    if meta.get("date") and (
        meta.get("authors") or meta.get("author") or meta.get("layout") == "post"
        or _POST_FOLDERS.intersection(article.path.parts[:-1])
    ):
        return True
    headings = [heading for heading in article.headings if heading.level > 1]
    if len(headings) < 3:
        return False
    versions = sum(1 for heading in headings if release_title(heading.title) is not None)
    return versions * 2 >= len(headings)


def _describe(
    article: Article,
    score: float,
    top: list[tuple[float, int, list[SignalMatch]]],
    entries: tuple[NoteEntry, ...],
    index: SectionIndex,
) -> StaleArticle:
    reasons: list[str] = []
    evidence: list[Evidence] = []
    for _, entry_index, found in top:
        entry = entries[entry_index]
        for match in sorted(found, key=lambda m: -m.strength):
            unit = best_unit(index, match.article, entry) if match.is_text else -1
            reason = f"{match.reason or text_reason(index, unit, entry)}: \"{shorten(entry.text, 100)}\""
            if reason not in reasons:
                reasons.append(reason)
            lines = match.lines
            if not lines and match.is_text:
                lines = best_lines(index, unit, entry)
            elif not lines and match.pattern is not None:
                lines = lines_matching(index, match.article, match.pattern)
            elif not lines and match.pair is not None:
                # Prose joins a phrase across a line break or markup that lines do not: fall
                # back to the line sharing the entry's words.
                lines = lines_with_pair(index, match.article, match.pair) or best_lines(
                    index, best_unit(index, match.article, entry), entry
                )
            for number, text in lines:
                item = Evidence(entry=entry.text, line=number, text=shorten(text.strip(), 240))
                if item not in evidence:
                    evidence.append(item)
    return StaleArticle(
        path=article.path, title=article.title, score=score, reasons=tuple(reasons), evidence=tuple(evidence)
    )
