"""Every section of every article, weighted for BM25F, with the titles and word pairs the signals read.

A section is an article's text before its first heading, or one heading's text. Text weights:
page title, file path and heading count double; so do other pages' link texts pointing at the
page or section, while a link's text counts a quarter on the page it sits on, so hub pages
listing features by link do not outrank the pages that document them; URLs are not text.
The weights are generator/core/ranking.py's BM25 (k1 1.2, b 0.75); document frequency counts
articles, not sections.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from scipy import sparse

from supportkb.generator.core.links import linked_article
from supportkb.generator.core.ranking import bm25_matrix, frequency_matrix
from supportkb.gaps.staleness.words import WordIds

if TYPE_CHECKING:
    from supportkb.generator.core.articles import Article

TITLE_BOOST = 2.0
HEADING_BOOST = 2.0
LINK_TEXT_WEIGHT = 0.25
"""Weight of a link's text on the page it sits on: an overview that lists features by links to
their pages (a hub) is not where they are documented."""
ANCHOR_TEXT_BOOST = 1.0
"""Weight of other pages' link texts on the page (or section) they point to, each text once."""
PAIR_BASE = 1 << 24
"""Word pairs are coded as first * PAIR_BASE + second (vocabularies stay far below 16 M)."""

HTML_COMMENT_OR_TAG = re.compile(r"<!--|-->|</?[a-zA-Z][^>]*>")


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


class SectionIndex:
    """BM25F weights of every section of every article, as a sparse matrix."""

    def __init__(self, articles: tuple[Article, ...]) -> None:
        self.articles = articles
        self.lines: list[list[str]] = [article.body.split("\n") for article in articles]
        self.units: list[_Unit] = []
        self.article_first_unit: list[int] = []
        vocabulary: dict[str, int] = {}
        word_ids = WordIds(vocabulary)
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
                prose, link_texts = resolver.split(index, HTML_COMMENT_OR_TAG.sub(" ", body), references)
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
                    pair_codes.append(sequence[:-1] * PAIR_BASE + sequence[1:])
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
        frequencies = frequency_matrix(row_index, col_index, boosts, shape)
        self.article_of_unit = np.fromiter((u.article for u in self.units), dtype=np.int64, count=len(self.units))
        # Document frequency counts articles, not sections: how many pages use the word.
        presence = frequency_matrix(
            self.article_of_unit[row_index], col_index, np.ones(len(col_index)), (max(len(articles), 1), len(vocabulary))
        )
        df = np.bincount(presence.indices, minlength=len(vocabulary)).astype(np.float64)
        self.document_frequency = df
        ranking = bm25_matrix(frequencies, np.asarray(lengths), document_frequency=df, document_count=max(len(articles), 1))
        self.idf = ranking.idf
        self.max_idf = ranking.max_idf
        self.matrix = ranking.weights
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
