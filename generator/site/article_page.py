"""What an article page shows around its text: summary, review date and the out-of-date notice.

They go into the page's HTML under its title (so Material's search indexes the summary), and
every piece of front-matter text is escaped on the way.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

from supportkb.generator.core.articles import Article

_H1 = re.compile(r"<h1\b[^>]*>.*?</h1>", re.DOTALL | re.IGNORECASE)


def is_marked_stale(article: Article) -> bool:
    """True while the staleness checker's `stale_since` mark stands.

    A writer clears it by deleting `stale_since`, or by setting `reviewed` to a date after the
    `stale_marked` date the checker records next to it.
    """
    if not article.stale_since:
        return False
    marked = _as_date(article.meta.get("stale_marked"))
    if marked is not None and article.reviewed is not None and article.reviewed > marked:
        return False
    return True


def article_header_html(article: Article) -> str:
    """Summary, "Last reviewed" line and, when marked stale, the out-of-date notice."""
    parts = []
    if article.summary:
        parts.append(f'<p class="kb-lead">{html.escape(article.summary)}</p>')
    if article.reviewed is not None:
        day = article.reviewed
        shown = f"{day.day} {day.strftime('%B')} {day.year}"
        parts.append(
            '<p class="kb-meta" data-search-exclude data-pagefind-ignore>'
            f'Last reviewed <time datetime="{day.isoformat()}">{shown}</time></p>'
        )
    if is_marked_stale(article):
        version = html.escape(article.stale_since or "")
        parts.append(
            '<div class="admonition warning kb-stale" data-search-exclude data-pagefind-ignore role="note">'
            '<p class="admonition-title">This article may be out of date</p>'
            f"<p>Something it describes changed in version {version}. "
            "We are reviewing it, so some steps or screens may differ.</p></div>"
        )
    return "\n".join(parts)


def with_article_header(content: str, article: Article) -> str:
    """The page HTML with the article header right after its first H1 (one is added if missing)."""
    header = article_header_html(article)
    match = _H1.search(content)
    if match is None:
        return f"<h1>{html.escape(article.title)}</h1>\n{header}\n{content}"
    return content[: match.end()] + "\n" + header + content[match.end() :]


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None
