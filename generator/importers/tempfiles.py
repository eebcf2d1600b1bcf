"""Temporary siblings of the files `kb import` writes: atomic copies, and clean-up after a killed run.

generator.atomic.write_text_atomic writes `.NAME.XXXXXXXX.tmp` beside NAME and renames it over NAME;
a kill between the two leaves the temporary file behind. Copies of export files are made the same
way here, so a killed import never leaves half an image either.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO

_TEMPORARY = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp$")
"""What tempfile.mkstemp(prefix='.NAME.', suffix='.tmp') names: eight characters of its alphabet."""


def remove_stale_temp_files(folders: Iterable[Path]) -> list[Path]:
    """Delete the temporary files a killed atomic write left in these folders; returns them.

    Only regular files named like mkstemp's `.NAME.XXXXXXXX.tmp` are removed. A temporary file of
    another kb command running at this very moment in the same folder would be removed too; kb
    commands that write into kb/ are not meant to run side by side.
    """
    removed: list[Path] = []
    for folder in sorted(set(folders)):
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue  # Not created yet, or unreadable: nothing of ours is in it.
        for entry in entries:
            if _TEMPORARY.match(entry.name) and entry.is_file(follow_symlinks=False):
                Path(entry.path).unlink(missing_ok=True)
                removed.append(Path(entry.path))
    return removed


def copy_atomic(open_source: Callable[[], BinaryIO], destination: Path) -> None:
    """Copy into destination via a temporary sibling and os.replace; an existing link is replaced, not followed."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{destination.name}.", suffix=".tmp", dir=destination.parent)
    try:
        with os.fdopen(descriptor, "wb") as target, open_source() as source:
            shutil.copyfileobj(source, target)
        os.chmod(temporary, 0o666 & ~_current_umask())  # mkstemp makes 0600; an image is as readable as the articles.
        os.replace(temporary, destination)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def same_content(open_source: Callable[[], BinaryIO], destination: Path) -> bool:
    """Whether destination (a regular file, not a link) already holds the source's bytes."""
    if destination.is_symlink() or not destination.is_file():
        return False
    with open_source() as source, destination.open("rb") as existing:
        while True:
            chunk = source.read(1 << 16)
            if chunk != existing.read(len(chunk) or 1):
                return False
            if not chunk:
                return True


def _current_umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
