"""Stable links: /a/<id>/ for every public article, and the old URLs recorded in `redirect_from`.

Each becomes a small HTML page that sends the browser on to the article's canonical URL and
keeps the `#fragment`, so agents' `/a/1042/#section` links land on the section.
"""

from __future__ import annotations

import html
import json
import posixpath
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import quote, urljoin

from mkdocs.utils import get_relative_url

from supportkb.generator.core.articles import Article, url_for_path
from supportkb.generator.core.errors import Diagnostic

STABLE_PREFIX = "a"
"""Folder of the id links: /a/<id>/."""


@dataclass(frozen=True)
class Redirect:
    """One redirect page: `source` (a site-relative file path) sends the browser to `target`."""

    source: str
    """Site-relative path of the redirect page, e.g. 'a/1042/index.html'."""
    target: str
    """Site-relative URL of the article, e.g. 'integrations/connect-quickbooks-online/'."""
    article_id: str
    kind: str
    """'id' for /a/<id>/, 'moved' for a redirect_from entry."""


def stable_url(article_id: str) -> str:
    """Site-relative URL of an article's id link, e.g. 'a/1042/'."""
    return f"{STABLE_PREFIX}/{quote(article_id, safe='/')}/"


def source_path(old_url: str) -> str | None:
    """Where the redirect page for an old URL lives in the site; None if it cannot have one.

    'help/import/' and '/help/import' -> 'help/import/index.html'; 'old.html' stays; an old
    Markdown path 'billing/refunds.md' means the URL MkDocs gave it, 'billing/refunds/'.
    """
    value = old_url.strip().split("#", 1)[0].split("?", 1)[0]
    if "://" in value or value.startswith("//"):
        return None
    value = value.lstrip("/")
    if value.endswith(".md"):
        value = url_for_path(PurePosixPath(value))
    parts = [p for p in value.split("/") if p]
    if not parts or any(p in (".", "..") for p in parts):
        return None
    if parts[-1].endswith((".html", ".htm")):
        return "/".join(parts)
    return "/".join(parts) + "/index.html"


def plan_redirects(
    articles: Sequence[Article],
    urls: Mapping[str, str],
    *,
    taken: Iterable[str],
    shown_path: Mapping[str, str] | None = None,
    with_id_links: bool = True,
) -> tuple[tuple[Redirect, ...], tuple[Diagnostic, ...]]:
    """The redirect pages for public articles, and the conflicts that prevent some.

    urls: article id -> its site-relative URL. taken: site-relative paths of files the build
    writes anyway (pages, assets); an old URL may not hide one of them.
    """
    occupied = set(taken)
    claimed: dict[str, Redirect] = {}
    problems: list[Diagnostic] = []
    for article in articles:
        if article.is_internal or article.id not in urls:
            continue
        target = urls[article.id]
        shown = (shown_path or {}).get(article.id, str(article.path))
        wanted: list[tuple[str, str]] = []
        # An id or old URL with no place in the site is refused by validate_kb (bad-id,
        # bad-redirect) before any build gets here; it is never written.
        if with_id_links:
            id_source = source_path(stable_url(article.id))
            if id_source is not None:
                wanted.append((id_source, "id"))
        for old_url in article.redirect_from:
            old_source = source_path(old_url)
            if old_source is not None:
                wanted.append((old_source, "moved"))
        for source, kind in wanted:
            if source in occupied:
                problems.append(Diagnostic(shown, article.line_of("redirect_from" if kind == "moved" else "id"), 1, "error", f"{'/' + source.removesuffix('index.html')!r} is a page of the site; it cannot redirect", "remove it from redirect_from", "redirect-hides-page"))
                continue
            earlier = claimed.get(source)
            if earlier is not None:
                if earlier.article_id != article.id:
                    problems.append(Diagnostic(shown, article.line_of("redirect_from"), 1, "error", f"{'/' + source.removesuffix('index.html')!r} already redirects to article {earlier.article_id!r}", "an old URL can lead to one article only", "duplicate-redirect"))
                continue
            claimed[source] = Redirect(source=source, target=target, article_id=article.id, kind=kind)
    return tuple(claimed.values()), tuple(problems)


def redirect_page_html(redirect: Redirect, *, site_url: str | None) -> str:
    """A page that moves the browser on to the article, keeping the query and #fragment."""
    relative = get_relative_url(redirect.target or ".", redirect.source)
    if redirect.target.endswith("/") and not relative.endswith("/"):
        relative += "/"
    canonical = urljoin(site_url, redirect.target) if site_url else relative
    script_target = json.dumps(relative).replace("</", "<\\/")
    shown = html.escape(relative)
    return (
        "<!doctype html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        "<title>Redirecting…</title>\n"
        '<meta name="robots" content="noindex">\n'
        f'<link rel="canonical" href="{html.escape(canonical)}">\n'
        f"<script>location.replace({script_target} + location.search + location.hash)</script>\n"
        f'<meta http-equiv="refresh" content="0; url={shown}">\n'
        "</head>\n<body>\n"
        f'<p>This article is now at <a href="{shown}">{shown}</a>.</p>\n'
        "</body>\n</html>\n"
    )


def write_redirects(site_dir: Path, redirects: Iterable[Redirect], *, site_url: str | None) -> int:
    """Write each redirect page under site_dir; returns how many were written."""
    written = 0
    made: set[Path] = set()
    for redirect in redirects:
        source = posixpath.normpath(redirect.source)
        if source == ".." or source.startswith(("../", "/")):
            continue  # source_path() already refuses '..'; never write outside the site.
        path = site_dir / source
        if path.parent not in made:  # One mkdir per folder: thousands of /a/<id>/ pages.
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        path.write_text(redirect_page_html(redirect, site_url=site_url), encoding="utf-8")
        written += 1
    return written


def resolve_redirect(site_dir: Path, source: str) -> str | None:
    """The site-relative file a redirect page leads to, or None if it leads nowhere (for tests and checks)."""
    page = site_dir / source
    text = page.read_text(encoding="utf-8")
    marker = "location.replace("
    start = text.index(marker) + len(marker)
    relative = json.loads(text[start : text.index(" + location.search", start)])
    target = posixpath.normpath(posixpath.join(posixpath.dirname(source), relative))
    candidates = [target + "/index.html", target] if not target.endswith(".html") else [target]
    for candidate in candidates:
        if (site_dir / candidate).is_file():
            return candidate
    return None

