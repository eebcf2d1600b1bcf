"""Help-center categories from kb/categories.yml."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import yaml

from supportkb.generator.core.derived import title_from_name
from supportkb.generator.core.errors import ConfigError


@dataclass(frozen=True)
class Category:
    """One category of the help center."""

    id: str
    title: str
    description: str = ""
    icon: str = ""
    """A Material icon name, e.g. 'material/rocket-launch'."""
    line: int = 1
    """1-based line in categories.yml."""
    derived: bool = False
    """Not in categories.yml: made from an article folder's name (see help_center_categories)."""


class _Categorised(Protocol):
    @property
    def category(self) -> str | None: ...

    @property
    def derived(self) -> frozenset[str]: ...


def help_center_categories(listed: tuple[Category, ...], articles: Iterable[_Categorised]) -> tuple[Category, ...]:
    """The help center's categories: categories.yml's, then one per article folder it does not list.

    An article's derived category (its top folder) always gets a category page, titled from
    the folder's name ('getting-started' -> 'Getting started') unless categories.yml names it.
    A category written in front matter gets one too when there is no categories.yml to check
    it against; with one, an unlisted written category stays an error (a typo, most likely).
    """
    known = {c.id for c in listed}
    added: dict[str, Category] = {}
    for article in articles:
        category = article.category
        if category is None or category in known or category in added:
            continue
        if "category" in article.derived or not listed:
            added[category] = Category(id=category, title=title_from_name(category), derived=True)
    return listed + tuple(added.values())


def load_categories(path: Path) -> tuple[Category, ...]:
    """Read categories.yml: a mapping of category id to title, description and icon.

    A missing file means no categories (any folder of Markdown still works).
    """
    if not path.exists():
        return ()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read categories: {exc}", path=path, hint="save it as UTF-8 text") from exc
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        raise ConfigError(
            f"invalid YAML: {exc.problem}",
            path=path,
            line=mark.line + 1 if mark else None,
            hint="indent with spaces and quote values containing ': '",
        ) from exc
    if data is None:
        return ()
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        raise ConfigError(
            "categories.yml must map each category id to its title and description",
            path=path,
            line=1,
            hint="write e.g.\n  billing:\n    title: Account and billing\n    description: Plans, invoices and payments",
        )
    lines = {str(k.value): k.start_mark.line + 1 for k, _ in node.value}
    categories = []
    for key, value in data.items():
        category_id = str(key)
        if isinstance(value, str):
            value = {"title": value}
        if not isinstance(value, dict) or not value.get("title"):
            raise ConfigError(
                f"category {category_id!r} needs a title",
                path=path,
                line=lines.get(category_id),
                hint=f"write '{category_id}:' then an indented 'title: ...'",
            )
        categories.append(
            Category(
                id=category_id,
                title=str(value["title"]),
                description=str(value.get("description", "") or ""),
                icon=str(value.get("icon", "") or ""),
                line=lines.get(category_id, 1),
            )
        )
    return tuple(categories)
