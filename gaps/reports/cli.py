"""`kb report`: usage, impact of article changes, release spikes, the monthly review, CSV export."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from supportkb.gaps.analysis.cli import read_options_for
from supportkb.gaps.reports.export import DEFAULT_CANNY_BOARD, TARGETS
from supportkb.gaps.tickets.formats import FORMAT_NAMES
from supportkb.generator.cli_options import (
    TicketInput,
    format_options,
    output_option,
    project_options,
    ticket_options,
    write_output,
)
from supportkb.generator.core.errors import KBError

if TYPE_CHECKING:
    from supportkb.gaps.reports.spikes import ReleaseDate
    from supportkb.gaps.reports.volume import TicketAnalysis
    from supportkb.generator.core.project import Project

_day = click.DateTime(formats=["%Y-%m-%d"])


_tickets_required = ticket_options(input_formats=FORMAT_NAMES)
_tickets_optional = ticket_options(input_formats=FORMAT_NAMES, required=False)


def _release_options(function: Any) -> Any:
    function = click.option("--repo", type=click.Path(path_type=Path, file_okay=False), default=Path("."), show_default=True,
                            help="The product's git repository, for --tags.")(function)
    function = click.option("--tags", "use_tags", is_flag=True, help="Take release dates from the git tags of --repo.")(function)
    function = click.option("--release", "notes_file", type=click.Path(path_type=Path, dir_okay=False), metavar="NOTES.md",
                            help="Release notes with dated version headings ('## 2.4.0 - 2025-10-06').")(function)
    return function


def _usage_options(function: Any) -> Any:
    function = click.option("--pageviews", "pageview_files", multiple=True, type=click.Path(path_type=Path, dir_okay=False),
                            help="A web-analytics export of page views (GA4, Plausible, Matomo, or 'path,views'); repeatable.")(function)
    function = click.option("--events", "events_db", type=click.Path(path_type=Path, dir_okay=False),
                            help="The usage-event database of kb api --events-db.")(function)
    return function


def _note(message: str) -> None:
    click.echo(message, err=True)


def _project(kb_dir: Path | None, config_file: Path | None) -> Project:
    from supportkb.generator.core.project import find_project

    return find_project(kb=kb_dir, config_file=config_file)


def _analyse(project: Project, tickets: TicketInput) -> TicketAnalysis:
    from supportkb.gaps.reports.volume import analyse_tickets

    analysis = analyse_tickets(tickets.path, project.articles_dir, read_options=read_options_for(tickets), on_stage=_note)
    report, volume = analysis.report, analysis.volume
    _note(f"Read {report.tickets_read:,} tickets ({report.source_format}), skipped {report.tickets_skipped:,}; "
          f"{len(report.clusters)} clusters.")
    if volume.undated:
        _note(f"{volume.undated:,} clustered ticket(s) have no date: impact and spikes skip them.")
    return analysis


def _releases(notes_file: Path | None, use_tags: bool, repo: Path) -> tuple[ReleaseDate, ...]:
    from supportkb.gaps.reports.spikes import releases_from_notes, releases_from_tags

    if notes_file is not None and use_tags:
        raise click.UsageError("choose one source of release dates: --release NOTES.md or --tags")
    if notes_file is not None:
        from supportkb.gaps.staleness.notes import read_release_notes

        releases = read_release_notes(notes_file)
        dated = releases_from_notes(releases)
        if len(dated) < len(releases):
            _note(f"{len(releases) - len(dated)} release(s) in {notes_file} have no date and are skipped.")
        return dated
    if use_tags:
        return releases_from_tags(repo)
    return ()


def _usage(events_db: Path | None, pageview_files: tuple[Path, ...], articles: Any, volume: Any, *,
           since: dt.date | None = None, until: dt.date | None = None, top: int = 20) -> Any:
    from supportkb.gaps.reports.pageviews import merge_pageviews, read_pageviews
    from supportkb.gaps.reports.usage import summarise_usage
    from supportkb.gaps.reports.events import read_events

    if events_db is None and not pageview_files:
        return None
    events = read_events(events_db, since=since, until=until) if events_db is not None else ()
    pageviews = None
    if pageview_files:
        pageviews = merge_pageviews([read_pageviews(p) for p in pageview_files])
        for line, reason in pageviews.skipped[:10]:
            _note(f"pageviews: skipped line {line}: {reason}")
    return summarise_usage(events, articles, pageviews=pageviews, volume=volume, since=since, until=until, top=top)


@click.group("report")
def report() -> None:
    """Reports for the monthly support/product review: usage, impact, spikes, the review itself, CSV export.

    The subcommands that read a ticket export take it as TICKETS, with the same
    --input-format, --text-column, --id-column and --date-column as `kb gaps`.

    \b
    Example:
      kb report monthly export.csv --release CHANGELOG.md -o review.html
    """


@report.command("usage")
@project_options
@_tickets_optional
@_usage_options
@click.option("--since", type=_day, metavar="YYYY-MM-DD", help="First day (YYYY-MM-DD) of events to count.")
@click.option("--until", type=_day, metavar="YYYY-MM-DD", help="Last day (YYYY-MM-DD) of events to count.")
@click.option("--top", type=click.IntRange(min=1), default=20, show_default=True, help="Rows per list.")
@format_options("md", "json", default="md")
@output_option
@click.option("--questions-csv", type=click.Path(path_type=Path, dir_okay=False),
              help="Also write zero-result and no-click searches as a CSV that `kb gaps` reads as questions.")
def usage_command(tickets: TicketInput | None, kb_dir: Path | None, config_file: Path | None, events_db: Path | None,
                  pageview_files: tuple[Path, ...], since: dt.datetime | None, until: dt.datetime | None, top: int,
                  output_format: str, output: Path | None, questions_csv: Path | None) -> None:
    """Most viewed articles, articles that don't help, and searches that find nothing.

    With a ticket export (TICKETS), also flags articles read before tickets on the same topic were opened.

    \b
    Examples:
      kb report usage --events events.db
      kb report usage export.csv --pageviews ga4-pages.csv
      kb report usage --events events.db --questions-csv searches.csv && kb gaps searches.csv
    """
    from supportkb.gaps.reports.usage import failed_searches_csv
    from supportkb.generator.core.articles import load_articles

    if events_db is None and not pageview_files:
        raise click.UsageError("pass --events (the API's event database) and/or --pageviews (an analytics export)")
    project = _project(kb_dir, config_file)
    articles = load_articles(project.articles_dir).articles
    volume = _analyse(project, tickets).volume if tickets is not None else None
    full = _usage(events_db, pageview_files, articles, volume, since=since.date() if since else None,
                  until=until.date() if until else None, top=10**9)
    shown = dataclasses.replace(full, most_viewed=full.most_viewed[:top], ineffective=full.ineffective[:top],
                                zero_result=full.zero_result[:top], no_click=full.no_click[:top])
    if questions_csv is not None:
        write_output(failed_searches_csv(full), questions_csv)
    write_output(_as_json(shown) if output_format == "json" else _usage_markdown(shown), output)


def _as_json(result: Any) -> str:
    """A report's dataclass as JSON, dates as YYYY-MM-DD."""

    def default(value: Any) -> Any:
        if isinstance(value, (dt.date, dt.datetime)):
            return value.isoformat()
        if isinstance(value, Path):
            return value.as_posix()
        raise TypeError(type(value).__name__)

    return json.dumps(dataclasses.asdict(result), indent=2, default=default, ensure_ascii=False) + "\n"


def _usage_markdown(usage: Any) -> str:
    from supportkb.generator.core.escape import markdown_code as md_code, markdown_text as cell  # Queries come from the unauthenticated /events.

    first, last = usage.period
    lines = ["# Help-center usage", "", f"{usage.events:,} events from {first or '–'} to {last or '–'}; {usage.searches:,} searches.", "",
             "## Most viewed articles", "", "| Article | Views | Helpful | Search clicks |", "|---|---:|---:|---:|"]
    for u in usage.most_viewed:
        votes = u.helpful + u.not_helpful
        lines.append(f"| {cell(u.title)} | {u.views:,} | {f'{u.helpful}/{votes}' if votes else '–'} | {u.search_clicks} |")
    lines += ["", "## Articles that don't help", ""]
    lines += [f"- **{cell(i.usage.title)}** ({md_code(i.usage.article_path)}): {'; '.join(i.reasons)}" for i in usage.ineffective] or ["None flagged."]
    for title, questions in (("Searches with no results", usage.zero_result), ("Searches with results but no click", usage.no_click)):
        lines += ["", f"## {title}", "", "| Query | Searches | Last |", "|---|---:|---|"]
        lines += [f"| {cell(q.query)} | {q.searches} | {q.last_seen} |" for q in questions]
    return "\n".join(lines) + "\n"


@report.command("impact")
@project_options
@_tickets_required
@click.option("--weeks", type=click.IntRange(2, 26), default=6, show_default=True, help="Weeks compared on each side of a change.")
@click.option("--since", type=_day, metavar="YYYY-MM-DD", help="Only article changes on or after this day.")
@format_options("md", "html", "json", default="md")
@output_option
def impact_command(tickets: TicketInput, kb_dir: Path | None, config_file: Path | None, weeks: int,
                   since: dt.datetime | None, output_format: str, output: Path | None) -> None:
    """Did the fix reduce tickets? Weekly volume in a ticket export (TICKETS) before and after each article change.

    Change dates come from git; html draws a weekly chart per change.

    \b
    Example:
      kb report impact export.csv --format html -o impact.html
    """
    from supportkb.gaps.reports.impact import article_changes, measure_impact
    from supportkb.gaps.reports.monthly import render_impact
    from supportkb.generator.core.articles import load_articles

    project = _project(kb_dir, config_file)
    changes = article_changes(project.articles_dir)
    if not changes:
        raise KBError("no git history for the articles", path=project.articles_dir,
                      hint="run this inside the git checkout of the knowledge base; change dates come from `git log`")
    if since is not None:
        changes = tuple(c for c in changes if c.day >= since.date())
    analysis = _analyse(project, tickets)
    titles = {str(a.path): a.title for a in load_articles(project.articles_dir).articles}
    result = measure_impact(changes, analysis.volume, titles=titles, window_weeks=weeks)
    write_output(_as_json(result) if output_format == "json" else render_impact(result, output_format), output)


@report.command("spikes")
@project_options
@_tickets_required
@_release_options
@format_options("md", "json", default="md")
@output_option
def spikes_command(tickets: TicketInput, kb_dir: Path | None, config_file: Path | None, notes_file: Path | None,
                   use_tags: bool, repo: Path, output_format: str, output: Path | None) -> None:
    """Questions in a ticket export (TICKETS) whose weekly volume rose clearly after a release, with the articles it made stale.

    \b
    Examples:
      kb report spikes export.csv --tags --repo ../product
      kb report spikes export.csv --release CHANGELOG.md
    """
    from supportkb.generator.core.escape import markdown_code as md_code, markdown_text as md_text
    from supportkb.gaps.reports.spikes import find_spikes
    from supportkb.generator.core.articles import load_articles

    releases = _releases(notes_file, use_tags, repo)
    if not releases:
        raise click.UsageError("pass --release NOTES.md (with dated versions) or --tags --repo PRODUCT_REPO")
    project = _project(kb_dir, config_file)
    analysis = _analyse(project, tickets)
    result = find_spikes(releases, analysis.volume, articles=load_articles(project.articles_dir).articles, site_url=project.site_url)
    if output_format == "json":
        write_output(_as_json(result), output)
        return
    lines = ["# Spikes after releases", "", f"Test: {result.test}.", ""]
    if result.undated_skipped:
        lines += [f"{result.undated_skipped} ticket(s) without a date were skipped.", ""]
    for rel in result.releases:
        lines.append(f"## {md_text(rel.release.version)} ({rel.release.day})")
        lines.append("")
        if not rel.checked:
            lines += ["Outside the tickets' period (or too close to its edge) to test.", ""]
            continue
        lines += [f"- **{md_text(s.label)}** ({md_text(s.product_area)}): {s.baseline_per_week:.1f}/wk → {s.after_per_week:.1f}/wk, "
                  f"p={s.p_value:.2g}" for s in rel.spikes] or ["No question rose clearly."]
        if rel.stale_articles:
            lines.append("- Stale for this release: " + ", ".join(f"{md_text(t)} ({md_code(p)})" for p, t, _ in rel.stale_articles))
        lines.append("")
    write_output("\n".join(lines), output)


@report.command("monthly")
@project_options
@_tickets_required
@_release_options
@_usage_options
@click.option("--month", metavar="YYYY-MM", help="The month to review (default: the last complete month of the tickets).")
@format_options("html", "md", default="html")
@output_option
def monthly_command(tickets: TicketInput, kb_dir: Path | None, config_file: Path | None, notes_file: Path | None,
                    use_tags: bool, repo: Path, events_db: Path | None, pageview_files: tuple[Path, ...],
                    month: str | None, output_format: str, output: Path | None) -> None:
    """The monthly support/product review of a ticket export (TICKETS): volume, gaps, spikes, articles that don't help, impact of changes.

    html is one self-contained page with charts; md is for pasting into a doc.

    \b
    Examples:
      kb report monthly export.csv --month 2025-11 --format md
      kb report monthly export.csv --release CHANGELOG.md --events events.db -o review.html
    """
    import re

    from supportkb.gaps.reports.impact import article_changes, measure_impact
    from supportkb.gaps.reports.monthly import build_monthly, render_monthly
    from supportkb.gaps.reports.spikes import find_spikes
    from supportkb.generator.core.articles import load_articles

    if month is not None and not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month):
        raise click.BadParameter("write the month as YYYY-MM, e.g. 2025-11", param_hint="--month")
    releases = _releases(notes_file, use_tags, repo)
    project = _project(kb_dir, config_file)
    articles = load_articles(project.articles_dir).articles
    analysis = _analyse(project, tickets)
    spikes = find_spikes(releases, analysis.volume, articles=articles, site_url=project.site_url) if releases else None
    changes = article_changes(project.articles_dir)
    if not changes:
        _note("No git history for the articles: the impact section will be empty.")
    impact = measure_impact(changes, analysis.volume, titles={str(a.path): a.title for a in articles})
    usage = _usage(events_db, pageview_files, articles, analysis.volume)
    monthly = build_monthly(analysis.report, analysis.volume, month=month, spikes=spikes, impact=impact, usage=usage)
    write_output(render_monthly(monthly, output_format), output)


@report.command("export")
@project_options
@_tickets_required
@click.option("--to", "target", type=click.Choice(TARGETS), required=True, help="The importer the CSV is for.")
@click.option("--board", default=DEFAULT_CANNY_BOARD, show_default=True, help="The Canny board the posts go to (--to canny).")
@click.option("--no-partial", is_flag=True, help="Only uncovered gaps and feature requests, not partly answered questions.")
@output_option
def export_command(tickets: TicketInput, kb_dir: Path | None, config_file: Path | None, target: str, board: str,
                   no_partial: bool, output: Path | None) -> None:
    """Gap and feature-gap clusters of a ticket export (TICKETS) as a CSV for Productboard's, Jira's or Canny's importer.

    The columns each importer maps are listed in docs/reports.md.

    \b
    Examples:
      kb report export export.csv --to canny --board "Feature Requests" -o canny-posts.csv
      kb report export export.csv --to jira -o gaps-jira.csv
    """
    from supportkb.gaps.reports.export import export_clusters, exported_clusters

    if board != DEFAULT_CANNY_BOARD and target != "canny":
        raise click.UsageError("--board names a Canny board; use it with --to canny")

    project = _project(kb_dir, config_file)
    analysis = _analyse(project, tickets)
    clusters = exported_clusters(analysis.report, include_partial=not no_partial)
    _note(f"{len(clusters)} clusters exported for {target}.")
    write_output(export_clusters(clusters, target, source=tickets.path.name, board=board), output)  # type: ignore[arg-type]


COMMANDS = [report]
