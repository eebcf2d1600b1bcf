"""The `kb` command line: thin over the library; user mistakes print without a traceback."""

from __future__ import annotations

import importlib
import logging
import sys
from pathlib import Path

import click

from generator import __version__
from generator.build import build_site
from generator.check import check_project, format_report
from generator.errors import KBError
from generator.project import find_project

# Engines register their commands here; each module exposes COMMANDS, a list of click commands.
ENGINE_COMMAND_MODULES = ("search.cli", "gaps.cli", "gaps.stale_cli", "gaps.report_cli", "generator.workflow_cli")


class KBGroup(click.Group):
    """Turns KBError into a one-paragraph message and exit code 1."""

    def invoke(self, ctx: click.Context):  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except KBError as exc:
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(exc.exit_code)


@click.group(cls=KBGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kb")
def main() -> None:
    """supportkb: build, search and improve a docs-as-code help center."""


kb_option = click.option(
    "--kb",
    "kb_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="A folder of Markdown articles (with or without front matter) instead of the project's kb/.",
)
config_option = click.option(
    "-f",
    "--config-file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The project's mkdocs.yml (default: found upward from the current folder).",
)


@main.command()
@kb_option
@config_option
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="github: annotations on the pull request's lines.",
)
@click.option("--external", is_flag=True, help="Also check http(s) links (bounded, cached in .kb-cache/).")
def check(kb_dir: Path | None, config_file: Path | None, strict: bool, output_format: str, external: bool) -> None:
    """Validate every article; print path:line:col findings and exit 1 on any error."""
    report = check_project(find_project(kb=kb_dir, config_file=config_file), strict=strict, external=external)
    click.echo(format_report(report, output_format), nl=False)
    if output_format != "json":
        click.echo(report.summary(), err=True)
    if report.errors:
        sys.exit(1)


@main.command()
@config_option
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("-d", "--site-dir", type=click.Path(path_type=Path, file_okay=False), help="Write the site here instead of site_dir.")
@click.option("-q", "--quiet", is_flag=True, help="Print only warnings and errors.")
def build(config_file: Path | None, strict: bool, site_dir: Path | None, quiet: bool) -> None:
    """Build the help center site (atomically: a failed build leaves the old site untouched)."""
    project = find_project(config_file=config_file)
    assert project.config_file is not None
    _log_mkdocs_to_terminal(logging.WARNING if quiet else logging.INFO)
    result = build_site(project.config_file, strict=strict, site_dir=site_dir)
    click.echo(f"Built {result.pages} pages into {result.site_dir} in {result.seconds:.1f} s", err=True)
    from search.engine import refresh_index

    index_dir = refresh_index(project, result.articles)
    click.echo(f"Search index for agents refreshed in {index_dir}", err=True)


@main.command()
@config_option
@click.option("-a", "--dev-addr", default="127.0.0.1:8000", show_default=True, metavar="IP:PORT")
def serve(config_file: Path | None, dev_addr: str) -> None:
    """Preview the site with live reload while you write."""
    from generator.preview import serve_preview

    project = find_project(config_file=config_file)
    assert project.config_file is not None
    _log_mkdocs_to_terminal(logging.INFO)
    serve_preview(project.config_file, dev_addr=dev_addr)


class _CurrentStderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever sys.stderr is now (test runners swap it between commands)."""

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr
        super().emit(record)


def _log_mkdocs_to_terminal(level: int) -> None:
    """MkDocs logs through 'mkdocs'; show its messages as its own CLI would."""
    logger = logging.getLogger("mkdocs")
    if not any(getattr(h, "_supportkb", False) for h in logger.handlers):
        handler = _CurrentStderrHandler()
        handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        handler._supportkb = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = False


def _register_engine_commands() -> None:
    for module_name in ENGINE_COMMAND_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                continue  # That engine is not part of this checkout.
            raise
        for command in getattr(module, "COMMANDS", ()):
            main.add_command(command)


_register_engine_commands()

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
