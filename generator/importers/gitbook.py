"""GitBook (Git Sync): a folder with SUMMARY.md, README.md pages and .gitbook/assets.

SUMMARY.md gives order and hierarchy: `## Part` headings become categories; without parts, a
top-level page with sub-pages becomes one. Pages SUMMARY.md leaves out are not published by
GitBook: they come in as internal. `{% hint %}`, `{% tabs %}`, `{% embed %}` and `<figure>` are
rewritten (mdsyntax); each page's old URL (its path, README as the folder) becomes a redirect.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

import yaml

from supportkb.generator.importers.docsource import (
    DocSite,
    Placement,
    assign_keys,
    folder_categories,
    folder_titles,
    list_files,
    read_page,
    read_text,
    source_article,
)
from supportkb.generator.importers.exportfiles import ExportError, text_of
from supportkb.generator.importers.mdlinks import plain_target
from supportkb.generator.importers.mdsyntax import gitbook_blocks
from supportkb.generator.importers.model import SourceArticle, SourceCategory, SourceExport


@dataclass
class _Entry:
    title: str
    path: PurePosixPath | None
    children: list[_Entry] = field(default_factory=list)


_ITEM = re.compile(r"^(\s*)[*+-]\s+\[(.*)\]\((<[^>]*>|[^)]*)\)\s*$")
_PART = re.compile(r"^##\s+(.+?)\s*#*\s*$")


def read_export(source: Path) -> SourceExport:
    """Read a GitBook Git Sync folder (the one holding SUMMARY.md, or .gitbook.yaml naming it)."""
    if not source.is_dir():
        raise ExportError("not a folder", path=source, hint="pass the GitBook repository folder (the one holding SUMMARY.md)")
    notes: list[str] = []
    root, summary_name = _gitbook_root(source, notes)
    files = list_files(root, notes)
    pages = [p for p in (read_page(root, f, notes) for f in files if f.suffix.lower() == ".md" and str(f) != summary_name) if p is not None]
    if not pages:
        raise ExportError("no Markdown pages found", path=root, hint="pass the GitBook repository folder (the one holding SUMMARY.md)")
    parts = _read_summary(root, summary_name, notes)
    if parts:
        categories, placements, _titles = _placements(parts, {p.path for p in pages}, notes)
    else:
        categories, placements = folder_categories([p.path for p in pages], folder_titles(pages))
    pages = assign_keys(pages, notes)
    site = DocSite(pages, files)
    site.internal = {p.path for p in pages if parts and p.path not in placements}
    articles: list[SourceArticle] = []
    missing = 0
    for page in pages:
        problems: list[str] = []
        body, found = gitbook_blocks(page.body)
        problems += found
        markdown = site.with_marks(page, body, problems)
        listed = page.path in placements or not parts
        missing += not listed
        placement = placements.get(page.path, Placement())
        articles.append(source_article(page, markdown, placement, problems=problems, old_urls=[_old_url(page.path)], internal_because="" if listed else "not in SUMMARY.md (GitBook does not publish it)"))
    if missing and parts:
        notes.append(f"{missing} page(s) are not in SUMMARY.md: imported as internal")
    notes.append(site.stats.note())
    return SourceExport(
        vendor="gitbook",
        vendor_title="GitBook",
        categories=tuple(categories),
        articles=tuple(articles),
        files_root=root,
        article_key_for_url=lambda url: None,
        notes=tuple(dict.fromkeys(notes)),
    )


def _gitbook_root(source: Path, notes: list[str]) -> tuple[Path, str]:
    """The pages' folder and SUMMARY file, as .gitbook.yaml sets them (inside the folder only)."""
    root, summary = source, "SUMMARY.md"
    if (source / ".gitbook.yaml").is_file():
        text = read_text(source, PurePosixPath(".gitbook.yaml"), notes) or ""
        try:
            config = yaml.safe_load(text)
        except yaml.YAMLError:
            config = None
            notes.append(".gitbook.yaml: cannot be read; the folder itself is the root")
        if isinstance(config, dict):
            wanted = text_of(config.get("root")) or "."
            candidate = (source / wanted).resolve()
            if candidate.is_relative_to(source.resolve()) and candidate.is_dir():
                root = candidate
            else:
                notes.append(f".gitbook.yaml: root {wanted!r} is not a folder inside; the folder itself is the root")
            structure = config.get("structure")
            if isinstance(structure, dict) and text_of(structure.get("summary")):
                summary = text_of(structure.get("summary")).lstrip("./")
    return root, summary


def _read_summary(root: Path, name: str, notes: list[str]) -> list[tuple[str, list[_Entry]]]:
    """SUMMARY.md as (part title, entries) pairs; the part before any `##` has the title ''."""
    if not (root / name).is_file():
        notes.append(f"no {name}: pages placed by folder")
        return []
    text = read_text(root, PurePosixPath(name), notes) or ""
    parts: list[tuple[str, list[_Entry]]] = [("", [])]
    stack: list[tuple[int, _Entry]] = []
    for line in text.split("\n"):
        part = _PART.match(line)
        if part:
            parts.append((text_of(part.group(1)), []))
            stack = []
            continue
        item = _ITEM.match(line)
        if not item:
            continue
        indent = len(item.group(1).replace("\t", "    "))
        target = unquote(plain_target(item.group(3)).split("#", 1)[0])
        entry = _Entry(text_of(item.group(2)), PurePosixPath(target.strip("/")) if target and "://" not in target else None)
        while stack and stack[-1][0] >= indent:
            stack.pop()
        (stack[-1][1].children if stack else parts[-1][1]).append(entry)
        stack.append((indent, entry))
    return [(title, entries) for title, entries in parts if entries]


def _placements(parts: list[tuple[str, list[_Entry]]], paths: set[PurePosixPath], notes: list[str]) -> tuple[list[SourceCategory], dict[PurePosixPath, Placement], dict[PurePosixPath, str]]:
    categories: list[SourceCategory] = []
    placements: dict[PurePosixPath, Placement] = {}
    titles: dict[PurePosixPath, str] = {}

    def new_category(title: str) -> str:
        key = f"part-{len(categories) + 1}"
        categories.append(SourceCategory(key=key, title=title, position=len(categories)))
        return key

    def place(entry: _Entry, placement: Placement) -> None:
        if entry.path is not None:
            if entry.path in paths:
                placements.setdefault(entry.path, placement)
                titles.setdefault(entry.path, entry.title)
            else:
                notes.append(f"SUMMARY.md lists {entry.path}, which is not in the folder")

    def place_tree(entries: list[_Entry], category: str | None, section: str) -> None:
        for entry in entries:
            place(entry, Placement(category, section))
            place_tree(entry.children, category, section or entry.title)

    for title, entries in parts:
        if title:
            key = new_category(title)
            for entry in entries:
                place(entry, Placement(key, ""))
                place_tree(entry.children, key, entry.title)
        else:
            for entry in entries:
                if entry.children:
                    key = new_category(entry.title)
                    place(entry, Placement(key, ""))
                    place_tree(entry.children, key, "")
                else:
                    place(entry, Placement())
    return categories, placements, titles


def _old_url(path: PurePosixPath) -> str:
    """GitBook's URL of a page: its path without .md; README.md is its folder's page."""
    if path.stem.lower() == "readme":
        return "" if str(path.parent) == "." else str(path.parent)
    return str(path.with_suffix(""))
