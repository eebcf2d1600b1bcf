"""What the site's templates receive from the plugin: plain text and site-relative URLs.

Templates escape every text field (`| e`) and turn URLs relative to the page (`| url`).
"""

from __future__ import annotations

from dataclasses import dataclass

from supportkb.generator.site.pages import ArticleLink


@dataclass(frozen=True)
class SiteView:
    """Site-wide settings the templates need (Jinja global `kb`)."""

    search: str
    """'material' or 'pagefind'."""
    feedback_endpoint: str
    """Where "Was this helpful?" posts; empty: no widget."""
    events_endpoint: str
    """Where kb-events.js sends usage events; empty: it is not loaded."""
    brand_color: str | None
    tagline: str
    stable_links: bool


@dataclass(frozen=True)
class Breadcrumb:
    title: str
    url: str
    """Site-relative; '' is the home page."""


@dataclass(frozen=True)
class ArticleView:
    """One article page's extras (template variable `kb_article`)."""

    id: str
    title: str
    url: str
    stable_url: str
    """Site-relative link that survives moves ('a/<id>/'); copy-link buttons give it with the #anchor."""
    breadcrumbs: tuple[Breadcrumb, ...]
    related: tuple[ArticleLink, ...]
    aliases: tuple[str, ...]
    tags: tuple[str, ...]
    category: str
    """The category's title ('' when it has none)."""
