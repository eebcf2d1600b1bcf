"""Markdown to the plain text a reader sees: the one conversion of search, gaps, related and lint.

Fenced code is not text. What is inside ``` or ~~~ fences (at any indent: a fence may sit in a
list item) is a command or an output, not a sentence that answers a question, so it is dropped
whole; matchers that look at code (staleness code lines) read the article's lines themselves.
Everything else keeps its words: link and image text stay, link targets, HTML tags, comments,
attribute lists and emphasis marks go.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
"""The opening or closing line of a fenced code block; it closes with the same character, as long."""

_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[((?:[^\[\]]|\[[^\]]*\])*)\]\([^)]*\)")
_REFERENCE_LINK = re.compile(r"\[([^\]]*)\]\[[^\]]*\]")
_REFERENCE_DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:\s*\S+.*$", re.MULTILINE)
_BARE_URL = re.compile(r"<?https?://[^\s>)]+>?")
"""A URL written out: an address, not words a question shares with the answer."""
_HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_ATTR_LIST = re.compile(r"\{:?\s*[#.][^}]*\}")
_EMPHASIS = re.compile(r"(?<!\w)[*_~]{1,3}|[*_~]{1,3}(?!\w)|`+")
"""Emphasis and code marks; '_' inside a word ('max_retries') is part of the word."""
_BLOCK_MARKS = re.compile(r"^ {0,3}#{1,6}[ \t]*|^[ \t]*>[ \t]?|^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+|\|", re.MULTILINE)
_ADMONITION = re.compile(r'^ {0,3}(?:!!!|\?\?\?\+?)[ \t]*[\w-]+(?:[ \t]+"([^"]*)")?[ \t]*$', re.MULTILINE)
_TABLE_RULE = re.compile(r"^[ \t]*\|?[ \t]*:?-{3,}:?[ \t]*(?:\|[ \t]*:?-{3,}:?[ \t]*)*\|?[ \t]*$", re.MULTILINE)
_BACKSLASH_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
"""Markdown's backslash escape of ASCII punctuation."""
_SET_ASIDE = 0xE000
"""Escaped characters wait in Unicode's private use area while markup is removed."""
_SET_ASIDE_CHARS = re.compile("[\ue021-\ue07e]")
_SPACES = re.compile(r"[ \t\r\f\v]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def code_line_flags(lines: Iterable[str]) -> list[bool]:
    """Per line: True if it belongs to a fenced code block (its fence lines included)."""
    flags: list[bool] = []
    fence: str | None = None
    for line in lines:
        match = FENCE.match(line)
        if fence is not None:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = None
            flags.append(True)
        elif match:
            fence = match.group(1)
            flags.append(True)
        else:
            flags.append(False)
    return flags


def prose_lines(markdown: str, *, first_line: int = 1) -> list[tuple[int, str]]:
    """(line number, line) of every line outside fenced code, numbered from `first_line`."""
    lines = markdown.splitlines()
    return [
        (first_line + offset, line)
        for offset, (line, is_code) in enumerate(zip(lines, code_line_flags(lines), strict=True))
        if not is_code
    ]


def without_code(markdown: str) -> str:
    """The Markdown with every fenced code line blanked (line numbers stay where they were)."""
    lines = markdown.splitlines()
    return "\n".join("" if is_code else line for line, is_code in zip(lines, code_line_flags(lines), strict=True))


_IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".avif", ".bmp")


def _wikilink_pattern() -> re.Pattern[str]:
    # Inside a table Obsidian writes the alias bar escaped ('\\|'); escapes are set aside by then.
    bar = "|" + re.escape(chr(_SET_ASIDE + ord("|")))
    return re.compile(rf"!?\[\[([^\]{bar}#\n]*)(?:#([^\]{bar}\n]*))?(?:[{bar}]([^\]\n]*))?\]\]")


_WIKILINK = _wikilink_pattern()


def _wikilink_text(match: re.Match[str]) -> str:
    """[[Page]], [[Page#Heading]], [[Page|alias]]: the words the link shows; an embedded image shows none."""
    page, heading, alias = match.group(1), match.group(2), match.group(3)
    if page.lower().endswith(_IMAGE_SUFFIXES):
        return " "
    if alias is not None and alias.strip():
        return alias
    return (page.rsplit("/", 1)[-1].removesuffix(".md") or heading or "").strip()


def inline_text(markdown: str) -> str:
    """Text of inline Markdown (a heading, a sentence): links and images become their text;
    written-out URLs, tags, comments, attribute lists, emphasis and code marks go."""
    # An escaped character ('\[', '\_') is text: set it aside so no markup rule below takes it.
    text = _BACKSLASH_ESCAPE.sub(lambda m: chr(_SET_ASIDE + ord(m.group(1))), markdown)
    text = _HTML_COMMENT.sub(" ", text)
    text = _WIKILINK.sub(_wikilink_text, text)
    text = _IMAGE.sub(r"\1", text)
    text = _LINK.sub(r"\1", text)
    text = _REFERENCE_LINK.sub(r"\1", text)
    text = _BARE_URL.sub(" ", text)
    text = _HTML_TAG.sub(" ", text)
    text = _ATTR_LIST.sub(" ", text)
    text = _EMPHASIS.sub("", text)
    text = _SET_ASIDE_CHARS.sub(lambda m: chr(ord(m.group()) - _SET_ASIDE), text)
    return _SPACES.sub(" ", html.unescape(text))  # '&lt;' reads '<' (imported articles write it so).


def plain_text(markdown: str) -> str:
    """A Markdown body as the text a reader sees, fenced code dropped; one line per paragraph line."""
    text = _ADMONITION.sub(r"\1", without_code(markdown))
    text = _REFERENCE_DEFINITION.sub("", text)
    text = _TABLE_RULE.sub("", text)
    text = inline_text(_BLOCK_MARKS.sub(" ", text))
    return _BLANK_LINES.sub("\n", "\n".join(line.strip() for line in text.split("\n"))).strip()
