"""The ranking of a real index equals BM25F computed by hand from the articles' text.

The reference below is plain Python over the article texts; the engine reads its postings back
from disk and scores with numpy. A change in how postings are written or read (or in a library
under them) that moves any score shows up here as a different order or score.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pytest
from whoosh.util.numeric import byte_to_length, length_to_byte

from supportkb.generator.core.articles import load_articles
from supportkb.generator.core.text import terms
from supportkb.search.engine import SearchIndex
from supportkb.search.postings import Row
from supportkb.search.query import Ranking, parse_query
from supportkb.search.schema import index_entries
from supportkb.search.scoring import FieldWeight
from tests.conftest import SAMPLE_KB

QUERIES = (
    "how long do refunds take",
    "reset password",
    "export tickets to csv",
    "invoice",
    "two factor authentication app",
    "cancel subscription refund",
)


def reference_scores(
    rows: Sequence[Row], query: Sequence[str], fields: Sequence[FieldWeight], k1: float
) -> list[float]:
    """Robertson & Zaragoza's BM25F over rows: per term, length-normalised field frequencies
    are weighted and summed, then saturated once."""
    counts = [{f.name: Counter(terms(row.fields.get(f.name, ""))) for f in fields} for row in rows]
    lengths = [
        {name: byte_to_length(length_to_byte(sum(c.values()))) for name, c in row.items()}
        for row in counts
    ]
    average = {
        f.name: max(1.0, sum(row[f.name] for row in lengths) / max(1, len(rows))) for f in fields
    }
    scores = [0.0] * len(rows)
    for term in query:
        pseudo = [
            sum(
                f.weight * row[f.name][term] / (1 - f.b + f.b * length[f.name] / average[f.name])
                for f in fields
            )
            for row, length in zip(counts, lengths)
        ]
        df = sum(1 for value in pseudo if value > 0)
        if df == 0:
            continue
        idf = math.log(1 + (len(rows) - df + 0.5) / (df + 0.5))
        for number, value in enumerate(pseudo):
            scores[number] += idf * value * (k1 + 1) / (k1 + value)
    return scores


def reference_ranking(
    rows: Sequence[Row], text: str, ranking: Ranking, limit: int
) -> list[tuple[str, float]]:
    """(path, score) best first: article BM25F, the best candidates re-scored with their best
    section's BM25F; ties keep index order."""
    query = parse_query(text).terms
    articles = [row for row in rows if row.position == 0]
    sections = [row for row in rows if row.position > 0]
    article_scores = reference_scores(articles, query, ranking.article_fields(), ranking.k1)
    section_scores = reference_scores(sections, query, ranking.section_fields(), ranking.k1)
    best_section: dict[str, float] = {}
    for row, score in zip(sections, section_scores):
        best_section[row.path] = max(best_section.get(row.path, 0.0), score)
    order = sorted(range(len(articles)), key=lambda n: (-article_scores[n], n))
    candidates = [n for n in order if article_scores[n] > 0][: max(limit, ranking.candidates)]
    final = [
        (
            article_scores[n] + ranking.section_weight * best_section.get(articles[n].path, 0.0),
            n,
        )
        for n in candidates
    ]
    final.sort(key=lambda pair: (-pair[0], pair[1]))
    return [(articles[n].path, score) for score, n in final[:limit]]


@pytest.fixture(scope="module")
def sample() -> tuple[list[Row], Path]:
    articles = load_articles(SAMPLE_KB / "articles").articles
    rows = [row for article in articles for row in index_entries(article).rows]
    return rows, SAMPLE_KB


@pytest.mark.parametrize("text", QUERIES)
def test_ranking_of_an_index_on_disk_is_bm25f_by_hand(
    sample: tuple[list[Row], Path], tmp_path: Path, text: str
) -> None:
    rows, kb = sample
    articles = load_articles(kb / "articles").articles
    index = SearchIndex.build(articles, index_dir=tmp_path / "index")
    reopened = SearchIndex.open(tmp_path / "index")
    expected = reference_ranking(rows, text, Ranking(), limit=10)
    assert expected, "the sample help center should answer every query here"
    for engine in (index, reopened):
        hits = engine.search(text, limit=10, include_internal=True)
        assert [hit.path for hit in hits] == [path for path, _ in expected]
        assert [hit.score for hit in hits] == pytest.approx([s for _, s in expected], abs=1e-3)
    index.close()
    reopened.close()
