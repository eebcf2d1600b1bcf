"""A ticket an agent answered with a link to an article is covered by it, and teaches its words."""

from __future__ import annotations

import csv
from pathlib import PurePosixPath

import pytest

from supportkb.gaps.analysis.find import analyse_export
from supportkb.gaps.analysis.linked import ArticleLinks
from supportkb.generator.core.articles import Article
from tests.conftest import write_article

TOKEN = [
    "Google Authenticator keeps saying invalid token",
    "authenticator token invalid every time",
    "invalid token from my authenticator app",
    "Authenticator app token is invalid, cannot get in",
    "my authenticator token shows invalid",
    "token from authenticator rejected as invalid",
]


def _article(path: str, id: str, **extra) -> Article:
    return Article(path=PurePosixPath(path), id=id, title=path, **extra)


@pytest.mark.parametrize(
    ("reference", "expect"),
    [
        ("https://help.example.com/a/1042/#refunds", 0),
        ("/a/1042", 0),
        ("https://acme.zendesk.com/hc/en-us/articles/777-Two-step", 1),
        ("https://help.example.com/docs/billing/refunds/", 0),
        ("https://help.example.com/billing/refunds/index.html?utm=x", 0),
        ("billing/refunds.md", 0),
        ("/old/refund-policy/", 0),
        ("https://help.example.com/security/two-step/", 1),
        ("https://help.example.com/a/9999/", None),
        ("https://status.example.com/", None),
        ("/faq/", None),  # Two articles end in faq: it names neither.
        ("http://[broken", None),
    ],
)
def test_resolve_reference(reference, expect):
    articles = [
        _article("billing/refunds.md", "1042", redirect_from=("old/refund-policy/",)),
        _article("security/two-step.md", "777"),
        _article("billing/faq.md", "5"),
        _article("security/faq.md", "6"),
    ]
    assert ArticleLinks.of(articles).resolve(reference) == expect


def _write(tmp_path, *, linked: int) -> None:
    write_article(
        tmp_path / "kb/articles/security/two-step.md",
        "# Turn on two-step verification\n\nOpen Settings › Security, choose Two-step verification and scan the QR code.\n",
        title="Turn on two-step verification", id="2001",
    )
    write_article(
        tmp_path / "kb/articles/billing/refunds.md",
        "# Request a refund\n\nOpen Billing › Payments and click Request refund.\n", title="Request a refund", id="1042",
    )
    with (tmp_path / "tickets.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "subject", "body", "agent_reply"])
        for number, text in enumerate(TOKEN):
            reply = "Please follow https://help.example.com/a/2001/ and it works." if number < linked else ""
            writer.writerow([f"T{number}", text, "", reply])


def test_without_links_the_question_is_a_gap(tmp_path):
    _write(tmp_path, linked=0)
    report = analyse_export(tmp_path / "tickets.csv", tmp_path / "kb/articles")
    cluster = next(c for c in report.clusters if "T0" in c.ticket_ids)
    assert cluster.coverage == "uncovered"
    assert report.linked_tickets == 0


def test_linked_tickets_cover_their_cluster_and_lift_unlinked_paraphrases(tmp_path):
    _write(tmp_path, linked=2)
    report = analyse_export(tmp_path / "tickets.csv", tmp_path / "kb/articles", embeddings="default")
    assert report.linked_tickets == 2
    cluster = next(c for c in report.clusters if "T0" in c.ticket_ids)
    assert cluster.coverage == "covered"
    assert cluster.best_article.path == "security/two-step.md"
    assert set(cluster.ticket_ids) == {f"T{n}" for n in range(len(TOKEN))}  # The four unlinked ones too.
    assert "2 answered with a link" in cluster.coverage_reason
    assert report.ticket_coverage == {"covered": len(TOKEN), "partial": 0, "uncovered": 0}


def test_by_words_linked_tickets_make_their_paraphrases_at_least_partial(tmp_path):
    _write(tmp_path, linked=2)
    report = analyse_export(tmp_path / "tickets.csv", tmp_path / "kb/articles", embeddings="none")
    assert report.linked_tickets == 2
    assert report.ticket_coverage["covered"] >= 2 and report.ticket_coverage["uncovered"] == 0


def test_link_to_an_unknown_page_changes_nothing(tmp_path):
    _write(tmp_path, linked=0)
    path = tmp_path / "tickets.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("T0,Google Authenticator keeps saying invalid token,,",
                    "T0,Google Authenticator keeps saying invalid token,,https://help.example.com/a/404/"), encoding="utf-8")
    report = analyse_export(path, tmp_path / "kb/articles")
    assert report.linked_tickets == 0
    assert next(c for c in report.clusters if "T0" in c.ticket_ids).coverage == "uncovered"
