"""Which files git says changed on which day: one `git log` read shared by impact and overdue."""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class FileChange:
    """One file touched by one commit."""

    day: dt.date
    status: str
    """git's status letter: A added, M modified, D deleted."""
    path: str
    """Relative to the folder asked about."""


def file_changes(folder: Path) -> Iterator[FileChange]:
    """Every file change below folder, newest commit first; nothing outside git or without git."""
    try:
        done = subprocess.run(
            ["git", "-C", str(folder), "-c", "core.quotePath=false", "log", "--no-color", "--no-renames",
             "--format=%x1e%cs", "--name-status", "--relative", "--", "."],
            capture_output=True, text=True, encoding="utf-8", errors="replace", check=False, timeout=120,
        )
    except (FileNotFoundError, subprocess.TimeoutExpired):
        return  # No git, or a history too big to read: callers report that there is no history.
    if done.returncode != 0:
        return
    for record in done.stdout.split("\x1e"):
        lines = [line for line in record.splitlines() if line.strip()]
        if not lines:
            continue
        try:
            day = dt.date.fromisoformat(lines[0].strip())
        except ValueError:
            continue
        for line in lines[1:]:
            status, _, name = line.partition("\t")
            yield FileChange(day=day, status=status.strip(), path=_unquote_git_path(name.strip()))


def _unquote_git_path(name: str) -> str:
    """git quotes unusual file names ("caf\\303\\251.md"); turn them back into text."""
    if len(name) >= 2 and name.startswith('"') and name.endswith('"'):
        raw = name[1:-1].encode("latin-1", "backslashreplace").decode("unicode_escape")
        return raw.encode("latin-1").decode("utf-8", "replace")
    return name
