"""Docusaurus: a site folder (docusaurus.config.js, docs/, static/, sidebars.js) or its docs/ folder.

Order and hierarchy come from sidebars.js when it is a plain literal (it is JavaScript: never run,
only read; other shapes are noted and the folders decide), else from the folders' `_category_.json`
/ `_category_.yml` (label, position) and number prefixes. `:::note` admonitions, `<Tabs>` and MDX
components are rewritten (mdsyntax); `slug:` and the default doc URL become redirects.
"""

from __future__ import annotations

import json
import re
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from supportkb.generator.importers.docsource import (
    DocPage,
    DocSite,
    Placement,
    assign_keys,
    folder_categories,
    humanise,
    list_files,
    meta_text,
    meta_true,
    read_page,
    read_text,
    source_article,
    strip_number_prefix,
)
from supportkb.generator.importers.exportfiles import ExportError, int_of, text_of
from supportkb.generator.importers.mdsyntax import docusaurus_admonitions, jsx_tabs, mdx_to_markdown
from supportkb.generator.importers.model import SourceArticle, SourceCategory, SourceExport

_SUFFIXES = (".md", ".mdx")
_CONFIGS = ("docusaurus.config.js", "docusaurus.config.ts", "docusaurus.config.mjs")


def read_export(source: Path) -> SourceExport:
    """Read a Docusaurus site folder (or its docs folder)."""
    if not source.is_dir():
        raise ExportError("not a folder", path=source, hint="pass the Docusaurus site folder (the one holding docs/ and docusaurus.config.js)")
    notes: list[str] = []
    files = list_files(source, notes)
    docs = PurePosixPath("docs") if (source / "docs").is_dir() and not (source / "docs").is_symlink() else PurePosixPath(".")
    route = _route_base_path(source, notes)
    page_files = [f for f in files if f.suffix.lower() in _SUFFIXES and _in(f, docs) and not any(part.startswith("_") for part in f.parts)]
    partials = [f for f in files if f.suffix.lower() in _SUFFIXES and _in(f, docs) and any(part.startswith("_") for part in f.parts)]
    skipped = [name for name in ("versioned_docs", "i18n", "blog") if (source / name).is_dir()]
    if skipped:
        notes.append(f"{', '.join(skipped)}: not imported (only docs/, the current version in the default language)")
    if partials:
        notes.append(f"{len(partials)} partial(s) (files or folders starting with '_') are not pages in Docusaurus: not imported")
    pages = [p for p in (read_page(source, f, notes) for f in page_files) if p is not None]
    if not pages:
        raise ExportError("no Markdown or MDX pages found", path=source / str(docs), hint="pass the Docusaurus site folder (the one holding docs/)")
    doc_ids = {p.path: _doc_id(p, docs) for p in pages}
    pages = assign_keys(pages, notes, explicit=lambda p: doc_ids[p.path].replace("/", "-"))
    urls = {p.path: _url(p, docs, doc_ids[p.path], route) for p in pages}
    labels, positions = _category_files(source, files, docs, notes)
    categories, placements = _sidebar_placements(source, pages, doc_ids, labels, notes)
    left = [p.path for p in pages if p.path not in placements]
    if left:
        extra, by_folder = folder_categories([_relative(p, docs) for p in left], labels, positions)
        known = {c.key for c in categories}
        categories += [SourceCategory(c.key, c.title, c.description, len(categories) + c.position) for c in extra if c.key not in known]
        placements.update({p: by_folder[_relative(p, docs)] for p in left})
    url_paths = {**{u: path for path, u in urls.items()}, **{i: path for path, i in doc_ids.items()}}
    site = DocSite(pages, files, url_paths=url_paths, page_suffixes=_SUFFIXES, absolute_roots=("static", "", str(docs)))
    site.internal = {p.path for p in pages if _is_draft(p)}
    articles: list[SourceArticle] = []
    for page in pages:
        problems: list[str] = []
        body = re.sub(r"src=\{require\(\s*['\"]([^'\"]+)['\"]\s*\)(?:\.default)?\}", r'src="\1"', page.body)
        body = re.sub(r"(\(|\"|')@site/", r"\1/", body)
        for convert in (jsx_tabs, docusaurus_admonitions, mdx_to_markdown):
            body, found = convert(body)
            problems += found
        markdown = site.with_marks(page, body, problems)
        articles.append(source_article(page, markdown, placements[page.path], problems=problems, old_urls=[urls[page.path]], internal_because="a draft or unlisted page in Docusaurus" if _is_draft(page) else ""))
    notes.append(site.stats.note())
    return SourceExport(
        vendor="docusaurus",
        vendor_title="Docusaurus",
        categories=tuple(categories),
        articles=tuple(articles),
        files_root=source,
        article_key_for_url=lambda url: None,
        notes=tuple(dict.fromkeys(notes)),
    )


def _is_draft(page: DocPage) -> bool:
    return meta_true(page.meta, "draft") or meta_true(page.meta, "unlisted")


def _in(path: PurePosixPath, folder: PurePosixPath) -> bool:
    return str(folder) == "." or path.parts[: len(folder.parts)] == folder.parts


def _relative(path: PurePosixPath, docs: PurePosixPath) -> PurePosixPath:
    return path if str(docs) == "." else path.relative_to(docs)


def _route_base_path(source: Path, notes: list[str]) -> str:
    """The docs' URL prefix from docusaurus.config.js (read as text, never run); 'docs' by default."""
    for name in _CONFIGS:
        if (source / name).is_file():
            text = read_text(source, PurePosixPath(name), notes) or ""
            match = re.search(r"routeBasePath\s*:\s*['\"]([^'\"]*)['\"]", text)
            if match:
                return match.group(1).strip("/")
    return "docs"


def _doc_id(page: DocPage, docs: PurePosixPath) -> str:
    """Docusaurus' doc id: folders and file name without number prefixes, or the front matter id."""
    relative = _relative(page.path, docs)
    folders = [strip_number_prefix(p) for p in relative.parent.parts]
    own = meta_text(page.meta, "id") or strip_number_prefix(relative.stem)
    return "/".join([*folders, own])


def _url(page: DocPage, docs: PurePosixPath, doc_id: str, route: str) -> str:
    """The page's URL on the Docusaurus site, without slashes around it."""
    relative = _relative(page.path, docs)
    folders = "/".join(strip_number_prefix(p) for p in relative.parent.parts)
    slug = meta_text(page.meta, "slug")
    if slug:
        path = slug.strip("/") if slug.startswith("/") else "/".join(filter(None, [folders, slug.strip("/")]))
    elif relative.stem.lower() in ("index", "readme") or (relative.parent.parts and strip_number_prefix(relative.stem) == strip_number_prefix(relative.parent.name)):
        path = folders
    else:
        path = doc_id
    return "/".join(filter(None, [route, path]))


def _category_files(source: Path, files: list[PurePosixPath], docs: PurePosixPath, notes: list[str]) -> tuple[dict[str, str], dict[str, float]]:
    """Folder (relative to docs) -> label and -> position, from _category_.json/.yml and number prefixes."""
    labels: dict[str, str] = {}
    positions: dict[str, float] = {}
    folders = {_relative(f, docs).parent for f in files if _in(f, docs)}
    for folder in folders:
        if str(folder) == ".":
            continue
        key = str(folder)
        prefix = re.match(r"^(\d+)[-_. ]", folder.name)
        if prefix:
            positions[key] = int(prefix.group(1))
        labels[key] = humanise(folder.name)
    for file in files:
        if not _in(file, docs) or file.name not in ("_category_.json", "_category_.yml", "_category_.yaml"):
            continue
        text = read_text(source, file, notes)
        if text is None:
            continue
        try:
            data: Any = json.loads(text) if file.suffix == ".json" else yaml.safe_load(text)
        except (ValueError, yaml.YAMLError) as exc:
            notes.append(f"{file}: cannot be read ({str(exc).splitlines()[0]}); the folder name is used")
            continue
        if not isinstance(data, dict):
            notes.append(f"{file}:1: not a mapping; the folder name is used")
            continue
        key = str(_relative(file, docs).parent)
        if text_of(data.get("label")):
            labels[key] = text_of(data.get("label"))
        if "position" in data:
            positions[key] = float(int_of(data.get("position")))
    return labels, positions


def parse_js_literal(text: str) -> Any:
    """The object literal sidebars.js exports, read as data; ValueError when it is not a plain literal."""
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.DOTALL)
    text = re.sub(r"(?m)^\s*//.*$", "", text)
    text = re.sub(r"(?m)(?<=[,{\[\s])//[^\n'\"]*$", "", text)
    start = re.search(r"(?:module\.exports\s*=|export\s+default|const\s+\w+(?:\s*:\s*[\w.]+)?\s*=)\s*", text)
    if not start:
        raise ValueError("no `module.exports =` or `export default` literal")
    body = text[start.end():]
    opening = body.lstrip()[:1]
    if opening not in "{[":
        raise ValueError("the export is not an object literal")
    depth, end, quote = 0, -1, ""
    body = body.lstrip()
    for index, char in enumerate(body):
        if quote:
            if char == quote and body[index - 1] != "\\":
                quote = ""
        elif char in "'\"`":
            quote = char
        elif char in "{[":
            depth += 1
        elif char in "}]":
            depth -= 1
            if depth == 0:
                end = index
                break
    if end < 0:
        raise ValueError("the literal does not end")
    literal = body[: end + 1]
    literal = re.sub(r"'((?:[^'\\\n]|\\.)*)'", lambda m: json.dumps(m.group(1).replace("\\'", "'")), literal)
    literal = re.sub(r"`([^`$]*)`", lambda m: json.dumps(m.group(1)), literal)
    literal = re.sub(r"([{,]\s*)([A-Za-z_$][\w$]*)\s*:", r'\1"\2":', literal)
    literal = re.sub(r",\s*([}\]])", r"\1", literal)
    return json.loads(literal)


def _sidebar_placements(source: Path, pages: list[DocPage], doc_ids: dict[PurePosixPath, str], labels: dict[str, str], notes: list[str]) -> tuple[list[SourceCategory], dict[PurePosixPath, Placement]]:
    """Categories and placements from the first sidebar in sidebars.js; none when there is none."""
    name = next((n for n in ("sidebars.js", "sidebars.ts", "sidebars.json") if (source / n).is_file()), "")
    if not name:
        return [], {}
    text = read_text(source, PurePosixPath(name), notes) or ""
    try:
        data = json.loads(text) if name.endswith(".json") else parse_js_literal(text)
    except ValueError as exc:
        notes.append(f"{name}: not a plain literal kb import can read ({exc}); pages placed by folder")
        return [], {}
    if not isinstance(data, dict) or not data:
        notes.append(f"{name}: no sidebar in it; pages placed by folder")
        return [], {}
    if len(data) > 1:
        notes.append(f"{name}: {len(data)} sidebars; the first ({next(iter(data))}) gives the order")
    by_id = {doc_id: path for path, doc_id in doc_ids.items()}
    categories: list[SourceCategory] = []
    placements: dict[PurePosixPath, Placement] = {}
    unknown: list[str] = []

    def items_of(value: Any) -> list[Any]:
        if isinstance(value, list):
            return value
        if isinstance(value, dict):  # Shorthand: {"Label": [items]}
            return [{"type": "category", "label": label, "items": items} for label, items in value.items()]
        return []

    def place_doc(doc_id: str, placement: Placement) -> None:
        path = by_id.get(doc_id)
        if path is None:
            unknown.append(doc_id)
        else:
            placements.setdefault(path, placement)

    def walk(items: list[Any], category: str | None, section: str, depth: int) -> None:
        for item in items:
            if isinstance(item, str):
                place_doc(item, Placement(category, section))
            elif not isinstance(item, dict):
                continue
            elif item.get("type") in ("doc", "ref") and isinstance(item.get("id"), str):
                place_doc(item["id"], Placement(category, section))
            elif item.get("type") == "autogenerated":
                folder = str(item.get("dirName", ".")).strip("/") or "."
                for path, doc_id in doc_ids.items():
                    if folder == "." or doc_id.startswith(folder + "/"):
                        if category is None:
                            continue  # The whole sidebar is generated from the folders: they decide.
                        rest = doc_id[len(folder) + 1 :] if folder != "." else doc_id
                        sub = rest.split("/")[0] if "/" in rest else ""
                        placements.setdefault(path, Placement(category, section or (humanise(sub) if sub else "")))
            elif item.get("type", "category") == "category" and "items" in item:
                label = text_of(item.get("label")) or "Section"
                link = item.get("link")
                if depth == 0:
                    key = f"sidebar-{len(categories) + 1}"
                    categories.append(SourceCategory(key=key, title=label, position=len(categories)))
                    target, inner_section = key, ""
                else:
                    target, inner_section = category, section or label
                if isinstance(link, dict) and isinstance(link.get("id"), str):
                    place_doc(link["id"], Placement(target, inner_section))
                walk(items_of(item.get("items")), target, inner_section, depth + 1)

    walk(items_of(next(iter(data.values()))), None, "", 0)
    if unknown:
        notes.append(f"{name}: names {len(unknown)} doc id(s) not found: {', '.join(unknown[:5])}")
    if not categories:
        return [], {}
    return categories, placements
