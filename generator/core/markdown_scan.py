"""Find headings (with the anchors Python-Markdown's toc gives them) and links in Markdown."""

from __future__ import annotations

import re
from dataclasses import dataclass

from supportkb.generator.core.markdown_text import code_line_flags, inline_text
from supportkb.generator.core.slug import unique_anchor


@dataclass(frozen=True)
class Heading:
    """One heading of an article."""

    level: int
    title: str
    """Plain text of the heading, inline Markdown removed."""
    anchor: str
    """The id Python-Markdown's toc extension gives it (no '#')."""
    line: int
    """1-based line in the file."""


@dataclass(frozen=True)
class Link:
    """One inline Markdown link or image."""

    target: str
    text: str
    line: int
    col: int
    is_image: bool


@dataclass(frozen=True)
class WikiLink:
    """One `[[Page]]`, `[[Page|alias]]`, `[[Page#Heading]]` or `![[embed]]` (Obsidian's links)."""

    target: str
    """The page or file part as written ('' for a heading of the same page)."""
    heading: str
    """The part after '#' ('' for none)."""
    alias: str
    """The part after '|' ('' for none)."""
    raw: str
    """The whole link as written, '!' and brackets included."""
    line: int
    col: int
    is_embed: bool
    path: str | None = None
    """The file it names, relative to the articles folder, once the loader resolved it; None: not found."""
    anchor: str = ""
    """The heading's id in the target page, once resolved ('' for none)."""

    @property
    def text(self) -> str:
        """What a reader sees: the alias, else the page (and heading) as written."""
        if self.alias.strip():
            return self.alias.strip()
        if self.heading and self.target:
            return f"{self.target.strip()} › {self.heading.strip()}"
        return (self.target or self.heading).strip()


_WIKILINK = re.compile(r"(!?)\[\[([^\[\]|#\n]*)(?:#([^\[\]|\n]*))?(?:\|([^\[\]\n]*))?\]\]")
_ATX = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_ATTR_ID = re.compile(r"\s*\{[^}]*#([\w-]+)[^}]*\}\s*$")
_ATTR_ANY = re.compile(r"\s*\{:?[^}]*\}\s*$")
_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
# A backslash-escaped '[' or ']' is text, not a link (imported text escapes them on purpose).
# A destination may hold balanced parentheses ('Pagos (€).md'), as in CommonMark and Python-Markdown.
_LINK = re.compile(r"(?<!\\)(!?)\[((?:\\.|[^\[\]\\]|\[[^\]]*\])*)(?<!\\)\]\(\s*<?((?:[^()\s>]|\([^()\s>]*\))+)>?(?:\s+[\"'(][^)]*[\"')])?\s*\)")
_REF_DEF = re.compile(r"^ {0,3}\[([^\]]+)\]:\s*<?(\S+?)>?(?:\s+.*)?$")


def heading_text(raw: str) -> str:
    """Strip inline Markdown and attribute lists from a heading's source text."""
    return inline_text(_ATTR_ANY.sub("", raw)).strip()


def scan_markdown(body: str, *, first_line: int = 1) -> tuple[tuple[Heading, ...], tuple[Link, ...]]:
    """Headings and links of a Markdown body; fenced code is skipped."""
    headings: list[Heading] = []
    links: list[Link] = []
    used_ids: set[str] = set()
    previous = ""
    lines = body.splitlines()
    for offset, (line, is_code) in enumerate(zip(lines, code_line_flags(lines), strict=True)):
        number = first_line + offset
        if is_code:
            previous = ""
            continue
        atx = _ATX.match(line)
        if atx:
            headings.append(_make_heading(len(atx.group(1)), atx.group(2), number, used_ids))
        elif previous.strip() and _SETEXT.match(line) and not _ATX.match(previous) and not previous.lstrip().startswith(("-", "*", ">", "|")):
            level = 1 if line.strip().startswith("=") else 2
            if level == 1 or len(line.strip()) >= 2:
                headings.append(_make_heading(level, previous.strip(), number - 1, used_ids))
        if "](" in line or "]:" in line:
            links.extend(_scan_links(line, number))
        previous = line
    return tuple(headings), tuple(links)


def _make_heading(level: int, raw: str, line: int, used_ids: set[str]) -> Heading:
    explicit = _ATTR_ID.search(raw)
    title = heading_text(raw)
    if explicit:
        anchor = explicit.group(1)
        used_ids.add(anchor)
    else:
        anchor = unique_anchor(title, used_ids)
    return Heading(level=level, title=title, anchor=anchor, line=line)


def _scan_links(line: str, number: int) -> list[Link]:
    masked = _CODE_SPAN.sub(lambda m: " " * len(m.group(0)), line)
    found = [
        Link(target=m.group(3), text=m.group(2), line=number, col=m.start() + 1, is_image=bool(m.group(1)))
        for m in _LINK.finditer(masked)
    ]
    ref = _REF_DEF.match(masked)
    if ref:
        found.append(Link(target=ref.group(2), text=ref.group(1), line=number, col=ref.start(2) + 1, is_image=False))
    return found


_ELEMENT_ID = re.compile(
    r"\{:?(?:[^{}\n]*\s)?#([A-Za-z][\w.:-]*)[^{}\n]*\}"  # attr_list: `text{ #id }`, `[link](x){ #id .class }`
    r"|<[a-zA-Z][^>\n]*\s(?:id|name)=[\"']([^\"'\s]+)[\"']"  # HTML: `<a id="x">`, `<a name="x">`
)


def scan_element_ids(body: str) -> frozenset[str]:
    """Ids written on elements other than headings: link targets as much as heading anchors are."""
    if "#" not in body and "id=" not in body and "name=" not in body:
        return frozenset()
    lines = body.splitlines()
    found: set[str] = set()
    for line, is_code in zip(lines, code_line_flags(lines), strict=True):
        if is_code or not ("{" in line or "=" in line):
            continue
        masked = _CODE_SPAN.sub(lambda m: " " * len(m.group(0)), line)
        found.update(m.group(1) or m.group(2) for m in _ELEMENT_ID.finditer(masked))
    return frozenset(found)


def scan_wikilinks(body: str, *, first_line: int = 1) -> tuple[WikiLink, ...]:
    """The `[[...]]` links of a Markdown body; fenced code and code spans are skipped."""
    if "[[" not in body:
        return ()
    found: list[WikiLink] = []
    lines = body.splitlines()
    for offset, (line, is_code) in enumerate(zip(lines, code_line_flags(lines), strict=True)):
        if is_code or "[[" not in line:
            continue
        masked = _CODE_SPAN.sub(lambda m: " " * len(m.group(0)), line)
        for match in _WIKILINK.finditer(masked):
            target, heading, alias = match.group(2), match.group(3) or "", match.group(4) or ""
            # In a table Obsidian writes [[Page\\|alias]]: the backslash keeps the pipe out of the table.
            target, heading = target.removesuffix("\\"), heading.removesuffix("\\")
            if not (target.strip() or heading.strip()):
                continue
            found.append(WikiLink(
                target=target.strip(), heading=heading.strip(), alias=alias.strip(), raw=line[match.start():match.end()],
                line=first_line + offset, col=match.start() + 1, is_embed=bool(match.group(1)),
            ))
    return tuple(found)
