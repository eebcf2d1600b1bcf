"""Freshdesk Solutions: categories, folders and articles as the API returns them.

Two shapes are read: a folder of the v2 API's flat lists (categories.json, folders.json,
articles.json; articles carry category_id and folder_id), or one nested file where each category
holds its folders and each folder its articles (the v1 API and account-export shape, with or without
{"category": {...}} wrappers). Images are looked up among the export's files by their URL's path.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from supportkb.generator.core.articles import Audience
from supportkb.generator.importers.exportfiles import (
    ExportError,
    clean_text,
    int_of,
    load_records,
    owner_handle,
    read_json,
    records,
    text_of,
)
from supportkb.generator.importers.model import (
    SourceArticle,
    SourceCategory,
    SourceExport,
    new_record_identity,
    parse_timestamp,
)
from supportkb.generator.core.slug import file_slug

_ARTICLE_URL = re.compile(r"/solutions/articles/(\d+)")
_VISIBILITY = {
    2: "logged-in customers",
    3: "agents only",
    4: "selected companies",
    5: "bots",
    6: "selected contact segments",
    7: "selected company segments",
}
"""Freshdesk folder visibility codes other than 1 (all users)."""


def article_key_for_url(url: str) -> str | None:
    match = _ARTICLE_URL.search(url)
    return match.group(1) if match else None


def _unwrap(record: Any, key: str) -> Any:
    """{"category": {...}} -> {...}; other values unchanged."""
    if isinstance(record, dict) and set(record) == {key} and isinstance(record[key], dict):
        return record[key]
    return record


def read_export(source: Path) -> SourceExport:
    """Read a Freshdesk solutions export (folder of v2 lists, or one nested JSON file)."""
    categories: dict[str, dict[str, Any]] = {}
    folders: dict[str, dict[str, Any]] = {}
    articles: list[dict[str, Any]] = []
    nested_file = source if source.is_file() else next((p for p in (source / "solutions.json", source / "Solutions.json") if p.is_file()), None)
    if nested_file is not None:
        for raw in records(read_json(nested_file, is_given=nested_file == source), "categories", "solutions", "data"):
            category = _unwrap(raw, "category")
            if not isinstance(category, dict):
                continue
            category_id = str(category.get("id"))
            categories[category_id] = category
            for raw_folder in _list(category.get("folders")):
                folder = _unwrap(raw_folder, "folder")
                if not isinstance(folder, dict):
                    continue
                folder_id = str(folder.get("id"))
                folders[folder_id] = {**folder, "category_id": folder.get("category_id", category.get("id"))}
                for raw_article in _list(folder.get("articles")):
                    article = _unwrap(raw_article, "article")
                    if not isinstance(article, dict):
                        continue
                    articles.append({**article, "folder_id": article.get("folder_id", folder.get("id")), "category_id": article.get("category_id", category.get("id"))})
    else:
        categories = {str(c.get("id")): c for c in load_records(source, "categories", "categories")}
        folders = {str(f.get("id")): f for f in load_records(source, "folders", "folders")}
        articles = load_records(source, "articles", "articles")
    if not articles:
        raise ExportError(
            "no Freshdesk solution articles found",
            path=source,
            hint="pass a folder holding categories.json, folders.json and articles.json (API v2), or one nested solutions JSON file",
        )
    agents = {str(a.get("id")): a for a in (load_records(source, "agents", "agents") if source.is_dir() else [])}
    notes: list[str] = []
    converted: list[SourceArticle] = []
    seen: set[str] = set()
    for record in articles:
        identity = new_record_identity(record, seen, notes)
        if identity is None:
            continue
        key, title = identity
        folder = folders.get(str(record.get("folder_id")), {})
        raw_category = record.get("category_id", folder.get("category_id"))
        category_key = str(raw_category) if raw_category is not None and str(raw_category) in categories else None
        audience, restriction = _visibility(record, folder)
        agent = agents.get(str(record.get("agent_id")), {})
        contact: dict[str, Any] = agent["contact"] if isinstance(agent.get("contact"), dict) else agent
        seo: dict[str, Any] = record["seo_data"] if isinstance(record.get("seo_data"), dict) else {}
        slug = file_slug(title)
        converted.append(
            SourceArticle(
                key=key,
                title=title,
                html=clean_text(record.get("description")),
                category_key=category_key,
                section=text_of(folder.get("name")),
                audience=audience,
                restriction=restriction,
                summary=text_of(seo.get("meta_description")),
                tags=tuple(text_of(t) for t in _list(record.get("tags")) if text_of(t)),
                owner=owner_handle(text_of(contact.get("name")), text_of(contact.get("email"))),
                updated=parse_timestamp(record.get("updated_at")),
                old_urls=(f"support/solutions/articles/{key}-{slug}", f"support/solutions/articles/{key}"),
            )
        )
    return SourceExport(
        vendor="freshdesk",
        vendor_title="Freshdesk Solutions",
        categories=tuple(
            SourceCategory(key=k, title=text_of(c.get("name")) or f"Category {k}", description=text_of(c.get("description")), position=int_of(c.get("position")))
            for k, c in categories.items()
        ),
        articles=tuple(converted),
        files_root=source if source.is_dir() else source.parent,
        article_key_for_url=article_key_for_url,
        notes=tuple(dict.fromkeys(notes)),
    )


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _visibility(article: dict[str, Any], folder: dict[str, Any]) -> tuple[Audience, str]:
    if article.get("status") == 1:
        return "internal", "a draft in Freshdesk"
    visibility = folder.get("visibility", 1)
    if visibility not in (1, None):
        who = _VISIBILITY.get(visibility, f"visibility {visibility}")
        return "internal", f"its Freshdesk folder is visible to {who}"
    return "public", ""
