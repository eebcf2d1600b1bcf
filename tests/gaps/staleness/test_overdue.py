"""`kb stale --overdue`: articles past reviewed + review_every, with owners and last git change."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path, PurePosixPath

from supportkb.generator.core.articles import load_articles
from supportkb.cli import main
from supportkb.gaps.staleness.overdue import OverdueArticle, find_overdue, last_git_changes
from tests.conftest import write_article


def review_kb(root: Path) -> Path:
    write_article(root / "kb/articles/old.md", "Old.\n", title="Old", owner="ana", reviewed="2024-01-01", review_every="90d")
    write_article(root / "kb/articles/fresh.md", "Fresh.\n", title="Fresh", owner="bo", reviewed="2025-02-01", review_every="1y")
    write_article(root / "kb/articles/never.md", "Never.\n", title="Never", review_every="6m")
    write_article(root / "kb/articles/café.md", "Menu.\n", title="Café", reviewed="2024-06-01", review_every="30d")
    write_article(root / "kb/articles/no-policy.md", "Text.\n", title="No policy", reviewed="2020-01-01")
    return root / "kb/articles"


def test_find_overdue_orders_never_reviewed_then_most_overdue(tmp_path: Path):
    articles = load_articles(review_kb(tmp_path)).articles
    found = find_overdue(articles, today=dt.date(2025, 3, 1))
    assert [str(item.path) for item in found] == ["never.md", "old.md", "café.md"]
    assert found[1] == OverdueArticle(
        path=PurePosixPath("old.md"),
        title="Old",
        owner="ana",
        reviewed=dt.date(2024, 1, 1),
        review_every_days=90,
        due=dt.date(2024, 3, 31),
        days_overdue=335,
        line=4,
    )
    assert found[0].reviewed is None and found[0].days_overdue is None and found[0].line == 3


def test_last_git_changes_reads_each_files_newest_commit(tmp_path: Path, make_repo):
    repo = make_repo("help")
    review_kb(repo.root)
    repo.git("add", "-A")
    repo.commit("Add articles", date="2024-01-05T10:00:00")
    (repo.root / "kb/articles/old.md").write_text("---\ntitle: Old\nowner: ana\nreviewed: 2024-01-01\nreview_every: 90d\n---\nEdited.\n")
    repo.git("add", "-A")
    repo.commit("Edit old", date="2024-07-09T10:00:00")
    dates = last_git_changes(repo.root / "kb/articles")
    assert dates["old.md"] == dt.date(2024, 7, 9)
    assert dates["never.md"] == dt.date(2024, 1, 5)
    assert dates["café.md"] == dt.date(2024, 1, 5)


def test_last_git_changes_outside_git_is_empty(tmp_path: Path):
    assert last_git_changes(tmp_path) == {}


def test_cli_overdue_json_with_owners_and_git_dates(runner, make_repo, monkeypatch):
    repo = make_repo("help")
    articles = review_kb(repo.root)
    repo.git("add", "-A")
    repo.commit("Add articles", date="2024-01-05T10:00:00")
    result = runner.invoke(main, ["stale", "--overdue", "--kb", str(articles), "--today", "2025-03-01", "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["today"] == "2025-03-01"
    assert report["overdue"][1] == {
        "path": "old.md",
        "title": "Old",
        "owner": "ana",
        "reviewed": "2024-01-01",
        "review_every_days": 90,
        "due": "2024-03-31",
        "days_overdue": 335,
        "last_changed": "2024-01-05",
    }


def test_cli_overdue_markdown_and_github(runner, tmp_path: Path, monkeypatch):
    articles = review_kb(tmp_path)
    markdown = runner.invoke(main, ["stale", "--overdue", "--kb", str(articles), "--today", "2025-03-01"])
    assert markdown.exit_code == 0
    assert "3 articles are due for review on 2025-03-01." in markdown.stdout
    assert "| Old<br>`old.md:4` | ana | 2024-01-01 | 2024-03-31 | 335 | — |" in markdown.stdout
    assert "| Never<br>`never.md:3` | — | never | — | — | — |" in markdown.stdout
    monkeypatch.chdir(tmp_path)
    github = runner.invoke(main, ["stale", "--overdue", "--kb", "kb/articles", "--today", "2025-03-01", "--format", "github"])
    assert (
        "::warning file=kb/articles/old.md,line=4,title=Review overdue::"
        "Last reviewed 2024-01-01; review was due 2024-03-31 (335 days ago). Owner: ana."
    ) in github.stdout.splitlines()


def test_cli_overdue_nothing_due(runner, tmp_path: Path):
    write_article(tmp_path / "a.md", "A.\n", title="A", reviewed="2025-01-01", review_every="1y")
    result = runner.invoke(main, ["stale", "--overdue", "--kb", str(tmp_path), "--today", "2025-03-01"])
    assert result.exit_code == 0
    assert "0 articles are due for review on 2025-03-01." in result.stdout
