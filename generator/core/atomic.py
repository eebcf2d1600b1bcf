"""Atomic file writes: readers see the old file or the new one, never a half-written one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_text_atomic(path: Path, text: str) -> None:
    """Write text (UTF-8, newlines as given) via a temporary sibling and os.replace.

    An existing file keeps its permission bits; a new one gets the usual umask-based mode.
    Raises OSError; callers turn it into a message for their user.
    """
    path = Path(path)
    parent = path.parent if str(path.parent) else Path(".")
    parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = 0o666 & ~_current_umask()
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=parent)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_report(path: Path, text: str) -> None:
    """Write a report atomically; a failure is a KBError naming the file."""
    from supportkb.generator.core.errors import KBError

    try:
        write_text_atomic(path, text)
    except OSError as exc:
        raise KBError(f"cannot write the report: {exc.strerror or exc}", path=path) from exc


def _current_umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
