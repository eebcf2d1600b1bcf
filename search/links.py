"""Paste-ready renderings of search hits: text, Markdown, HTML, bare URLs and JSON."""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from supportkb.generator.core.escape import markdown_link_destination, markdown_link_text
from supportkb.search.query import MARK_CLOSE, MARK_OPEN, Hit, SearchResults

FORMATS = ("text", "md", "html", "url", "json")


def canonical_url(site_url: str, url: str, anchor: str) -> str:
    """The article's URL (+ '#anchor'): absolute under site_url when there is one."""
    link = quote(url, safe="/:@!$&'()*+,;=-._~%") + (f"#{anchor}" if anchor else "")
    if not site_url:
        return link
    return site_url.rstrip("/") + "/" + link.lstrip("/")


def short_url(site_url: str, article_id: str, anchor: str) -> str:
    """The short, stable link the site redirects: <site_url>a/<id>/#anchor."""
    link = (
        "a/" + quote(article_id.strip("/"), safe="/-._~") + "/" + (f"#{anchor}" if anchor else "")
    )
    return (site_url.rstrip("/") + "/" if site_url else "/") + link


def markdown_link(hit: Hit, site_url: str) -> str:
    """[Title](https://help.example.com/a/123/#section), ready to paste into a reply."""
    target = short_url(site_url, hit.article_id, hit.section) if site_url else hit.url
    label = f"{hit.title} › {hit.section_title}" if hit.section and hit.section_title else hit.title
    return f"[{markdown_link_text(label)}]({markdown_link_destination(target)})"



def hit_record(hit: Hit, *, path_prefix: str = "") -> dict[str, Any]:
    """The JSON shape of a hit (the batch contract's fields first)."""
    return {
        "path": path_prefix + hit.path,
        "id": hit.article_id,
        "title": hit.title,
        "url": hit.url,
        "section": hit.section,
        "score": hit.score,
        "section_title": hit.section_title,
        "snippet": hit.snippet,
        "matched_terms": list(hit.matched_terms),
        "internal": hit.is_internal,
    }


def results_record(results: SearchResults, *, path_prefix: str = "") -> dict[str, Any]:
    record: dict[str, Any] = {
        "query": results.query,
        "results": [hit_record(hit, path_prefix=path_prefix) for hit in results.hits],
    }
    if results.did_you_mean:
        record["did_you_mean"] = results.did_you_mean
        record["fuzzy"] = results.is_fuzzy
    if results.ignored:
        record["note"] = results.ignored
    return record


def render(
    results: SearchResults,
    fmt: str,
    *,
    site_url: str = "",
    color: bool = False,
    explain: bool = False,
) -> str:
    """The whole answer to one query in one of FORMATS."""
    if fmt == "json":
        return json.dumps(results_record(results), ensure_ascii=False)
    hits = results.hits
    if fmt == "url":
        return "\n".join(hit.url for hit in hits)
    if fmt == "md":
        return "\n".join(f"- {markdown_link(hit, site_url)}" for hit in hits)
    if fmt == "html":
        return render_html(hits, site_url)
    return render_text(results, color=color, explain=explain)


def render_text(results: SearchResults, *, color: bool = False, explain: bool = False) -> str:
    lines: list[str] = []
    for rank, hit in enumerate(results.hits, start=1):
        where = f" › {hit.section_title}" if hit.section else ""
        badge = " [internal]" if hit.is_internal else ""
        lines.append(f"{rank}. {hit.title}{where}{badge}  ({hit.score:.2f})")
        lines.append(f"   {hit.url}")
        if hit.snippet:
            snippet = hit.snippet
            if color:
                snippet = snippet.replace(MARK_OPEN, "\x1b[1;33m").replace(MARK_CLOSE, "\x1b[0m")
            lines.append(f"   {snippet}")
        if explain:
            lines.append(f"   why: {hit.explain()}")
    return "\n".join(lines)


def render_html(hits: Sequence[Hit], site_url: str) -> str:
    items = []
    for hit in hits:
        target = short_url(site_url, hit.article_id, hit.section) if site_url else hit.url
        snippet = (
            html.escape(hit.snippet).replace(MARK_OPEN, "<mark>").replace(MARK_CLOSE, "</mark>")
        )
        label = html.escape(
            hit.title + (f" › {hit.section_title}" if hit.section and hit.section_title else "")
        )
        items.append(f'<li><a href="{html.escape(target)}">{label}</a><p>{snippet}</p></li>')
    return "<ul>\n" + "\n".join(items) + "\n</ul>" if items else ""
