"""What an Article becomes in the index: Whoosh documents (stored fields, ID lookups, spelling
words) and ranking rows (the ranked fields' text, counted by supportkb.search.postings)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from whoosh.fields import ID, STORED, TEXT, Schema

from supportkb.generator.core.markdown_text import plain_text
from supportkb.search.analysis import make_spelling_analyzer
from supportkb.search.postings import Row

if TYPE_CHECKING:
    from supportkb.generator.core.articles import Article

SCHEMA_VERSION = 9
"""Bump when documents or analysis change: every cached index is then rebuilt."""

ARTICLE_FIELDS = ("title", "summary", "headings", "keywords", "body")
"""Full-text fields of an article document."""
SECTION_FIELDS = ("s_heading", "s_text")
"""Full-text fields of a section document (separate names keep their statistics apart)."""
RANKED_FIELDS = ARTICLE_FIELDS + SECTION_FIELDS
"""Counted into the ranking's own postings, not given to Whoosh."""

SNIPPET_CHARS = 1500
"""Stored text per section for snippets; enough for any excerpt."""
STORED_BODY_CHARS = 200_000


def make_schema() -> Schema:
    """Whoosh holds what is looked up or shown, not what is ranked (see postings.py)."""
    return Schema(
        path=ID(stored=True),
        kind=ID(stored=True),
        article_id=ID(stored=True),
        url=ID(stored=True),
        audience=ID(stored=True),
        row_key=ID(stored=True),
        spell=TEXT(analyzer=make_spelling_analyzer(), phrase=False),
        spell_internal=TEXT(analyzer=make_spelling_analyzer(), phrase=False),
        data=STORED(),
    )


def row_key(path: str, position: int | str) -> str:
    """The Whoosh document of a ranking row (position 0: the article, n: its n-th section), or
    of an article's Markdown source (position "source")."""
    return f"{path}#{position}"


@dataclass(frozen=True)
class SectionDoc:
    """One searchable section: its anchor ('' for the text before the first heading)."""

    anchor: str
    title: str
    text: str


@dataclass(frozen=True)
class IndexEntries:
    """One article's Whoosh documents and ranking rows."""

    documents: tuple[dict[str, Any], ...]
    rows: tuple[Row, ...]
    sections: tuple[SectionDoc, ...] = ()
    """The sections the rows were made of (the vectors reuse them: Markdown is read once)."""


def article_sections(article: Article) -> tuple[SectionDoc, ...]:
    """The intro (if any) and every section, with plain text; a leading H1 counts as the intro."""
    found: list[SectionDoc] = []
    intro = plain_text(article.intro())
    sections = article.sections()
    if sections and sections[0].heading.level == 1 and not intro:
        intro = plain_text(sections[0].text)
        sections = sections[1:]
    # The top of the article always counts as a section, titled by the article's title, so a
    # query that names the article links to the article rather than to one of its sections.
    found.append(SectionDoc(anchor="", title=article.title, text=intro))
    for section in sections:
        found.append(
            SectionDoc(
                anchor=section.heading.anchor,
                title=section.heading.title,
                text=plain_text(section.text),
            )
        )
    return tuple(found)


def article_digest(article: Article) -> str:
    """Hash of everything the index holds about an article; equal digests need no re-indexing."""
    payload = json.dumps(
        [
            SCHEMA_VERSION,
            str(article.path),
            article.id,
            article.title,
            article.summary,
            article.category,
            list(article.tags),
            article.product_area,
            list(article.features),
            article.audience,
            list(article.aliases),
            list(article.questions),
            article.body,
        ],
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]


def index_entries(article: Article) -> IndexEntries:
    """The article's Whoosh documents (article, sections in order, source) and ranking rows."""
    sections = article_sections(article)
    path = str(article.path)
    is_internal = article.is_internal
    keywords = [
        *article.tags,
        article.category or "",
        article.product_area or "",
        *article.features,
    ]
    names = "\n".join([article.title, *article.aliases])
    data = {
        "title": article.title,
        "summary": article.summary,
        "category": article.category,
        "tags": list(article.tags),
        "aliases": list(article.aliases),
        "sections": [[s.anchor, s.title] for s in sections],
    }
    common = {"path": path, "article_id": article.id, "audience": article.audience}
    documents: list[dict[str, Any]] = [
        {
            **common,
            "kind": "article",
            "row_key": row_key(path, 0),
            "url": article.url,
            "spell_internal" if is_internal else "spell": "\n".join(
                [names, article.summary, *(s.title + "\n" + s.text for s in sections)]
            ),
            "data": data,
        }
    ]
    rows = [
        Row(
            path=path,
            article_id=article.id,
            position=0,
            is_internal=is_internal,
            fields={
                "title": names,
                # Customers' phrasings (`questions:`) rank with the summary: they say what the
                # article answers, in the words people type.
                "summary": "\n".join([article.summary or "", *article.questions]),
                "headings": "\n".join(s.title for s in sections if s.anchor),
                "keywords": "\n".join(k.replace("-", " ").replace("_", " ") for k in keywords if k),
                "body": "\n".join(s.text for s in sections),
            },
        )
    ]
    for position, section in enumerate(sections, start=1):
        documents.append(
            {
                **common,
                "kind": "section",
                "row_key": row_key(path, position),
                "data": {
                    "anchor": section.anchor,
                    "title": section.title,
                    "text": section.text[:SNIPPET_CHARS],
                },
            }
        )
        rows.append(
            Row(
                path=path,
                article_id=article.id,
                position=position,
                is_internal=is_internal,
                fields={
                    "s_heading": section.title if section.anchor else names,
                    "s_text": section.text,
                },
            )
        )
    # The Markdown source, for `GET /articles/{id}`; kept apart so ranking never unpickles it.
    documents.append(
        {
            **common,
            "kind": "source",
            "row_key": row_key(path, "source"),
            "data": {"body": article.body[:STORED_BODY_CHARS]},
        }
    )
    return IndexEntries(tuple(documents), tuple(rows), sections)
