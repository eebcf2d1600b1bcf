"""Usage numbers from events and an analytics export; gap clusters as importer-ready CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

from supportkb.gaps.reports.export import CANNY_COLUMNS, JIRA_COLUMNS, export_clusters, exported_clusters
from supportkb.generator.core.escape import csv_cell as safe_cell
from supportkb.gaps.reports.pageviews import read_pageviews
from supportkb.gaps.tickets.reader import read_tickets
from supportkb.gaps.reports.usage import failed_searches_csv, summarise_usage
from supportkb.generator.core.articles import load_articles
from supportkb.gaps.reports.events import read_events
from supportkb.search.events import EventStore, parse_events

GA4 = """\
# ----------------------------------------
# Pages and screens
# 20250101-20250131
# ----------------------------------------
Page path and screen class,Views,Users
/sign-in/reset-password/,"1,200",900
/reports/export-csv/?utm=x,300,250
/,5000,4000
Grand total,"6,500",5150
/broken/,n/a,1
"""


def _events(tmp_path: Path) -> Path:
    path = tmp_path / "events.db"
    votes = [{"type": "vote", "page": "/sign-in/reset-password/", "helpful": n < 1} for n in range(6)]
    searches = [
        {"type": "search", "query": "PDF export", "results": 0, "search_id": "a1"},
        {"type": "search", "query": "pdf  export", "results": 0, "search_id": "a2"},
        {"type": "search", "query": "invoice", "results": 2, "search_id": "a3"},
        {"type": "search", "query": "timer", "results": 1, "search_id": "a4"},
        {"type": "click", "target": "/time/timer-sync/", "search_id": "a4", "rank": 1},
    ]
    with EventStore(path) as store:
        store.add(parse_events(json.dumps(votes + searches).encode()), now=dt.datetime(2025, 3, 5, tzinfo=dt.timezone.utc))
    return path


def test_usage_report_from_events_and_pageviews(tmp_path: Path, loop_project, loop_analysis) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "ga4.csv").write_text(GA4, encoding="utf-8")
    pageviews = read_pageviews(tmp_path / "ga4.csv")
    assert pageviews.views == {"/sign-in/reset-password/": 1200, "/reports/export-csv/": 300, "/": 5000}
    assert pageviews.skipped == ((10, "views is not a number: 'n/a'"),)
    articles = load_articles(loop_project.articles).articles
    usage = summarise_usage(read_events(_events(tmp_path)), articles, pageviews=pageviews, volume=loop_analysis.volume,
                            since=dt.date(2025, 3, 1), until=dt.date(2025, 3, 31))
    assert [(u.article_path, u.views) for u in usage.most_viewed] == [("sign-in/reset-password.md", 1200), ("reports/export-csv.md", 300)]
    assert usage.other_pages == 5000
    flagged = {i.usage.article_path: i.reasons for i in usage.ineffective}
    assert flagged["sign-in/reset-password.md"][0] == "5 of 6 readers said it did not help"
    assert flagged["time/timer-sync.md"][0].startswith("found by search 1 times, yet ")
    assert [(q.query, q.searches) for q in usage.zero_result] == [("PDF export", 2)]
    assert [(q.query, q.searches) for q in usage.no_click] == [("invoice", 1)]

    # The failed searches feed `kb gaps` as one more source of questions.
    questions = tmp_path / "searches.csv"
    questions.write_text(failed_searches_csv(usage), encoding="utf-8")
    imported = read_tickets(questions)
    assert [(t.subject, t.tags) for t in imported.tickets] == [
        ("PDF export", ("search-zero-results",)), ("PDF export", ("search-zero-results",)), ("invoice", ("search-no-click",))]


def test_export_is_importer_ready_and_injection_safe(loop_analysis) -> None:  # type: ignore[no-untyped-def]
    import dataclasses

    clusters = exported_clusters(loop_analysis.report)
    assert [c.label for c in clusters] == ["PDF export of report"]  # The covered clusters stay out.
    hostile = dataclasses.replace(clusters[0], label="=HYPERLINK(\"http://evil\")", product_area="@Reports")
    rows = list(csv.reader(io.StringIO(export_clusters([hostile], "jira"))))
    assert tuple(rows[0]) == JIRA_COLUMNS and rows[0].count("Labels") == 3
    summary, kind, _priority, description, *labels, component = rows[1]
    assert summary == "'=HYPERLINK(\"http://evil\")" and component == "'@Reports"
    assert kind == "Task" and labels[0] == "support-gap" and all(" " not in label for label in labels)
    assert "support tickets ask this (uncovered" in description
    board = list(csv.DictReader(io.StringIO(export_clusters(clusters, "productboard"))))
    assert board[0]["Note title"] == "PDF export of report" and board[0]["Source origin"] == "supportkb"
    assert board[0]["Source record ID"].startswith("supportkb-") and "uncovered" in board[0]["Tags"]
    # One rule for every CSV: a plain number stays a number, anything else a formula could start is text.
    assert [safe_cell(v) for v in ("-1", "-1+cmd|' /C calc'!A0", "+a", "\tx", "%0A=1", "ok")] == [
        "-1", "'-1+cmd|' /C calc'!A0", "'+a", "'\tx", "'%0A=1", "ok"]


def test_canny_export_is_one_post_per_cluster_with_its_tickets(loop_analysis) -> None:  # type: ignore[no-untyped-def]
    import dataclasses

    (cluster,) = exported_clusters(loop_analysis.report)
    rows = list(csv.reader(io.StringIO(export_clusters([cluster], "canny", board="Ideas"))))
    assert tuple(rows[0]) == CANNY_COLUMNS == ("Title", "Details", "Board", "Votes", "Tags", "Ticket IDs")
    post = dict(zip(rows[0], rows[1]))
    assert post["Title"] == "PDF export of report" and post["Board"] == "Ideas"
    assert post["Votes"] == str(cluster.size) and int(post["Votes"]) > 10  # Votes: how many tickets ask it.
    assert post["Ticket IDs"].split(", ") == list(cluster.ticket_ids)
    assert "Ticket ids: " + ", ".join(cluster.ticket_ids[:20]) in post["Details"]
    assert post["Tags"].startswith("support-gap")
    hostile = dataclasses.replace(cluster, label="=cmd|' /C calc'!A0", product_area="+Reports", ticket_ids=("-2+3", *cluster.ticket_ids))
    post = dict(zip(CANNY_COLUMNS, list(csv.reader(io.StringIO(export_clusters([hostile], "canny"))))[1]))
    assert post["Title"] == "'=cmd|' /C calc'!A0" and post["Board"] == "Feature Requests"
    assert post["Ticket IDs"].startswith("'-2+3, ") and post["Tags"] == safe_cell(post["Tags"])
    many = dataclasses.replace(cluster, ticket_ids=tuple(f"T{n:06d}" for n in range(5000)))
    ids = dict(zip(CANNY_COLUMNS, list(csv.reader(io.StringIO(export_clusters([many], "canny"))))[1]))["Ticket IDs"]
    assert len(ids) < 32_767 and ids.endswith(" …")  # A spreadsheet keeps the whole cell.
    assert all(len(i) == 7 for i in ids.removesuffix(" …").split(", "))  # No id is cut in half.
