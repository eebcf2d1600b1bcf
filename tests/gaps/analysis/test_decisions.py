"""Writers' decisions (kb/gaps-decisions.yml): matched by content, applied whole, refused with path:line."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from supportkb.cli import main
from supportkb.gaps.analysis.decisions import DecisionsError
from supportkb.gaps.analysis.find import analyse_export
from tests.gaps.kbfixture import OUTLOOK, PDF, write_kb, write_tickets


@pytest.fixture
def project(tmp_path):
    write_kb(tmp_path)
    ids = write_tickets(tmp_path / "tickets.csv")
    return tmp_path, ids


def _decide(root, text: str):
    (root / "kb/gaps-decisions.yml").write_text(text, encoding="utf-8")
    return analyse_export(root / "tickets.csv", root / "kb")


def _cluster_holding(report, ids):
    return max(report.clusters, key=lambda c: len(set(c.ticket_ids) & set(ids)))


def test_without_a_file_nothing_is_decided(project):
    root, ids = project
    report = analyse_export(root / "tickets.csv", root / "kb")
    assert report.decisions_file == "" and report.decisions_applied == 0
    assert _cluster_holding(report, ids["pdf"]).coverage == "uncovered"


def test_covered_by_an_article_marks_its_cluster_covered(project):
    root, ids = project
    report = _decide(root, f"""\
- decision: covered by articles/time-tracking/export-csv
  questions:
    - {json.dumps(PDF[0])}
    - {json.dumps(PDF[3])}
  note: PDF export is in the export article since 2.3
""")
    pdf = _cluster_holding(report, ids["pdf"])
    assert pdf.coverage == "covered"
    assert pdf.best_article.path == "articles/time-tracking/export-csv.md"
    assert pdf.decision is not None and pdf.decision.kind == "covered" and pdf.decision.line == 1
    assert "gaps-decisions.yml:1" in pdf.coverage_reason and "since 2.3" in pdf.coverage_reason
    assert report.decisions_applied == 1 and report.decisions_unmatched == ()
    assert _cluster_holding(report, ids["outlook"]).coverage == "uncovered"  # Only its own cluster.


def test_decision_in_other_words_still_finds_its_cluster(project):
    """Matching is by content, not by cluster number or exact text: it survives re-clustering."""
    root, ids = project
    report = _decide(root, """\
- decision: not a gap
  questions: ["Integration with Outlook calendar?", "outlook calendar sync please"]
""")
    outlook = _cluster_holding(report, ids["outlook"])
    assert outlook.decision is not None and outlook.decision.kind == "not-a-gap"
    assert outlook.coverage == "covered" and "not a gap" in outlook.coverage_reason


def test_wont_write_keeps_the_gap_but_lists_it_after_the_others(project):
    root, ids = project
    report = _decide(root, f"- decision: won't write\n  questions: {json.dumps(OUTLOOK[:3])}\n")
    outlook = _cluster_holding(report, ids["outlook"])
    pdf = _cluster_holding(report, ids["pdf"])
    assert outlook.coverage == "uncovered" and outlook.decision.kind == "wont-write"
    assert report.clusters.index(pdf) < report.clusters.index(outlook)


def test_decision_that_matches_nothing_is_reported_not_applied(project):
    root, ids = project
    report = _decide(root, """\
- decision: not a gap
  questions: ["Outlook calendar integration please"]
- decision: not a gap
  questions: ["Does the app run on a smart fridge?", "fridge support"]
""")
    assert report.decisions_applied == 1
    [unmatched] = report.decisions_unmatched
    assert unmatched.decision.line == 3 and "close" in unmatched.reason


def test_two_decisions_for_one_cluster_the_first_wins(project):
    root, ids = project
    report = _decide(root, f"""\
- decision: not a gap
  questions: [{json.dumps(OUTLOOK[1])}]
- decision: won't write
  questions: [{json.dumps(OUTLOOK[2])}]
""")
    assert _cluster_holding(report, ids["outlook"]).decision.kind == "not-a-gap"
    assert [m.decision.line for m in report.decisions_unmatched] == [3]
    assert "line 1" in report.decisions_unmatched[0].reason


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("- decision: covered by 9999\n  questions: [x y]\n", 1, "no article has id or path '9999'"),
        ("- decision: not a gap\n  questions: [a b]\n- decision: covered by nope\n  questions: [c d]\n", 3, "no article"),
        ("- decision: maybe\n  questions: [a]\n", 1, "unknown decision 'maybe'"),
        ("- decision: not a gap\n", 1, "'questions:' is missing"),
        ("- decision: not a gap\n  questions: just one string\n", 2, "must be a list"),
        ("- decision: not a gap\n  questions: [a]\n  questoins: [b]\n", 3, "unknown key 'questoins'"),
        ("- questions: [a]\n", 1, "'decision:' is missing"),
        ("- just a string\n", 1, "must be a mapping"),
        ("decision: not a gap\n", 1, "expected a list"),
        ("- decision: not a gap\n  questions: [a\n", 3, "not valid YAML"),
        ("- decision: not a gap\n  questions:\n    - {a: b}\n", 3, "line of text"),
    ],
)
def test_bad_file_is_refused_with_path_and_line(project, text, line, message):
    root, _ids = project
    with pytest.raises(DecisionsError) as caught:
        _decide(root, text)
    assert caught.value.line == line
    assert message in caught.value.message
    assert str(caught.value).startswith(f"{root / 'kb/gaps-decisions.yml'}:{line}: ")


def test_cli_refuses_a_bad_file_without_a_traceback_and_writes_nothing(project):
    root, _ids = project
    (root / "kb/gaps-decisions.yml").write_text(
        "- decision: not a gap\n  questions: [Outlook calendar]\n- decision: covered by 404\n  questions: [pdf]\n", encoding="utf-8"
    )
    out = root / "gaps.json"
    result = CliRunner().invoke(main, ["gaps", str(root / "tickets.csv"), "--kb", str(root / "kb"), "--format", "json", "-o", str(out)])
    assert result.exit_code == 1
    assert "gaps-decisions.yml:3: no article has id or path '404'" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()  # The first, valid decision was not applied half-way either: no report at all.


def test_cli_json_reports_decisions(project):
    root, ids = project
    (root / "kb/gaps-decisions.yml").write_text(
        f"decisions:\n  - decision: won't write\n    questions: {json.dumps(OUTLOOK[:2])}\n"
        "  - decision: not a gap\n    questions: [fridge support for the fridge app]\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["gaps", str(root / "tickets.csv"), "--kb", str(root / "kb"), "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert "decisions" not in document and "linked_tickets" not in document, "the JSON contract keeps its keys"
    outlook = next(c for c in document["clusters"] if set(c["ticket_ids"]) & set(ids["outlook"]))
    assert "a writer decided not to write an article (" in outlook["reasons"]["coverage"]
    assert "Applied 1 writers' decision(s)" in result.stderr
    assert "gaps-decisions.yml:4:" in result.stderr  # the decision that matches nothing now
    ignored = CliRunner().invoke(main, ["gaps", str(root / "tickets.csv"), "--kb", str(root / "kb"), "--format", "json", "--no-decisions"])
    assert "a writer decided" not in ignored.stdout


def test_cli_missing_decisions_file_is_a_clear_error(project):
    root, _ids = project
    result = CliRunner().invoke(main, ["gaps", str(root / "tickets.csv"), "--kb", str(root / "kb"), "--decisions", str(root / "nope.yml")])
    assert result.exit_code == 1
    assert "nope.yml: the decisions file does not exist" in result.output and "Traceback" not in result.output
