"""`kb gaps`: what customers ask that the help center doesn't answer."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from supportkb.gaps.tickets.formats import FORMAT_NAMES
from supportkb.generator.cli_options import TicketInput, embeddings_option, format_options, output_option, project_options, ticket_options, write_output

if TYPE_CHECKING:
    from supportkb.gaps.tickets.reader import ReadOptions


@click.command("gaps")
@project_options
@ticket_options(input_formats=FORMAT_NAMES)
@format_options("md", "html", "json", "csv", default="md")
@output_option
@click.option("--draft", "draft_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Write a draft article stub for each top gap into this folder.")
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True, help="How many gaps get a draft.")
@click.option("--min-cluster-size", type=click.IntRange(min=2),
              help="Fewest tickets that make a recurring question (default: 3, or 0.15% of the tickets, at most 25).")
@click.option("--covered/--no-covered", default=True, show_default=True,
              help="Also list clusters the knowledge base already answers.")
@click.option("--long-tail/--no-long-tail", default=True, show_default=True,
              help="List uncovered one-off tickets together as a last 'long tail' entry.")
@click.option("--decisions", "decisions_file", type=click.Path(path_type=Path, dir_okay=False),
              help="Writers' decisions on gaps (default: kb/gaps-decisions.yml when it exists).")
@click.option("--no-decisions", is_flag=True, help="Ignore the writers' decisions file.")
@click.option("--propose-questions", "questions_file", type=click.Path(path_type=Path, dir_okay=False),
              help="Write, per article, the phrasings customers used in tickets it answers (YAML to review "
                   "and copy into `questions:`).")
@embeddings_option("judging coverage and clustering")
@click.option("-q", "--quiet", is_flag=True, help="No progress messages (totals are still printed).")
def gaps_command(
    tickets: TicketInput,
    kb_dir: Path | None,
    config_file: Path | None,
    output_format: str,
    output: Path | None,
    draft_dir: Path | None,
    top: int,
    min_cluster_size: int | None,
    covered: bool,
    long_tail: bool,
    decisions_file: Path | None,
    no_decisions: bool,
    questions_file: Path | None,
    embeddings: str | None,
    quiet: bool,
) -> None:
    """Find questions in a ticket export (TICKETS) that the knowledge base doesn't answer.

    Reads Zendesk, Freshdesk, Intercom and Jira exports, or any CSV / JSON Lines file,
    clusters recurring questions, checks each against the articles and ranks the gaps.
    Totals read and skipped go to standard error; the report goes to standard output.

    \b
    Examples:
      kb gaps export.csv --draft drafts/ --top 5
      kb gaps tickets.jsonl --kb docs/ --text-column title --text-column message --format json
      kb gaps export.csv --format html -o gaps.html
      kb gaps export.csv --decisions kb/gaps-decisions.yml
      kb gaps export.csv --propose-questions proposed-questions.yml
      kb gaps export.csv --embeddings none        # by words only
    """
    from supportkb.gaps.analysis.find import GapOptions, analyse_export
    from supportkb.gaps.analysis.drafts import write_drafts
    from supportkb.gaps.analysis.render import render
    from supportkb.generator.core.articles import load_articles
    from supportkb.generator.core.errors import KBError
    from supportkb.generator.core.project import find_project

    from supportkb.search.settings import backend_setting

    project = find_project(kb=kb_dir, config_file=config_file)
    if kb_dir is None:
        kb_dir = project.articles_dir
    if not embeddings:
        embeddings = backend_setting(project)  # mkdocs.yml's embedding_backend, as kb search and kb stale
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
        tickets.path,
        kb_dir,
        read_options_for(tickets),
        GapOptions(min_cluster_size=min_cluster_size, include_covered=covered, long_tail=long_tail),
        on_stage=stage,
        on_progress=progress,
        decisions_path=None if no_decisions else (decisions_file or "auto"),
        embeddings=embeddings,
    )
    click.echo(
        f"Read {report.tickets_read:,} tickets from {tickets.path} ({report.source_format}); "
        f"skipped {report.tickets_skipped:,}.",
        err=True,
    )
    for line, reason in report.skipped[:20]:
        click.echo(f"  skipped line {line}: {reason}", err=True)
    if len(report.skipped) > 20:
        click.echo(f"  … {len(report.skipped) - 20} more skipped rows are listed in the report", err=True)
    for warning in report.warnings:
        click.echo(f"Warning: {warning}", err=True)
    if report.decisions_file:
        click.echo(f"Applied {report.decisions_applied} writers' decision(s) from {report.decisions_file}; "
                   f"{len(report.decisions_unmatched)} match no cluster now.", err=True)
        for unmatched in report.decisions_unmatched:
            click.echo(f"  {report.decisions_file}:{unmatched.decision.line}: {unmatched.reason}", err=True)
    write_output(render(report, output_format), output)
    if questions_file is not None:
        from supportkb.gaps.analysis.phrasings import render_proposals
        from supportkb.generator.core.atomic import write_text_atomic

        try:
            write_text_atomic(questions_file, render_proposals(report.proposed_questions, source=str(tickets.path)))
        except OSError as exc:
            raise KBError(f"cannot write {questions_file}: {exc.strerror or exc}", hint="choose a folder you can write to") from exc
        proposed = sum(len(p.questions) for p in report.proposed_questions)
        click.echo(f"Proposed {proposed} question(s) for {len(report.proposed_questions)} article(s) in {questions_file}", err=True)
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


def read_options_for(tickets: TicketInput) -> ReadOptions:
    """The reader's options from the ticket-input options (shared with `kb report`)."""
    from supportkb.gaps.tickets.reader import ReadOptions

    return ReadOptions(format=tickets.input_format, text_columns=tickets.text_columns,
                       id_column=tickets.id_column, date_column=tickets.date_column)


COMMANDS = [gaps_command]
