"""kb stats: counts by category, audience, owner and review status, as a table and as JSON."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from supportkb.generator.core.articles import load_articles
from supportkb.generator.core.categories import load_categories
from supportkb.generator.authoring.stats import Row, compute_stats
from tests.conftest import write_article

TODAY = dt.date(2026, 3, 1)


def fill(root: Path) -> None:
    articles = root / "kb/articles"
    write_article(articles / "account/a.md", title="A", id="1", category="account", owner="ana", reviewed="2025-01-01", review_every="90d")
    write_article(articles / "account/b.md", title="B", id="2", category="account", owner="ana", reviewed="2026-01-15", review_every="60d")
    write_article(articles / "account/c.md", title="C", id="3", category="account", owner="bo", audience="internal", reviewed="2026-02-20", review_every="180d")
    write_article(articles / "loose.md", title="Loose", id="4")


def test_counts_by_every_dimension(project: Path) -> None:
    fill(project)
    (project / "kb/articles/getting-started/welcome.md").unlink()
    stats = compute_stats(load_articles(project / "kb/articles"), load_categories(project / "kb/categories.yml"), today=TODAY)
    assert (stats.articles, stats.public, stats.internal) == (4, 3, 1)
    assert stats.by_category == (
        Row("getting-started", "Getting started", 0, 0, 0, 0, 0),
        Row("account", "Account and billing", 3, 2, 1, 1, 1),
        Row("troubleshooting", "Troubleshooting", 0, 0, 0, 0, 0),
        Row("(none)", "(none)", 1, 1, 0, 0, 0),
    )
    assert stats.by_owner == (
        Row("ana", "ana", 2, 2, 0, 1, 1),
        Row("(nobody)", "(nobody)", 1, 1, 0, 0, 0),
        Row("bo", "bo", 1, 0, 1, 0, 0),
    )
    assert dict(stats.by_review_status) == {"overdue": 1, "due-soon": 1, "current": 1, "unscheduled": 1}


def test_stats_table_and_json_through_the_cli(project: Path, kb) -> None:
    fill(project)
    table = kb("stats", cwd=project)
    assert table.exit_code == 0, table.output
    lines = table.stdout.splitlines()
    assert lines[0].startswith("5 articles: 4 public, 1 internal")
    assert ["Account", "and", "billing", "3", "2", "1"] in [line.split()[:6] for line in lines]
    assert any(line.split()[:2] == ["sam.writer", "1"] for line in lines)
    data = json.loads(kb("stats", "--json", cwd=project).stdout)
    assert data["articles"] == 5
    assert data["by_audience"] == {"public": 4, "internal": 1}
    assert [row["key"] for row in data["by_category"]] == ["getting-started", "account", "troubleshooting", "(none)"]
    assert sum(data["by_review_status"].values()) == 5
