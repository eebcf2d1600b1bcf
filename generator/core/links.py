"""Where a link in an article points: the one resolver of relative links to articles.

A relative link resolves as MkDocs resolves it: against the linking article's folder, with
%-escapes decoded and any ?query dropped; the result is a path relative to the articles folder
('billing/refunds.md'); a link to a folder means its index.md or README.md. External URLs, any
link with its own scheme ('mailto:', 'tel:', 'obsidian://', 'slack:') and site-absolute paths
('/status/') are not articles.

A `[[wikilink]]` resolves as Obsidian resolves it: by path, else by file name anywhere in the
folder (the nearest, then the shortest path, when several share it), else by title.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import PurePath
from typing import TypeVar

EXTERNAL_PREFIXES = ("http://", "https://", "mailto:", "tel:", "ftp://", "//", "data:")
"""Link targets that leave the site (compared in lower case); any 'scheme:' does too."""
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
"""RFC 3986's scheme, then ':' ('mailto:', 'obsidian://', 'slack:'); a 'C:' drive letter reads as one too."""
FOLDER_PAGES = ("index.md", "README.md")
"""The page a link to a folder opens, as MkDocs picks it."""

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
    """True for links that leave the site: 'https://…', 'mailto:…', '//cdn…', any 'scheme:…'."""
    target = target.strip()
    return "://" in target or target.lower().startswith(EXTERNAL_PREFIXES) or bool(_SCHEME.match(target))


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
    found = article_at(resolved.path or str(source), by_path)
    return (found, resolved.anchor) if found is not None else None


def article_at(path: str, by_path: Mapping[str, T]) -> T | None:
    """The article at a resolved path: the file itself, or a folder's index.md / README.md."""
    found = by_path.get(path)
    if found is not None:
        return found
    folder = "" if path in (".", "") else path.rstrip("/") + "/"
    for name in FOLDER_PAGES:
        found = by_path.get(folder + name)
        if found is not None:
            return found
    return None


class WikiIndex:
    """What `[[Page]]` links can name: the articles (by path, file name, title) and other files."""

    def __init__(self, article_titles: Mapping[str, str], other_files: Iterable[str] = ()) -> None:
        """article_titles: path of each article (relative, '/'-separated) -> its title."""
        self._paths: dict[str, str] = {}
        self._names: dict[str, list[str]] = {}
        self._titles: dict[str, list[str]] = {}
        for path, title in article_titles.items():
            self._add(path)
            self._paths.setdefault(_fold(path.rsplit(".", 1)[0]), path)
            self._titles.setdefault(_fold(title), []).append(path)
        for path in other_files:
            self._add(path)

    def _add(self, path: str) -> None:
        self._paths.setdefault(_fold(path), path)
        name = posixpath.basename(path)
        self._names.setdefault(_fold(name), []).append(path)
        if "." in name:
            self._names.setdefault(_fold(name.rsplit(".", 1)[0]), []).append(path)

    def resolve(self, source: str, target: str) -> str | None:
        """The path `[[target]]` in the article at `source` names; None when nothing matches.

        As Obsidian: a path from the folder's top or from the linking file's folder, else a
        file name anywhere (the candidate nearest the linking file, then the shortest path),
        else an article title; letters' case does not matter.
        """
        from urllib.parse import unquote

        written = unquote(target.strip()).lstrip("/")
        if not written:
            return source
        key = _fold(written)
        relative = _fold(posixpath.normpath(posixpath.join(posixpath.dirname(source), written)))
        for candidate in (key, relative, key + ".md", relative + ".md"):
            if candidate in self._paths:
                return self._paths[candidate]
        by_name = self._names.get(_fold(posixpath.basename(written))) if "/" not in written else None
        if by_name is None and "/" in written:
            # 'folder/Page' written shorter than the full path: any path that ends with it.
            tail = "/" + key
            by_name = [p for k, p in self._paths.items() if k.endswith(tail) or k.endswith(tail + ".md")] or None
        if by_name:
            return _nearest(source, by_name)
        by_title = self._titles.get(key)
        return _nearest(source, by_title) if by_title else None

    def suggest(self, target: str) -> str | None:
        """The closest file name or title to a target that named nothing, for 'did you mean'."""
        import difflib

        names = sorted(set(self._names) | set(self._titles))
        close = difflib.get_close_matches(_fold(target), names, n=1, cutoff=0.6)
        if not close:
            return None
        paths = self._names.get(close[0]) or self._titles.get(close[0]) or []
        return posixpath.basename(paths[0]).rsplit(".", 1)[0] if paths else None


def _fold(text: str) -> str:
    return text.strip().casefold()


def _nearest(source: str, candidates: list[str]) -> str:
    here = posixpath.dirname(source)

    def distance(path: str) -> tuple[int, int, str]:
        common = posixpath.commonpath([here, posixpath.dirname(path)]) if here else ""
        hops = len([p for p in here.split("/") if p]) - len([p for p in common.split("/") if p])
        return (hops + len(path.split("/")), len(path), path)

    return min(dict.fromkeys(candidates), key=distance)


def article_for_reference(reference: str, by_id: Mapping[str, T], by_path: Mapping[str, T]) -> T | None:
    """The article a `related:` entry names: an id, or a path relative to the articles folder
    with or without '.md'."""
    return by_id.get(reference) or by_path.get(reference) or by_path.get(reference + ".md")
