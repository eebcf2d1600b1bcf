"""Which article a ticket's links name: short links, vendor article ids, site URLs and file paths.

An agent who pastes `https://help.example.com/a/1042/` into a reply has answered the ticket with
article 1042. Links are matched by what they say, never fetched: `/a/<id>/` and a help desk's
`/articles/<id>-slug` name an id; any other URL or path names the article whose site URL
(`billing/refunds/`), former URL (`redirect_from`) or file (`billing/refunds.md`) it ends with.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

if TYPE_CHECKING:
    from supportkb.generator.core.articles import Article

_SHORT_LINK = re.compile(r"(?:^|/)a/([^/?#]+)/?$")
_VENDOR_ARTICLE = re.compile(r"(?:^|/)articles/(\d+)(?:-[^/]*)?/?$")
"""Zendesk /hc/en-us/articles/360001-Refunds, Intercom and Freshdesk /articles/123-slug."""


@dataclass(frozen=True)
class ArticleLinks:
    """Lookup tables from the ways a link can name an article to the article's index."""

    by_id: dict[str, int]
    by_suffix: dict[str, int]
    """'billing/refunds' and 'refunds' (tails of its URL, former URLs and file, without slashes
    or .md) -> index; a tail that two articles share is left out."""

    @classmethod
    def of(cls, articles: Sequence[Article]) -> ArticleLinks:
        by_id: dict[str, int] = {}
        owners: dict[str, set[int]] = {}
        for index, article in enumerate(articles):
            if article.id:
                by_id.setdefault(str(article.id), index)
            for key in (article.url, str(article.path), *article.redirect_from):
                parts = _normalise(key).split("/")
                # Every tail of the path: the site may be served from kb/articles or under a prefix.
                for start in range(len(parts)):
                    tail = "/".join(parts[start:])
                    if tail:
                        owners.setdefault(tail, set()).add(index)
        # A tail two articles share ('faq') names neither.
        by_suffix = {tail: next(iter(found)) for tail, found in owners.items() if len(found) == 1}
        return cls(by_id, by_suffix)

    def resolve(self, reference: str) -> int | None:
        """The article a reference names, or None (a page elsewhere, or nothing known)."""
        try:
            path = urlsplit(reference.strip()).path if "://" in reference else reference.split("#", 1)[0].split("?", 1)[0]
        except ValueError:  # A malformed URL ('http://[') names nothing.
            return None
        path = unquote(path)
        for pattern in (_SHORT_LINK, _VENDOR_ARTICLE):
            match = pattern.search(path.rstrip("/") + "/") or pattern.search(path)
            if match and match.group(1) in self.by_id:
                return self.by_id[match.group(1)]
        parts = _normalise(path).split("/")
        # The longest suffix wins: 'docs/billing/refunds' meets 'billing/refunds' before 'refunds'.
        for start in range(len(parts)):
            found = self.by_suffix.get("/".join(parts[start:]))
            if found is not None:
                return found
        return None

    def resolve_all(self, references: Sequence[str]) -> tuple[int, ...]:
        """The distinct articles a ticket's references name, in order."""
        found: dict[int, None] = {}
        for reference in references:
            index = self.resolve(reference)
            if index is not None:
                found.setdefault(index, None)
        return tuple(found)


def _normalise(path: str) -> str:
    """'/billing/refunds/index.html' and 'billing/refunds.md' -> 'billing/refunds'."""
    path = path.strip().strip("/")
    for ending in ("/index.html", "/index.md", "index.html", ".html", ".md"):
        if path.endswith(ending):
            path = path[: -len(ending)]
            break
    return path.strip("/").lower()
