"""kb init: a complete new help center, and refusals that never destroy a writer's files."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from supportkb.generator.core.articles import load_articles
from supportkb.generator.core.categories import load_categories
from supportkb.generator.core.project import find_project, read_mkdocs_config
from tests.workflow.conftest import TODAY

EXPECTED_FILES = [
    ".github/workflows/help-center.yml",
    ".gitignore",
    ".pre-commit-config.yaml",
    "README.md",
    "kb/articles/getting-started/welcome.md",
    "kb/categories.yml",
    "kb/synonyms.yml",
    "mkdocs.yml",
    "requirements.txt",
]


def files_under(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_init_writes_a_complete_project(tmp_path: Path, kb) -> None:
    result = kb("init", "acme-support", cwd=tmp_path)
    root = tmp_path / "acme-support"
    assert result.exit_code == 0, result.output
    assert files_under(root) == EXPECTED_FILES
    assert "created acme-support/mkdocs.yml" in result.stdout

    config = read_mkdocs_config(root / "mkdocs.yml")
    assert config["site_name"] == "Acme Support Help Center"
    assert config["docs_dir"] == "kb/articles"
    assert config["theme"]["name"] == "material"
    assert {"supportkb": {"search": "kb", "lint": {"max_title_length": 70, "near_duplicate_threshold": 0.7, "review_every": "365d", "disable": [], "severity": {}}}} in config["plugins"]

    project = find_project(start=root)
    assert [c.id for c in load_categories(project.categories_file)] == ["getting-started", "account", "troubleshooting"]
    welcome = load_articles(project.articles_dir).articles[0]
    assert (welcome.id, welcome.category, welcome.owner, welcome.audience) == ("1000", "getting-started", "sam.writer", "public")
    assert welcome.title == "Welcome to Acme Support Help Center"
    assert "@@" not in "".join(p.read_text(encoding="utf-8") for p in root.rglob("*") if p.is_file())


def test_synonyms_file_is_what_search_reads(project: Path) -> None:
    from supportkb.generator.core.synonyms import load_synonyms

    assert load_synonyms(project / "kb/synonyms.yml")["log in"] == ["sign in", "login", "signin"]


def test_ci_choice_picks_the_workflow_files(tmp_path: Path) -> None:
    from supportkb.generator.authoring.scaffold import init_project

    gitlab = init_project(tmp_path / "g", site_name="G", ci="gitlab", today=TODAY)
    both = init_project(tmp_path / "b", site_name="B", ci="both", today=TODAY)
    none = init_project(tmp_path / "n", site_name="N", ci="none", today=TODAY)
    assert ".gitlab-ci.yml" in gitlab.written and ".github/workflows/help-center.yml" not in gitlab.written
    assert {".gitlab-ci.yml", ".github/workflows/help-center.yml"} <= set(both.written)
    assert not any("ci" in p.lower() or ".github" in p for p in none.written)


def test_folder_holding_only_git_counts_as_empty(tmp_path: Path, kb) -> None:
    (tmp_path / "site-repo/.git").mkdir(parents=True)
    result = kb("init", "site-repo", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "site-repo/mkdocs.yml").is_file()


def test_non_empty_folder_is_refused_naming_the_conflicts(tmp_path: Path, kb) -> None:
    root = tmp_path / "docs"
    (root / "kb").mkdir(parents=True)
    (root / "mkdocs.yml").write_text("site_name: Mine\n", encoding="utf-8")
    (root / "kb/categories.yml").write_text("mine:\n  title: Mine\n", encoding="utf-8")
    result = kb("init", "docs", cwd=tmp_path)
    assert result.exit_code == 1
    assert result.output.startswith("Error: docs is not empty; kb init would overwrite: mkdocs.yml, kb/categories.yml\n")
    assert "pass --force" in result.output
    assert files_under(root) == ["kb/categories.yml", "mkdocs.yml"]  # Nothing written.


def test_non_empty_folder_without_conflicts_is_refused_too(tmp_path: Path, kb) -> None:
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes/todo.txt").write_text("x", encoding="utf-8")
    result = kb("init", "notes", cwd=tmp_path)
    assert result.exit_code == 1
    assert "Error: notes is not empty (it has todo.txt)" in result.output


def test_force_adds_missing_files_and_keeps_existing_ones(tmp_path: Path, kb) -> None:
    root = tmp_path / "docs"
    root.mkdir()
    (root / "mkdocs.yml").write_text("site_name: Mine\n", encoding="utf-8")
    (root / "LICENSE").write_text("MIT\n", encoding="utf-8")
    result = kb("init", "docs", "--force", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert (root / "mkdocs.yml").read_text(encoding="utf-8") == "site_name: Mine\n"
    assert (root / "LICENSE").read_text(encoding="utf-8") == "MIT\n"
    assert "kept    docs/mkdocs.yml (it already existed)" in result.stdout
    assert set(EXPECTED_FILES) - {"mkdocs.yml"} <= set(files_under(root))


def test_a_file_is_not_a_folder(tmp_path: Path, kb) -> None:
    (tmp_path / "taken").write_text("x", encoding="utf-8")
    result = kb("init", "taken", cwd=tmp_path)
    assert result.exit_code != 0
    assert "taken" in result.output
    assert (tmp_path / "taken").read_text(encoding="utf-8") == "x"


@pytest.mark.parametrize(("name", "expected"), [("Tally \"Pro\" Help Center", "Tally 'Pro' Help Center"), ("a\\b: c", "a/b: c")])
def test_site_names_with_quotes_stay_valid_yaml(tmp_path: Path, name: str, expected: str) -> None:
    from supportkb.generator.authoring.scaffold import init_project

    init_project(tmp_path / "x", site_name=name, today=TODAY)
    assert yaml.safe_load((tmp_path / "x/mkdocs.yml").read_text(encoding="utf-8"))["site_name"] == expected
    assert load_articles(tmp_path / "x/kb/articles").diagnostics == ()
