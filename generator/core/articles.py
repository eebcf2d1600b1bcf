"""The article model and the one loader every part of supportkb reads articles through."""

from __future__ import annotations

import dataclasses
import datetime as dt
import errno
import os
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from supportkb.generator.core.derived import category_from_path, first_paragraph, path_id, title_from_file_name
from supportkb.generator.core.errors import Diagnostic
from supportkb.generator.core.frontmatter import FrontMatterProblem, split_front_matter
from supportkb.generator.core.links import WikiIndex
from supportkb.generator.core.markdown_scan import Heading, Link, WikiLink, scan_element_ids, scan_markdown, scan_wikilinks

Audience = Literal["public", "internal"]

KNOWN_KEYS: frozenset[str] = frozenset(
    {
        "title", "id", "summary", "category", "tags", "product_area", "features", "audience",
        "owner", "reviewed", "review_every", "aliases", "questions", "related", "redirect_from",
        "stale_since", "stale_marked", "featured",
        # Other tools' "not for the public site" (publish: false, draft: true): read as audience internal.
        "publish", "draft",
        # Keys MkDocs and Material understand on a page.
        "template", "hide", "icon", "status", "subtitle", "description", "search", "title_prefix",
    }
)
"""Front-matter keys supportkb or MkDocs/Material understand; others get a warning."""

LARGE_ARTICLE_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class Section:
    """A heading and the body text under it, up to the next heading of any level."""

    heading: Heading
    text: str


@dataclass(frozen=True)
class Article:
    """One help article, as read from its Markdown file."""

    path: PurePosixPath
    """Relative to the articles folder, '/'-separated, e.g. billing/refunds.md."""
    id: str
    title: str
    summary: str = ""
    category: str | None = None
    tags: tuple[str, ...] = ()
    product_area: str | None = None
    features: tuple[str, ...] = ()
    audience: Audience = "public"
    owner: str | None = None
    reviewed: dt.date | None = None
    review_every_days: int | None = None
    aliases: tuple[str, ...] = ()
    questions: tuple[str, ...] = ()
    """Customers' own phrasings this article answers (proposed by kb gaps, accepted by a writer)."""
    related: tuple[str, ...] = ()
    redirect_from: tuple[str, ...] = ()
    stale_since: str | None = None
    featured: bool = False
    body: str = ""
    """Markdown after the front matter."""
    body_line: int = 1
    """1-based file line where the body starts."""
    headings: tuple[Heading, ...] = ()
    element_ids: frozenset[str] = frozenset()
    """Ids set on other elements (attr_list `{ #id }`, HTML `id=`): anchors a link may name too."""
    links: tuple[Link, ...] = ()
    has_front_matter: bool = False
    wikilinks: tuple[WikiLink, ...] = ()
    """`[[...]]` links, resolved against the whole folder by load_articles."""
    derived: frozenset[str] = frozenset()
    """Fields the file leaves out and the loader derived (see derived.py): 'title', 'id', 'category', 'summary',
    and 'audience' (internal, from another tool's 'publish: false' or 'draft: true')."""
    meta: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    """Raw front matter, for plugins and templates."""
    key_lines: dict[str, int] = field(default_factory=dict, compare=False, hash=False)
    """Front-matter key -> 1-based file line, for error messages."""

    @property
    def path_id(self) -> str:
        """The id the article's path gives it; its short link while it has no explicit id."""
        return path_id(self.path)

    @property
    def anchors(self) -> frozenset[str]:
        """Every `#fragment` a link to this article may name: heading anchors and element ids."""
        return frozenset(h.anchor for h in self.headings) | self.element_ids

    @property
    def is_internal(self) -> bool:
        return self.audience == "internal"

    @property
    def url(self) -> str:
        """Site-relative URL MkDocs gives the page (directory URLs), e.g. 'billing/refunds/'."""
        return url_for_path(self.path)

    @property
    def review_due(self) -> dt.date | None:
        if self.reviewed is None or self.review_every_days is None:
            return None
        return self.reviewed + dt.timedelta(days=self.review_every_days)

    def line_of(self, key: str) -> int:
        """The file line of a front-matter key, or 1."""
        return self.key_lines.get(key, 1)

    def sections(self) -> tuple[Section, ...]:
        """Split the body at headings; text before the first heading is not a section."""
        lines = self.body.splitlines()
        result = []
        for index, heading in enumerate(self.headings):
            start = heading.line - self.body_line + 1
            end = (
                self.headings[index + 1].line - self.body_line
                if index + 1 < len(self.headings)
                else len(lines)
            )
            result.append(Section(heading=heading, text="\n".join(lines[start:end]).strip()))
        return tuple(result)

    def intro(self) -> str:
        """Body text before the first heading (H1 title lines excluded)."""
        lines = self.body.splitlines()
        stop = self.headings[0].line - self.body_line if self.headings else len(lines)
        return "\n".join(lines[:stop]).strip()


@dataclass(frozen=True)
class LoadResult:
    """What load_articles found: the readable articles and problems with the rest."""

    root: Path
    articles: tuple[Article, ...]
    diagnostics: tuple[Diagnostic, ...] = ()
    files_seen: int = 0
    display_base: Path | None = None
    """Diagnostics show paths relative to this folder (None: absolute)."""

    def shown_path(self, article: Article) -> str:
        """The article's file path as messages show it."""
        return _shown_path(self.root / article.path, self.display_base)

    def by_id(self) -> dict[str, Article]:
        return {article.id: article for article in self.articles}

    def by_path(self) -> dict[str, Article]:
        return {str(article.path): article for article in self.articles}


MARKDOWN_SUFFIXES: tuple[str, ...] = (".md", ".markdown", ".mdown", ".mkdn", ".mkd")
"""Suffixes MkDocs renders as pages (mkdocs.utils.markdown_extensions, case-sensitive); the loader reads the same."""
_MARKDOWN_LOOKALIKES: tuple[str, ...] = (*MARKDOWN_SUFFIXES, ".mdwn", ".mdtxt", ".mdtext", ".mkdown", ".markdn", ".rmd")
"""Lower-cased suffixes of files that are Markdown by name but that MkDocs would copy to the site raw."""


def is_markdown_name(name: str) -> bool:
    """Whether MkDocs renders a file of this name as a page (and so the loader reads it)."""
    return name.endswith(MARKDOWN_SUFFIXES)


def is_unrendered_markdown_name(name: str) -> bool:
    """Markdown by name (e.g. x.mdwn, x.MD) that MkDocs would not render but copy as is: never published."""
    return not is_markdown_name(name) and name.lower().endswith(_MARKDOWN_LOOKALIKES)


def url_for_path(path: PurePosixPath) -> str:
    """MkDocs' directory URL for a Markdown path."""
    stem = str(path.with_suffix(""))
    if path.stem in ("index", "README"):
        parent = str(path.parent)
        return "" if parent == "." else parent + "/"
    return stem + "/"


@dataclass(frozen=True)
class LayoutProblem:
    """A file or link in the articles folder that the loader will not read, and why."""

    path: Path
    """The entry as reached from the root (through folder links that stay inside)."""
    severity: Literal["error", "warning"]
    message: str
    hint: str
    code: str


@dataclass(frozen=True)
class FolderScan:
    """What walking the articles folder found: the Markdown files to read and the entries refused."""

    markdown_files: tuple[Path, ...]
    problems: tuple[LayoutProblem, ...] = ()


def scan_articles_folder(root: Path) -> FolderScan:
    """Walk root as MkDocs would, but never out of it, never round a link loop.

    Links (to files or folders) that resolve inside root are followed, as MkDocs follows them, so
    `kb check` sees every page the site would have. A link resolving outside root, a dangling link
    and a folder link back to a folder that holds it are problems, never read. Hidden entries are
    skipped (MkDocs leaves them out of the site). Markdown files MkDocs would not render
    (x.mdwn, x.MD) are warnings: the plugin keeps them off the site.
    """
    real_root = os.path.realpath(root)
    found: list[Path] = []
    problems: list[LayoutProblem] = []
    reported: set[str] = set()

    def shown(real: str) -> str:
        return PurePosixPath(Path(os.path.relpath(real, real_root)).as_posix()).as_posix()

    def refuse(path: Path, real_parent: str, message: str, hint: str, code: str, severity: Literal["error", "warning"] = "error") -> None:
        identity = os.path.join(real_parent, path.name)  # One report per entry, however many links reach it.
        if identity not in reported:
            reported.add(identity)
            problems.append(LayoutProblem(path, severity, message, hint, code))

    # Depth first, a folder's own files before its subfolders, as os.walk (and so MkDocs) orders them;
    # a stack rather than recursion, so a very deep tree cannot exhaust Python's recursion limit.
    stack: list[tuple[Path, str, frozenset[str]]] = [(Path(root), real_root, frozenset({real_root}))]
    while stack:
        folder, real_folder, holders = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            refuse(folder, os.path.dirname(real_folder), f"cannot read folder: {exc.strerror or exc}", "check the folder's permissions", "unreadable")
            continue
        subfolders: list[tuple[Path, str]] = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = folder / entry.name
            real = os.path.join(real_folder, entry.name)
            if entry.is_symlink():
                real = os.path.realpath(path)
                if not _is_within(real, real_root):
                    refuse(path, real_folder, f"symbolic link leads outside the articles folder, to {shown(real)!r}", "copy what you need into the articles folder, or delete the link", "link-outside")
                    continue
                try:
                    os.stat(path)
                except OSError as exc:
                    if exc.errno == errno.ELOOP:
                        refuse(path, real_folder, "broken link: too many levels of symbolic links", "remove the broken link", "broken-link")
                    else:
                        refuse(path, real_folder, f"broken link: its target {shown(real)!r} does not exist", "restore the target or remove the broken link", "broken-link")
                    continue
            try:
                is_folder = entry.is_dir()
            except OSError:
                is_folder = False
            if is_folder:
                if real in holders:
                    refuse(path, real_folder, f"folder link loops back to {shown(real)!r}, a folder that holds it", "delete the link; a folder cannot hold itself", "link-loop")
                else:
                    if entry.is_symlink() and not any(part.startswith(".") for part in PurePosixPath(shown(real)).parts):
                        # MkDocs publishes the folder under both names: every article twice, with two ids.
                        refuse(path, real_folder, f"folder link to {shown(real)!r}: its articles are published twice, under both folders", "delete the link; to keep old URLs working, list them under redirect_from in the articles", "folder-link", "warning")
                    subfolders.append((path, real))
            elif is_markdown_name(entry.name):
                found.append(path)
            elif is_unrendered_markdown_name(entry.name):
                stem = entry.name.rsplit(".", 1)[0]
                refuse(path, real_folder, f"not published: MkDocs does not render {entry.name.rsplit('.', 1)[1]!r} files", f"rename it to {stem}.md to publish it", "unrendered-markdown", "warning")
        stack.extend((path, real, holders | {real}) for path, real in reversed(subfolders))
    return FolderScan(markdown_files=tuple(found), problems=tuple(problems))


def _is_within(real: str, real_root: str) -> bool:
    return real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)


def iter_markdown_files(root: Path) -> list[Path]:
    """Every Markdown file load_articles reads below root, in walk order (see scan_articles_folder)."""
    return list(scan_articles_folder(root).markdown_files)


def load_articles(root: Path | str, *, display_root: Path | None = None) -> LoadResult:
    """Read every Markdown file under root into Articles; unreadable files become diagnostics.

    display_root: paths in diagnostics are shown relative to it (default: the current folder
    when root lies below it).
    """
    root = Path(root)
    if not root.is_dir():
        from supportkb.generator.core.errors import KBError

        raise KBError(
            f"articles folder not found: {root}",
            hint="pass --kb with a folder of Markdown files, or run from a supportkb project",
        )
    shown_base = display_root if display_root is not None else _default_display_root(root)
    articles: list[Article] = []
    diagnostics: list[Diagnostic] = []
    scan = scan_articles_folder(root)
    for refused in scan.problems:
        diagnostics.append(Diagnostic(_shown_path(refused.path, shown_base), 1, 1, refused.severity, refused.message, refused.hint, refused.code))
    files = scan.markdown_files
    for file_path in files:
        relative = PurePosixPath(file_path.relative_to(root).as_posix())
        shown = _shown_path(file_path, shown_base)
        article, problems = read_article(file_path, relative, shown_path=shown)
        diagnostics.extend(problems)
        if article is not None:
            articles.append(article)
    if any(article.wikilinks for article in articles):
        articles = _resolve_wikilinks(root, articles)
    return LoadResult(
        root=root,
        articles=tuple(articles),
        diagnostics=tuple(diagnostics),
        files_seen=len(files),
        display_base=shown_base,
    )


def _resolve_wikilinks(root: Path, articles: list[Article]) -> list[Article]:
    """Each article's `[[...]]` links with the file (and heading anchor) they name."""
    attachments = _other_files(root) if any(w.is_embed or "." in w.target for a in articles for w in a.wikilinks) else []
    index = WikiIndex({str(a.path): a.title for a in articles}, attachments)
    by_path = {str(a.path): a for a in articles}
    resolved: list[Article] = []
    for article in articles:
        if not article.wikilinks:
            resolved.append(article)
            continue
        links = []
        for link in article.wikilinks:
            path = index.resolve(str(article.path), link.target)
            anchor = ""
            target = by_path.get(path or "")
            if target is not None and link.heading and not link.heading.startswith("^"):
                wanted = link.heading.casefold()
                heading = next((h for h in target.headings if h.title.casefold() == wanted or h.anchor == link.heading), None)
                anchor = heading.anchor if heading is not None else ""
            links.append(dataclasses.replace(link, path=path, anchor=anchor))
        resolved.append(dataclasses.replace(article, wikilinks=tuple(links)))
    return resolved


def _other_files(root: Path) -> list[str]:
    """Every file below root that is not Markdown (images, PDFs an embed may name), hidden ones left out."""
    found: list[str] = []
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
        base = Path(folder).relative_to(root).as_posix()
        for name in sorted(files):
            if not name.startswith(".") and not is_markdown_name(name):
                found.append(name if base == "." else f"{base}/{name}")
    return found


def _default_display_root(root: Path) -> Path | None:
    try:
        root.resolve().relative_to(Path.cwd().resolve())
        return Path.cwd()
    except ValueError:
        return None


def _shown_path(file_path: Path, base: Path | None) -> str:
    if base is not None:
        try:
            return os.path.relpath(file_path, base)
        except ValueError:
            pass
    return str(file_path)


def read_article(
    file_path: Path, relative: PurePosixPath, *, shown_path: str | None = None
) -> tuple[Article | None, list[Diagnostic]]:
    """Read one file. Returns the article (None if unreadable) and its loading problems."""
    shown = shown_path or str(file_path)
    problems: list[Diagnostic] = []

    def problem(line: int, message: str, hint: str, code: str, severity: str = "error", col: int = 1) -> None:
        problems.append(Diagnostic(shown, line, col, severity, message, hint, code))  # type: ignore[arg-type]

    try:
        raw = file_path.read_bytes()
    except FileNotFoundError:
        if file_path.is_symlink():
            target = os.readlink(file_path)
            problem(1, f"broken link: its target {target!r} does not exist", "restore the target or remove the broken link", "broken-link")
        else:
            problem(1, "file disappeared while it was being read", "run the command again once the file is back, or remove it", "unreadable")
        return None, problems
    except OSError as exc:
        reason = exc.strerror or str(exc)
        hint = "remove the broken link" if exc.errno == errno.ELOOP else "check the file's permissions"
        problem(1, f"cannot read file: {reason}", hint, "unreadable")
        return None, problems
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        problem(line, f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x})", "save the file as UTF-8 in your editor", "encoding", col=col)
        return None, problems
    if "\x00" in text:
        problem(1, "file contains NUL bytes (binary data?)", "save it as plain UTF-8 text or remove it", "encoding")
        return None, problems
    if not text.strip():
        problem(1, "article is empty", "add front matter with a title and some text, or delete the file", "empty")
        return None, problems
    if len(raw) > LARGE_ARTICLE_BYTES:
        problem(1, f"article is very large ({len(raw) / (1024 * 1024):.0f} MB)", "split it into smaller articles; customers rarely read past a few screens", "large-article", "warning")

    parsed = split_front_matter(text)
    if isinstance(parsed, FrontMatterProblem):
        problem(parsed.line, parsed.message, parsed.hint, "yaml", col=parsed.col)
        return None, problems

    meta = parsed.data
    lines = parsed.key_lines
    headings, links = scan_markdown(parsed.body, first_line=parsed.body_line)

    def text_field(key: str) -> str | None:
        value = meta.get(key)
        if value is None:
            return None
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return str(value).strip()
        problem(lines.get(key, 1), f"'{key}' must be text, not {type(value).__name__}", f"write '{key}: some text'", "type")
        return None

    def list_field(key: str) -> tuple[str, ...]:
        value = meta.get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip()) if key == "tags" else (value.strip(),)
        if isinstance(value, list) and all(isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in value):
            return tuple(str(v).strip() for v in value if str(v).strip())
        problem(lines.get(key, 1), f"'{key}' must be a list of text", f"write '{key}: [first, second]'", "type")
        return ()

    derived: set[str] = set()
    title = text_field("title")
    if "title" in meta and not title:
        problem(lines.get("title", 1), "'title' is empty", "write 'title: <what the article answers>', or delete the line to use the first heading or the file name", "missing-title")
    if not title:
        h1 = next((h for h in headings if h.level == 1 and h.title), None)
        title = h1.title if h1 else title_from_file_name(relative)
        derived.add("title")

    article_id = text_field("id")
    if not article_id:
        article_id = path_id(relative)
        derived.add("id")
    category = text_field("category")
    if category is None:
        category = category_from_path(relative)
        if category is not None:
            derived.add("category")
    summary = text_field("summary") or text_field("description") or ""
    if not summary and "summary" not in meta:  # 'summary: ""' is a writer's choice: the missing-summary rule says so.
        summary = first_paragraph(parsed.body)
        if summary:
            derived.add("summary")
    audience = text_field("audience")
    if audience is None and (meta.get("publish") is False or meta.get("draft") is True):
        # Obsidian Publish's 'publish: false', a static-site generator's 'draft: true': not for customers.
        audience = "internal"
        derived.add("audience")
    audience = audience or "public"
    if audience not in ("public", "internal"):
        problem(lines.get("audience", 1), f"audience must be 'public' or 'internal', not {audience!r}", "the article is treated as internal until this is fixed", "audience")
        audience = "internal"  # Safe side: never publish an article whose audience is unclear.

    reviewed = _date_field(meta, "reviewed", lines, problem)
    review_every = _interval_field(meta, "review_every", lines, problem)
    featured = meta.get("featured", False)

    article = Article(
        path=relative,
        id=article_id,
        title=title,
        summary=summary,
        category=category,
        tags=list_field("tags"),
        product_area=text_field("product_area"),
        features=list_field("features"),
        audience=audience,  # type: ignore[arg-type]
        owner=text_field("owner"),
        reviewed=reviewed,
        review_every_days=review_every,
        aliases=list_field("aliases"),
        questions=list_field("questions"),
        related=list_field("related"),
        redirect_from=list_field("redirect_from"),
        stale_since=text_field("stale_since"),
        featured=featured is True,
        body=parsed.body,
        body_line=parsed.body_line,
        headings=headings,
        element_ids=scan_element_ids(parsed.body),
        links=links,
        has_front_matter=parsed.present,
        wikilinks=scan_wikilinks(parsed.body, first_line=parsed.body_line),
        derived=frozenset(derived),
        meta=meta,
        key_lines=lines,
    )
    return article, problems


def _date_field(meta: dict[str, Any], key: str, lines: dict[str, int], problem: Any) -> dt.date | None:
    value = meta.get(key)
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        problem(lines.get(key, 1), f"'{key}' is not a date: {str(value)!r}", f"write '{key}: YYYY-MM-DD', e.g. {key}: 2026-01-31", "bad-date")
        return None


_INTERVAL = re.compile(r"^\s*(\d+)\s*(d|w|m|y|days?|weeks?|months?|years?)\s*$", re.IGNORECASE)
_UNIT_DAYS = {"d": 1, "w": 7, "m": 30, "y": 365}


def parse_interval_days(text: str) -> int | None:
    """'180d', '26w', '6m', '1y' -> days; None if unreadable."""
    match = _INTERVAL.match(text)
    if not match:
        return None
    return int(match.group(1)) * _UNIT_DAYS[match.group(2)[0].lower()]


def _interval_field(meta: dict[str, Any], key: str, lines: dict[str, int], problem: Any) -> int | None:
    value = meta.get(key)
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    days = parse_interval_days(str(value))
    if days is None:
        problem(lines.get(key, 1), f"'{key}' is not an interval: {str(value)!r}", f"write a number of days, weeks, months or years, e.g. {key}: 180d", "bad-interval")
    return days

