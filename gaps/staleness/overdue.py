"""Articles whose review date has passed, with owners and the date of each file's last git change."""

from __future__ import annotations


import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from supportkb.gaps.git_history import file_changes

if TYPE_CHECKING:
    from supportkb.generator.core.articles import Article


@dataclass(frozen=True)
class OverdueArticle:
    """An article due for review."""

    path: PurePosixPath
    title: str
    owner: str | None
    reviewed: dt.date | None
    """None: never reviewed, though it asks for reviews (review_every is set)."""
    review_every_days: int
    due: dt.date | None
    days_overdue: int | None
    line: int
    """File line of 'reviewed' (or of 'review_every' if never reviewed)."""
    last_changed: dt.date | None = None
    """Date of the file's last git commit; None outside git or if never committed."""


def find_overdue(articles: tuple[Article, ...], *, today: dt.date) -> tuple[OverdueArticle, ...]:
    """Articles with review_every whose reviewed + review_every is before today; most overdue first."""
    found: list[OverdueArticle] = []
    for article in articles:
        if article.review_every_days is None:
            continue
        due = article.review_due
        if due is not None and due >= today:
            continue
        key = "reviewed" if article.reviewed is not None else "review_every"
        found.append(
            OverdueArticle(
                path=article.path,
                title=article.title,
                owner=article.owner,
                reviewed=article.reviewed,
                review_every_days=article.review_every_days,
                due=due,
                days_overdue=(today - due).days if due is not None else None,
                line=article.line_of(key),
            )
        )
    # Never-reviewed first, then the longest overdue.
    found.sort(key=lambda item: (item.days_overdue is not None, -(item.days_overdue or 0), str(item.path)))
    return tuple(found)


def with_last_changes(overdue: tuple[OverdueArticle, ...], articles_dir: Path) -> tuple[OverdueArticle, ...]:
    """The same articles with last_changed filled in from git (unchanged if not in a repository)."""
    if not overdue:
        return overdue
    dates = last_git_changes(articles_dir)
    return tuple(
        replace(item, last_changed=dates.get(str(item.path))) for item in overdue
    )


def last_git_changes(folder: Path) -> dict[str, dt.date]:
    """Path relative to folder -> date of the last commit that touched it; {} outside git."""
    dates: dict[str, dt.date] = {}
    for change in file_changes(folder):
        dates.setdefault(change.path, change.day)  # Newest commit comes first.
    return dates
