"""Markdown -> the words a reader sees: Obsidian wikilinks."""

from __future__ import annotations

import pytest

from supportkb.generator.core.markdown_text import inline_text


@pytest.mark.parametrize(
    ("markdown", "text"),
    [
        ("See [[Billing/Refunds]] now", "See Refunds now"),
        ("[[Refunds#Policy|our policy]]", "our policy"),
        ("| [[Refunds\\|refund rules]] |", "| refund rules |"),
        ("[[#Opening hours]]", "Opening hours"),
        ("![[logo.png|300]] Welcome", "Welcome"),
    ],
)
def test_wikilinks_read_as_the_words_they_show(markdown: str, text: str) -> None:
    assert inline_text(markdown).strip() == text
