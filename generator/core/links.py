"""Where a link in an article points: the one resolver of relative links to articles.

A relative link resolves as MkDocs resolves it: against the linking article's folder, with
%-escapes decoded and any ?query dropped; the result is a path relative to the articles folder
('billing/refunds.md'). External URLs and site-absolute paths ('/status/') are not articles.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePath
from typing import TypeVar

EXTERNAL_PREFIXES = ("http://", "https://", "mailto:", "tel:", "ftp://", "//", "data:")
"""Link targets that leave the site (compared in lower case); any 'scheme://' does too."""

T = TypeVar("T")


@dataclass(frozen=True)
class LinkTarget:
    """A relative link, resolved."""

    path: str
    """Normalised path relative to the articles folder; '' for a link to a section of the same page."""
    anchor: str
    """The part after '#' ('' for none)."""
    written: str = ""
    """The file part as the link writes it, %-escapes decoded ('../billing/refunds.md'), for messages."""


def is_external(target: str) -> bool:
    """True for links that leave the site: 'https://…', 'mailto:…', '//cdn…', any 'scheme://'."""
    target = target.strip()
    return "://" in target or target.lower().startswith(EXTERNAL_PREFIXES)


def resolve_link(source: PurePath | str, target: str) -> LinkTarget | None:
    """Where a link in the article at `source` (relative to the articles folder) points.

    None for an empty target, an external URL, or a site-absolute path.
    """
    from urllib.parse import unquote

    target = target.strip()
    if not target or is_external(target) or target.startswith("/"):
        return None
    file_part, _, anchor = target.partition("#")
    file_part = unquote(file_part.split("?", 1)[0])
    if not file_part:
        return LinkTarget("", anchor)
    path = posixpath.normpath(posixpath.join(posixpath.dirname(str(source)), file_part))
    return LinkTarget(path, anchor, file_part)


def linked_article(source: PurePath | str, target: str, by_path: Mapping[str, T]) -> tuple[T, str] | None:
    """The article a link in `source` points to, and the anchor; None if it names no article.

    A link to the same page ('#faq' or its own file name) returns that page.
    """
    resolved = resolve_link(source, target)
    if resolved is None:
        return None
    found = by_path.get(resolved.path or str(source))
    return (found, resolved.anchor) if found is not None else None


def article_for_reference(reference: str, by_id: Mapping[str, T], by_path: Mapping[str, T]) -> T | None:
    """The article a `related:` entry names: an id, or a path relative to the articles folder
    with or without '.md'."""
    return by_id.get(reference) or by_path.get(reference) or by_path.get(reference + ".md")
