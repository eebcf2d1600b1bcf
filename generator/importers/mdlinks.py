"""Rewrite the targets of links and images in Markdown (docs-tool imports), leaving code alone.

Docs tools hand over Markdown, not HTML: the readers mark links to other pages `kb-article:KEY`
and files `kb-file:PATH`, and writing an article turns those into paths relative to its new file.
Inline links, images, reference definitions and the `<img src>`/`<a href>` of inline HTML are
rewritten; fenced code and code spans are not touched.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import quote, unquote

from supportkb.generator.core.markdown_text import code_line_flags
from supportkb.generator.importers.convert import Converted, is_safe_url, url_scheme

FILE_LINK_SCHEME = "kb-file:"
"""How a docs-tool reader marks a link or image to a file of the export (path from its root)."""

_MARKS = (FILE_LINK_SCHEME, "kb-article:")

Rewriter = Callable[[str], "str | None"]
"""Target -> new target; None keeps it; '' keeps only the link's text (or the image's alt text)."""

_CODE_SPAN = re.compile(r"(`+)(?:.+?)\1")
_LINK = re.compile(
    r"(?<!\\)(?P<bang>!?)\[(?P<text>(?:\\.|[^\[\]\\]|\[[^\]]*\])*)\]"
    r"\(\s*(?P<target><[^>\n]*>|(?:[^()\s]|\([^()\s]*\))+)(?P<title>(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?)\s*\)"
)
_REF_DEF = re.compile(r"^(?P<head> {0,3}\[[^\]]+\]:[ \t]*)(?P<target><[^>\n]*>|\S+)(?P<rest>.*)$")
_HTML_TARGET = re.compile(r"(?P<head><(?P<tag>img|a)\b[^>]*?\b(?:src|href)=)(?P<quote>[\"'])(?P<target>[^\"'>]*)(?P=quote)", re.IGNORECASE)


def file_link(path: str) -> str:
    """'kb-file:images/a.png': a file of the export, by its path from the export's folder."""
    return FILE_LINK_SCHEME + path


def file_link_path(url: str) -> str | None:
    """The export path of a `kb-file:` link; None for any other URL."""
    return url[len(FILE_LINK_SCHEME):] if url.startswith(FILE_LINK_SCHEME) else None


def plain_target(target: str) -> str:
    """A link target as written, without the <angle brackets> that allow spaces in it."""
    return target[1:-1].strip() if target.startswith("<") and target.endswith(">") else target


def encode_target(target: str) -> str:
    """A target safe inside (...): spaces and brackets percent-encoded, the rest kept."""
    return quote(target, safe="/#:?&=%@!$'*+,;~-._")


def rewrite_markdown(markdown: str, *, rewrite_link: Rewriter, rewrite_image: Rewriter) -> Converted:
    """The Markdown with every link and image target outside code passed through the rewriters.

    Links with a scheme other than http, https, mailto and tel (javascript:, data:) keep only their
    text, as the HTML importers do; each change a writer should know of is a problem.
    """
    problems: list[str] = []

    def new_target(target: str, is_image: bool) -> str | None:
        """None: drop the link/image and keep its text; else the (maybe unchanged) target."""
        if target.startswith("#") and not is_image:
            return target
        found = (rewrite_image if is_image else rewrite_link)(target)
        if found == "":
            return None
        result = target if found is None else found
        if found is not None and found.startswith(_MARKS):
            return result  # A mark a reader made; one written in the source is not trusted (below).
        if not is_safe_url(unquote(result)):
            problems.append(f"removed a {url_scheme(unquote(result))}: {'image' if is_image else 'link'} (only http, https, mailto and tel are kept)")
            return None
        return result

    def inline(match: re.Match[str]) -> str:
        is_image = bool(match.group("bang"))
        target = new_target(plain_target(match.group("target")), is_image)
        if target is None:
            return match.group("text")
        return f"{match.group('bang')}[{match.group('text')}]({encode_target(target)}{match.group('title')})"

    def html(match: re.Match[str]) -> str:
        is_image = match.group("tag").lower() == "img"
        target = new_target(match.group("target"), is_image)
        return match.group("head") + match.group("quote") + (target if target is not None else "#") + match.group("quote")

    lines = markdown.split("\n")
    out: list[str] = []
    for line, is_code in zip(lines, code_line_flags(lines), strict=True):
        if is_code or ("](" not in line and "]:" not in line and "<" not in line):
            out.append(line)
            continue
        spans = [m.group(0) for m in _CODE_SPAN.finditer(line)]
        counter = iter(range(len(spans)))
        masked = _CODE_SPAN.sub(lambda m: f"\x00{next(counter)}\x00", line)
        definition = _REF_DEF.match(masked)
        if definition:
            target = new_target(plain_target(definition.group("target")), False)
            masked = definition.group("head") + encode_target(target if target is not None else "#") + definition.group("rest")
        else:
            masked = _HTML_TARGET.sub(html, _LINK.sub(inline, masked))
        out.append(_unmask(masked, spans))
    return Converted(markdown="\n".join(out), problems=tuple(dict.fromkeys(problems)))


def _unmask(masked: str, spans: list[str]) -> str:
    """Put the code spans back in place of the numbered NUL marks that hid them."""
    return re.sub("\x00(\\d+)\x00", lambda m: spans[int(m.group(1))], masked) if spans else masked
