"""Links to help-center pages in a ticket: in its text, its agents' replies and its comments.

An agent who answers with a link to an article says which article answers the ticket. These are
the references as written (a URL, a site path, a `/a/<id>/` short link, a vendor's
`/articles/<id>-slug` address); gaps/analysis/linked.py resolves them against the articles.
"""

from __future__ import annotations

import re

MAX_LINKS = 20
"""References kept per ticket: a reply quoting a whole sitemap is not twenty answers."""
MAX_SCAN_CHARS = 200_000
"""Text searched per field; a link that answers the question sits near the top."""

_URL = re.compile(r"\bhttps?://[^\s<>\"'`)\]}]{1,500}", re.IGNORECASE)
_HREF = re.compile(r"\bhref\s*=\s*[\"']([^\"'<>\s]{1,500})[\"']", re.IGNORECASE)
_SITE_PATH = re.compile(r"(?:(?<=[\s(\[\"'])|^)(/[A-Za-z0-9][\w.~%-]*(?:/[\w.~%-]+)*/?(?:#[\w-]*)?)(?=[\s)\]>\"'.,;:!?]|$)")
_MARKDOWN_FILE = re.compile(r"(?:(?<=[\s(\[<\"'])|^)([\w-]+(?:/[\w.-]+)*\.md)\b")
_TRAILING = ".,;:!?"


def find_links(*texts: str) -> tuple[str, ...]:
    """Candidate page references in these texts, in order, de-duplicated (at most MAX_LINKS).

    Plain words never match: a reference is a URL, an href, a path that starts with '/', or a
    Markdown file name. Whether it names an article is decided later, against the articles.
    """
    found: dict[str, None] = {}
    for text in texts:
        if not text or ("/" not in text and ".md" not in text):
            continue
        text = text[:MAX_SCAN_CHARS]
        for pattern in (_HREF, _URL):
            for match in pattern.finditer(text):
                found.setdefault(match.group(match.lastindex or 0).rstrip(_TRAILING), None)
        without_urls = _URL.sub(" ", _HREF.sub(" ", text))
        for pattern in (_SITE_PATH, _MARKDOWN_FILE):
            for match in pattern.finditer(without_urls):
                found.setdefault(match.group(1).rstrip(_TRAILING), None)
        if len(found) >= MAX_LINKS:
            break
    return tuple(list(found)[:MAX_LINKS])
