"""Write `stale_since` into flagged articles' front matter, keeping the rest of the file as written.

Marking several articles is all-or-nothing when something goes wrong, and resumable after a kill:
every file is checked, then every new text is written to a temporary sibling
(`.NAME.md.kb-mark-<pid>-XXXX.tmp`), and only then are the temporary files renamed over the
articles. A failure while checking or writing changes no article and leaves no temporary file. A
kill during the renames leaves some articles marked: the next run removes the dead run's
temporary files and marks the rest (articles already marked for the version are skipped).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import stat
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from supportkb.generator.core.articles import is_markdown_name
from supportkb.generator.core.errors import KBError
from supportkb.generator.core.frontmatter import FrontMatterProblem, split_front_matter
from supportkb.generator.core.atomic import is_process_running, stage_text

STALE_KEY = "stale_since"
MARKED_KEY = "stale_marked"
"""The day the article was marked; the site shows its note until `reviewed` is later."""

_FENCE = re.compile(r"^(?:---|\.\.\.)[ \t]*$")
_TEMP_TAG = "kb-mark"
_OUR_TEMP = re.compile(rf"^\.(.+)\.{_TEMP_TAG}-(\d+)-[^.]+\.tmp$")
_ATOMIC_TEMP = re.compile(r"^\.(.+)\.[a-z0-9_]{8}\.tmp$")
"""Temporary files of supportkb.generator.core.atomic.write_text_atomic (earlier versions of --mark used it)."""
ATOMIC_TEMP_STALE_SECONDS = 60 * 60
"""Another command's temporary file is a leftover once this old (it may be live before)."""


@dataclass(frozen=True)
class MarkResult:
    """What --mark did."""

    changed: tuple[PurePosixPath, ...]
    already_marked: tuple[PurePosixPath, ...]
    """Already marked stale since this version; left as they were."""
    cleaned: tuple[PurePosixPath, ...] = ()
    """Temporary files an interrupted earlier run left in the articles folder, now removed."""


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
    """Mark each (path, title) stale since version: all or nothing on errors, resumable after a kill.

    Leftover temporary files of an interrupted run are removed first (MarkResult.cleaned).
    """
    if not version.strip():
        raise KBError("the release has no version to write into stale_since", hint="name it with --version X")
    cleaned = remove_leftover_temporaries(articles_dir)
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
    temporaries: list[tuple[Path, Path, PurePosixPath]] = []
    for file_path, relative, new_text in planned:
        try:
            temporaries.append((stage_text(file_path, new_text, tag=f"{_TEMP_TAG}-{os.getpid()}-"), file_path, relative))
        except OSError as exc:
            _remove(temp for temp, _, _ in temporaries)
            raise KBError(
                f"could not write beside {file_path}: {exc.strerror or exc}; no article was changed",
                hint="free some disk space or fix the folder's permissions, and run again",
            ) from exc
    written: list[PurePosixPath] = []
    for index, (temporary, file_path, relative) in enumerate(temporaries):
        try:
            os.replace(temporary, file_path)
        except OSError as exc:
            _remove(temp for temp, _, _ in temporaries[index:])
            done = ", ".join(str(path) for path in written) or "none"
            raise KBError(
                f"could not replace {file_path}: {exc.strerror or exc}",
                hint=f"marked so far: {done}; run again to mark the rest (marked ones are skipped)",
            ) from exc
        written.append(relative)
    return MarkResult(changed=tuple(written), already_marked=tuple(already), cleaned=cleaned)


def remove_leftover_temporaries(articles_dir: Path, *, now: float | None = None) -> tuple[PurePosixPath, ...]:
    """Remove temporary files that killed runs left beside the articles; returns them, folder-relative.

    Ours carry the writing process's pid and go once it is not running; other commands' atomic
    writes (no pid) go once an hour old, so a concurrent `kb import` keeps its live ones.
    """
    now = time.time() if now is None else now
    removed: list[PurePosixPath] = []
    for folder, subfolders, names in os.walk(articles_dir):
        subfolders[:] = [name for name in subfolders if not name.startswith(".")]
        for name in names:
            ours = _OUR_TEMP.match(name)
            theirs = None if ours else _ATOMIC_TEMP.match(name)
            article_name = (ours or theirs).group(1) if (ours or theirs) else ""
            if not is_markdown_name(article_name):
                continue
            path = Path(folder) / name
            try:
                if path.is_symlink():
                    continue
                if ours:
                    stale = not is_process_running(int(ours.group(2)))
                else:
                    stale = now - path.stat().st_mtime > ATOMIC_TEMP_STALE_SECONDS
                if stale:
                    path.unlink()
                    removed.append(PurePosixPath(path.relative_to(articles_dir).as_posix()))
            except FileNotFoundError:
                continue  # Another run removed or renamed it meanwhile.
    return tuple(sorted(removed))


def _remove(paths: Iterable[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def _is_writable(file_path: Path) -> bool:
    # The mode bits count too: root may write anything, but a read-only file is a decision.
    has_write_bit = bool(file_path.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    return has_write_bit and os.access(file_path, os.W_OK) and os.access(file_path.parent, os.W_OK | os.X_OK)
