"""Which embedding backend a project's search uses: --embeddings, else mkdocs.yml, else default.

The setting is the supportkb plugin's `embedding_backend` in mkdocs.yml (generator/site/config.py
declares it); a bare --kb folder has no mkdocs.yml and gets the default.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from supportkb.generator.core.embeddings import load_embedder
from supportkb.generator.core.errors import ConfigError
from supportkb.generator.core.project import read_mkdocs_config

if TYPE_CHECKING:
    from supportkb.generator.core.embeddings import Embedder
    from supportkb.generator.core.project import Project

SETTING = "embedding_backend"
PLUGIN = "supportkb"


def backend_setting(project: Project) -> str:
    """The project's `embedding_backend` (mkdocs.yml, supportkb plugin), or "default"."""
    if project.config_file is None:
        return "default"
    config = read_mkdocs_config(project.config_file)
    for entry in config.get("plugins") or ():
        options: Any = entry.get(PLUGIN) if isinstance(entry, dict) else None
        if isinstance(options, dict) and SETTING in options:
            value = options[SETTING]
            if not isinstance(value, str) or not value.strip():
                raise ConfigError(
                    f"plugins: {PLUGIN}: {SETTING} must be a backend name",
                    path=project.config_file,
                    hint="write e.g. embedding_backend: default (or none for lexical only)",
                )
            return value.strip()
    return "default"


def resolve_embedder(project: Project | None, name: str | None = None) -> Embedder | None:
    """The backend named by --embeddings (name), else the project's setting; None: lexical only."""
    chosen = name if name else (backend_setting(project) if project is not None else "default")
    return load_embedder(chosen)
