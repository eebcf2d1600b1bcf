"""Page views from a web-analytics CSV export (GA4, Plausible, Matomo, or any 'path,views' file)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from supportkb.generator.core.errors import KBError

if TYPE_CHECKING:
    from supportkb.generator.core.articles import Article

MAX_BYTES = 200 * 1024 * 1024
PATH_COLUMNS = ("page path and screen class", "page path", "page", "path", "page url", "url", "page location",
                "entry page", "name", "label")
"""First found wins: GA4 ('Page path and screen class'), Plausible ('name'), Matomo ('Label')."""
VIEW_COLUMNS = ("views", "pageviews", "page views", "screen page views", "screenpageviews", "nb_hits", "hits",
                "visits", "visitors", "sessions")
"""First found wins: total views are preferred to visitors."""


@dataclass(frozen=True)
class PageViews:
    """Views per site path from one or more exports."""

    views: dict[str, int] = field(default_factory=dict)
    """Site path ('/billing/refunds/') -> views."""
    rows: int = 0
    skipped: tuple[tuple[int, str], ...] = ()
    """(line, reason) of rows that could not be read."""
    sources: tuple[str, ...] = ()


def _column(header: Sequence[str], candidates: Sequence[str]) -> int | None:
    names = [" ".join(h.strip().lower().replace("_", " ").split()) for h in header]
    for candidate in candidates:
        if candidate in names:
            return names.index(candidate)
    return None


def _number(text: str) -> int | None:
    cleaned = re.sub(r"[\s,'_]", "", text.strip())
    if re.fullmatch(r"\d+(\.0+)?", cleaned):
        return int(float(cleaned))
    return None


def site_path(text: str) -> str:
    """'https://help.example.com/billing/refunds/?x=1' -> '/billing/refunds/'."""
    path = urlsplit(text.strip()).path or "/"
    if path.endswith("/index.html"):
        path = path[: -len("index.html")]
    return path if path.startswith("/") else "/" + path


def read_pageviews(path: Path) -> PageViews:
    """One export; comment lines (GA4's '# ...') and total rows are skipped."""
    try:
        if path.stat().st_size > MAX_BYTES:
            raise KBError("the page-view export is larger than 200 MB", path=path, hint="export one month at a time")
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError as exc:
        raise KBError("page-view export not found", path=path) from exc
    except UnicodeDecodeError as exc:
        raise KBError("the page-view export is not UTF-8", path=path, hint="export it again as CSV (UTF-8)") from exc
    except OSError as exc:
        raise KBError(f"cannot read the page-view export: {exc.strerror or exc}", path=path) from exc
    lines = [(number, line) for number, line in enumerate(text.splitlines(), start=1) if line.strip() and not line.startswith("#")]
    if not lines:
        raise KBError("the page-view export has no rows", path=path)
    first_line, header_text = lines[0]
    dialect = "excel-tab" if header_text.count("\t") > header_text.count(",") else "excel"
    reader = csv.reader(io.StringIO("\n".join(line for _, line in lines)), dialect=dialect)
    header = next(reader)
    path_at, views_at = _column(header, PATH_COLUMNS), _column(header, VIEW_COLUMNS)
    if path_at is None or views_at is None:
        raise KBError(
            f"line {first_line}: cannot find the page and views columns in {', '.join(repr(h) for h in header[:8])}",
            path=path, hint="export 'Pages and screens' (GA4), 'Top pages' (Plausible) or 'Page URLs' (Matomo), "
                            "or a CSV with columns 'path' and 'views'",
        )
    views: dict[str, int] = {}
    skipped: list[tuple[int, str]] = []
    rows = 0
    for (number, _line), row in zip(lines[1:], reader):
        if len(row) <= max(path_at, views_at):
            skipped.append((number, "fewer columns than the header"))
            continue
        page, count = row[path_at].strip(), _number(row[views_at])
        if not page or page.lower() in ("grand total", "total", "(other)", "(not set)"):
            continue
        if count is None:
            skipped.append((number, f"views is not a number: {row[views_at][:40]!r}"))
            continue
        rows += 1
        key = site_path(page)
        views[key] = views.get(key, 0) + count
    return PageViews(views, rows, tuple(skipped), (str(path),))


def merge_pageviews(parts: Sequence[PageViews]) -> PageViews:
    views: dict[str, int] = {}
    for part in parts:
        for key, count in part.views.items():
            views[key] = views.get(key, 0) + count
    return PageViews(views, sum(p.rows for p in parts), tuple(s for p in parts for s in p.skipped),
                     tuple(s for p in parts for s in p.sources))


def article_for_path(path: str, articles: Sequence[Article]) -> Article | None:
    """The article a site path shows; the site may live below a folder ('/help/billing/refunds/')."""
    wanted = path.rstrip("/")
    best: Article | None = None
    for article in articles:
        url = article.url.rstrip("/")
        if not url:
            continue
        if (wanted == "/" + url or wanted.endswith("/" + url)) and (best is None or len(article.url) > len(best.url)):
            best = article
    return best
