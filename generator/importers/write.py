"""Write an export into kb/: articles with full front matter, images, categories, and import state.

Re-running an import updates only what changed: kb/import-state.json remembers, per vendor id, the
file each article went to and what was written. A file edited here since is not overwritten unless
the export changed too and --overwrite is given.

Everything an export names is untrusted. A record whose id is not a plain name (letters, digits,
'-', '_'), whose HTML is absurdly nested, or whose files would land outside kb/articles is refused
(named in the notes); old URLs that are not paths inside the site are dropped from redirect_from.

A killed import is resumable, not all-or-nothing: re-running it finishes the job. No file is ever
half-written (each goes through a temporary sibling and a rename), and the order is categories.yml,
then images and attachments, then the articles, then import-state.json: an article on disk always
has its category and its images. Articles are all staged as temporary files first and renamed one
after another at the end, so a kill leaves none of them, or (during the renames) some, and a link
between two imported articles can then lead to one not written yet. A re-run matches the articles
already written by their id, finds them unchanged, writes the rest, and removes the temporary
files (`.NAME.XXXXXXXX.tmp`) a killed run left in the folders it writes to.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path, PurePosixPath
from typing import Any, Literal
from urllib.parse import unquote

from supportkb.generator.core.articles import load_articles, url_for_path
from supportkb.generator.core.atomic import write_text_atomic
from supportkb.generator.core.categories import Category, load_categories
from supportkb.generator.core.errors import KBError
from supportkb.generator.core.frontmatter import yaml_quote
from supportkb.generator.importers.convert import (
    Converted,
    UnconvertibleHTML,
    check_nesting,
    escape_markdown_text,
    first_sentence,
    heading_anchor_map,
    html_to_markdown,
    tidy_markdown,
)
from supportkb.generator.importers.exportfiles import export_files, open_export_file
from supportkb.generator.importers.mdlinks import file_link_path, rewrite_markdown
from supportkb.generator.importers.model import (
    ARTICLE_LINK_SCHEME,
    SourceArticle,
    SourceExport,
    article_link_key,
    is_site_path,
    url_path,
)
from supportkb.generator.importers.tempfiles import (
    copy_atomic,
    remove_stale_temp_files,
    rename_staged,
    same_content,
    stage_texts,
)
from supportkb.generator.core.json_input import parse_json
from supportkb.generator.core.project import Project, display_path
from supportkb.generator.core.slug import file_slug

STATE_FILE_NAME = "import-state.json"
_STATE_VERSION = 1
AudienceMode = Literal["auto", "public", "internal"]
ImportStatus = Literal["created", "updated", "unchanged", "kept-local-edits", "conflict", "skipped"]
GENERAL_CATEGORY = ("general", "General")
"""Where articles the export puts in no category go."""
_PLAIN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
"""An id kb import accepts from an export: it names a folder (images/<vendor>/<id>/) and a short link."""


@dataclass(frozen=True)
class ImportedArticle:
    """What happened to one article of the export."""

    key: str
    title: str
    path: str
    """Project-relative path of the article file."""
    status: ImportStatus
    audience: str
    restriction: str = ""
    """Why it is internal, when it is."""
    problems: tuple[str, ...] = ()
    """What could not be converted as it was."""
    reason: str = ""
    """Why it was not written (conflict, skipped)."""


@dataclass(frozen=True)
class ImportReport:
    """The outcome of one `kb import`."""

    vendor_title: str
    source: str
    articles: tuple[ImportedArticle, ...]
    categories_added: tuple[str, ...] = ()
    files_copied: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    dry_run: bool = False
    refused: tuple[str, ...] = ()
    """Ids of export records not imported because of what they hold (the notes say why)."""

    def count(self, status: str) -> int:
        return sum(1 for a in self.articles if a.status == status)

    def as_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "vendor": self.vendor_title,
            "dry_run": self.dry_run,
            "counts": {s: self.count(s) for s in ("created", "updated", "unchanged", "kept-local-edits", "conflict", "skipped")},
            "refused": list(self.refused),
            "categories_added": list(self.categories_added),
            "files_copied": list(self.files_copied),
            "notes": list(self.notes),
            "articles": [
                {"id": a.key, "title": a.title, "path": a.path, "status": a.status, "audience": a.audience, "restriction": a.restriction, "problems": list(a.problems), "reason": a.reason}
                for a in self.articles
            ],
        }


@dataclass
class _Plan:
    """Mutable bookkeeping while one import is computed."""

    project: Project
    export: SourceExport
    files: _ExportFiles
    article_paths: dict[str, PurePosixPath] = field(default_factory=dict)
    """Vendor id -> path relative to the articles folder."""
    anchors: dict[str, dict[str, str]] = field(default_factory=dict)
    copies: dict[PurePosixPath, Path] = field(default_factory=dict)
    """Asset path relative to the articles folder -> export file."""
    copy_owners: dict[PurePosixPath, str] = field(default_factory=dict)
    """Asset path -> vendor id of the article it belongs to."""
    new_urls: set[str] = field(default_factory=set)
    """Site-relative URLs ('billing/refunds') of every article after the import, without slashes."""


def import_export(
    project: Project,
    export: SourceExport,
    *,
    audience: AudienceMode = "auto",
    owner: str | None = None,
    overwrite: bool = False,
    dry_run: bool = False,
    source_label: str = "",
) -> ImportReport:
    """Convert an export's articles into the project's kb/; see the module docstring for re-runs."""
    loaded = load_articles(project.articles_dir)
    existing_categories = load_categories(project.categories_file)
    state_file = project.kb_dir / STATE_FILE_NAME
    state = _read_state(state_file)
    vendor_state = state.setdefault(export.vendor, {"categories": {}, "articles": {}})
    known = vendor_state.setdefault("articles", {})
    notes = list(export.notes)
    refused: list[str] = []

    def refuse(article: SourceArticle, why: str) -> None:
        refused.append(article.key)
        notes.append(f"refused article {_shown(article.key)} ({_shown(article.title)}): {why}")

    articles: list[SourceArticle] = []
    for article in export.articles:
        why = _refusal(article)
        if why:
            refuse(article, why)
        else:
            articles.append(article)
    category_ids, new_categories = _map_categories(export, articles, existing_categories, vendor_state.setdefault("categories", {}))
    by_id = {a.id: a for a in loaded.articles}
    files = _ExportFiles(export.files_root)
    notes += files.notes
    plan = _Plan(project=project, export=export, files=files)
    taken = {str(a.path) for a in loaded.articles}
    for article in list(articles):
        entry = known.get(article.key)
        remembered = PurePosixPath(entry["path"]) if entry and isinstance(entry.get("path"), str) else None
        if remembered is not None and remembered.suffix == ".md" and _is_inside(project.articles_dir, remembered) and (project.articles_dir / remembered).is_file():
            path = remembered
        elif article.key in by_id:
            path = by_id[article.key].path
        else:
            category = category_ids.get(article.category_key or "", GENERAL_CATEGORY[0])
            folder = PurePosixPath(category) / (file_slug(article.section) if article.section else "")
            path = _free_path(folder, file_slug(article.title) or article.key, taken)
        if not (_is_inside(project.articles_dir, path) and _is_inside(project.articles_dir, _asset_folder(export, article))):
            refuse(article, "its files would be written outside kb/articles (a linked folder there?)")
            articles.remove(article)
            continue
        taken.add(str(path))
        plan.article_paths[article.key] = path
        plan.anchors[article.key] = heading_anchor_map(article.html)

    plan.new_urls = {url_for_path(path).strip("/") for path in [*(a.path for a in loaded.articles), *plan.article_paths.values()]}
    plan.new_urls |= {c.id for c in existing_categories} | {cid for cid, _, _ in new_categories} | set(category_ids.values())  # category pages
    converted = _convert_all(articles, plan, category_ids, audience=audience, owner=owner, notes=notes, refuse=refuse)
    results: list[ImportedArticle] = []
    writes: list[tuple[Path, str]] = []
    for article, (text, problems, is_internal) in converted.items():
        path = plan.article_paths[article.key]
        target = project.articles_dir / path
        digest = _sha256(text)
        status, reason = _decide(target, digest, known.get(article.key), article.key in by_id, overwrite=overwrite)
        if status in ("created", "updated"):
            writes.append((target, text))
            known[article.key] = {"path": str(path), "sha256": digest}
        elif status == "unchanged":
            known[article.key] = {"path": str(path), "sha256": digest}
        results.append(
            ImportedArticle(
                key=article.key,
                title=article.title,
                path=display_path(target),
                status=status,
                audience="internal" if is_internal else "public",
                restriction=_restriction(article, export, audience) if is_internal else "",
                problems=problems,
                reason=reason,
            )
        )
    for key, entry in known.items():
        if key not in plan.article_paths and key not in refused:
            notes.append(f"{entry.get('path')} (id {key}) is no longer in the export; it was left as it is")

    # Only the images of articles written now: an article kept as it is keeps the images it has.
    written = {r.key for r in results if r.status in ("created", "updated")}
    copies = [
        (project.articles_dir / relative, source)
        for relative, source in sorted(plan.copies.items())
        if plan.copy_owners[relative] in written and not same_content(partial(open_export_file, files.root, source), project.articles_dir / relative)
    ]
    if not dry_run:
        folders = {project.kb_dir, project.categories_file.parent}
        folders |= {(project.articles_dir / path).parent for path in plan.article_paths.values()}
        folders |= {(project.articles_dir / relative).parent for relative in plan.copies}
        stale = remove_stale_temp_files(folders)
        if stale:
            notes.append(f"removed {len(stale)} temporary file(s) an interrupted import left behind")
        # Referenced before referring: categories, then images, then the articles, the state last.
        if new_categories:
            _append_categories(project.categories_file, new_categories, export.vendor_title)
        for destination, source in copies:
            _copy_file(files.root, source, destination)
        _write_articles(writes)
        _write_atomic(state_file, json.dumps(state, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
    return ImportReport(
        vendor_title=export.vendor_title,
        source=source_label or str(export.files_root),
        articles=tuple(results),
        categories_added=tuple(f"{cid}: {title}" for cid, title, _ in new_categories),
        files_copied=tuple(display_path(destination) for destination, _ in copies),
        notes=tuple(dict.fromkeys(notes)),
        dry_run=dry_run,
        refused=tuple(refused),
    )


def _convert_all(
    articles: list[SourceArticle],
    plan: _Plan,
    category_ids: dict[str, str],
    *,
    audience: AudienceMode,
    owner: str | None,
    notes: list[str],
    refuse: Callable[[SourceArticle, str], None],
) -> dict[SourceArticle, tuple[str, tuple[str, ...], bool]]:
    """Each article's file text, problems and audience; articles the converter refuses are dropped.

    Links between articles are rewritten to file paths, so after a refusal the others are converted
    again: none may link to a file that will not exist.
    """
    while True:
        plan.copies.clear()
        plan.copy_owners.clear()
        converted: dict[SourceArticle, tuple[str, tuple[str, ...], bool]] = {}
        unconvertible: list[tuple[SourceArticle, str]] = []
        note_count = len(notes)
        for article in articles:
            try:
                converted[article] = _article_text(article, plan, category_ids, audience=audience, owner=owner, notes=notes)
            except UnconvertibleHTML as exc:
                unconvertible.append((article, str(exc)))
        if not unconvertible:
            return converted
        del notes[note_count:]  # This pass's notes come again in the next one.
        for article, why in unconvertible:
            refuse(article, why)
            articles.remove(article)
            del plan.article_paths[article.key]


def _refusal(article: SourceArticle) -> str:
    """Why a record cannot be imported as it is; '' when it can."""
    if not _PLAIN_ID.fullmatch(article.key):
        return "its id is not a plain name (letters, digits, '-' and '_', at most 64)"
    try:
        check_nesting(article.html)
    except UnconvertibleHTML as exc:
        return str(exc)
    return ""


def _is_inside(base: Path, relative: PurePosixPath) -> bool:
    """Whether base/relative stays inside base, also once links in base are followed."""
    if relative.is_absolute() or any(part in ("", ".", "..") or "\\" in part for part in relative.parts):
        return False
    return (base / relative).resolve().is_relative_to(base.resolve())


def _shown(text: str, limit: int = 80) -> str:
    """Export text quoted for a message: repr() shows control characters instead of obeying them."""
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def _write_articles(writes: list[tuple[Path, str]]) -> None:
    """Stage every article, then rename them: a kill while converting or writing leaves none half-done."""
    try:
        rename_staged(stage_texts(writes))
    except OSError as exc:
        raise KBError(f"cannot write {exc.filename or 'an article'}: {exc.strerror or exc}", hint="check the folder's permissions") from exc


def _copy_file(root: Path, source: Path, destination: Path) -> None:
    try:
        copy_atomic(partial(open_export_file, root, source), destination)
    except OSError as exc:
        raise KBError(f"cannot copy {source} to {destination}: {exc.strerror or exc}", hint="check the folder's permissions") from exc


def _decide(target: Path, digest: str, entry: dict[str, str] | None, id_exists: bool, *, overwrite: bool) -> tuple[ImportStatus, str]:
    """What to do with one article, given what is on disk and what the last import wrote."""
    if not target.exists():
        if entry is not None and not overwrite:
            return "skipped", "deleted here since the last import (pass --overwrite to bring it back)"
        return "created", ""
    current = _sha256(target.read_text(encoding="utf-8", errors="replace"))
    if current == digest:
        return "unchanged", ""
    if entry is not None and current == entry.get("sha256"):
        return "updated", ""  # Nobody edited our last version: take the export's new one.
    if entry is not None and digest == entry.get("sha256"):
        return "kept-local-edits", ""  # Edited here; the export has nothing new.
    if overwrite:
        return "updated", ""
    if entry is None and id_exists:
        return "conflict", "an article with this id already exists and differs (pass --overwrite to replace it)"
    return "conflict", "changed both here and in the export (pass --overwrite to take the export's version)"


def _restriction(article: SourceArticle, export: SourceExport, audience: AudienceMode) -> str:
    if article.restriction:
        return article.restriction
    if audience == "internal":
        return "kb import --audience internal"
    if not export.audience_known:
        return f"{export.vendor_title} exports carry no permissions (pass --audience public to publish)"
    return ""


def _map_categories(
    export: SourceExport, articles: list[SourceArticle], existing: tuple[Category, ...], remembered: dict[str, str]
) -> tuple[dict[str, str], list[tuple[str, str, str]]]:
    """Vendor category key -> category id; and the (id, title, description) to add to categories.yml."""
    used = {a.category_key for a in articles}
    by_title = {c.title.casefold(): c.id for c in existing}
    ids = {c.id for c in existing}
    mapping: dict[str, str] = {}
    added: list[tuple[str, str, str]] = []
    for category in export.categories:
        if category.key not in used:
            continue
        found = remembered.get(category.key)
        if found not in ids:
            found = by_title.get(category.title.casefold())
        if found is None:
            found = file_slug(category.title) or file_slug(f"category {category.key}") or "category"
            if found not in ids:  # An existing category with the same id is the same subject.
                added.append((found, category.title, category.description))
                ids.add(found)
        mapping[category.key] = found
        remembered[category.key] = found
    if None in used or any(a.category_key not in mapping for a in articles):
        general_id, general_title = GENERAL_CATEGORY
        if general_id not in ids:
            added.append((general_id, general_title, "Articles imported without a category."))
            ids.add(general_id)
    return mapping, added


def _free_path(folder: PurePosixPath, slug: str, taken: set[str]) -> PurePosixPath:
    candidate = folder / f"{slug}.md"
    number = 2
    while str(candidate) in taken:
        candidate = folder / f"{slug}-{number}.md"
        number += 1
    return candidate


def _article_text(
    article: SourceArticle, plan: _Plan, category_ids: dict[str, str], *, audience: AudienceMode, owner: str | None, notes: list[str]
) -> tuple[str, tuple[str, ...], bool]:
    """The article file's text, what could not be converted, and whether it is internal.

    Raises UnconvertibleHTML for a body the converter refuses.
    """
    path = plan.article_paths[article.key]
    here = str(path.parent)

    def relative(target: PurePosixPath | str) -> str:
        return posixpath.relpath(str(target), here)

    def rewrite_link(href: str) -> str | None:
        key = plan.export.article_key_for_url(href)
        if key is not None and key in plan.article_paths:
            target = relative(plan.article_paths[key])
            anchor = href.split("#", 1)[1] if "#" in href else ""
            new_anchor = plan.anchors.get(key, {}).get(anchor)
            return f"{target}#{new_anchor}" if new_anchor else target
        if href.startswith(("mailto:", "tel:", "#")):
            return None
        is_relative = "://" not in href and not href.startswith("//")
        if is_relative or "attachment" in href.lower():
            found = plan.files.find(href, pages=False)
            if found is not None:
                return relative(_asset_path(plan, article, found))
        return "" if is_relative else None  # A relative link to a page outside the export leads nowhere.

    def rewrite_image(src: str) -> str | None:
        found = plan.files.find(src, pages=False)
        return relative(_asset_path(plan, article, found)) if found is not None else None

    if article.markdown is not None:
        converted = _markdown_body(article, plan, relative)
    else:
        converted = html_to_markdown(article.html, rewrite_image=rewrite_image, rewrite_link=rewrite_link)
    is_internal = audience == "internal" or article.audience == "internal" or (audience == "auto" and not plan.export.audience_known)
    summary = article.summary or first_sentence(converted.markdown)
    category = category_ids.get(article.category_key or "", GENERAL_CATEGORY[0])
    fields = [
        f"id: {yaml_quote(article.key)}",
        f"title: {yaml_quote(article.title)}",
        f"summary: {yaml_quote(summary)}",
        f"category: {yaml_quote(category)}",
        f"tags: [{', '.join(yaml_quote(t) for t in article.tags)}]",
        f"audience: {'internal' if is_internal else 'public'}",
        f"owner: {yaml_quote(owner if owner is not None else article.owner)}",
    ]
    if article.updated is not None:
        fields.append(f"reviewed: {article.updated.isoformat()}  # last edited in {plan.export.vendor_title}")
    if article.aliases:
        fields.append(f"aliases: [{', '.join(yaml_quote(a) for a in article.aliases)}]")
    # An old URL that is the address of an article now would hide it behind a redirect.
    old_urls = [u for u in article.old_urls if is_site_path(u) and u.strip("/") not in plan.new_urls]
    for dropped in (u for u in article.old_urls if not is_site_path(u)):
        notes.append(f"article {article.key}: dropped old URL {_shown(dropped)} from redirect_from: not a path on this site (a scheme, '..' or odd characters)")
    if old_urls:
        fields.append(f"redirect_from: [{', '.join(yaml_quote(u) for u in old_urls)}]")
    body = converted.markdown or ""
    problems = [*article.problems, *converted.problems]
    if not body.strip():
        problems.append("the article has no text")
    text = "---\n" + "\n".join(fields) + "\n---\n\n" + f"# {escape_markdown_text(article.title)}\n\n" + body
    return text, tuple(problems), is_internal


def _markdown_body(article: SourceArticle, plan: _Plan, relative: Callable[[PurePosixPath | str], str]) -> Converted:
    """A docs tool's Markdown with its kb-article: and kb-file: marks turned into relative paths."""
    problems: list[str] = []

    def rewrite_link(href: str) -> str | None:
        key = article_link_key(href)
        if key is not None:
            if key not in plan.article_paths:
                problems.append(f"link to {href.removeprefix(ARTICLE_LINK_SCHEME)} removed: that page was not imported")
                return ""
            anchor = href.split("#", 1)[1] if "#" in href else ""
            target = relative(plan.article_paths[key])
            return f"{target}#{anchor}" if anchor else target
        return rewrite_file(href)

    def rewrite_file(href: str) -> str | None:
        wanted = file_link_path(href)
        if wanted is None:
            return None
        wanted = unquote(wanted)  # Readers percent-encode marks, as any link target.
        found = plan.files.exact(wanted)
        if found is None:
            problems.append(f"{wanted} is not in the folder: link removed, its text kept")
            return ""
        return relative(_asset_path(plan, article, found))

    converted = rewrite_markdown(article.markdown or "", rewrite_link=rewrite_link, rewrite_image=rewrite_file)
    return Converted(tidy_markdown(converted.markdown), tuple(dict.fromkeys([*converted.problems, *problems])))


def _asset_folder(export: SourceExport, article: SourceArticle) -> PurePosixPath:
    """images/<vendor>/<article id>: where the article's images and attachments go."""
    return PurePosixPath("images") / export.vendor / article.key


def _asset_path(plan: _Plan, article: SourceArticle, source: Path) -> PurePosixPath:
    """Where an export file goes: images/<vendor>/<article id>/<file name slug>.<suffix>."""
    name = file_slug(source.stem) or "file"
    suffix = re.sub(r"[^a-z0-9]", "", source.suffix.lower())
    extension = f".{suffix}" if suffix else ""
    target = _asset_folder(plan.export, article) / f"{name}{extension}"
    number = 2
    while target in plan.copies and plan.copies[target] != source:
        target = target.with_name(f"{name}-{number}{extension}")
        number += 1
    plan.copies[target] = source
    plan.copy_owners[target] = article.key
    return target


class _ExportFiles:
    """The export's files, found by the tail of an old URL's path (no network, ever)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._by_suffix: dict[str, Path | None] = {}
        files, self.notes = export_files(root)  # Symbolic links are skipped (noted): nothing outside is read.
        self._exact = {path.relative_to(root).as_posix(): path for path in files}
        for path in files:
            if path.suffix.lower() == ".json":
                continue
            parts = path.relative_to(root).as_posix().lower().split("/")
            for start in range(len(parts)):
                suffix = "/".join(parts[start:])
                self._add(suffix, path)
                if start < len(parts) - 1:
                    self._add("/".join(parts[start:-1]), path)  # URLs that end at the attachment's folder

    def _add(self, suffix: str, path: Path) -> None:
        if suffix in self._by_suffix and self._by_suffix[suffix] != path:
            self._by_suffix[suffix] = None  # Ambiguous: two files end this way.
        else:
            self._by_suffix[suffix] = path

    def exact(self, relative: str) -> Path | None:
        """The file at this path from the export's folder (no guessing); None if there is none."""
        return self._exact.get(relative.strip("/"))

    def find(self, url: str, *, pages: bool) -> Path | None:
        from urllib.parse import unquote

        path = unquote(url_path(url) if "://" in url else url.split("#", 1)[0].split("?", 1)[0]).lstrip("./").lower()
        parts = [p for p in path.split("/") if p and p != ".."]
        for start in range(len(parts)):
            found = self._by_suffix.get("/".join(parts[start:]))
            if found is not None and (pages or found.suffix.lower() not in (".html", ".htm")):
                return found
        return None


def _append_categories(path: Path, categories: list[tuple[str, str, str]], vendor_title: str) -> None:
    """Add categories at the end of categories.yml, keeping its comments and order."""
    import yaml

    existing = path.read_text(encoding="utf-8") if path.exists() else ""
    entries = {cid: {"title": title, **({"description": description} if description else {})} for cid, title, description in categories}
    block = f"# Added by kb import from {vendor_title}.\n" + yaml.safe_dump(entries, sort_keys=False, allow_unicode=True, width=100)
    separator = "" if not existing or existing.endswith("\n\n") else ("\n" if existing.endswith("\n") else "\n\n")
    _write_atomic(path, existing + separator + block)


def _read_state(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {"version": _STATE_VERSION}
    try:
        data = parse_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise KBError(f"cannot read the import state: {exc}", path=path, hint="restore it from git, or delete it to match articles by id") from exc
    if not isinstance(data, dict) or data.get("version") != _STATE_VERSION:
        raise KBError("unknown import state format", path=path, hint="restore it from git, or delete it to match articles by id")
    return data


def _write_atomic(path: Path, text: str) -> None:
    try:
        write_text_atomic(path, text)
    except OSError as exc:
        raise KBError(f"cannot write {path}: {exc.strerror or exc}", hint="check the folder's permissions") from exc


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


