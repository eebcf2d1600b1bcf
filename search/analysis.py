"""The Whoosh analyzer of the spelling vocabulary (ranking reads the text core's terms itself)."""

from __future__ import annotations

from supportkb.generator.core.text import STOP_WORDS


def make_spelling_analyzer():  # type: ignore[no-untyped-def]
    """Whole lower-case words (no stems), the vocabulary 'did you mean' draws from."""
    from whoosh.analysis import LowercaseFilter, RegexTokenizer, StopFilter

    return (
        RegexTokenizer(r"[^\W\d_]{3,}")
        | LowercaseFilter()
        | StopFilter(stoplist=STOP_WORDS, minsize=3, maxsize=24)
    )
