"""Attacks on the report, ticket-reading and search-output paths (issue 13).

Hostile input comes from where it really enters: the unauthenticated /events endpoint (search
queries), article front matter and headings, and ticket exports. Every test runs the real `kb`.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from generator.cli import main
from search.events import EventStore, parse_events
from tests.conftest import write_article
from tests.loop.conftest import git, make_loop_project

HOSTILE_QUERY = "<script>alert('q')</script> fax"
HOSTILE_QUERIES = (HOSTILE_QUERY, "refund | 1 | 2 | 3", "[free money](javascript:alert(1))", "<img src=x onerror=alert(2)>")
HOSTILE_TITLE = "Reset <img src=x onerror=alert('t')> | password [now](javascript:alert(3))"
LIVE_MARKUP = re.compile(r"<(script|img|svg|iframe)\b|(?<!\\)\]\(javascript:", re.IGNORECASE)


def _cells(row: str) -> list[str]:
    """A Markdown table row split on its unescaped pipes."""
    return re.split(r"(?<!\\)\|", row.strip())[1:-1]


def _assert_inert_markdown(text: str) -> None:
    """No live HTML or script link, and every table row has as many cells as its header."""
    assert not LIVE_MARKUP.search(text), LIVE_MARKUP.search(text)
    width = None
    for line in text.splitlines():
        if not line.startswith("|"):
            width = None
            continue
        if width is None:
            width = len(_cells(line))
        assert len(_cells(line)) == width, line


@pytest.fixture(scope="module")
def hostile_project(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The loop project with hostile article titles (front matter) and an events DB of hostile queries."""
    project = make_loop_project(tmp_path_factory.mktemp("hostile") / "project")
    for path in ("sign-in/reset-password.md", "reports/export-csv.md"):
        article = project.articles / path
        body = article.read_text(encoding="utf-8").split("---\n", 2)[2]
        write_article(article, body, title=HOSTILE_TITLE)
    git(project.root, "commit", "-q", "-am", "Hostile titles", day=dt.date(2024, 12, 2))
    events = [{"type": "pageview", "page": "/sign-in/reset-password/"}] * 12 + [
        {"type": "vote", "page": "/sign-in/reset-password/", "helpful": False}] * 6
    for number, query in enumerate(HOSTILE_QUERIES):
        events += [{"type": "search", "query": query, "results": 0, "search_id": f"z{number}-{n}"} for n in range(6)]
        events += [{"type": "search", "query": query + " again", "results": 3, "search_id": f"c{number}-{n}"} for n in range(2)]
    db = project.root / "events.db"
    with EventStore(db) as store:
        store.add(parse_events(json.dumps(events).encode()), now=dt.datetime(2025, 3, 20, tzinfo=dt.timezone.utc))
    return project, db


def _report(project, *args: str) -> str:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(main, ["report", *args, "--kb", str(project.articles)])
    assert result.exit_code == 0, result.output
    return result.stdout


# --- finding 6: untrusted text in `kb report` -------------------------------------------------


def test_reports_show_event_queries_and_titles_as_text(hostile_project) -> None:  # type: ignore[no-untyped-def]
    project, db = hostile_project
    usage = _report(project, "usage", "--events", str(db))
    assert "&lt;script&gt;alert('q')&lt;/script&gt; fax" in usage
    assert "refund \\| 1 \\| 2 \\| 3" in usage and "Reset &lt;img" in usage
    monthly_md = _report(project, "monthly", "--tickets", str(project.tickets), "--release", str(project.notes),
                         "--events", str(db), "--month", "2025-03", "--format", "md")
    assert "&lt;script&gt;alert('q')&lt;/script&gt; fax" in monthly_md and "Reset &lt;img" in monthly_md
    impact_md = _report(project, "impact", "--tickets", str(project.tickets))
    assert "Reset &lt;img" in impact_md
    spikes_md = _report(project, "spikes", "--tickets", str(project.tickets), "--release", str(project.notes))
    for text in (usage, monthly_md, impact_md, spikes_md):
        _assert_inert_markdown(text)
    monthly_html = _report(project, "monthly", "--tickets", str(project.tickets), "--release", str(project.notes),
                           "--events", str(db), "--month", "2025-03")
    impact_html = _report(project, "impact", "--tickets", str(project.tickets), "--format", "html")
    for page in (monthly_html, impact_html):
        soup = BeautifulSoup(page, "html.parser")
        assert not soup.find_all(["script", "img", "iframe"]) and not soup.select("[onerror]")
    assert "&lt;script&gt;alert(&#39;q&#39;)&lt;/script&gt; fax" in monthly_html
    questions = project.root / "questions.csv"
    _report(project, "usage", "--events", str(db), "--questions-csv", str(questions))
    assert HOSTILE_QUERY in questions.read_text(encoding="utf-8")  # Data for `kb gaps`, quoted by the csv module.
