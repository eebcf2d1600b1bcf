"""Does the knowledge base answer a ticket? Match tickets against passages of every article.

Each article is cut into passages: its title, aliases, summary, headings, list items and
sentences. A ticket's score for an article is the cosine similarity (TF-IDF over words and
stems) of the ticket and the article's closest passage, so a writer can see which passage
matched and which words they share.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from supportkb.generator.core.markdown_text import inline_text, prose_lines
from supportkb.generator.core.text import STOP_WORDS, stem_word, words

if TYPE_CHECKING:
    from supportkb.generator.core.articles import Article

Coverage = Literal["covered", "partial", "uncovered"]

COVERED_SCORE = 0.36
"""A ticket whose best passage scores this much is answered by that article."""
PARTIAL_SCORE = 0.22
"""Below this no article is close: the ticket is uncovered. In between: partial."""
CUSTOMER_SECTION = "tickets answered with a link to this article"
"""Shown as the section of a passage that is a linked ticket's words."""
CHUNK = 4_096
"""Tickets scored per block, bounding memory to CHUNK x passages floats."""

_LIST_MARK = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")
_QUOTE_OR_TABLE = re.compile(r"^>+\s*|\|")


@dataclass(frozen=True)
class Passage:
    """A piece of an article that can answer a question on its own."""

    article: int
    """Index into the analysed articles."""
    text: str
    kind: str
    """'title', 'alias', 'summary', 'question', 'ticket' (a linked ticket's words), 'heading' or 'text'."""
    section: str = ""
    """Heading of the section the passage is in ('' before the first heading)."""


@dataclass(frozen=True)
class TicketMatch:
    """How well the knowledge base answers one ticket."""

    coverage: Coverage
    article: int | None
    """Best article (index), None when none scores above zero."""
    score: float
    passage: int | None = None
    """Index of the best passage of that article."""
    is_internal_only: bool = False
    """Only an internal (agent-only) article answers it."""


def _plain(markdown: str) -> str:
    return " ".join(inline_text(_QUOTE_OR_TABLE.sub(" ", markdown)).split())


def article_passages(
    articles: Sequence[Article], customer_words: Mapping[int, Sequence[str]] | None = None
) -> tuple[Passage, ...]:
    """Every article cut into passages, in article order.

    customer_words: article index -> phrasings of tickets an agent answered with a link to it;
    they become passages ('ticket') as the article's `questions:` do ('question'), so tickets
    asking the same thing in the same words find the article.
    """
    passages: list[Passage] = []
    customer_words = customer_words or {}
    for index, article in enumerate(articles):
        seen: set[str] = set()

        def add(text: str, kind: str, section: str = "", index: int = index, seen: set[str] = seen) -> None:
            text = _plain(text)
            key = text.lower()
            if words(text) and key not in seen:
                seen.add(key)
                passages.append(Passage(index, text[:600], kind, section))

        add(article.title, "title")
        for alias in article.aliases:
            add(alias, "alias")
        # A summary the loader derived from the first paragraph repeats the body's sentences.
        if article.summary and "summary" not in article.derived:
            add(article.summary, "summary")
        for question in article.questions:
            add(question, "question")
        for phrasing in customer_words.get(index, ()):
            add(phrasing, "ticket", CUSTOMER_SECTION)
        section = ""
        heading_lines = {h.line: h.title for h in article.headings}
        # Fenced code is a command or an output, never a passage that answers a question.
        for file_line, line in prose_lines(article.body, first_line=article.body_line):
            if file_line in heading_lines:
                section = heading_lines[file_line]
                if section.strip().lower() != article.title.strip().lower():
                    add(section, "heading", section)
                continue
            line = _LIST_MARK.sub("", line).strip()
            if not line or line.startswith(("---", "|--", "<!--")):
                continue
            for sentence in _SENTENCE_END.split(line):
                if len(words(sentence)) >= 2:
                    add(sentence, "text", section)
    return tuple(passages)


def ticket_analyzer() -> Any:
    """Words and their English stems, so 'exporting' meets 'export'."""
    stems: dict[str, str] = {}

    def analyse(text: str) -> list[str]:
        out = []
        for word in words(text):
            stem = stems.get(word)
            if stem is None:
                stem = stems[word] = stem_word(word)
            out.append(stem)
        return out

    analyse.stems = stems  # type: ignore[attr-defined]  # word -> stem, for showing words, not stems.
    return analyse


@dataclass(frozen=True)
class ArticleScores:
    """Each ticket's closest articles (best first): indices, scores and best passages, n x TOP."""

    articles: Any
    scores: Any
    passages: Any


ASKED_KINDS = frozenset({"question", "ticket"})
"""Passages that are a customer's question: a ticket that close to one is asking it."""
ASKED_SCORE = 0.6
"""From this similarity to a customer's question, it counts in full: a rephrasing of the same
question, not a neighbour that shares 'my card'."""
ARTICLE_WEIGHT = 0.5
"""A ticket's score for an article: this share from the whole article, the rest from its best passage."""
TOP_ARTICLES = 5
"""Articles kept per ticket; smoothing only moves scores among a ticket's and its neighbours' top ones."""
NEIGHBOURS = 10
NEIGHBOUR_WEIGHT = 0.3
"""Share of a ticket's score that comes from its most similar tickets (0: its own match only)."""


class CoverageModel:
    """Article passages in a TF-IDF space shared with the tickets; scores tickets in blocks."""

    def __init__(
        self, articles: Sequence[Article], vectorizer: Any, passages: tuple[Passage, ...], *, passage_vectors: Any = None
    ) -> None:
        import numpy as np

        self.articles = tuple(articles)
        self.passages = passages
        self.vectorizer = vectorizer
        self._owners = np.array([p.article for p in passages], dtype=np.int64)
        if passage_vectors is None and passages:
            passage_vectors = vectorizer.transform([p.text for p in passages])
        self._passage_matrix = passage_vectors.T.tocsc() if passages else None
        # Each article as one text: all its passages. Rewards tickets whose words the article
        # uses throughout, not in one sentence only.
        texts: dict[int, list[str]] = {}
        for passage in passages:
            texts.setdefault(passage.article, []).append(passage.text)
        self._article_matrix = (
            vectorizer.transform([" ".join(texts[a]) for a in sorted(texts)]).T.tocsc() if passages else None
        )
        # Passages are in article order: each article's passages are one run of columns.
        owners_with_passages = np.unique(self._owners)
        self._run_articles = owners_with_passages
        self._run_starts = np.searchsorted(self._owners, owners_with_passages)
        self._is_internal = np.array([a.is_internal for a in self.articles], dtype=bool)
        # A question in customers' words (accepted `questions:` or a linked ticket) is direct
        # evidence: a ticket that close to it is answered, however little of the article it shares.
        self._is_asked = np.array([p.kind in ASKED_KINDS for p in passages], dtype=bool)

    def known_terms(self) -> Any:
        """Boolean per vectorizer feature: the term occurs in some passage."""
        import numpy as np

        if self._passage_matrix is None:
            return np.zeros(len(self.vectorizer.vocabulary_), dtype=bool)
        return np.asarray((self._passage_matrix != 0).sum(axis=1)).ravel() > 0

    def article_scores(self, vectors: Any) -> ArticleScores:
        """Per ticket, the TOP articles by their best passage's cosine similarity."""
        import numpy as np

        n = vectors.shape[0]
        top = min(TOP_ARTICLES, len(self._run_articles))
        articles = np.zeros((n, top), dtype=np.int64)
        scores = np.zeros((n, top), dtype=np.float32)
        best_passages = np.zeros((n, top), dtype=np.int64)
        if self._passage_matrix is None or top == 0:
            return ArticleScores(articles, scores, best_passages)
        for start in range(0, n, CHUNK):
            block = (vectors[start : start + CHUNK] @ self._passage_matrix).toarray()
            whole = (vectors[start : start + CHUNK] @ self._article_matrix).toarray()
            per_article = (1 - ARTICLE_WEIGHT) * np.maximum.reduceat(block, self._run_starts, axis=1) + ARTICLE_WEIGHT * whole
            if self._is_asked.any():
                asked = np.maximum.reduceat(np.where(self._is_asked, block, 0.0), self._run_starts, axis=1)
                per_article = np.where(asked >= ASKED_SCORE, np.maximum(per_article, asked), per_article)
            order = np.argsort(-per_article, axis=1, kind="stable")[:, :top]
            rows = np.arange(block.shape[0])[:, None]
            articles[start : start + len(block)] = self._run_articles[order]
            scores[start : start + len(block)] = per_article[rows, order]
            # Best passage of each chosen article: argmax within its run of columns.
            for j in range(top):
                run = order[:, j]
                lo = self._run_starts[run]
                hi = np.append(self._run_starts[1:], block.shape[1])[run]
                for r in range(block.shape[0]):
                    best_passages[start + r, j] = lo[r] + int(block[r, lo[r] : hi[r]].argmax())
        return ArticleScores(articles, scores, best_passages)

    def smooth(self, own: ArticleScores, neighbours: Any, similarities: Any) -> ArticleScores:
        """Blend each ticket's article scores with its nearest tickets' (weighted by similarity).

        A paraphrase that matches an article well lifts its neighbours' match to the same article;
        a question no article answers stays low because its neighbours score low too.
        """
        import numpy as np
        import scipy.sparse as sp

        n, top = own.scores.shape
        if n == 0 or top == 0 or neighbours is None or NEIGHBOUR_WEIGHT == 0:
            return own
        count = len(self.articles)
        rows = np.repeat(np.arange(n), top)
        table = sp.csr_matrix((own.scores.ravel(), (rows, own.articles.ravel())), shape=(n, count))
        weights = np.clip(similarities, 0.0, None)
        totals = weights.sum(axis=1, keepdims=True)
        weights = np.divide(weights, totals, out=np.zeros_like(weights), where=totals > 0)
        k = neighbours.shape[1]
        graph = sp.csr_matrix((weights.ravel(), (np.repeat(np.arange(n), k), neighbours.ravel())), shape=(n, n))
        blended = (table * (1 - NEIGHBOUR_WEIGHT) + (graph @ table) * NEIGHBOUR_WEIGHT).tocsr()
        # Rows with no neighbour weight keep their own scores.
        lonely = np.flatnonzero(totals.ravel() == 0)
        if len(lonely):
            blended = blended.tolil()
            for lonely_row in lonely:
                blended[lonely_row] = table[lonely_row]
            blended = blended.tocsr()
        articles = np.zeros_like(own.articles)
        scores = np.zeros_like(own.scores)
        passages = np.zeros_like(own.passages)
        for r in range(n):
            first, last = int(blended.indptr[r]), int(blended.indptr[r + 1])
            cols, vals = blended.indices[first:last], blended.data[first:last]
            order = np.argsort(-vals, kind="stable")[:top]
            articles[r, : len(order)] = cols[order]
            scores[r, : len(order)] = vals[order]
            own_passage = dict(zip(own.articles[r].tolist(), own.passages[r].tolist()))
            for j, article in enumerate(cols[order].tolist()):
                passages[r, j] = own_passage.get(article, self._first_passage(article))
        return ArticleScores(articles, scores, passages)

    def _first_passage(self, article: int) -> int:
        import numpy as np

        position = int(np.searchsorted(self._run_articles, article))
        return int(self._run_starts[position]) if position < len(self._run_starts) else 0

    def decide(self, scores: ArticleScores) -> list[TicketMatch]:
        """Coverage of each ticket from its (smoothed) article scores."""
        matches = []
        for r in range(scores.scores.shape[0]):
            candidates = [
                (float(scores.scores[r, j]), int(scores.articles[r, j]), int(scores.passages[r, j]))
                for j in range(scores.scores.shape[1])
            ]
            matches.append(self._decide(candidates))
        return matches

    def match(self, vectors: Any, *, neighbours: Any = None, similarities: Any = None) -> list[TicketMatch]:
        """Each ticket vector -> its coverage (smoothed over neighbours when they are given)."""
        own = self.article_scores(vectors)
        if neighbours is not None:
            own = self.smooth(own, neighbours, similarities)
        return self.decide(own)

    def _decide(self, candidates: list[tuple[float, int, int]]) -> TicketMatch:
        candidates = [c for c in candidates if c[0] > 0]
        if not candidates:
            return TicketMatch("uncovered", None, 0.0)
        score, article, passage = candidates[0]
        public = [c for c in candidates if not self._is_internal[c[1]]]
        if public and (public[0][0] >= COVERED_SCORE or (public[0][0] >= PARTIAL_SCORE and public[0][0] >= score)):
            score, article, passage = public[0]
        internal_only = bool(self._is_internal[article])
        coverage: Coverage
        if score >= COVERED_SCORE and not internal_only:
            coverage = "covered"
        elif score >= PARTIAL_SCORE:
            coverage = "partial"  # Close but not clearly answered, or answered only for agents.
        else:
            coverage = "uncovered"
        return TicketMatch(coverage, article, round(score, 4), passage, internal_only)


def surface_words(texts: Sequence[str], stems: dict[str, str]) -> dict[str, str]:
    """stem -> the word customers used most for it in these texts ('locat' -> 'location')."""
    from collections import Counter

    counts: Counter[tuple[str, str]] = Counter()
    for text in texts:
        for word in words(text):
            stem = stems.get(word)
            if stem:
                counts[(stem, word)] += 1
    best: dict[str, str] = {}
    for (stem, word), _count in counts.most_common():
        best.setdefault(stem, word)
    return best


def shared_terms(query_terms: Sequence[str], text: str, *, limit: int = 8) -> tuple[str, ...]:
    """The query's terms (in its order) that also occur, as words or stems, in the text."""
    text_words = set(words(text))
    stems = {stem_word(w) for w in text_words}
    found: list[str] = []
    for term in query_terms:
        low = term.lower()
        if low in STOP_WORDS or low in found:
            continue
        if low in text_words or stem_word(low) in stems:
            found.append(low)
        if len(found) >= limit:
            break
    return tuple(found)
