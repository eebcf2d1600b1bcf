"""Fixtures for the writers' workflow: a git identity, a fresh `kb init` project, and a CLI runner."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

EXPORTS = Path(__file__).parent / "exports"
TODAY = dt.date(2026, 3, 1)


@pytest.fixture(autouse=True)
def git_identity(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> str:
    """A known git user for `kb new`/`kb init`, without touching the real ~/.gitconfig."""
    config = tmp_path_factory.mktemp("git") / "gitconfig"
    config.write_text("[user]\n\temail = sam.writer@example.com\n\tname = Sam Writer\n", encoding="utf-8")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    return "sam.writer"


@pytest.fixture
def kb(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """Run `kb ARGS...` in a folder (default: the current one), as a writer would."""
    from supportkb.cli import main

    def run(*args: str, cwd: Path | None = None) -> Result:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        result = CliRunner().invoke(main, list(args), catch_exceptions=False)
        assert "Traceback" not in result.output
        return result

    return run


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A new help center made by `kb init`, as its root folder."""
    from supportkb.generator.authoring.scaffold import init_project

    root = tmp_path / "help"
    init_project(root, site_name="Acme Help Center", today=dt.date.today())
    return root
