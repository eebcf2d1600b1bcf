"""Component (up to 0.75): the entry is filed under a component, and this is that component's page.

`s3: fix …`, `**[k8s]** …`, `` `inputs.mysql` Add … ``, `feat(auth): …` or a parent bullet name
a part of the product (gaps/staleness/components.py reads the name). A help center that has a page
per component names it the same way: the file or its folder (`storage/s3.md`,
`plugins/inputs/mysql/README.md`), the front matter (`component: s3`, `aliases: [k8s]`), or the
title ("S3"). Names are compared word by word, stemmed, so `inputs.mysql`, `inputs/mysql` and
`Inputs MySQL` agree and `output.nats` finds `outputs/nats`.

Strength, best first (only the best kind of match counts, shared among the pages it finds):
declared in front matter or the page's own name (1.0); its own name is the component's last part,
the rest not in its path (0.8); title or alias is the component (0.8); its own name contains it
(`amazon-s3.md` for `s3`, 0.7); title contains it (0.5);
the page of the component's parent (`secretstores` for `secretstores.vault`, 0.45). A name that
five or more pages share at the best kind (`api`, `docs`) names no page.

When no page goes by the name and an embedding backend is on, the name is compared by meaning
with every page's title (`k8s` and "Kubernetes", `web ui` and "The web interface"): the closest
title counts (0.6) only if it is close and clearly closer than the next one, so a name that
means nothing in the help center names no page.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from supportkb.generator.core.text import stem_word
from supportkb.gaps.staleness.signals.signal_match import SignalMatch, title_line

if TYPE_CHECKING:
    from collections.abc import Iterable

    from supportkb.generator.core.articles import Article
    from supportkb.generator.core.embeddings import Embedder
    from supportkb.gaps.staleness.notes import NoteEntry

COMPONENT_WEIGHT = 0.75
"""An entry filed under a component and nothing else flags its page at a feature's weight, not
at a fix's (0.375, a lower-confidence candidate): fixes rarely change what a page says."""
TITLE_MEANING_MIN = 0.4
"""Cosine a title must reach to be the page a name means."""
TITLE_MEANING_MARGIN = 0.15
"""... and by how much it must beat the next title: two near titles mean the name is vague."""
TITLE_MEANING_STRENGTH = 0.6
MAX_PAGES = 4
"""A component name that more pages than this share at its best kind of match names none."""

GENERIC_STEMS = frozenset({"readme", "index", "_index", "overview", "intro", "introduction", "about", "home"})
"""File names that say nothing about the page: its folder names it (`plugins/inputs/mysql/README.md`)."""
DECLARING_KEYS = ("component", "components", "plugin", "plugins", "service", "services", "module", "modules")
"""Front-matter keys with which a page says which component it documents."""

_TOKEN = re.compile(r"[a-z0-9]+")
_SEGMENT = re.compile(r"[./:]")

Name = tuple[str, ...]


def name_of(text: str) -> Name:
    """A name as lower-case stemmed words: 'Inputs.MySQL', 'inputs/mysql' -> ('input', 'mysql')."""
    return tuple(stem_word(token) if token.isalpha() else token for token in _TOKEN.findall(text.lower()))


def joined(text: str) -> str:
    """A name with its words run together: 'Azure Blob', 'azure-blob' and 'azureblob' agree."""
    return "".join(_TOKEN.findall(text.lower()))


@dataclass(frozen=True)
class _Page:
    """The names one article goes by."""

    own: Name
    """Its file name, or its folder's when the file name is generic."""
    own_joined: str
    """The same, its words run together."""
    path: Name
    """Every folder and the file name, in order."""
    declared: tuple[tuple[Name, str], ...]
    """(name, 'key: value') of the front matter that declares a component."""
    titles: tuple[Name, ...]
    """Its title and aliases."""


def _page_of(article: Article) -> _Page:
    parts = [*article.path.parent.parts, article.path.stem]
    stem = article.path.stem.lower()
    own_text = parts[-2] if stem in GENERIC_STEMS and len(parts) > 1 else article.path.stem
    declared: list[tuple[Name, str]] = []
    for key in DECLARING_KEYS:
        value = article.meta.get(key)
        values = value if isinstance(value, list) else [value]
        for item in values:
            if isinstance(item, (str, int, float)) and str(item).strip():
                declared.append((name_of(str(item)), f"{key}: {item}"))
    titles = tuple(name for name in (name_of(article.title), *(name_of(alias) for alias in article.aliases)) if name)
    path: list[str] = []
    for part in parts:
        path.extend(name_of(part))
    return _Page(
        own=name_of(own_text), own_joined=joined(own_text), path=tuple(path), declared=tuple(declared), titles=titles
    )


def _contains(words: Name, part: Name) -> bool:
    size = len(part)
    return bool(size) and any(words[i : i + size] == part for i in range(len(words) - size + 1))


@dataclass(frozen=True)
class PageMatch:
    """A page a component names, how strongly and why."""

    article: int
    strength: float
    how: str
    line: tuple[int, str]


class ComponentPages:
    """Finds the pages a component name points at; built once per check."""

    def __init__(self, articles: tuple[Article, ...], *, embedder: Embedder | None = None) -> None:
        self.articles = articles
        self.embedder = embedder
        self._title_vectors: np.ndarray | None = None
        self.pages = [_page_of(article) for article in articles]
        self.by_own: dict[Name, list[int]] = {}
        self.by_joined: dict[str, list[int]] = {}
        self.by_word: dict[str, list[int]] = {}
        """word -> pages whose own name, title, alias or declared component has it."""
        for index, page in enumerate(self.pages):
            if page.own:
                self.by_own.setdefault(page.own, []).append(index)
                self.by_joined.setdefault(page.own_joined, []).append(index)
            for name in (page.own, *page.titles, *(name for name, _ in page.declared)):
                for word in set(name):
                    self.by_word.setdefault(word, []).append(index)
        self._cache: dict[str, tuple[PageMatch, ...]] = {}

    def pages_for(self, component: str) -> tuple[PageMatch, ...]:
        """The pages the component names (none if it names none, or too many)."""
        if component not in self._cache:
            self._cache[component] = self._find(component)
        return self._cache[component]

    def _find(self, component: str) -> tuple[PageMatch, ...]:
        whole = name_of(component)
        if not whole:
            return ()
        segments = [name_of(part) for part in _SEGMENT.split(component) if name_of(part)]
        last = segments[-1] if segments else whole
        levels: list[list[tuple[int, float, str, tuple[int, str]]]] = [[] for _ in range(4)]
        for index in {*self.by_own.get(whole, ()), *self.by_joined.get(joined(component), ())}:
            levels[0].append((index, 1.0, "this page's file name", self._title(index)))
        for index in self._candidates(whole):
            page = self.pages[index]
            for name, line_text in page.declared:
                if name == whole:
                    line = (self.articles[index].line_of(line_text.split(":")[0]), line_text)
                    levels[0].append((index, 1.0, f"this page declares '{line_text}'", line))
                    break
        if len(segments) > 1:
            for index in self.by_own.get(last, ()):
                page = self.pages[index]
                rest = [word for segment in segments[:-1] for word in segment]
                if all(word in page.path for word in rest):
                    levels[0].append((index, 1.0, "this page's path", self._title(index)))
                else:
                    levels[1].append((index, 0.8, "this page's file name, by the component's last part", self._title(index)))
        for index in self._candidates(whole):
            page = self.pages[index]
            if page.own != whole and _contains(page.own, whole):
                levels[1].append((index, 0.7, "this page's file name contains it", self._title(index)))
            elif any(title == whole for title in page.titles):
                levels[1].append((index, 0.8, "this page's title or alias", self._title(index)))
            elif any(_contains(title, whole) for title in page.titles):
                levels[2].append((index, 0.5, "this page's title mentions it", self._title(index)))
        if len(segments) > 1:
            for size in range(len(segments) - 1, 0, -1):
                parent = tuple(word for segment in segments[:size] for word in segment)
                found = self.by_own.get(parent, ())
                for index in found:
                    levels[3].append((index, 0.45, "this page is its parent component's", self._title(index)))
                if found:
                    break
        for level in levels:
            best: dict[int, tuple[int, float, str, tuple[int, str]]] = {}
            for item in level:
                best.setdefault(item[0], item)
            if not best:
                continue
            if len(best) > MAX_PAGES:
                return ()
            share = 1 / math.sqrt(len(best))  # One of two pages named alike: each is likelier wrong.
            return tuple(
                PageMatch(index, strength * share, how, line) for index, (_, strength, how, line) in sorted(best.items())
            )
        return self._by_meaning(component)

    def _by_meaning(self, component: str) -> tuple[PageMatch, ...]:
        """The one page whose title clearly means the name, if an embedder is on."""
        if self.embedder is None or len(self.articles) < 2:
            return ()
        if self._title_vectors is None:
            self._title_vectors = self.embedder.embed([article.title for article in self.articles])
        query = self.embedder.embed([re.sub(r"[._/:-]+", " ", component)])[0]
        closeness = self._title_vectors @ query
        first, second = np.argsort(-closeness, kind="stable")[:2]
        best = float(closeness[first])
        if best < TITLE_MEANING_MIN or best - float(closeness[second]) < TITLE_MEANING_MARGIN:
            return ()
        how = f"this page's title, closest by meaning ({best:.2f})"
        return (PageMatch(int(first), TITLE_MEANING_STRENGTH, how, self._title(int(first))),)

    def _candidates(self, whole: Name) -> Iterable[int]:
        found: set[int] | None = None
        for word in set(whole):
            owners = set(self.by_word.get(word, ()))
            found = owners if found is None else found & owners
            if not found:
                return ()
        return sorted(found or ())

    def _title(self, index: int) -> tuple[int, str]:
        return title_line(self.articles[index])


def component_matches(entries: tuple[NoteEntry, ...], pages: ComponentPages) -> list[SignalMatch]:
    """An entry's component tied to the page(s) it names."""
    matches: list[SignalMatch] = []
    for entry_index, entry in enumerate(entries):
        if not entry.component:
            continue
        for found in pages.pages_for(entry.component):
            reason = f"filed under component '{entry.component}' ({found.how})"
            matches.append(SignalMatch(entry_index, found.article, COMPONENT_WEIGHT * found.strength, reason, (found.line,)))
    return matches
