"""The `kb` command line: thin over the library; user mistakes print without a traceback."""

from __future__ import annotations

import importlib
import sys

import click

from generator import __version__
from generator.errors import KBError

# Engines register their commands here; each module exposes COMMANDS, a list of click commands.
ENGINE_COMMAND_MODULES = ("search.cli", "gaps.cli", "gaps.stale_cli")


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
