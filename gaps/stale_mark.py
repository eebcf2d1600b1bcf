"""Write `stale_since` into flagged articles' front matter, keeping the rest of the file as written."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from generator.atomic import write_text_atomic
from generator.errors import KBError
from generator.frontmatter import FrontMatterProblem, split_front_matter

STALE_KEY = "stale_since"
MARKED_KEY = "stale_marked"
"""The day the article was marked; the site shows its note until `reviewed` is later."""

_FENCE = re.compile(r"^(?:---|\.\.\.)[ \t]*$")


@dataclass(frozen=True)
class MarkResult:
    """What --mark did."""

    changed: tuple[PurePosixPath, ...]
    already_marked: tuple[PurePosixPath, ...]
    """Already marked stale since this version; left as they were."""


def marked_text(text: str, *, version: str, marked_on: dt.date, title: str) -> str:
    """The file's text with stale_since/stale_marked set; other lines keep their formatting."""
    newline = "\r\n" if "\r\n" in text else "\n"
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    body = text[len(bom) :]
    new_lines = {
        STALE_KEY: f"{STALE_KEY}: {json.dumps(version, ensure_ascii=False)}",
        MARKED_KEY: f"{MARKED_KEY}: {marked_on.isoformat()}",
    }
    lines = body.split(newline)
    if not lines or lines[0].rstrip() != "---":
        head = ["---", f"title: {json.dumps(title, ensure_ascii=False)}", *new_lines.values(), "---"]
        return bom + newline.join(head) + newline + body
    end = next((i for i in range(1, len(lines)) if _FENCE.match(lines[i])), None)
    if end is None:
        raise ValueError("front matter is not closed")
    front = lines[1:end]
    for key, replacement in new_lines.items():
        front = _set_key(front, key, replacement)
    return bom + newline.join(["---", *front, *lines[end:]])


def _set_key(front: list[str], key: str, replacement: str) -> list[str]:
    pattern = re.compile(rf"^{re.escape(key)}\s*:")
    for index, line in enumerate(front):
        if pattern.match(line):
            stop = index + 1
            # Drop the old value's continuation lines (block scalars, lists).
            while stop < len(front) and (front[stop].startswith((" ", "\t", "-")) or not front[stop].strip()):
                if not front[stop].strip() and (stop + 1 >= len(front) or not front[stop + 1].startswith((" ", "\t"))):
                    break
                stop += 1
            return [*front[:index], replacement, *front[stop:]]
    return [*front, replacement]


def mark_stale(
    articles_dir: Path,
    targets: list[tuple[PurePosixPath, str]],
    *,
    version: str,
    marked_on: dt.date,
) -> MarkResult:
    """Mark each (path, title) stale since version. All files are checked before any is written."""
    if not version.strip():
        raise KBError("the release has no version to write into stale_since", hint="name it with --version X")
    planned: list[tuple[Path, PurePosixPath, str]] = []
    already: list[PurePosixPath] = []
    problems: list[str] = []
    for relative, title in targets:
        file_path = articles_dir / relative
        try:
            text = file_path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(f"{file_path}: cannot read ({exc})")
            continue
        parsed = split_front_matter(text)
        if not isinstance(parsed, FrontMatterProblem) and str(parsed.data.get(STALE_KEY, "")) == version:
            already.append(relative)
            continue
        try:
            new_text = marked_text(text, version=version, marked_on=marked_on, title=title)
        except ValueError as exc:
            problems.append(f"{file_path}: {exc}")
            continue
        check = split_front_matter(new_text)
        if isinstance(check, FrontMatterProblem) or str(check.data.get(STALE_KEY)) != version:
            problems.append(f"{file_path}: cannot add {STALE_KEY} to this front matter; add it by hand")
            continue
        if not _is_writable(file_path):
            problems.append(f"{file_path}: file is read-only")
            continue
        planned.append((file_path, relative, new_text))
    if problems:
        raise KBError(
            "did not mark any article:\n  " + "\n  ".join(problems),
            hint="fix these files (or their permissions) and run again; no file was changed",
        )
    written: list[PurePosixPath] = []
    for file_path, relative, new_text in planned:
        try:
            _write_atomically(file_path, new_text)
        except OSError as exc:
            done = ", ".join(str(path) for path in written) or "none"
            raise KBError(f"could not write {file_path}: {exc.strerror or exc}", hint=f"already marked: {done}") from exc
        written.append(relative)
    return MarkResult(changed=tuple(written), already_marked=tuple(already))


def _is_writable(file_path: Path) -> bool:
    # The mode bits count too: root may write anything, but a read-only file is a decision.
    has_write_bit = bool(file_path.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    return has_write_bit and os.access(file_path, os.W_OK) and os.access(file_path.parent, os.W_OK | os.X_OK)


def _write_atomically(file_path: Path, text: str) -> None:
    write_text_atomic(file_path, text)
