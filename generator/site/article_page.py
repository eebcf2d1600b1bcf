"""What an article page shows around its text: summary, review date and the out-of-date notice.

They go into the page's HTML under its title (so Material's search indexes the summary), and
every piece of front-matter text is escaped on the way. `[[wikilinks]]`, which Markdown leaves
as text, become links (and `![[image.png]]` images) here, to the files the loader resolved.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

from mkdocs.utils import get_relative_url

from supportkb.generator.core.articles import Article, url_for_path
from supportkb.generator.core.derived import first_paragraph
from supportkb.generator.core.markdown_scan import WikiLink

_H1 = re.compile(r"<h1\b[^>]*>.*?</h1>", re.DOTALL | re.IGNORECASE)
_NOT_TEXT = re.compile(r"(<(pre|code|a|script|style)\b.*?</\2\s*>|<[^>]*>)", re.DOTALL | re.IGNORECASE)
"""Elements whose text is not prose (code, existing links) and tags themselves: wikilinks stay as written there."""
_WIKI_IN_HTML = re.compile(r"!?\[\[[^\[\]\n]*\]\]")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".avif", ".bmp")


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


def _squashed(text: str) -> str:
    return " ".join(text.lower().split())


def repeats_opening(summary: str, body: str) -> bool:
    """True when the summary says what the body's first paragraph already says (possibly cut short)."""
    opening = first_paragraph(body)
    if not opening:
        return False
    said, opens = _squashed(summary), _squashed(opening.removesuffix("…"))
    return said == opens or (opening.endswith("…") and said.startswith(opens))


def article_header_html(article: Article) -> str:
    """Summary, "Last reviewed" line and, when marked stale, the out-of-date notice."""
    parts = []
    # A summary that is the first paragraph (derived, or written so by an import) is shown once, below.
    if article.summary and "summary" not in article.derived and not repeats_opening(article.summary, article.body):
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


def with_wikilinks(content: str, article: Article) -> str:
    """The page HTML with each resolved `[[...]]` as a link, `![[image]]` as an image.

    URLs are relative to the article's directory URL (MkDocs' default use_directory_urls).
    A wikilink that names nothing stays as written: `kb check` and the build report it.
    """
    links = {link.raw: link for link in article.wikilinks if link.path is not None}
    if not links:
        return content

    def replace_in_text(text: str) -> str:
        def one(match: re.Match[str]) -> str:
            link = links.get(html.unescape(match.group(0)))
            return _wikilink_html(link, article) if link is not None else match.group(0)

        return _WIKI_IN_HTML.sub(one, text)

    parts: list[str] = []
    position = 0
    for match in _NOT_TEXT.finditer(content):
        parts.append(replace_in_text(content[position : match.start()]))
        parts.append(match.group(0))
        position = match.end()
    parts.append(replace_in_text(content[position:]))
    return "".join(parts)


def _wikilink_html(link: WikiLink, article: Article) -> str:
    path = PurePosixPath(link.path or "")
    is_page = path.suffix in (".md", ".markdown", ".mdown", ".mkdn", ".mkd")
    target = url_for_path(path) if is_page else str(path)
    href = get_relative_url(target or ".", article.url or ".") if target != article.url else ""
    if is_page and target.endswith("/") and href and not href.endswith("/"):
        href += "/"
    href = quote(href, safe="/.-_~")  # 'Refund policy/' -> 'Refund%20policy/', as MkDocs writes its URLs.
    if link.anchor:
        href += "#" + link.anchor
    if link.is_embed and path.suffix.lower() in IMAGE_SUFFIXES:
        width = f' width="{int(link.alias)}"' if link.alias.isdigit() else ""
        alt = "" if link.alias.isdigit() else link.alias
        return f'<img src="{html.escape(href or ".", quote=True)}" alt="{html.escape(alt or path.stem, quote=True)}"{width}>'
    return f'<a href="{html.escape(href or "#", quote=True)}" class="kb-wikilink">{html.escape(link.text)}</a>'


def with_article_header(content: str, article: Article) -> str:
    """The page HTML with the article header right after its first H1 (one is added if missing),
    and its `[[wikilinks]]` as links."""
    content = with_wikilinks(content, article)
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
