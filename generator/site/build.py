"""`kb build`: the MkDocs build with the supportkb plugin, as a library call."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path

from supportkb.generator.core.articles import Article
from supportkb.generator.core.errors import BuildFailed, ConfigError


@dataclass(frozen=True)
class BuildResult:
    site_dir: Path
    pages: int
    seconds: float
    articles: tuple[Article, ...] = ()
    """Every article the build loaded, internal ones included (for the agents' search index)."""


class _CollectErrors(logging.Handler):
    """Keeps MkDocs' error messages so a failed build can say why."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def build_site(config_file: Path, *, strict: bool = False, site_dir: Path | None = None) -> BuildResult:
    """Build the site of the project whose mkdocs.yml is config_file; atomic through the plugin."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError, PluginError

    start = time.perf_counter()
    overrides: dict[str, object] = {"strict": strict}
    if site_dir is not None:
        overrides["site_dir"] = str(site_dir)
    errors = _CollectErrors()
    mkdocs_log = logging.getLogger("mkdocs")
    mkdocs_log.addHandler(errors)
    try:
        try:
            config = load_config(config_file=str(config_file), **overrides)
        except (ConfigurationError, Abort) as exc:
            raise ConfigError(f"invalid configuration: {exc}", path=config_file, hint="fix mkdocs.yml") from exc
        if "supportkb" not in config.plugins:
            raise ConfigError(
                "the supportkb plugin is not enabled",
                path=config_file,
                hint="add 'plugins: [supportkb]' (and 'search') to mkdocs.yml",
            )
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config)
        except (PluginError, Abort, ConfigurationError, OSError) as exc:
            failure = BuildFailed("build failed; the previous site is untouched", hint="fix the errors above and build again")
            failure.details = "\n".join(dict.fromkeys(errors.messages)) or str(exc)
            raise failure from exc
        finally:
            config.plugins.on_shutdown()
        plugin = config.plugins["supportkb"]
        loaded = getattr(plugin, "loaded", None)
        return BuildResult(
            site_dir=Path(config.site_dir),
            pages=getattr(plugin, "pages_rendered", 0),
            seconds=time.perf_counter() - start,
            articles=loaded.articles if loaded is not None else (),
        )
    finally:
        mkdocs_log.removeHandler(errors)
