"""`kb report ...` end to end: real CLI, real files; the sample monthly review opened in Chromium."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from supportkb.cli import main
from supportkb.search.events import EventStore, parse_events
from tests.conftest import REPO_ROOT, SAMPLE_KB
from tests.gaps.reports.conftest import git

SAMPLE_TICKETS = REPO_ROOT / "examples/tickets/tallybird-zendesk.csv"
CHANGELOG = Path(__file__).parent / "fixtures/tallybird-changelog.md"
ARTIFACTS = REPO_ROOT / "tests/artifacts"


def test_monthly_markdown_for_planted_data(loop_project) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(main, ["report", "monthly", "--kb", str(loop_project.articles), "--tickets", str(loop_project.tickets),
                                       "--release", str(loop_project.notes), "--month", "2025-03", "--format", "md"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("# Support and product review: 2025-03\n")
    assert "### 2.0.0 (2025-03-17)\n\n- **PDF export of report**" in out
    assert re.search(r"\| 2025-03-03 \(updated\) \| Reset your password \| [^|]*password[^|]* \| 12\.\d \| 3\.\d \| −7\d% \| [0-9.e-]+ \| \*\*fewer tickets\*\* \|", out)
    assert "**no clear change**" in out
    assert "4 ticket(s) have no date" in out
    assert "1 release(s) in" in result.stderr and "4 clustered ticket(s) have no date" in result.stderr


def test_impact_html_is_self_contained(loop_project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "impact.html"
    result = CliRunner().invoke(main, ["report", "impact", "--kb", str(loop_project.articles), "--tickets", str(loop_project.tickets),
                                       "--format", "html", "-o", str(out)])
    assert result.exit_code == 0, result.output
    page = out.read_text()
    assert page.count("<svg") == 3 and "fewer tickets" in page
    assert not re.search(r"(src|href)=\"https?:", page) and "<script" not in page


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["monthly", "--tickets", "missing.csv"], "Error: missing.csv: file not found"),
        (["monthly", "--tickets", "{tickets}", "--month", "2025-13"], "Invalid value for --month: write the month as YYYY-MM, e.g. 2025-11"),
        (["usage"], "pass --events (the API's event database) and/or --pageviews (an analytics export)"),
        (["usage", "--events", "nope.db"], "Error: nope.db: event database not found"),
        (["spikes", "--tickets", "{tickets}", "--release", "{notes}", "--tags"], "choose one source of release dates: --release NOTES.md or --tags"),
    ],
)
def test_user_mistakes_print_one_line_without_traceback(loop_project, args: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
    args = [a.format(tickets=loop_project.tickets, notes=loop_project.notes) for a in args]
    result = CliRunner().invoke(main, ["report", *args, "--kb", str(loop_project.articles)])
    assert result.exit_code in (1, 2)
    assert message in result.output and "Traceback" not in result.output


def _sample_project(root: Path) -> Path:
    """The sample KB in a git repo: created before the tickets, two articles edited in November."""
    kb = root / "kb"
    shutil.copytree(SAMPLE_KB, kb)
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "Sample KB", day=dt.date(2025, 6, 1))
    for path in ("time-tracking/add-and-edit-time-entries.md", "troubleshooting/timer-not-syncing.md"):
        article = kb / "articles" / path
        article.write_text(article.read_text(encoding="utf-8") + "\n<!-- reviewed -->\n", encoding="utf-8")
    git(root, "commit", "-q", "-am", "Bulk edit and sync: clearer steps", day=dt.date(2025, 11, 10))
    return kb / "articles"


def _sample_events(path: Path) -> Path:
    events = (
        [{"type": "pageview", "page": "/sign-in-security/reset-your-password/"}] * 40
        + [{"type": "pageview", "page": "/time-tracking/export-time-entries-to-csv/"}] * 25
        + [{"type": "vote", "page": "/time-tracking/export-time-entries-to-csv/", "helpful": False}] * 7
        + [{"type": "vote", "page": "/time-tracking/export-time-entries-to-csv/", "helpful": True}] * 2
        + [{"type": "search", "query": "export pdf", "results": 0, "search_id": f"p{n}"} for n in range(9)]
        + [{"type": "search", "query": "outlook calendar", "results": 0, "search_id": f"o{n}"} for n in range(6)]
    )
    with EventStore(path) as store:
        for start in range(0, len(events), 50):
            store.add(parse_events(json.dumps(events[start : start + 50]).encode()), now=dt.datetime(2025, 12, 10, tzinfo=dt.timezone.utc))
    return path


def test_sample_monthly_report_in_chromium(tmp_path: Path, browser: Any) -> None:
    articles = _sample_project(tmp_path)
    out = tmp_path / "monthly.html"
    result = CliRunner().invoke(main, ["report", "monthly", "--kb", str(articles), "--tickets", str(SAMPLE_TICKETS),
                                       "--release", str(CHANGELOG), "--events", str(_sample_events(tmp_path / "events.db")), "-o", str(out)])
    assert result.exit_code == 0, result.output
    page = out.read_text()
    assert "<h1>Support and product review: 2025-12</h1>" in page and "<script" not in page
    ARTIFACTS.mkdir(exist_ok=True)
    tab = browser.new_page(viewport={"width": 1100, "height": 900})
    try:
        requests: list[str] = []
        tab.on("request", lambda request: requests.append(request.url))
        tab.goto(out.as_uri())
        assert tab.locator("h2").all_inner_texts() == [
            "Volume by product area and case type", "Top gaps", "Spikes after releases",
            "Impact of recent article changes", "Articles that don't help"]
        assert tab.locator("svg.chart").count() == 3
        assert "export pdf" in tab.locator("body").inner_text()
        tab.screenshot(path=str(ARTIFACTS / "monthly-report.png"), full_page=True)
        tab.locator("h2", has_text="Spikes after releases").scroll_into_view_if_needed()
        tab.screenshot(path=str(ARTIFACTS / "monthly-report-spikes.png"))
    finally:
        tab.close()
    assert requests == [out.as_uri()]  # Nothing but the file itself: no network.
