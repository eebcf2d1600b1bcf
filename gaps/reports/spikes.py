"""Questions that spike after a release: clusters whose weekly volume rose clearly over their baseline.

The test: the baseline is the BASELINE_WEEKS before the release day, the spike window the
SPIKE_WEEKS from it. Under "no change" the tickets in the spike window follow Binomial(n,
window_days / (baseline_days + window_days)); a cluster spikes when the exact one-sided p < ALPHA,
its weekly rate at least doubled (MIN_RATIO, a zero baseline counting as FLOOR_PER_WEEK) and it
had at least MIN_TICKETS tickets in the window.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from supportkb.gaps.reports.volume import ClusterSeries, TicketVolume

if TYPE_CHECKING:
    from supportkb.gaps.staleness.notes import Release
    from supportkb.generator.core.articles import Article

ALPHA = 0.01
MIN_RATIO = 2.0
MIN_TICKETS = 5
FLOOR_PER_WEEK = 0.5
BASELINE_WEEKS = 8
SPIKE_WEEKS = 2
MIN_BASELINE_DAYS = 14
TEST_DESCRIPTION = (
    f"{SPIKE_WEEKS} weeks from the release vs the {BASELINE_WEEKS} weeks before: exact one-sided Poisson rate test, "
    f"p < {ALPHA}, weekly rate at least {MIN_RATIO:g}x the baseline and at least {MIN_TICKETS} tickets"
)


@dataclass(frozen=True)
class ReleaseDate:
    """A release and the day it shipped."""

    version: str
    day: dt.date
    release: Release | None = None
    """Its notes, for the staleness check (None when only the date is known)."""


@dataclass(frozen=True)
class Spike:
    """A cluster whose volume rose clearly after a release."""

    label: str
    product_area: str
    article_path: str
    baseline_tickets: int
    baseline_days: int
    after_tickets: int
    after_days: int
    p_value: float
    weekly: tuple[tuple[dt.date, int], ...]

    @property
    def baseline_per_week(self) -> float:
        return 7 * self.baseline_tickets / self.baseline_days

    @property
    def after_per_week(self) -> float:
        return 7 * self.after_tickets / self.after_days


@dataclass(frozen=True)
class ReleaseSpikes:
    """What one release did to ticket volume, and the articles its notes make stale."""

    release: ReleaseDate
    spikes: tuple[Spike, ...]
    stale_articles: tuple[tuple[str, str, float], ...]
    """(path, title, score) the staleness checker flags for this release, best first."""
    checked: bool
    """False when the data does not cover enough time around the release."""


@dataclass(frozen=True)
class SpikeReport:
    releases: tuple[ReleaseSpikes, ...]
    undated_skipped: int
    test: str = TEST_DESCRIPTION


def releases_from_notes(releases: Sequence[Release]) -> tuple[ReleaseDate, ...]:
    """The dated releases of parsed release notes, oldest first; undated ones are left out."""
    return tuple(sorted(
        (ReleaseDate(r.version or "(unnamed)", r.date, r) for r in releases if r.date is not None),
        key=lambda r: r.day,
    ))


def releases_from_tags(repo: Path) -> tuple[ReleaseDate, ...]:
    """Tags of a git repository and their dates, oldest first, each with its commits as notes."""
    from supportkb.gaps.staleness.notes import read_git_range
    from supportkb.generator.core.errors import KBError

    try:
        done = subprocess.run(
            ["git", "-C", str(repo), "for-each-ref", "--sort=creatordate", "--format=%(refname:short)%09%(creatordate:short)", "refs/tags"],
            capture_output=True, text=True, encoding="utf-8", errors="replace", check=False, timeout=60,
        )
    except (FileNotFoundError, subprocess.TimeoutExpired) as exc:
        raise KBError("cannot run git to read release tags", path=repo, hint="install git, or pass --release NOTES.md") from exc
    if done.returncode != 0:
        raise KBError("not a git repository", path=repo, hint="pass the product's repository with --repo, or --release NOTES.md")
    found, previous = [], None
    for line in done.stdout.splitlines():
        name, _, day = line.partition("\t")
        try:
            when = dt.date.fromisoformat(day.strip())
        except ValueError:
            continue
        notes = None
        if previous is not None:
            try:
                notes = read_git_range(repo, f"{previous}..{name}")
            except KBError:
                notes = None  # An empty range: the date still counts, there is just nothing to check.
        found.append(ReleaseDate(name, when, notes))
        previous = name
    return tuple(found)


def find_spikes(
    releases: Sequence[ReleaseDate], volume: TicketVolume, *, articles: Sequence[Article] = (),
    site_url: str = "",
) -> SpikeReport:
    """For each release inside the tickets' period: the clusters that spiked and the stale articles."""
    results = []
    for release in releases:
        spikes, checked = _spikes_after(release.day, volume)
        results.append(ReleaseSpikes(release, spikes, _stale(release, articles, site_url) if spikes else (), checked))
    return SpikeReport(tuple(results), volume.undated)


def _spikes_after(day: dt.date, volume: TicketVolume) -> tuple[tuple[Spike, ...], bool]:
    if volume.first is None or volume.last is None:
        return (), False
    base_start = max(volume.first, day - dt.timedelta(weeks=BASELINE_WEEKS))
    after_end = min(volume.last + dt.timedelta(days=1), day + dt.timedelta(weeks=SPIKE_WEEKS))
    base_days, after_days = (day - base_start).days, (after_end - day).days
    if base_days < MIN_BASELINE_DAYS or after_days < 7:
        return (), False
    spikes = [s for s in (_spike(c, base_start, day, after_end) for c in volume.clusters if not c.is_long_tail) if s]
    spikes.sort(key=lambda s: (s.p_value, -s.after_tickets))
    return tuple(spikes), True


def _spike(series: ClusterSeries, base_start: dt.date, day: dt.date, after_end: dt.date) -> Spike | None:
    from scipy.stats import binomtest

    base = series.count_between(base_start, day)
    after = series.count_between(day, after_end)
    base_days, after_days = (day - base_start).days, (after_end - day).days
    base_rate = max(base / base_days, FLOOR_PER_WEEK / 7)
    if after < MIN_TICKETS or after / after_days < MIN_RATIO * base_rate:
        return None
    p_value = float(binomtest(after, base + after, after_days / (base_days + after_days), alternative="greater").pvalue)
    if p_value >= ALPHA:
        return None
    weekly = series.weekly(base_start, after_end - dt.timedelta(days=1))
    return Spike(series.label, series.product_area, series.article_path, base, base_days, after, after_days, p_value, weekly)


def _stale(release: ReleaseDate, articles: Sequence[Article], site_url: str) -> tuple[tuple[str, str, float], ...]:
    if release.release is None or not release.release.entries or not articles:
        return ()
    from supportkb.gaps.staleness.match import check_staleness

    report = check_staleness(tuple(articles), release.release, site_url=site_url)
    return tuple((str(item.path), item.title, round(item.score, 2)) for item in report.above_threshold)
