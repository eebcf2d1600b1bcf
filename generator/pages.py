"""Markdown for the pages the build generates: the home page and one page per category."""

from __future__ import annotations

from collections.abc import Sequence

from generator.articles import Article
from generator.categories import Category


def _link(article: Article, from_dir: str) -> str:
    depth = from_dir.count("/") if from_dir else 0
    return "../" * depth + str(article.path)


def home_page_markdown(site_name: str, categories: Sequence[Category], articles: Sequence[Article]) -> str:
    """The help center's front page: its categories and their article counts."""
    lines = [f"# {_escape(site_name or 'Help center')}", ""]
    counts = {c.id: sum(1 for a in articles if a.category == c.id) for c in categories}
    for category in categories:
        lines.append(f"- [{_escape(category.title)}]({category.id}/index.md) ({counts[category.id]} articles)")
    return "\n".join(lines) + "\n"


def category_page_markdown(category: Category, articles: Sequence[Article]) -> str:
    """A category's page: its description and every public article in it, by title."""
    lines = [f"# {_escape(category.title)}", ""]
    if category.description:
        lines += [_escape(category.description), ""]
    for article in sorted(articles, key=lambda a: a.title.lower()):
        lines.append(f"- [{_escape(article.title)}]({_link(article, category.id + '/')})")
    return "\n".join(lines) + "\n"


def _escape(text: str) -> str:
    """Front-matter text placed into generated Markdown must not become HTML or links."""
    replacements = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "[": "&#91;", "]": "&#93;", "*": "&#42;", "_": "&#95;", "`": "&#96;"}
    return "".join(replacements.get(ch, ch) for ch in text)
