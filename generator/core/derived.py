"""Fields an article's file already implies, so any folder of Markdown builds as it is.

A team's existing help center rarely writes supportkb's front matter: the file name is the
title, the folder is the topic. These rules give every article what it leaves out:

- title: front matter, else the first H1, else the file name ('refund-policy.md' -> 'Refund policy');
- id: the path, each part as a slug ('Billing/Refund policy.md' -> 'billing/refund-policy');
- category: the top folder ('billing/refunds.md' -> 'billing'); a file directly in the articles
  folder has none, as before (it is still built, and reached by links and search; `kb check`
  says how many there are, and the orphan rule names those nothing links to);
- summary: the first paragraph of the body, as plain text, cut near SUMMARY_LENGTH characters.

`kb adopt` writes the same values into the files, so the short link /a/<id>/ a derived id gave
an article is the one its explicit id keeps.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import PurePosixPath

from supportkb.generator.core.markdown_text import FENCE, inline_text
from supportkb.generator.core.slug import file_slug

DERIVABLE_FIELDS: tuple[str, ...] = ("title", "id", "category", "summary")
SUMMARY_LENGTH = 200
_SAFE_ID_PART = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_INDEX_STEMS = ("index", "README")
_NOT_PROSE = re.compile(
    r"^\s*(?:#{1,6}(?:\s|$)|[-*+]\s|\d{1,9}[.)]\s|>|\||!!!|\?\?\?|:::|<|\{%|!\[|!\[\[|\[\^|-{3,}\s*$|={3,}\s*$|\*{3,}\s*$)"
)
"""Lines that start something other than a paragraph: headings, lists, quotes, tables,
admonitions (MkDocs, Docusaurus), HTML, template tags, lone images and embeds, rules."""


def is_home_page(relative: PurePosixPath) -> bool:
    """index.md or README.md directly in the articles folder: the site's home page."""
    return relative.stem in _INDEX_STEMS and len(relative.parts) == 1


def path_id(relative: PurePosixPath) -> str:
    """The id a path gives an article without one: each part as a slug, '/'-joined.

    Parts that are already lower-case slugs stay as written ('billing/refunds'), so a plain
    folder keeps the ids it always had; 'FAQ' -> 'faq', 'Refund policy' -> 'refund-policy'.
    A part with no letters or digits at all (an emoji) becomes 'page-' and a short hash.
    """
    parts = [*relative.parent.parts, relative.stem] if str(relative.parent) != "." else [relative.stem]
    return "/".join(_id_part(part) for part in parts)


def _id_part(part: str) -> str:
    if _SAFE_ID_PART.match(part):
        return part
    slug = file_slug(part, max_length=200)
    if slug:
        return slug
    return "page-" + hashlib.sha1(part.encode("utf-8")).hexdigest()[:8]


def category_from_path(relative: PurePosixPath) -> str | None:
    """The top folder of the article; None for a file directly in the articles folder."""
    return relative.parts[0] if len(relative.parts) > 1 else None


def title_from_name(name: str) -> str:
    """A title from a file or folder name: 'getting-started' -> 'Getting started'."""
    words = re.sub(r"[-_]+", " ", name).strip()
    words = re.sub(r"\s+", " ", words)
    return words[:1].upper() + words[1:] if words else name


def title_from_file_name(relative: PurePosixPath) -> str:
    """The title a file name gives; index.md and README.md take their folder's name."""
    stem = relative.parent.name if relative.stem in _INDEX_STEMS and relative.parent.name else relative.stem
    return title_from_name(stem) or str(relative)


def first_paragraph(body: str) -> str:
    """The body's first paragraph as plain text, cut near SUMMARY_LENGTH characters ('' if none).

    Headings, lists, tables, quotes, admonitions, HTML blocks and fenced code are not a
    paragraph; a summary is the sentence a writer opens with.
    """
    paragraph: list[str] = []
    fence: str | None = None  # The open fence, tracked here: the paragraph is near the top, the body may be long.
    for line in body.splitlines():
        match = FENCE.match(line)
        if fence is not None:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = None
            continue
        if match:
            if paragraph:
                break
            fence = match.group(1)
            continue
        if not line.strip():
            if paragraph:
                break
            continue
        if not paragraph and (_NOT_PROSE.match(line) or line.startswith(("    ", "\t"))):
            continue
        if paragraph and _NOT_PROSE.match(line):
            break
        paragraph.append(line.strip())
    text = " ".join(paragraph)
    text = inline_text(text).strip()  # Wikilinks read as the words they show, there too.
    return _shorten(text, SUMMARY_LENGTH)


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit]
    sentence_end = max(cut.rfind(". "), cut.rfind("! "), cut.rfind("? "))
    if sentence_end >= limit // 2:
        return cut[: sentence_end + 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > 0 else cut).rstrip(",;:-") + "…"


def has_letters(text: str) -> bool:
    """Whether text holds a letter or digit of any script (an emoji-only title does not)."""
    return any(ch.isalnum() for ch in text)
