"""Intercom Articles: the API's JSON of articles and help-center collections.

An export folder holds what `GET /articles` and `GET /help_center/collections` returned
(`{"type": "list", "data": [...]}`, pages as articles-2.json...), optionally internal_articles.json,
admins.json and the images as files (e.g. downloaded from downloads.intercomcdn.com, same path).
"""

from __future__ import annotations

import re
from pathlib import Path

from supportkb.generator.importers.exportfiles import (
    ExportError,
    clean_text,
    int_of,
    load_records,
    owner_handle,
    text_of,
)
from supportkb.generator.importers.model import (
    SourceArticle,
    SourceCategory,
    SourceExport,
    article_key_in_path,
    new_record_identity,
    parse_timestamp,
    url_path,
)

_ARTICLE_URL = re.compile(r"(?:^|/)articles/(\d+)")

article_key_for_url = article_key_in_path(_ARTICLE_URL)


def read_export(source: Path) -> SourceExport:
    """Read an Intercom articles export folder (or one articles JSON file)."""
    public = load_records(source, "articles", "data", "articles")
    internal = load_records(source, "internal_articles", "data", "internal_articles") if source.is_dir() else []
    if not public and not internal:
        raise ExportError(
            "no Intercom articles found",
            path=source,
            hint="pass the folder holding articles.json (the Articles API's answer: {\"type\": \"list\", \"data\": [...]})",
        )
    collections = {str(c.get("id")): c for c in (load_records(source, "collections", "data", "collections") if source.is_dir() else [])}
    admins = {str(a.get("id")): a for a in (load_records(source, "admins", "admins", "data") if source.is_dir() else [])}
    notes: list[str] = []

    def top_collection(collection_id: str) -> tuple[str | None, str]:
        """(category key, section title): the top-level collection, and the sub-collection if any."""
        chain: list[str] = []
        current = collection_id
        while current in collections and current not in chain:
            chain.append(current)
            parent = collections[current].get("parent_id")
            current = str(parent) if parent is not None else ""
        if not chain:
            return None, ""
        section = text_of(collections[chain[-2]].get("name")) if len(chain) > 1 else ""
        return chain[-1], section

    converted: list[SourceArticle] = []
    seen: set[str] = set()
    for record, is_internal in [(r, False) for r in public] + [(r, True) for r in internal]:
        identity = new_record_identity(record, seen, notes)
        if identity is None:
            continue
        key, title = identity
        parent_id = record.get("parent_id")
        parent_ids = record.get("parent_ids")
        if parent_id is None and isinstance(parent_ids, list) and parent_ids:
            parent_id = parent_ids[-1]
        category_key, section = top_collection(str(parent_id)) if parent_id is not None else (None, "")
        if is_internal:
            audience, restriction = "internal", "an internal article in Intercom"
        elif record.get("state") == "draft":
            audience, restriction = "internal", "a draft in Intercom"
        else:
            audience, restriction = "public", ""
        author = admins.get(str(record.get("author_id")), {})
        url = text_of(record.get("url"))
        old_urls = [url_path(url)] if url else []
        if old_urls and re.search(r"/articles/\d+-", "/" + old_urls[0]):
            old_urls.append(re.sub(r"(articles/\d+)-.*$", r"\1", old_urls[0]))
        converted.append(
            SourceArticle(
                key=key,
                title=title,
                html=clean_text(record.get("body")),
                category_key=category_key,
                section=section,
                audience=audience,  # type: ignore[arg-type]
                restriction=restriction,
                summary=text_of(record.get("description")),
                owner=owner_handle(text_of(author.get("name")), text_of(author.get("email"))),
                updated=parse_timestamp(record.get("updated_at")),
                old_urls=tuple(dict.fromkeys(old_urls)),
                locale=text_of(record.get("default_locale")),
            )
        )
    top_keys = {k for k, c in collections.items() if c.get("parent_id") is None}
    return SourceExport(
        vendor="intercom",
        vendor_title="Intercom Articles",
        categories=tuple(
            SourceCategory(key=k, title=text_of(collections[k].get("name")) or f"Collection {k}", description=text_of(collections[k].get("description")), position=int_of(collections[k].get("order")))
            for k in collections
            if k in top_keys
        ),
        articles=tuple(converted),
        files_root=source if source.is_dir() else source.parent,
        article_key_for_url=article_key_for_url,
        notes=tuple(dict.fromkeys(notes)),
    )
