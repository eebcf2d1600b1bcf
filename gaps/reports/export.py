"""Gap and feature-gap clusters as CSV files for Productboard's, Jira's and Canny's CSV importers.

Every cell is made safe for spreadsheets: text starting with = + - @ (or a tab / carriage
return) gets a leading apostrophe, so a customer's words never run as a formula (CSV injection).
Column mappings are documented in docs/reports.md.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

from supportkb.generator.core.escape import csv_cell

if TYPE_CHECKING:
    from supportkb.gaps.analysis.find import Cluster, GapReport

Target = Literal["productboard", "jira", "canny"]
TARGETS: tuple[str, ...] = ("productboard", "jira", "canny")
PRODUCTBOARD_COLUMNS = ("Note title", "Note text", "Tags", "Source origin", "Source record ID", "Display URL")
JIRA_COLUMNS = ("Summary", "Issue Type", "Priority", "Description", "Labels", "Labels", "Labels", "Component")
"""Jira reads repeated 'Labels' headers as several labels of one issue."""
CANNY_COLUMNS = ("Title", "Details", "Board", "Votes", "Tags", "Ticket IDs")
"""One Canny post per cluster; Votes is how many tickets ask it."""
DEFAULT_CANNY_BOARD = "Feature Requests"
_CELL_LIMIT = 32_000
"""Spreadsheets cut a cell at 32,767 characters; a long ticket-id list stops before that."""
_JIRA_PRIORITY = {"high": "High", "medium": "Medium", "low": "Low", "urgent": "Highest", "critical": "Highest"}


def label_of(text: str) -> str:
    """A Jira label: no spaces, lower case ('Time tracking' -> 'time-tracking')."""
    return re.sub(r"[^a-z0-9_.-]+", "-", text.lower()).strip("-")[:60]


def exported_clusters(report: GapReport, *, include_partial: bool = True) -> tuple[Cluster, ...]:
    """The clusters worth sending: uncovered gaps, partial answers, and every feature request."""
    wanted = []
    for cluster in report.clusters:
        if cluster.is_long_tail:
            continue
        if cluster.case_type == "feature-gap" or cluster.coverage == "uncovered" or (include_partial and cluster.coverage == "partial"):
            wanted.append(cluster)
    return tuple(wanted)


def _description(cluster: Cluster, *, source: str) -> str:
    lines = [
        f"{cluster.size} support tickets ask this ({cluster.coverage} by the help center).",
        f"Product area: {cluster.product_area}. Case type: {cluster.case_type}.",
    ]
    if cluster.first_seen and cluster.last_seen:
        lines.append(f"First seen {cluster.first_seen.isoformat()}, last seen {cluster.last_seen.isoformat()}; "
                     f"{cluster.recent} in the last 4 weeks, {cluster.earlier} in the 4 before.")
    if cluster.best_article is not None:
        lines.append(f"Closest article: {cluster.best_article.title} ({cluster.best_article.path}).")
    if cluster.questions:
        lines.append("In customers' words:")
        lines.extend(f"- {q}" for q in cluster.questions[:5])
    lines.append(f"Ticket ids: {', '.join(cluster.ticket_ids[:20])}{' …' if len(cluster.ticket_ids) > 20 else ''}")
    lines.append(f"Source: supportkb gap analysis of {source}.")
    return "\n".join(lines)


def _record_id(cluster: Cluster) -> str:
    """Stable across runs of the same export: the cluster's earliest ticket."""
    return f"supportkb-{cluster.ticket_ids[0]}" if cluster.ticket_ids else "supportkb-empty"


def _all_ids(cluster: Cluster) -> str:
    joined = ", ".join(cluster.ticket_ids)
    return joined if len(joined) <= _CELL_LIMIT else joined[: joined.rfind(", ", 0, _CELL_LIMIT)] + " …"


def export_clusters(clusters: Sequence[Cluster], target: Target, *, source: str = "tickets",
                    board: str = DEFAULT_CANNY_BOARD) -> str:
    """CSV text for the target's importer, one row per cluster (`board`: Canny's board)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    if target == "productboard":
        writer.writerow(PRODUCTBOARD_COLUMNS)
        for cluster in clusters:
            tags = ", ".join(t for t in ("support-gap", cluster.case_type, cluster.product_area, cluster.coverage) if t)
            url = cluster.best_article.url if cluster.best_article is not None and not cluster.best_article.is_internal else ""
            row = [cluster.label, _description(cluster, source=source), tags, "supportkb", _record_id(cluster), url]
            writer.writerow([csv_cell(cell) for cell in row])
    elif target == "canny":
        writer.writerow(CANNY_COLUMNS)
        for cluster in clusters:
            tags = ", ".join(t for t in ("support-gap", cluster.case_type, cluster.product_area) if t)
            row = [cluster.label, _description(cluster, source=source), board, cluster.size, tags, _all_ids(cluster)]
            writer.writerow([csv_cell(cell) for cell in row])
    else:
        writer.writerow(JIRA_COLUMNS)
        for cluster in clusters:
            kind = "Story" if cluster.case_type == "feature-gap" else ("Bug" if cluster.case_type == "bug" else "Task")
            priority = _JIRA_PRIORITY.get(cluster.severity.lower(), "Medium")
            labels = ["support-gap", label_of(cluster.case_type), label_of(cluster.coverage)]
            summary = cluster.label if len(cluster.label) <= 250 else cluster.label[:249] + "…"
            row = [summary, kind, priority, _description(cluster, source=source), *labels, cluster.product_area]
            writer.writerow([csv_cell(cell) for cell in row])
    return out.getvalue()
