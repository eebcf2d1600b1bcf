"""Customers' words proposed for each article's `questions:`: masked, de-duplicated, reviewable."""

from __future__ import annotations

import yaml
from click.testing import CliRunner

from supportkb.cli import main
from supportkb.gaps.analysis.phrasings import ArticlePhrasings, ProposedQuestion, distinct_phrasings, render_proposals
from tests.gaps.kbfixture import write_kb, write_tickets


def test_distinct_phrasings_counts_merges_and_leaves_out():
    proposed = distinct_phrasings(
        [
            "Charged twice, need a refund",
            "charged twice need a refund!",      # Same words: one proposal, counted twice.
            "Need a refund: charged twice",       # Same stems in another order.
            "Refund to [email] please",           # Still holds personal data (masked).
            "refund",                             # One word is not a question.
            "How do I get my money back",
            "money back",                         # Already an alias of the article.
            "x " * 40,                            # Too long to be a phrasing.
        ],
        known=["Request a refund", "money back"],
    )
    assert [q.tickets for q in proposed] == [3, 1]
    assert proposed[0].text.lower().startswith("charged twice")
    assert proposed[1] == ProposedQuestion("How do I get my money back", 1)


def test_limit_keeps_the_most_frequent():
    phrasings = ["export hours to excel"] * 3 + [f"question number {n} about exports" for n in range(20)]
    proposed = distinct_phrasings(phrasings, limit=2)
    assert len(proposed) == 2 and proposed[0] == ProposedQuestion("export hours to excel", 3)


def test_rendered_file_is_yaml_that_holds_hostile_text_as_text():
    hostile = 'He said "hi"\u2028# not a comment: {x}\n- item'
    text = render_proposals(
        [ArticlePhrasings("billing/refunds.md", "1042", "Refunds: \"all\" of them", (ProposedQuestion(hostile, 2),))],
        source="tickets\n# injected.csv",
    )
    data = yaml.safe_load(text)
    assert data == [{"article": "billing/refunds.md", "id": "1042", "title": 'Refunds: "all" of them', "questions": [hostile]}]
    assert "\n# injected" not in text
    assert yaml.safe_load(render_proposals([], source="x")) == []


def test_cli_writes_proposals_for_answered_articles(tmp_path):
    write_kb(tmp_path)
    write_tickets(tmp_path / "tickets.csv")
    target = tmp_path / "proposed.yml"
    result = CliRunner().invoke(
        main, ["gaps", str(tmp_path / "tickets.csv"), "--kb", str(tmp_path / "kb"), "-q", "--propose-questions", str(target)]
    )
    assert result.exit_code == 0, result.output
    data = yaml.safe_load(target.read_text(encoding="utf-8"))
    refunds = next(entry for entry in data if entry["article"] == "articles/account-billing/refunds.md")
    assert refunds["title"] == "Request a refund"
    assert 3 <= len(refunds["questions"]) <= 10
    assert any("charged twice" in q.lower() for q in refunds["questions"])
    assert len({q.lower() for q in refunds["questions"]}) == len(refunds["questions"])
    assert not any(entry["article"].endswith("export-csv.md") and any("pdf" in q.lower() for q in entry["questions"]) for entry in data)
    assert "Proposed" in result.stderr and str(target) in result.stderr
