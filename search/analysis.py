"""Text analysis shared by the indexer and the query side: tokens, stop words, English stems."""

from __future__ import annotations

import re
from functools import lru_cache

from whoosh.analysis import LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.lang.porter2 import stem as _porter2

TOKEN_PATTERN = r"\w+(?:[.'’]\w+)*"
"""Words, keeping 'v1.2', 'e.g' and "don't" whole."""

_TOKEN = re.compile(TOKEN_PATTERN)

STOP_WORDS: frozenset[str] = frozenset(
    """
    a an and are as at be been but by can could did do does doing for from had has have
    how i if in into is it its i'm me my of on or our so than that the their them then there
    these they this to too us was we were what when where which who why will with would you
    your yours can't don't doesn't isn't won't i've
    """.split()
)
"""Words that carry no topic in a support question ('how do I ...'); dropped on both sides."""

MAX_TOKEN_CHARS = 40
"""Longer runs of letters (hashes, base64) are not words anyone searches for."""


def stem_word(word: str) -> str:
    """The English (Porter2) stem of one lower-case word."""
    return _cached_stem(word)


@lru_cache(maxsize=200_000)
def _cached_stem(word: str) -> str:
    if "'" in word or "’" in word:
        word = re.split(r"['’]", word, maxsplit=1)[0]
    return _porter2(word)


def make_analyzer():  # type: ignore[no-untyped-def]
    """The Whoosh analyzer for every full-text field: tokens, lower case, stop words, stems."""
    return (
        RegexTokenizer(TOKEN_PATTERN)
        | LowercaseFilter()
        | StopFilter(stoplist=STOP_WORDS, minsize=1, maxsize=MAX_TOKEN_CHARS)
        | StemFilter(stemfn=stem_word, cachesize=None)
    )


def make_spelling_analyzer():  # type: ignore[no-untyped-def]
    """Whole lower-case words (no stems), the vocabulary 'did you mean' draws from."""
    return (
        RegexTokenizer(r"[^\W\d_]{3,}")
        | LowercaseFilter()
        | StopFilter(stoplist=STOP_WORDS, minsize=3, maxsize=24)
    )


def words(text: str) -> list[str]:
    """Lower-case words of a text, stop words included, in order."""
    return [w for w in _TOKEN.findall(text.lower()) if len(w) <= MAX_TOKEN_CHARS]


def terms(text: str) -> list[str]:
    """Index terms of a text in order: what the analyzer would produce."""
    return [stem_word(w) for w in words(text) if w not in STOP_WORDS]
