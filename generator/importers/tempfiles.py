"""Temporary siblings of the files `kb import` writes: staged texts, atomic copies, clean-up after a kill.

supportkb.generator.core.atomic.write_text_atomic writes `.NAME.XXXXXXXX.tmp` beside NAME and renames it over NAME;
a kill between the two leaves the temporary file behind. Articles are staged and copies of export
files made the same way here, so a killed import never leaves half a file, only temporary ones.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO

from supportkb.generator.core.atomic import new_file_mode, stage_text

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


def stage_texts(texts: list[tuple[Path, str]]) -> list[tuple[Path, Path]]:
    """Write each text to a temporary sibling of its file; returns (temporary, file) pairs to rename.

    Modes follow write_text_atomic: an existing file keeps its permission bits. If one cannot be
    written, those already staged are removed and the OSError is raised.
    """
    staged: list[tuple[Path, Path]] = []
    try:
        for path, text in texts:
            staged.append((stage_text(path, text), path))
    except BaseException:
        discard_staged(staged)
        raise
    return staged


def rename_staged(staged: list[tuple[Path, Path]]) -> None:
    """Rename staged files over their targets, one after another; on an error the rest are removed."""
    for done, (temporary, path) in enumerate(staged):
        try:
            os.replace(temporary, path)
        except BaseException:
            discard_staged(staged[done:])
            raise


def discard_staged(staged: list[tuple[Path, Path]]) -> None:
    for temporary, _path in staged:
        temporary.unlink(missing_ok=True)


def copy_atomic(open_source: Callable[[], BinaryIO], destination: Path) -> None:
    """Copy into destination via a temporary sibling and os.replace; an existing link is replaced, not followed."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{destination.name}.", suffix=".tmp", dir=destination.parent)
    try:
        with os.fdopen(descriptor, "wb") as target, open_source() as source:
            shutil.copyfileobj(source, target)
        os.chmod(temporary, new_file_mode())  # An image is as readable as the articles.
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
