"""Link (0.9): the entry links to the article (by URL path, any domain) or names its file.

`https://any.host/en/tutorial/files/#x` -> tutorial/files.md, section x.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from supportkb.gaps.staleness.signals.identifier import CODE_SPAN
from supportkb.gaps.staleness.signals.signal_match import SignalMatch, title_line

if TYPE_CHECKING:
    from supportkb.generator.core.articles import Article
    from supportkb.gaps.staleness.notes import NoteEntry

LINK_WEIGHT = 0.9
_MARKDOWN_PATH = re.compile(r"(?<![\w/.-])((?:[\w.-]+/)*[\w.-]+\.md)\b")
_PR_LINK = re.compile(r"/(?:pull|issues|discussions|commit|compare|releases|apps|sponsors)(?:/|$)")
_FILE_SUFFIXES = (".html", ".htm", ".md")


def _url_path_segments(url: str) -> tuple[str, ...]:
    parts = urlsplit(url)
    path = unquote(parts.path)
    segments = [segment for segment in path.split("/") if segment]
    if segments and segments[-1] in ("index.html", "index.htm", "index.md", "README.md"):
        segments.pop()
    if segments:
        for suffix in _FILE_SUFFIXES:
            if segments[-1].endswith(suffix):
                segments[-1] = segments[-1][: -len(suffix)]
    return tuple(segments)


class LinkResolver:
    """Maps URLs and file names in notes to articles, by URL path suffix."""

    def __init__(self, articles: tuple[Article, ...], site_url: str = "") -> None:
        self.by_segments: dict[tuple[str, ...], int] = {}
        self.by_path_suffix: dict[str, list[int]] = {}
        for index, article in enumerate(articles):
            url = article.url.strip("/")
            keys = [url] + [alias.strip("/") for alias in article.redirect_from]
            for key in keys:
                if key:
                    self.by_segments.setdefault(tuple(_url_path_segments("/" + key)), index)
            self.by_path_suffix.setdefault(article.path.name, []).append(index)
        self.site = urlsplit(site_url) if site_url else None
        self.articles = articles

    def resolve_url(self, url: str) -> tuple[int, str] | None:
        """(article, anchor) a URL points to, or None."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https", "") or (not parts.netloc and not parts.path):
            return None
        if _PR_LINK.search(parts.path) and not (self.site and parts.netloc == self.site.netloc):
            return None
        segments = _url_path_segments(url)
        if self.site and parts.netloc == self.site.netloc:
            base = _url_path_segments(self.site.geturl())
            if segments[: len(base)] == base:
                segments = segments[len(base) :]
        # The longest suffix of the link's path that is an article's URL wins.
        for start in range(len(segments)):
            found = self.by_segments.get(segments[start:])
            if found is not None:
                return found, parts.fragment
        return None

    def resolve_file(self, name: str) -> int | None:
        """The article a file path in the notes names, matched by path suffix."""
        name = name.strip("./")
        for index in self.by_path_suffix.get(name.rsplit("/", 1)[-1], ()):
            path = str(self.articles[index].path)
            if name.endswith(path) or path.endswith(name):
                return index
        return None


def _heading_line(article: Article, anchor: str) -> tuple[int, str] | None:
    for heading in article.headings:
        if heading.anchor == anchor:
            return heading.line, heading.title
    return None


def link_matches(entries: tuple[NoteEntry, ...], resolver: LinkResolver) -> list[SignalMatch]:
    matches: list[SignalMatch] = []
    for entry_index, entry in enumerate(entries):
        targets: dict[int, tuple[int, str]] = {}
        for url in entry.links:
            resolved = resolver.resolve_url(url)
            if resolved is None:
                continue
            article_index, anchor = resolved
            article = resolver.articles[article_index]
            where = _heading_line(article, anchor) if anchor else None
            targets.setdefault(article_index, where or title_line(article))
        for name in _MARKDOWN_PATH.findall(CODE_SPAN.sub(lambda m: m.group(2), entry.source)):
            if "://" in name:
                continue
            named = resolver.resolve_file(name)
            if named is not None:
                targets.setdefault(named, title_line(resolver.articles[named]))
        for article_index, line in targets.items():
            matches.append(SignalMatch(entry_index, article_index, LINK_WEIGHT, "linked from the notes", (line,)))
    return matches
