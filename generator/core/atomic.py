"""Atomic file writes: readers see the old file or the new one, never a half-written one."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path


def write_text_atomic(path: Path, text: str) -> None:
    """Write text (UTF-8, newlines as given) via a temporary sibling and os.replace.

    An existing file keeps its permission bits; a new one gets the usual umask-based mode.
    Raises OSError; callers turn it into a message for their user.
    """
    temporary = stage_text(Path(path), text)
    try:
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def stage_text(path: Path, text: str, *, tag: str = "") -> Path:
    """Write text into a temporary sibling of path (`.NAME.<tag>XXXXXXXX.tmp`), ready to rename over it.

    The sibling gets path's permission bits, or the umask-based mode of a new file. Commands that
    write several files stage them all first, then rename; `tag` lets one recognise its own leftovers.
    Raises OSError, leaving nothing behind.
    """
    parent = path.parent if str(path.parent) else Path(".")
    parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = new_file_mode()
    descriptor, name = tempfile.mkstemp(prefix=f".{path.name}.{tag}", suffix=".tmp", dir=parent)
    temporary = Path(name)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.chmod(temporary, mode)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


def new_file_mode() -> int:
    """The mode a new file gets from the umask (mkstemp alone makes 0600)."""
    return 0o666 & ~_current_umask()


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


def is_process_running(pid: int) -> bool:
    """Whether a process with this pid exists (True when that cannot be told without harm)."""
    if pid == os.getpid() or os.name == "nt":
        # This process: another thread's build. Windows: os.kill(pid, 0) would not just probe, so
        # there the age limit alone decides.
        return True
    try:
        os.kill(pid, 0)
    except OSError as exc:
        return exc.errno == errno.EPERM  # Running, as another user.
    return True
