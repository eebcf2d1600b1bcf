"""find_gaps on a small real help center: coverage, clusters, taxonomy, ranking."""

from __future__ import annotations

import datetime as dt

import pytest

from supportkb.gaps.analysis.find import GapOptions, analyse_export, auto_min_cluster_size
from supportkb.gaps.analysis.taxonomy import case_type_of, severity_of, severity_of_cluster
from supportkb.gaps.tickets.reader import Ticket
from tests.gaps.kbfixture import write_kb, write_tickets


@pytest.fixture(scope="module")
def analysed(tmp_path_factory):
    root = tmp_path_factory.mktemp("gaps")
    write_kb(root)
    ids = write_tickets(root / "tickets.csv")
    report = analyse_export(root / "tickets.csv", root / "kb", now=dt.datetime(2025, 5, 1, tzinfo=dt.timezone.utc))
    return report, ids


def _cluster_holding(report, ids):
    """The cluster holding most of these ticket ids."""
    return max(report.clusters, key=lambda c: len(set(c.ticket_ids) & set(ids)))


def test_question_no_article_mentions_is_an_uncovered_feature_gap(analysed):
    report, ids = analysed
    outlook = _cluster_holding(report, ids["outlook"])
    assert outlook.coverage == "uncovered"
    assert set(outlook.ticket_ids) == set(ids["outlook"])
    assert outlook.case_type == "feature-gap"
    assert "outlook" in outlook.missing_terms
    assert "outlook" in outlook.label.lower()


def test_related_article_that_lacks_the_key_word_does_not_cover(analysed):
    report, ids = analysed
    pdf = _cluster_holding(report, ids["pdf"])
    assert pdf.coverage == "uncovered"
    flagged = {t for c in report.clusters if c.coverage == "uncovered" and not c.is_long_tail for t in c.ticket_ids}
    assert len(flagged & set(ids["pdf"])) >= 6
    novel = [c for c in report.clusters if set(c.ticket_ids) & set(ids["pdf"]) and c.missing_terms]
    assert novel and all(c.coverage == "uncovered" and "pdf" in c.missing_terms for c in novel)
    assert pdf.best_article is not None and pdf.best_article.path == "articles/time-tracking/export-csv.md"
    assert "'pdf'" in novel[0].coverage_reason


def test_answered_question_is_covered_with_its_article_and_evidence(analysed):
    report, ids = analysed
    refunds = _cluster_holding(report, ids["refunds"])
    assert refunds.coverage == "covered"
    assert refunds.best_article.path == "articles/account-billing/refunds.md"
    assert refunds.best_article.title == "Request a refund"
    assert set(refunds.best_article.matched_terms) & {"refund", "charged", "twice"}
    assert refunds.best_article.passage
    assert refunds.case_type == "billing"
    assert refunds.product_area == "Billing"


def test_internal_only_answer_is_partial_and_severity_follows_priority(analysed):
    report, ids = analysed
    sso = _cluster_holding(report, ids["sso"])
    assert sso.coverage == "partial"
    assert sso.best_article.is_internal
    assert sso.best_article.path == "articles/sign-in-security/sso-outage.md"
    assert sso.severity == "critical"
    assert "internal" in sso.coverage_reason


def test_one_offs_are_not_clusters_but_land_in_the_long_tail(analysed):
    report, ids = analysed
    tail = [c for c in report.clusters if c.is_long_tail]
    assert len(tail) == 1 and tail[0] is report.clusters[-1]
    assert set(ids["one-offs"]) <= set(tail[0].ticket_ids)
    assert all(c.size >= report.min_cluster_size for c in report.clusters if not c.is_long_tail)


def test_gaps_rank_before_answered_questions(analysed):
    report, _ = analysed
    order = [c.coverage for c in report.clusters if not c.is_long_tail]
    assert order == sorted(order, key=["uncovered", "partial", "covered"].index)


def test_clusters_know_when_and_how_often(analysed):
    report, _ = analysed
    assert report.period == (dt.date(2025, 3, 3), dt.date(2025, 4, 22))
    for cluster in report.clusters:
        assert sum(n for _, n in cluster.weekly_counts) == cluster.size
        assert cluster.weekly_counts[0][0] == "2025-03-03"
        assert cluster.first_seen <= cluster.last_seen
        assert 1 <= len(cluster.representatives) <= 5
        assert {s.id for s in cluster.representatives} <= set(cluster.ticket_ids)


def test_report_text_never_holds_personal_data(analysed):
    report, _ = analysed
    texts = [s.text for c in report.clusters for s in c.representatives] + [q for c in report.clusters for q in c.questions]
    assert not any("sam@example.com" in t for t in texts)


def test_breakdown_by_case_type_adds_up(analysed):
    report, _ = analysed
    rows = dict(report.by("case_type"))
    assert sum(r["total"] for r in rows.values()) == sum(c.size for c in report.clusters)


def test_min_cluster_size_grows_with_the_export():
    assert auto_min_cluster_size(400) == 3
    assert auto_min_cluster_size(4_700) == 7
    assert auto_min_cluster_size(100_000) == 25


def test_options_can_hide_answered_questions_and_the_long_tail(tmp_path):
    write_kb(tmp_path)
    write_tickets(tmp_path / "t.csv")
    report = analyse_export(tmp_path / "t.csv", tmp_path / "kb", options=GapOptions(include_covered=False, long_tail=False))
    assert {c.coverage for c in report.clusters} <= {"uncovered", "partial"}
    assert not any(c.is_long_tail for c in report.clusters)


@pytest.mark.parametrize(
    ("texts", "kind", "expected"),
    [
        (["The app crashes on launch", "Timer stopped working after update", "error 500 when saving"], "", "bug"),
        (["I was charged twice", "Refund my subscription please", "How do I download a receipt?"], "", "billing"),
        (["Please add dark mode", "Would love a dark theme", "Any plans for dark mode?"], "", "feature-gap"),
        (["How do I invite a colleague?", "Where can I change my avatar?", "Can I rename a project?"], "", "how-to"),
        (["Lovely product", "Just saying hi", "Great job team"], "", "other"),
        (["Dark mode", "Theme", "Colours"], "Feature Request", "feature-gap"),
        (["How do I invite a colleague?", "Where is it?", "Rename project?"], "Bug", "bug"),
    ],
)
def test_case_type_rules(texts, kind, expected):
    tickets = [Ticket(id=str(i), subject=t, kind=kind) for i, t in enumerate(texts)]
    assert case_type_of(tickets)[0] == expected


@pytest.mark.parametrize(
    ("priorities", "expected"),
    [
        (["urgent", "low", "low", "low"], "critical"),
        (["high", "normal", "normal", "normal", "normal"], "normal"),
        (["Highest", "P2", "p2"], "critical"),
        (["priority", "not_priority"], "high"),
        (["", ""], "unknown"),
    ],
)
def test_severity_from_priority(priorities, expected):
    tickets = [Ticket(id=str(i), subject="x", priority=p) for i, p in enumerate(priorities)]
    assert severity_of_cluster(tickets) == expected


def test_unknown_priority_words_are_unknown():
    assert severity_of("whenever") == "unknown"


def _extra_rows(texts: list[str], subjects: list[str] | None, first_id: int) -> tuple[list[list[str]], list[str]]:
    rows, ids = [], []
    for index, text in enumerate(texts):
        created = dt.datetime(2025, 3, 4 + index, 10, 0).strftime("%Y-%m-%d %H:%M")
        subject = subjects[index % len(subjects)] if subjects else text[:40]
        rows.append([str(first_id + index), "Ana Lima", subject, text, "open", "low", "question", "", created])
        ids.append(str(first_id + index))
    return rows, ids


THANKS = ["Thanks for the quick help!", "Thank you so much", "thanks a lot, all sorted", "Thanks!", "Many thanks", "thank you"]
MAC = [
    "Tallybird for Mac doesn't open anymore, the icon bounces and then nothing.",
    "tallybird for mac doesn't open anymore: the dock icon bounces then nothing",
    "The Mac app doesn't open anymore, the icon just bounces.",
    "On my Mac the app icon bounces and then nothing opens.",
    "Tallybird on mac does not open, the icon bounces forever.",
]


def test_thank_yous_are_not_questions_listed_last_and_never_drafted(tmp_path):
    from supportkb.gaps.analysis.drafts import write_drafts

    write_kb(tmp_path)
    rows, thanks = _extra_rows(THANKS, None, 900)
    write_tickets(tmp_path / "t.csv", extra_rows=rows)
    report = analyse_export(tmp_path / "t.csv", tmp_path / "kb")
    cluster = _cluster_holding(report, thanks)
    assert cluster.not_a_question and cluster.case_type == "other"
    assert "not questions" in cluster.case_type_reason
    listed = [c for c in report.clusters if not c.is_long_tail]
    assert listed[-1] is cluster and not any(c.not_a_question for c in listed[:-1])
    drafts = write_drafts(report, tmp_path / "drafts", limit=50)
    assert drafts and cluster.label not in {d.cluster_label for d in drafts}


def test_label_is_the_phrase_that_fits_the_cluster_not_a_misleading_subject(tmp_path):
    write_kb(tmp_path)
    # Help-desk subjects are often generic or wrong: agents reuse them, customers pick any.
    rows, mac = _extra_rows(MAC, ["Windows app not opening", "App not opening", "Desktop app won't start", "Re: app issue"], 950)
    write_tickets(tmp_path / "t.csv", extra_rows=rows)
    report = analyse_export(tmp_path / "t.csv", tmp_path / "kb")
    cluster = _cluster_holding(report, mac)
    assert set(mac) <= set(cluster.ticket_ids)
    assert "mac" in cluster.label.lower() and "windows" not in cluster.label.lower()


def test_one_question_split_by_clustering_is_reported_once():
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    from supportkb.gaps.analysis.find import _merge_duplicates

    texts = [
        "download the timesheet report as pdf", "export report to pdf file",  # one question...
        "pdf download of the report please", "can I get the report as a pdf download",  # ...in two clusters
        "dark mode for the web app", "please add a dark theme mode",
        "export report to pdf", "report pdf export",  # answered: left alone
    ]
    vectors = TfidfVectorizer().fit_transform(texts).astype(np.float32)
    groups = [("uncovered", [0, 1]), ("uncovered", [2, 3]), ("uncovered", [4, 5]), ("covered", [6, 7])]
    merged = _merge_duplicates(groups, [[i] for i in range(len(texts))], vectors)
    assert sorted((level, sorted(rows)) for level, rows in merged) == [
        ("covered", [6, 7]), ("uncovered", [0, 1, 2, 3]), ("uncovered", [4, 5]),
    ]


def test_no_two_clusters_share_a_label(analysed):
    from dataclasses import replace

    from supportkb.gaps.analysis.find import _distinct_labels

    report, _ = analysed
    first, second = [replace(c, label="Recurring invoices") for c in report.clusters[:2]]
    relabelled = _distinct_labels([first, second])
    assert relabelled[0].label == "Recurring invoices"
    assert relabelled[1].label != "Recurring invoices" and relabelled[1].label in second.questions
    assert len({c.label.lower() for c in report.clusters}) == len(report.clusters)
