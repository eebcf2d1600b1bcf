"""`kb stale`: articles a release made out of date, and articles past their review date."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import sys
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

import click

from supportkb.generator.cli_options import embeddings_option, format_options, output_option, project_options, write_output

if TYPE_CHECKING:
    from supportkb.generator.core.articles import LoadResult


@click.command("stale")
@project_options
@click.option("--release", "notes_file", type=click.Path(path_type=Path), metavar="NOTES.md", help="Release notes: a changelog, GitHub release body or plain text.")
@click.option("--from-git", "git_range", metavar="OLD..NEW", help="Read the release from commit subjects and merged PR titles between two refs.")
@click.option("--repo", type=click.Path(path_type=Path, file_okay=False), default=Path("."), show_default=True, help="The product's git repository, for --from-git.")
@click.option("--version", "version", metavar="X", help="The release in the notes to check (default: the first with entries); names it if the notes have no version heading.")
@format_options("md", "json", "html", "github", default="md")
@output_option
@click.option("--threshold", type=click.FloatRange(0, 1), default=None, help="Flag articles scoring at least this much (default 0.4).")
@click.option("--limit", type=click.IntRange(min=1), help="List at most this many articles.")
@click.option(
    "--min-listed",
    type=click.IntRange(min=0),
    default=None,
    help="List at least this many articles when they have evidence, those below the threshold as lower-confidence candidates (default 10; 0: only the threshold).",
)
@embeddings_option("matching entries")
@click.option("--fail-on", type=click.FloatRange(0, 1), metavar="SCORE", help="Exit 1 if any article scores at least SCORE (for CI).")
@click.option("--mark", is_flag=True, help="Write 'stale_since: <version>' into the flagged articles' front matter. All or nothing on errors; after an interruption, run it again to finish.")
@click.option("--overdue", is_flag=True, help="Instead: list articles whose reviewed + review_every has passed.")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), metavar="YYYY-MM-DD", help="The date --overdue and --mark take as today.")
def stale_command(
    kb_dir: Path | None,
    config_file: Path | None,
    notes_file: Path | None,
    git_range: str | None,
    repo: Path,
    version: str | None,
    output_format: str,
    output: Path | None,
    threshold: float | None,
    limit: int | None,
    min_listed: int | None,
    embeddings: str | None,
    fail_on: float | None,
    mark: bool,
    overdue: bool,
    today: dt.datetime | None,
) -> None:
    """Flag articles a release probably made out of date, with the evidence.

    \b
    Examples:
      kb stale --from-git v2.3.0..v2.4.0 --repo ../product --format github --fail-on 0.8
      kb stale --release notes.md --mark
      kb stale --overdue
      kb stale --release CHANGELOG.md --version 2.4.0
      kb stale --release CHANGELOG.md --embeddings none
    """
    from supportkb.generator.core.articles import load_articles
    from supportkb.generator.core.project import find_project

    day = today.date() if today else dt.date.today()
    if overdue and (notes_file or git_range or mark):
        raise click.UsageError("--overdue lists review dates; use it without --release, --from-git or --mark")
    if not overdue and bool(notes_file) == bool(git_range):
        raise click.UsageError("say which release to check: --release NOTES.md or --from-git OLD..NEW (or use --overdue)")

    project = find_project(kb=kb_dir, config_file=config_file)
    loaded = load_articles(project.articles_dir)
    _report_unreadable(loaded)
    base = kb_dir.resolve() if kb_dir is not None else project.articles_dir

    def shown(item: object) -> str:
        """JSON, Markdown and HTML name files relative to --kb; GitHub wants them from the checkout root."""
        path: PurePosixPath = item.path  # type: ignore[attr-defined]
        file_path = project.articles_dir / path
        if output_format == "github":
            return _relative(file_path)
        return file_path.relative_to(base).as_posix() if _is_below(file_path, base) else path.as_posix()

    if overdue:
        from supportkb.gaps.staleness.overdue import find_overdue, with_last_changes
        from supportkb.gaps.staleness.render import render_overdue

        items = with_last_changes(find_overdue(loaded.articles, today=day), project.articles_dir)
        write_output(render_overdue(items[:limit] if limit else items, output_format, today=day, shown=shown), output)
        return

    from supportkb.gaps.staleness.notes import pick_release, read_git_range, read_release_notes
    from supportkb.gaps.staleness.render import render_stale
    from supportkb.gaps.staleness.match import DEFAULT_THRESHOLD, MIN_LISTED, check_staleness
    from supportkb.search.settings import resolve_embedder

    if git_range:
        release = read_git_range(repo, git_range)
        if version:
            release = dataclasses.replace(release, version=version)
        source_name = git_range
    else:
        assert notes_file is not None
        release = pick_release(read_release_notes(notes_file), version, source=str(notes_file))
        source_name = notes_file.stem
    cutoff = threshold if threshold is not None else DEFAULT_THRESHOLD
    if fail_on is not None:
        cutoff = min(cutoff, fail_on)  # List everything that would fail the build.
    report = check_staleness(
        loaded.articles,
        release,
        threshold=cutoff,
        min_listed=MIN_LISTED if min_listed is None else min_listed,
        site_url=project.site_url,
        embedder=resolve_embedder(project, embeddings),
    )
    if limit is not None:
        report = dataclasses.replace(report, flagged=report.flagged[:limit])
    release_name = release.version or source_name
    write_output(render_stale(report, output_format, release_name=release_name, shown=shown, fail_on=fail_on), output)

    to_mark = report.above_threshold  # Lower-confidence candidates are for a reader to judge.
    if mark and not to_mark:
        click.echo("No article to mark.", err=True)
    if mark and to_mark:
        from supportkb.gaps.staleness.mark import mark_stale

        result = mark_stale(
            project.articles_dir,
            [(item.path, item.title) for item in to_mark],
            version=release.version,
            marked_on=day,
        )
        click.echo(
            f"Marked {len(result.changed)} {'article' if len(result.changed) == 1 else 'articles'} "
            f"stale since {release.version}"
            + (f" ({len(result.already_marked)} already were)" if result.already_marked else "")
            + ".",
            err=True,
        )
        if result.cleaned:
            click.echo(
                f"Removed {len(result.cleaned)} temporary file(s) an interrupted --mark left; it is finished now.",
                err=True,
            )
    if fail_on is not None:
        failing = [item for item in report.flagged if item.score >= fail_on]
        if failing:
            click.echo(f"{len(failing)} {'article scores' if len(failing) == 1 else 'articles score'} at least {fail_on:g}.", err=True)
            sys.exit(1)


def _report_unreadable(loaded: LoadResult) -> None:
    """Files that could not be read are named on stderr; the rest are still checked."""
    readable = {loaded.shown_path(article) for article in loaded.articles}
    skipped = [d for d in loaded.diagnostics if d.is_error and d.path not in readable]
    for diagnostic in skipped:
        click.echo(diagnostic.format(), err=True)
    files = len({d.path for d in skipped})
    if files:
        click.echo(f"{files} of {loaded.files_seen} files could not be read and were not checked.", err=True)


def _is_below(path: Path, base: Path) -> bool:
    try:
        path.relative_to(base)
        return True
    except ValueError:
        return False


def _relative(path: Path) -> str:
    try:
        return Path(os.path.relpath(path)).as_posix()
    except ValueError:
        return path.as_posix()


COMMANDS = [stale_command]
