"""Ticket volume over time per cluster: the shared input of impact, spikes and the monthly report."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from supportkb.gaps.analysis.find import Cluster, GapReport


@dataclass(frozen=True)
class ClusterSeries:
    """One cluster of the gap analysis and the day each of its tickets was opened."""

    label: str
    product_area: str
    case_type: str
    coverage: str
    article_path: str
    """The cluster's best article (relative to the knowledge base), or ''."""
    days: tuple[dt.date, ...]
    """Creation day of every dated ticket, sorted."""
    undated: int
    """Tickets of the cluster without a readable date."""
    is_long_tail: bool = False

    def count_between(self, start: dt.date, end: dt.date) -> int:
        """Tickets opened on days start <= day < end."""
        from bisect import bisect_left

        return bisect_left(self.days, end) - bisect_left(self.days, start)

    def weekly(self, first: dt.date, last: dt.date) -> tuple[tuple[dt.date, int], ...]:
        """(Monday, tickets) for every week from first's week to last's week."""
        counts = Counter(week_start(day) for day in self.days)
        week, weeks = week_start(first), []
        while week <= last:
            weeks.append((week, counts.get(week, 0)))
            week += dt.timedelta(days=7)
        return tuple(weeks)


@dataclass(frozen=True)
class TicketVolume:
    """Every cluster's series, the data's period, and how many tickets had no date."""

    clusters: tuple[ClusterSeries, ...]
    first: dt.date | None
    last: dt.date | None
    undated: int
    """Tickets without a date in any cluster (impact and spikes skip them)."""
    unclustered: int
    tickets: int


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def volume_of(report: GapReport, created: Callable[[str], dt.date | None]) -> TicketVolume:
    """Series per cluster, given each ticket id's creation day."""
    series = [_series(cluster, created) for cluster in report.clusters]
    days = [day for s in series for day in s.days]
    return TicketVolume(
        clusters=tuple(series),
        first=min(days) if days else None,
        last=max(days) if days else None,
        undated=sum(s.undated for s in series),
        unclustered=report.unclustered,
        tickets=report.tickets_read,
    )


def _series(cluster: Cluster, created: Callable[[str], dt.date | None]) -> ClusterSeries:
    days = [created(ticket_id) for ticket_id in cluster.ticket_ids]
    dated = sorted(day for day in days if day is not None)
    return ClusterSeries(
        label=cluster.label,
        product_area=cluster.product_area,
        case_type=cluster.case_type,
        coverage=cluster.coverage,
        article_path=cluster.best_article.path if cluster.best_article else "",
        days=tuple(dated),
        undated=len(days) - len(dated),
        is_long_tail=cluster.is_long_tail,
    )


@dataclass(frozen=True)
class TicketAnalysis:
    """The gap report of an export and its tickets' volume over time."""

    report: GapReport
    volume: TicketVolume


def analyse_tickets(
    tickets_path: Path | str, kb_dir: Path | str, *, read_options: Any = None,
    on_stage: Callable[[str], None] | None = None,
) -> TicketAnalysis:
    """Run the gap analysis on an export and date every clustered ticket."""
    from supportkb.gaps.analysis.find import analyse_export
    from supportkb.gaps.tickets.reader import ReadOptions, read_tickets

    report = analyse_export(tickets_path, kb_dir, read_options, on_stage=on_stage)
    # The report keeps ticket ids, not dates; reading the export again is cheap next to clustering.
    imported = read_tickets(tickets_path, read_options or ReadOptions())
    created = {t.id: t.created.date() for t in imported.tickets if t.created is not None}
    return TicketAnalysis(report, volume_of(report, created.get))


def months_between(first: dt.date, last: dt.date) -> list[str]:
    """'YYYY-MM' of every month from first to last."""
    months, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def month_bounds(month: str) -> tuple[dt.date, dt.date]:
    """First day of 'YYYY-MM' and first day of the next month."""
    year, number = int(month[:4]), int(month[5:7])
    start = dt.date(year, number, 1)
    end = dt.date(year + 1, 1, 1) if number == 12 else dt.date(year, number + 1, 1)
    return start, end


def previous_month(month: str) -> str:
    start, _ = month_bounds(month)
    before = start - dt.timedelta(days=1)
    return f"{before.year:04d}-{before.month:02d}"


def counts_by(clusters: Iterable[ClusterSeries], key: str, start: dt.date, end: dt.date) -> Counter[str]:
    """Tickets opened in [start, end) per value of a ClusterSeries field."""
    totals: Counter[str] = Counter()
    for series in clusters:
        totals[getattr(series, key) or "Other"] += series.count_between(start, end)
    return totals
