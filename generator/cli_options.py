"""Options that several `kb` commands share, declared once so every command spells them alike."""

from __future__ import annotations

from pathlib import Path

import click

KB_HELP = "A folder of Markdown articles (with or without front matter) instead of the project's kb/."
CONFIG_HELP = "The project's mkdocs.yml (default: found upward from the current folder)."

kb_option = click.option("--kb", "kb_dir", type=click.Path(path_type=Path, file_okay=False), help=KB_HELP)
config_option = click.option("-f", "--config-file", type=click.Path(path_type=Path, dir_okay=False), help=CONFIG_HELP)
