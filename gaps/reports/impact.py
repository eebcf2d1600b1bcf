"""Did the fix reduce tickets? Weekly ticket volume of an article's clusters before and after each change.

The test, stated once here and in every report: treat the matching clusters' tickets as a Poisson
process and ask whether the rate after the change differs from the rate before. Given n tickets in
both windows, under "no change" the tickets after follow Binomial(n, after_days / (before_days +
after_days)); an exact two-sided binomial test gives p. A change counts when p < ALPHA **and** the
weekly rate moved by at least MIN_CHANGE, so that a tiny shift on a huge cluster is not "an effect".
Weekly bursts make tickets more variable than Poisson, so borderline p values deserve doubt.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from supportkb.gaps.git_history import file_changes
from supportkb.gaps.reports.volume import ClusterSeries, TicketVolume, week_start

ALPHA = 0.01
MIN_CHANGE = 0.3
"""The weekly rate must move by at least 30 % as well."""
WINDOW_WEEKS = 6
MIN_WINDOW_DAYS = 14
TEST_DESCRIPTION = (
    f"exact Poisson rate test (conditional binomial) on tickets before vs after, two-sided; "
    f"a change counts when p < {ALPHA} and the weekly rate moved by at least {MIN_CHANGE:.0%}"
)
Verdict = Literal["fewer tickets", "more tickets", "no clear change", "too early", "no tickets before", "no matching tickets"]


@dataclass(frozen=True)
class ArticleChange:
    """An article file created or updated on a day (from git history)."""

    article_path: str
    day: dt.date
    kind: Literal["created", "updated"]


@dataclass(frozen=True)
class ArticleImpact:
    """Ticket volume of the clusters an article answers, before and after one change of it."""

    change: ArticleChange
    title: str
    clusters: tuple[str, ...]
    """Labels of the matching clusters (whose best article this is)."""
    before_tickets: int
    before_days: int
    after_tickets: int
    after_days: int
    p_value: float | None
    verdict: Verdict
    weekly: tuple[tuple[dt.date, int], ...]
    """(Monday, tickets) of the matching clusters across both windows."""

    @property
    def before_per_week(self) -> float:
        return 7 * self.before_tickets / self.before_days if self.before_days else 0.0

    @property
    def after_per_week(self) -> float:
        return 7 * self.after_tickets / self.after_days if self.after_days else 0.0

    @property
    def change_ratio(self) -> float | None:
        """after / before weekly rate - 1 (-0.6: 60 % fewer); None without a 'before' rate."""
        return self.after_per_week / self.before_per_week - 1 if self.before_per_week else None


@dataclass(frozen=True)
class ImpactReport:
    impacts: tuple[ArticleImpact, ...]
    undated_skipped: int
    window_weeks: int
    test: str = TEST_DESCRIPTION


def article_changes(articles_dir: Path) -> tuple[ArticleChange, ...]:
    """Every day each Markdown file was created or changed, from `git log`; () outside git."""
    found: dict[tuple[str, dt.date], ArticleChange] = {}
    for change in file_changes(articles_dir):
        if not change.path.endswith(".md") or change.status[:1] not in ("A", "M"):
            continue
        kind: Literal["created", "updated"] = "created" if change.status.startswith("A") else "updated"
        key = (change.path, change.day)
        if key not in found or kind == "created":  # Several commits a day are one change.
            found[key] = ArticleChange(change.path, change.day, kind)
    return tuple(sorted(found.values(), key=lambda c: (c.day, c.article_path)))


def rate_test(before: int, before_days: int, after: int, after_days: int) -> float:
    """Two-sided p of the exact conditional test that both windows share one Poisson rate."""
    from scipy.stats import binomtest

    total = before + after
    if total == 0:
        return 1.0
    return float(binomtest(after, total, after_days / (before_days + after_days)).pvalue)


def measure_impact(
    changes: Sequence[ArticleChange], volume: TicketVolume, *, titles: dict[str, str] | None = None,
    window_weeks: int = WINDOW_WEEKS,
) -> ImpactReport:
    """Before/after ticket volume for each change inside the tickets' period."""
    titles = titles or {}
    impacts = []
    for change in changes:
        if volume.first is None or volume.last is None or not volume.first <= change.day <= volume.last:
            continue  # A change outside the tickets' period has nothing to compare.
        matching = [s for s in volume.clusters if s.article_path == change.article_path and not s.is_long_tail]
        impacts.append(_impact(change, matching, volume, titles.get(change.article_path, change.article_path), window_weeks))
    return ImpactReport(tuple(impacts), volume.undated, window_weeks)


def _impact(change: ArticleChange, matching: list[ClusterSeries], volume: TicketVolume, title: str, window_weeks: int) -> ArticleImpact:
    labels = tuple(s.label for s in matching)
    if not matching or volume.first is None or volume.last is None:
        return ArticleImpact(change, title, labels, 0, 0, 0, 0, None, "no matching tickets", ())
    span = dt.timedelta(weeks=window_weeks)
    before_start = max(volume.first, change.day - span)
    after_start = max(volume.first, change.day + dt.timedelta(days=1))  # The change's own day is neither.
    after_end = min(volume.last + dt.timedelta(days=1), after_start + span)
    before_days = max(0, (change.day - before_start).days)
    after_days = max(0, (after_end - after_start).days)
    before = sum(s.count_between(before_start, change.day) for s in matching)
    after = sum(s.count_between(after_start, after_end) for s in matching)
    weekly = _combined_weekly(matching, before_start, max(after_start, after_end - dt.timedelta(days=1)))
    if before_days < MIN_WINDOW_DAYS or after_days < MIN_WINDOW_DAYS:
        verdict: Verdict = "no tickets before" if before_days < MIN_WINDOW_DAYS else "too early"
        return ArticleImpact(change, title, labels, before, before_days, after, after_days, None, verdict, weekly)
    p_value = rate_test(before, before_days, after, after_days)
    before_rate, after_rate = before / before_days, after / after_days
    verdict = "no clear change"
    if p_value < ALPHA and before_rate and after_rate <= before_rate * (1 - MIN_CHANGE):
        verdict = "fewer tickets"
    elif p_value < ALPHA and after_rate >= before_rate * (1 + MIN_CHANGE):
        verdict = "more tickets"
    return ArticleImpact(change, title, labels, before, before_days, after, after_days, p_value, verdict, weekly)


def _combined_weekly(series: list[ClusterSeries], first: dt.date, last: dt.date) -> tuple[tuple[dt.date, int], ...]:
    totals: dict[dt.date, int] = {}
    for s in series:
        for week, count in s.weekly(first, last):
            totals[week] = totals.get(week, 0) + count
    return tuple(sorted(totals.items())) if totals else ((week_start(first), 0),)
