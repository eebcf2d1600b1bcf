"""Obsidian (and Obsidian Publish): a vault folder of notes, attachments anywhere in it.

`[[wikilinks]]` (with `|alias`, `#heading`, `#^block`) resolve as Obsidian resolves them: a path
from the vault's root, else the note's name (shortest path when names repeat, the linking note's
folder first). `![[image.png]]` becomes an image, `![[Another note]]` a link (noted: a page cannot
include another). `> [!note]` callouts become admonitions, `%%comments%%` go, and a note with
`publish: false` comes in as internal. Top folders become categories, second folders sections.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

from supportkb.generator.core.markdown_text import code_line_flags
from supportkb.generator.importers.docsource import (
    DocPage,
    DocSite,
    assign_keys,
    folder_categories,
    folder_titles,
    list_files,
    meta_false,
    read_page,
    source_article,
)
from supportkb.generator.importers.exportfiles import ExportError
from supportkb.generator.importers.mdlinks import encode_target
from supportkb.generator.importers.mdsyntax import obsidian_callouts
from supportkb.generator.importers.model import SourceArticle, SourceExport

_WIKILINK = re.compile(r"(!?)\[\[([^\[\]\n]+?)\]\]")
_COMMENT = re.compile(r"%%.*?%%", re.DOTALL)
_IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".bmp", ".avif")


class _Names:
    """The vault's notes and files by name and by path, as Obsidian finds a link's target."""

    def __init__(self, notes: list[PurePosixPath], files: list[PurePosixPath]) -> None:
        self.by_path: dict[str, PurePosixPath] = {}
        self.by_name: dict[str, list[PurePosixPath]] = {}
        for path in notes:
            self._add(str(path.with_suffix("")), path.stem, path)
        for path in files:
            self._add(str(path), path.name, path)

    def _add(self, full: str, name: str, path: PurePosixPath) -> None:
        self.by_path.setdefault(full.casefold(), path)
        self.by_name.setdefault(name.casefold(), []).append(path)

    def find(self, target: str, source: PurePosixPath) -> PurePosixPath | None:
        wanted = target.strip().removesuffix(".md").casefold()
        if not wanted:
            return None
        if wanted in self.by_path:
            return self.by_path[wanted]
        if "/" in wanted:
            matches = [p for full, p in self.by_path.items() if full.endswith("/" + wanted)]
        else:
            matches = self.by_name.get(wanted, [])
        if not matches:
            return None
        here = [p for p in matches if p.parent == source.parent]
        return here[0] if here else min(matches, key=lambda p: (len(p.parts), str(p)))


def read_export(source: Path) -> SourceExport:
    """Read an Obsidian vault folder (.obsidian/ and other hidden folders are left out)."""
    if not source.is_dir():
        raise ExportError("not a folder", path=source, hint="pass the vault's folder")
    notes: list[str] = []
    files = list_files(source, notes)
    pages = [p for p in (read_page(source, f, notes) for f in files if f.suffix.lower() == ".md") if p is not None]
    if not pages:
        raise ExportError("no notes (.md files) found", path=source, hint="pass the vault's folder")
    pages = assign_keys(pages, notes)
    names = _Names([p.path for p in pages], [f for f in files if f.suffix.lower() != ".md"])
    categories, placements = folder_categories([p.path for p in pages], folder_titles(pages))
    site = DocSite(pages, files, absolute_roots=("",), root_fallback=True)
    site.internal = {p.path for p in pages if meta_false(p.meta, "publish")}
    articles: list[SourceArticle] = []
    for page in pages:
        problems: list[str] = []
        body = _COMMENT.sub("", page.body)
        body = _wikilinks(body, page, names, site, problems)
        body, _ = obsidian_callouts(body)
        body = _escape_tag_lines(body)
        markdown = site.with_marks(page, body, problems)
        private = page.path in site.internal
        articles.append(source_article(page, markdown, placements[page.path], problems=problems, old_urls=[_publish_url(page.path)], internal_because="publish: false in Obsidian (not on the public site)" if private else ""))
    notes.append(site.stats.note())
    return SourceExport(
        vendor="obsidian",
        vendor_title="Obsidian",
        categories=tuple(categories),
        articles=tuple(articles),
        files_root=source,
        article_key_for_url=lambda url: None,
        notes=tuple(dict.fromkeys(notes)),
    )


def _wikilinks(body: str, page: DocPage, names: _Names, site: DocSite, problems: list[str]) -> str:
    """Every [[wikilink]] and ![[embed]] outside code as a Markdown link or image."""
    lines = body.split("\n")
    out = []
    for line, is_code in zip(lines, code_line_flags(lines), strict=True):
        if is_code or "[[" not in line:
            out.append(line)
            continue
        spans = re.split(r"(`+[^`]*`+)", line)
        out.append("".join(span if span.startswith("`") else _WIKILINK.sub(lambda m: _one_link(m, page, names, site, problems), span) for span in spans))
    return "\n".join(out)


def _one_link(match: re.Match[str], page: DocPage, names: _Names, site: DocSite, problems: list[str]) -> str:
    is_embed = bool(match.group(1))
    inner = match.group(2).replace("\\|", "|")
    target, _, alias = inner.partition("|")
    name, _, heading = target.partition("#")
    heading = "" if heading.startswith("^") else heading.split("#")[-1]  # A block reference: the note; 'A#B': heading B.
    label = alias.strip() or (heading.strip() if not name.strip() else name.strip().rsplit("/", 1)[-1])
    if not name.strip():  # [[#Heading]]: a section of this note.
        anchor = site.anchor_in(page, heading) if heading else None
        if anchor is None:
            problems.append(f"link to a missing section [[{inner}]]: kept as plain text")
            return label
        return f"[{label}](#{anchor})"
    found = names.find(name, page.path)
    if found is None:
        site.stats.total += 1
        site.stats.unresolved.append(f"{page.path}: [[{inner}]]")
        problems.append(f"[[{inner}]] names no note or file in the vault: kept as plain text")
        return label if not is_embed else ""
    address = encode_target("/" + str(found) + (f"#{heading.strip()}" if heading.strip() else ""))
    if is_embed and found.suffix.lower() in _IMAGE_SUFFIXES:
        alt = alias.strip() if alias.strip() and not alias.strip().isdigit() and not re.fullmatch(r"\d+x\d+", alias.strip()) else found.stem
        return f"![{alt}]({address})"
    if is_embed and found.suffix.lower() == ".md":
        problems.append(f"embedded note ![[{inner}]] became a link (a help article cannot include another)")
    return f"[{label}]({address})"


def _escape_tag_lines(body: str) -> str:
    """A line starting '#tag' is a heading to Python-Markdown; to Obsidian it is a tag: keep it text."""
    lines = body.split("\n")
    return "\n".join("\\" + line if not is_code and re.match(r"^#[^\s#]", line) else line for line, is_code in zip(lines, code_line_flags(lines), strict=True))


def _publish_url(path: PurePosixPath) -> str:
    """The note's URL on Obsidian Publish: its path without .md, spaces as '+'."""
    return str(path.with_suffix("")).replace(" ", "+")
