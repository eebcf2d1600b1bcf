"""The writers' and CI's site commands: kb check, kb serve (thin over the library)."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from supportkb.generator.checking.check import check_project, format_report
from supportkb.generator.cli_options import config_option, format_options, output_option, project_options, write_output
from supportkb.generator.core.project import find_project


@click.command()
@project_options
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--external", is_flag=True, help="Also check http(s) links (bounded, cached in .kb-cache/).")
@click.option("--all", "show_all", is_flag=True, help="List every finding; the text report otherwise shows a rule's first few when it repeats.")
@format_options("text", "json", "github", default="text")
@output_option
def check(kb_dir: Path | None, config_file: Path | None, strict: bool, external: bool, show_all: bool, output_format: str, output: Path | None) -> None:
    """Validate every article; print path:line:col findings and exit 1 on any error.

    Fields a file leaves out (title, id, category, summary) are derived and said once, as a
    note; --strict demands them in every file.

    \b
    Examples:
      kb check --strict
      kb check --all                    # every finding, not the first few of each rule
      kb check --format github          # annotations on a pull request's lines, in CI
    """
    report = check_project(find_project(kb=kb_dir, config_file=config_file), strict=strict, external=external)
    write_output(format_report(report, output_format, show_all=show_all), output)
    if output_format != "json":
        click.echo(report.summary(), err=True)
    if report.errors:
        sys.exit(1)


@click.command()
@config_option
@click.option("-a", "--dev-addr", default="127.0.0.1:8000", show_default=True, metavar="IP:PORT", help="Address the preview listens on.")
def serve(config_file: Path | None, dev_addr: str) -> None:
    """Preview the site with live reload while you write.

    \b
    Example:
      kb serve --dev-addr 127.0.0.1:8001
    """
    from supportkb.generator.site.preview import serve_preview

    project = find_project(config_file=config_file)
    assert project.config_file is not None
    log_mkdocs_to_terminal(logging.INFO)
    serve_preview(project.config_file, dev_addr=dev_addr)


class _CurrentStderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever sys.stderr is now (test runners swap it between commands)."""

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr
        super().emit(record)


def log_mkdocs_to_terminal(level: int) -> None:
    """MkDocs logs through 'mkdocs'; show its messages as its own CLI would."""
    logger = logging.getLogger("mkdocs")
    if not any(isinstance(h, _CurrentStderrHandler) for h in logger.handlers):
        handler = _CurrentStderrHandler()
        handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = False


COMMANDS = [check, serve]
