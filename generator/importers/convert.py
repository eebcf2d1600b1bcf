"""Help-desk HTML -> clean Markdown, through markdownify (BeautifulSoup-based, MIT) plus vendor clean-up.

Vendors' editors leave wrappers, inline styles, callout boxes, embedded videos and heading ids;
`prepare_html` turns those into plain HTML (or notes what it could not keep), markdownify writes the
Markdown, and `tidy_markdown` removes what editors leave behind (non-breaking spaces, blank runs).

An export's HTML is hostile until shown otherwise. It is sanitised to an allow-list by nh3 first
(what is removed is noted as a problem); only http(s), mailto, tel and relative links survive; and
text is written so that Markdown shows it as text: `<`, entity-like `&`, `[`, `]`, `{`, backticks,
`~~~` and `\\` are escaped, so text that reads `<script>` or `[x](javascript:...)` or `{ onclick=... }` in the help
center cannot become markup on the site. As a last check the Markdown is rendered with the
extensions `kb init` configures, and any element or attribute Markdown alone cannot produce makes
the article unconvertible rather than published.
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any

import nh3
from markdownify import ATX, MarkdownConverter

from supportkb.generator.core.slug import unique_anchor

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
_ADMONITION_KINDS = frozenset(_ADMONITION_WORDS.values()) | frozenset(_CONFLUENCE_MACRO_KINDS.values())

URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
"""Schemes a link or image may keep; relative URLs are kept too."""
_URL_ATTRIBUTES = ("href", "src", "data", "action", "formaction", "poster", "data-src", "data-image-src", "xlink:href")
_EMBEDS = ("iframe", "embed", "object", "video", "audio", "source")
_SANITISER_TAGS = (nh3.ALLOWED_TAGS - {"area", "map"}) | set(_EMBEDS)
_SANITISER_ATTRIBUTES: dict[str, set[str]] = {
    **{tag: set(names) for tag, names in nh3.ALLOWED_ATTRIBUTES.items()},
    "*": {"class", "id", "title", "lang", "dir", "data-macro-name"},
    "a": {"href", "name"},
    "img": {"src", "alt", "width", "height", "data-src", "data-image-src", "data-emoticon-name", "data-emoji-fallback"},
    "pre": {"data-syntaxhighlighter-params"},
    "iframe": {"src"},
    "embed": {"src"},
    "object": {"data"},
    "video": {"src"},
    "audio": {"src"},
    "source": {"src"},
}
"""What nh3 keeps: its default allow-list, plus the classes, ids and data- attributes prepare_html reads."""
_SANITISER_DROPS_CONTENT = {*_DROPPED_TAGS, "svg", "math"} - {"input"}
MAX_HTML_DEPTH = 100
"""Elements nested deeper than this are refused: help articles nest a dozen levels, and the parsers
involved recurse (markdownify) or slow down quadratically (html5ever) on absurd depths."""


class UnconvertibleHTML(ValueError):
    """An article body the converter refuses (absurd nesting, or markup that would survive as live HTML)."""


_MARKDOWN_TEXT_SPECIALS = re.compile(r"[\\\[{<`]|\]\(?|&(?=#?[A-Za-z0-9]+;)|~{3,}")


def escape_markdown_text(text: str) -> str:
    """Text Markdown shows as it is: no raw HTML, entity, link, autolink or {: attribute list} starts in it.

    '](' becomes '\\]\\(' rather than '\\](': kb's own link scanner does not read backslash escapes.
    Runs of three '~' or more, which could open a code fence, become entities.
    """
    return _MARKDOWN_TEXT_SPECIALS.sub(_escaped, text)


def _escaped(match: re.Match[str]) -> str:
    found = match.group()
    if found[0] == "~":
        return "&#126;" * len(found)  # '~~~' could open a code fence, and Markdown has no backslash escape for '~'.
    return {"<": "&lt;", "&": "&amp;"}.get(found) or "".join("\\" + c for c in found)


def url_scheme(url: str) -> str | None:
    """The scheme a browser would see ('javascript' for ' Java\tScript:x'); None for a relative URL."""
    compact = re.sub(r"[\x00-\x20\x7f]", "", html_lib.unescape(url)).lower()
    match = re.match(r"([a-z][a-z0-9+.-]*):", compact)
    return match.group(1) if match else None


def is_safe_url(url: str) -> bool:
    scheme = url_scheme(url)
    return scheme is None or scheme in URL_SCHEMES


def _encode_url(url: str) -> str:
    """A URL that cannot end its Markdown link early: spaces, quotes, brackets and <> percent-encoded."""
    return re.sub(r"[\x00-\x20\x7f<>\"'()\\^`{|}]", lambda m: f"%{ord(m.group()):02X}", url)


class _DepthGauge(HTMLParser):
    """Counts how deeply elements nest, without building a tree."""

    _VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.deepest = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag not in self._VOID:
            self.open.append(tag)
            self.deepest = max(self.deepest, len(self.open))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.open:
            while self.open.pop() != tag:
                pass


def check_nesting(html: str) -> None:
    """Raise UnconvertibleHTML when elements nest deeper than MAX_HTML_DEPTH."""
    gauge = _DepthGauge()
    gauge.feed(html or "")
    gauge.close()
    if gauge.deepest > MAX_HTML_DEPTH:
        raise UnconvertibleHTML(f"its HTML nests elements {gauge.deepest} levels deep (more than {MAX_HTML_DEPTH})")


_FENCE_CONTAINERS = frozenset({"[document]", "html", "body", "main", "div", "section", "article", "aside", "header", "footer", "nav", "figure", "blockquote", "details", "center", "pre"})
"""Elements a fenced code block may sit in: each starts its content on a line of its own."""


class _KBMarkdownConverter(MarkdownConverter):
    """markdownify with Material admonitions for callout boxes marked by prepare_html, and text kept as text."""

    def escape(self, text: str, parent_tags: Any) -> str:
        return super().escape(escape_markdown_text(text), parent_tags)  # type: ignore[misc]  # markdownify ships no type hints

    def convert_a(self, el: Any, text: str, parent_tags: Any) -> str:
        href = _attr(el, "href")
        if href and not is_safe_url(href):
            return text  # prepare_html noted it; this is the last line of defence.
        if href:
            el["href"] = _encode_url(href)
        if _attr(el, "title"):
            el["title"] = escape_markdown_text(_attr(el, "title"))
        return super().convert_a(el, text, parent_tags)  # type: ignore[misc]  # markdownify ships no type hints

    def convert_img(self, el: Any, text: str, parent_tags: Any) -> str:
        src = _attr(el, "src")
        alt = " ".join(escape_markdown_text(_attr(el, "alt")).split())
        if not src or not is_safe_url(src):
            return alt
        el["src"] = _encode_url(src)
        el["alt"] = alt
        if _attr(el, "title"):
            el["title"] = " ".join(escape_markdown_text(_attr(el, "title")).split())
        return super().convert_img(el, text, parent_tags)  # type: ignore[misc]  # markdownify ships no type hints

    def convert_code(self, el: Any, text: str, parent_tags: Any) -> str:
        if "_noformat" not in parent_tags:
            text = " ".join(text.split())  # A line break in a code span could start a Markdown block (raw HTML).
        return super().convert_code(el, text, parent_tags)  # type: ignore[misc]  # markdownify ships no type hints

    convert_kbd = convert_code
    convert_samp = convert_code

    def convert_pre(self, el: Any, text: str, parent_tags: Any) -> str:
        if "_inline" in parent_tags:  # In a heading or table cell a block cannot stay a block: one code span.
            return self.convert_code(el, text, parent_tags - {"_noformat"})
        if {t for t in parent_tags if not t.startswith("_")} - _FENCE_CONTAINERS:
            # Inside a list item or an inline element the fence would not start its line (it follows
            # the bullet, or '**'): no fence to Python-Markdown, and the code's lines would be read as
            # Markdown. A code span per line, joined by line breaks, keeps them code.
            lines = [line for line in text.split("\n") if line.strip()]
            return "\n\n" + "  \n".join(self.convert_code(el, line, parent_tags - {"_noformat"}) for line in lines) + "\n\n"
        converted: str = super().convert_pre(el, text, parent_tags)  # type: ignore[misc]  # markdownify ships no type hints
        longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
        if longest < 3:
            return converted
        fence = "`" * (longest + 1)  # Longer than any run inside, so the code cannot close the fence.
        head, _, rest = converted.partition("```")
        body, _, tail = rest.rpartition("```")
        return head + fence + body + fence + tail

    def convert_div(self, el: Any, text: str, parent_tags: Any) -> str:
        kind = el.get("data-kb-admonition")
        if not kind:
            return super().convert_div(el, text, parent_tags)  # type: ignore[misc]  # markdownify ships no type hints
        kind = kind if kind in _ADMONITION_KINDS else "note"
        title = escape_markdown_text(" ".join(el.get("data-kb-title", "").split())).replace('"', "'")
        marker = "???" if el.get("data-kb-collapsible") else "!!!"
        head = f"{marker} {kind}" + (f' "{title}"' if title else "")
        body = tidy_markdown(text)
        indented = "\n".join(f"    {line}" if line.strip() else "" for line in body.splitlines())
        return f"\n\n{head}\n\n{indented}\n\n"


def html_to_markdown(html: str, *, rewrite_image: ImageRewriter, rewrite_link: LinkRewriter) -> Converted:
    """Convert one article's HTML body; links and images go through the rewriters."""
    from bs4 import BeautifulSoup

    check_nesting(html)
    problems: list[str] = []
    soup = BeautifulSoup(sanitise_html(html, problems), "html.parser")
    prepare_html(soup, rewrite_image=rewrite_image, rewrite_link=rewrite_link, problems=problems)
    converter = _KBMarkdownConverter(
        heading_style=ATX,
        bullets="-",
        strong_em_symbol="*",
        code_language_callback=_code_language,
        table_infer_header=True,
        escape_misc=False,
    )
    try:
        markdown = tidy_markdown(converter.convert_soup(soup))
    except RecursionError:
        raise UnconvertibleHTML("its HTML nests elements too deeply to convert") from None
    live = live_markup(markdown)
    if live:
        raise UnconvertibleHTML(f"its converted text would carry live markup ({', '.join(live[:3])})")
    return Converted(markdown=markdown, problems=tuple(dict.fromkeys(problems)))


def sanitise_html(html: str, problems: list[str]) -> str:
    """The export's HTML cut down by nh3 to an allow-list; what goes is noted in `problems`."""
    from bs4 import BeautifulSoup

    raw = BeautifulSoup(html or "", "html.parser")
    for tag in raw.find_all(["script", "form", "svg", "math"]):
        problems.append(f"removed a <{tag.name}>: " + ("interactive content cannot be carried over" if tag.name in ("script", "form") else "drawings in HTML cannot be carried over"))
    handlers: set[str] = set()
    for tag in raw.find_all(True):
        for name, value in tag.attrs.items():
            if name.lower().startswith("on"):
                handlers.add(name.lower())
            elif name.lower() in _URL_ATTRIBUTES and isinstance(value, str) and not is_safe_url(value):
                scheme = url_scheme(value)
                if tag.name == "a":
                    problems.append(f"removed a {scheme}: link (only http, https, mailto and tel links are kept): kept its text")
                elif tag.name == "img" and scheme == "data":
                    problems.append("removed an image embedded as data: (save it as a file and add it again)")
                else:
                    problems.append(f"removed a {scheme}: address from an <{tag.name}>")
    if handlers:
        problems.append(f"removed script event attributes ({', '.join(sorted(handlers))})")
    return nh3.clean(
        html or "",
        tags=_SANITISER_TAGS,
        clean_content_tags=_SANITISER_DROPS_CONTENT,
        attributes=_SANITISER_ATTRIBUTES,
        url_schemes=set(URL_SCHEMES),
        link_rel=None,
        strip_comments=True,
    )


_RENDERED_TAGS = frozenset(
    {
        "p", "h1", "h2", "h3", "h4", "h5", "h6", "a", "img", "ul", "ol", "li", "pre", "code", "em", "strong",
        "blockquote", "table", "thead", "tbody", "tr", "th", "td", "div", "span", "hr", "br", "details",
        "summary", "del", "sup", "sub", "dl", "dt", "dd", "abbr",
    }
)
_RENDERED_ATTRIBUTES = frozenset({"href", "src", "alt", "title", "id", "class", "start", "open"})
_SITE_EXTENSIONS = ("admonition", "attr_list", "tables", "md_in_html", "toc", "pymdownx.details", "pymdownx.superfences", "pymdownx.highlight")
"""The Markdown extensions `kb init` configures in mkdocs.yml."""
_markdown_renderer: Any = None


def live_markup(markdown: str) -> list[str]:
    """Elements and attributes in the rendered Markdown that Markdown syntax alone does not make.

    Imported text is escaped and imported HTML sanitised before conversion, so this list is empty
    unless a converter path was missed; an article that fails it is not written.
    """
    global _markdown_renderer
    from bs4 import BeautifulSoup

    if _markdown_renderer is None:
        import markdown as python_markdown

        _markdown_renderer = python_markdown.Markdown(extensions=list(_SITE_EXTENSIONS))
    _markdown_renderer.reset()
    rendered = BeautifulSoup(_markdown_renderer.convert(markdown), "html.parser")
    found: list[str] = []
    for tag in rendered.find_all(True):
        if tag.name not in _RENDERED_TAGS:
            found.append(f"<{tag.name}>")
        for name, value in tag.attrs.items():
            text = " ".join(value) if isinstance(value, list) else str(value)
            if name not in _RENDERED_ATTRIBUTES and not (name == "style" and tag.name in ("th", "td")):
                found.append(f"{name}= on <{tag.name}>")
            elif name in ("href", "src") and not is_safe_url(text):
                found.append(f"{url_scheme(text)}: URL")
    return list(dict.fromkeys(found))


def heading_anchor_map(html: str) -> dict[str, str]:
    """Old heading ids (and named anchors just before headings) -> the anchors the new page will have."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html or "", "html.parser")
    _normalise_heading_levels(soup)
    return _anchor_map(soup)


def _anchor_map(soup: BeautifulSoup) -> dict[str, str]:
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for heading in soup.find_all(re.compile(r"^h[1-6]$")):
        text = " ".join(heading.get_text(" ").split())
        if not text:
            continue
        anchor = unique_anchor(text, used)
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
        tag.decompose()  # sanitise_html removed these already; kept for callers passing their own soup.
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
    _separate_code_spans(soup)


def _embeds_to_links(soup: BeautifulSoup, problems: list[str]) -> None:
    for embed in soup.find_all(["iframe", "embed", "object", "video", "audio"]):
        source = _attr(embed, "src") or _attr(embed, "data")
        if not source:
            inner = embed.find("source")
            source = _attr(inner, "src") if inner is not None else ""
        if source.startswith("//"):
            source = "https:" + source
        if not is_safe_url(source):
            source = ""  # sanitise_html noted the address it removed.
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
            for pre in cell.find_all("pre"):
                code = soup.new_tag("code")
                code.string = " ".join(pre.get_text(" ").split())
                pre.replace_with(code)
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
        sources = [_attr(image, a) for a in ("src", "data-image-src", "data-src") if _attr(image, a) and is_safe_url(_attr(image, a))]
        if not sources:
            image.decompose()  # sanitise_html noted the data: or script address it had, if any.
            continue
        local = next((found for found in map(rewrite_image, sources) if found is not None), None)
        original = _attr(image, "src")
        if local is None:
            remote = next((s for s in sources if "://" in s), None)
            if remote is None:
                # A relative or site-absolute address of the old help center leads nowhere on the new
                # site, and would fail kb check and the build: keep only the description.
                problems.append(f"image not in the export, removed (its address {sources[0]} leads nowhere here): add the file again")
                image.replace_with(_attr(image, "alt"))
                continue
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
        if not is_safe_url(_attr(link, "href")):
            problems.append(f"removed a {url_scheme(_attr(link, 'href'))}: link (only http, https, mailto and tel links are kept): kept its text")
            link.unwrap()
            continue
        for attribute in ("target", "rel", "class", "style", "title"):
            if attribute in link.attrs and not (attribute == "title" and _attr(link, "title")):
                del link[attribute]


def _code_blocks(soup: BeautifulSoup) -> None:
    for pre in soup.find_all("pre"):
        params = _attr(pre, "data-syntaxhighlighter-params")
        match = re.search(r"brush:\s*([\w+#-]+)", params)
        if match:
            pre["data-kb-language"] = {"plain": "", "text": ""}.get(match.group(1), match.group(1))


_CODE_SPAN_TAGS = ("code", "kbd", "samp", "pre")


def _separate_code_spans(soup: BeautifulSoup) -> None:
    """Put a space between code spans with nothing between them.

    '`a`' and '`b`' side by side make one run of backticks, '`a``b`', and the spans pair up
    differently: what was code in the help center would be read as Markdown.
    """
    from bs4 import NavigableString, Tag

    for code in soup.find_all(_CODE_SPAN_TAGS):
        if code.find_parent(_CODE_SPAN_TAGS) is not None:
            continue
        inside = set(map(id, code.descendants))
        for node in code.next_elements:
            if id(node) in inside:
                continue
            if isinstance(node, NavigableString):
                if str(node):
                    break
            elif isinstance(node, Tag) and node.name in _CODE_SPAN_TAGS:
                code.insert_after(" ")
                break
            elif isinstance(node, Tag) and node.name in ("img", "br", "hr"):
                break


def _code_language(el: Any) -> str:
    """The fence's language; only word characters, so the fence line cannot carry attributes."""
    language = el.get("data-kb-language")
    if language is not None:
        return re.sub(r"[^\w#+.-]", "", str(language))[:40]
    for tag in [el, *el.find_all("code", limit=1)]:
        for cls in _classes(tag):
            for prefix in ("language-", "lang-", "brush:"):
                if cls.startswith(prefix):
                    return re.sub(r"[^\w#+.-]", "", cls[len(prefix):])[:40]
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
        text = html_lib.unescape(re.sub(r"\\([\\\[\]{}*_`()])", r"\1", text))  # A summary is plain text.
        if len(text) < 15:
            continue
        match = re.match(r"(.+?[.!?])(\s|$)", text)
        sentence = match.group(1) if match else text
        if len(sentence) > limit:
            cut = sentence[: limit - 1].rsplit(" ", 1)[0]
            sentence = cut.rstrip(",;:") + "…"
        return sentence
    return ""
