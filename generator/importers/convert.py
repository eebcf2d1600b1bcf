"""Help-desk HTML -> clean Markdown, through markdownify (BeautifulSoup-based, MIT) plus vendor clean-up.

Vendors' editors leave wrappers, inline styles, callout boxes, embedded videos and heading ids;
`prepare_html` turns those into plain HTML (or notes what it could not keep), markdownify writes the
Markdown, and `tidy_markdown` removes what editors leave behind (non-breaking spaces, blank runs).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from markdownify import ATX, MarkdownConverter

from generator.markdown_scan import slugify

if TYPE_CHECKING:
    from bs4 import BeautifulSoup, Tag


@dataclass(frozen=True)
class Converted:
    """One article body as Markdown, and what could not be carried over."""

    markdown: str
    problems: tuple[str, ...] = ()


ImageRewriter = Callable[[str], "str | None"]
"""Old image/attachment URL -> new relative path, or None when the export lacks the file."""
LinkRewriter = Callable[[str], "str | None"]
"""Old link -> new target (another imported article), None to keep it, '' to keep only its text."""

_ADMONITION_WORDS = {
    "warning": "warning", "caution": "warning", "attention": "warning",
    "danger": "danger", "error": "danger", "critical": "danger",
    "tip": "tip", "success": "tip", "hint": "tip",
    "info": "info", "information": "info",
    "note": "note", "notice": "note", "callout": "note", "alert": "note", "important": "important",
}
_CONFLUENCE_MACRO_KINDS = {"information": "info", "tip": "tip", "note": "warning", "warning": "danger"}
_VIDEO_HOSTS = ("youtube", "youtu.be", "vimeo", "wistia", "loom", "vidyard")
_DROPPED_TAGS = ("script", "style", "noscript", "form", "input", "button", "select", "textarea", "template")


class _KBMarkdownConverter(MarkdownConverter):
    """markdownify with Material admonitions for callout boxes marked by prepare_html."""

    def convert_div(self, el: Any, text: str, parent_tags: Any) -> str:
        kind = el.get("data-kb-admonition")
        if not kind:
            return super().convert_div(el, text, parent_tags)  # type: ignore[misc]  # markdownify ships no type hints
        title = el.get("data-kb-title", "").replace('"', "'")
        marker = "???" if el.get("data-kb-collapsible") else "!!!"
        head = f"{marker} {kind}" + (f' "{title}"' if title else "")
        body = tidy_markdown(text)
        indented = "\n".join(f"    {line}" if line.strip() else "" for line in body.splitlines())
        return f"\n\n{head}\n\n{indented}\n\n"


def html_to_markdown(html: str, *, rewrite_image: ImageRewriter, rewrite_link: LinkRewriter) -> Converted:
    """Convert one article's HTML body; links and images go through the rewriters."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html or "", "html.parser")
    problems: list[str] = []
    prepare_html(soup, rewrite_image=rewrite_image, rewrite_link=rewrite_link, problems=problems)
    converter = _KBMarkdownConverter(
        heading_style=ATX,
        bullets="-",
        strong_em_symbol="*",
        code_language_callback=_code_language,
        table_infer_header=True,
        escape_misc=False,
    )
    markdown = converter.convert_soup(soup)
    return Converted(markdown=tidy_markdown(markdown), problems=tuple(dict.fromkeys(problems)))


def heading_anchor_map(html: str) -> dict[str, str]:
    """Old heading ids (and named anchors just before headings) -> the anchors the new page will have."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html or "", "html.parser")
    _normalise_heading_levels(soup)
    return _anchor_map(soup)


def _anchor_map(soup: BeautifulSoup) -> dict[str, str]:
    mapping: dict[str, str] = {}
    used: set[str] = set()
    from markdown.extensions.toc import unique

    for heading in soup.find_all(re.compile(r"^h[1-6]$")):
        text = " ".join(heading.get_text(" ").split())
        if not text:
            continue
        anchor = unique(slugify(text) or "_", used)
        ids = [heading.get("id")] + [a.get("name") or a.get("id") for a in heading.find_all("a")]
        previous = heading.find_previous_sibling()
        if previous is not None and previous.name == "a" and not previous.get_text(strip=True):
            ids.append(previous.get("name") or previous.get("id"))
        for old in ids:
            if old:
                mapping.setdefault(str(old), anchor)
    return mapping


def prepare_html(soup: BeautifulSoup, *, rewrite_image: ImageRewriter, rewrite_link: LinkRewriter, problems: list[str]) -> None:
    """Simplify vendor HTML in place so markdownify produces clean Markdown; note what is lost."""
    from bs4 import Comment

    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    for tag in soup.find_all(_DROPPED_TAGS):
        if tag.name in ("script", "form"):
            problems.append(f"removed a <{tag.name}>: interactive content cannot be carried over")
        tag.decompose()
    _embeds_to_links(soup, problems)
    _confluence_macros(soup, problems)
    _callouts(soup)
    _normalise_heading_levels(soup)
    anchors = _anchor_map(soup)
    for heading in soup.find_all(re.compile(r"^h[1-6]$")):
        for inner in heading.find_all("a"):
            if not inner.get("href"):
                inner.unwrap()  # Named anchors inside headings only carried the old id.
    _tables(soup, problems)
    _images(soup, rewrite_image, problems)
    _links(soup, rewrite_link, anchors, problems)
    _code_blocks(soup)


def _embeds_to_links(soup: BeautifulSoup, problems: list[str]) -> None:
    for embed in soup.find_all(["iframe", "embed", "object", "video", "audio"]):
        source = _attr(embed, "src") or _attr(embed, "data")
        if not source:
            inner = embed.find("source")
            source = _attr(inner, "src") if inner is not None else ""
        if source.startswith("//"):
            source = "https:" + source
        source = re.sub(r"^https?://(?:www\.)?youtube(?:-nocookie)?\.com/embed/([\w-]+).*$", r"https://www.youtube.com/watch?v=\1", source)
        if source:
            is_video = embed.name == "video" or any(host in source for host in _VIDEO_HOSTS)
            label = "Watch the video" if is_video else "Open the embedded content"
            link = soup.new_tag("a", href=source)
            link.string = label
            paragraph = soup.new_tag("p")
            paragraph.append(link)
            embed.replace_with(paragraph)
            problems.append(f"embedded {'video' if is_video else embed.name} replaced by a link: {source}")
        else:
            embed.decompose()
            problems.append(f"removed an empty <{embed.name}>")


def _attr(tag: Tag, name: str) -> str:
    """An attribute's value as text ('' when absent; multi-valued ones joined by spaces)."""
    value = tag.get(name)
    if value is None:
        return ""
    return " ".join(value) if isinstance(value, list) else str(value)


def _classes(tag: Tag) -> list[str]:
    return _attr(tag, "class").split()


def _confluence_macros(soup: BeautifulSoup, problems: list[str]) -> None:
    for macro in soup.find_all("div", class_="confluence-information-macro"):
        kind = next((_CONFLUENCE_MACRO_KINDS[c.rsplit("-", 1)[-1]] for c in _classes(macro) if c.rsplit("-", 1)[-1] in _CONFLUENCE_MACRO_KINDS and c != "confluence-information-macro"), "note")
        for icon in macro.find_all("span", class_="aui-icon"):
            icon.decompose()
        title = macro.find(class_="title")
        if title is not None:
            macro["data-kb-title"] = " ".join(title.get_text(" ").split())
            title.decompose()
        macro["data-kb-admonition"] = kind
    for expand in soup.find_all("div", class_="expand-container"):
        control = expand.find(class_="expand-control")
        label = expand.find(class_="expand-control-text")
        expand["data-kb-title"] = " ".join(label.get_text(" ").split()) if label is not None else "Details"
        if control is not None:
            control.decompose()
        expand["data-kb-admonition"] = "note"
        expand["data-kb-collapsible"] = "1"
    for toc in soup.find_all(class_=re.compile(r"^toc-macro$|^client-side-toc-macro$")):
        toc.decompose()  # The site shows its own table of contents.
    for mention in soup.find_all("a", class_="confluence-userlink"):
        mention.unwrap()  # A link to a person's wiki profile means nothing to customers.
    for status in soup.find_all("span", class_="status-macro"):
        strong = soup.new_tag("strong")
        strong.string = status.get_text(" ", strip=True)
        status.replace_with(strong)
    for macro in soup.find_all(lambda tag: tag.has_attr("data-macro-name")):
        problems.append(f"Confluence macro {_attr(macro, 'data-macro-name')!r} kept as plain text")
        macro.unwrap()


def _callouts(soup: BeautifulSoup) -> None:
    for box in soup.find_all(["div", "aside", "section"]):
        if box.get("data-kb-admonition"):
            continue
        words = [w for c in _classes(box) for w in re.split(r"[-_]+", c.lower())]
        if not any(w in ("callout", "alert", "notice", "admonition") for w in words) and not (
            box.name == "aside" or any(w in ("warning", "tip", "note", "info") for w in words[:2])
        ):
            continue
        kind = next((_ADMONITION_WORDS[w] for w in words if w in _ADMONITION_WORDS and w not in ("callout", "alert", "notice")), "note")
        box["data-kb-admonition"] = kind
        box.name = "div"  # The converter renders marked divs as admonitions.


def _normalise_heading_levels(soup: BeautifulSoup) -> None:
    """The page title is the only H1: body headings become H2, H3... in their order, without gaps."""
    headings = soup.find_all(re.compile(r"^h[1-6]$"))
    levels = sorted({int(h.name[1]) for h in headings})
    new_level = {level: min(6, rank + 2) for rank, level in enumerate(levels)}
    for heading in headings:
        heading.name = f"h{new_level[int(heading.name[1])]}"


def _tables(soup: BeautifulSoup, problems: list[str]) -> None:
    for table in soup.find_all("table"):
        if table.find_parent("table") is not None:
            problems.append("a table inside a table was flattened: check its layout")
            table.unwrap()
            continue
        merged = table.find(lambda t: t.name in ("td", "th") and (str(t.get("colspan", "1")) != "1" or str(t.get("rowspan", "1")) != "1"))
        if merged is not None:
            problems.append("a table with merged cells (colspan/rowspan) was simplified: check its layout")
        for cell in table.find_all(["td", "th"]):
            for block in cell.find_all(["p", "div", "ul", "ol", "br"]):
                # Markdown table cells are one line: keep block content, joined by spaces.
                if block.name == "br":
                    block.replace_with(" ")
                else:
                    block.insert_after(" ")
                    block.unwrap()


def _images(soup: BeautifulSoup, rewrite_image: ImageRewriter, problems: list[str]) -> None:
    missing_alt = 0
    for image in soup.find_all("img"):
        if "emoticon" in _classes(image):
            image.replace_with(_attr(image, "data-emoji-fallback") or _EMOTICONS.get(_attr(image, "data-emoticon-name"), _attr(image, "alt")))
            continue
        sources = [_attr(image, a) for a in ("src", "data-image-src", "data-src") if _attr(image, a)]
        if not sources or all(s.startswith("data:") for s in sources):
            image.decompose()
            problems.append("removed an image embedded as data: (save it as a file and add it again)")
            continue
        local = next((found for found in map(rewrite_image, sources) if found is not None), None)
        original = _attr(image, "src")
        if local is None:
            remote = next((s for s in sources if "://" in s), sources[0])
            problems.append(f"image not in the export, still linked to the old site: {remote}")
            image["src"] = remote
        else:
            image["src"] = local
        for attribute in ("data-image-src", "data-src", "srcset", "width", "height", "style"):
            if attribute in image.attrs:
                del image[attribute]
        if not _attr(image, "alt").strip():
            image["alt"] = _attr(image, "title").strip()
            missing_alt += not image["alt"]
        parent = image.parent
        if parent is not None and parent.name == "a" and _attr(parent, "href") in (*sources, original):
            parent.unwrap()  # A link to the image itself adds nothing on the new site.
    if missing_alt:
        problems.append(f"{missing_alt} image(s) have no alt text: describe them between the brackets")


_EMOTICONS = {"tick": "✅", "cross": "❌", "warning": "⚠️", "information": "ℹ️", "light-on": "💡", "smile": "🙂", "plus": "➕", "minus": "➖", "question": "❓", "star": "⭐"}


def _links(soup: BeautifulSoup, rewrite_link: LinkRewriter, anchors: dict[str, str], problems: list[str]) -> None:
    for link in soup.find_all("a"):
        href = _attr(link, "href").strip()
        if not href:
            if link.get_text(strip=True):
                link.unwrap()
            else:
                link.decompose()
            continue
        if href.startswith("#"):
            old = href[1:]
            if old in anchors:
                link["href"] = "#" + anchors[old]
            elif old:
                problems.append(f"link to a missing section #{old} removed")
                link.unwrap()
            continue
        new = rewrite_link(href)
        if new == "":
            problems.append(f"link to {href} leads outside the export: kept as plain text")
            link.unwrap()
            continue
        if new is not None:
            link["href"] = new
        for attribute in ("target", "rel", "class", "style", "title"):
            if attribute in link.attrs and not (attribute == "title" and _attr(link, "title")):
                del link[attribute]


def _code_blocks(soup: BeautifulSoup) -> None:
    for pre in soup.find_all("pre"):
        params = _attr(pre, "data-syntaxhighlighter-params")
        match = re.search(r"brush:\s*([\w+#-]+)", params)
        if match:
            pre["data-kb-language"] = {"plain": "", "text": ""}.get(match.group(1), match.group(1))


def _code_language(el: Any) -> str:
    language = el.get("data-kb-language")
    if language is not None:
        return str(language)
    for tag in [el, *el.find_all("code", limit=1)]:
        for cls in _classes(tag):
            for prefix in ("language-", "lang-", "brush:"):
                if cls.startswith(prefix):
                    return cls[len(prefix):]
    return ""


_BLANK_RUN = re.compile(r"\n{3,}")


def tidy_markdown(markdown: str) -> str:
    """Drop editor debris: non-breaking and zero-width spaces, blank-line runs, trailing blanks."""
    text = markdown.replace("\u00a0", " ").replace("\u200b", "").replace("\ufeff", "").replace("\r\n", "\n")
    lines = []
    for line in text.split("\n"):
        is_hard_break = line.endswith("  ") and bool(line.strip())  # Markdown's two-space line break
        lines.append(line.rstrip() + ("  " if is_hard_break else ""))
    text = re.sub(r"  \n(?=\n)", "\n", "\n".join(lines) + "\n")  # A break before a blank line does nothing.
    text = _BLANK_RUN.sub("\n\n", text).strip("\n").removesuffix("  ")
    return text + "\n" if text else ""


_MARKUP = re.compile(r"!\[[^\]]*\]\([^)]*\)|\[([^\]]*)\]\([^)]*\)|[*_`]+")


def first_sentence(markdown: str, *, limit: int = 160) -> str:
    """The first sentence of the first paragraph, markup removed, for a summary."""
    for block in markdown.split("\n\n"):
        block = block.strip()
        if not block or block.startswith(("#", "!!!", "???", "|", "-", "1.", ">", "```", "    ", "<")):
            continue
        text = " ".join(_MARKUP.sub(lambda m: m.group(1) or "", block).split())
        if len(text) < 15:
            continue
        match = re.match(r"(.+?[.!?])(\s|$)", text)
        sentence = match.group(1) if match else text
        if len(sentence) > limit:
            cut = sentence[: limit - 1].rsplit(" ", 1)[0]
            sentence = cut.rstrip(",;:") + "…"
        return sentence
    return ""
