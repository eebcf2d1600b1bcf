"""`kb stale` end to end: the JSON contract, formats, CI exit codes, --mark and --overdue."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from supportkb.cli import main
from tests.conftest import write_article

NOTES = """\
## 4.2.0 - 2025-03-01

### Features

- Recovery codes can now be printed, see [Two-factor](https://help.example.org/account/two-factor/#recovery-codes).
- Renamed `invoice.prefix` to `invoice.number_prefix`.

### Translations

- Updated Norwegian translations
"""


def make_kb(root: Path) -> Path:
    write_article(
        root / "account/two-factor.md",
        "# Two-factor authentication\n\nUse an authenticator app.\n\n## Recovery codes\n\nKeep them safe.\n",
        title="Two-factor authentication",
        owner="ana",
    )
    write_article(
        root / "billing/invoices.md",
        "# Invoices\n\nSet `invoice.prefix` to change numbers.\n",
        title="Invoices",
    )
    write_article(root / "billing/refunds.md", "# Refunds\n\nRefunds take five days.\n", title="Refunds")
    return root


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    return make_kb(tmp_path / "help")


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    path = tmp_path / "notes.md"
    path.write_text(NOTES, encoding="utf-8")
    return path


def run_json(runner, *args: str) -> dict:
    result = runner.invoke(main, ["stale", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_json_contract(runner, kb, notes):
    report = run_json(runner, "--kb", str(kb), "--release", str(notes))
    assert list(report) == ["release", "flagged"]
    assert report["release"] == "4.2.0"
    assert [item["path"] for item in report["flagged"]] == ["account/two-factor.md", "billing/invoices.md"]
    first = report["flagged"][0]
    assert list(first) == ["path", "title", "score", "reasons", "evidence"]
    assert first["title"] == "Two-factor authentication"
    assert isinstance(first["score"], float) and 0.5 <= first["score"] <= 1
    assert first["reasons"][0].startswith("linked from the notes")
    assert first["evidence"][0] == {
        "entry": "Recovery codes can now be printed, see Two-factor.",
        "line": 9,
        "text": "Recovery codes",
    }
    assert {"entry", "line", "text"} == set(report["flagged"][1]["evidence"][0])
    scores = [item["score"] for item in report["flagged"]]
    assert scores == sorted(scores, reverse=True)


def test_paths_are_relative_to_the_kb_folder_even_with_an_articles_subfolder(runner, tmp_path, notes):
    make_kb(tmp_path / "site/articles")
    report = run_json(runner, "--kb", str(tmp_path / "site"), "--release", str(notes))
    assert report["flagged"][0]["path"] == "articles/account/two-factor.md"


def test_broken_front_matter_is_reported_and_the_rest_checked(runner, kb, notes):
    (kb / "broken.md").write_text("---\ntitle: [unclosed\n---\nRecovery codes everywhere.\n", encoding="utf-8")
    result = runner.invoke(main, ["stale", "--kb", str(kb), "--release", str(notes), "--format", "json"])
    assert result.exit_code == 0
    assert "broken.md:3:1: error: invalid YAML in front matter" in result.stderr
    assert "1 of 4 files could not be read and were not checked." in result.stderr
    assert json.loads(result.stdout)["flagged"][0]["path"] == "account/two-factor.md"


def test_markdown_report(runner, kb, notes):
    result = runner.invoke(main, ["stale", "--kb", str(kb), "--release", str(notes)])
    assert result.exit_code == 0
    assert result.stdout.startswith("# Articles that may be out of date after 4.2.0\n\n2 of 3 articles flagged")
    assert "## 1. Two-factor authentication — " in result.stdout
    assert "- `account/two-factor.md:9` `Recovery codes` ← Recovery codes can now be printed, see Two-factor." in result.stdout


def test_html_report_escapes_notes_and_titles(runner, tmp_path):
    kb = tmp_path / "help"
    write_article(kb / "xss.md", "# Widgets\n\nThe `<widget>` tag renders a widget.\n", title="<script>alert('t')</script> widgets")
    notes = tmp_path / "n.md"
    notes.write_text("## 1.0\n\n- Changed the `<widget>` tag <img src=x onerror=alert(1)>\n", encoding="utf-8")
    result = runner.invoke(main, ["stale", "--kb", str(kb), "--release", str(notes), "--format", "html"])
    assert result.exit_code == 0, result.output
    page = result.stdout
    assert page.startswith("<!doctype html>")
    assert "<script>" not in page and "onerror" not in page
    assert "&lt;script&gt;alert(&#x27;t&#x27;)&lt;/script&gt; widgets" in page
    assert "<code>xss.md:6</code> <q>The `&lt;widget&gt;` tag renders a widget.</q>" in page


def test_github_annotations_point_at_article_lines(runner, kb, notes, monkeypatch):
    monkeypatch.chdir(kb.parent)
    result = runner.invoke(main, ["stale", "--kb", "help", "--release", str(notes), "--format", "github", "--fail-on", "0.8"])
    lines = result.stdout.splitlines()
    assert lines[0].startswith(
        "::error file=help/account/two-factor.md,line=9,title=May be out of date after 4.2.0 (score "
    )
    assert "::Release note: Recovery codes can now be printed, see Two-factor.%0Alinked from the notes" in lines[0]
    assert any(line.startswith("::warning file=help/billing/invoices.md,line=6,") for line in lines)
    assert result.exit_code == 1
    assert "1 article scores at least 0.8." in result.stderr


@pytest.mark.parametrize(("fail_on", "exit_code"), [("0.5", 1), ("1", 0)])
def test_fail_on(runner, kb, notes, fail_on, exit_code):
    result = runner.invoke(main, ["stale", "--kb", str(kb), "--release", str(notes), "--fail-on", fail_on])
    assert result.exit_code == exit_code


def test_mark_writes_stale_since_and_keeps_the_rest_of_the_file(runner, kb, notes):
    invoices = kb / "billing/invoices.md"
    invoices.write_text(
        "---\n# keep this comment\ntitle:   'Invoices'   \ntags: [billing, pdf]\nreviewed: 2024-01-02\n---\n# Invoices\n\nSet `invoice.prefix` to change numbers.\n",
        encoding="utf-8",
    )
    refunds_before = (kb / "billing/refunds.md").read_bytes()
    result = runner.invoke(main, ["stale", "--kb", str(kb), "--release", str(notes), "--mark", "--today", "2025-03-05"])
    assert result.exit_code == 0, result.output
    assert "Marked 2 articles stale since 4.2.0." in result.stderr
    assert invoices.read_text(encoding="utf-8") == (
        "---\n# keep this comment\ntitle:   'Invoices'   \ntags: [billing, pdf]\nreviewed: 2024-01-02\n"
        'stale_since: "4.2.0"\nstale_marked: 2025-03-05\n---\n# Invoices\n\nSet `invoice.prefix` to change numbers.\n'
    )
    assert (kb / "billing/refunds.md").read_bytes() == refunds_before
    again = runner.invoke(main, ["stale", "--kb", str(kb), "--release", str(notes), "--mark", "--today", "2025-03-06"])
    assert "Marked 0 articles stale since 4.2.0 (2 already were)." in again.stderr
    assert "stale_marked: 2025-03-05" in invoices.read_text(encoding="utf-8")


def test_mark_replaces_an_older_mark_and_adds_front_matter_where_there_is_none(runner, tmp_path, notes):
    kb = tmp_path / "help"
    (kb / "account").mkdir(parents=True)
    (kb / "account/two-factor.md").write_text("# Two-factor\n\n## Recovery codes\n\nKeep them.\n", encoding="utf-8")
    write_article(kb / "billing/invoices.md", "Set `invoice.prefix`.\n", title="Invoices", stale_since="3.0.0")
    result = runner.invoke(main, ["stale", "--kb", str(kb), "--release", str(notes), "--mark", "--today", "2025-03-05"])
    assert result.exit_code == 0, result.output
    assert (kb / "account/two-factor.md").read_text(encoding="utf-8").startswith(
        '---\ntitle: "Two-factor"\nstale_since: "4.2.0"\nstale_marked: 2025-03-05\n---\n# Two-factor\n'
    )
    text = (kb / "billing/invoices.md").read_text(encoding="utf-8")
    assert 'stale_since: "4.2.0"' in text and "3.0.0" not in text
    check = runner.invoke(main, ["stale", "--kb", str(kb), "--release", str(notes), "--format", "json"])
    assert json.loads(check.stdout)["flagged"], "marked files must still load"


def test_mark_with_a_read_only_file_changes_no_file(runner, kb, notes):
    read_only = kb / "billing/invoices.md"
    other = kb / "account/two-factor.md"
    before = {path: path.read_bytes() for path in (read_only, other)}
    os.chmod(read_only, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    try:
        result = runner.invoke(main, ["stale", "--kb", str(kb), "--release", str(notes), "--mark"])
    finally:
        os.chmod(read_only, stat.S_IRUSR | stat.S_IWUSR)
    assert result.exit_code == 1
    assert "did not mark any article" in result.stderr
    assert f"{read_only}: file is read-only" in result.stderr
    assert "Traceback" not in result.output
    assert {path: path.read_bytes() for path in before} == before


def test_mark_needs_a_version(runner, kb, tmp_path):
    notes = tmp_path / "unversioned.md"
    notes.write_text("- Recovery codes now print, see [it](https://x.io/account/two-factor/)\n", encoding="utf-8")
    result = runner.invoke(main, ["stale", "--kb", str(kb), "--release", str(notes), "--mark"])
    assert result.exit_code == 1
    assert "has no version" in result.stderr
    named = runner.invoke(main, ["stale", "--kb", str(kb), "--release", str(notes), "--version", "5.0", "--mark"])
    assert named.exit_code == 0, named.output
    assert 'stale_since: "5.0"' in (kb / "account/two-factor.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("notes_text", "args", "message"),
    [
        ("# Changelog\n\n## 1.0.0\n\n### Added\n", [], "no release-note entries found"),
        ("<p></p>\n", [], "no release-note entries found"),
        (NOTES, ["--version", "9.9"], "release 9.9 is not in the notes"),
    ],
)
def test_notes_problems_exit_1(runner, kb, tmp_path, notes_text, args, message):
    notes = tmp_path / "n.md"
    notes.write_text(notes_text, encoding="utf-8")
    result = runner.invoke(main, ["stale", "--kb", str(kb), "--release", str(notes), *args])
    assert result.exit_code == 1
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_missing_notes_file(runner, kb, tmp_path):
    result = runner.invoke(main, ["stale", "--kb", str(kb), "--release", str(tmp_path / "nope.md")])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {tmp_path / 'nope.md'}: release notes not found")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "say which release to check"),
        (["--release", "a.md", "--from-git", "a..b"], "say which release to check"),
        (["--overdue", "--release", "a.md"], "--overdue lists review dates"),
    ],
)
def test_usage_errors(runner, kb, args, message):
    result = runner.invoke(main, ["stale", "--kb", str(kb), *args])
    assert result.exit_code == 2
    assert message in result.stderr


def test_output_file(runner, kb, notes, tmp_path):
    target = tmp_path / "report.json"
    result = runner.invoke(main, ["stale", "--kb", str(kb), "--release", str(notes), "--format", "json", "-o", str(target)])
    assert result.exit_code == 0
    assert result.stdout == ""
    assert json.loads(target.read_text(encoding="utf-8"))["release"] == "4.2.0"


def test_real_release_against_its_docs(runner, shared_data, tmp_path):
    import tarfile

    case = shared_data / "staleness/fastapi/0.73.0"
    with tarfile.open(case / "docs.tar.gz") as archive:
        archive.extractall(tmp_path, filter="data")
    report = run_json(runner, "--kb", str(tmp_path / "docs"), "--release", str(case / "notes.md"))
    truth = set(json.loads((case / "truth.json").read_text())["pages"])
    top = [item["path"] for item in report["flagged"][: len(truth)]]
    assert set(top) == truth


def test_huge_notes_are_refused_with_a_hint(runner, kb, tmp_path):
    notes = tmp_path / "all-history.md"
    notes.write_text("## 1.0.0\n\n" + "".join(f"- Added option {i}\n" for i in range(5001)), encoding="utf-8")
    result = runner.invoke(main, ["stale", "--kb", str(kb), "--release", str(notes)])
    assert result.exit_code == 1
    assert "Error: release 1.0.0 lists 5,001 entries; kb stale checks at most 5,000 at once" in result.stderr
    assert "hint: check one release at a time" in result.stderr


def test_help_names_the_default_threshold(runner):
    from supportkb.gaps.staleness.match import DEFAULT_THRESHOLD

    result = runner.invoke(main, ["stale", "--help"])
    assert f"(default {DEFAULT_THRESHOLD:g})" in " ".join(result.output.split())


def test_lower_confidence_candidates_are_listed_but_not_marked(runner, kb, tmp_path):
    notes = tmp_path / "n.md"
    notes.write_text("## 5.0\n\n- Recovery codes now print, see [it](https://x.io/account/two-factor/)\n- Faster refunds\n", encoding="utf-8")
    report = run_json(runner, "--kb", str(kb), "--release", str(notes))
    assert [item["path"] for item in report["flagged"]] == ["account/two-factor.md", "billing/refunds.md"]
    assert report["flagged"][1]["reasons"][0].startswith("lower confidence: below the 0.40 threshold")
    strict = run_json(runner, "--kb", str(kb), "--release", str(notes), "--min-listed", "0")
    assert [item["path"] for item in strict["flagged"]] == ["account/two-factor.md"]
    markdown = runner.invoke(main, ["stale", "--kb", str(kb), "--release", str(notes)]).stdout
    assert "1 of 3 articles flagged (score ≥ 0.40) from 2 note entries. 1 lower-confidence candidate below the threshold is listed after it." in markdown
    assert "Lower-confidence candidates (below the threshold; check them if time allows):\n\n## 2. Refunds — " in markdown
    result = runner.invoke(main, ["stale", "--kb", str(kb), "--release", str(notes), "--mark", "--today", "2025-03-05"])
    assert "Marked 1 article stale since 5.0." in result.stderr
    assert "stale_since" not in (kb / "billing/refunds.md").read_text(encoding="utf-8")


def test_entries_no_article_matched_are_listed_for_a_person_to_read(runner, kb, tmp_path):
    notes = tmp_path / "unmatched.md"
    notes.write_text(
        "## 4.3.0\n\n### Features\n\n- Renamed `invoice.prefix` to `invoice.number_prefix`.\n"
        "- Faster startup on older phones.\n\n### Translations\n\n- Updated Norwegian translations\n",
        encoding="utf-8",
    )
    markdown = runner.invoke(main, ["stale", "--kb", str(kb), "--release", str(notes)]).stdout
    section = markdown.split("## Entries no article matched (1)", 1)
    assert len(section) == 2, markdown
    assert "- Faster startup on older phones." in section[1]
    assert "invoice" not in section[1] and "Norwegian" not in section[1]  # Matched; not a product change.
    page = runner.invoke(main, ["stale", "--kb", str(kb), "--release", str(notes), "--format", "html"]).stdout
    assert "Entries no article matched (1)" in page and "Faster startup on older phones." in page
    assert set(run_json(runner, "--kb", str(kb), "--release", str(notes))) == {"release", "flagged"}
