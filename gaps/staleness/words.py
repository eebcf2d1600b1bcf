"""The words staleness compares: stemmed content words, without the words every changelog uses."""

from __future__ import annotations

from supportkb.generator.core.text import FUNCTION_WORDS, stem_word, word_parts

CHANGELOG_WORDS: frozenset[str] = frozenset(
    """
    add added adding adds allow allowed allows change changed changes changing enable enabled
    enables fix fixed fixes fixing improve improved improvement improvements improves make made
    makes new now remove removed removes removing support supported supports supporting update
    updated updates updating use used uses using bump bumped upgrade upgraded release released
    version versions feature features issue issues bug bugs pr prs pull request docs doc note
    possible instead better properly correctly whether might may must
    """.split()
)
"""The verbs and nouns every changelog entry uses ('Fixed a bug ...'): they name no page."""
STOP_WORDS: frozenset[str] = FUNCTION_WORDS | CHANGELOG_WORDS
"""Words an entry and an article may share without being about the same thing."""


class _TermCache(dict):  # type: ignore[type-arg]
    """word -> its index term ('' for stop words and numbers), computed once per word."""

    def __missing__(self, word: str) -> str:
        if len(word) < 2 or len(word) > 40 or word in STOP_WORDS or word.isdigit():
            term = ""
        elif word.isascii() and word.isalpha():
            term = stem_word(word)
        else:
            term = word
        if len(self) < 500_000:
            self[word] = term
        return term


TERMS = _TermCache()


def terms_of(text: str) -> list[str]:
    """Stemmed content words of a text, in order (stop words and bare numbers dropped)."""
    return [term for term in map(TERMS.__getitem__, word_parts(text)) if term]


class WordIds(dict):  # type: ignore[type-arg]
    """word -> column of its term in the index (-1 for stop words), filling the vocabulary."""

    def __init__(self, vocabulary: dict[str, int]) -> None:
        super().__init__()
        self.vocabulary = vocabulary

    def __missing__(self, word: str) -> int:
        term = TERMS[word]
        column = self.vocabulary.setdefault(term, len(self.vocabulary)) if term else -1
        self[word] = column
        return column

    def of(self, text: str) -> list[int]:
        return [column for column in map(self.__getitem__, word_parts(text)) if column >= 0]
