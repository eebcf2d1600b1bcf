"""'Did you mean': the closest word the index knows to a word it does not.

Whoosh's own corrector builds a Levenshtein automaton per word (tens of milliseconds). Here the
vocabulary is read once from the index's spelling field and indexed by its one-letter deletions
(the SymSpell idea), so a lookup is a handful of dictionary probes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from whoosh.support.levenshtein import damerau_levenshtein


class Speller:
    """Suggests corrections from a fixed vocabulary of lower-case words."""

    def __init__(self, words: Iterable[str], frequency: Callable[[str], int]) -> None:
        self._words = frozenset(words)
        self._frequency = frequency
        self._by_deletion: dict[str, list[str]] = {}
        for word in self._words:
            for variant in _deletions(word):
                self._by_deletion.setdefault(variant, []).append(word)

    def __contains__(self, word: str) -> bool:
        return word in self._words

    def suggest(self, word: str) -> str | None:
        """The most frequent known word within one edit (two for words of 8+ letters)."""
        if len(word) < 4 or word in self._words:
            return None
        max_distance = 1 if len(word) < 8 else 2
        probes = {word, *_deletions(word)}
        if max_distance == 2:
            probes |= {twice for once in list(probes) for twice in _deletions(once)}
        candidates: set[str] = set()
        for probe in probes:
            if probe in self._words:
                candidates.add(probe)
            candidates.update(self._by_deletion.get(probe, ()))
        best: tuple[int, int, str] | None = None
        for candidate in candidates:
            if candidate[0] != word[0]:
                continue  # People rarely get the first letter wrong; this keeps suggestions sane.
            distance = damerau_levenshtein(word, candidate)
            if distance > max_distance:
                continue
            rank = (distance, -self._frequency(candidate), candidate)
            if best is None or rank < best:
                best = rank
        return best[2] if best else None


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}
