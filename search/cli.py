"""`kb search`, `kb index` and `kb api`: thin shells over search.engine and search.api."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, Any

import click

from supportkb.generator.cli_options import embeddings_option as shared_embeddings_option
from supportkb.generator.cli_options import format_options, output_option, project_options, write_output
from supportkb.generator.core.errors import KBError

if TYPE_CHECKING:
    from supportkb.generator.core.project import Project


def _project_options(function: Any) -> Any:
    """--kb, -f/--config-file and where the index lives."""
    function = click.option(
        "--index-dir",
        type=click.Path(file_okay=False, path_type=Path),
        help="Keep the index here instead of .kb-cache/ (project) or the user cache (--kb).",
    )(function)
    return project_options(function)


embeddings_option = shared_embeddings_option("search")


def _find_project(kb_dir: Path | None, config_file: Path | None) -> Project:
    from supportkb.generator.core.project import find_project

    return find_project(kb=kb_dir, config_file=config_file)


def _progress(message: str) -> None:
    click.echo(f"search: {message}", err=True)


@click.command("search")
@click.argument("query", nargs=-1)
@_project_options
@click.option(
    "--limit",
    "-n",
    type=click.IntRange(1, 100),
    default=10,
    show_default=True,
    help="Most results to show.",
)
@format_options("text", "md", "html", "url", "json", default="text")
@output_option
@click.option("--internal", is_flag=True, help="Include agent-only (internal) articles.")
@click.option(
    "--batch",
    type=click.File("r", encoding="utf-8"),
    help='Queries from a JSON-lines file ({"query": ...} a line; - for stdin); prints JSON lines.',
)
@embeddings_option
@click.option(
    "--explain",
    is_flag=True,
    help="Say why each hit was found: closest by meaning, shared words (text output).",
)
def search_command(
    query: tuple[str, ...],
    kb_dir: Path | None,
    config_file: Path | None,
    index_dir: Path | None,
    limit: int,
    output_format: str,
    output: Path | None,
    internal: bool,
    batch: IO[str] | None,
    embeddings: str | None,
    explain: bool,
) -> None:
    """Find the articles that answer QUERY, best first, with links ready to paste.

    Articles are ranked by their words and, with an embedding backend, by meaning.

    \b
    Examples:
      kb search refund takes how long
      kb search "reset password" --format md      # [Title](https://help.../a/id/#section)
      kb search "get my money back" --explain     # closest by meaning: Refunds (0.71)
      kb search --kb docs/ --batch queries.jsonl --json
    """
    from supportkb.search.engine import open_index_for_project
    from supportkb.search.links import render

    fmt = output_format
    if batch is not None:
        if query:
            raise KBError("give either a QUERY or --batch, not both")
        if fmt != "json":
            raise KBError("--batch writes JSON lines", hint="drop --format, or pass --json")
    elif not " ".join(query).strip():
        raise KBError(
            "nothing to search for", hint="type a few words, e.g. kb search refund policy"
        )
    project = _find_project(kb_dir, config_file)
    index = open_index_for_project(
        project, index_dir=index_dir, progress=_progress, embeddings=embeddings
    )
    if len(index) == 0:
        _progress(f"no articles found in {project.articles_dir}")
    if batch is not None:
        lines = _run_batch(index, batch, project=project, limit=limit, include_internal=internal)
        if output is None:
            for line in lines:  # As each query is answered: a long batch shows progress.
                click.echo(line)
        else:
            write_output("".join(line + "\n" for line in lines), output)
        return
    text = " ".join(query)
    results = index.query(text, limit=limit, include_internal=internal)
    if fmt == "json":
        write_output(render(results, "json", site_url=project.site_url) + "\n", output)
        return
    if results.is_fuzzy and results.did_you_mean:
        click.echo(f"No exact matches; showing results for: {results.did_you_mean}", err=True)
    elif results.did_you_mean:
        click.echo(f"Did you mean: {results.did_you_mean}", err=True)
    if results.ignored:
        click.echo(f"Note: {results.ignored}", err=True)
    if not results.hits:
        click.echo(f"No results for {text!r}.", err=True)
        return
    color = fmt == "text" and output is None and sys.stdout.isatty()
    write_output(
        render(results, fmt, site_url=project.site_url, color=color, explain=explain) + "\n",
        output,
    )


def _run_batch(
    index: Any, lines: IO[str], *, project: Project, limit: int, include_internal: bool
) -> Iterator[str]:
    """One JSON line out per query line in, in order (the evaluation harness's contract)."""
    from supportkb.search.links import hit_record

    prefix = _path_prefix(project)
    name = getattr(lines, "name", "<batch>")
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError as exc:
            raise KBError(
                f"not a JSON line: {exc}",
                path=name,
                line=number,
                hint='write {"query": "..."} on each line',
            ) from exc
        if not isinstance(record, dict) or not isinstance(record.get("query"), str):
            raise KBError(
                'each line needs a "query" string',
                path=name,
                line=number,
                hint='write {"query": "..."}',
            )
        hits = index.search(record["query"], limit=limit, include_internal=include_internal)
        results = []
        for hit in hits:
            full = hit_record(hit, path_prefix=prefix)
            results.append(
                {key: full[key] for key in ("path", "id", "title", "url", "section", "score")}
            )
        yield json.dumps({"query": record["query"], "results": results}, ensure_ascii=False)


def _path_prefix(project: Project) -> str:
    """Hit paths are relative to the articles folder; the batch contract wants them under --kb."""
    try:
        relative = project.articles_dir.relative_to(project.root)
    except ValueError:
        return ""
    return "" if str(relative) == "." else relative.as_posix() + "/"


@click.command("index")
@_project_options
@click.option(
    "--rebuild", is_flag=True, help="Rebuild from scratch instead of updating what changed."
)
@embeddings_option
def index_command(
    kb_dir: Path | None,
    config_file: Path | None,
    index_dir: Path | None,
    rebuild: bool,
    embeddings: str | None,
) -> None:
    """Build or update the search index (only changed articles are re-indexed).

    \b
    Examples:
      kb index
      kb index --kb docs/ --rebuild --embeddings none
    """
    from supportkb.search.engine import build_project_index, index_root_for
    from supportkb.search.settings import resolve_embedder

    project = _find_project(kb_dir, config_file)
    embedder = resolve_embedder(project, embeddings)
    started = time.perf_counter()
    report = build_project_index(
        project, index_dir=index_dir, rebuild=rebuild, progress=_progress, embedder=embedder
    )
    if report.note:
        _progress(report.note)
    seconds = time.perf_counter() - started
    where = index_root_for(project, index_dir=index_dir)
    if report.rebuilt:
        click.echo(f"Indexed {len(report.added)} articles in {seconds:.1f} s: {where}")
    elif report.is_noop:
        click.echo(f"Search index is up to date: {where}")
    else:
        click.echo(
            f"Updated the search index in {seconds:.2f} s ({len(report.added)} added, "
            f"{len(report.changed)} changed, {len(report.removed)} removed): {where}"
        )


@click.command("api")
@_project_options
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True, help="Port to listen on (0: any free one).")
@click.option(
    "--token",
    envvar="KB_API_TOKEN",
    help="Bearer token that unlocks internal articles (or set KB_API_TOKEN).",
)
@click.option(
    "--cors-origin",
    "cors_origins",
    multiple=True,
    envvar="KB_API_CORS_ORIGINS",
    help="Browser origin allowed to call the API, e.g. https://help.example.com (repeatable).",
)
@click.option(
    "--refresh-every",
    type=click.FloatRange(0.1, 3600),
    default=2.0,
    show_default=True,
    help="Seconds between checks for changed articles (requests switch to the new index).",
)
@click.option(
    "--events-db",
    type=click.Path(path_type=Path, dir_okay=False),
    envvar="KB_EVENTS_DB",
    help="Store usage events from the help site (POST /events) in this SQLite file.",
)
@embeddings_option
def api_command(
    kb_dir: Path | None,
    config_file: Path | None,
    index_dir: Path | None,
    host: str,
    port: int,
    token: str | None,
    cors_origins: tuple[str, ...],
    refresh_every: float,
    events_db: Path | None,
    embeddings: str | None,
) -> None:
    """Serve search over HTTP: GET /search?q=, /articles/{id}, /healthz; POST /events with --events-db.

    \b
    Example:
      kb api --port 8080 --cors-origin https://help.example.com --events-db events.db
    """
    from supportkb.search.api import ApiSettings, serve

    project = _find_project(kb_dir, config_file)
    origins = tuple(o for value in cors_origins for o in value.split() if o)
    settings = ApiSettings(
        token=token or None,
        cors_origins=origins,
        refresh_every=refresh_every,
        events_db=events_db,
        embeddings=embeddings,
    )
    click.echo(
        f"kb api: serving {project.articles_dir} on http://{host}:{port}/ (Ctrl+C to stop)",
        err=True,
    )
    serve(project, settings=settings, host=host, port=port, index_dir=index_dir)


COMMANDS = [search_command, index_command, api_command]
