"""Fixtures for the staleness checker: a CLI runner and real temporary git repositories."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


class GitRepo:
    """A real git repository in a temporary folder, with commits at chosen dates."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str, date: str = "2024-01-01T12:00:00") -> str:
        env = {
            **os.environ,
            "GIT_AUTHOR_NAME": "Writer",
            "GIT_AUTHOR_EMAIL": "writer@example.com",
            "GIT_COMMITTER_NAME": "Writer",
            "GIT_COMMITTER_EMAIL": "writer@example.com",
            "GIT_AUTHOR_DATE": date,
            "GIT_COMMITTER_DATE": date,
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_CONFIG_SYSTEM": os.devnull,
        }
        done = subprocess.run(["git", "-C", str(self.root), *args], env=env, capture_output=True, text=True, check=True)
        return done.stdout

    def commit(self, message: str, *, files: dict[str, str] | None = None, date: str = "2024-01-01T12:00:00") -> None:
        for name, text in (files or {}).items():
            path = self.root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            self.git("add", name, date=date)
        self.git("commit", "-q", "--allow-empty", "-m", message, date=date)

    def tag(self, name: str) -> None:
        self.git("tag", name)


@pytest.fixture
def make_repo(tmp_path: Path):
    def make(name: str = "product") -> GitRepo:
        return GitRepo(tmp_path / name)

    return make
