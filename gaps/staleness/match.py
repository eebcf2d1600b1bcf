"""Which articles a release most likely made out of date, with the evidence for each.

Each note entry is matched against every article section with these explainable signals,
each worth 0..1:

- link (0.9): the entry links to the article, matched by URL path whatever the domain
  (`https://any.host/en/tutorial/files/#x` -> tutorial/files.md, section x), or names its file;
- declared (0.85 features, 0.5 product_area): a phrase the article declares in front matter
  appears in the entry;
- identifier (up to 0.7): a code span, CLI flag, config key, API name or quoted/bold label of
  the entry appears verbatim in the article, worth more the fewer articles have it;
- outdated version (0.35-0.7): the entry names a new version of a component ('Upgrade
  OpenAPI to 3.1.0') and an article line names that component with an older version of the
  same major ('"openapi": "3.0.2"');
- code line (up to 0.6): a line of the entry's code example (command, config, output) that an
  article shows too, numbers and markup aside, worth more the fewer articles have it;
- section title (up to 0.8): a section's own heading (or the page title) is made of the entry's
  words and, with the headings above it, covers its distinctive words ('Footnote tooltips' for
  'Added support for footnote tooltips'): the section that documents the feature;
- phrase (up to 0.3): two of the entry's words side by side in the article as in the entry
  ('docker image'), worth more the fewer articles use the pair;
- text (up to 0.7): BM25F of the entry against the section (page title, file path and heading
  count double; so do other pages' link texts pointing at the page or section, while a link's
  text counts a quarter on the page it sits on, so hub pages listing features by link do not
  outrank the pages that document them; URLs are not text). It counts fully only when the
  section covers the entry's most distinctive words, and only for the articles closest to the
  entry's best one.

Evidence is combined strongest first, each further piece counting half the one before,
1 - (1-a)(1-b/2)(1-c/4): first the signals of one entry and article, then, scaled by what
kind of entry it is (features, removals: 1; fixes: 0.5; docs: 0.2; translations, internal:
0.1), the article's best three entries. Changelogs and dated posts in the help center record
the past and are not checked.
"""

from __future__ import annotations

import dataclasses
import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

import numpy as np
from scipy import sparse

from supportkb.generator.core.errors import KBError
from supportkb.generator.core.links import linked_article
from supportkb.generator.core.text import FUNCTION_WORDS, stem_word, word_parts
from supportkb.gaps.staleness.notes import EntryKind, NoteEntry, Release

if TYPE_CHECKING:
    from pathlib import PurePosixPath

    from supportkb.generator.core.articles import Article

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

LINK_WEIGHT = 0.9
FEATURE_WEIGHT = 0.85
PRODUCT_AREA_WEIGHT = 0.5
IDENTIFIER_WEIGHT = 0.7
CODE_LINE_WEIGHT = 0.6
"""A line of the notes' code example (a command, a config line, log output) that an article
shows too, worth more the fewer articles have it: that page shows the same thing in use."""
CODE_LINE_MIN_CHARS = 16
"""Shorter code lines ('}', 'import os') are too common to tie an article to an entry."""
OUTDATED_VERSION_WEIGHT = 0.7
"""An article stating an older version of what the release upgrades (0.5-1 of it, rarer more)."""
PLAIN_WORD_FACTOR = 0.6
"""An identifier that is one ordinary word (`Header`) counts this much of a code-only name."""
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
PHRASE_WEIGHT = 0.3
"""Two of the entry's words side by side in an article, as in the entry ('docker image', 'card
grids'; stop words in between allowed, punctuation not), worth up to this, more the fewer
articles use the pair: the article names the same thing, not only the same words."""
_PAIR_BASE = 1 << 24
"""Word pairs are coded as first * _PAIR_BASE + second (vocabularies stay far below 16 M)."""
MAX_EVIDENCE_LINES = 2
"""Article lines shown per matched identifier."""
ENTRIES_PER_ARTICLE = 3
"""An article's score combines at most this many of its best-matching entries."""
FURTHER_EVIDENCE_DISCOUNT = 0.5
"""The second-best match counts half, the third a quarter: one strong match beats many weak."""

BM25_K1 = 1.2
BM25_B = 0.75
TITLE_BOOST = 2.0
HEADING_BOOST = 2.0
LINK_TEXT_WEIGHT = 0.25
"""Weight of a link's text on the page it sits on: an overview that lists features by links to
their pages (a hub) is not where they are documented."""
ANCHOR_TEXT_BOOST = 1.0
"""Weight of other pages' link texts on the page (or section) they point to, each text once."""

CHANGELOG_WORDS: frozenset[str] = frozenset(
    """
    add added adding adds allow allowed allows change changed changes changing enable enabled
    enables fix fixed fixes fixing improve improved improvement improvements improves make made
    makes new now remove removed removes removing support supported supports supporting update
    updated updates updating use used uses using bump bumped upgrade upgraded release released
    version versions feature features issue issues bug bugs pr prs pull request docs doc note
    possible instead better properly correctly whether might may must
    """.split()
)
"""The verbs and nouns every changelog entry uses ('Fixed a bug ...'): they name no page."""
STOP_WORDS: frozenset[str] = FUNCTION_WORDS | CHANGELOG_WORDS
"""Words an entry and an article may share without being about the same thing."""

_SPACES = re.compile(r"\s+")
_HTML_COMMENT_OR_TAG = re.compile(r"<!--|-->|</?[a-zA-Z][^>]*>")


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


# --- Text analysis --------------------------------------------------------------------------

class _TermCache(dict):  # type: ignore[type-arg]
    """word -> its index term ('' for stop words and numbers), computed once per word."""

    def __missing__(self, word: str) -> str:
        if len(word) < 2 or len(word) > 40 or word in STOP_WORDS or word.isdigit():
            term = ""
        elif word.isascii() and word.isalpha():
            term = stem_word(word)
        else:
            term = word
        if len(self) < 500_000:
            self[word] = term
        return term


_TERMS = _TermCache()


def terms_of(text: str) -> list[str]:
    """Stemmed content words of a text, in order (stop words and bare numbers dropped)."""
    return [term for term in map(_TERMS.__getitem__, word_parts(text)) if term]


class _WordIds(dict):  # type: ignore[type-arg]
    """word -> column of its term in the index (-1 for stop words), filling the vocabulary."""

    def __init__(self, vocabulary: dict[str, int]) -> None:
        super().__init__()
        self.vocabulary = vocabulary

    def __missing__(self, word: str) -> int:
        term = _TERMS[word]
        column = self.vocabulary.setdefault(term, len(self.vocabulary)) if term else -1
        self[word] = column
        return column

    def of(self, text: str) -> list[int]:
        return [column for column in map(self.__getitem__, word_parts(text)) if column >= 0]


# --- The section index ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Unit:
    """One searchable piece of an article: its text before the first heading, or a section."""

    article: int
    heading_title: str
    first_line: int
    """File line of the heading (or of the body's first line)."""
    last_line: int
    parents: tuple[str, ...] = ()
    """Titles of the headings the section sits under, outermost first."""


class _Index:
    """BM25F weights of every section of every article, as a sparse matrix."""

    def __init__(self, articles: tuple[Article, ...]) -> None:
        self.articles = articles
        self.lines: list[list[str]] = [article.body.split("\n") for article in articles]
        self.units: list[_Unit] = []
        self.article_first_unit: list[int] = []
        vocabulary: dict[str, int] = {}
        word_ids = _WordIds(vocabulary)
        # One (unit, term, weight) triple per word occurrence; the sparse matrix adds them up.
        rows: list[int] = []
        cols: list[int] = []
        boosts: list[float] = []
        lengths: list[int] = []
        resolver = _InternalLinks(articles)
        pieces: list[tuple[int, list[int], list[int], list[int], list[int]]] = []
        anchors: dict[tuple[int, str], set[str]] = {}  # (target article, anchor) -> link texts
        heading_cols: tuple[list[int], list[int]] = ([], [])  # (unit, term) of each section's own title
        path_cols: tuple[list[int], list[int]] = ([], [])  # ... and of the titles above it
        for index, article in enumerate(articles):
            self.article_first_unit.append(len(self.units))
            title_ids = word_ids.of(" ".join((article.title, *article.aliases)))
            path_ids = word_ids.of(re.sub(r"[-_/.]", " ", str(article.path.with_suffix(""))))
            title_ids = title_ids + [i for i in path_ids if i not in title_ids]
            references = resolver.references_of(index)
            for unit, body in self._units_of(index, article):
                row = len(self.units)
                self.units.append(unit)
                prose, link_texts = resolver.split(index, _HTML_COMMENT_OR_TAG.sub(" ", body), references)
                for target, text in link_texts:
                    anchors.setdefault(target, set()).add(text.lower())
                link_ids = word_ids.of(" ".join(text for _, text in link_texts))
                heading_ids = word_ids.of(unit.heading_title)
                pieces.append((row, title_ids, heading_ids, word_ids.of(prose), link_ids))
                # What the section is titled (the page title for the text before any heading),
                # and everything it sits under, for the section-title signal.
                own = set(heading_ids) if unit.heading_title else set(title_ids)
                under = own.union(title_ids, word_ids.of(" ".join(unit.parents)))
                for terms, cells in ((own, heading_cols), (under, path_cols)):
                    cells[0].extend([row] * len(terms))
                    cells[1].extend(terms)
        # Anchor text: how other pages name a page (or the section a link's #anchor points to)
        # describes it as well as its own heading does.
        anchor_ids: dict[int, list[int]] = {}
        for (target_article, anchor), texts in anchors.items():
            row = self._unit_of_anchor(target_article, anchor)
            anchor_ids.setdefault(row, []).extend(word_ids.of(" ".join(sorted(texts))))
        pair_codes: list[np.ndarray] = []
        pair_articles: list[np.ndarray] = []
        for row, title_ids, heading_ids, body_ids, link_ids in pieces:
            named_ids = anchor_ids.get(row, [])
            for sequence_ids in (heading_ids, body_ids):
                if len(sequence_ids) > 1:
                    sequence = np.asarray(sequence_ids, dtype=np.int64)
                    pair_codes.append(sequence[:-1] * _PAIR_BASE + sequence[1:])
                    pair_articles.append(np.full(len(sequence) - 1, self.units[row].article, dtype=np.int64))
            for ids, boost in (
                (title_ids, TITLE_BOOST),
                (heading_ids, HEADING_BOOST),
                (body_ids, 1.0),
                (link_ids, LINK_TEXT_WEIGHT),
                (named_ids, ANCHOR_TEXT_BOOST),
            ):
                rows.extend([row] * len(ids))
                cols.extend(ids)
                boosts.extend([boost] * len(ids))
            lengths.append(len(body_ids) + len(link_ids) + 2)
        self.vocabulary = vocabulary
        shape = (len(self.units), len(vocabulary))
        row_index = np.asarray(rows, dtype=np.int64)
        col_index = np.asarray(cols, dtype=np.int64)
        tf = sparse.csr_matrix((np.asarray(boosts, dtype=np.float64), (row_index, col_index)), shape=shape)
        tf.sum_duplicates()
        self.article_of_unit = np.fromiter((u.article for u in self.units), dtype=np.int64, count=len(self.units))
        n_articles = max(len(articles), 1)
        # Document frequency counts articles, not sections: how many pages use the word.
        presence = sparse.csr_matrix(
            (np.ones(len(col_index)), (self.article_of_unit[row_index], col_index)), shape=(max(len(articles), 1), len(vocabulary))
        )
        presence.sum_duplicates()
        df = np.bincount(presence.indices, minlength=len(vocabulary)).astype(np.float64)
        self.document_frequency = df
        self.idf = np.log(1.0 + (n_articles - df + 0.5) / (df + 0.5))
        self.max_idf = math.log(1.0 + (n_articles + 0.5) / 0.5)
        length = np.asarray(lengths, dtype=np.float64)
        average = float(length.mean()) if len(length) else 1.0
        unit_length = np.repeat(length, np.diff(tf.indptr))
        norm = BM25_K1 * (1 - BM25_B + BM25_B * unit_length / average)
        tf.data = self.idf[tf.indices] * tf.data * (BM25_K1 + 1) / (tf.data + norm)
        self.matrix = tf
        # Adjacent content-word pairs ('docker image', 'card grid') and the articles using them,
        # sorted by pair, each (pair, article) once.
        codes = np.concatenate(pair_codes) if pair_codes else np.zeros(0, dtype=np.int64)
        owners = np.concatenate(pair_articles) if pair_articles else np.zeros(0, dtype=np.int64)
        order = np.lexsort((owners, codes))
        codes, owners = codes[order], owners[order]
        first = np.ones(len(codes), dtype=bool)
        first[1:] = (codes[1:] != codes[:-1]) | (owners[1:] != owners[:-1])
        self.pair_codes, self.pair_articles = codes[first], owners[first]

        def titles(cells: tuple[list[int], list[int]]) -> sparse.csr_matrix:
            """units x terms, each title word once, worth its idf."""
            row_ids, col_ids = np.asarray(cells[0], dtype=np.int64), np.asarray(cells[1], dtype=np.int64)
            return sparse.csr_matrix((self.idf[col_ids], (row_ids, col_ids)), shape=shape)

        self.heading_terms = titles(heading_cols)
        self.path_terms = titles(path_cols)
        self.heading_mass = np.asarray(self.heading_terms.sum(axis=1)).ravel()
        self._postings: sparse.csc_matrix | None = None
        self._lowered: list[str] | None = None

    def _unit_of_anchor(self, article_index: int, anchor: str) -> int:
        """The unit a link to `article#anchor` lands on (the article's first unit if unknown)."""
        first = self.article_first_unit[article_index]
        if anchor:
            line = next((h.line for h in self.articles[article_index].headings if h.anchor == anchor), None)
            row = first
            while line is not None and row < len(self.units) and self.units[row].article == article_index:
                if self.units[row].first_line == line:
                    return row
                row += 1
        return first

    def _units_of(self, index: int, article: Article) -> list[tuple[_Unit, str]]:
        lines = self.lines[index]
        first = article.body_line
        found: list[tuple[_Unit, str]] = []
        starts = [(h.title, h.line) for h in article.headings]
        intro_end = (starts[0][1] - 1) if starts else first + len(lines) - 1
        intro = "\n".join(lines[: intro_end - first + 1])
        if intro.strip() or not starts:
            found.append((_Unit(index, "", first, intro_end), intro))
        open_headings: list[tuple[int, str]] = []  # (level, title) of the headings above
        for position, heading in enumerate(article.headings):
            title, line = heading.title, heading.line
            end = starts[position + 1][1] - 1 if position + 1 < len(starts) else first + len(lines) - 1
            body = "\n".join(lines[line - first + 1 : end - first + 1])
            while open_headings and open_headings[-1][0] >= heading.level:
                open_headings.pop()
            found.append((_Unit(index, title, line, end, tuple(t for _, t in open_headings)), body))
            open_headings.append((heading.level, title))
        return found

    def postings(self, term: str) -> np.ndarray:
        """Units whose text (or title/heading) has the term."""
        column = self.vocabulary.get(term)
        if column is None:
            return np.zeros(0, dtype=np.int64)
        if self._postings is None:
            self._postings = self.matrix.tocsc()
        start, end = self._postings.indptr[column], self._postings.indptr[column + 1]
        return self._postings.indices[start:end]

    def lowered_bodies(self) -> list[str]:
        """Article bodies in lower case (made on first use)."""
        if self._lowered is None:
            self._lowered = [article.body.lower() for article in self.articles]
        return self._lowered

    def unit_lines(self, unit_index: int) -> list[tuple[int, str]]:
        """(file line, text) of a unit."""
        unit = self.units[unit_index]
        article = self.articles[unit.article]
        lines = self.lines[unit.article]
        return [
            (number, lines[number - article.body_line])
            for number in range(unit.first_line, unit.last_line + 1)
            if 0 <= number - article.body_line < len(lines)
        ]


_INLINE_OR_REFERENCE_LINK = re.compile(
    r"(!?)\[((?:[^\[\]]|\[[^\]]*\])*)\]"
    r"(?:\(\s*<?([^)\s>]*)>?(?:\s+[\"'(][^)]*[\"')])?\s*\)|\[([^\]]*)\])?"
)
_REFERENCE_DEFINITION = re.compile(r"^ {0,3}\[([^\]]+)\]:[ \t]*<?(\S+?)>?(?:[ \t]+.*)?$", re.MULTILINE)


class _InternalLinks:
    """Links between articles: their text names the page linked to, not the page they sit on."""

    def __init__(self, articles: tuple[Article, ...]) -> None:
        self.articles = articles
        self.by_path = {str(article.path): index for index, article in enumerate(articles)}

    def resolve(self, article_index: int, url: str) -> tuple[int, str] | None:
        """(article, anchor) a relative link points to; None for external links and self-links."""
        linked = linked_article(self.articles[article_index].path, url, self.by_path)
        if linked is None or linked[0] == article_index:
            return None
        return linked

    def references_of(self, article_index: int) -> dict[str, tuple[int, str]]:
        """Reference-style link labels of an article (lower case) that point at other articles."""
        found: dict[str, tuple[int, str]] = {}
        body = self.articles[article_index].body
        if "]:" in body:
            for match in _REFERENCE_DEFINITION.finditer(body):
                target = self.resolve(article_index, match.group(2))
                if target is not None:
                    found.setdefault(match.group(1).strip().lower(), target)
        return found

    def split(
        self, article_index: int, text: str, references: dict[str, tuple[int, str]]
    ) -> tuple[str, list[tuple[tuple[int, str], str]]]:
        """The text without URLs and link definitions, and the texts of its links to other articles."""
        if "[" not in text:
            return text, []
        links: list[tuple[tuple[int, str], str]] = []

        def replace(match: re.Match[str]) -> str:
            label, url, reference = match.group(2), match.group(3), match.group(4)
            if url is not None:
                target = self.resolve(article_index, url) if not match.group(1) else None
            else:
                target = references.get((reference or label).strip().lower())
            if target is None:
                return f" {label} "
            links.append((target, label))
            return " "

        return _INLINE_OR_REFERENCE_LINK.sub(replace, _REFERENCE_DEFINITION.sub(" ", text)), links


# --- Signals --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Match:
    """One signal tying an entry to an article."""

    entry: int
    article: int
    strength: float
    """0..1 before the entry's kind weight."""
    reason: str
    lines: tuple[tuple[int, str], ...]
    is_text: bool = False
    """A text match: its best section and evidence lines are found only if flagged."""
    pattern: re.Pattern[str] | None = None
    """For identifier matches: what to look for when the article is flagged."""
    pair: tuple[str, str] | None = None
    """For phrase matches: the two index terms to find side by side when the article is flagged."""


_CODE_SPAN = re.compile(r"(`+)\s?(.+?)\s?\1")
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
_MARKDOWN_PATH = re.compile(r"(?<![\w/.-])((?:[\w.-]+/)*[\w.-]+\.md)\b")
_PR_LINK = re.compile(r"/(?:pull|issues|discussions|commit|compare|releases|apps|sponsors)(?:/|$)")
_FILE_SUFFIXES = (".html", ".htm", ".md")


@dataclass(frozen=True)
class _Identifier:
    text: str
    is_code: bool
    """Code-shaped: matched case-sensitively; plain labels match in any case."""


def identifiers_in(source: str) -> tuple[_Identifier, ...]:
    """Code spans, CLI flags, config keys, API names and quoted or bold labels of an entry."""
    source = re.sub(r"\]\([^)]*\)", "]", source)  # URLs are links, not identifiers
    found: dict[str, _Identifier] = {}

    def add(text: str, *, is_code: bool) -> None:
        text = text.strip().strip(".,:;")
        if len(text) < 3 or len(text) > 80 or text.isdigit() or re.fullmatch(r"[\d.]+", text):
            return
        if not is_code and all(word in STOP_WORDS for word in word_parts(text)):
            return
        found.setdefault(text if is_code else text.lower(), _Identifier(text, is_code))

    for match in _CODE_SPAN.finditer(source):
        code = match.group(2)
        add(code, is_code=True)
        if " " in code.strip():
            for part in _IDENTIFIER.findall(code):
                add(part, is_code=True)
    plain = _CODE_SPAN.sub(" ", source)
    for match in _IDENTIFIER.finditer(plain):
        add(match.group(1), is_code=True)
    for pattern in (_BOLD, _QUOTED):
        for match in pattern.finditer(plain):
            if len(match.group(1).split()) <= 6:
                add(match.group(1), is_code=False)
    return tuple(found.values())


def _url_path_segments(url: str) -> tuple[str, ...]:
    parts = urlsplit(url)
    path = unquote(parts.path)
    segments = [segment for segment in path.split("/") if segment]
    if segments and segments[-1] in ("index.html", "index.htm", "index.md", "README.md"):
        segments.pop()
    if segments:
        for suffix in _FILE_SUFFIXES:
            if segments[-1].endswith(suffix):
                segments[-1] = segments[-1][: -len(suffix)]
    return tuple(segments)


class _LinkResolver:
    """Maps URLs and file names in notes to articles, by URL path suffix."""

    def __init__(self, articles: tuple[Article, ...], site_url: str = "") -> None:
        self.by_segments: dict[tuple[str, ...], int] = {}
        self.by_path_suffix: dict[str, list[int]] = {}
        for index, article in enumerate(articles):
            url = article.url.strip("/")
            keys = [url] + [alias.strip("/") for alias in article.redirect_from]
            for key in keys:
                if key:
                    self.by_segments.setdefault(tuple(_url_path_segments("/" + key)), index)
            self.by_path_suffix.setdefault(article.path.name, []).append(index)
        self.site = urlsplit(site_url) if site_url else None
        self.articles = articles

    def resolve_url(self, url: str) -> tuple[int, str] | None:
        """(article, anchor) a URL points to, or None."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https", "") or (not parts.netloc and not parts.path):
            return None
        if _PR_LINK.search(parts.path) and not (self.site and parts.netloc == self.site.netloc):
            return None
        segments = _url_path_segments(url)
        if self.site and parts.netloc == self.site.netloc:
            base = _url_path_segments(self.site.geturl())
            if segments[: len(base)] == base:
                segments = segments[len(base) :]
        # The longest suffix of the link's path that is an article's URL wins.
        for start in range(len(segments)):
            found = self.by_segments.get(segments[start:])
            if found is not None:
                return found, parts.fragment
        return None

    def resolve_file(self, name: str) -> int | None:
        """The article a file path in the notes names, matched by path suffix."""
        name = name.strip("./")
        for index in self.by_path_suffix.get(name.rsplit("/", 1)[-1], ()):
            path = str(self.articles[index].path)
            if name.endswith(path) or path.endswith(name):
                return index
        return None


def _heading_line(article: Article, anchor: str) -> tuple[int, str] | None:
    for heading in article.headings:
        if heading.anchor == anchor:
            return heading.line, heading.title
    return None


def _title_line(article: Article) -> tuple[int, str]:
    if "title" in article.key_lines:
        return article.key_lines["title"], f"title: {article.title}"
    h1 = next((h for h in article.headings if h.level == 1), None)
    if h1 is not None:
        return h1.line, f"# {h1.title}"
    return article.body_line, article.title


def _link_matches(entries: tuple[NoteEntry, ...], resolver: _LinkResolver) -> list[_Match]:
    matches: list[_Match] = []
    for entry_index, entry in enumerate(entries):
        targets: dict[int, tuple[int, str]] = {}
        for url in entry.links:
            resolved = resolver.resolve_url(url)
            if resolved is None:
                continue
            article_index, anchor = resolved
            article = resolver.articles[article_index]
            where = _heading_line(article, anchor) if anchor else None
            targets.setdefault(article_index, where or _title_line(article))
        for name in _MARKDOWN_PATH.findall(_CODE_SPAN.sub(lambda m: m.group(2), entry.source)):
            if "://" in name:
                continue
            named = resolver.resolve_file(name)
            if named is not None:
                targets.setdefault(named, _title_line(resolver.articles[named]))
        for article_index, line in targets.items():
            matches.append(_Match(entry_index, article_index, LINK_WEIGHT, "linked from the notes", (line,)))
    return matches


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


_DIGITS = re.compile(r"\d+")
_PROMPT = re.compile(r"^(?:\$|>>>|>|#|%)\s+")


def code_line_key(line: str) -> str:
    """A code line as compared between notes and articles: markup, prompts, spacing, case and
    numbers (ports, process ids, timings) do not count."""
    text = _HTML_COMMENT_OR_TAG.sub("", line).strip()
    text = _PROMPT.sub("", text)
    return _SPACES.sub(" ", _DIGITS.sub("0", text.lower())).strip()


def _code_line_matches(entries: tuple[NoteEntry, ...], index: _Index) -> list[_Match]:
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
            reason = f"shows the line `{_short(shown, 80)}` (in {len(articles)} of {len(index.articles)} articles)"
            for article_index, where in articles.items():
                per_pair.setdefault((entry_index, article_index), []).append((strength, reason, where))
    matches: list[_Match] = []
    for (entry_index, article_index), hits in per_pair.items():
        hits.sort(key=lambda hit: -hit[0])
        evidence_lines = tuple(dict.fromkeys(hit[2] for hit in hits))[:MAX_EVIDENCE_LINES]
        matches.append(_Match(entry_index, article_index, combine([hit[0] for hit in hits]), hits[0][1], evidence_lines))
    return matches


def _outdated_version_matches(entries: tuple[NoteEntry, ...], index: _Index) -> list[_Match]:
    """Articles that state an older version of a component the release upgrades."""
    n_articles = max(len(index.articles), 2)
    matches: list[_Match] = []
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
                matches.append(_Match(entry_index, article_index, strength, reason, ((number, line),)))
    return matches


def _is_older(version: tuple[int, ...], new: tuple[int, ...]) -> bool:
    """Same major version, lower otherwise: 3.0.2 is older than 3.1.0; 2.9 is not compared."""
    return version[0] == new[0] and version < new


def _phrase_in(phrase_terms: list[str], entry_terms: list[str]) -> bool:
    size = len(phrase_terms)
    if not size:
        return False
    return any(entry_terms[i : i + size] == phrase_terms for i in range(len(entry_terms) - size + 1))


def _declared_matches(entries: tuple[NoteEntry, ...], articles: tuple[Article, ...]) -> list[_Match]:
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
    matches: list[_Match] = []
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
                matches.append(_Match(entry_index, index, weight, f"declares {key} '{value}'", (line,)))
    return matches


def _identifier_matches(entries: tuple[NoteEntry, ...], index: _Index) -> list[_Match]:
    n_articles = max(len(index.articles), 2)
    matches: list[_Match] = []
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
                _Match(entry_index, article_index, combine([item[0] for item in found]), reason, (), pattern=pattern)
            )
    return matches


def _find_verbatim(identifier: _Identifier, index: _Index) -> tuple[re.Pattern[str], list[int]]:
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


def _lines_matching(index: _Index, article_index: int, pattern: re.Pattern[str]) -> tuple[tuple[int, str], ...]:
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


def _query_of(entry: NoteEntry, index: _Index, floor: float = 1.0) -> tuple[dict[int, float], float]:
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


def _query_matrix(entries: tuple[NoteEntry, ...], index: _Index, floor: float = 1.0) -> tuple[sparse.csr_matrix, np.ndarray]:
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


def _text_matches(entries: tuple[NoteEntry, ...], index: _Index) -> list[_Match]:
    """BM25 of each entry against every section; the best section of each article counts."""
    if not index.units or not entries:
        return []
    queries, norm_of = _query_matrix(entries, index)
    if not queries.nnz:
        return []
    unit_starts = np.asarray(index.article_first_unit, dtype=np.int64)
    matches: list[_Match] = []
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
                _Match(start + int(offset), int(article_index), float(strength[offset, article_index]), "", (), is_text=True)
            )
    return matches


_PHRASE_BREAK = re.compile(r"[^\w\s'’-]+")


def _pairs_of(text: str, index: _Index) -> list[tuple[int, tuple[str, str], str]]:
    """(code, terms, 'word word') of each pair of known content words side by side in a text.

    Stop words in between do not part them ('image now available'); punctuation does
    ('fastapi-slim[standard], and fastapi' has no pair 'standard fastapi')."""
    found: dict[int, tuple[int, tuple[str, str], str]] = {}
    for clause in _PHRASE_BREAK.split(text):
        previous: tuple[int, str, str] | None = None
        for word in word_parts(clause, keep_case=True):
            term = _TERMS[word.lower()]
            if not term:
                continue
            column = index.vocabulary.get(term, -1)
            if previous is not None and column >= 0 and previous[0] >= 0 and column != previous[0]:
                code = previous[0] * _PAIR_BASE + column
                found.setdefault(code, (code, (previous[1], term), f"{previous[2]} {word}"))
            previous = (column, term, word)
    return list(found.values())


def _lines_with_pair(index: _Index, article_index: int, pair: tuple[str, str]) -> tuple[tuple[int, str], ...]:
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


def _phrase_matches(entries: tuple[NoteEntry, ...], index: _Index) -> list[_Match]:
    """Articles using two of the entry's words side by side, as it does, worth more the rarer."""
    n_articles = max(len(index.articles), 2)
    matches: list[_Match] = []
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
            matches.append(_Match(entry_index, article_index, strength, reason, (), pair=found[0][2]))
    return matches


def _section_title_matches(entries: tuple[NoteEntry, ...], index: _Index) -> list[_Match]:
    """Sections titled with the entry's words: where a help center documents that feature."""
    if not index.units or not entries:
        return []
    weighted, norms = _query_matrix(entries, index, SECTION_TITLE_FLOOR)
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
    matches: list[_Match] = []
    for (entry_index, article_index), (value, unit_id) in best.items():
        unit = index.units[unit_id]
        if unit.heading_title:
            line = (unit.first_line, index.lines[article_index][unit.first_line - index.articles[article_index].body_line])
            reason = f"names it in a heading (section '{unit.heading_title}')"
        else:
            line = _title_line(index.articles[article_index])
            reason = f"names it in its title ('{index.articles[article_index].title}')"
        matches.append(_Match(entry_index, article_index, value, reason, (line,)))
    return matches


def _best_unit(index: _Index, article_index: int, entry: NoteEntry) -> int:
    """The article's section that best matches the entry's words."""
    first = index.article_first_unit[article_index]
    last = index.article_first_unit[article_index + 1] if article_index + 1 < len(index.articles) else len(index.units)
    weights, _ = _query_of(entry, index)
    vector = np.zeros(len(index.vocabulary))
    vector[list(weights)] = list(weights.values())
    return first + int(np.argmax(index.matrix[first:last] @ vector))


def _text_reason(index: _Index, unit_id: int, entry: NoteEntry) -> str:
    """'shares the words 'allow', 'tags' (section 'Listings')' for a text match."""
    unit = index.units[unit_id]
    article = index.articles[unit.article]
    section_terms = set(terms_of(" ".join([article.title, unit.heading_title, *(text for _, text in index.unit_lines(unit_id))])))
    shared: dict[str, str] = {}
    for word in word_parts(f"{entry.text} {entry.details}", keep_case=True):
        term = _TERMS[word.lower()]
        if term and term in section_terms and term not in shared:
            shared[term] = word
    words = ", ".join(f"'{word}'" for word in list(shared.values())[:6])
    where = f" (section '{unit.heading_title}')" if unit.heading_title else ""
    return f"shares the words {words}{where}" if words else f"similar text{where}"


def _best_lines(index: _Index, unit_id: int, entry: NoteEntry) -> tuple[tuple[int, str], ...]:
    """The section line sharing the most distinctive words with the entry (the heading if none)."""
    wanted = set(terms_of(entry.text)) or set(terms_of(entry.details))
    lines = index.unit_lines(unit_id)
    # Find the word forms of the wanted terms in this section once, then look for them per line.
    forms = {word for word in word_parts("\n".join(text for _, text in lines)) if _TERMS[word] in wanted}
    if not forms:
        return tuple(lines[:1])
    pattern = re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, forms), key=len, reverse=True)) + r")\b", re.IGNORECASE)
    best: tuple[float, int, str] | None = None
    for number, text in lines:
        hits = {_TERMS[word.lower()] for word in pattern.findall(text)}
        if hits:
            weight = sum(float(index.idf[index.vocabulary[t]]) for t in hits if t in index.vocabulary)
            if best is None or weight > best[0]:
                best = (weight, number, text)
    return ((best[1], best[2]),) if best else tuple(lines[:1])


# --- Combining ------------------------------------------------------------------------------


def check_staleness(
    articles: tuple[Article, ...],
    release: Release,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    min_listed: int = 0,
    site_url: str = "",
) -> StalenessReport:
    """Score every article against every entry of the release; flag those above threshold.

    With `min_listed`, the best articles below the threshold (down to CANDIDATE_FLOOR) are added
    as lower-confidence candidates until that many are listed.
    """
    entries = release.entries
    if len(entries) > MAX_ENTRIES:
        raise KBError(
            f"release {release.version or ''} lists {len(entries):,} entries; kb stale checks at most {MAX_ENTRIES:,} at once".replace("  ", " "),
            hint="check one release at a time (--version X), or a narrower --from-git range",
        )
    articles = tuple(article for article in articles if not is_history(article))
    index = _Index(articles)
    matches = [
        *_link_matches(entries, _LinkResolver(articles, site_url)),
        *_declared_matches(entries, articles),
        *_identifier_matches(entries, index),
        *_outdated_version_matches(entries, index),
        *_code_line_matches(entries, index),
        *_text_matches(entries, index),
        *_section_title_matches(entries, index),
        *_phrase_matches(entries, index),
    ]
    per_pair: dict[tuple[int, int], list[_Match]] = {}
    for match in matches:
        per_pair.setdefault((match.article, match.entry), []).append(match)
    per_article: dict[int, list[tuple[float, int, list[_Match]]]] = {}
    for (article_index, entry_index), found in per_pair.items():
        found.sort(key=lambda match: -match.strength)
        score = combine([match.strength for match in found]) * KIND_WEIGHTS[entries[entry_index].kind]
        per_article.setdefault(article_index, []).append((score, entry_index, found))
    ranked: list[tuple[float, str, int, list[tuple[float, int, list[_Match]]]]] = []
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


def combine(strengths: list[float]) -> float:
    """Evidence from several matches, strongest first: each further one counts half the one before.

    Like independent evidence, 1 - (1-a)(1-b/2)(1-c/4): more matches raise the score, but
    correlated weak ones (the same word as identifier and as text) cannot pile up to certainty.
    """
    miss = 1.0
    for rank, strength in enumerate(sorted(strengths, reverse=True)):
        miss *= 1 - strength * FURTHER_EVIDENCE_DISCOUNT**rank
    return 1 - miss


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
    top: list[tuple[float, int, list[_Match]]],
    entries: tuple[NoteEntry, ...],
    index: _Index,
) -> StaleArticle:
    reasons: list[str] = []
    evidence: list[Evidence] = []
    for _, entry_index, found in top:
        entry = entries[entry_index]
        for match in sorted(found, key=lambda m: -m.strength):
            unit = _best_unit(index, match.article, entry) if match.is_text else -1
            reason = f"{match.reason or _text_reason(index, unit, entry)}: \"{_short(entry.text, 100)}\""
            if reason not in reasons:
                reasons.append(reason)
            lines = match.lines
            if not lines and match.is_text:
                lines = _best_lines(index, unit, entry)
            elif not lines and match.pattern is not None:
                lines = _lines_matching(index, match.article, match.pattern)
            elif not lines and match.pair is not None:
                # Prose joins a phrase across a line break or markup that lines do not: fall
                # back to the line sharing the entry's words.
                lines = _lines_with_pair(index, match.article, match.pair) or _best_lines(
                    index, _best_unit(index, match.article, entry), entry
                )
            for number, text in lines:
                item = Evidence(entry=entry.text, line=number, text=_short(text.strip(), 240))
                if item not in evidence:
                    evidence.append(item)
    return StaleArticle(
        path=article.path, title=article.title, score=score, reasons=tuple(reasons), evidence=tuple(evidence)
    )


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
