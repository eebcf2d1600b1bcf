"""Search-engine and link-preview data: descriptions, Open Graph tags and robots.txt."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin

ROBOTS_FILE = "robots.txt"


@dataclass(frozen=True)
class OpenGraph:
    """Open Graph properties of one page (plain text; templates escape them)."""

    type: str
    title: str
    description: str
    url: str | None
    site_name: str
    image: str | None = None


def open_graph(
    *, title: str, description: str, canonical_url: str | None, site_name: str, is_article: bool, image: str | None = None
) -> OpenGraph:
    return OpenGraph(
        type="article" if is_article else "website",
        title=title or site_name,
        description=description,
        url=canonical_url,
        site_name=site_name,
        image=image,
    )


def absolute_url(site_url: str | None, path: str | None) -> str | None:
    """path on the site as an absolute URL; None without site_url (crawlers need absolute ones)."""
    if not site_url or not path:
        return None
    return urljoin(site_url if site_url.endswith("/") else site_url + "/", path)


def robots_txt(site_url: str | None) -> str:
    """Allow everything and point crawlers at the sitemap."""
    lines = ["User-agent: *", "Allow: /"]
    sitemap = absolute_url(site_url, "sitemap.xml")
    if sitemap:
        lines.append(f"Sitemap: {sitemap}")
    return "\n".join(lines) + "\n"
