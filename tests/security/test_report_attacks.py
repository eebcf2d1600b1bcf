"""Attacks on the report, ticket-reading and search-output paths (issue 13, findings 6, 8, 9, 12).

Hostile input comes from where it really enters: the unauthenticated /events endpoint (search
queries), article front matter and headings, and ticket exports. Every test runs the real `kb`.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from supportkb.cli import main
from supportkb.search.events import EventStore, parse_events
from tests.conftest import write_article
from tests.gaps.reports.conftest import git, make_loop_project

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


def test_gaps_markdown_keeps_article_paths_and_ticket_ids_inert(tmp_path: Path) -> None:
    """An article file name and ticket ids are shown in `kb gaps` Markdown: neither may become a link or markup."""
    kb = tmp_path / "kb"
    write_article(kb / "x)[click](javascript:alert(1)).md", "Click Forgot password on the sign-in page to reset your password.\n",
                  title="Reset your password")
    path = tmp_path / "tickets.csv"
    rows = [f"id`<img src=x onerror=alert({n})>`,How do I reset my password?" for n in range(6)]
    path.write_text("id,subject\n" + "\n".join(rows) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["gaps", str(path), "--kb", str(kb), "--format", "md"])
    assert result.exit_code == 0, result.output
    _assert_inert_markdown(result.stdout)
    page = BeautifulSoup(__import__("markdown").markdown(result.stdout), "html.parser")
    # One link, to the article file itself: the ')' cannot end it early and start a javascript: link.
    assert [unquote(a["href"]) for a in page.find_all("a")] == ["x)[click](javascript:alert(1)).md"]
    assert not page.find_all("img")


# --- finding 8: hostile nesting in ticket files ---------------------------------------------------


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    write_article(tmp_path / "kb/password.md", "Click Forgot password on the sign-in page.\n", title="Reset your password")
    return tmp_path / "kb"


@pytest.mark.parametrize(
    ("name", "content", "where"),
    [
        ("deep.json", "[" * 100_000, "deep.json: "),
        ("deep.jsonl", '{"id": "1", "subject": "Reset my password"}\n' + "[" * 100_000 + "\n", "deep.jsonl:2: "),
        ("deep-object.jsonl", '{"id": "1", "subject": "Reset my password"}\n' + '{"a":' * 100_000 + "\n", "deep-object.jsonl:2: "),
    ],
)
def test_gaps_refuses_hostile_nesting_without_traceback(tmp_path: Path, kb: Path, name: str, content: str, where: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(main, ["gaps", str(path), "--kb", str(kb)])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    assert f"Error: {tmp_path / where}" in result.stderr and "nested too deeply" in result.stderr


def test_gaps_reads_a_ticket_whose_field_nests_hundreds_of_lists(tmp_path: Path, kb: Path) -> None:
    """Nesting the JSON parser accepts (400 levels) must not overflow the field readers either."""
    lines = [json.dumps({"id": str(n), "subject": "How do I reset my password?", "tags": ["a"]}) for n in range(6)]
    lines.append('{"id": "hostile", "subject": "Reset my password", "tags": ' + "[" * 400 + '"x"' + "]" * 400 + "}")
    path = tmp_path / "tickets.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["gaps", str(path), "--kb", str(kb), "--format", "json"])
    assert result.exception is None, repr(result.exception)
    assert json.loads(result.stdout)["tickets_read"] == 7


# --- finding 9: a 50 MB single-line file ----------------------------------------------------------


@pytest.mark.parametrize("separator", [" ", ","])
def test_huge_single_line_ticket_file_gets_a_short_message(tmp_path: Path, kb: Path, separator: str) -> None:
    words = separator.join(["refund", "invoice", "password", "timer", "sync", "export", "report", "billing"])
    path = tmp_path / "export.csv"
    with path.open("w", encoding="utf-8") as handle:
        for _ in range(50_000_000 // (len(words) + 1)):
            handle.write(words + separator)  # One line, no newline anywhere.
    assert path.stat().st_size > 49_000_000
    done = subprocess.run([sys.executable, "-c", "from supportkb.cli import main; main()", "gaps", str(path), "--kb", str(kb)],
                          capture_output=True, timeout=300, check=False)
    assert done.returncode == 1
    assert len(done.stdout) + len(done.stderr) < 10_000, len(done.stdout) + len(done.stderr)
    message = done.stderr.decode()
    assert message.startswith(f"Error: {path}: the first row is over 1,000,000 characters long, too long for a CSV header"), message[:500]
    assert "Traceback" not in message


def test_messages_quote_at_most_a_few_hundred_characters_of_a_column(tmp_path: Path, kb: Path) -> None:
    """A header under the size cap with one absurd column name: the hint quotes it cut short."""
    path = tmp_path / "export.csv"
    path.write_text("id," + "x" * 20_000 + "\n1,hello\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["gaps", str(path), "--kb", str(kb)])
    assert result.exit_code == 1
    assert "cannot tell which column holds the ticket text" in result.stderr
    assert len(result.stderr) < 1_000 and "…" in result.stderr


# --- finding 12: `kb search --format md|html` ------------------------------------------------------


def test_search_markdown_link_keeps_hostile_title_and_heading_as_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "mkdocs.yml").write_text("site_name: X\nsite_url: https://help.example.com/\ndocs_dir: kb/articles\n", encoding="utf-8")
    write_article(tmp_path / "kb/articles/refunds.md",
                  "Intro about refunds.\n\n## Pay ](javascript:alert(document.cookie)) [now \\\n\nRefunds reach your card within days.\n",
                  id="77", title="Refunds] [evil](javascript:alert(1)) <b>x</b>")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["search", "refunds card", "--format", "md", "-n", "1"])
    assert result.exit_code == 0, result.output
    page = BeautifulSoup(__import__("markdown").markdown(result.stdout), "html.parser")
    links = page.find_all("a")
    assert [a["href"] for a in links] == ["https://help.example.com/a/77/#pay-javascriptalertdocumentcookie-now"], result.stdout
    assert links[0].get_text() == "Refunds] [evil](javascript:alert(1)) <b>x</b> › Pay ](javascript:alert(document.cookie)) [now \\"
    html_out = CliRunner().invoke(main, ["search", "refunds card", "--format", "html", "-n", "1"]).stdout
    soup = BeautifulSoup(html_out, "html.parser")
    assert not soup.find_all("b") and soup.a.get_text().startswith("Refunds] [evil](javascript:alert(1)) <b>x</b>")


def test_search_markdown_link_target_survives_parentheses_in_the_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without site_url the link is the article's path; an unbalanced ')' in it used to end the link early."""
    (tmp_path / "mkdocs.yml").write_text("site_name: X\ndocs_dir: kb/articles\n", encoding="utf-8")
    write_article(tmp_path / "kb/articles/billing/refunds (2024)).md", "Refunds reach your card within days.\n", title="Refunds (2024)")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["search", "refunds card", "--format", "md", "-n", "1"])
    assert result.exit_code == 0, result.output
    links = BeautifulSoup(__import__("markdown").markdown(result.stdout), "html.parser").find_all("a")
    assert [(a["href"], a.get_text()) for a in links] == [("billing/refunds%20%282024%29%29/", "Refunds (2024)")], result.stdout
