"""Where a help center's files are: found from mkdocs.yml, or from a bare --kb folder."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from supportkb.generator.core.errors import ConfigError

CONFIG_NAMES = ("mkdocs.yml", "mkdocs.yaml")


@dataclass(frozen=True)
class Project:
    """Paths and settings of one help center."""

    root: Path
    """Folder holding mkdocs.yml (or the --kb folder itself)."""
    articles_dir: Path
    kb_dir: Path
    """Content folder: categories.yml, synonyms.yml and articles/ live here."""
    config_file: Path | None = None
    site_dir: Path | None = None
    site_url: str = ""
    site_name: str = ""

    @property
    def categories_file(self) -> Path:
        return self.kb_dir / "categories.yml"

    @property
    def synonyms_file(self) -> Path:
        return self.kb_dir / "synonyms.yml"


class _TolerantLoader(yaml.SafeLoader):
    """Reads mkdocs.yml without executing its !!python/ and !ENV tags."""


def _ignore_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)  # type: ignore[arg-type]


_TolerantLoader.add_multi_constructor("!", _ignore_tag)
_TolerantLoader.add_multi_constructor("tag:yaml.org,2002:python/", _ignore_tag)


def read_mkdocs_config(path: Path) -> dict[str, Any]:
    """The raw mapping of mkdocs.yml, tags left unevaluated."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_TolerantLoader)  # noqa: S506
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        raise ConfigError(f"invalid YAML: {exc.problem}", path=path, line=mark.line + 1 if mark else None, hint="fix mkdocs.yml") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read: {exc}", path=path) from exc
    return data if isinstance(data, dict) else {}


def find_config_file(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        for name in CONFIG_NAMES:
            candidate = folder / name
            if candidate.is_file():
                return candidate
    return None


def project_from_config(config_file: Path) -> Project:
    config = read_mkdocs_config(config_file)
    root = config_file.parent
    articles_dir = (root / str(config.get("docs_dir", "docs"))).resolve()
    site_dir = (root / str(config.get("site_dir", "site"))).resolve()
    return Project(
        root=root,
        articles_dir=articles_dir,
        kb_dir=_kb_dir_for(articles_dir),
        config_file=config_file,
        site_dir=site_dir,
        site_url=str(config.get("site_url") or ""),
        site_name=str(config.get("site_name") or ""),
    )


def project_from_kb(kb: Path) -> Project:
    kb = kb.resolve()
    if not kb.is_dir():
        raise ConfigError(f"folder not found: {kb}", hint="pass --kb with a folder of Markdown files")
    articles_dir = kb / "articles" if (kb / "articles").is_dir() else kb
    return Project(root=kb, articles_dir=articles_dir, kb_dir=kb if articles_dir != kb else _kb_dir_for(articles_dir))


def find_project(*, kb: Path | None = None, config_file: Path | None = None, start: Path | None = None) -> Project:
    """The project for a command: --kb wins, then --config-file, then mkdocs.yml above the cwd."""
    if kb is not None:
        return project_from_kb(kb)
    if config_file is not None:
        if not config_file.is_file():
            raise ConfigError(f"config file not found: {config_file}")
        return project_from_config(config_file.resolve())
    found = find_config_file((start or Path.cwd()).resolve())
    if found is None:
        raise ConfigError(
            "no mkdocs.yml here or in any parent folder",
            hint="run inside a supportkb project, or pass --kb DIR for a folder of Markdown files",
        )
    return project_from_config(found)


def _kb_dir_for(articles_dir: Path) -> Path:
    return articles_dir.parent if articles_dir.name == "articles" else articles_dir


def display_path(path: Path) -> str:
    """A path as a user should see it: relative to the working folder where that is possible."""
    try:
        return os.path.relpath(path)
    except ValueError:  # Another drive on Windows.
        return str(path)
