"""Untrusted text made inert where it is shown: Markdown, Markdown links, GitHub annotations, CSV.

Ticket text, search queries, front matter and imported titles reach reports, terminals, generated
pages and CI logs; each output has one escaper here, so every command agrees on what is safe.
HTML output is escaped by Jinja's autoescaping or `html.escape` at the point of writing.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def markdown_text(text: object) -> str:
    """Text made inert in Markdown and on a terminal.

    No HTML, no table breaks, no accidental formatting, and no control characters: reports are
    printed to terminals, and an escape sequence in a query from /events must not reach one.
    """
    shown = _CONTROL.sub("", " ".join(str(text).split()))
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
        shown = shown.replace(char, entity)
    for char in ("\\", "|", "*", "_", "`", "[", "]", "#"):
        shown = shown.replace(char, "\\" + char)
    return shown


def markdown_code(text: object) -> str:
    """A path or file name as inline code; as escaped text when a backtick or pipe would break out."""
    shown = _CONTROL.sub("", " ".join(str(text).split()))
    return f"`{shown}`" if shown and not any(char in shown for char in "`|") else markdown_text(shown)


def markdown_link_text(text: str) -> str:
    """A title or heading as Markdown link text that stays text, and stays readable when pasted.

    A ']' would end the link early and let the rest of a heading become a link of its own
    ('Pay ](javascript:...) [now'); '<' would start raw HTML; a backtick a code span.
    """
    shown = _CONTROL.sub("", " ".join(text.split()))
    for char in ("\\", "[", "]", "`"):
        shown = shown.replace(char, "\\" + char)
    return shown.replace("<", "&lt;")


def github_annotation_data(text: str) -> str:
    """The message of a GitHub Actions workflow command (`::error file=…::MESSAGE`)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def github_annotation_property(text: str) -> str:
    """A property (file=, title=) of a GitHub Actions workflow command."""
    return github_annotation_data(text).replace(":", "%3A").replace(",", "%2C")


def markdown_link_destination(url: str) -> str:
    """A URL or path with the characters that end or break a Markdown link destination encoded."""
    return "".join(f"%{ord(char):02X}" if char in "()<> " or ord(char) < 32 or ord(char) == 127 else char for char in url)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "%")


def csv_cell(value: object) -> str:
    """A CSV cell a spreadsheet will not run as a formula (OWASP: prefix a quote); numbers stay numbers."""
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_START) and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
