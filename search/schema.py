"""What an Article becomes in the index: Whoosh documents (stored fields, ID lookups, spelling
words) and ranking rows (the ranked fields' text, counted by supportkb.search.postings)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from whoosh.fields import ID, STORED, TEXT, Schema

from supportkb.generator.core.search_fields import SearchSection as SectionDoc
from supportkb.generator.core.search_fields import article_field_texts, article_sections
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
class IndexEntries:
    """One article's Whoosh documents and ranking rows."""

    documents: tuple[dict[str, Any], ...]
    rows: tuple[Row, ...]
    sections: tuple[SectionDoc, ...] = ()
    """The sections the rows were made of (the vectors reuse them: Markdown is read once)."""


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
    fields = article_field_texts(article, sections)
    # Customers' phrasings (`questions:`) rank with the summary here: they say what the article
    # answers, in the words people type.
    del fields["questions"]
    fields["summary"] = "\n".join([article.summary or "", *article.questions])
    names = fields["title"]
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
            fields=fields,
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
