"""`kb stats`: how many articles there are by category, audience, owner and review status."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any, Literal

from supportkb.generator.core.articles import Article, LoadResult
from supportkb.generator.core.categories import Category

ReviewStatus = Literal["overdue", "due-soon", "current", "unscheduled"]
REVIEW_STATUSES: tuple[ReviewStatus, ...] = ("overdue", "due-soon", "current", "unscheduled")
DUE_SOON_DAYS = 30
NO_CATEGORY = "(none)"
NO_OWNER = "(nobody)"


@dataclass(frozen=True)
class Row:
    """One line of a breakdown: a group and its article counts."""

    key: str
    label: str
    articles: int
    public: int
    internal: int
    overdue: int
    due_soon: int


@dataclass(frozen=True)
class KBStats:
    """Counts over a whole knowledge base on one day."""

    today: dt.date
    articles: int
    public: int
    internal: int
    by_category: tuple[Row, ...]
    by_owner: tuple[Row, ...]
    by_review_status: tuple[tuple[ReviewStatus, int], ...]
    unreadable_files: int = 0

    def as_json(self) -> dict[str, Any]:
        return {
            "today": self.today.isoformat(),
            "articles": self.articles,
            "by_audience": {"public": self.public, "internal": self.internal},
            "by_category": [asdict(row) for row in self.by_category],
            "by_owner": [asdict(row) for row in self.by_owner],
            "by_review_status": dict(self.by_review_status),
            "unreadable_files": self.unreadable_files,
        }


def review_status(article: Article, today: dt.date, *, default_every_days: int | None = None) -> ReviewStatus:
    """overdue, due-soon (within 30 days), current, or unscheduled (no reviewed date or interval)."""
    every = article.review_every_days or default_every_days
    if article.reviewed is None or every is None:
        return "unscheduled"
    due = article.reviewed + dt.timedelta(days=every)
    if due < today:
        return "overdue"
    if due <= today + dt.timedelta(days=DUE_SOON_DAYS):
        return "due-soon"
    return "current"


def compute_stats(
    loaded: LoadResult,
    categories: tuple[Category, ...] = (),
    *,
    today: dt.date | None = None,
    default_review_every_days: int | None = None,
) -> KBStats:
    """Count articles by category (in categories.yml order), owner, audience and review status."""
    today = today or dt.date.today()
    status = {a.path: review_status(a, today, default_every_days=default_review_every_days) for a in loaded.articles}
    titles = {c.id: c.title for c in categories}

    def rows(key_of: Any, label_of: Any, order: Iterable[str]) -> tuple[Row, ...]:
        groups: dict[str, list[Article]] = {key: [] for key in order}
        for article in loaded.articles:
            groups.setdefault(key_of(article), []).append(article)
        return tuple(
            Row(
                key=key,
                label=label_of(key),
                articles=len(members),
                public=sum(1 for a in members if not a.is_internal),
                internal=sum(1 for a in members if a.is_internal),
                overdue=sum(1 for a in members if status[a.path] == "overdue"),
                due_soon=sum(1 for a in members if status[a.path] == "due-soon"),
            )
            for key, members in groups.items()
        )

    owners = Counter(a.owner or NO_OWNER for a in loaded.articles)
    by_owner = rows(lambda a: a.owner or NO_OWNER, lambda k: k, [o for o, _ in sorted(owners.items(), key=lambda i: (-i[1], i[0]))])
    counts = Counter(status.values())
    return KBStats(
        today=today,
        articles=len(loaded.articles),
        public=sum(1 for a in loaded.articles if not a.is_internal),
        internal=sum(1 for a in loaded.articles if a.is_internal),
        by_category=rows(lambda a: a.category or NO_CATEGORY, lambda k: titles.get(k, k), titles),
        by_owner=by_owner,
        by_review_status=tuple((s, counts.get(s, 0)) for s in REVIEW_STATUSES),
        unreadable_files=loaded.files_seen - len(loaded.articles),
    )


def format_stats(stats: KBStats) -> str:
    """Plain-text tables for the terminal."""
    out = [f"{stats.articles} articles: {stats.public} public, {stats.internal} internal (on {stats.today.isoformat()})", ""]
    header = ("Articles", "Public", "Internal", "Overdue", "Due soon")

    def table(title: str, rows: tuple[Row, ...]) -> None:
        width = max([len(title)] + [len(r.label) for r in rows])
        out.append(f"{title:<{width}}  " + "  ".join(f"{h:>8}" for h in header))
        for r in rows:
            numbers = (r.articles, r.public, r.internal, r.overdue, r.due_soon)
            out.append(f"{r.label:<{width}}  " + "  ".join(f"{n:>8}" for n in numbers))
        out.append("")

    table("Category", stats.by_category)
    table("Owner", stats.by_owner)
    labels = {"overdue": "overdue", "due-soon": f"due within {DUE_SOON_DAYS} days", "current": "current", "unscheduled": "no review date or interval"}
    width = max(len(v) for v in labels.values())
    out.append(f"{'Review status':<{width}}  {'Articles':>8}")
    for status, count in stats.by_review_status:
        out.append(f"{labels[status]:<{width}}  {count:>8}")
    if stats.unreadable_files:
        out += ["", f"{stats.unreadable_files} file(s) could not be read; run kb check to see why."]
    return "\n".join(out) + "\n"
