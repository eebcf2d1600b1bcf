"""The Whoosh analyzers of the search index, built on the text core's words, stop words and stems."""

from __future__ import annotations

from supportkb.generator.core.text import MAX_WORD_CHARS, STOP_WORDS, TOKEN_PATTERN, stem_word, terms, words

__all__ = ["STOP_WORDS", "make_analyzer", "make_spelling_analyzer", "stem_word", "terms", "words"]


def make_analyzer():  # type: ignore[no-untyped-def]
    """The Whoosh analyzer for every full-text field: tokens, lower case, stop words, stems."""
    from whoosh.analysis import LowercaseFilter, RegexTokenizer, StemFilter, StopFilter

    return (
        RegexTokenizer(TOKEN_PATTERN)
        | LowercaseFilter()
        | StopFilter(stoplist=STOP_WORDS, minsize=1, maxsize=MAX_WORD_CHARS)
        | StemFilter(stemfn=stem_word, cachesize=None)
    )


def make_spelling_analyzer():  # type: ignore[no-untyped-def]
    """Whole lower-case words (no stems), the vocabulary 'did you mean' draws from."""
    from whoosh.analysis import LowercaseFilter, RegexTokenizer, StopFilter

    return (
        RegexTokenizer(r"[^\W\d_]{3,}")
        | LowercaseFilter()
        | StopFilter(stoplist=STOP_WORDS, minsize=3, maxsize=24)
    )
