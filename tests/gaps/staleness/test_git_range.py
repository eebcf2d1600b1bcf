"""`--from-git OLD..NEW`: a release read from a real product repository's history."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from supportkb.cli import main
from supportkb.generator.core.errors import KBError
from supportkb.gaps.staleness.notes import read_git_range
from tests.conftest import write_article


@pytest.fixture
def product(make_repo):
    repo = make_repo("product")
    repo.commit("Initial import", files={"app.py": "print('v1')\n"}, date="2024-01-01T10:00:00")
    repo.tag("v1.0.0")
    repo.commit("feat(export): add `--format csv` to acme export", files={"export.py": "x = 1\n"}, date="2024-02-01T10:00:00")
    repo.commit("docs: fix typo in README", files={"README.md": "hi\n"}, date="2024-02-02T10:00:00")
    repo.commit("chore(deps): bump requests from 2.0 to 2.1", files={"req.txt": "requests\n"}, date="2024-02-03T10:00:00")
    # A merged pull request: the subject is boilerplate, the PR title is the body's first line.
    repo.git("checkout", "-q", "-b", "sso")
    repo.commit("wip", files={"sso.py": "y = 2\n"}, date="2024-02-04T10:00:00")
    repo.git("checkout", "-q", "main")
    repo.git(
        "merge", "--no-ff", "-q", "sso", "-m", "Merge pull request #42 from alice/sso\n\nAdd single sign-on with Okta",
        date="2024-02-05T10:00:00",
    )
    repo.tag("v1.1.0")
    return repo


def test_reads_subjects_and_merged_pull_request_titles(product):
    release = read_git_range(product.root, "v1.0.0..v1.1.0")
    assert release.version == "v1.1.0"
    assert release.date == dt.date(2024, 2, 5)
    assert [(e.text, e.kind) for e in release.entries] == [
        ("Add single sign-on with Okta", "change"),
        ("wip", "change"),
        ("chore(deps): bump requests from 2.0 to 2.1", "internal"),
        ("docs: fix typo in README", "docs"),
        ("feat(export): add --format csv to acme export", "change"),
    ]


@pytest.mark.parametrize(
    ("revision_range", "message"),
    [
        ("v1.0.0..v9.9.9", "has no ref 'v9.9.9'"),
        ("nope..v1.1.0", "has no ref 'nope'"),
        ("v1.0.0", "not a git range: 'v1.0.0'"),
        ("v1.1.0..v1.1.0", "no commits in v1.1.0..v1.1.0"),
    ],
)
def test_bad_ranges_are_clear_errors(product, revision_range, message):
    with pytest.raises(KBError) as error:
        read_git_range(product.root, revision_range)
    assert message in str(error.value)


def test_a_folder_that_is_not_a_repository(tmp_path: Path):
    with pytest.raises(KBError, match="is not a git repository"):
        read_git_range(tmp_path, "a..b")


def test_cli_from_git_flags_the_article_about_the_changed_flag(product, runner, tmp_path: Path):
    kb = tmp_path / "help"
    write_article(kb / "export.md", "# Exporting\n\nRun `acme export` to download data.\n\n## Formats\n\nUse `--format json` or `--format xml`.\n", title="Exporting data")
    write_article(kb / "billing.md", "# Billing\n\nInvoices arrive monthly.\n", title="Billing")
    result = runner.invoke(main, ["stale", "--kb", str(kb), "--from-git", "v1.0.0..v1.1.0", "--repo", str(product.root), "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["release"] == "v1.1.0"
    assert [item["path"] for item in report["flagged"]] == ["export.md"]
    assert any(e["line"] == 10 for e in report["flagged"][0]["evidence"])


def test_cli_unknown_ref_exits_1_without_traceback(product, runner, tmp_path: Path):
    write_article(tmp_path / "help/a.md", "Text.\n", title="A")
    result = runner.invoke(main, ["stale", "--kb", str(tmp_path / "help"), "--from-git", "v1.0.0..v7", "--repo", str(product.root)])
    assert result.exit_code == 1
    assert "has no ref 'v7'" in result.output
    assert "Traceback" not in result.output
