"""kb new: the file, its complete front matter, and refusals of titles that cannot work."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from supportkb.generator.core.articles import load_articles
from supportkb.generator.authoring.new_article import next_free_id
from supportkb.generator.core.slug import file_slug
from tests.conftest import write_article


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("How do I reset my password?", "how-do-i-reset-my-password"),
        ("Réinitialiser le mot de passe", "reinitialiser-le-mot-de-passe"),
        ("Export to CSV (Excel, Sheets) & more!", "export-to-csv-excel-sheets-more"),
        ("パスワードをリセットする", "パスワードをリセットする"),
        ("Why " + "very " * 20 + "long", "why-very-very-very-very-very-very-very-very-very-very-very"),
        ("?!…", ""),
    ],
)
def test_file_slug(title: str, slug: str) -> None:
    assert file_slug(title) == slug


@pytest.mark.parametrize(
    ("ids", "expected"),
    [
        ([], "1000"),
        (["1019", "1020", "welcome"], "1021"),
        (["kb-007", "kb-010", "42"], "kb-011"),
        (["1", "2", "3", "sf-9"], "4"),
    ],
)
def test_next_free_id(ids: list[str], expected: str) -> None:
    assert next_free_id(ids) == expected


def test_new_article_has_complete_front_matter(project: Path, kb) -> None:
    result = kb("new", "How do I reset my password?", "--category", "account", "--tag", "password", cwd=project)
    assert result.exit_code == 0, result.output
    assert result.stdout == "kb/articles/account/how-do-i-reset-my-password.md\n"
    loaded = load_articles(project / "kb/articles")
    assert loaded.diagnostics == ()
    article = loaded.by_path()["account/how-do-i-reset-my-password.md"]
    assert (article.id, article.title, article.category, article.audience) == ("1001", "How do I reset my password?", "account", "public")
    assert (article.owner, article.tags, article.reviewed, article.review_every_days) == ("sam.writer", ("password",), dt.date.today(), 180)
    assert set(article.meta) == {"id", "title", "summary", "category", "tags", "aliases", "audience", "owner", "reviewed", "review_every", "related"}
    assert article.headings[0].title == "How do I reset my password?"


def test_ids_keep_counting_and_internal_articles_work(project: Path, kb) -> None:
    kb("new", "First", "--category", "account", cwd=project)
    result = kb("new", "Refund override runbook", "-c", "account", "--audience", "internal", "--summary", "For agents.", cwd=project)
    article = load_articles(project / "kb/articles").by_path()["account/refund-override-runbook.md"]
    assert (article.id, article.audience, article.summary) == ("1002", "internal", "For agents.")
    assert result.exit_code == 0


def test_owner_option_wins_and_missing_git_identity_is_a_note(project: Path, kb, monkeypatch: pytest.MonkeyPatch) -> None:
    kb("new", "Owned", "-c", "account", "--owner", "lee", cwd=project)
    assert load_articles(project / "kb/articles").by_path()["account/owned.md"].owner == "lee"
    empty = project / "empty-gitconfig"
    empty.write_text("", encoding="utf-8")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(empty))
    result = kb("new", "Unowned", "-c", "account", cwd=project)
    assert result.exit_code == 0
    assert "note: no owner set" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["", "-c", "account"], "Error: the title is empty"),
        (["   ", "-c", "account"], "Error: the title is empty"),
        (["?!...", "-c", "account"], "Error: the title '?!...' has no letters or digits"),
        (["Welcome to Acme Help Center", "-c", "account"], "Error: an article titled 'Welcome to Acme Help Center' already exists: kb/articles/getting-started/welcome.md"),
        (["WELCOME TO ACME help center", "-c", "account"], "already exists: kb/articles/getting-started/welcome.md"),
        (["Refunds", "-c", "acount"], "unknown category 'acount'\n  hint: did you mean 'account'?"),
        (["Refunds"], "Error: no category given\n  hint: pass --category, one of: getting-started, account, troubleshooting"),
    ],
)
def test_bad_titles_and_categories_are_refused(project: Path, kb, args: list[str], message: str) -> None:
    before = sorted(p.name for p in (project / "kb/articles").rglob("*.md"))
    result = kb("new", *args, cwd=project)
    assert result.exit_code == 1
    assert message in result.output
    assert sorted(p.name for p in (project / "kb/articles").rglob("*.md")) == before


def test_same_slug_in_the_same_category_is_refused(project: Path, kb) -> None:
    write_article(project / "kb/articles/account/refunds.md", title="Money back", category="account", id="5")
    result = kb("new", "Refunds!", "-c", "account", cwd=project)
    assert result.exit_code == 1
    assert "Error: kb/articles/account/refunds.md already exists" in result.output


def test_new_works_with_a_bare_markdown_folder(tmp_path: Path, kb) -> None:
    (tmp_path / "notes").mkdir()
    write_article(tmp_path / "notes/a.md", title="A", id="7")
    result = kb("new", "Second note", "--kb", str(tmp_path / "notes"), cwd=tmp_path)
    assert result.exit_code == 0, result.output
    article = load_articles(tmp_path / "notes").by_path()["second-note.md"]
    assert article.id == "8" and article.category is None
