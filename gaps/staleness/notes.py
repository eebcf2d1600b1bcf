"""Read release notes (Markdown changelogs or a git range) into releases and their entries."""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from supportkb.generator.core.errors import KBError
from supportkb.gaps.staleness.components import component_prefix, parent_component, strip_leading_refs

EntryKind = Literal["change", "fix", "docs", "translation", "internal"]

MAX_NOTES_BYTES = 64 * 1024 * 1024
"""Refuse notes larger than this: no real changelog is, and reading it would take minutes."""

MAX_ENTRY_CHARS = 4000
"""Longer entries are cut: the head of an entry says what changed; the rest is detail."""

MAX_CODE_LINES = 200
"""Code lines kept per entry: enough for any example, bounded for pasted logs."""


@dataclass(frozen=True)
class NoteEntry:
    """One change a release announces: a bullet (with its sub-bullets) or a prose paragraph."""

    text: str
    """The entry's own line(s) as plain text, markup and author/PR trailers removed."""
    source: str
    """The entry's Markdown as written (sub-bullets included), for identifiers and links."""
    section: str = ""
    """Heading path the entry sits under inside its release, e.g. 'Breaking Changes > Summary'."""
    kind: EntryKind = "change"
    """'change' (features, removals, breaking changes...), 'fix', 'docs', 'translation' or 'internal'."""
    line: int = 0
    """1-based line of the entry in the notes file (0 for entries read from git)."""
    links: tuple[str, ...] = ()
    """URLs the entry links to, in order."""
    details: str = ""
    """Plain text of sub-bullets and continuation lines."""
    code: tuple[str, ...] = ()
    """Lines of the code blocks shown with the entry (commands, config, output), as written."""
    component: str = ""
    """The part of the product the entry names first (`s3: …`, `**[k8s]** …`, `fix(auth): …`,
    or the parent bullet it sits under), as written; '' if it names none."""


@dataclass(frozen=True)
class Release:
    """A release and the entries its notes list."""

    version: str
    date: dt.date | None
    entries: tuple[NoteEntry, ...]
    line: int = 0
    """1-based line of the release heading (0 if the notes had none)."""


# --- Section names --------------------------------------------------------------------------

_SECTION_WORDS: tuple[tuple[EntryKind, tuple[str, ...]], ...] = (
    ("change", ("breaking", "security", "deprecat", "removal", "removed")),
    ("translation", ("translation", "i18n", "l10n", "locali", "language pack")),
    ("internal", (
        "internal", "chore", "maintenance", "infrastructure", "ci", "build system", "tooling",
        "dependencies", "dependency", "deps", "contributor", "development", "dev", "tests",
        "testing", "housekeeping", "artifacts", "full changelog", "sponsors", "acknowledg",
        "thanks",
    )),
    ("docs", ("docs", "documentation", "typo")),
    ("fix", ("fix", "fixed", "fixes", "bug", "bugs", "patch")),
    ("change", (
        "feature", "add", "added", "addition", "new", "change", "improve", "enhance", "upgrade",
        "update", "refactor", "performance", "highlight", "behavio", "api", "what's",
    )),
)
"""Words that name changelog sections, by what the entries below them are about. Checked in
order, so 'Breaking changes to the docs build' is a change and 'Docs fixes' is docs."""

# Conventional Commits types and gitmoji (gitmoji.dev) that say what an entry is about when its
# notes have no sections, as in git ranges and flat changelogs.
_CONVENTIONAL = re.compile(r"^(?P<type>[a-zA-Z]+)(?:\([^)]*\))?!?:\s+")
_CONVENTIONAL_KINDS: dict[str, EntryKind] = {
    "docs": "docs", "doc": "docs", "fix": "fix", "bugfix": "fix", "hotfix": "fix",
    "chore": "internal", "ci": "internal", "build": "internal", "test": "internal",
    "tests": "internal", "style": "internal", "deps": "internal", "release": "internal",
    "i18n": "translation", "l10n": "translation",
}
_GITMOJI_KINDS: dict[str, EntryKind] = {
    "📝": "docs", "✏": "docs", "💡": "docs",
    "🌐": "translation",
    "🐛": "fix", "🚑": "fix", "🩹": "fix",
    "👷": "internal", "💚": "internal", "🔧": "internal", "🔨": "internal", "⬆": "internal",
    "⬇": "internal", "📌": "internal", "👥": "internal", "✅": "internal", "🧪": "internal",
    "🚨": "internal", "🔖": "internal", "🙈": "internal", "📦": "internal", "🍱": "internal",
    "🔥": "internal",
}
_DOCS_WORDS = frozenset({"docs", "doc", "documentation", "typo", "typos", "readme", "wording", "rewording", "docstring", "docstrings"})
_TRANSLATION_WORDS = frozenset({"translation", "translations", "translate", "translated"})
_BOT_ENTRY = re.compile(r"^(?:bump|update)\s+\S+\s+from\s+\S+\s+to\s+\S+", re.IGNORECASE)
_DEPENDENCY_BUMP = re.compile(
    r"^(?:updated?|upgraded?|bump(?:ed)?)\s+(?:\S+\s+){1,3}?(?:version\s+)?(?:to|from)\s+`?v?\d", re.IGNORECASE
)
_FIX_WORDING = re.compile(r"^(?:fix|fixed|fixes|fixing|bugfix|hotfix|resolved?|resolves|corrected)\b", re.IGNORECASE)


def kind_of_section(section: str) -> EntryKind | None:
    """What entries under a section heading are about; None if its name does not say."""
    lowered = " " + section.lower().replace("-", " ") + " "
    for kind, words in _SECTION_WORDS:
        for word in words:
            if len(word) <= 3:
                if re.search(rf"\b{re.escape(word.strip())}\b", lowered):
                    return kind
            elif word in lowered:
                return kind
    return None


def refine_change(raw: str) -> EntryKind | None:
    """'fix' or 'internal' (a dependency bump) for an entry filed under a generic heading."""
    stripped = _LEADING_SYMBOLS.sub("", raw.strip())
    if _FIX_WORDING.match(stripped):
        return "fix"
    if _DEPENDENCY_BUMP.match(stripped):
        return "internal"
    return None


def kind_of_entry(raw: str) -> EntryKind | None:
    """What an entry is about, from its Conventional Commits type, gitmoji or wording."""
    stripped = raw.strip()
    conventional = _CONVENTIONAL.match(stripped)
    if conventional:
        return _CONVENTIONAL_KINDS.get(conventional.group("type").lower())
    for emoji, kind in _GITMOJI_KINDS.items():
        if stripped.startswith(emoji):
            return kind
    if _BOT_ENTRY.match(stripped):
        return "internal"
    refined = refine_change(stripped)
    if refined is not None:
        return refined
    words = _CODE.sub(" ", re.sub(r"\S*/\S*", " ", stripped))  # not words inside paths or code
    opening = {word.lower() for word in re.findall(r"[A-Za-z]+", words)[:6]}
    if opening & _DOCS_WORDS:
        return "docs"
    if opening & _TRANSLATION_WORDS:
        return "translation"
    return None


# --- Markdown cleaning ----------------------------------------------------------------------

_HTML_LINK = re.compile(r"<a\b[^>]*?\bhref\s*=\s*[\"']([^\"']*)[\"'][^>]*>(.*?)</a\s*>", re.IGNORECASE | re.DOTALL)
_HTML_HEADING = re.compile(r"<h([1-6])\b[^>]*>(.*?)</h\1\s*>", re.IGNORECASE | re.DOTALL)
_HTML_LIST_ITEM = re.compile(r"<li\b[^>]*>", re.IGNORECASE)
_HTML_BLOCK = re.compile(r"</?(?:p|div|ul|ol|li|br|hr|table|tr|details|summary|section|blockquote)\b[^>]*>", re.IGNORECASE)
_HTML_CODE = re.compile(r"<code\b[^>]*>(.*?)</code\s*>", re.IGNORECASE | re.DOTALL)
_HTML_BOLD = re.compile(r"<(?:strong|b)\b[^>]*>(.*?)</(?:strong|b)\s*>", re.IGNORECASE | re.DOTALL)
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_HTML_TAG = re.compile(r"</?[a-zA-Z][^<>]*>")
_SCRIPT = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)

_MD_LINK = re.compile(r"!?\[((?:[^\[\]]|\[[^\]]*\])*)\]\(\s*<?([^)\s>]+)>?(?:\s+[\"'(][^)]*[\"')])?\s*\)")
_AUTOLINK = re.compile(r"<(https?://[^>\s]+)>")
_BARE_URL = re.compile(r"(?<![(<\"'=\w])(https?://[^\s<>()\[\]\"']+[^\s<>()\[\]\"'.,;:!?])")
_PR_TRAILER = re.compile(
    r"(?:\s*[.,;]?\s*(?:Initial\s+|Original\s+)?PRs?\s+\[?#\d+\]?(?:\([^)]*\))?.*$)"  # fastapi style
    r"|(?:\s+by\s+@[\w-]+(?:\[bot\])?\s+in\s+\S+\s*$)"  # GitHub generated notes
    r"|(?:\s+in\s+https?://\S+/pull/\d+\s*$)",
    re.IGNORECASE,
)
_ISSUE_REF = re.compile(r"\s*\((?:#\d+(?:,\s*)?)+\)\s*$")
_EMPHASIS = re.compile(r"(\*\*|__|~~)(.+?)\1|(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])")
_CODE = re.compile(r"(`+)\s?(.+?)\s?\1")
_LEADING_SYMBOLS = re.compile(r"^[^\w`\"'(\[*@]+")
_SPACES = re.compile(r"\s+")


def html_to_markdown(text: str) -> str:
    """Rewrite the HTML found in notes as the Markdown it stands for; drop other tags.

    Code spans are left alone: `<widget>` in backticks is text, not a tag.
    """
    if "<" not in text:
        return text
    spans: list[str] = []

    def keep(match: re.Match[str]) -> str:
        spans.append(match.group(0))
        return f"\x00{len(spans) - 1}\x00"

    text = _CODE.sub(keep, text.replace("\x00", ""))
    text = _html_to_markdown(text)
    return re.sub(r"\x00(\d+)\x00", lambda m: spans[int(m.group(1))], text)


def _html_to_markdown(text: str) -> str:
    text = _HTML_COMMENT.sub("", text)
    text = _SCRIPT.sub("", text)
    text = _HTML_HEADING.sub(lambda m: "\n" + "#" * int(m.group(1)) + " " + _HTML_TAG.sub("", m.group(2)).strip() + "\n", text)
    text = _HTML_LINK.sub(lambda m: f"[{_HTML_TAG.sub('', m.group(2)).strip()}]({m.group(1)})", text)
    text = _HTML_CODE.sub(lambda m: f"`{m.group(1)}`", text)
    text = _HTML_BOLD.sub(lambda m: f"**{m.group(1)}**", text)
    text = _HTML_LIST_ITEM.sub("\n* ", text)
    text = _HTML_BLOCK.sub("\n", text)
    text = _AUTOLINK.sub(r"\1", text)
    text = _HTML_TAG.sub("", text)
    return html.unescape(text)


def find_links(markdown: str) -> tuple[str, ...]:
    """URLs a piece of Markdown links to, in order, without repeats."""
    found: list[str] = []
    for match in _MD_LINK.finditer(markdown):
        found.append(match.group(2))
    for match in _BARE_URL.finditer(_MD_LINK.sub(" ", markdown)):
        found.append(match.group(1))
    return tuple(dict.fromkeys(found))


def plain_text(markdown: str) -> str:
    """Markdown of one entry as one line of plain text, without PR/author trailers."""
    text = _PR_TRAILER.sub("", markdown)
    text = _ISSUE_REF.sub("", text)
    text = _MD_LINK.sub(lambda m: m.group(1), text)
    parts = _CODE.split(text)  # [text, ticks, code, ticks, code, ..., text]
    text = "".join(
        _EMPHASIS.sub(lambda m: m.group(2) or m.group(3) or "", part) if index % 3 == 0 else part
        for index, part in enumerate(parts)
        if index % 3 != 1
    )
    text = _LEADING_SYMBOLS.sub("", text.strip())
    return _SPACES.sub(" ", text).strip()


# --- Structure ------------------------------------------------------------------------------

_VERSION = r"v?(?P<version>\d+(?:\.\d+)+(?:[-+.]?(?:[a-zA-Z]+\.?\d*|\d+))*)"
_DATE = r"(?P<date>\d{4}[-/.]\d{1,2}[-/.]\d{1,2})"
_HEADING = re.compile(r"^ {0,3}(?P<hashes>#{1,6})\s+(?P<text>.*?)\s*#*\s*$")
_RELEASE_TITLE = re.compile(
    r"^\[?(?:(?:release|version)\s+|[A-Za-z][\w.@/-]*?[\s_-]+v?|[A-Za-z][\w.@/-]*?@)?"
    + _VERSION
    + r"\]?(?:\([^)]*\))?"
    r"(?:\s*(?:[-–—:/,(\[]|\bon\b|\breleased\b)*\s*(?:" + _DATE + r"|[A-Z][a-z]+\.? \d{1,2},? \d{4}|\d{1,2} [A-Z][a-z]+ \d{4})?[)\]]?)?"
    r"(?:\s*[-–—:]\s*.{0,60})?$",
    re.IGNORECASE,
)
_UNRELEASED = re.compile(r"^\[?(unreleased|upcoming|next release|latest changes)\]?(?:\s*[-–—:].*)?$", re.IGNORECASE)
_SETEXT = re.compile(r"^ {0,3}(=+|-+)\s*$")
_BULLET = re.compile(r"^(?P<indent>\s*)(?:[-*+]|\d{1,3}[.)])\s+(?P<text>.*)$")
_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_BOLD_LINE = re.compile(r"^\s*(?:\*\*|__)(?P<text>[^*_]{1,80}?)(?:\*\*|__):?\s*$")
_RULE = re.compile(r"^\s*(?:[-*_]\s*){3,}$")
_LINK_DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:\s*\S+")
_COMPARE_LINE = re.compile(r"^\W*(full changelog|compare|diff)\b.*https?://", re.IGNORECASE)


def release_title(line: str) -> tuple[str, dt.date | None] | None:
    """(version, date) if a heading's text names a release, e.g. '[1.2.0] - 2024-05-01'."""
    text = _MD_LINK.sub(lambda m: m.group(1), line).strip().strip("*_").strip()
    if len(text) > 120:
        return None
    unreleased = _UNRELEASED.match(text)
    if unreleased:
        return "Unreleased", None
    match = _RELEASE_TITLE.match(text)
    if not match:
        return None
    return match.group("version"), _parse_date(match.group("date"))


def _parse_date(text: str | None) -> dt.date | None:
    if not text:
        return None
    parts = re.split(r"[-/.]", text)
    try:
        return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
    except (ValueError, IndexError):
        return None


@dataclass
class _Draft:
    """An entry being collected while the notes are read."""

    lines: list[str]
    line: int
    indent: int
    section: str
    kind_of_section: EntryKind | None
    is_bullet: bool
    code: list[str] = dataclasses.field(default_factory=list)
    code_lines: list[str] = dataclasses.field(default_factory=list)
    numbers: list[int] = dataclasses.field(default_factory=list)
    """File line of each of `lines` after the first."""


@dataclass
class _DraftRelease:
    version: str
    date: dt.date | None
    line: int
    entries: list[NoteEntry]


def parse_release_notes(text: str) -> tuple[Release, ...]:
    """Split Markdown or plain-text release notes into releases and their entries.

    Understands Keep a Changelog, GitHub release bodies, '## X.Y.Z' sections, plain changelogs
    ('name-1.2.0 (2024-05-01)' followed by bullets) and HTML. Notes without a version heading
    become one release with an empty version.
    """
    text = html_to_markdown(text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff"))
    lines = text.split("\n")
    releases: list[_DraftRelease] = []
    current = _DraftRelease("", None, 0, [])
    headings: list[tuple[int, str]] = []  # (level, title) inside the current release
    release_level = 0
    draft: _Draft | None = None
    fence: str | None = None
    code: list[str] = []
    after_blank = False

    def section_path() -> str:
        return " > ".join(title for _, title in headings)

    def section_kind() -> EntryKind | None:
        for _, title in reversed(headings):
            kind = kind_of_section(title)
            if kind is not None:
                return kind
        return None

    def flush() -> None:
        nonlocal draft
        if draft is not None:
            current.entries.extend(_finish(draft))
        draft = None

    def attach_code(lines: list[str]) -> None:
        """A code block shows the entry above it in use: its text joins that entry's details."""
        text = " ".join(line.strip() for line in lines if line.strip())[:MAX_ENTRY_CHARS]
        if not text:
            return
        kept = [line.rstrip() for line in lines if line.strip()][:MAX_CODE_LINES]
        if draft is not None:
            draft.code.append(text)
            draft.code_lines.extend(kept)
        elif current.entries and current.entries[-1].section == section_path():
            last = current.entries[-1]
            details = f"{last.details} {text}".strip()[:MAX_ENTRY_CHARS]
            code = (*last.code, *kept)[:MAX_CODE_LINES]
            current.entries[-1] = dataclasses.replace(last, details=details, code=code)

    def start_release(version: str, date: dt.date | None, number: int) -> None:
        nonlocal current
        flush()
        if current.entries or current.version:
            releases.append(current)
        current = _DraftRelease(version, date, number, [])
        headings.clear()

    def set_section(level: int, title: str) -> None:
        flush()
        while headings and headings[-1][0] >= level:
            headings.pop()
        headings.append((level, plain_text(title) or title.strip()))

    index = 0
    while index < len(lines):
        line = lines[index]
        number = index + 1
        index += 1
        fence_match = _FENCE.match(line)
        if fence is not None:
            if fence_match and fence_match.group(1)[0] == fence[0] and len(fence_match.group(1)) >= len(fence):
                fence = None
                attach_code(code)
            else:
                code.append(line)
            continue
        if fence_match:
            fence = fence_match.group(1)
            code = []
            continue
        if not line.strip():
            if draft is not None and not draft.is_bullet:
                flush()  # A blank line ends a paragraph; bullets may go on after one.
            after_blank = True
            continue
        was_after_blank, after_blank = after_blank, False
        heading = _HEADING.match(line)
        next_line = lines[index] if index < len(lines) else ""
        if heading is None and line.strip() and _SETEXT.match(next_line) and not _BULLET.match(line):
            heading_level = 1 if next_line.strip().startswith("=") else 2
            heading = re.match(r"(?P<hashes>)(?P<text>.*)", line.strip())
            index += 1
        else:
            heading_level = len(heading.group("hashes")) if heading else 0
        if heading is not None:
            title = heading.group("text").strip()
            release = release_title(title)
            if release is not None and (release_level == 0 or heading_level <= release_level):
                release_level = heading_level
                start_release(release[0], release[1], number)
            elif title:
                set_section(heading_level, title)
            continue
        if _RULE.match(line) or _COMPARE_LINE.match(line) or _LINK_DEFINITION.match(line):
            flush()
            continue
        if not line.startswith((" ", "\t")):
            release = release_title(line) if len(line) < 100 and not _BULLET.match(line) else None
            if release is not None and not line.strip().endswith(".") and (draft is None or draft.is_bullet):
                release_level = release_level or 7  # Plain headings sit below any Markdown one.
                start_release(release[0], release[1], number)
                continue
        bullet = _BULLET.match(line)
        bold = _BOLD_LINE.match(line)
        if bold and not bullet:
            set_section(7, bold.group("text"))
            continue
        if bullet:
            indent = len(bullet.group("indent").expandtabs(4))
            if draft is not None and draft.is_bullet and indent > draft.indent + 1:
                draft.lines.append(line)  # A sub-bullet: detail of the entry above.
                draft.numbers.append(number)
                continue
            flush()
            draft = _Draft([bullet.group("text")], number, indent, section_path(), section_kind(), True)
            continue
        if draft is not None and _continues(draft, line, after_blank=was_after_blank):
            draft.lines.append(line)
            draft.numbers.append(number)
            continue
        if _is_plain_section_title(line, lines, index):
            set_section(8, line.strip().rstrip(":"))
            continue
        flush()
        draft = _Draft([line.strip()], number, 0, section_path(), section_kind(), False)
    flush()
    if current.entries or current.version:
        releases.append(current)
    if len(releases) > 1 and not releases[0].version:
        releases.pop(0)  # Text above the first version heading introduces the file, not a release.
    return tuple(Release(r.version, r.date, tuple(r.entries), r.line) for r in releases)


def _continues(draft: _Draft, line: str, *, after_blank: bool) -> bool:
    """Whether a non-bullet line belongs to the entry above it."""
    if not draft.is_bullet:
        return True
    indent = len(line) - len(line.lstrip(" \t"))
    # Right below a bullet any line continues it (a wrapped line); after a blank line only an
    # indented one does.
    return indent > draft.indent or not after_blank


def _is_plain_section_title(line: str, lines: list[str], index: int) -> bool:
    """A short line with no full stop, followed (after blank lines) by a bullet."""
    stripped = line.strip()
    if len(stripped) > 60 or stripped.endswith((".", ",", ";")) or len(stripped.split()) > 6:
        return False
    while index < len(lines) and not lines[index].strip():
        index += 1
    return index < len(lines) and _BULLET.match(lines[index]) is not None


MAX_LABEL_WORDS = 3
"""A parent bullet this short that names a kind of change ('Bug fixes') is a section heading."""


def _finish(draft: _Draft) -> list[NoteEntry]:
    """The draft as entries: one, or one per child when the bullet only names a component or
    is a section written as a bullet (`* Bug Fixes` with the fixes beneath it)."""
    if draft.is_bullet and len(draft.lines) > 1:
        label = _section_label(draft.lines[0])
        if label is not None:
            children = _children(draft)
            section = f"{draft.section} > {label}" if draft.section else label
            kind = kind_of_section(label) or draft.kind_of_section
            for child in children:
                child.section, child.kind_of_section = section, kind
            if children:
                return [entry for child in children for entry in _finish(child)]
        component = parent_component(draft.lines[0])
        children = _children(draft) if component is not None else []
        if component is not None and children:
            entries = [_entry(child, component=component) for child in children]
            return [entry for entry in entries if entry is not None]
    entry = _entry(draft)
    return [] if entry is None else [entry]


_LABEL_FILLERS = frozenset({"and", "other", "minor", "major", "notable", "small", "misc", "miscellaneous", "general", "&", "/"})


def _section_label(head: str) -> str | None:
    """The kind-of-change label a parent bullet is ('New Features', '**Bug fixes:**'), if it is one.

    Every word must be a section word: 'API changes' is a label, 'API tokens' a component.
    """
    text = plain_text(head).rstrip(":").strip()
    words = text.lower().replace("-", " ").split()
    if not words or len(words) > MAX_LABEL_WORDS or text.endswith((".", "!", "?")):
        return None
    return text if all(word in _LABEL_FILLERS or _is_section_word(word) for word in words) else None


def _is_section_word(word: str) -> bool:
    for _, names in _SECTION_WORDS:
        for name in names:
            if " " in name:
                continue
            if word == name or (len(name) > 3 and word.startswith(name)):
                return True
    return False


def _children(draft: _Draft) -> list[_Draft]:
    """The sub-bullets of a parent bullet, each with the lines indented beneath it."""
    children: list[_Draft] = []
    child_indent: int | None = None
    for line, number in zip(draft.lines[1:], draft.numbers):
        bullet = _BULLET.match(line)
        indent = len(bullet.group("indent").expandtabs(4)) if bullet else -1
        if bullet and (child_indent is None or indent <= child_indent):
            child_indent = indent
            children.append(_Draft([bullet.group("text")], number, indent, draft.section, draft.kind_of_section, True))
        elif children:  # its continuation lines and sub-bullets (`* S3` under `* Bug Fixes` has its own)
            children[-1].lines.append(line)
            children[-1].numbers.append(number)
        else:
            return []  # Prose under the parent: it is an entry in its own right.
    if children:
        children[-1].code, children[-1].code_lines = draft.code, draft.code_lines
    return children


def _entry(draft: _Draft, *, component: str = "") -> NoteEntry | None:
    head = draft.lines[0].strip() if draft.is_bullet else " ".join(part.strip() for part in draft.lines)
    rest = draft.lines[1:] if draft.is_bullet else []
    source = "\n".join([head, *rest])[:MAX_ENTRY_CHARS]
    text = plain_text(strip_leading_refs(head))[:MAX_ENTRY_CHARS]
    if not re.search(r"\w", text):
        return None
    details = " ".join(
        [*(plain_text(_BULLET.sub(r"\g<text>", part)) for part in rest if part.strip()), *draft.code]
    )
    prefixed = component_prefix(head)
    if prefixed is not None and not component:
        component = prefixed.component
    wording = prefixed.rest if prefixed is not None else head
    kind: EntryKind = draft.kind_of_section or kind_of_entry(head) or kind_of_entry(wording) or "change"
    if kind == "change" and draft.kind_of_section == "change":
        kind = refine_change(head) or refine_change(wording) or kind
    return NoteEntry(
        text=text,
        source=source,
        section=draft.section,
        kind=kind,
        line=draft.line,
        links=find_links(source),
        details=details[:MAX_ENTRY_CHARS],
        code=tuple(draft.code_lines[:MAX_CODE_LINES]),
        component=component,
    )


# --- Inputs ---------------------------------------------------------------------------------


def read_release_notes(path: Path) -> tuple[Release, ...]:
    """Read and parse a notes file; unreadable files raise KBError."""
    try:
        size = path.stat().st_size
        if size > MAX_NOTES_BYTES:
            raise KBError(
                f"release notes are too large ({size // (1024 * 1024)} MB)",
                path=path,
                hint="pass only the release you want to check, e.g. that section of the changelog",
            )
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise KBError("release notes not found", path=path, hint="pass the path of a Markdown file with --release") from exc
    except IsADirectoryError as exc:
        raise KBError("release notes must be a file, not a folder", path=path) from exc
    except OSError as exc:
        raise KBError(f"cannot read release notes: {exc.strerror or exc}", path=path) from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise KBError(
            f"release notes are not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start})",
            path=path,
            hint="save the notes as UTF-8",
        ) from exc
    return parse_release_notes(text)


def pick_release(releases: tuple[Release, ...], version: str | None, *, source: str) -> Release:
    """The release to check: the one named by version, else the first that has entries."""
    with_entries = [release for release in releases if release.entries]
    if version is not None:
        wanted = version.strip().lstrip("vV")
        for release in releases:
            if release.version.lstrip("vV") == wanted or (release.version == "" and len(releases) == 1):
                if not release.entries:
                    raise KBError(f"release {version} lists no entries", path=source)
                return release if release.version else Release(version, release.date, release.entries, release.line)
        known = ", ".join(r.version for r in releases if r.version)[:200] or "none"
        raise KBError(f"release {version} is not in the notes", path=source, hint=f"versions found: {known}")
    if not with_entries:
        raise KBError(
            "no release-note entries found",
            path=source,
            hint="write one bullet per change ('- Added ...'), under a version heading such as '## 1.2.0'",
        )
    return with_entries[0]


_MERGE_PR = re.compile(r"^Merge pull request #(\d+) from \S+")
_MERGE_OTHER = re.compile(r"^Merge (?:branch|remote-tracking branch|tag|commit) ")
_GIT_RANGE = re.compile(r"^(?P<old>[^.\s][^\s]*?)\.\.(?P<new>[^.\s][^\s]*)$")


def read_git_range(repo: Path, revision_range: str) -> Release:
    """One release from the commit subjects and merged pull-request titles in 'A..B' of a repo."""
    match = _GIT_RANGE.match(revision_range.strip())
    if match is None:
        raise KBError(
            f"not a git range: {revision_range!r}",
            hint="write it as OLD..NEW, e.g. --from-git v1.2.0..v1.3.0",
        )
    old, new = match.group("old"), match.group("new")
    if old.startswith("-") or new.startswith("-"):
        raise KBError(f"not a git range: {revision_range!r}", hint="refs cannot start with '-'")
    _git(repo, "rev-parse", "--git-dir", what="is not a git repository")
    for ref in (old, new):
        _git(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", what=f"has no ref {ref!r}")
    log = _git(repo, "log", "--no-color", "--format=%x1e%H%x1f%s%x1f%b", f"{old}..{new}", "--", what="cannot list the range")
    entries: list[NoteEntry] = []
    for record in log.split("\x1e"):
        if not record.strip():
            continue
        _sha, subject, body = (record.split("\x1f") + ["", ""])[:3]
        subject = subject.strip()
        pull = _MERGE_PR.match(subject)
        if pull:
            title = next((part.strip() for part in body.splitlines() if part.strip()), "")
            if not title:
                continue
            subject = f"{title} (#{pull.group(1)})"
        elif _MERGE_OTHER.match(subject):
            continue
        text = plain_text(subject)
        if not text:
            continue
        entries.append(NoteEntry(text=text, source=subject, kind=kind_of_entry(subject) or "change", links=find_links(subject)))
    date_text = _git(repo, "log", "-1", "--format=%cs", new, "--", what=f"has no ref {new!r}").strip()
    if not entries:
        raise KBError(f"no commits in {revision_range}", path=repo, hint="check the order: OLD..NEW lists what NEW adds to OLD")
    return Release(version=new, date=_parse_date(date_text), entries=tuple(entries))


def _git(repo: Path, *args: str, what: str) -> str:
    try:
        done = subprocess.run(
            ["git", "-C", str(repo), *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            check=False,
            timeout=120,
        )
    except FileNotFoundError as exc:
        raise KBError("git is not installed", hint="install git, or pass the notes as a file with --release") from exc
    except subprocess.TimeoutExpired as exc:
        raise KBError(f"git took too long reading {repo}", path=repo) from exc
    if done.returncode != 0:
        detail = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else ""
        raise KBError(f"{repo} {what}" + (f" ({detail})" if detail else ""), hint="pass --repo with the product's git checkout and refs that exist there")
    return done.stdout
