"""The `kb` command: the one place that imports every room and composes their commands.

Each room's CLI module lists its click commands in COMMANDS; this module adds them to one group,
turns a KBError into a message without a traceback, and holds `kb build`, which spans two rooms
(the site, then the agents' search index).
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from supportkb.gaps.analysis import cli as gaps_cli
from supportkb.gaps.reports import cli as report_cli
from supportkb.gaps.staleness import cli as stale_cli
from supportkb.generator import __version__
from supportkb.generator import cli as site_cli
from supportkb.generator import workflow_cli
from supportkb.generator.cli_options import config_option
from supportkb.generator.core.errors import KBError
from supportkb.generator.core.project import find_project
from supportkb.generator.site.build import build_site
from supportkb.search import cli as search_cli
from supportkb.search.engine import refresh_index


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
    """supportkb: build, search and improve a docs-as-code help center.

    Run `kb COMMAND --help` for a command's options and examples.

    \b
    Example:
      kb init acme-help && cd acme-help && kb serve
    """


@main.command()
@config_option
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("-d", "--site-dir", type=click.Path(path_type=Path, file_okay=False), help="Write the site here instead of site_dir.")
@click.option("-q", "--quiet", is_flag=True, help="Print only warnings and errors.")
def build(config_file: Path | None, strict: bool, site_dir: Path | None, quiet: bool) -> None:
    """Build the help center site (atomically: a failed build leaves the old site untouched).

    Also refreshes the search index that `kb search` and `kb api` read.

    \b
    Example:
      kb build --strict -d public/
    """
    project = find_project(config_file=config_file)
    assert project.config_file is not None
    site_cli.log_mkdocs_to_terminal(logging.WARNING if quiet else logging.INFO)
    result = build_site(project.config_file, strict=strict, site_dir=site_dir)
    click.echo(f"Built {result.pages} pages into {result.site_dir} in {result.seconds:.1f} s", err=True)
    index_dir = refresh_index(project, result.articles)
    click.echo(f"Search index for agents refreshed in {index_dir}", err=True)


for _room in (site_cli, workflow_cli, search_cli, gaps_cli, stale_cli, report_cli):
    for _command in _room.COMMANDS:
        main.add_command(_command)

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
