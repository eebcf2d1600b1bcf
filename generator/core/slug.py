"""Slugs: the ids MkDocs gives headings, and the file names of new articles.

Both fold text to ASCII first (NFKD, accents dropped: 'Zürich' -> 'zurich'), so an article's file
name and its headings' anchors spell a title alike. Anchors must equal the ids Python-Markdown's
toc extension writes into the page, so they come from it; file names keep the letters of scripts
with no ASCII form ('日本語') instead of becoming empty.
"""

from __future__ import annotations

import re
import unicodedata

from markdown.extensions.toc import slugify as _toc_slugify
from markdown.extensions.toc import unique as _toc_unique

MAX_FILE_SLUG_LENGTH = 60
_ASCII_WORD = re.compile(r"[a-z0-9]+")
_WORD = re.compile(r"\w+")


def heading_anchor(text: str) -> str:
    """The id Python-Markdown's toc extension (MkDocs' default) gives a heading with this text."""
    return _toc_slugify(text, "-")


def unique_anchor(text: str, used: set[str]) -> str:
    """The heading's id on a page whose earlier ids are `used` (adds it): 'setup', 'setup_1', ...

    A heading with no ASCII letters or digits gets '_1', then '_2', as in MkDocs.
    """
    return _toc_unique(heading_anchor(text), used)


def file_slug(title: str, *, max_length: int = MAX_FILE_SLUG_LENGTH) -> str:
    """A file-name slug: lower-case words joined by '-', cut at a word boundary.

    Words are the ASCII-folded title's letters and digits; a title with none ('日本語') keeps its
    own letters.
    """
    words = _ASCII_WORD.findall(fold_to_ascii(title).lower())
    if not words:
        words = _WORD.findall(unicodedata.normalize("NFKC", title).lower())
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > max_length and slug:
            break
        slug = candidate[:max_length]
    return slug


def fold_to_ascii(text: str) -> str:
    """The text with accents removed and other non-ASCII characters dropped."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
