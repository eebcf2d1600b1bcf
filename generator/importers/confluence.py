"""Confluence: a space's HTML export (index.html, one Page-Title_<id>.html per page, attachments/).

The page tree comes from each page's breadcrumbs: pages right below the space's home page become
categories, deeper pages become sub-folders. The HTML export carries no page permissions, so pages
are internal unless the import is told otherwise (kb import --audience public); pages labelled
'internal' or 'restricted' stay internal regardless.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from supportkb.generator.importers.exportfiles import ExportError, export_files, text_of
from supportkb.generator.importers.model import SourceArticle, SourceCategory, SourceExport

if TYPE_CHECKING:
    from bs4 import BeautifulSoup

_PAGE_FILE = re.compile(r"(?:^|_)(\d+)\.html$")
_PAGE_ID_IN_URL = re.compile(r"(?:pageId=|/pages/)(\d+)|(?:^|[/_])(\d+)\.html(?:$|#)")
_RESTRICTED_LABELS = frozenset({"internal", "restricted", "agents-only", "confidential"})


def article_key_for_url(url: str) -> str | None:
    match = _PAGE_ID_IN_URL.search(url)
    return (match.group(1) or match.group(2)) if match else None


@dataclass(frozen=True)
class _Page:
    key: str
    title: str
    html: str
    ancestors: tuple[str, ...]
    """Page ids from the top of the space down to the parent."""
    author: str
    updated: dt.date | None
    labels: tuple[str, ...]


def read_export(source: Path) -> SourceExport:
    """Read an unzipped Confluence space HTML export folder."""
    from bs4 import BeautifulSoup

    if not source.is_dir():
        raise ExportError("a Confluence export is a folder", path=source, hint="unzip the space export and pass the folder holding index.html")
    notes: list[str] = []
    pages: dict[str, _Page] = {}
    space_name = ""
    space_key = ""
    files, _links = export_files(source)  # Links are skipped (the import notes each): nothing outside is read.
    index = source / "index.html"
    if index.is_file() and not index.is_symlink():
        index_soup = BeautifulSoup(index.read_text(encoding="utf-8", errors="replace"), "html.parser")
        space_name, space_key = _space_details(index_soup)
    for path in (p for p in files if p.suffix == ".html"):
        match = _PAGE_FILE.search(path.name)
        if path.name == "index.html" or not match:
            continue
        try:
            soup = BeautifulSoup(path.read_text(encoding="utf-8", errors="replace"), "html.parser")
        except OSError as exc:
            notes.append(f"skipped {path.name}: {exc.strerror or exc}")
            continue
        page = _read_page(match.group(1), soup, space_name)
        if page is None:
            notes.append(f"skipped {path.name}: no page content (#main-content) in it")
            continue
        pages[page.key] = page
    if not pages:
        raise ExportError("no Confluence pages found", path=source, hint="pass the unzipped HTML export of a space: Page-Title_12345.html files beside index.html")

    roots = [p for p in pages.values() if not any(a in pages for a in p.ancestors)]
    home = roots[0].key if len(roots) == 1 else None

    def trail(page: _Page) -> list[str]:
        """Page ids from the category page down to this page (home excluded)."""
        chain = [a for a in page.ancestors if a in pages and a != home] + [page.key]
        return chain if page.key != home else []

    categories: dict[str, SourceCategory] = {}
    articles: list[SourceArticle] = []
    general_key = "space-home"
    for page in pages.values():
        chain = trail(page)
        if chain:
            category_key = chain[0]
            categories.setdefault(category_key, SourceCategory(key=category_key, title=pages[category_key].title, position=len(categories)))
        else:
            category_key = general_key
            categories.setdefault(general_key, SourceCategory(key=general_key, title=space_name or "General", position=-1))
        section = pages[chain[1]].title if len(chain) > 2 else ""
        restricted = sorted(set(page.labels) & _RESTRICTED_LABELS)
        old_urls: list[str] = []
        if space_key:
            old_urls += [f"wiki/spaces/{space_key}/pages/{page.key}", f"display/{space_key}/{page.title.replace(' ', '+')}"]
        articles.append(
            SourceArticle(
                key=page.key,
                title=page.title,
                html=page.html,
                category_key=category_key,
                section=section,
                audience="internal" if restricted else "public",
                restriction=f"labelled {', '.join(restricted)} in Confluence" if restricted else "",
                tags=tuple(label for label in page.labels if label not in _RESTRICTED_LABELS),
                owner=page.author,
                updated=page.updated,
                old_urls=tuple(old_urls),
            )
        )
    return SourceExport(
        vendor="confluence",
        vendor_title="Confluence",
        categories=tuple(sorted(categories.values(), key=lambda c: c.position)),
        articles=tuple(articles),
        files_root=source,
        article_key_for_url=article_key_for_url,
        notes=tuple(notes),
        audience_known=False,
    )


def _space_details(soup: BeautifulSoup) -> tuple[str, str]:
    """(space name, space key) from index.html's 'Space Details' table, when present."""
    details: dict[str, str] = {}
    for row in soup.find_all("tr"):
        cells = row.find_all(["th", "td"])
        if len(cells) >= 2:
            details[text_of(cells[0].get_text(" ")).lower()] = text_of(cells[1].get_text(" "))
    name = details.get("name", "")
    if not name:
        title = soup.find("title")
        name = text_of(title.get_text(" ")) if title is not None else ""
    return name, details.get("key", "")


def _read_page(key: str, soup: BeautifulSoup, space_name: str) -> _Page | None:
    main = soup.find(id="main-content")
    if main is None:
        return None
    title_node = soup.find(id="title-text") or soup.find("title")
    title = text_of(title_node.get_text(" ")) if title_node is not None else f"Page {key}"
    prefix = f"{space_name} : "
    if space_name and title.startswith(prefix):
        title = title[len(prefix):]
    elif " : " in title:
        title = title.split(" : ", 1)[1]
    ancestors: list[str] = []
    crumbs = soup.find(id="breadcrumbs")
    for link in crumbs.find_all("a") if crumbs is not None else []:
        match = _PAGE_FILE.search(str(link.get("href") or ""))
        if match and match.group(1) != key:
            ancestors.append(match.group(1))
    metadata = soup.find(class_="page-metadata")
    author = ""
    updated = None
    if metadata is not None:
        author_node = metadata.find(class_="author") or metadata.find(class_="editor")
        author = text_of(author_node.get_text(" ")) if author_node is not None else ""
        updated = _metadata_date(metadata.get_text(" "))
    labels = tuple(
        text_of(a.get_text(" ")).lower()
        for a in soup.select(".labels a, a.aui-label-split-main, .label-list a")
        if text_of(a.get_text(" "))
    )
    return _Page(key=key, title=title, html=main.decode_contents(), ancestors=tuple(ancestors), author=author, updated=updated, labels=labels)


def _metadata_date(text: str) -> dt.date | None:
    """'... last modified by X on Mar 03, 2024' -> 2024-03-03 (the last date in the line)."""
    found = re.findall(r"([A-Z][a-z]{2,8}) (\d{1,2}), (\d{4})", text)
    for month, day, year in reversed(found):
        for fmt in ("%b %d %Y", "%B %d %Y"):
            try:
                return dt.datetime.strptime(f"{month[:3] if fmt == '%b %d %Y' else month} {day} {year}", fmt).date()
            except ValueError:
                continue
    return None
