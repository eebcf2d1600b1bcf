"""`kb gaps` end to end through the real CLI: the JSON contract, every report format, drafts, errors."""

from __future__ import annotations

import csv
import io
import json
from html.parser import HTMLParser

import pytest
from click.testing import CliRunner

from supportkb.generator.core.articles import load_articles
from supportkb.cli import main
from tests.gaps.kbfixture import write_kb, write_tickets

HOSTILE = [
    ["901", "Mallory", "<script>alert('x')</script> Outlook calendar sync?", "Do you support the Outlook calendar? <img src=x onerror=alert(1)>", "open", "low", "question", "", "2025-04-01 10:00"],
    ["902", "Mallory", "=HYPERLINK(\"http://evil.example\",\"click\") Outlook calendar", "Outlook calendar integration please =1+2", "open", "low", "question", "", "2025-04-02 10:00"],
    ["903", "Mallory", "Outlook calendar <sync> & a < b?", "Outlook calendar <sync> please", "open", "low", "question", "", "2025-04-03 10:00"],
]


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def project(tmp_path):
    write_kb(tmp_path)
    ids = write_tickets(tmp_path / "tickets.csv", extra_rows=HOSTILE)
    return tmp_path, ids


def run(runner, *args):
    return runner.invoke(main, ["gaps", *map(str, args)], catch_exceptions=False)


def test_json_contract(runner, project):
    root, ids = project
    result = run(runner, root / "tickets.csv", "--kb", root / "kb", "--text-column", "Subject", "--text-column", "Description", "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert list(document)[:3] == ["tickets_read", "tickets_skipped", "clusters"]
    assert document["tickets_read"] == sum(len(v) for v in ids.values()) + len(HOSTILE)
    assert document["tickets_skipped"] == 0
    for cluster in document["clusters"]:
        assert list(cluster)[:8] == ["label", "size", "ticket_ids", "coverage", "best_article", "case_type", "product_area", "severity"]
        assert isinstance(cluster["label"], str) and cluster["label"]
        assert cluster["size"] == len(cluster["ticket_ids"])
        assert all(isinstance(t, str) for t in cluster["ticket_ids"])
        assert cluster["coverage"] in ("covered", "partial", "uncovered")
        if cluster["best_article"] is not None:
            assert set(cluster["best_article"]) >= {"path", "title", "score"}
            assert (root / "kb" / cluster["best_article"]["path"]).is_file()
            assert isinstance(cluster["best_article"]["score"], float)
        assert cluster["case_type"] in ("bug", "how-to", "feature-gap", "billing", "other")
        assert isinstance(cluster["product_area"], str)
    assert f"Read {document['tickets_read']} tickets" in result.stderr and "skipped 0" in result.stderr


def test_kb_can_be_the_articles_folder_itself(runner, project):
    root, _ = project
    result = run(runner, root / "tickets.csv", "--kb", root / "kb" / "articles", "--format", "json", "-q")
    paths = {c["best_article"]["path"] for c in json.loads(result.stdout)["clusters"] if c["best_article"]}
    assert "account-billing/refunds.md" in paths


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes += attrs

    def handle_data(self, data):
        self.text.append(data)


def test_html_report_is_self_contained_and_escapes_ticket_text(runner, project, tmp_path):
    root, _ = project
    out = tmp_path / "report.html"
    result = run(runner, root / "tickets.csv", "--kb", root / "kb", "--format", "html", "-o", out)
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    page = _Collector()
    page.feed(html)
    assert "script" not in page.tags and "img" not in page.tags and "sync" not in page.tags
    assert "&lt;sync&gt;" in html
    assert not any(name.startswith("on") for name, _ in page.attributes)
    assert not any((value or "").startswith(("http:", "https:", "//")) for name, value in page.attributes if name in ("href", "src"))
    assert "svg" in page.tags and "polyline" in page.tags  # Weekly trends.
    assert html.count('class="fill ') >= 3  # Volume bars.
    assert "Outlook calendar <sync>" in "".join(page.text)


def test_csv_report_is_safe_from_formula_injection(runner, project):
    root, _ = project
    result = run(runner, root / "tickets.csv", "--kb", root / "kb", "--format", "csv", "-q")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows and rows[0]["rank"] == "1"
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@")) or _is_number(value), value


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://evil.example","x")', '\'=HYPERLINK("http://evil.example","x")'),
        ("+1+2", "'+1+2"),
        ("-cmd|' /C calc'!A0", "'-cmd|' /C calc'!A0"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("-0.5", "-0.5"),
        ("plain", "plain"),
        (None, ""),
    ],
)
def test_safe_cell(value, expected):
    from supportkb.generator.core.escape import csv_cell as safe_cell

    assert safe_cell(value) == expected


def test_markdown_report_shows_gaps_and_breakdowns(runner, project):
    root, _ = project
    result = run(runner, root / "tickets.csv", "--kb", root / "kb", "-q")
    assert result.exit_code == 0
    text = result.stdout
    assert text.startswith("# Help-center gaps")
    assert "## Write these first" in text and "## Volume by case type" in text and "## Volume by product area" in text
    assert "<sync>" not in text and "&lt;sync&gt;" in text


def test_drafts_are_valid_articles_with_customers_questions(runner, project, tmp_path):
    root, _ = project
    drafts = tmp_path / "drafts"
    result = run(runner, root / "tickets.csv", "--kb", root / "kb", "--draft", drafts, "--top", "2", "-q", "-o", tmp_path / "r.md")
    assert result.exit_code == 0, result.output
    loaded = load_articles(drafts)
    assert loaded.files_seen == 2 and not [d for d in loaded.diagnostics if d.is_error]
    text = "\n".join(a.body for a in loaded.articles)
    assert "## Questions to answer" in text and "## Sample tickets" in text
    assert "<script>" not in text
    assert any("outlook" in a.title.lower() or "pdf" in a.title.lower() for a in loaded.articles)
    again = run(runner, root / "tickets.csv", "--kb", root / "kb", "--draft", drafts, "--top", "2", "-q", "-o", tmp_path / "r.md")
    assert again.exit_code == 0 and len(list(drafts.glob("*.md"))) == 4  # Never overwrites a writer's work.


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        (b"", (), "the file is empty"),
        (b"id,subject,body\n", (), "no tickets found"),
        (b"id,subject\n1,hi\n", ("--text-column", "nope"), "--text-column 'nope' is not a column"),
        (b"\x00\x01\x02\x03" * 3000, (), "binary data"),
        (b"id,subject\n1,hi\n", ("--input-format", "intercom-json"), "expects a JSON file"),
    ],
)
def test_bad_input_is_one_clear_message_without_traceback(runner, tmp_path, content, args, message):
    write_kb(tmp_path)
    path = tmp_path / "tickets.csv"
    path.write_bytes(content)
    result = run(runner, path, "--kb", tmp_path / "kb", *args)
    assert result.exit_code == 1
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_missing_kb_folder_is_a_user_error(runner, project, tmp_path):
    root, _ = project
    result = run(runner, root / "tickets.csv", "--kb", tmp_path / "nowhere")
    assert result.exit_code == 1
    assert "not found" in result.stderr


def test_skipped_rows_are_listed_with_line_numbers(runner, project, tmp_path):
    root, _ = project
    broken = tmp_path / "broken.csv"
    broken.write_text((root / "tickets.csv").read_text(encoding="utf-8") + "999,too,few\n", encoding="utf-8")
    result = run(runner, broken, "--kb", root / "kb", "--format", "json", "-q")
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document["tickets_skipped"] == 1
    line = document["skipped"][0]["line"]
    assert f"skipped line {line}: has 3 fields but the header has 9" in result.stderr


def test_kb_help_lists_gaps():
    result = CliRunner().invoke(main, ["--help"])
    assert "gaps" in result.output


def test_empty_kb_folder_is_a_user_error(runner, project, tmp_path):
    root, _ = project
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run(runner, root / "tickets.csv", "--kb", empty)
    assert result.exit_code == 1
    assert "no readable Markdown articles" in result.stderr


def test_kb_defaults_to_the_project_of_mkdocs_yml(runner, project, monkeypatch):
    root, _ = project
    (root / "mkdocs.yml").write_text("site_name: Test\ndocs_dir: kb/articles\n", encoding="utf-8")
    monkeypatch.chdir(root)
    result = run(runner, "tickets.csv", "--format", "json", "-q")
    assert result.exit_code == 0, result.output
    clusters = json.loads(result.stdout)["clusters"]
    refunds = [c for c in clusters if c["best_article"] and c["best_article"]["path"] == "account-billing/refunds.md"]
    assert refunds and refunds[0]["product_area"] == "Billing"
