"""`kb adopt`: write the front matter supportkb derives into the files, for teams that want it explicit.

Every article whose title, id or category is derived (see core/derived.py) gets those keys,
with the values the build already uses, so nothing on the site moves: the id written is the one
the path gave, and with it the short link /a/<id>/. Categories made from folder names are added
to categories.yml, so the written `category:` values are known ones.

Only lines are added. Existing front matter keeps its keys, order, comments and quoting (the
new keys go right after the opening '---'); a file without front matter gets a block in front;
the body is never touched, byte for byte; line endings and a byte-order mark stay as they were.
A second run finds nothing to do. Nothing is written while any file cannot be read, or while
derived ids collide; with --write every file is staged first, then renamed into place.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from supportkb.generator.checking.validate import validate_kb
from supportkb.generator.core.articles import Article, load_articles
from supportkb.generator.core.atomic import stage_text
from supportkb.generator.core.categories import Category, help_center_categories, load_categories
from supportkb.generator.core.errors import Diagnostic, KBError
from supportkb.generator.core.frontmatter import FrontMatter, split_front_matter, yaml_quote
from supportkb.generator.core.project import Project, display_path

WRITTEN_FIELDS: tuple[str, ...] = ("title", "id", "category")
"""What adopt writes. The summary stays derived: a copy of the first paragraph would go stale
the day a writer edits that paragraph, and the derived one follows it."""
_TAG = "adopt"
_REFUSING_CODES = frozenset({"duplicate-id"})
"""Validation findings that stop adopt: writing the ids would make them permanent."""


@dataclass(frozen=True)
class FileChange:
    """The front-matter lines one file gains."""

    path: Path
    shown: str
    """The path as messages show it."""
    added: tuple[tuple[str, str], ...]
    """(key, value) in the order written."""
    before: str
    after: str

    def diff(self) -> str:
        """A unified diff of the change, as `git diff` would show it."""
        return "".join(
            difflib.unified_diff(
                self.before.splitlines(keepends=True), self.after.splitlines(keepends=True),
                fromfile=f"a/{self.shown}", tofile=f"b/{self.shown}",
            )
        )


@dataclass(frozen=True)
class AdoptPlan:
    """What `kb adopt` would write, or why it writes nothing."""

    articles: int
    changes: tuple[FileChange, ...]
    problems: tuple[Diagnostic, ...] = ()
    """Errors that stop adopt; nothing is written while there is one."""
    categories_change: FileChange | None = None
    new_categories: tuple[Category, ...] = ()

    @property
    def files(self) -> tuple[FileChange, ...]:
        return self.changes + ((self.categories_change,) if self.categories_change is not None else ())

    def as_json(self, *, written: bool) -> dict[str, Any]:
        return {
            "articles": self.articles,
            "changed": len(self.changes),
            "written": written,
            "files": [{"path": c.shown, "added": dict(c.added)} for c in self.changes],
            "categories": [{"id": c.id, "title": c.title} for c in self.new_categories],
            "problems": [
                {"path": p.path, "line": p.line, "col": p.col, "severity": p.severity, "code": p.code, "message": p.message, "hint": p.hint}
                for p in self.problems
            ],
        }


def plan_adoption(project: Project) -> AdoptPlan:
    """Read the project's articles and work out each file's new text; writes nothing."""
    loaded = load_articles(project.articles_dir)
    listed = load_categories(project.categories_file)
    problems = [d for d in loaded.diagnostics if d.is_error]
    problems += [d for d in validate_kb(loaded, listed, check_unknown_keys=False) if d.code in _REFUSING_CODES]
    changes: list[FileChange] = []
    for article in _one_path_per_file(loaded.root, loaded.articles):
        wanted = [(field, str(getattr(article, field))) for field in WRITTEN_FIELDS if field in article.derived and getattr(article, field)]
        if not wanted:
            continue
        # The file itself, never a link to it: replacing a link would cut it, not change the file.
        path = Path(os.path.realpath(loaded.root / article.path))
        shown = loaded.shown_path(article)
        change, problem = _file_change(path, shown, article, tuple(wanted))
        if problem is not None:
            problems.append(problem)
        elif change is not None:
            changes.append(change)
    new_categories = tuple(c for c in help_center_categories(listed, loaded.articles) if c.derived)
    categories_change = None
    if new_categories and (project.categories_file.exists() or project.kb_dir != project.articles_dir):
        # A bare folder with no categories.yml keeps none: written categories then make their own pages.
        categories_change = _categories_change(project.categories_file, new_categories)
    problems.sort(key=lambda d: (d.path, d.line, d.col))
    return AdoptPlan(len(loaded.articles), tuple(changes), tuple(problems), categories_change, new_categories)


def _one_path_per_file(root: Path, articles: tuple[Article, ...]) -> list[Article]:
    """Each file once: a folder link inside the articles folder reaches the same files by a second
    path (with another derived id); the path with no link in it wins, else the first."""
    chosen: dict[str, Article] = {}
    for article in articles:
        path = root / article.path
        real = os.path.realpath(path)
        direct = real == os.path.abspath(path)
        if real not in chosen or (direct and os.path.realpath(root / chosen[real].path) != os.path.abspath(root / chosen[real].path)):
            chosen[real] = article
    return list(chosen.values())


def _file_change(path: Path, shown: str, article: Article, added: tuple[tuple[str, str], ...]) -> tuple[FileChange | None, Diagnostic | None]:
    try:
        before = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, Diagnostic(shown, 1, 1, "error", f"cannot read the file again: {exc}", "run kb adopt again", "unreadable")
    bom = "\ufeff" if before.startswith("\ufeff") else ""
    text = before[len(bom):]
    newline = "\r\n" if "\r\n" in text.split("\n", 1)[0] + "\n" else "\n"
    lines = "".join(f"{key}: {yaml_quote(value)}{newline}" for key, value in added)
    if article.has_front_matter:
        first_end = text.index("\n") + 1 if "\n" in text else len(text)
        after = bom + text[:first_end] + lines + text[first_end:]
    else:
        after = bom + "---" + newline + lines + "---" + newline + text
    old = split_front_matter(before)
    new = split_front_matter(after)
    expected = {**dict(added), **(old.data if isinstance(old, FrontMatter) else {})}
    if not isinstance(new, FrontMatter) or new.data != expected or new.body != article.body:
        keys = ", ".join(f"{k}: {yaml_quote(v)}" for k, v in added)
        return None, Diagnostic(shown, 1, 1, "error", "cannot add keys to this front matter without rewriting it", f"add them by hand: {keys}", "adopt-refused")
    return FileChange(path, shown, added, before, after), None


def _categories_change(path: Path, categories: tuple[Category, ...]) -> FileChange:
    try:
        before = path.read_text(encoding="utf-8") if path.exists() else ""
    except (OSError, UnicodeDecodeError) as exc:
        raise KBError(f"cannot read categories: {exc}", path=path, hint="save it as UTF-8 text") from exc
    header = "" if before else "# Help-center categories: id -> title and description. The id is the folder name under articles/.\n"
    separator = "" if not before or before.endswith("\n") else "\n"
    block = "".join(f"\n{_yaml_key(c.id)}:\n  title: {yaml_quote(c.title)}\n" for c in categories)
    after = before + separator + header + block
    data = yaml.safe_load(after) or {}
    if not isinstance(data, dict) or any(c.id not in data for c in categories):  # pragma: no cover - keys are quoted
        raise KBError("cannot add the folder categories to categories.yml", path=path, hint="add them by hand")
    return FileChange(path, display_path(path), tuple((c.id, c.title) for c in categories), before, after)


def _yaml_key(key: str) -> str:
    plain = key.replace("-", "").replace("_", "").isalnum() and key.isascii() and not key[0].isdigit()
    return key if plain else yaml_quote(key)


def apply_adoption(plan: AdoptPlan) -> int:
    """Write every change of the plan, all or nothing; returns how many files were written.

    Each file is checked unchanged since planning and staged beside itself; only when all are
    staged are they renamed into place.
    """
    if plan.problems:
        raise KBError(f"{len(plan.problems)} problem(s); nothing was written", hint="fix them and run kb adopt again")
    staged: list[tuple[Path, Path]] = []
    try:
        for change in plan.files:
            current = change.path.read_bytes().decode("utf-8") if change.path.exists() else ""
            if current != change.before:
                raise KBError("the file changed while kb adopt ran; nothing was written", path=change.shown, hint="run kb adopt again")
            staged.append((stage_text(change.path, change.after, tag=_TAG), change.path))
    except (OSError, UnicodeDecodeError) as exc:
        _discard(staged)
        raise KBError(f"cannot write: {exc}", hint="check the folder's permissions and free space; nothing was written") from exc
    except BaseException:
        _discard(staged)
        raise
    for temporary, target in staged:
        os.replace(temporary, target)
    return len(staged)


def _discard(staged: list[tuple[Path, Path]]) -> None:
    for temporary, _target in staged:
        temporary.unlink(missing_ok=True)


def format_plan(plan: AdoptPlan, *, written: bool) -> str:
    """The text report: problems, else each file's diff (dry run) and a summary line."""
    if plan.problems:
        lines = [p.format() for p in plan.problems]
        lines.append(f"kb adopt: {len(plan.problems)} problem(s); nothing was written. Fix them and run kb adopt again.")
        return "\n".join(lines) + "\n"
    if not plan.files:
        return f"Nothing to adopt: all {plan.articles} articles write their title, id and category.\n"
    counts = {field: sum(1 for c in plan.changes if field in dict(c.added)) for field in WRITTEN_FIELDS}
    fields = ", ".join(f"{field} {count}" for field, count in counts.items() if count)
    summary = f"{len(plan.changes)} of {plan.articles} articles " + ("now write" if written else "would gain") + f" front matter ({fields})"
    if plan.categories_change is not None:
        summary += f"; categories.yml {'lists' if written else 'would list'} {len(plan.new_categories)} more categor{'y' if len(plan.new_categories) == 1 else 'ies'}"
    summary += "."
    if written:
        return summary + "\n"
    diffs = "".join(change.diff() for change in plan.files)
    return diffs + summary + " Nothing was written; run 'kb adopt --write' to write it.\n"
