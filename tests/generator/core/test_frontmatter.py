from __future__ import annotations

import pytest

from supportkb.generator.core.frontmatter import FrontMatter, FrontMatterProblem, split_front_matter


def test_parses_fields_and_key_lines() -> None:
    parsed = split_front_matter("---\ntitle: Refunds\ntags: [a, b]\n---\n# Body\n")
    assert isinstance(parsed, FrontMatter)
    assert parsed.data == {"title": "Refunds", "tags": ["a", "b"]}
    assert parsed.key_lines == {"title": 2, "tags": 3}
    assert parsed.body == "# Body\n"
    assert parsed.body_line == 5


def test_file_without_front_matter_is_all_body() -> None:
    parsed = split_front_matter("# Just Markdown\n")
    assert parsed == FrontMatter(data={}, body="# Just Markdown\n", body_line=1, present=False)


@pytest.mark.parametrize(
    ("text", "line", "hint_part"),
    [
        ("---\ntitle: a\n\tsummary: b\n---\n", 3, "tabs"),
        ("---\ntitle: [unclosed\n---\n", 3, "YAML"),
        ("---\ntitle: a\nsummary: b: c\n---\n", 3, "quote"),
        ("---\ntitle: never closed\n", 1, "---"),
        ("---\n- a list\n---\n", 2, "title"),
    ],
)
def test_broken_front_matter_names_the_line(text: str, line: int, hint_part: str) -> None:
    parsed = split_front_matter(text)
    assert isinstance(parsed, FrontMatterProblem)
    assert parsed.line == line
    assert hint_part in parsed.hint


def test_byte_order_mark_is_ignored() -> None:
    parsed = split_front_matter("\ufeff---\ntitle: BOM\n---\nx\n")
    assert isinstance(parsed, FrontMatter) and parsed.data["title"] == "BOM"
