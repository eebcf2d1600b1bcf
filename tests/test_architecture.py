"""The package's shape: one import name, and layers that only point down (docs/architecture.md)."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

ROOMS = {"generator": "supportkb.generator", "search": "supportkb.search", "gaps": "supportkb.gaps", "supportkb": "supportkb"}
ALLOWED = {
    # A room may import itself and the rooms below it; supportkb's top (the `kb` group) imports all.
    "supportkb.generator": ("supportkb.generator",),
    "supportkb.search": ("supportkb.generator", "supportkb.search"),
    "supportkb.gaps": ("supportkb.generator", "supportkb.search", "supportkb.gaps"),
    "supportkb": ("supportkb",),
}
CORE = sorted(p.stem for p in (REPO_ROOT / "generator" / "core").glob("*.py") if p.stem != "__init__")
"""generator/core/: the article model, loader, text and errors; they import nothing but each other."""


def python_files(folder: str) -> list[Path]:
    return sorted(p for p in (REPO_ROOT / folder).rglob("*.py") if "__pycache__" not in p.parts)


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """Every absolute module an import statement names, with its line (function-level ones too)."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


def test_layers_only_point_down() -> None:
    wrong = []
    for folder, package in ROOMS.items():
        for path in python_files(folder):
            for line, module in imported_modules(path):
                if module.split(".")[0] == "supportkb" and module != "supportkb" and not module.startswith(ALLOWED[package]):
                    wrong.append(f"{path.relative_to(REPO_ROOT)}:{line}: {package} imports {module}")
    assert wrong == []


def test_core_imports_only_core() -> None:
    wrong = []
    for name in CORE:
        path = REPO_ROOT / "generator" / "core" / f"{name}.py"
        for line, module in imported_modules(path):
            if module.startswith("supportkb.") and not module.startswith("supportkb.generator.core"):
                wrong.append(f"generator/{name}.py:{line}: imports {module}")
    assert wrong == []


@pytest.mark.parametrize("folder", ["generator", "search", "gaps", "supportkb", "tests", "benchmarks"])
def test_nothing_imports_the_folders_by_their_old_top_level_names(folder: str) -> None:
    """`import search` would load a second copy of a module (or someone else's `search`)."""
    old = [
        f"{path.relative_to(REPO_ROOT)}:{line}: {module}"
        for path in python_files(folder)
        for line, module in imported_modules(path)
        if module.split(".")[0] in ("generator", "search", "gaps")
    ]
    assert old == []


def test_pyproject_lists_every_package_folder() -> None:
    try:
        import tomllib  # noqa: PLC0415 - Python 3.11+
    except ModuleNotFoundError:  # Python 3.10: the same parser, from PyPI (the test extra installs it)
        import tomli as tomllib  # noqa: PLC0415

    settings = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    folders = {
        ROOMS[init.parent.relative_to(REPO_ROOT).parts[0]]
        + "".join("." + part for part in init.parent.relative_to(REPO_ROOT).parts[1:])
        for folder in ROOMS
        for init in (REPO_ROOT / folder).rglob("__init__.py")
    }
    assert set(settings["packages"]) == folders


def test_the_wheel_installs_one_top_level_name(tmp_path: Path) -> None:
    """`pip install supportkb` adds `supportkb` to site-packages, and nothing else."""
    source = tmp_path / "source"  # Built from a copy: setuptools writes build/ and *.egg-info beside the sources.
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO_ROOT / name, source / name)
    for folder in ROOMS:
        shutil.copytree(REPO_ROOT / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__"))
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path), str(source)],
        capture_output=True, text=True, check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    (wheel,) = tmp_path.glob("supportkb-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    top = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    assert top == {"supportkb"}
    for expected in ("supportkb/cli.py", "supportkb/generator/site/plugin.py", "supportkb/generator/site/theme/main.html",
                     "supportkb/search/api.py", "supportkb/gaps/analysis/find.py", "supportkb/gaps/templates/monthly.html"):
        assert expected in names


@pytest.mark.parametrize("script", sorted(p.stem for p in (REPO_ROOT / "benchmarks").glob("*.py")))
def test_benchmark_scripts_import(script: str) -> None:
    """`make bench` and `make eval` are not run by CI; a moved module must still not break them."""
    done = subprocess.run([sys.executable, "-c", f"import {script}"], cwd=REPO_ROOT / "benchmarks",
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-1500:]
