"""MkDocs: a project folder with mkdocs.yml (or the file itself), its docs_dir, and its nav.

Top-level nav sections become categories in nav order, their sub-sections sections; pages the nav
leaves out are placed by folder. Admonitions (`!!! note`) and content tabs are already the syntax
the help center renders. Each page's old URL (use_directory_urls or .html) and the
mkdocs-redirects plugin's redirect_maps become redirect_from entries.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from supportkb.generator.core.articles import url_for_path
from supportkb.generator.importers.docsource import (
    DocPage,
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
from supportkb.generator.importers.model import SourceArticle, SourceCategory, SourceExport


class _LenientLoader(yaml.SafeLoader):
    """Safe YAML that reads mkdocs.yml's `!!python/name:` and `!ENV` tags as nothing, never runs them."""


_LenientLoader.add_multi_constructor("", lambda loader, suffix, node: None)
_LenientLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


def read_config(root: Path, config_name: str, notes: list[str]) -> dict[str, Any]:
    """mkdocs.yml as a mapping; a damaged one is an error at its line."""
    text = read_text(root, PurePosixPath(config_name), notes)
    if text is None:
        raise ExportError("cannot read the MkDocs configuration", path=root / config_name, hint="pass the folder holding a readable mkdocs.yml")
    try:
        data = yaml.load(text, Loader=_LenientLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        raise ExportError(f"invalid YAML: {exc.problem}", path=root / config_name, line=mark.line + 1 if mark else None, hint="fix mkdocs.yml so that `mkdocs build` reads it") from exc
    except yaml.YAMLError as exc:
        raise ExportError(f"invalid YAML: {exc}", path=root / config_name, hint="fix mkdocs.yml so that `mkdocs build` reads it") from exc
    if not isinstance(data, dict):
        raise ExportError("mkdocs.yml is not a mapping of settings", path=root / config_name, line=1, hint="fix mkdocs.yml so that `mkdocs build` reads it")
    return data


def read_export(source: Path) -> SourceExport:
    """Read an MkDocs project (the folder with mkdocs.yml, or mkdocs.yml itself)."""
    root = source.parent if source.is_file() else source
    config_name = source.name if source.is_file() else next((n for n in ("mkdocs.yml", "mkdocs.yaml") if (root / n).is_file()), "")
    if not config_name:
        raise ExportError("no mkdocs.yml here", path=source, hint="pass the MkDocs project folder (the one holding mkdocs.yml)")
    notes: list[str] = []
    config = read_config(root, config_name, notes)
    docs_name = text_of(config.get("docs_dir")) or "docs"
    docs = (root / docs_name).resolve()
    if not docs.is_relative_to(root.resolve()) or not docs.is_dir() or (root / docs_name).is_symlink():
        raise ExportError(f"docs_dir {docs_name!r} is not a folder inside the project", path=root / config_name, hint="kb import reads only the project's own folder")
    files = list_files(docs, notes)
    pages = [p for p in (read_page(docs, f, notes) for f in files if f.suffix.lower() in (".md", ".markdown")) if p is not None]
    if not pages:
        raise ExportError("no Markdown pages in docs_dir", path=docs, hint="pass the MkDocs project folder (the one holding mkdocs.yml)")
    nav_titles: dict[PurePosixPath, str] = {}
    categories, placements = _nav_placements(config.get("nav"), {p.path for p in pages}, nav_titles, notes)
    left_out = [p.path for p in pages if p.path not in placements]
    if left_out:
        if placements:
            notes.append(f"{len(left_out)} page(s) are not in mkdocs.yml's nav: placed by their folder")
        extra, by_folder = folder_categories(left_out, folder_titles(pages))
        known = {c.key for c in categories}
        categories += [SourceCategory(c.key, c.title, c.description, len(categories) + c.position) for c in extra if c.key not in known]
        placements.update(by_folder)
    pages = [DocPage(p.path, p.meta, p.body, nav_titles.get(p.path) or p.title) for p in pages]
    pages = assign_keys(pages, notes)
    directory_urls = config.get("use_directory_urls", True) is not False
    old_urls = {p.path: [_old_url(p.path, directory_urls)] for p in pages}
    _redirect_maps(config, old_urls, directory_urls, notes)
    site = DocSite(pages, files, page_suffixes=(".md", ".markdown"))
    site.internal = {p.path for p in pages if p.meta.get("draft") is True}
    articles: list[SourceArticle] = []
    for page in pages:
        problems: list[str] = []
        markdown = site.with_marks(page, page.body, problems)
        draft = page.meta.get("draft") is True
        articles.append(source_article(page, markdown, placements[page.path], problems=problems, old_urls=old_urls[page.path], internal_because="a draft in MkDocs (draft: true)" if draft else ""))
    notes.append(site.stats.note())
    return SourceExport(
        vendor="mkdocs",
        vendor_title="MkDocs",
        categories=tuple(categories),
        articles=tuple(articles),
        files_root=docs,
        article_key_for_url=lambda url: None,
        notes=tuple(dict.fromkeys(notes)),
    )


def _old_url(path: PurePosixPath, directory_urls: bool) -> str:
    """The URL MkDocs gave the page: 'guide/install/' (directory URLs) or 'guide/install.html'."""
    if directory_urls:
        return url_for_path(path)
    if path.stem.lower() in ("index", "readme"):
        return str(path.parent / "index.html") if str(path.parent) != "." else ""
    return str(path.with_suffix(".html"))


def _nav_placements(nav: Any, paths: set[PurePosixPath], titles: dict[PurePosixPath, str], notes: list[str]) -> tuple[list[SourceCategory], dict[PurePosixPath, Placement]]:
    """Categories from the nav's top-level sections, in order; each nav page's placement."""
    categories: list[SourceCategory] = []
    placements: dict[PurePosixPath, Placement] = {}
    if nav is None:
        return categories, placements
    if not isinstance(nav, list):
        notes.append("mkdocs.yml: nav is not a list; pages placed by folder")
        return categories, placements

    def entries(items: list[Any]) -> list[tuple[str, Any]]:
        found = []
        for item in items:
            if isinstance(item, str):
                found.append(("", item))
            elif isinstance(item, dict) and len(item) == 1:
                found.append(next(iter(item.items())))
        return found

    def place(title: str, value: str, placement: Placement) -> None:
        if "://" in value:
            return  # An external link in the nav: not a page.
        path = PurePosixPath(value.strip("/"))
        if path not in paths:
            notes.append(f"mkdocs.yml: nav names {value}, which is not in docs_dir")
            return
        placements.setdefault(path, placement)
        if title:
            titles.setdefault(path, text_of(title))

    def walk(items: list[Any], category: str | None, section: str) -> None:
        for title, value in entries(items):
            if isinstance(value, str):
                place(title, value, Placement(category, section))
            elif isinstance(value, list):
                walk(value, category, section or text_of(title))

    for title, value in entries(nav):
        if isinstance(value, list):
            key = f"nav-{len(categories) + 1}"
            categories.append(SourceCategory(key=key, title=text_of(title) or key, position=len(categories)))
            walk(value, key, "")
        elif isinstance(value, str):
            place(title, value, Placement())
    return categories, placements


def _redirect_maps(config: dict[str, Any], old_urls: dict[PurePosixPath, list[str]], directory_urls: bool, notes: list[str]) -> None:
    """mkdocs-redirects' `redirect_maps: {old.md: new.md}`: the old page's URL redirects to the new one."""
    plugins = config.get("plugins")
    entries = plugins if isinstance(plugins, list) else [plugins] if isinstance(plugins, dict) else []
    for entry in entries:
        if not (isinstance(entry, dict) and isinstance(entry.get("redirects"), dict)):
            continue
        maps = entry["redirects"].get("redirect_maps")
        for old, new in (maps.items() if isinstance(maps, dict) else []):
            target = PurePosixPath(str(new).split("#", 1)[0].strip("/"))
            if "://" in str(new) or target not in old_urls:
                notes.append(f"mkdocs.yml: redirect {old} -> {new} leads to no page of docs_dir; left out")
                continue
            old_urls[target].append(_old_url(PurePosixPath(str(old).strip("/")), directory_urls))
