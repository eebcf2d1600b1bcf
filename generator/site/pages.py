"""The pages the build generates (home, one per category) and what their templates show.

Front-matter text is escaped here, once, wherever it goes into generated Markdown or HTML.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml
from mkdocs.utils import get_relative_url

from supportkb.generator.core.articles import Article
from supportkb.generator.core.categories import Category
from supportkb.generator.core.errors import ConfigError
from supportkb.generator.core.escape import markdown_text

FEATURED_FILE = "featured.yml"
"""Optional list of article ids in kb/, shown first among the home page's popular articles."""


@dataclass(frozen=True)
class ArticleLink:
    """An article as lists show it: title, summary and its site-relative URL."""

    id: str
    title: str
    url: str
    summary: str = ""


@dataclass(frozen=True)
class CategoryCard:
    """A category as the home page's grid shows it."""

    id: str
    title: str
    description: str
    icon: str | None
    """Theme icon name, e.g. 'material/rocket-launch'; None when the theme has no such icon."""
    url: str
    count: int


@dataclass(frozen=True)
class HomeView:
    """What the home page template shows under the search box."""

    categories: tuple[CategoryCard, ...]
    featured: tuple[ArticleLink, ...]


def category_src_uri(category: Category) -> str:
    return f"{category.id}/index.md"


def home_page_markdown(site_name: str) -> str:
    """The home page's source: the home template draws the search box, categories and popular articles."""
    front = {
        "template": "home.html",
        "title": site_name or "Help center",
        "hide": ["navigation", "toc", "feedback"],
        "search": {"exclude": True},
    }
    return "---\n" + yaml.safe_dump(front, sort_keys=False, allow_unicode=True) + "---\n"


def category_page_markdown(
    category: Category, articles: Sequence[Article], urls: Mapping[str, str], *, page_url: str
) -> str:
    """A category's page: its description and every public article in it, featured ones first."""
    front = {"title": category.title, "hide": ["toc"]}
    if category.description:
        front["description"] = category.description
    lines = ["---", yaml.safe_dump(front, sort_keys=False, allow_unicode=True).rstrip("\n"), "---", ""]
    lines += [f"# {markdown_text(category.title)}", ""]
    if category.description:
        lines += [f'<p class="kb-lead">{html.escape(category.description)}</p>', ""]
    ordered = sorted(articles, key=lambda a: (not a.featured, a.title.lower(), a.id))
    if not ordered:
        lines.append('<p class="kb-empty">No articles in this category yet.</p>')
        return "\n".join(lines) + "\n"
    count = len(ordered)
    lines.append(f'<p class="kb-count">{count} article{"" if count == 1 else "s"}</p>')
    lines.append("")
    lines.append('<ul class="kb-article-list">')
    for article in ordered:
        href = html.escape(get_relative_url(urls[article.id], page_url), quote=True)
        item = f'<li><a href="{href}">{html.escape(article.title)}</a>'
        if article.summary:
            item += f'<span class="kb-article-list__summary">{html.escape(article.summary)}</span>'
        lines.append(item + "</li>")
    lines.append("</ul>")
    return "\n".join(lines) + "\n"


def home_view(
    categories: Sequence[Category],
    articles: Sequence[Article],
    urls: Mapping[str, str],
    category_urls: Mapping[str, str],
    *,
    featured_ids: Sequence[str] = (),
    featured_limit: int = 6,
    icon_exists: Callable[[str], bool] | None = None,
) -> HomeView:
    """The home page's category grid (with article counts) and its popular articles.

    Popular articles: the ids in kb/featured.yml in their order, then `featured: true` articles by title.
    icon_exists: a callable telling whether the theme has an icon; unknown icons are left out.
    """
    counts: dict[str, int] = {}
    for article in articles:
        if article.category is not None:
            counts[article.category] = counts.get(article.category, 0) + 1
    cards = tuple(
        CategoryCard(
            id=c.id,
            title=c.title,
            description=c.description,
            icon=c.icon if c.icon and (icon_exists is None or icon_exists(c.icon)) else None,
            url=category_urls[c.id],
            count=counts.get(c.id, 0),
        )
        for c in categories
        if c.id in category_urls
    )
    by_id = {a.id: a for a in articles}
    chosen: list[Article] = [by_id[i] for i in dict.fromkeys(featured_ids) if i in by_id]
    chosen += sorted((a for a in articles if a.featured and a not in chosen), key=lambda a: a.title.lower())
    featured = tuple(article_link(a, urls) for a in chosen[: max(0, featured_limit)])
    return HomeView(categories=cards, featured=featured)


def article_link(article: Article, urls: Mapping[str, str]) -> ArticleLink:
    return ArticleLink(id=article.id, title=article.title, url=urls[article.id], summary=article.summary)


def load_featured_ids(kb_dir: Path) -> tuple[str, ...]:
    """Article ids listed in kb/featured.yml (a YAML list, or a mapping with an 'articles' list)."""
    path = kb_dir / FEATURED_FILE
    if not path.is_file():
        return ()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read featured articles: {exc}", path=path, hint="write a YAML list of article ids") from exc
    if isinstance(data, dict):
        data = data.get("articles")
    if data is None:
        return ()
    if not isinstance(data, list):
        raise ConfigError("featured.yml must be a list of article ids", path=path, line=1, hint='write e.g. ["1001", "1042"]')
    return tuple(str(item) for item in data)

