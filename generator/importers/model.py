"""What every help-desk reader produces: categories and articles, independent of the vendor."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from supportkb.generator.core.articles import Audience
from supportkb.generator.importers.exportfiles import text_of


@dataclass(frozen=True)
class SourceCategory:
    """A category (Zendesk category, Intercom collection, Freshdesk category, Confluence top page)."""

    key: str
    """The vendor's id, as text."""
    title: str
    description: str = ""
    position: int = 0


@dataclass(frozen=True)
class SourceArticle:
    """One article as the export has it; body is the vendor's HTML."""

    key: str
    """The vendor's id, as text; becomes the article's `id` (its short link)."""
    title: str
    html: str
    category_key: str | None = None
    section: str = ""
    """Title of the section/folder/sub-collection inside the category; becomes a sub-folder."""
    audience: Audience = "public"
    restriction: str = ""
    """Why the article is internal ('draft', 'visible to agents only'...), shown in the report."""
    summary: str = ""
    tags: tuple[str, ...] = ()
    owner: str = ""
    updated: dt.date | None = None
    old_urls: tuple[str, ...] = ()
    """Site-relative paths of the article on the old help center (redirects)."""
    locale: str = ""
    markdown: str | None = None
    """The body as Markdown (docs tools), used instead of `html`. Links to other articles of the
    export are written `kb-article:KEY#anchor` (see `article_link`), images and attachments as
    paths relative to the export's folder; everything else is kept as it is."""
    aliases: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()
    """What the reader could not convert as it was (an MDX component, an embedded note)."""


ARTICLE_LINK_SCHEME = "kb-article:"
"""How a docs-tool reader marks a link to another article of the same export."""


def article_link(key: str, anchor: str = "") -> str:
    """'kb-article:KEY#anchor': a link to another article, rewritten to its new path when written."""
    return f"{ARTICLE_LINK_SCHEME}{key}" + (f"#{anchor}" if anchor else "")


def article_link_key(url: str) -> str | None:
    """The article key of a `kb-article:` link; None for any other URL."""
    if not url.startswith(ARTICLE_LINK_SCHEME):
        return None
    return url[len(ARTICLE_LINK_SCHEME):].split("#", 1)[0] or None


@dataclass(frozen=True)
class SourceExport:
    """Everything one export holds."""

    vendor: str
    """Short name used in ids of state and image folders: zendesk, intercom, freshdesk, confluence."""
    vendor_title: str
    categories: tuple[SourceCategory, ...]
    articles: tuple[SourceArticle, ...]
    files_root: Path
    """Folder whose files images and attachments are looked up in (the export's folder)."""
    article_key_for_url: Callable[[str], str | None]
    """The vendor id of the article an old link points to, or None."""
    notes: tuple[str, ...] = ()
    """Problems met while reading the export (records skipped and why)."""
    audience_known: bool = True
    """False when the export carries no visibility (Confluence): 'auto' then means internal."""


def new_record_identity(record: dict[str, Any], seen: set[str], notes: list[str]) -> tuple[str, str] | None:
    """(id, title) of an export record not met before, else None; a record without either is noted.

    A repeated id (the same article listed twice) is skipped silently: it was imported once.
    """
    key = text_of(record.get("id"))
    title = text_of(record.get("title"))
    if not key or not title:
        if key not in seen:
            notes.append(f"skipped an article without {'an id' if not key else 'a title'} (id {key or '?'})")
        return None
    if key in seen:
        return None
    seen.add(key)
    return key, title


_PATH_OF_URL = re.compile(r"^[a-z][a-z0-9+.-]*://[^/]+/?", re.IGNORECASE)


def article_key_in_path(pattern: re.Pattern[str]) -> Callable[[str], str | None]:
    """A finder of the article id in an old link's path, for vendors whose URLs carry it ('/articles/123')."""

    def find(url: str) -> str | None:
        match = pattern.search(url_path(url) if "://" in url else url.lstrip("/"))
        return match.group(1) if match else None

    return find


def url_path(url: str) -> str:
    """'https://help.acme.com/hc/en-us/articles/1-x?y#z' -> 'hc/en-us/articles/1-x'."""
    path = _PATH_OF_URL.sub("", url.strip()).split("#", 1)[0].split("?", 1)[0]
    return path.strip("/")


_NOT_IN_A_PATH = re.compile(r"[\s\x00-\x1f\x7f\"<>\\^`{|}]")


def is_site_path(path: str) -> bool:
    """Whether an old URL's path can become a redirect page inside the site.

    'hc/en-us/articles/1-x' can; a scheme ('javascript:...'), '..' (also as %2e%2e), an empty
    segment, a backslash or characters no URL path holds cannot.
    """
    if not path or path.startswith("/") or _NOT_IN_A_PATH.search(path):
        return False
    segments = path.split("/")
    if ":" in segments[0]:
        return False
    return all(unquote(s) not in ("", ".", "..") and not re.search(r"[/\\]", unquote(s)) for s in segments)


def parse_timestamp(value: object) -> dt.date | None:
    """A date from ISO 8601 text or Unix seconds; None if absent or unreadable."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return dt.datetime.fromtimestamp(value, tz=dt.timezone.utc).date()
        except (OverflowError, ValueError, OSError):
            return None  # Out of range, or NaN: not a date.
    text = str(value).strip()
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None
