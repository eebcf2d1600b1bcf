"""Options that several `kb` commands share, declared once so every command spells them alike.

As sqlite-utils' `output_options` and mkdocs' `common_config_options` do: a command stacks the
decorators it needs, and `--kb`, `-f/--config-file`, `-o/--output`, `--format`/`--json` and the
ticket-input options read and behave the same in every command that has them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from supportkb.generator.core.atomic import write_report
from supportkb.generator.core.errors import KBError

KB_HELP = "A folder of Markdown articles (with or without front matter) instead of the project's kb/."
CONFIG_HELP = "The project's mkdocs.yml (default: found upward from the current folder)."
OUTPUT_HELP = "Write to FILE instead of standard output (atomically: readers never see half a file)."
JSON_HELP = "Same as --format json."

FORMATS: dict[str, str] = {
    "text": "plain lines for a terminal",
    "md": "Markdown, to read here or paste into a doc, issue or chat",
    "html": "a web page",
    "json": "data for scripts",
    "csv": "rows for a spreadsheet",
    "github": "GitHub Actions annotations on a pull request",
    "url": "bare links, one a line",
}
"""The one --format vocabulary: each name means one kind of output in every command."""
HIDDEN_FORMAT_ALIASES: dict[str, str] = {"text": "md"}
"""Old spellings still accepted, unlisted: where a command's human-readable output is Markdown,
`--format text` (what `kb check` and `kb search` call theirs) asks for it."""

kb_option = click.option("--kb", "kb_dir", type=click.Path(path_type=Path, file_okay=False), help=KB_HELP)
config_option = click.option("-f", "--config-file", type=click.Path(path_type=Path, dir_okay=False), help=CONFIG_HELP)
output_option = click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), metavar="FILE", help=OUTPUT_HELP)


def embeddings_option(matches: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """--embeddings NAME|none, spelt and defaulted the same in every command that matches by meaning."""
    return click.option(
        "--embeddings",
        "embeddings",
        metavar="NAME",
        default=None,
        help=f"Embedding backend for {matches} by meaning (default: mkdocs.yml's embedding_backend, "
        "else 'default'); 'none': by words only.",
    )


def project_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """--kb and -f/--config-file: which articles and which project a command works on."""
    return kb_option(config_option(function))


def write_output(text: str, output: Path | None) -> None:
    """Print text, or write it to --output atomically and say so on standard error."""
    if output is None:
        click.echo(text, nl=False)
        return
    write_report(output, text)
    click.echo(f"Wrote {output}", err=True)


class FormatChoice(click.Choice):
    """A --format choice from FORMATS that also takes the hidden aliases of names it offers."""

    def __init__(self, offered: Sequence[str]) -> None:
        unknown = [name for name in offered if name not in FORMATS]
        if unknown:
            raise ValueError(f"not in the --format vocabulary: {unknown}")
        super().__init__(tuple(offered))

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and value not in self.choices and HIDDEN_FORMAT_ALIASES.get(value) in self.choices:
            value = HIDDEN_FORMAT_ALIASES[value]
        return super().convert(value, param, ctx)


def format_help(offered: Sequence[str], default: str) -> str:
    """The --format help of every command, built from the vocabulary's meanings."""
    return "; ".join(f"{name}: {FORMATS[name]}" + (" (default)" if name == default else "") for name in offered) + "."


def format_options(*offered: str, default: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """--format (and --json when json is offered); the command receives one `output_format`."""

    def decorate(function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)
        def command(*args: Any, output_format: str | None, as_json: bool = False, **kwargs: Any) -> Any:
            if as_json and output_format not in (None, "json"):
                raise KBError(f"--json and --format {output_format} disagree", hint="pass only one of them")
            return function(*args, output_format="json" if as_json else (output_format or default), **kwargs)

        if "json" in offered:
            command = click.option("--json", "as_json", is_flag=True, help=JSON_HELP)(command)
        return click.option(
            "--format", "output_format", type=FormatChoice(offered), default=None, help=format_help(offered, default)
        )(command)

    return decorate


@dataclass(frozen=True)
class TicketInput:
    """A ticket export and how to read it, as the ticket-input options gave them."""

    path: Path
    input_format: str | None = None
    """None: detected from the header."""
    text_columns: tuple[str, ...] = ()
    id_column: str | None = None
    date_column: str | None = None


def ticket_options(*, input_formats: Sequence[str], required: bool = True) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """TICKETS and the options that say how to read it; the command receives `tickets: TicketInput`.

    `--tickets FILE` is the hidden old spelling of the TICKETS argument (`kb report` took it so).
    Without `required`, a command given no export receives `tickets=None`.
    """

    def decorate(function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)
        def command(*args: Any, tickets_path: Path | None, tickets_option: Path | None, input_format: str | None,
                    text_columns: tuple[str, ...], id_column: str | None, date_column: str | None, **kwargs: Any) -> Any:
            if tickets_path is not None and tickets_option is not None and tickets_path != tickets_option:
                raise click.UsageError(f"two ticket exports given ({tickets_path} and --tickets {tickets_option}); pass one")
            path = tickets_path or tickets_option
            if path is None and required:
                raise click.UsageError("Missing argument 'TICKETS': the ticket export to read, e.g. export.csv")
            tickets = None if path is None else TicketInput(path, input_format, text_columns, id_column, date_column)
            return function(*args, tickets=tickets, **kwargs)

        for option in reversed((
            click.argument("tickets_path", metavar="TICKETS" if required else "[TICKETS]", required=False,
                           type=click.Path(path_type=Path, dir_okay=False)),
            click.option("--tickets", "tickets_option", hidden=True, type=click.Path(path_type=Path, dir_okay=False)),
            click.option("--input-format", type=click.Choice(tuple(input_formats)),
                         help="Export format of TICKETS (default: detected from its header)."),
            click.option("--text-column", "text_columns", multiple=True, metavar="COLUMN",
                         help="Column holding ticket text; repeat for subject and body (default: subject + body/description)."),
            click.option("--id-column", metavar="COLUMN", help="Column holding the ticket id."),
            click.option("--date-column", metavar="COLUMN", help="Column holding the ticket's creation date."),
        )):
            command = option(command)
        return command

    return decorate
