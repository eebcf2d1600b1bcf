"""`kb init`: a new help center that builds with no edits, with CI and pre-commit set up."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from supportkb.generator import __version__
from supportkb.generator.core.errors import KBError

TEMPLATES = Path(__file__).parent / "templates" / "init"
CIChoice = Literal["github", "gitlab", "both", "none"]
CI_CHOICES: tuple[str, ...] = ("github", "gitlab", "both", "none")

_COMMON = {
    "mkdocs.yml": "mkdocs.yml",
    "kb/categories.yml": "categories.yml",
    "kb/synonyms.yml": "synonyms.yml",
    "kb/articles/getting-started/welcome.md": "welcome.md",
    "README.md": "README.md",
    "requirements.txt": "requirements.txt",
    ".pre-commit-config.yaml": "pre-commit-config.yml",
    ".gitignore": "gitignore.txt",
}
"""Project path -> template file name (template names avoid dot-files so packaging keeps them)."""
_GITHUB = {".github/workflows/help-center.yml": "help-center.yml"}
_GITLAB = {".gitlab-ci.yml": "gitlab-ci.yml"}
IGNORED_ENTRIES = frozenset({".git", ".DS_Store"})
"""Entries a folder may already hold without counting as 'not empty' (e.g. after `git init`)."""


@dataclass(frozen=True)
class InitResult:
    """What `kb init` did."""

    root: Path
    written: tuple[str, ...]
    """Project-relative paths of the files written."""
    kept: tuple[str, ...] = ()
    """Files that already existed and were left as they were (--force)."""


def scaffold_files(*, site_name: str, ci: str = "github", owner: str = "", today: dt.date | None = None) -> dict[str, str]:
    """Project-relative path -> file text of a new help center."""
    if ci not in CI_CHOICES:
        raise KBError(f"unknown CI {ci!r}", hint=f"choose one of: {', '.join(CI_CHOICES)}")
    layout = dict(_COMMON)
    if ci in ("github", "both"):
        layout.update(_GITHUB)
    if ci in ("gitlab", "both"):
        layout.update(_GITLAB)
    product = site_name.removesuffix(" Help Center").removesuffix(" help center").strip() or site_name
    values = {
        "@@SITE_NAME@@": _yaml_safe(site_name),
        "@@PRODUCT@@": _yaml_safe(product),
        "@@OWNER@@": _yaml_safe(owner),
        "@@TODAY@@": (today or dt.date.today()).isoformat(),
        "@@VERSION@@": __version__,
    }
    files: dict[str, str] = {}
    for target, template in layout.items():
        text = (TEMPLATES / template).read_text(encoding="utf-8")
        for marker, value in values.items():
            text = text.replace(marker, value)
        files[target] = text
    return files


def _yaml_safe(text: str) -> str:
    """Text that may sit inside a double-quoted YAML string and in Markdown."""
    return " ".join(text.replace("\\", "/").replace('"', "'").split())


def site_name_for(root: Path) -> str:
    """'acme-support' -> 'Acme Support Help Center'."""
    words = root.resolve().name.replace("-", " ").replace("_", " ").split()
    name = " ".join(w[:1].upper() + w[1:] for w in words) or "Our"
    return name if name.lower().endswith("help center") else f"{name} Help Center"


def init_project(
    root: Path,
    *,
    site_name: str | None = None,
    ci: str = "github",
    force: bool = False,
    owner: str | None = None,
    today: dt.date | None = None,
) -> InitResult:
    """Write a new help center into root; refuses a non-empty folder unless force (which never overwrites)."""
    from supportkb.generator.authoring.new_article import git_owner

    if root.exists() and not root.is_dir():
        raise KBError(f"{root} is a file, not a folder", hint="pass a new or empty folder")
    site_name = " ".join((site_name or site_name_for(root)).split())
    if not site_name:
        raise KBError("the site name is empty", hint='pass --name "Acme Help Center"')
    if owner is None:
        owner = git_owner(root if root.is_dir() else Path.cwd()) or ""
    files = scaffold_files(site_name=site_name, ci=ci, owner=owner, today=today)

    existing = sorted(e.name for e in root.iterdir() if e.name not in IGNORED_ENTRIES) if root.is_dir() else []
    conflicts = [p for p in files if (root / p).exists() or (root / p).is_symlink()]
    if existing and not force:
        if conflicts:
            message = f"{root} is not empty; kb init would overwrite: {', '.join(conflicts)}"
        else:
            shown = ", ".join(existing[:5]) + (", ..." if len(existing) > 5 else "")
            message = f"{root} is not empty (it has {shown})"
        raise KBError(message, hint="choose an empty folder, or pass --force to add the missing files and keep every existing one as it is")

    written: list[str] = []
    for relative, text in files.items():
        if relative in conflicts:
            continue
        _write_new(root / relative, text)
        written.append(relative)
    return InitResult(root=root, written=tuple(written), kept=tuple(conflicts))


def _write_new(path: Path, text: str) -> None:
    """Write through a temporary sibling (no half-written file), never replacing an existing file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as exc:
        raise KBError(f"cannot write {path}: {exc.strerror or exc}", hint="check the folder's permissions") from exc
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(temp, 0o644)
        os.link(temp, path)  # Unlike os.replace, fails if the file appeared meanwhile.
    except FileExistsError as exc:
        raise KBError(f"{path} appeared while kb init was writing", hint="run kb init --force to keep it and add the rest") from exc
    except OSError as exc:
        raise KBError(f"cannot write {path}: {exc.strerror or exc}", hint="check the folder's permissions") from exc
    finally:
        os.unlink(temp)
