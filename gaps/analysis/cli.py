"""`kb gaps`: what customers ask that the help center doesn't answer."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from supportkb.gaps.tickets.formats import FORMAT_NAMES
from supportkb.generator.core.atomic import write_report

REPORT_FORMATS = ("md", "html", "json", "csv")


@click.command("gaps")
@click.argument("tickets", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--kb", "kb_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Folder of Markdown articles (default: the project's docs folder from mkdocs.yml).")
@click.option("--config-file", type=click.Path(path_type=Path, dir_okay=False), help="Path to mkdocs.yml.")
@click.option("--format", "report_format", type=click.Choice(REPORT_FORMATS), default="md", show_default=True,
              help="Report format.")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the report to this file instead of standard output.")
@click.option("--input-format", type=click.Choice(FORMAT_NAMES),
              help="Export format of TICKETS (default: detected from its header).")
@click.option("--text-column", "text_columns", multiple=True, metavar="COLUMN",
              help="Column holding ticket text; repeat for subject and body (default: subject + body/description).")
@click.option("--id-column", metavar="COLUMN", help="Column holding the ticket id.")
@click.option("--date-column", metavar="COLUMN", help="Column holding the ticket's creation date.")
@click.option("--draft", "draft_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Write a draft article stub for each top gap into this folder.")
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True, help="How many gaps get a draft.")
@click.option("--min-cluster-size", type=click.IntRange(min=2),
              help="Fewest tickets that make a recurring question (default: 3, or 0.15% of the tickets, at most 25).")
@click.option("--covered/--no-covered", default=True, show_default=True,
              help="Also list clusters the knowledge base already answers.")
@click.option("--long-tail/--no-long-tail", default=True, show_default=True,
              help="List uncovered one-off tickets together as a last 'long tail' entry.")
@click.option("-q", "--quiet", is_flag=True, help="No progress messages (totals are still printed).")
def gaps_command(
    tickets: Path,
    kb_dir: Path | None,
    config_file: Path | None,
    report_format: str,
    output: Path | None,
    input_format: str | None,
    text_columns: tuple[str, ...],
    id_column: str | None,
    date_column: str | None,
    draft_dir: Path | None,
    top: int,
    min_cluster_size: int | None,
    covered: bool,
    long_tail: bool,
    quiet: bool,
) -> None:
    """Find questions in a ticket export (TICKETS) that the knowledge base doesn't answer.

    Reads Zendesk, Freshdesk, Intercom and Jira exports, or any CSV / JSON Lines file,
    clusters recurring questions, checks each against the articles and ranks the gaps.
    Totals read and skipped go to standard error; the report goes to standard output.

    \b
    Examples:
      kb gaps export.csv --format html -o gaps.html
      kb gaps tickets.jsonl --kb docs/ --text-column title --text-column message --format json
      kb gaps export.csv --draft drafts/ --top 5
    """
    from supportkb.gaps.analysis.find import GapOptions, analyse_export
    from supportkb.gaps.analysis.drafts import write_drafts
    from supportkb.gaps.analysis.render import render
    from supportkb.gaps.tickets.reader import ReadOptions
    from supportkb.generator.core.articles import load_articles
    from supportkb.generator.core.errors import KBError
    from supportkb.generator.core.project import find_project

    if kb_dir is None:
        kb_dir = find_project(config_file=config_file).articles_dir
    if not kb_dir.is_dir():
        raise KBError(f"knowledge-base folder not found: {kb_dir}", hint="pass --kb with a folder of Markdown files")
    started = time.perf_counter()
    show_progress = not quiet and sys.stderr.isatty()

    def stage(message: str) -> None:
        if not quiet:
            click.echo(f"{message} ({time.perf_counter() - started:.1f}s)", err=True)

    last_shown = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.perf_counter()
        if show_progress and total and now - last_shown[0] > 0.2:
            last_shown[0] = now
            click.echo(f"\rReading tickets: {100 * done // total:3d}%", err=True, nl=False)
            if done >= total:
                click.echo("", err=True)

    report = analyse_export(
        tickets,
        kb_dir,
        ReadOptions(format=input_format, text_columns=text_columns, id_column=id_column, date_column=date_column),
        GapOptions(min_cluster_size=min_cluster_size, include_covered=covered, long_tail=long_tail),
        on_stage=stage,
        on_progress=progress,
    )
    click.echo(
        f"Read {report.tickets_read:,} tickets from {tickets} ({report.source_format}); "
        f"skipped {report.tickets_skipped:,}.",
        err=True,
    )
    for line, reason in report.skipped[:20]:
        click.echo(f"  skipped line {line}: {reason}", err=True)
    if len(report.skipped) > 20:
        click.echo(f"  … {len(report.skipped) - 20} more skipped rows are listed in the report", err=True)
    for warning in report.warnings:
        click.echo(f"Warning: {warning}", err=True)
    text = render(report, report_format)
    if output is None:
        click.echo(text, nl=False)
    else:
        write_report(output, text)
        click.echo(f"Wrote {report_format.upper()} report to {output}", err=True)
    if draft_dir is not None:
        drafts = write_drafts(report, draft_dir, articles=load_articles(kb_dir).articles, limit=top)
        click.echo(f"Wrote {len(drafts)} draft article(s) to {draft_dir}", err=True)
        for draft in drafts:
            click.echo(f"  {draft.path}  {draft.title}", err=True)
    gap_count = sum(1 for c in report.clusters if c.coverage != "covered" and not c.is_long_tail)
    click.echo(
        f"{len(report.clusters)} clusters, {gap_count} gaps (uncovered or partial) "
        f"in {time.perf_counter() - started:.1f}s.",
        err=True,
    )


COMMANDS = [gaps_command]
