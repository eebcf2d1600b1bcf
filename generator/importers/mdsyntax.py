"""Docs tools' own Markdown blocks, rewritten as the Material syntax the help center renders.

| source      | block                                   | becomes                        |
|-------------|-----------------------------------------|--------------------------------|
| Docusaurus  | `:::note Title` ... `:::`               | `!!! note "Title"` + indented  |
| Docusaurus  | `<Tabs><TabItem label="A">`             | `=== "A"` + indented           |
| Docusaurus  | `import`/`export` lines, `<Component>`  | removed (text kept), counted   |
| GitBook     | `{% hint style="info" %}`               | `!!! info`                     |
| GitBook     | `{% tabs %}{% tab title="A" %}`         | `=== "A"`                      |
| GitBook     | `{% embed url="U" %}`                   | a link to U                    |
| Obsidian    | `> [!tip]- Title` callouts              | `??? tip "Title"`              |

Fenced code is never rewritten. Each function returns the new Markdown and what a writer should check.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote

from supportkb.generator.core.markdown_text import code_line_flags

_KINDS = {
    "note": "note", "abstract": "abstract", "summary": "abstract", "tldr": "abstract",
    "info": "info", "todo": "info", "important": "info", "information": "info",
    "tip": "tip", "hint": "tip", "success": "success", "check": "success", "done": "success",
    "question": "question", "help": "question", "faq": "question",
    "warning": "warning", "caution": "warning", "attention": "warning",
    "failure": "failure", "fail": "failure", "missing": "failure",
    "danger": "danger", "error": "danger", "bug": "bug", "example": "example",
    "quote": "quote", "cite": "quote", "secondary": "note",
}
"""Admonition words of Docusaurus, GitBook and Obsidian -> the Material admonition type."""


_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
_HIDDEN = re.compile("[\x00\x01](\\d+)[\x00\x01]")
Conversion = Callable[[str], "tuple[str, list[str]]"]


def _outside_code(convert: Conversion) -> Conversion:
    """Run a rewrite with fenced code and code spans hidden, so `<Tabs>` or `{% hint %}` shown as code stays.

    Each fenced line becomes a numbered mark after its own indent (so a block moved into an
    admonition is indented with it), each code span a mark inside its line; both come back after.
    """

    @functools.wraps(convert)
    def wrapped(markdown: str) -> tuple[str, list[str]]:
        hidden: list[str] = []

        def hide(text: str, mark: str) -> str:
            hidden.append(text)
            return f"{mark}{len(hidden) - 1}{mark}"

        lines = markdown.split("\n")
        masked = []
        for line, is_code in zip(lines, code_line_flags(lines), strict=True):
            if is_code:
                indent = len(line) - len(line.lstrip(" "))
                masked.append(line[:indent] + hide(line[indent:], "\x01"))
            else:
                masked.append(_CODE_SPAN.sub(lambda m: hide(m.group(0), "\x00"), line))
        text, problems = convert("\n".join(masked))
        return _HIDDEN.sub(lambda m: hidden[int(m.group(1))], text), problems

    return wrapped


def admonition_kind(word: str) -> str:
    """The Material type for a tool's admonition word; unknown words become 'note'."""
    return _KINDS.get(word.strip().lower(), "note")


def _quoted_title(title: str) -> str:
    title = " ".join(title.replace('"', "'").split())
    return f' "{title}"' if title else ""


@dataclass(frozen=True)
class _Open:
    name: str
    """What closes it: the closing token carries the same name."""
    header: str | None
    """The line that opens the block in Material syntax; None for a container that adds no indent."""


@dataclass(frozen=True)
class _Close:
    name: str


_Token = _Open | _Close | str
Classifier = Callable[[str], "list[_Token]"]


def _convert_blocks(markdown: str, classify: Classifier, problems: list[str], what: str) -> str:
    """Rewrite open/close block markers into indented Material blocks; code lines stay text."""
    lines = markdown.split("\n")
    tokens: list[_Token] = []
    for line, is_code in zip(lines, code_line_flags(lines), strict=True):
        tokens.extend([line] if is_code else classify(line))
    root: list[object] = []
    stack: list[tuple[_Open, list[object]]] = [(_Open("", None), root)]
    for token in tokens:
        if isinstance(token, _Open):
            body: list[object] = []
            stack[-1][1].append((token, body))
            stack.append((token, body))
        elif isinstance(token, _Close):
            if any(opened.name == token.name for opened, _ in stack[1:]):
                while stack[-1][0].name != token.name:
                    stack.pop()
                stack.pop()
            else:
                problems.append(f"a closing {what} without its opening was removed")
        else:
            stack[-1][1].append(token)
    if len(stack) > 1:
        problems.append(f"an unclosed {what} was closed at the end of the page")
    return "\n".join(_render(root))


def _render(items: list[object]) -> list[str]:
    out: list[str] = []
    for item in items:
        if isinstance(item, str):
            out.append(item)
            continue
        opened, body = item  # type: ignore[misc]
        inner = _dedent(_render(body))
        if opened.header is None:
            out.extend(inner)
            continue
        while inner and not inner[0].strip():
            inner.pop(0)
        while inner and not inner[-1].strip():
            inner.pop()
        if out and out[-1].strip() and not out[-1].lstrip().startswith(("!!!", "???", "===")):
            out.append("")
        out.append(opened.header)
        out.append("")
        out.extend(("    " + line) if line.strip() else "" for line in inner)
        out.append("")
    return out


def _dedent(lines: list[str]) -> list[str]:
    """Lines less their common indent (JSX bodies are often indented; four spaces would make code)."""
    indents = [len(line) - len(line.lstrip(" ")) for line in lines if line.strip()]
    cut = min(indents, default=0)
    return [line[cut:] if line.strip() else "" for line in lines]


# Docusaurus ---------------------------------------------------------------------------------

_DOCUSAURUS_OPEN = re.compile(r"^\s*(:{3,})\s*([A-Za-z]+)(?:\[(.*)\]|[ \t]+([^{]*?))?\s*(\{[^}]*\})?\s*$")
_DOCUSAURUS_CLOSE = re.compile(r"^\s*(:{3,})\s*$")


@_outside_code
def docusaurus_admonitions(markdown: str) -> tuple[str, list[str]]:
    """`:::tip Title` ... `:::` (also `:::tip[Title]` and nested `::::`) -> `!!! tip "Title"`."""
    problems: list[str] = []

    def classify(line: str) -> list[_Token]:
        opened = _DOCUSAURUS_OPEN.match(line)
        if opened:
            kind = admonition_kind(opened.group(2))
            title = opened.group(3) or opened.group(4) or _attributes(opened.group(5) or "").get("title", "")  # :::tip{title="x"} (MDX 3)
            return [_Open(f"colons{len(opened.group(1))}", f"!!! {kind}{_quoted_title(title)}")]
        closed = _DOCUSAURUS_CLOSE.match(line)
        if closed:
            return [_Close(f"colons{len(closed.group(1))}")]
        return [line]

    return _convert_blocks(markdown, classify, problems, "':::' admonition"), problems


_JSX_TAB_TAG = re.compile(r"</?(?:Tabs|TabItem)\b[^>]*>")
_ATTRIBUTE = re.compile(r"""([A-Za-z_][\w-]*)(?:=(?:"([^"]*)"|'([^']*)'|\{["'`]([^"'`]*)["'`]\}))?""")


def _attributes(tag: str) -> dict[str, str]:
    inner = re.sub(r"^</?\w+|/?>$", "", tag)
    return {m.group(1): next((g for g in m.groups()[1:] if g is not None), "") for m in _ATTRIBUTE.finditer(inner)}


@_outside_code
def jsx_tabs(markdown: str) -> tuple[str, list[str]]:
    """`<Tabs><TabItem value="a" label="A">...</TabItem></Tabs>` -> Material content tabs `=== "A"`."""
    problems: list[str] = []

    def classify(line: str) -> list[_Token]:
        if not _JSX_TAB_TAG.search(line):
            return [line]
        tokens: list[_Token] = []
        for piece in re.split(f"({_JSX_TAB_TAG.pattern})", line):
            tag = re.match(r"<(/?)(Tabs|TabItem)\b", piece)
            if not tag or not _JSX_TAB_TAG.fullmatch(piece):
                if piece.strip():
                    tokens.append(piece)
            elif tag.group(1):
                tokens.append(_Close(tag.group(2)))
            elif tag.group(2) == "Tabs":
                tokens.append(_Open("Tabs", None))
            else:
                attributes = _attributes(piece)
                label = attributes.get("label") or attributes.get("value") or "Tab"
                tokens.append(_Open("TabItem", f'==={_quoted_title(label)}'))
        return tokens

    return _convert_blocks(markdown, classify, problems, "<Tabs> block"), problems


_MDX_IMPORT = re.compile(r"^\s*import\s+.+?\s+from\s+['\"][^'\"]+['\"];?\s*$|^\s*import\s+['\"][^'\"]+['\"];?\s*$")
_MDX_COMMENT = re.compile(r"\{/\*.*?\*/\}", re.DOTALL)
_COMPONENT = re.compile(r"<(/?)([A-Z][\w.]*)\b((?:[^<>{}]|\{[^{}]*(?:\{[^{}]*\}[^{}]*)*\})*?)(/?)>")


@_outside_code
def mdx_to_markdown(markdown: str) -> tuple[str, list[str]]:
    """MDX reduced to Markdown: imports, exports and comments removed, `<Component>` tags dropped.

    The text between a component's tags stays; a self-closing component disappears. Each is
    counted in one problem, so a writer knows what to look at.
    """
    lines = markdown.split("\n")
    out: list[str] = []
    dropped: Counter[str] = Counter()
    export_depth = 0
    for line, is_code in zip(lines, code_line_flags(lines), strict=True):
        if is_code:
            out.append(line)
            continue
        if export_depth > 0:
            export_depth += line.count("{") + line.count("(") + line.count("[") - line.count("}") - line.count(")") - line.count("]")
            continue
        if _MDX_IMPORT.match(line):
            continue
        if re.match(r"^export\s", line):
            dropped["export"] += 1
            export_depth = max(0, line.count("{") + line.count("(") + line.count("[") - line.count("}") - line.count(")") - line.count("]"))
            continue
        line = _MDX_COMMENT.sub("", line)
        line = re.sub(r"\bclassName=", "class=", line)
        line = re.sub(r"\s+style=\{\{[^}]*\}\}", "", line)

        def component(match: re.Match[str]) -> str:
            if not match.group(1):
                dropped[match.group(2)] += 1
            return ""

        out.append(_COMPONENT.sub(component, line))
    text = _MDX_COMMENT.sub("", "\n".join(out))
    problems = []
    if dropped:
        listed = ", ".join(f"<{name}> ×{count}" if name != "export" else f"export ×{count}" for name, count in sorted(dropped.items()))
        problems.append(f"{sum(dropped.values())} MDX component(s) reduced to Markdown ({listed}): check that nothing is missing")
    return text, problems


# GitBook ------------------------------------------------------------------------------------

_LIQUID = re.compile(r"\{%\s*(end)?([\w-]+)((?:[^%]|%(?!\}))*)%\}")
_EMBED_BLOCK = re.compile(r"\{%\s*embed\s+url=\"([^\"]+)\"[^%]*%\}([^{]*?)\{%\s*endembed\s*%\}", re.DOTALL)
_FIGURE = re.compile(r"<figure>\s*<img\s[^>]*?src=\"([^\"]+)\"[^>]*?(?:alt=\"([^\"]*)\")?[^>]*>\s*(?:<figcaption>(?:<p>)?(.*?)(?:</p>)?</figcaption>)?\s*</figure>", re.DOTALL)


@_outside_code
def gitbook_blocks(markdown: str) -> tuple[str, list[str]]:
    """GitBook's `{% hint %}`, `{% tabs %}`, `{% embed %}`, `{% content-ref %}`, `{% code %}` and `<figure>`."""
    problems: list[str] = []
    markdown = _EMBED_BLOCK.sub(lambda m: f"[{' '.join(m.group(2).split()) or m.group(1)}]({m.group(1)})", markdown)
    markdown = _FIGURE.sub(lambda m: f"![{(m.group(3) or m.group(2) or '').strip()}](<{unquote(m.group(1))}>)", markdown)
    unknown: Counter[str] = Counter()

    def classify(line: str) -> list[_Token]:
        if "{%" not in line:
            return [line]
        tokens: list[_Token] = []
        position = 0
        for match in _LIQUID.finditer(line):
            before = line[position : match.start()]
            if before.strip():
                tokens.append(before)
            position = match.end()
            is_end, name, rest = bool(match.group(1)), match.group(2), match.group(3)
            attributes = _attributes(rest)
            if name == "hint":
                tokens.append(_Close("hint") if is_end else _Open("hint", f"!!! {admonition_kind(attributes.get('style', 'info'))}"))
            elif name == "tabs":
                tokens.append(_Close("tabs") if is_end else _Open("tabs", None))
            elif name == "tab":
                tokens.append(_Close("tab") if is_end else _Open("tab", f'==={_quoted_title(attributes.get("title") or "Tab")}'))
            elif name == "embed" and not is_end:
                url = attributes.get("url", "")
                caption = attributes.get("caption", "") or url
                tokens.append(f"[{caption}]({url})" if url else "")
            elif name == "file" and not is_end:
                src = attributes.get("src", "")
                tokens.append(f"[{attributes.get('caption') or src.rsplit('/', 1)[-1]}]({src})" if src else "")
            elif name in ("content-ref", "code", "embed", "file", "stepper", "step", "columns", "column"):
                continue  # The tag only frames Markdown that stays.
            else:
                unknown[name] += not is_end
        after = line[position:]
        if after.strip() or not tokens:
            tokens.append(after)
        return tokens

    text = _convert_blocks(markdown, classify, problems, "GitBook block")
    if unknown:
        problems.append("GitBook block(s) removed, their text kept: " + ", ".join(f"{{% {n} %}} ×{c}" for n, c in sorted(unknown.items())))
    return text, problems


# Obsidian -----------------------------------------------------------------------------------

_CALLOUT = re.compile(r"^\[!([\w-]+)\]([+-]?)\s*(.*)$")


@_outside_code
def obsidian_callouts(markdown: str) -> tuple[str, list[str]]:
    """`> [!warning]- Title` blockquotes -> `??? warning "Title"` (`!!!` when not foldable)."""
    lines = markdown.split("\n")
    flags = code_line_flags(lines)
    out: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        quoted = re.match(r"^ {0,3}>\s?(.*)$", line)
        callout = _CALLOUT.match(quoted.group(1).strip()) if quoted and not flags[index] else None
        if not callout:
            out.append(line)
            index += 1
            continue
        body: list[str] = []
        index += 1
        while index < len(lines) and not flags[index] and re.match(r"^ {0,3}>", lines[index]):
            body.append(re.sub(r"^ {0,3}> ?", "", lines[index]))
            index += 1
        # The body's code is hidden already (code spans) or found by `flags` below (a fence inside the
        # quote): the undecorated function, or the inner call would number its marks over the outer's.
        inner, _ = obsidian_callouts.__wrapped__("\n".join(body))  # type: ignore[attr-defined]
        marker = {"-": "???", "+": "???+"}.get(callout.group(2), "!!!")
        title = callout.group(3).strip()
        if out and out[-1].strip():
            out.append("")
        out.append(f"{marker} {admonition_kind(callout.group(1))}{_quoted_title(title)}")
        out.append("")
        out.extend(("    " + x) if x.strip() else "" for x in inner.split("\n"))
        out.append("")
    return "\n".join(out), []


# Live HTML ----------------------------------------------------------------------------------

_DROPPED_ELEMENT = re.compile(r"<(script|style|form|object|embed)\b[^>]*>.*?</\1\s*>|<(?:script|style|form|object|embed)\b[^>]*/?>", re.IGNORECASE | re.DOTALL)
_IFRAME = re.compile(r"<iframe\b[^>]*?\bsrc=[\"']([^\"']+)[\"'][^>]*>(?:.*?</iframe\s*>)?", re.IGNORECASE | re.DOTALL)
_HANDLER = re.compile(r"\s+on[a-z]+\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>]+)", re.IGNORECASE)
_BAD_URL = re.compile(r"(\b(?:href|src|action|formaction|poster)\s*=\s*)([\"'])\s*(?:javascript|vbscript|data):[^\"']*\2", re.IGNORECASE)


@_outside_code
def defuse_html(markdown: str) -> tuple[str, list[str]]:
    """Raw HTML in a page cut down to what is safe on a public site; each removal is a problem.

    Scripts, styles, forms and plugins go; an <iframe> (a video, mostly) becomes a link to its
    address; event handlers (onclick=) and javascript:/data: addresses are removed. Code is kept.
    """
    problems: list[str] = []
    lines = markdown.split("\n")
    flags = code_line_flags(lines)
    text_parts: list[str] = []
    out: list[str] = []

    def flush() -> None:
        if text_parts:
            out.append(_defused("\n".join(text_parts), problems))
            text_parts.clear()

    for line, is_code in zip(lines, flags, strict=True):
        if is_code:
            flush()
            out.append(line)
        else:
            text_parts.append(line)
    flush()
    return "\n".join(out), list(dict.fromkeys(problems))


def _defused(text: str, problems: list[str]) -> str:
    if "<" not in text:
        return text

    def dropped(match: re.Match[str]) -> str:
        problems.append(f"removed a <{(match.group(1) or match.group(0)[1:].split()[0].rstrip('/>')).lower()}>: scripts, styles and forms are not carried over")
        return ""

    text = _DROPPED_ELEMENT.sub(dropped, text)

    def iframe(match: re.Match[str]) -> str:
        problems.append(f"an embedded frame became a link to {match.group(1)}")
        return f"[{match.group(1)}]({match.group(1)})"

    text = _IFRAME.sub(iframe, text)
    if _HANDLER.search(text):
        problems.append("removed script event attributes (on...=)")
        text = _HANDLER.sub("", text)
    if _BAD_URL.search(text):
        problems.append("removed a javascript: or data: address from an HTML tag")
        text = _BAD_URL.sub(lambda m: f"{m.group(1)}{m.group(2)}#{m.group(2)}", text)
    return text
