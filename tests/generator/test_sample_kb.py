"""The sample help center is the demo and the fixture: it must stay valid and rich."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from supportkb.generator.core.articles import load_articles
from supportkb.generator.core.categories import load_categories
from supportkb.cli import main
from tests.conftest import REPO_ROOT


def test_sample_passes_check_with_only_review_reminders() -> None:
    result = CliRunner().invoke(main, ["check", "--format", "json", "-f", str(REPO_ROOT / "mkdocs.yml")])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["errors"] == 0
    # Some sample articles are overdue on purpose (and more become so as time passes).
    assert {f["code"] for f in report["findings"]} <= {"review-overdue"}


def test_sample_reads_like_a_real_help_center(sample_kb: Path) -> None:
    loaded = load_articles(sample_kb / "articles")
    categories = load_categories(sample_kb / "categories.yml")
    assert len(loaded.articles) >= 40 and len(categories) >= 6
    assert {a.category for a in loaded.articles} == {c.id for c in categories}
    internal = [a for a in loaded.articles if a.is_internal]
    assert len(internal) >= 3
    assert sum(1 for a in loaded.articles if a.aliases) >= 30
    assert sum(1 for a in loaded.articles if a.features) >= 30
    assert any(link.is_image for a in loaded.articles for link in a.links)
    assert sum(1 for a in loaded.articles if a.related) >= 10
