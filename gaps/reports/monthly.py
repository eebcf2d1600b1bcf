"""`kb report monthly`: one self-contained report for the support/product review, as HTML or Markdown."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from supportkb.generator.core.escape import markdown_code as md_code
from supportkb.generator.core.escape import markdown_text as md_text
from supportkb.gaps.reports.volume import TicketVolume, counts_by, month_bounds, months_between, previous_month

if TYPE_CHECKING:
    from supportkb.gaps.analysis.find import GapReport
    from supportkb.gaps.reports.impact import ArticleImpact, ImpactReport
    from supportkb.gaps.reports.spikes import ReleaseSpikes, SpikeReport
    from supportkb.gaps.reports.usage import UsageReport

TOP_GAPS = 10


@dataclass(frozen=True)
class VolumeRow:
    """Tickets of one product area (or case type) this month and the month before."""

    name: str
    this_month: int
    last_month: int

    @property
    def change(self) -> float | None:
        """Month-over-month change (0.25: 25 % more); None when last month had none."""
        return self.this_month / self.last_month - 1 if self.last_month else None


@dataclass(frozen=True)
class GapRow:
    label: str
    coverage: str
    product_area: str
    case_type: str
    this_month: int
    last_month: int
    total: int
    article: str
    weekly: tuple[tuple[dt.date, int], ...]


@dataclass(frozen=True)
class MonthlyReport:
    """Everything the monthly review shows, computed; rendering only formats it."""

    month: str
    previous: str
    generated_at: str
    source: str
    tickets_this_month: int
    tickets_last_month: int
    monthly_totals: tuple[tuple[str, int], ...]
    by_area: tuple[VolumeRow, ...]
    by_case_type: tuple[VolumeRow, ...]
    top_gaps: tuple[GapRow, ...]
    spikes: tuple[ReleaseSpikes, ...]
    spike_test: str
    impacts: tuple[ArticleImpact, ...]
    impact_test: str
    usage: UsageReport | None
    undated: int
    unclustered: int
    notes: tuple[str, ...] = ()


def default_month(volume: TicketVolume) -> str:
    """The last complete month of the data (or its only month)."""
    if volume.last is None:
        raise_no_dates()
    assert volume.last is not None and volume.first is not None
    last = volume.last
    month = f"{last.year:04d}-{last.month:02d}"
    _, end = month_bounds(month)
    if last + dt.timedelta(days=1) < end and previous_month(month) >= f"{volume.first.year:04d}-{volume.first.month:02d}":
        return previous_month(month)
    return month


def raise_no_dates() -> None:
    from supportkb.generator.core.errors import KBError

    raise KBError("no ticket has a readable date", hint="pass --date-column with the column that holds when each ticket was opened")


def build_monthly(
    report: GapReport, volume: TicketVolume, *, month: str | None = None, spikes: SpikeReport | None = None,
    impact: ImpactReport | None = None, usage: UsageReport | None = None, now: dt.datetime | None = None,
) -> MonthlyReport:
    """Gather the month's numbers from the gap analysis, spikes, impact and usage results."""
    from supportkb.gaps.reports.impact import TEST_DESCRIPTION as IMPACT_TEST
    from supportkb.gaps.reports.spikes import TEST_DESCRIPTION as SPIKE_TEST

    if volume.first is None or volume.last is None:
        raise_no_dates()
    assert volume.first is not None and volume.last is not None
    month = month or default_month(volume)
    previous = previous_month(month)
    start, end = month_bounds(month)
    prev_start, _ = month_bounds(previous)
    notes = []
    if not (volume.first < end and start <= volume.last):
        notes.append(f"The tickets run from {volume.first} to {volume.last}; {month} is outside that period.")
    elif end - dt.timedelta(days=1) > volume.last:
        notes.append(f"The tickets end on {volume.last}: {month} is not complete.")
    if volume.undated:
        notes.append(f"{volume.undated} ticket(s) have no date: they count in the gap totals but not in monthly volumes, spikes or impact.")

    def rows(key: str) -> tuple[VolumeRow, ...]:
        now_counts, before_counts = counts_by(volume.clusters, key, start, end), counts_by(volume.clusters, key, prev_start, start)
        names = {n for n in now_counts if now_counts[n]} | {n for n in before_counts if before_counts[n]}
        return tuple(sorted((VolumeRow(n, now_counts[n], before_counts[n]) for n in names), key=lambda r: (-r.this_month, -r.last_month, r.name)))

    totals = tuple(
        (m, sum(s.count_between(*month_bounds(m)) for s in volume.clusters))
        for m in months_between(volume.first, max(volume.last, end - dt.timedelta(days=1)))[-12:]
    )
    top_gaps = []
    for cluster, series in zip(report.clusters, volume.clusters):
        if cluster.is_long_tail or cluster.coverage == "covered":
            continue
        top_gaps.append(GapRow(
            cluster.label, cluster.coverage, cluster.product_area, cluster.case_type,
            series.count_between(start, end), series.count_between(prev_start, start), cluster.size,
            cluster.best_article.title if cluster.best_article else "",
            series.weekly(max(volume.first, start - dt.timedelta(weeks=12)), min(volume.last, end - dt.timedelta(days=1))),
        ))
    top_gaps.sort(key=lambda g: (-g.this_month, -g.total, g.label))
    recent_releases = tuple(
        r for r in (spikes.releases if spikes else ()) if prev_start <= r.release.day < end
    )
    recent_impacts = tuple(
        i for i in (impact.impacts if impact else ()) if prev_start - dt.timedelta(days=31) <= i.change.day < end and i.clusters
    )
    if usage is not None:
        usage = replace(usage, most_viewed=usage.most_viewed[:10], ineffective=usage.ineffective[:10],
                        zero_result=usage.zero_result[:10], no_click=usage.no_click[:10])
    this_total = sum(s.count_between(start, end) for s in volume.clusters)
    last_total = sum(s.count_between(prev_start, start) for s in volume.clusters)
    return MonthlyReport(
        month=month, previous=previous,
        generated_at=(now or dt.datetime.now(dt.timezone.utc)).strftime("%Y-%m-%d %H:%M UTC"),
        source=report.source, tickets_this_month=this_total, tickets_last_month=last_total, monthly_totals=totals,
        by_area=rows("product_area"), by_case_type=rows("case_type"), top_gaps=tuple(top_gaps[:TOP_GAPS]),
        spikes=recent_releases, spike_test=SPIKE_TEST, impacts=recent_impacts, impact_test=IMPACT_TEST,
        usage=usage, undated=volume.undated, unclustered=volume.unclustered, notes=tuple(notes),
    )


# --- rendering -----------------------------------------------------------------------------


def percent(change: float | None) -> str:
    if change is None:
        return "new"
    return f"{change:+.0%}".replace("-", "−")


def _environment() -> Any:
    import jinja2
    from markupsafe import Markup

    from supportkb.gaps.reports import charts

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("supportkb.gaps", "templates"),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
    )
    env.filters["percent"] = percent
    env.globals["paired_bars"] = lambda *a, **k: Markup(charts.paired_bars(*a, **k))
    env.globals["volume_bars"] = lambda rows, **k: Markup(
        charts.paired_bars([(row.name, row.this_month, row.last_month) for row in rows], **k)
    )
    env.globals["column_chart"] = lambda *a, **k: Markup(charts.column_chart(*a, **k))
    env.globals["weekly_line"] = lambda *a, **k: Markup(charts.weekly_line(*a, **k))
    return env


def render_monthly(report: MonthlyReport, fmt: str = "html") -> str:
    """The report as one HTML page (inline CSS and SVG) or as Markdown."""
    if fmt == "md":
        return _markdown(report)
    return _environment().get_template("monthly.html").render(r=report)


def render_impact(report: ImpactReport, fmt: str = "md") -> str:
    """`kb report impact` output."""
    if fmt == "html":
        return _environment().get_template("monthly_impact.html").render(r=report)
    lines = ["# Did the article changes reduce tickets?", "", f"Test: {report.test}.", ""]
    if report.undated_skipped:
        lines += [f"{report.undated_skipped} ticket(s) without a date were skipped.", ""]
    lines += _impact_table(report.impacts)
    return "\n".join(lines) + "\n"


def _impact_table(impacts: Sequence[ArticleImpact]) -> list[str]:
    shown = [i for i in impacts if i.clusters]
    if not shown:
        return ["No article change matches a ticket cluster in this period.", ""]
    lines = ["| Changed | Article | Clusters | Before /wk | After /wk | Change | p | Verdict |", "|---|---|---|---:|---:|---:|---:|---|"]
    for i in shown:
        lines.append(
            f"| {i.change.day} ({i.change.kind}) | {md_text(i.title)} | {md_text('; '.join(i.clusters))} | {i.before_per_week:.1f} | "
            f"{i.after_per_week:.1f} | {percent(i.change_ratio) if i.before_days and i.after_days else '–'} | "
            f"{'–' if i.p_value is None else f'{i.p_value:.3g}'} | **{i.verdict}** |"
        )
    return lines + [""]


def _markdown(r: MonthlyReport) -> str:
    lines = [f"# Support and product review: {r.month}", "",
             (f"Tickets in clustered questions: **{r.tickets_this_month}** in {r.month}, {r.tickets_last_month} in {r.previous} "
              f"({percent(r.tickets_this_month / r.tickets_last_month - 1 if r.tickets_last_month else None)}). Source: {md_code(r.source)}."), ""]
    lines += [f"> {note}" for note in r.notes] + ([""] if r.notes else [])
    for title, rows in (("Volume by product area", r.by_area), ("Volume by case type", r.by_case_type)):
        lines += [f"## {title}", "", f"| | {r.month} | {r.previous} | Change |", "|---|---:|---:|---:|"]
        lines += [f"| {md_text(row.name)} | {row.this_month} | {row.last_month} | {percent(row.change)} |" for row in rows]
        lines.append("")
    lines += ["## Top gaps", "", f"| Question | Coverage | Area | {r.month} | {r.previous} | All |", "|---|---|---|---:|---:|---:|"]
    lines += [f"| {md_text(g.label)} | {g.coverage} | {md_text(g.product_area)} | {g.this_month} | {g.last_month} | {g.total} |" for g in r.top_gaps]
    lines += ["", "## Spikes after releases", "", f"Test: {r.spike_test}.", ""]
    if not r.spikes:
        lines += ["No release dated in these two months.", ""]
    for rel in r.spikes:
        lines += [f"### {md_text(rel.release.version)} ({rel.release.day})", ""]
        if not rel.checked:
            lines += ["Not enough ticket data around this release to test.", ""]
            continue
        if not rel.spikes:
            lines += ["No cluster rose clearly.", ""]
        for s in rel.spikes:
            lines.append(f"- **{md_text(s.label)}** ({md_text(s.product_area)}): {s.baseline_per_week:.1f}/wk before → {s.after_per_week:.1f}/wk after (p={s.p_value:.2g})")
        if rel.stale_articles:
            more = len(rel.stale_articles) - 5
            lines.append("- Articles the staleness checker flags for this release: " + ", ".join(f"{md_text(t)} ({md_code(p)})" for p, t, _ in rel.stale_articles[:5])
                         + (f" and {more} more" if more > 0 else ""))
        lines.append("")
    lines += ["## Impact of recent article changes", "", f"Test: {r.impact_test}.", ""]
    lines += _impact_table(r.impacts)
    lines += ["## Articles that don't help", ""]
    if r.usage is None:
        lines += ["No usage data (pass --events or --pageviews).", ""]
    else:
        lines += [f"- **{md_text(i.usage.title)}** ({md_code(i.usage.article_path)}): {'; '.join(i.reasons)}" for i in r.usage.ineffective] or ["None flagged."]
        lines += ["", "## Searches that found nothing", ""]
        lines += [f"- “{md_text(q.query)}” ×{q.searches}" for q in r.usage.zero_result] or ["None."]
        lines.append("")
    lines.append(f"_Generated {r.generated_at} by supportkb._")
    return "\n".join(lines) + "\n"
