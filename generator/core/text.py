"""Words of a text: the one tokeniser, stop-word list and stemmer of search, gaps, staleness,
related articles and lint.

A word is a run of letters and digits, kept whole across '.', an apostrophe ('v1.2', 'e.g',
"don't") and '_' ('snake_case'); `word_parts` splits it at those for matchers that want the
pieces. Stems are English Porter2.
"""

from __future__ import annotations

import re
from functools import lru_cache

from whoosh.lang.porter2 import stem as _porter2

TOKEN_PATTERN = r"\w+(?:[.'’]\w+)*"
"""A word as a regular expression (Whoosh's RegexTokenizer takes the same pattern)."""

MAX_WORD_CHARS = 40
"""Longer runs of letters (hashes, base64) are not words anyone searches for."""

_WORD = re.compile(TOKEN_PATTERN)
_PART = re.compile(r"[^\W_]+")
_APOSTROPHE = re.compile(r"['’]")

STOP_WORDS: frozenset[str] = frozenset(
    """
    a an and are as at be been but by can could did do does doing for from had has have
    how i if in into is it its i'm me my of on or our so than that the their them then there
    these they this to too us was we were what when where which who why will with would you
    your yours can't don't doesn't isn't won't i've
    """.split()
)
"""English words that carry no topic in a question ('how do I ...'): search and ticket matching
drop them on both sides. Kept short on purpose: 'not', 'off', 'after', 'all' change what a
support question asks ('cannot turn off', 'not charged'), so they stay words there."""

FUNCTION_WORDS: frozenset[str] = STOP_WORDS | frozenset(
    """
    about above after again against all also am any because before being below between both
    cannot down during each etc few further having he her here hers him his itself just let more
    most no nor not now off once only other ours out over own same she should some such theirs
    those through under until up very while whom yourself e g eg ie via vs per
    """.split()
)
"""Every English function word: what prose-to-prose matchers (staleness, related articles, the
gaps taxonomy) drop, where a lost 'not' costs little and common words blur matches. A matcher
with a vocabulary of its own (changelog verbs, how-to verbs) adds it to this set, by name."""


def words(text: str) -> list[str]:
    """Lower-case words of a text, stop words included, in order."""
    return [word for word in _WORD.findall(text.lower()) if len(word) <= MAX_WORD_CHARS]


def word_parts(text: str, *, keep_case: bool = False) -> list[str]:
    """Words split at '.', '_' and apostrophes, in order: 'max_retries' -> max, retries.

    Lower case, unless keep_case (to quote words back to the reader as they were written).
    """
    return [part for part in _PART.findall(text if keep_case else text.lower()) if len(part) <= MAX_WORD_CHARS]


def stem_word(word: str) -> str:
    """The English (Porter2) stem of one lower-case word; "don't" stems as 'don'."""
    return _cached_stem(word)


@lru_cache(maxsize=200_000)
def _cached_stem(word: str) -> str:
    if "'" in word or "’" in word:
        word = _APOSTROPHE.split(word, maxsplit=1)[0]
    return _porter2(word)


def terms(text: str) -> list[str]:
    """Index terms of a text in order: the stems of its words, stop words dropped."""
    return [stem_word(word) for word in words(text) if word not in STOP_WORDS]
