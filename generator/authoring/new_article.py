"""`kb new`: a new article file with complete front matter, ready to write."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from supportkb.generator.core.articles import Audience, load_articles
from supportkb.generator.core.categories import load_categories
from supportkb.generator.core.errors import KBError
from supportkb.generator.core.frontmatter import yaml_quote
from supportkb.generator.core.project import Project, display_path
from supportkb.generator.core.slug import file_slug

DEFAULT_REVIEW_EVERY = "180d"
FIRST_ID = 1000


@dataclass(frozen=True)
class NewArticle:
    """What `kb new` wrote."""

    path: Path
    id: str
    title: str
    category: str | None
    owner: str | None


def next_free_id(ids: Iterable[str]) -> str:
    """One more than the largest id of the most common form ('1041' -> '1042', 'kb-007' -> 'kb-008')."""
    ids = list(ids)
    forms: Counter[tuple[str, int]] = Counter()
    highest: dict[tuple[str, int], int] = {}
    for article_id in ids:
        match = re.fullmatch(r"(.*?)(\d+)", article_id)
        if not match:
            continue
        prefix, digits = match.groups()
        width = len(digits) if digits.startswith("0") else 0
        forms[(prefix, width)] += 1
        highest[(prefix, width)] = max(highest.get((prefix, width), 0), int(digits))
    if not forms:
        return str(FIRST_ID)
    (prefix, width), _count = max(forms.items(), key=lambda item: (item[1], item[0]))
    taken = set(ids)
    number = highest[(prefix, width)] + 1
    while f"{prefix}{str(number).zfill(width)}" in taken:
        number += 1
    return f"{prefix}{str(number).zfill(width)}"


def git_owner(folder: Path) -> str | None:
    """The writer's handle from git config: the part of user.email before '@', else user.name."""
    for key in ("user.email", "user.name"):
        try:
            result = subprocess.run(
                ["git", "config", "--get", key], cwd=folder, capture_output=True, text=True, timeout=10, check=False
            )
        except (OSError, subprocess.TimeoutExpired):
            return None  # No git here: the owner is left for the writer to fill in.
        value = result.stdout.strip()
        if result.returncode == 0 and value:
            return value.split("@", 1)[0] if key == "user.email" else value
    return None


def create_article(
    project: Project,
    title: str,
    *,
    category: str | None = None,
    audience: Audience = "public",
    summary: str = "",
    tags: tuple[str, ...] = (),
    owner: str | None = None,
    today: dt.date | None = None,
) -> NewArticle:
    """Write kb/articles/<category>/<slug>.md with the next free id; refuses empty or taken titles."""
    title = " ".join(title.split())
    if not title:
        raise KBError("the title is empty", hint='pass the question the article answers, e.g. kb new "Reset your password"')
    slug = file_slug(title)
    if not slug:
        raise KBError(f"the title {title!r} has no letters or digits", hint="write the title in words, e.g. \"Why was I charged twice?\"")
    categories = load_categories(project.categories_file)
    category_ids = [c.id for c in categories]
    if category is None and categories:
        raise KBError("no category given", hint=f"pass --category, one of: {', '.join(category_ids)}")
    if category is not None and categories and category not in category_ids:
        import difflib

        close = difflib.get_close_matches(category, category_ids, n=1)
        hint = f"did you mean {close[0]!r}?" if close else f"one of: {', '.join(category_ids)}"
        raise KBError(f"unknown category {category!r}", path=project.categories_file, hint=hint)
    if category is not None and not re.fullmatch(r"[\w.-]+(/[\w.-]+)*", category):
        raise KBError(f"category {category!r} cannot be a folder name", hint="use letters, digits, '-' and '_'")

    loaded = load_articles(project.articles_dir, display_root=Path.cwd())
    wanted = title.casefold()
    for article in loaded.articles:
        if article.title.casefold() == wanted:
            raise KBError(
                f"an article titled {article.title!r} already exists: {loaded.shown_path(article)}",
                hint="edit that article, or give the new one a title that says how it differs",
            )
    folder = project.articles_dir / category if category else project.articles_dir
    path = folder / f"{slug}.md"
    if path.exists():
        raise KBError(f"{display_path(path)} already exists", hint="choose a different title")

    article_id = next_free_id([a.id for a in loaded.articles])
    owner = owner if owner is not None else git_owner(project.root)
    today = today or dt.date.today()
    text = article_markdown(
        article_id=article_id, title=title, summary=summary, category=category, tags=tags,
        audience=audience, owner=owner, reviewed=today,
    )
    folder.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, "x", encoding="utf-8") as out:  # 'x': never overwrite a file that just appeared
            out.write(text)
    except FileExistsError as exc:
        raise KBError(f"{display_path(path)} already exists", hint="choose a different title") from exc
    return NewArticle(path=path, id=article_id, title=title, category=category, owner=owner)


def article_markdown(
    *,
    article_id: str,
    title: str,
    summary: str,
    category: str | None,
    tags: tuple[str, ...],
    audience: str,
    owner: str | None,
    reviewed: dt.date,
) -> str:
    """The new file: every front-matter key supportkb uses, then a heading and a writing prompt."""
    lines = [
        "---",
        f"id: {yaml_quote(article_id)}",
        f"title: {yaml_quote(title)}",
        f"summary: {yaml_quote(summary)}  # one sentence, shown in search results",
        *([f"category: {yaml_quote(category)}"] if category else []),
        f"tags: [{', '.join(yaml_quote(t) for t in tags)}]",
        "aliases: []  # how customers phrase the question",
        f"audience: {audience}  # public, or internal for agents only",
        f"owner: {yaml_quote(owner or '')}  # who keeps this article right",
        f"reviewed: {reviewed.isoformat()}",
        f"review_every: {DEFAULT_REVIEW_EVERY}",
        "related: []  # ids of articles to show next",
        "---",
        "",
        f"# {title}",
        "",
        "<!-- Answer the question in the first sentence, then give the steps. -->",
        "",
    ]
    return "\n".join(lines)

