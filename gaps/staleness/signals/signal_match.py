"""What every signal returns (one entry tied to one article) and how several strengths combine."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from supportkb.generator.core.articles import Article

MAX_EVIDENCE_LINES = 2
"""Article lines shown per matched identifier."""
FURTHER_EVIDENCE_DISCOUNT = 0.5
"""The second-best match counts half, the third a quarter: one strong match beats many weak."""


@dataclass(frozen=True)
class SignalMatch:
    """One signal tying an entry to an article."""

    entry: int
    article: int
    strength: float
    """0..1 before the entry's kind weight."""
    reason: str
    lines: tuple[tuple[int, str], ...]
    is_text: bool = False
    """A text match: its best section and evidence lines are found only if flagged."""
    pattern: re.Pattern[str] | None = None
    """For identifier matches: what to look for when the article is flagged."""
    pair: tuple[str, str] | None = None
    """For phrase matches: the two index terms to find side by side when the article is flagged."""


def combine(strengths: list[float]) -> float:
    """Evidence from several matches, strongest first: each further one counts half the one before.

    Like independent evidence, 1 - (1-a)(1-b/2)(1-c/4): more matches raise the score, but
    correlated weak ones (the same word as identifier and as text) cannot pile up to certainty.
    """
    miss = 1.0
    for rank, strength in enumerate(sorted(strengths, reverse=True)):
        miss *= 1 - strength * FURTHER_EVIDENCE_DISCOUNT**rank
    return 1 - miss


def title_line(article: Article) -> tuple[int, str]:
    """(file line, text) of where an article states its title: front matter, else its h1."""
    if "title" in article.key_lines:
        return article.key_lines["title"], f"title: {article.title}"
    h1 = next((h for h in article.headings if h.level == 1), None)
    if h1 is not None:
        return h1.line, f"# {h1.title}"
    return article.body_line, article.title


def shorten(text: str, limit: int) -> str:
    """The text cut to `limit` characters, with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
