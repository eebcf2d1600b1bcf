"""Zendesk Guide: the Help Center API's JSON of articles, sections and categories.

An export folder holds what `GET /api/v2/help_center/{articles,sections,categories}.json` returned
(pages as articles-2.json...), optionally users.json, user_segments.json and the article attachments
as files (e.g. article_attachments/<id>/<name>). One JSON file holding all three lists works too.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

from supportkb.generator.core.articles import Audience
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
    parse_timestamp,
    url_path,
)

_ARTICLE_URL = re.compile(r"(?:^|/)hc/(?:[\w-]+/)?articles/(\d+)")

article_key_for_url = article_key_in_path(_ARTICLE_URL)


def read_export(source: Path) -> SourceExport:
    """Read a Zendesk Guide export folder (or one combined JSON file)."""
    articles = load_records(source, "articles", "articles")
    if not articles:
        raise ExportError(
            "no Zendesk Guide articles found",
            path=source,
            hint="pass the folder holding articles.json (the Help Center API's answer) or one JSON file with an 'articles' list",
        )
    sections = {str(s.get("id")): s for s in load_records(source, "sections", "sections")}
    categories = {str(c.get("id")): c for c in load_records(source, "categories", "categories")}
    users = {str(u.get("id")): u for u in load_records(source, "users", "users")}
    segments = {str(s.get("id")): s for s in load_records(source, "user_segments", "user_segments")}
    folder = source if source.is_dir() else source.parent
    notes: list[str] = []

    locales = Counter(text_of(a.get("locale")) for a in articles)
    main_locale = locales.most_common(1)[0][0]
    seen: set[str] = set()
    converted: list[SourceArticle] = []
    for record in articles:
        key = text_of(record.get("id"))
        title = text_of(record.get("title"))
        if not key or not title:
            notes.append(f"skipped an article without {'an id' if not key else 'a title'} (id {key or '?'})")
            continue
        locale = text_of(record.get("locale"))
        if key in seen or (locale and locale != main_locale):
            notes.append(f"skipped the {locale or 'extra'} translation of article {key} ({title!r}): one language per import")
            continue
        seen.add(key)
        section = sections.get(str(record.get("section_id")), {})
        category_key = str(section["category_id"]) if section.get("category_id") is not None else None
        audience, restriction = _visibility(record, segments)
        author = users.get(str(record.get("author_id")), {})
        html_url = text_of(record.get("html_url"))
        old_urls = [url_path(html_url)] if html_url else []
        if old_urls:
            prefix = old_urls[0].split("/articles/", 1)[0]
            old_urls.append(f"{prefix}/articles/{key}")
        converted.append(
            SourceArticle(
                key=key,
                title=title,
                html=clean_text(record.get("body")),
                category_key=category_key if category_key in categories else None,
                section=text_of(section.get("name")),
                audience=audience,
                restriction=restriction,
                tags=tuple(text_of(t) for t in _list(record.get("label_names")) if text_of(t)),
                owner=owner_handle(text_of(author.get("name")), text_of(author.get("email"))),
                updated=parse_timestamp(record.get("edited_at") or record.get("updated_at")),
                old_urls=tuple(dict.fromkeys(u for u in old_urls if u)),
                locale=locale,
            )
        )
    for record in articles:
        if str(record.get("section_id")) not in sections and sections:
            notes.append(f"article {record.get('id')} is in section {record.get('section_id')}, which the export lacks: no category")
    return SourceExport(
        vendor="zendesk",
        vendor_title="Zendesk Guide",
        categories=tuple(
            SourceCategory(key=k, title=text_of(c.get("name")) or f"Category {k}", description=text_of(c.get("description")), position=int_of(c.get("position")))
            for k, c in categories.items()
        ),
        articles=tuple(converted),
        files_root=folder,
        article_key_for_url=article_key_for_url,
        notes=tuple(dict.fromkeys(notes)),
    )


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _visibility(record: dict[str, Any], segments: dict[str, dict[str, Any]]) -> tuple[Audience, str]:
    """('public', '') for articles everyone may see; ('internal', why) for drafts and restricted ones."""
    if record.get("draft"):
        return "internal", "a draft in Zendesk"
    segment_id = record.get("user_segment_id")
    if segment_id is not None:
        segment = segments.get(str(segment_id), {})
        who = text_of(segment.get("name")) or ("agents only" if segment.get("user_type") == "staff" else "")
        return "internal", f"restricted in Zendesk to {who or f'user segment {segment_id}'}"
    return "public", ""
