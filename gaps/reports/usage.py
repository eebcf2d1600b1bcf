"""`kb report usage`: most viewed articles, articles that don't help, searches that find nothing."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from supportkb.gaps.reports.pageviews import PageViews, article_for_path

if TYPE_CHECKING:
    from supportkb.gaps.reports.volume import TicketVolume
    from supportkb.generator.core.articles import Article
    from supportkb.gaps.reports.events import StoredEvent

MIN_VOTES = 5
LOW_HELPFUL_RATIO = 0.5
MIN_TICKETS_AFTER_READING = 5
TOP = 20


@dataclass(frozen=True)
class ArticleUsage:
    """How readers used one article."""

    article_path: str
    title: str
    views: int
    helpful: int = 0
    not_helpful: int = 0
    search_clicks: int = 0
    tickets: int = 0
    """Tickets in the period in clusters this article is the best answer for."""

    @property
    def helpful_ratio(self) -> float | None:
        votes = self.helpful + self.not_helpful
        return self.helpful / votes if votes else None


@dataclass(frozen=True)
class IneffectiveArticle:
    usage: ArticleUsage
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class SearchQuestion:
    """A query readers typed, how often, and whether it failed them."""

    query: str
    searches: int
    last_seen: dt.date
    kind: str
    """'zero results' or 'no click'."""


@dataclass(frozen=True)
class UsageReport:
    period: tuple[dt.date | None, dt.date | None]
    events: int
    most_viewed: tuple[ArticleUsage, ...]
    ineffective: tuple[IneffectiveArticle, ...]
    zero_result: tuple[SearchQuestion, ...]
    no_click: tuple[SearchQuestion, ...]
    searches: int
    other_pages: int
    """Views of pages that are not articles (home, categories, search)."""


def summarise_usage(
    events: Sequence[StoredEvent], articles: Sequence[Article], *, pageviews: PageViews | None = None,
    volume: TicketVolume | None = None, since: dt.date | None = None, until: dt.date | None = None,
    top: int = TOP,
) -> UsageReport:
    """Views, votes and searches per article and per query; tickets from `volume` when given."""
    by_path = {str(a.path): a for a in articles}
    by_id = {a.id: a for a in articles if getattr(a, "id", None)}
    views: Counter[str] = Counter()
    helpful: Counter[str] = Counter()
    unhelpful: Counter[str] = Counter()
    clicks: Counter[str] = Counter()
    other = 0

    def article_of(page: str, article_id: str = "") -> str | None:
        if article_id and article_id in by_id:
            return str(by_id[article_id].path)
        found = article_for_path(page, articles) if page else None
        return str(found.path) if found else None

    searches: dict[str, tuple[str, int, dt.date]] = {}  # search id -> (query, results, day)
    clicked: set[str] = set()
    anonymous: list[tuple[str, int, dt.date]] = []
    for stored in events:
        event, day = stored.event, stored.received.date()
        if event.type == "pageview":
            path = article_of(event.page, event.article_id)
            if path:
                views[path] += 1
            else:
                other += 1
        elif event.type == "vote":
            path = article_of(event.page, event.article_id)
            if path:
                (helpful if event.helpful else unhelpful)[path] += 1
        elif event.type == "click":
            path = article_of(event.target)
            if path:
                clicks[path] += 1
            if event.search_id:
                clicked.add(event.search_id)
        elif event.type == "search":
            record = (event.query, event.results or 0, day)
            if event.search_id:
                searches[event.search_id] = record
            else:
                anonymous.append(record)
    if pageviews is not None:
        for page, count in pageviews.views.items():
            path = article_of(page)
            if path:
                views[path] += count
            else:
                other += count

    tickets: Counter[str] = Counter()
    if volume is not None and volume.first is not None and volume.last is not None:
        start = since or volume.first
        end = (until or volume.last) + dt.timedelta(days=1)
        for series in volume.clusters:
            if series.article_path and not series.is_long_tail and series.coverage != "uncovered":
                tickets[series.article_path] += series.count_between(start, end)

    usage = {
        path: ArticleUsage(path, by_path[path].title if path in by_path else path, views[path], helpful[path],
                           unhelpful[path], clicks[path], tickets[path])
        for path in set(views) | set(helpful) | set(unhelpful) | set(clicks) | set(tickets)
    }
    most_viewed = sorted((u for u in usage.values() if u.views), key=lambda u: (-u.views, u.article_path))[:top]
    ineffective = []
    for item in usage.values():
        reasons = []
        ratio = item.helpful_ratio
        votes = item.helpful + item.not_helpful
        if ratio is not None and votes >= MIN_VOTES and ratio < LOW_HELPFUL_RATIO:
            reasons.append(f"{item.not_helpful} of {votes} readers said it did not help")
        reached = item.search_clicks or item.views
        if reached and item.tickets >= MIN_TICKETS_AFTER_READING:
            how = f"found by search {item.search_clicks} times" if item.search_clicks else f"viewed {item.views} times"
            reasons.append(f"{how}, yet {item.tickets} tickets were opened on its topic")
        if reasons:
            ineffective.append(IneffectiveArticle(item, tuple(reasons)))
    ineffective.sort(key=lambda i: (-len(i.reasons), i.usage.helpful_ratio if i.usage.helpful_ratio is not None else 1.0,
                                    -i.usage.tickets, i.usage.article_path))

    all_searches = list(searches.items()) + [("", record) for record in anonymous]
    zero = _questions([r for _, r in all_searches if r[1] == 0], "zero results")
    no_click = _questions([r for sid, r in all_searches if r[1] > 0 and sid and sid not in clicked], "no click")
    days = [s.received.date() for s in events]
    return UsageReport(
        period=(since or (min(days) if days else None), until or (max(days) if days else None)),
        events=len(events), most_viewed=tuple(most_viewed), ineffective=tuple(ineffective[:top]),
        zero_result=zero[:top], no_click=no_click[:top], searches=len(all_searches), other_pages=other,
    )


def _questions(records: list[tuple[str, int, dt.date]], kind: str) -> tuple[SearchQuestion, ...]:
    grouped: dict[str, list[tuple[str, dt.date]]] = {}
    for query, _results, day in records:
        key = " ".join(query.lower().split())
        if key:
            grouped.setdefault(key, []).append((query, day))
    found = [
        SearchQuestion(Counter(q for q, _ in items).most_common(1)[0][0], len(items), max(d for _, d in items), kind)
        for items in grouped.values()
    ]
    found.sort(key=lambda q: (-q.searches, q.query.lower()))
    return tuple(found)


def failed_searches_csv(report: UsageReport) -> str:
    """Zero-result and no-click queries as a ticket-like CSV that `kb gaps` reads (one row per query)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "subject", "created", "tags"])
    for number, question in enumerate(report.zero_result + report.no_click, start=1):
        tag = "search-zero-results" if question.kind == "zero results" else "search-no-click"
        for repeat in range(question.searches):  # One row per search, so frequent questions cluster.
            writer.writerow([f"search-{number}-{repeat + 1}", _safe(question.query), question.last_seen.isoformat(), tag])
    return out.getvalue()


def _safe(text: str) -> str:
    from supportkb.generator.core.escape import csv_cell

    return csv_cell(text)
