"""What `kb check` says once about a whole folder: fields it derived, keys it passes through.

A folder written for another tool leaves out supportkb's front matter in every file; saying so
173 times hides the one finding that matters. These notes are information, never warnings:
the site builds as it is. `kb check --strict` turns the derived fields back into per-file errors.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from supportkb.generator.core.articles import LoadResult
from supportkb.generator.core.categories import Category
from supportkb.generator.core.derived import is_home_page
from supportkb.generator.checking.validate import known_key_like, unknown_keys

SHOWN_EXAMPLES = 3


@dataclass(frozen=True)
class Note:
    """One fact about the whole folder, with how many files it concerns and where to look first."""

    code: str
    message: str
    hint: str = ""
    count: int = 0
    """How many files it concerns."""
    places: tuple[str, ...] = ()
    """The first few 'path:line' it concerns."""

    def format(self) -> str:
        text = f"note: {self.message}"
        if self.places:
            text += f" (e.g. {', '.join(self.places)})"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text

    def as_json(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "hint": self.hint, "count": self.count, "places": list(self.places)}


def folder_notes(loaded: LoadResult, categories: tuple[Category, ...], *, strict: bool = False) -> tuple[Note, ...]:
    """Notes on derived fields (unless strict: then they are per-file errors), derived categories and unknown keys."""
    notes: list[Note] = []
    if not strict:
        notes.extend(_derived_fields(loaded))
    unpublished = [a for a in loaded.articles if "audience" in a.derived]
    if unpublished:
        notes.append(Note(
            "unpublished",
            f"{len(unpublished)} article{'s say' if len(unpublished) != 1 else ' says'} 'publish: false' or 'draft: true', so {'they are' if len(unpublished) != 1 else 'it is'} internal: for agents, never on the site",
            "write 'audience: public' to publish one, or delete that line",
            len(unpublished),
            tuple(f"{loaded.shown_path(a)}:{a.line_of('publish') if 'publish' in a.meta else a.line_of('draft')}" for a in unpublished[:SHOWN_EXAMPLES]),
        ))
    at_top = [a for a in loaded.articles if a.category is None and not is_home_page(a.path)]
    if at_top:
        notes.append(Note(
            "no-category",
            f"{len(at_top)} article{'s sit' if len(at_top) != 1 else ' sits'} directly in the articles folder, so no category page lists {'them' if len(at_top) != 1 else 'it'}",
            "move them into a folder (its name becomes the category), or write 'category: ...'; links and search still reach them",
            len(at_top),
            tuple(f"{loaded.shown_path(a)}:1" for a in at_top[:SHOWN_EXAMPLES]),
        ))
    derived = [c for c in categories if c.derived]
    if derived:
        listing = ", ".join(f"{c.id} ({c.title!r})" for c in derived)
        notes.append(Note(
            "derived-category",
            f"{len(derived)} categor{'y' if len(derived) == 1 else 'ies'} made from folder names: {listing}",
            "give them titles, descriptions and icons in categories.yml",
            len(derived),
        ))
    for key, places in unknown_keys(loaded).items():
        if known_key_like(key) is not None:
            continue  # A likely typo: a warning with its fix (validate.py), not "kept and passed on".
        notes.append(Note(
            "unknown-key",
            f"front-matter key {key!r} in {len(places)} file{'s' if len(places) != 1 else ''} is not one supportkb reads; it is kept and passed to the theme",
            "",
            len(places),
            tuple(f"{loaded.shown_path(a)}:{line}" for a, line in places[:SHOWN_EXAMPLES]),
        ))
    return tuple(notes)


def _derived_fields(loaded: LoadResult) -> list[Note]:
    counts: Counter[str] = Counter()
    title_from_heading = 0
    examples: list[str] = []
    for article in loaded.articles:
        if not article.derived:
            continue
        counts.update(article.derived)
        if "title" in article.derived and any(h.level == 1 for h in article.headings):
            title_from_heading += 1
        if len(examples) < SHOWN_EXAMPLES and article.derived & {"title", "id", "category"}:
            examples.append(f"{loaded.shown_path(article)}:1")
    files = sum(1 for a in loaded.articles if a.derived & {"title", "id", "category"})
    if not files:
        return []
    parts = []
    if counts["title"]:
        sources = []
        if title_from_heading:
            sources.append(f"{title_from_heading} from the first heading")
        if counts["title"] - title_from_heading:
            sources.append(f"{counts['title'] - title_from_heading} from the file name")
        parts.append(f"title ({', '.join(sources)})")
    if counts["id"]:
        parts.append(f"id from the path ({counts['id']})")
    if counts["category"]:
        parts.append(f"category from the top folder ({counts['category']})")
    if counts["summary"]:
        parts.append(f"summary from the first paragraph ({counts['summary']})")
    return [Note(
        "derived-fields",
        f"{files} article{'s' if files != 1 else ''} leave{'' if files != 1 else 's'} out front matter; derived: {'; '.join(parts)}",
        "nothing to fix: the site builds as it is. 'kb adopt' shows (and with --write writes) these values into the files; 'kb check --strict' demands them",
        files,
        tuple(examples),
    )]
