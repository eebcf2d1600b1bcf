"""Split a Markdown file into YAML front matter and body, keeping line numbers for errors."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import yaml

try:  # libyaml is several times faster on large knowledge bases
    _FastSafeLoader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _FastSafeLoader = yaml.SafeLoader


class _BaseLoader(_FastSafeLoader):  # type: ignore[misc, valid-type]
    """Safe loader that keeps dates as text, so a bad date is a finding, not a crash."""


_BaseLoader.add_constructor("tag:yaml.org,2002:timestamp", _BaseLoader.construct_yaml_str)


@dataclass(frozen=True)
class FrontMatter:
    """The parsed front matter of one file."""

    data: dict[str, Any]
    key_lines: dict[str, int] = field(default_factory=dict)
    """Top-level key -> 1-based line in the file."""
    body: str = ""
    body_line: int = 1
    """1-based line of the file where the body starts."""
    present: bool = False


@dataclass(frozen=True)
class FrontMatterProblem:
    """Front matter that cannot be read; line and column are 1-based file positions."""

    message: str
    line: int
    col: int
    hint: str


_FENCES = ("---", "...")


def split_front_matter(text: str) -> FrontMatter | FrontMatterProblem:
    """Parse the leading `---` YAML block of `text`, if any."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if not (text.startswith("---\n") or text.startswith("---\r\n") or text.rstrip() == "---"):
        return FrontMatter(data={}, body=text, body_line=1, present=False)

    lines = text.splitlines(keepends=True)
    end = None
    for index in range(1, len(lines)):
        if lines[index].rstrip() in _FENCES:
            end = index
            break
    if end is None:
        return FrontMatterProblem(
            "front matter is not closed",
            line=1,
            col=1,
            hint="end the YAML block with a line holding only '---'",
        )
    yaml_text = "".join(lines[1:end])
    body = "".join(lines[end + 1 :])
    body_line = end + 2

    try:
        data, key_lines = _load_yaml_with_lines(yaml_text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 2) if mark else 2  # +1 for 1-based, +1 for the opening ---
        col = (mark.column + 1) if mark else 1
        problem = (exc.problem or str(exc)).strip()
        hint = "fix the YAML between the --- lines"
        if "\t" in yaml_text and ("\\t" in problem or "tab" in problem.lower()):
            hint = "YAML does not allow tabs for indentation; indent with spaces"
        elif ":" in problem or "mapping" in problem:
            hint = "quote values that contain ': ' or start with a special character"
        return FrontMatterProblem(f"invalid YAML in front matter: {problem}", line, col, hint)
    except yaml.YAMLError as exc:
        return FrontMatterProblem(
            f"invalid YAML in front matter: {exc}", 2, 1, "fix the YAML between the --- lines"
        )

    if data is None:
        data = {}
    if not isinstance(data, dict):
        return FrontMatterProblem(
            "front matter must be a mapping of 'key: value' lines",
            line=2,
            col=1,
            hint="write fields such as 'title: My article' between the --- lines",
        )
    return FrontMatter(
        data={str(k): v for k, v in data.items()},
        key_lines=key_lines,
        body=body,
        body_line=body_line,
        present=True,
    )


def _load_yaml_with_lines(yaml_text: str) -> tuple[Any, dict[str, int]]:
    """Load YAML once, returning the data and each top-level key's file line."""
    loader = _BaseLoader(yaml_text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        data = loader.construct_document(node)
    finally:
        loader.dispose()
    key_lines: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, _value in node.value:
            key_lines[str(key_node.value)] = key_node.start_mark.line + 2
    return data, key_lines


def yaml_quote(text: str) -> str:
    """A YAML double-quoted scalar for writing front matter (JSON string syntax is valid YAML)."""
    return json.dumps(text, ensure_ascii=False)
