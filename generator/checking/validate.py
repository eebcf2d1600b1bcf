"""Validation of a loaded knowledge base: every problem in one pass, as path:line:col findings."""

from __future__ import annotations

import difflib
import posixpath
from collections import defaultdict
from pathlib import PurePosixPath

from supportkb.generator.core.articles import KNOWN_KEYS, Article, LoadResult
from supportkb.generator.core.categories import Category
from supportkb.generator.core.errors import Diagnostic, Severity
from supportkb.generator.core.links import article_for_reference, resolve_link
from supportkb.generator.site.redirects import plan_redirects, source_path, stable_url


def validate_kb(
    loaded: LoadResult,
    categories: tuple[Category, ...] = (),
    *,
    strict: bool = False,
    check_unknown_keys: bool = True,
    stable_links: bool = True,
) -> list[Diagnostic]:
    """All findings for a loaded knowledge base, loader problems included, sorted by place.

    `kb check` and every build run this same function, so a commit the pre-commit hook passes
    builds. strict: warnings become errors. stable_links: the build writes /a/<id>/ pages
    (the plugin's `stable_links` option), so ids must not clash with old URLs.
    """
    findings: list[Diagnostic] = list(loaded.diagnostics)
    by_path = {str(a.path): a for a in loaded.articles}
    by_id: dict[str, list[Article]] = defaultdict(list)
    for article in loaded.articles:
        by_id[article.id].append(article)
    first_by_id = {article_id: twins[0] for article_id, twins in by_id.items()}
    category_ids = {c.id for c in categories}

    for article in loaded.articles:
        shown = loaded.shown_path(article)

        def add(line: int, severity: Severity, message: str, hint: str | None, code: str, col: int = 1) -> None:
            findings.append(Diagnostic(shown, line, col, severity, message, hint, code))

        twins = by_id[article.id]
        if article.has_front_matter and "id" in article.meta and len(twins) > 1:
            others = ", ".join(loaded.shown_path(a) for a in twins if a is not article)
            add(article.line_of("id"), "error", f"duplicate id {article.id!r}, also used by {others}", "ids are permanent short links; give one of the articles a new id", "duplicate-id")
        if article.has_front_matter and "id" not in article.meta:
            add(1, "warning", "no 'id'", "add a permanent 'id: ...' so the article gets a short link that survives moves", "missing-id")

        if article.category is not None and categories and article.category not in category_ids:
            add(article.line_of("category"), "error", f"unknown category {article.category!r}", _did_you_mean(article.category, category_ids, "categories.yml"), "unknown-category")
        elif article.has_front_matter and categories and article.category is None:
            add(1, "warning", "no 'category'", f"add 'category: ...', one of: {', '.join(sorted(category_ids))}", "missing-category")

        if check_unknown_keys and article.has_front_matter:
            for key in article.meta:
                if key not in KNOWN_KEYS:
                    add(article.line_of(key), "warning", f"unknown front-matter key {key!r}", _did_you_mean(key, KNOWN_KEYS, "the front-matter reference"), "unknown-key")

        for related_id in article.related:
            target = article_for_reference(related_id, first_by_id, by_path)
            if target is None:
                add(article.line_of("related"), "error", f"related article {related_id!r} does not exist", "use another article's id", "missing-related")
            elif target.is_internal and not article.is_internal:
                add(article.line_of("related"), "error", f"public article lists internal article {related_id!r} as related", "remove it: customers cannot open internal articles", "public-links-internal")

        findings.extend(_check_links(article, shown, loaded, by_path))

    findings.extend(_check_redirects(loaded, categories, stable_links=stable_links))
    if strict:
        findings = [
            Diagnostic(d.path, d.line, d.col, "error", d.message, d.hint, d.code) if d.severity == "warning" else d
            for d in findings
        ]
    findings.sort(key=lambda d: (d.path, d.line, d.col, d.message))
    return findings


def _check_redirects(loaded: LoadResult, categories: tuple[Category, ...], *, stable_links: bool) -> list[Diagnostic]:
    """The pages the build makes from ids and redirect_from: each must be a path inside the site.

    Conflicts with the pages known here (articles, category pages, the home page) and between
    articles use the build's own planner; the build repeats it with every file it writes.
    """
    found: list[Diagnostic] = []
    for article in loaded.articles:
        shown = loaded.shown_path(article)
        if source_path(stable_url(article.id)) is None:
            found.append(Diagnostic(shown, article.line_of("id"), 1, "error", f"id {article.id!r} cannot be a link", "use letters, digits and dashes in ids", "bad-id"))
        for old_url in article.redirect_from:
            if source_path(old_url) is None:
                found.append(Diagnostic(shown, article.line_of("redirect_from"), 1, "error", f"redirect_from {old_url!r} is not a path on this site", "write the old URL as a path, e.g. 'help/old-page/'", "bad-redirect"))
    public = [a for a in loaded.articles if not a.is_internal]
    urls = {a.id: a.url for a in public}
    pages = {"index.html"} | {f"{c.id}/index.html" for c in categories} | {a.url + "index.html" for a in public}
    shown_paths = {a.id: loaded.shown_path(a) for a in public}
    _, conflicts = plan_redirects(public, urls, taken=pages, shown_path=shown_paths, with_id_links=stable_links)
    return found + list(conflicts)


def _check_links(article: Article, shown: str, loaded: LoadResult, by_path: dict[str, Article]) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for link in article.links:
        target = resolve_link(article.path, link.target)
        if target is None:
            continue
        file_part, anchor, resolved = target.written, target.anchor, target.path

        def add(message: str, hint: str, code: str) -> None:
            found.append(Diagnostic(shown, link.line, link.col, "error", message, hint, code))

        if not file_part:
            if anchor and anchor not in {h.anchor for h in article.headings}:
                add(f"link to missing section #{anchor}", _did_you_mean(anchor, {h.anchor for h in article.headings}, "this article's headings"), "missing-anchor")
            continue
        if resolved.startswith("../"):
            if not (loaded.root / resolved).exists():
                add(f"link target {file_part!r} does not exist", "fix the relative path", "missing-file")
            continue
        if link.is_image or not resolved.endswith(".md"):
            if not (loaded.root / resolved).exists():
                kind = "image" if link.is_image else "file"
                add(f"{kind} {file_part!r} not found", f"add the file at {PurePosixPath(loaded.root.name) / resolved} or fix the path", "missing-image" if link.is_image else "missing-file")
            continue
        linked = by_path.get(resolved)
        if linked is None:
            add(f"link to missing article {file_part!r}", _suggest_article(article, resolved, by_path), "missing-article")
            continue
        if linked.is_internal and not article.is_internal:
            add(f"public article links internal article {file_part!r}", "customers cannot open internal articles; link a public one or make this article internal", "public-links-internal")
        if anchor and anchor not in {h.anchor for h in linked.headings}:
            add(f"link to missing section #{anchor} in {file_part!r}", _did_you_mean(anchor, {h.anchor for h in linked.headings}, "that article's headings"), "missing-anchor")
    return found


def _suggest_article(article: Article, resolved: str, by_path: dict[str, Article]) -> str:
    """Point at the article a broken link most likely meant: same file name elsewhere, or a close path."""
    name = PurePosixPath(resolved).name
    same_name = sorted(p for p in by_path if PurePosixPath(p).name == name)
    close = same_name or difflib.get_close_matches(resolved, sorted(by_path), n=1, cutoff=0.8)
    if not close:
        return "check the path; links are relative to this article's folder"
    return f"did you mean {posixpath.relpath(close[0], str(article.path.parent))!r}?"


def _did_you_mean(word: str, choices: set[str] | frozenset[str], where: str) -> str:
    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    if close:
        return f"did you mean {close[0]!r}?"
    return f"see {where}"
