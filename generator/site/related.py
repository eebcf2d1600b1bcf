"""Related articles: explicit `related:` first, then the nearest by words and by meaning.

Each article is reduced to its strongest terms by BM25 weight (generator/core/ranking.py, the
ranker search and staleness use); a sparse matrix product over those terms
scores only the articles that share one (SciPy, in chunks of rows, so memory stays bounded).
With an embedding backend, each article is also embedded (title, aliases, phrasings, summary,
headings and the start of the body) and its nearest articles by cosine are fused with the
nearest by words in the one place search fuses them too (generator/core/fusion.py).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import islice

from supportkb.generator.core.articles import Article
from supportkb.generator.core.embeddings import Embedder, load_embedder
from supportkb.generator.core.fusion import fuse_lexical_semantic
from supportkb.generator.core.links import article_for_reference
from supportkb.generator.core.markdown_text import plain_text
from supportkb.generator.core.ranking import bm25_matrix, frequency_matrix
from supportkb.generator.core.text import FUNCTION_WORDS, word_parts

SIGNATURE_TERMS = 32
"""Terms kept per article; more finds weaker neighbours at a higher cost."""
BODY_WORDS = 800
"""Only the start of long bodies counts: it says what an article is about."""
CATEGORY_BONUS = 0.08
TAG_BONUS = 0.06
CHUNK_ROWS = 512
"""Similarity rows computed at once; bounds memory on large knowledge bases."""

MIN_WORD_CHARS = 3
"""Shorter words ('id', 'ok') link too many unrelated articles."""
HOW_TO_WORDS = frozenset("click open select choose want need use using used see also".split())
"""Words every how-to article uses: they say nothing about what it is about."""


@dataclass(frozen=True)
class RelatedScore:
    """A computed neighbour of an article, with the score that ranked it."""

    id: str
    score: float


MEANING_WORDS = 200
"""Body words embedded per article: the start of the body says what it is about."""
MEANING_FLOOR = 0.5
"""A neighbour by meaning alone (no shared strong term) needs at least this cosine."""


OWN_RELATED_HEADINGS = frozenset({"related", "related articles", "related pages", "related topics", "see also"})


def has_own_related_section(article: Article) -> bool:
    """True when the writer (or the help center it was imported from) lists related pages itself."""
    return any(" ".join(h.title.lower().split()) in OWN_RELATED_HEADINGS for h in article.headings)


def find_related(
    articles: Sequence[Article], *, limit: int = 5, embeddings: str | None = None
) -> dict[str, tuple[str, ...]]:
    """Article id -> ids of at most `limit` related articles among `articles`.

    Explicit `related:` entries (ids, or paths relative to the articles folder) come first, in
    their order; entries naming articles outside `articles` (internal ones, say) are dropped.
    embeddings: the embedding backend (the plugin's `embedding_backend`); None: "default";
    "none": by words, tags and category only.
    """
    if limit <= 0:
        return {a.id: () for a in articles}
    by_id = {a.id: a for a in articles}
    by_path = {str(a.path): a for a in articles}
    embedder = load_embedder(embeddings or "default") if len(articles) > 1 else None
    # Fusion needs each side's own shortlist, not only the `limit` that will be shown.
    computed = nearest_articles(articles, limit=limit * 3 if embedder is not None else limit)
    if embedder is not None:
        computed = fuse_with_meaning(articles, computed, embedder, limit=limit)
    result: dict[str, tuple[str, ...]] = {}
    for article in articles:
        chosen: list[str] = []
        for reference in article.related:
            target = article_for_reference(reference, by_id, by_path)
            if target is not None and target.id != article.id and target.id not in chosen:
                chosen.append(target.id)
        for neighbour in computed.get(article.id, ()):
            if neighbour.id not in chosen:
                chosen.append(neighbour.id)
        result[article.id] = tuple(chosen[:limit])
    return result


def nearest_articles(articles: Sequence[Article], *, limit: int = 5) -> dict[str, tuple[RelatedScore, ...]]:
    """The `limit` most similar articles to each article, best first (ties by title)."""
    import numpy as np
    from scipy import sparse

    signatures = _signatures([_term_counts(a) for a in articles])
    vocabulary: dict[str, int] = {}
    rows: list[int] = []
    columns: list[int] = []
    weights: list[float] = []
    for index, signature in enumerate(signatures):
        for term, weight in signature:
            rows.append(index)
            columns.append(vocabulary.setdefault(term, len(vocabulary)))
            weights.append(weight)
    total = len(articles)
    matrix = sparse.csr_matrix(
        (np.asarray(weights, dtype=np.float32), (rows, columns)), shape=(total, max(1, len(vocabulary)))
    )
    transposed = matrix.T.tocsr()
    shortlist = limit * 3  # Bonuses reorder the best few by text; they never add candidates.
    result: dict[str, tuple[RelatedScore, ...]] = {}
    for start in range(0, total, CHUNK_ROWS):
        similarities = (matrix[start : start + CHUNK_ROWS] @ transposed).tocsr()
        for offset in range(similarities.shape[0]):
            index = start + offset
            article = articles[index]
            begin, end = similarities.indptr[offset], similarities.indptr[offset + 1]
            others = similarities.indices[begin:end]
            scores = similarities.data[begin:end]
            if len(scores) > shortlist + 1:
                best = np.argpartition(-scores, shortlist)[: shortlist + 1]
                others, scores = others[best], scores[best]
            tags = set(article.tags)
            ranked = []
            for other, score in zip(others.tolist(), scores.tolist(), strict=True):
                neighbour = articles[other]
                if other == index or neighbour.id == article.id:
                    continue
                if article.category is not None and neighbour.category == article.category:
                    score += CATEGORY_BONUS
                score += TAG_BONUS * min(3, len(tags.intersection(neighbour.tags)))
                ranked.append((-score, neighbour.title.lower(), other, score))
            ranked.sort()
            result[article.id] = tuple(RelatedScore(articles[o].id, round(s, 4)) for _, _, o, s in ranked[:limit])
    return result


def fuse_with_meaning(
    articles: Sequence[Article],
    by_words: dict[str, tuple[RelatedScore, ...]],
    embedder: Embedder,
    *,
    limit: int,
) -> dict[str, tuple[RelatedScore, ...]]:
    """Each article's neighbours by words fused with its nearest by meaning (best first)."""
    import numpy as np

    vectors = embedder.embed([_meaning_text(a) for a in articles])
    shortlist = limit * 3
    result: dict[str, tuple[RelatedScore, ...]] = {}
    for start in range(0, len(articles), CHUNK_ROWS):
        cosines = vectors[start : start + CHUNK_ROWS] @ vectors.T
        for offset in range(cosines.shape[0]):
            index = start + offset
            article = articles[index]
            row = cosines[offset]
            row[index] = -np.inf
            count = min(shortlist, len(row) - 1)
            best = np.argpartition(-row, count - 1)[:count] if count < len(row) else np.arange(len(row))
            meaning = {
                articles[int(o)].id: float(row[o])
                for o in best
                if np.isfinite(row[o]) and articles[int(o)].id != article.id
            }
            words = {n.id: n.score for n in by_words.get(article.id, ())}
            fused = [
                RelatedScore(other, round(score, 4))
                for other, score in fuse_lexical_semantic(words, meaning)
                if other in words or meaning.get(other, 0.0) >= MEANING_FLOOR
            ]
            result[article.id] = tuple(fused[:limit])
    return result


def _meaning_text(article: Article) -> str:
    body = " ".join(islice(iter(plain_text(article.body).split()), MEANING_WORDS))
    return "\n".join(
        [
            article.title,
            *article.aliases,
            *article.questions,
            article.summary or "",
            *(h.title for h in article.headings),
            body,
        ]
    )


def _term_counts(article: Article) -> Counter[str]:
    """Weighted term counts: the title, aliases, tags and summary count more than body words."""
    counts: Counter[str] = Counter()
    for weight, text in (
        (4, article.title),
        (3, " ".join(article.aliases)),
        (3, " ".join(article.tags)),
        (2, article.summary),
        (2, " ".join(h.title for h in article.headings)),
    ):
        for word in _words(text):
            counts[word] += weight
    body = plain_text(article.body)
    for word in islice(_words(body), BODY_WORDS):
        counts[word] += 1
    for tag in article.tags:
        counts["tag:" + tag.lower()] += 3
    return counts


def _words(text: str) -> Iterator[str]:
    for word in word_parts(text):
        if len(word) >= MIN_WORD_CHARS and word not in FUNCTION_WORDS and word not in HOW_TO_WORDS and not word.isdigit():
            yield word


def _signatures(counts: Sequence[Counter[str]]) -> list[tuple[tuple[str, float], ...]]:
    """Each article's strongest terms by BM25 weight (the core ranker's), L2-normalised over
    the kept terms; a term no other article has links nothing and is left out."""
    import numpy as np

    vocabulary: dict[str, int] = {}
    rows: list[int] = []
    columns: list[int] = []
    frequencies: list[float] = []
    for index, terms in enumerate(counts):
        for term, count in terms.items():
            rows.append(index)
            columns.append(vocabulary.setdefault(term, len(vocabulary)))
            frequencies.append(count)
    shape = (len(counts), max(1, len(vocabulary)))
    lengths = np.array([sum(terms.values()) for terms in counts], dtype=np.float64)
    ranking = bm25_matrix(frequency_matrix(rows, columns, frequencies, shape), lengths)
    shared = np.bincount(ranking.weights.indices, minlength=shape[1]) >= 2
    names = list(vocabulary)
    result: list[tuple[tuple[str, float], ...]] = []
    weights = ranking.weights
    for index in range(len(counts)):
        begin, end = weights.indptr[index], weights.indptr[index + 1]
        kept = sorted(
            (-float(weight), names[column])
            for column, weight in zip(weights.indices[begin:end].tolist(), weights.data[begin:end].tolist(), strict=True)
            if shared[column]
        )[:SIGNATURE_TERMS]
        norm = math.sqrt(sum(w * w for w, _ in kept)) or 1.0
        result.append(tuple((term, -w / norm) for w, term in kept))
    return result
