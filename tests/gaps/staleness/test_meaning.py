"""Matching by meaning: entries that share no name and hardly a word with the page they change."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from supportkb.cli import main
from supportkb.gaps.staleness.match import check_staleness
from supportkb.gaps.staleness.notes import parse_release_notes
from supportkb.generator.core.articles import load_articles
from supportkb.generator.core.embeddings import load_embedder
from tests.conftest import write_article

PAGES = {
    "billing/refunds.md": ("Refunds", "Money goes back to the card you paid with within five business days after we approve a refund request."),
    "account/password.md": ("Reset your password", "Click Forgot password on the sign-in page and follow the link we email you."),
    "account/delete.md": ("Close your account", "Your data is erased thirty days after you close the account."),
    "export/csv.md": ("Export time entries", "Download a spreadsheet of tracked hours per project from the Reports page."),
    "mobile/offline.md": ("Using the app without a connection", "Timers keep running on your phone while you are on a plane and sync when you are back online."),
    "team/invite.md": ("Invite teammates", "Add colleagues by email address; they join your workspace after accepting."),
    "integrations/calendar.md": ("Calendar integration", "Show events from Google Calendar beside your timesheet."),
    "billing/plans.md": ("Plans and pricing", "Compare the Free, Team and Business plans and their limits."),
    "notifications/reminders.md": ("Reminders", "Get a notification at the end of the day when you forgot to track time."),
    "security/2fa.md": ("Two-factor authentication", "Protect your sign-in with a code from an authenticator app."),
    "projects/archive.md": ("Archive a project", "Archived projects disappear from the timer but keep their reports."),
    "projects/budgets.md": ("Project budgets", "Set a budget in hours or money and see how much is left."),
    "reports/weekly.md": ("Weekly report", "Every Monday you get a summary of last week's hours by client."),
    "team/roles.md": ("Roles and permissions", "Admins manage billing; members track their own time."),
    "desktop/install.md": ("Install the desktop app", "Download the installer for Windows or macOS and sign in."),
    "api/webhooks.md": ("Webhooks", "We send a POST request to your URL when an entry is created."),
    "invoices/create.md": ("Create an invoice", "Turn billable hours into an invoice and send it as a PDF."),
    "clients/add.md": ("Add a client", "Clients group projects and appear on invoices."),
    "tags/use.md": ("Tags", "Label entries with tags to filter reports by activity."),
    "privacy/gdpr.md": ("Privacy and GDPR", "We store data in Frankfurt and sign a data processing agreement on request."),
}


@pytest.fixture
def help_center(tmp_path: Path) -> Path:
    for path, (title, text) in PAGES.items():
        write_article(tmp_path / "kb" / path, f"# {title}\n\n{text}\n", title=title)
    return tmp_path / "kb"


def _report(root: Path, notes: str, *, embeddings: bool):  # type: ignore[no-untyped-def]
    release = parse_release_notes(notes)[0]
    embedder = load_embedder() if embeddings else None
    return check_staleness(load_articles(root).articles, release, threshold=0.0, embedder=embedder)


def test_an_entry_in_other_words_finds_its_page_by_meaning(help_center: Path) -> None:
    notes = "## 3.0\n\n### Changes\n\n- Chargebacks are reimbursed to the original payment method\n"
    lexical = _report(help_center, notes, embeddings=False)
    hybrid = _report(help_center, notes, embeddings=True)
    assert "billing/refunds.md" not in [str(item.path) for item in lexical.flagged]
    top = hybrid.flagged[0]
    assert str(top.path) == "billing/refunds.md"
    reason = next(reason for reason in top.reasons if reason.startswith("closest by meaning"))
    assert "section 'Refunds'" in reason and "Chargebacks" in reason
    assert top.evidence[0].line > 0 and "Money goes back" in top.evidence[0].text


def test_an_entry_close_to_nothing_flags_nothing_by_meaning(help_center: Path) -> None:
    notes = "## 3.0\n\n### Changes\n\n- Improved performance of the database driver\n- Zstandard frames are decoded faster\n"
    hybrid = _report(help_center, notes, embeddings=True)
    assert not any("closest by meaning" in reason for item in hybrid.flagged for reason in item.reasons)


def test_meaning_alone_does_not_reach_the_threshold_for_a_fix(help_center: Path) -> None:
    release = parse_release_notes("## 3.0\n\n### Fixes\n\n- Chargebacks are reimbursed to the original payment method\n")[0]
    report = check_staleness(load_articles(help_center).articles, release, embedder=load_embedder())
    assert report.above_threshold == ()


def test_a_component_no_page_is_named_after_is_found_by_its_title_meaning(tmp_path: Path) -> None:
    for path, (title, text) in PAGES.items():
        write_article(tmp_path / path, f"# {title}\n\n{text}\n", title=title)
    write_article(tmp_path / "deploy/cluster.md", "# Kubernetes\n\nRun the Helm chart.\n", title="Kubernetes")
    notes = "## 3.0\n\n### Added\n\n- **[k8s]** The chart can run two replicas\n"
    lexical = {str(item.path) for item in _report(tmp_path, notes, embeddings=False).flagged if item.score >= 0.4}
    hybrid = _report(tmp_path, notes, embeddings=True)
    assert "deploy/cluster.md" not in lexical
    top = hybrid.flagged[0]
    assert str(top.path) == "deploy/cluster.md" and top.score >= 0.4
    assert any("filed under component 'k8s' (this page's title, closest by meaning" in reason for reason in top.reasons)


def _cli(runner: CliRunner, root: Path, notes: Path, *options: str):  # type: ignore[no-untyped-def]
    return runner.invoke(main, ["stale", "--kb", str(root), "--release", str(notes), "--format", "json", *options])


def test_embeddings_none_is_lexical_and_keeps_the_json_shape(help_center: Path, tmp_path: Path, runner: CliRunner) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text("## 3.0\n\n### Changes\n\n- Chargebacks are reimbursed to the original payment method\n", encoding="utf-8")
    hybrid, lexical = _cli(runner, help_center, notes), _cli(runner, help_center, notes, "--embeddings", "none")
    assert hybrid.exit_code == 0 and lexical.exit_code == 0, hybrid.output + lexical.output
    by_meaning, by_words = json.loads(hybrid.stdout), json.loads(lexical.stdout)
    assert by_meaning.keys() == by_words.keys()
    assert by_meaning["flagged"][0]["path"] == "billing/refunds.md"
    assert all(item.keys() == by_meaning["flagged"][0].keys() for item in by_words["flagged"])
    assert not any("closest by meaning" in reason for item in by_words["flagged"] for reason in item["reasons"])


def test_an_unknown_backend_is_a_clear_error(help_center: Path, tmp_path: Path, runner: CliRunner) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text("## 3.0\n\n- Anything\n", encoding="utf-8")
    result = _cli(runner, help_center, notes, "--embeddings", "../../etc/passwd")
    assert result.exit_code == 1
    assert "unknown embedding backend '../../etc/passwd'" in result.output
    assert "Traceback" not in result.output


def test_mkdocs_yml_can_turn_meaning_off(help_center: Path, tmp_path: Path, runner: CliRunner) -> None:
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: Help\ndocs_dir: kb\nplugins:\n  - supportkb:\n      embedding_backend: none\n", encoding="utf-8"
    )
    notes = tmp_path / "notes.md"
    notes.write_text("## 3.0\n\n### Changes\n\n- Chargebacks are reimbursed to the original payment method\n", encoding="utf-8")
    args = ["stale", "--config-file", str(tmp_path / "mkdocs.yml"), "--release", str(notes), "--format", "json"]

    def by_meaning(*options: str) -> bool:
        result = runner.invoke(main, [*args, *options])
        assert result.exit_code == 0, result.output
        return any("closest by meaning" in r for item in json.loads(result.stdout)["flagged"] for r in item["reasons"])

    assert not by_meaning()
    assert by_meaning("--embeddings", "default")  # the flag wins over the setting
