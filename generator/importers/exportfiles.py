"""Reading export files: JSON with located errors, paged files, and records inside API envelopes."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from generator.errors import KBError


class ExportError(KBError):
    """An export that cannot be read."""


def read_json(path: Path) -> Any:
    """Parsed JSON; a damaged file is a KBError at its line and column."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ExportError(f"cannot read the export file: {exc}", path=path, hint="pass the folder or file the help desk exported") from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ExportError(f"not valid JSON (column {exc.colno}): {exc.msg}", path=path, line=exc.lineno, hint="export the file again; it may have been cut off") from exc


def json_files(folder: Path, stem: str) -> list[Path]:
    """stem.json and its pages (stem-2.json, stem_page_3.json...), in page order."""
    pattern = re.compile(rf"^{re.escape(stem)}(?:[-_.]?(?:page[-_]?)?(\d+))?\.json$", re.IGNORECASE)
    found = []
    for path in folder.iterdir() if folder.is_dir() else []:
        match = pattern.match(path.name)
        if match and path.is_file():
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
        found.extend(records(read_json(path), *keys))
    return found


def text_of(value: Any) -> str:
    return "" if value is None else " ".join(str(value).split())


def owner_handle(name: str, email: str) -> str:
    """The owner as supportkb writes it: the part of the email before '@', else the name."""
    email = email.strip()
    return email.split("@", 1)[0] if "@" in email else " ".join(name.split())
