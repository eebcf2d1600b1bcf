"""What every docs-tool reader shares: reading the pages of a folder, titles, ids, and links.

A docs tool's folder is untrusted input like any export: only regular files below it are read
(symbolic links are skipped and noted, as in exportfiles), nothing a link names outside the folder
is ever resolved, and a page that cannot be read is noted and left out, never half-imported.

Readers go in two passes: read every page (front matter, title, body in the tool's syntax), then,
once every page's key is known, turn links between pages into `kb-article:KEY#anchor` marks and
links to files into `kb-file:PATH` marks (see write.py, which makes them relative paths).
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote

from supportkb.generator.core.frontmatter import FrontMatter, split_front_matter
from supportkb.generator.core.links import is_external
from supportkb.generator.core.markdown_scan import heading_text, scan_markdown
from supportkb.generator.core.slug import file_slug, heading_anchor
from supportkb.generator.importers.exportfiles import ExportError, clean_text, export_files, open_export_file, text_of
from supportkb.generator.importers.mdlinks import file_link, rewrite_markdown
from supportkb.generator.importers.mdsyntax import defuse_html
from supportkb.generator.importers.model import SourceArticle, SourceCategory, article_link

MAX_PAGE_BYTES = 5 * 1024 * 1024
"""A page larger than this is not a help article (and would slow every later step): skipped."""
_ID_LIMIT = 64


@dataclass(frozen=True)
class DocPage:
    """One Markdown page of a docs tool's folder, as read (before links are resolved)."""

    path: PurePosixPath
    """Relative to the folder the reader was given (the export's files root)."""
    meta: dict[str, Any]
    body: str
    """Markdown after the front matter, less the leading H1 when that gave the title."""
    title: str
    key: str = ""


@dataclass(frozen=True)
class Placement:
    """Where a page goes: its category (a SourceCategory key, None for General) and section."""

    category: str | None = None
    section: str = ""


@dataclass
class LinkStats:
    """Internal links met while resolving, for the import's notes (and the adopt-check table)."""

    total: int = 0
    resolved: int = 0
    unresolved: list[str] = field(default_factory=list)

    def note(self) -> str:
        shown = "; ".join(self.unresolved[:5]) + (" …" if len(self.unresolved) > 5 else "")
        text = f"internal links: {self.resolved} of {self.total} resolved"
        return text + (f" (not found: {shown})" if self.unresolved else "")


def list_files(root: Path, notes: list[str], *, skip_hidden: bool = True) -> list[PurePosixPath]:
    """Every regular file below root, as paths relative to it; links and hidden folders left out."""
    files, link_notes = export_files(root)
    notes.extend(link_notes)
    found = []
    for path in files:
        relative = PurePosixPath(path.relative_to(root).as_posix())
        if skip_hidden and any(part.startswith(".") and part != ".gitbook" for part in relative.parts):
            continue
        if "node_modules" in relative.parts:
            continue
        found.append(relative)
    return found


def read_text(root: Path, relative: PurePosixPath, notes: list[str]) -> str | None:
    """A page's text, or None (noted) when it is too large, not UTF-8, or not a file of the folder."""
    path = root / relative
    try:
        with open_export_file(root, path) as handle:
            data = handle.read(MAX_PAGE_BYTES + 1)
    except (OSError, ExportError) as exc:
        notes.append(f"{relative}: cannot be read ({getattr(exc, 'strerror', None) or exc}); skipped")
        return None
    if len(data) > MAX_PAGE_BYTES:
        notes.append(f"{relative}: larger than {MAX_PAGE_BYTES // (1024 * 1024)} MB, not a help article; skipped")
        return None
    try:
        return clean_text(data.decode("utf-8-sig")).replace("\r\n", "\n")
    except UnicodeDecodeError as exc:
        notes.append(f"{relative}: not UTF-8 text (byte {exc.start}); skipped: save it as UTF-8")
        return None


def read_page(root: Path, relative: PurePosixPath, notes: list[str]) -> DocPage | None:
    """Read one page: front matter (a damaged one is noted and ignored), title, body."""
    text = read_text(root, relative, notes)
    if text is None:
        return None
    parsed = split_front_matter(text)
    if isinstance(parsed, FrontMatter):
        meta, body = parsed.data, parsed.body
        if parsed.present and not isinstance(meta, dict):
            notes.append(f"{relative}:1: front matter is not a mapping of keys to values; read as if it had none")
            meta = {}
    else:
        notes.append(f"{relative}:{parsed.line}: front matter cannot be read ({parsed.message}); read as if it had none")
        meta, body = {}, _after_front_matter(text)
    meta = meta if isinstance(meta, dict) else {}
    body, h1 = take_leading_h1(body)
    title = text_of(meta.get("title")) if isinstance(meta.get("title"), (str, int, float)) else ""
    title = title or h1 or title_from_path(relative)
    return DocPage(path=relative, meta=meta, body=body, title=title)


def _after_front_matter(text: str) -> str:
    lines = text.split("\n")
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return "\n".join(lines[index + 1 :])
    return text


_MDX_IMPORT = re.compile(r"^import\s.+\sfrom\s+['\"][^'\"]+['\"];?\s*$")
_H1 = re.compile(r"^ {0,3}#[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$")


def take_leading_h1(body: str) -> tuple[str, str]:
    """(body without its first line's H1, the H1's text): the writer puts the title's H1 back."""
    lines = body.split("\n")
    index = 0
    while index < len(lines) and (not lines[index].strip() or _MDX_IMPORT.match(lines[index])):
        index += 1  # MDX imports come before the H1 and stay where they are.
    match = _H1.match(lines[index]) if index < len(lines) else None
    if not match:
        return body, ""
    kept = [line for line in lines[:index] if line.strip()]
    return "\n".join([*kept, *lines[index + 1 :]]).lstrip("\n"), heading_text(match.group(1))


_NUMBER_PREFIX = re.compile(r"^\d+[-_. ]+(?=\S)")


def strip_number_prefix(name: str) -> str:
    """'01-getting-started' -> 'getting-started' (the ordering prefix docs tools use)."""
    return _NUMBER_PREFIX.sub("", name)


def humanise(name: str) -> str:
    """A file or folder name as a title: 'getting-started' -> 'Getting started'."""
    words = " ".join(strip_number_prefix(name).replace("_", " ").replace("-", " ").split())
    return words[:1].upper() + words[1:] if words else name


def title_from_path(path: PurePosixPath) -> str:
    """The title a page without one gets: its file name, or its folder's for an index page."""
    if path.stem.lower() in ("index", "readme") and path.parent != PurePosixPath("."):
        return humanise(path.parent.name)
    if path.stem.lower() in ("index", "readme"):
        return "Home"
    return humanise(path.stem)


def assign_keys(pages: list[DocPage], notes: list[str], explicit: Callable[[DocPage], str] = lambda page: "") -> list[DocPage]:
    """Each page with a unique plain key: an explicit id if plain and free, else one from its path.

    'guides/install.md' -> 'guides-install'; a path with no ASCII letters gets a short hash, so a
    key stays the same on every re-import of the same folder. Two paths that make the same key
    ('guides/install.md', 'guides-install.md') are both named in a note; the later one (in path
    order) gets '-2'.
    """
    owners: dict[str, PurePosixPath] = {}
    out = []
    for page in sorted(pages, key=lambda p: str(p.path)):
        wanted = explicit(page)
        if wanted in owners:
            notes.append(f"{owners[wanted]} and {page.path} both have the id {wanted!r}: {page.path} gets one from its path")
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}", wanted or "") or wanted in owners:
            wanted = key_for_path(page.path)
        key, number = wanted, 2
        while key in owners:
            key = f"{wanted[: _ID_LIMIT - 4]}-{number}"
            number += 1
        if key != wanted:
            notes.append(f"{owners[wanted]} and {page.path} both make the id {wanted!r}: {page.path} gets {key!r} (rename one, or give it an `id:` in its front matter, to choose)")
        owners[key] = page.path
        out.append(DocPage(page.path, page.meta, page.body, page.title, key))
    return out


def key_for_path(path: PurePosixPath) -> str:
    """A plain id from a page's path, stable across re-imports."""
    parts = [strip_number_prefix(p) for p in path.with_suffix("").parts]
    if parts and parts[-1].lower() in ("index", "readme") and len(parts) > 1:
        parts = parts[:-1]
    slug = "-".join(filter(None, (file_slug(p, max_length=_ID_LIMIT) for p in parts)))
    slug = re.sub(r"[^A-Za-z0-9_-]", "", slug).strip("-_")
    digest = hashlib.sha1(str(path).encode("utf-8")).hexdigest()[:8]
    if not slug:
        return f"page-{digest}"
    return slug if len(slug) <= _ID_LIMIT else f"{slug[: _ID_LIMIT - 9].rstrip('-')}-{digest}"


class DocSite:
    """The pages and files of one folder, to resolve links between them as the docs tool would."""

    def __init__(self, pages: Iterable[DocPage], files: Iterable[PurePosixPath], *, url_paths: dict[str, PurePosixPath] | None = None, page_suffixes: tuple[str, ...] = (".md",), absolute_roots: tuple[str, ...] = ("",), root_fallback: bool = False) -> None:
        self.pages = {page.path: page for page in pages}
        self.files = {f for f in files if f.suffix.lower() not in page_suffixes}
        self.url_paths = {u.strip("/"): p for u, p in (url_paths or {}).items()}
        """Site URLs ('docs/guides/install') of pages, for links written as URLs."""
        self.page_suffixes = page_suffixes
        self.absolute_roots = absolute_roots
        self.root_fallback = root_fallback
        """Whether a relative link that leads nowhere is tried from the root too (Obsidian does)."""
        """Folders a site-absolute link ('/img/a.png') is looked up in, first match wins."""
        self.internal: set[PurePosixPath] = set()
        """Pages that come in as internal: a public page's link to one keeps only its text."""
        self.stats = LinkStats()
        self._anchors: dict[PurePosixPath, dict[str, str]] = {}

    def page_for(self, path: PurePosixPath) -> DocPage | None:
        """The page a path names: the file, the file with a page suffix, or a folder's index/README."""
        if path in self.pages:
            return self.pages[path]
        for suffix in self.page_suffixes:
            candidate = path.with_name(path.name + suffix) if path.name else None
            if candidate in self.pages:
                return self.pages[candidate]
        for name in ("index", "README", "readme", "_index"):
            for suffix in self.page_suffixes:
                if path / f"{name}{suffix}" in self.pages:
                    return self.pages[path / f"{name}{suffix}"]
        return None

    def anchor_in(self, page: DocPage, anchor: str) -> str | None:
        """The toc id of the heading `anchor` names on a page (by id, GitHub slug or heading text)."""
        if page.path not in self._anchors:
            headings, _ = scan_markdown(page.body)
            found: dict[str, str] = {}
            for heading in headings:
                for name in (heading.title.casefold(), github_slug(heading.title), heading_anchor(heading.title)):
                    found.setdefault(name, heading.anchor)
                found[heading.anchor] = heading.anchor
            self._anchors[page.path] = found
        wanted = unquote(anchor).strip()
        table = self._anchors[page.path]
        for name in (wanted, wanted.casefold(), github_slug(wanted), heading_anchor(wanted)):
            if name in table:
                return table[name]
        return None

    def resolve(self, source: PurePosixPath, target: str, problems: list[str], *, is_image: bool = False) -> str | None:
        """A link's new target: a kb-article:/kb-file: mark; None to keep it; '' to keep only its text."""
        target = target.strip()
        if not target or target.startswith("#") or is_external(target) or re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", target):
            return None  # mailto:, tel:, obsidian:// and any other scheme are not files (issue 16).
        file_part, _, anchor = target.partition("#")
        file_part = unquote(file_part.split("?", 1)[0])
        self.stats.total += 1
        found = self._locate(source, file_part)
        if isinstance(found, DocPage) and not is_image:
            self.stats.resolved += 1
            if found.path in self.internal and source not in self.internal:
                problems.append(f"link to {target} kept as plain text: that page is not published (customers could not open it)")
                return ""
            new_anchor = self.anchor_in(found, anchor) if anchor else ""
            if anchor and new_anchor is None:
                problems.append(f"link to a missing section {target}: now a link to the page")
            return article_link(found.key, new_anchor or "")
        if isinstance(found, PurePosixPath):
            self.stats.resolved += 1
            return file_link(str(found))
        self.stats.unresolved.append(f"{source}: {target}")
        problems.append(f"{'image' if is_image else 'link'} {target} leads to nothing in the folder: {'removed, its alt text kept' if is_image else 'kept as plain text'}")
        return ""

    def _locate(self, source: PurePosixPath, file_part: str) -> DocPage | PurePosixPath | None:
        if file_part.startswith("/"):
            candidates = [posixpath.normpath(posixpath.join(root, file_part.strip("/"))) for root in self.absolute_roots]
        else:
            candidates = [posixpath.normpath(posixpath.join(str(source.parent), file_part))]
            if self.root_fallback:
                candidates.append(posixpath.normpath(file_part))
        for candidate in candidates:
            if candidate == ".." or candidate.startswith("../"):
                return None  # Outside the folder: never looked at.
            path = PurePosixPath(candidate)
            page = self.page_for(path) if candidate not in (".", "") else self.page_for(PurePosixPath("."))
            if page is not None:
                return page
            if path in self.files:
                return path
        by_url = self.url_paths.get(file_part.strip("/")) or self.url_paths.get(posixpath.normpath(posixpath.join(str(source.parent), file_part)).strip("/"))
        if by_url is not None:
            return self.pages.get(by_url)
        return None

    def with_marks(self, page: DocPage, body: str, problems: list[str]) -> str:
        """The body with every internal link and image turned into a mark (or its text)."""
        body, found = defuse_html(body)
        problems.extend(found)
        converted = rewrite_markdown(
            body,
            rewrite_link=lambda t: self.resolve(page.path, t, problems),
            rewrite_image=lambda t: self.resolve(page.path, t, problems, is_image=True),
        )
        problems.extend(converted.problems)
        return converted.markdown


_GITHUB_DROP = re.compile(r"[^\w\- ]", re.UNICODE)


def github_slug(text: str) -> str:
    """The anchor GitHub, GitBook and Docusaurus give a heading: lower case, spaces to '-'."""
    return _GITHUB_DROP.sub("", text.strip().lower()).replace(" ", "-")


def meta_list(meta: dict[str, Any], key: str) -> tuple[str, ...]:
    """A front-matter list ('tags: [a, b]' or 'tags: a, b') as clean strings."""
    value = meta.get(key)
    if isinstance(value, str):
        value = [v for v in re.split(r"[,\s]+" if key == "tags" else r",", value) if v.strip()]
    if not isinstance(value, list):
        return ()
    return tuple(dict.fromkeys(text_of(v).lstrip("#") for v in value if isinstance(v, (str, int, float)) and text_of(v)))


def meta_text(meta: dict[str, Any], *keys: str) -> str:
    """The first of these front-matter keys holding text."""
    for key in keys:
        value = meta.get(key)
        if isinstance(value, (str, int, float)) and not isinstance(value, bool) and text_of(value):
            return text_of(value)
    return ""


def meta_true(meta: dict[str, Any], key: str) -> bool:
    value = meta.get(key)
    return value is True or (isinstance(value, str) and value.strip().lower() in ("true", "yes"))


def meta_false(meta: dict[str, Any], key: str) -> bool:
    value = meta.get(key)
    return value is False or (isinstance(value, str) and value.strip().lower() in ("false", "no"))


def folder_titles(pages: Iterable[DocPage]) -> dict[str, str]:
    """Folder -> the title its own page gives it (index.md, README.md, or a note named like the folder)."""
    titles: dict[str, str] = {}
    for page in pages:
        folder = page.path.parent
        if str(folder) == "." or page.title == title_from_path(page.path):
            continue  # The page has no title of its own: the folder's name is as good.
        if page.path.stem.lower() in ("index", "readme", "_index") or page.path.stem == folder.name:
            titles.setdefault(str(folder), page.title)
    return titles


def folder_categories(paths: Iterable[PurePosixPath], titles: dict[str, str] | None = None, positions: dict[str, float] | None = None) -> tuple[list[SourceCategory], dict[PurePosixPath, Placement]]:
    """Categories from top folders and sections from second folders; pages at the top go to General."""
    titles, positions = titles or {}, positions or {}
    placements: dict[PurePosixPath, Placement] = {}
    tops: dict[str, str] = {}
    for path in paths:
        parts = path.parts
        if len(parts) == 1:
            placements[path] = Placement()
            continue
        top = parts[0]
        tops.setdefault(top, titles.get(top) or humanise(top))
        section = ""
        if len(parts) > 2:
            sub = f"{top}/{parts[1]}"
            section = titles.get(sub) or humanise(parts[1])
        placements[path] = Placement(category=top, section=section)
    order = sorted(tops, key=lambda t: (positions.get(t, float("inf")), t))
    return [SourceCategory(key=t, title=tops[t], position=i) for i, t in enumerate(order)], placements


def source_article(page: DocPage, markdown: str, placement: Placement, *, problems: list[str], old_urls: Iterable[str] = (), internal_because: str = "") -> SourceArticle:
    """The SourceArticle a docs page becomes (front matter kept where supportkb has a field for it)."""
    return SourceArticle(
        key=page.key,
        title=page.title,
        html="",
        markdown=markdown,
        category_key=placement.category,
        section=placement.section,
        audience="internal" if internal_because else "public",
        restriction=internal_because,
        summary=meta_text(page.meta, "summary", "description"),
        tags=meta_list(page.meta, "tags"),
        aliases=meta_list(page.meta, "aliases"),
        old_urls=tuple(dict.fromkeys(u.strip("/") for u in old_urls if u.strip("/"))),
        problems=tuple(dict.fromkeys(problems)),
    )
