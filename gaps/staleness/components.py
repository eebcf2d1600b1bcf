"""The component a changelog entry names first: `s3: fix …`, `**[k8s]** …`, `fix(auth): …`.

Many changelogs file each entry under the part of the product it changes, written before the
text: a code span (`` `inputs.mysql` Add … ``), a bracketed or bold label (`[k8s]`, `**s3**:`), a
word and a colon (`s3: fix …`, `Web UI: …`), a Conventional Commits scope (`feat(auth): …`) or a
parent bullet with the entries indented beneath it (`- s3` then `  - Fix …`). This module only
reads the name; `signals/component.py` decides which pages, if any, it names, so a label that
is not a component ('Note: …') simply matches nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_COMPONENT_CHARS = 40
"""Longer prefixes are sentences, not component names."""

_NAME = r"[A-Za-z0-9][\w.+/-]{0,39}"
_LEADING_REFS = re.compile(r"^(?:\s*(?:\[#?\d+\]\([^)]*\)|#\d+|PR\s*#?\d+|GH-\d+)[:,]?\s*)+", re.IGNORECASE)
_LEADING_MARK = re.compile(r"^[^\w`*\[(]+")
_PATTERNS = (
    # `inputs.mysql` Add replication latency fields
    re.compile(rf"^`(?P<name>{_NAME})`:?\s+(?P<rest>\S.*)$"),
    # **[k8s]** …, [k8s] …, **[k8s]:** …
    re.compile(rf"^(?:\*\*|__)?\[(?P<name>{_NAME}(?: {_NAME}){{0,2}})\](?:\*\*|__)?:?\s+(?P<rest>\S.*)$"),
    # **s3**: …, **s3:** …
    re.compile(rf"^(?:\*\*|__)(?P<name>{_NAME}(?: {_NAME}){{0,2}}?):?(?:\*\*|__):?\s+(?P<rest>\S.*)$"),
    # feat(auth): …, fix(api)!: …
    re.compile(r"^[a-zA-Z]+\((?P<name>[\w./ -]{1,40})\)!?:\s+(?P<rest>\S.*)$"),
    # s3: fix …, Web UI: …, inputs.cpu: …
    re.compile(rf"^(?P<name>{_NAME}(?: {_NAME}){{0,2}}?):\s+(?P<rest>\S.*)$"),
)

LABELS: frozenset[str] = frozenset(
    """
    note notes nb important warning caution info tip breaking breaking-change security deprecated
    deprecation removed removal new added add changed change fixed fix fixes bugfix bug feature
    features feat enhancement improvement improvements perf performance refactor chore docs doc
    documentation ci build test tests style revert deps dependencies release update updated
    upgrade known issue issues highlights summary misc miscellaneous other others general
    """.split()
)
"""Words written before a colon that label the kind of entry, not a part of the product."""

_URL_LIKE = re.compile(r"^(?:https?|ftp|mailto|www)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Prefixed:
    """An entry's leading component name and the text after it."""

    component: str
    rest: str


def strip_leading_refs(head: str) -> str:
    """The entry without the PR or issue references written before its text (`[#123](…) …`)."""
    return _LEADING_REFS.sub("", head, count=1)


def component_prefix(head: str) -> Prefixed | None:
    """The component an entry's first line names before its text, if it names one."""
    text = _LEADING_MARK.sub("", strip_leading_refs(head.strip()))
    for pattern in _PATTERNS:
        match = pattern.match(text)
        if match is None:
            continue
        name = match.group("name").strip().strip(".:")
        if _is_component_name(name):
            return Prefixed(name, match.group("rest").strip())
        return None
    return None


def parent_component(head: str) -> str | None:
    """The component a parent bullet names (`- s3` with the entries beneath), if it is one."""
    text = _LEADING_MARK.sub("", head.strip()).rstrip(":").strip()
    text = re.sub(r"^(?:\*\*|__)(.*?)(?:\*\*|__)$", r"\1", text).strip()
    text = re.sub(r"^`([^`]*)`$", r"\1", text).strip()
    text = re.sub(r"^\[([^\]]*)\]$", r"\1", text).strip().rstrip(":").strip()
    if not re.fullmatch(rf"{_NAME}(?: {_NAME}){{0,2}}", text):
        return None
    return text if _is_component_name(text) else None


def _is_component_name(name: str) -> bool:
    if not name or len(name) > MAX_COMPONENT_CHARS or _URL_LIKE.match(name):
        return False
    if re.fullmatch(r"v?[\d.]+", name):
        return False  # a version, not a component
    first = name.split()[0].lower()
    return name.lower() not in LABELS and first not in LABELS  # 'New features', 'Bug fixes'
