"""Reading export files: JSON with located errors, paged files, and records inside API envelopes.

An export is data from outside: nothing is read through a symbolic link inside it (a link could
point at any file on the machine), and text is cleaned of what cannot be written back as UTF-8.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any, BinaryIO

from supportkb.generator.core.errors import KBError
from supportkb.generator.core.json_input import JSONNestingError, parse_json


class ExportError(KBError):
    """An export that cannot be read."""


_LINK_HINT = "copy the file into the export folder instead of linking to it"


def read_json(path: Path, *, is_given: bool = False) -> Any:
    """Parsed JSON; a damaged file is a KBError at its line and column.

    is_given: the file the user named on the command line, which may be a link; a file found
    inside the export folder may not.
    """
    if not is_given and path.is_symlink():
        raise ExportError("is a symbolic link; kb import reads only the export's own files", path=path, hint=_LINK_HINT)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ExportError(f"cannot read the export file: {exc}", path=path, hint="pass the folder or file the help desk exported") from exc
    try:
        return parse_json(text)
    except JSONNestingError as exc:
        raise ExportError(str(exc), path=path, hint="this is not an export a help desk writes; export it again") from exc
    except json.JSONDecodeError as exc:
        raise ExportError(f"not valid JSON (column {exc.colno}): {exc.msg}", path=path, line=exc.lineno, hint="export the file again; it may have been cut off") from exc
    except ValueError as exc:  # A number too long to convert, for one.
        raise ExportError(f"not valid JSON: {exc}", path=path, hint="export the file again; it may have been cut off") from exc


def json_files(folder: Path, stem: str) -> list[Path]:
    """stem.json and its pages (stem-2.json, stem_page_3.json...), in page order."""
    pattern = re.compile(rf"^{re.escape(stem)}(?:[-_.]?(?:page[-_]?)?(\d+))?\.json$", re.IGNORECASE)
    found = []
    for path in folder.iterdir() if folder.is_dir() else []:
        match = pattern.match(path.name)
        if match and (path.is_file() or path.is_symlink()):  # A link is listed so that read_json refuses it.
            found.append((int(match.group(1) or 0), path.name, path))
    return [path for _page, _name, path in sorted(found)]


def records(data: Any, *keys: str) -> list[dict[str, Any]]:
    """The list of records in an API answer: a bare list, or the first of `keys` holding one."""
    if isinstance(data, list):
        return [r for r in data if isinstance(r, dict)]
    if isinstance(data, dict):
        for key in keys:
            value = data.get(key)
            if isinstance(value, list):
                return [r for r in value if isinstance(r, dict)]
    return []


def load_records(source: Path, stem: str, *keys: str) -> list[dict[str, Any]]:
    """Records of every page of stem.json in folder `source`, or from `source` itself if it is a file."""
    files = [source] if source.is_file() else json_files(source, stem)
    found: list[dict[str, Any]] = []
    for path in files:
        found.extend(records(read_json(path, is_given=path == source), *keys))
    return found


def export_files(root: Path) -> tuple[list[Path], list[str]]:
    """Every regular file under the export folder, and a note for each symbolic link skipped.

    Links are neither followed nor read, whether they point inside the export or out of it: that
    is the simple rule that keeps every file outside the export out of reach.
    """
    files: list[Path] = []
    notes: list[str] = []
    if not root.is_dir():
        return files, notes
    for folder, dirs, names in os.walk(root):  # followlinks=False: a linked folder is never entered.
        here = Path(folder)
        for name in sorted(dirs + names):
            path = here / name
            if path.is_symlink():
                notes.append(f"skipped {path.relative_to(root).as_posix()}: a symbolic link (kb import reads only the export's own files)")
            elif name in names and path.is_file():
                files.append(path)
        dirs.sort()
    return sorted(files), notes


def open_export_file(root: Path, path: Path) -> BinaryIO:
    """Open a file of the export for reading; a link, or a path leading out of the export, is refused."""
    if path.is_symlink() or not path.resolve().is_relative_to(root.resolve()):
        raise ExportError("is a symbolic link or lies outside the export; not read", path=path, hint=_LINK_HINT)
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    return os.fdopen(descriptor, "rb")


_UNWRITABLE = re.compile(r"[\ud800-\udfff\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")
"""Lone surrogates (JSON can hold them, UTF-8 cannot) and characters YAML refuses (control ones)."""


def clean_text(value: Any) -> str:
    """Text as a file can hold it: lone surrogates become U+FFFD, control characters are dropped."""
    text = "" if value is None else str(value)
    return _UNWRITABLE.sub(lambda m: "\ufffd" if "\ud800" <= m.group() <= "\udfff" else "", text)


def text_of(value: Any) -> str:
    """One line of clean text: whitespace runs become one space."""
    return " ".join(clean_text(value).split())


def int_of(value: Any) -> int:
    """A position or order from the export; 0 when it is not a whole number."""
    try:
        return int(value or 0)
    except (TypeError, ValueError, OverflowError):
        return 0


def owner_handle(name: str, email: str) -> str:
    """The owner as supportkb writes it: the part of the email before '@', else the name."""
    email = email.strip()
    return email.split("@", 1)[0] if "@" in email else " ".join(name.split())
