"""Validation of a loaded knowledge base: every problem in one pass, as path:line:col findings."""

from __future__ import annotations

import difflib
import posixpath
from collections import defaultdict
from pathlib import PurePosixPath

from supportkb.generator.core.articles import KNOWN_KEYS, Article, LoadResult
from supportkb.generator.core.categories import Category, help_center_categories
from supportkb.generator.core.derived import has_letters
from supportkb.generator.core.errors import Diagnostic, Severity
from supportkb.generator.core.links import WikiIndex, article_at, article_for_reference, resolve_link
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
    categories = help_center_categories(categories, loaded.articles)
    by_path = {str(a.path): a for a in loaded.articles}
    by_id: dict[str, list[Article]] = defaultdict(list)
    for article in loaded.articles:
        by_id[article.id].append(article)
    first_by_id = {article_id: twins[0] for article_id, twins in by_id.items()}
    category_ids = {c.id for c in categories}
    listed_ids = {c.id for c in categories if not c.derived}
    wiki_index = WikiIndex({str(a.path): a.title for a in loaded.articles}) if any(a.wikilinks for a in loaded.articles) else None

    for article in loaded.articles:
        shown = loaded.shown_path(article)

        def add(line: int, severity: Severity, message: str, hint: str | None, code: str, col: int = 1) -> None:
            findings.append(Diagnostic(shown, line, col, severity, message, hint, code))

        twins = by_id[article.id]
        if len(twins) > 1:
            others = ", ".join(loaded.shown_path(a) for a in twins if a is not article)
            if "id" not in article.derived:
                add(article.line_of("id"), "error", f"duplicate id {article.id!r}, also used by {others}", "ids are permanent short links; give one of the articles a new id", "duplicate-id")
            else:
                add(1, "error", f"the id {article.id!r} this file's path gives is also the id of {others}", f"give one of them its own 'id: ...' in front matter, or rename one file (ids come from paths: {article.path} -> {article.id})", "duplicate-id")
        if strict:
            for field, hint in _EXPLICIT_FIELDS.items():
                if field in article.derived:
                    add(1, "error", f"'{field}' is missing (derived: {getattr(article, field)!r})", hint + "; 'kb adopt --write' writes the derived values into the files", f"missing-{field}")
        if not has_letters(article.title):
            add(article.line_of("title") if "title" not in article.derived else 1, "warning", f"title {article.title!r} has no letters or digits", "search, screen readers and browser tabs need words; write a title that says what the article answers", "title-no-words")
        if not article.body.strip() and article.has_front_matter and "template" not in article.meta:
            add(article.body_line - 1, "warning", "the page is only front matter: it has no text", "write the answer below the closing ---, or delete the file", "empty-body")

        if article.category is not None and listed_ids and article.category not in category_ids:
            add(article.line_of("category"), "error", f"unknown category {article.category!r}", _did_you_mean(article.category, listed_ids, "categories.yml"), "unknown-category")

        for related_id in article.related:
            target = article_for_reference(related_id, first_by_id, by_path)
            if target is None:
                add(article.line_of("related"), "error", f"related article {related_id!r} does not exist", "use another article's id", "missing-related")
            elif target.is_internal and not article.is_internal:
                add(article.line_of("related"), "error", f"public article lists internal article {related_id!r} as related", "remove it: customers cannot open internal articles", "public-links-internal")

        findings.extend(_check_links(article, shown, loaded, by_path, category_ids))
        if wiki_index is not None:
            findings.extend(_check_wikilinks(article, shown, by_path, wiki_index))

    if check_unknown_keys:
        findings.extend(_unknown_key_typos(loaded))
    findings.extend(_check_redirects(loaded, categories, stable_links=stable_links))
    if strict:
        findings = [
            Diagnostic(d.path, d.line, d.col, "error", d.message, d.hint, d.code) if d.severity == "warning" else d
            for d in findings
        ]
    findings.sort(key=lambda d: (d.path, d.line, d.col, d.message))
    return findings


_EXPLICIT_FIELDS: dict[str, str] = {
    "title": "add 'title: ...' between the --- lines",
    "id": "add a permanent 'id: ...' so the article gets a short link that survives moves",
    "category": "add 'category: ...', one of the categories in categories.yml",
}
"""Fields `kb check --strict` demands in every file (without it they are derived, see derived.py)."""


def unknown_keys(loaded: LoadResult) -> dict[str, list[tuple[Article, int]]]:
    """Front-matter keys supportkb does not read -> the articles (and lines) that write them, in walk order."""
    found: dict[str, list[tuple[Article, int]]] = {}
    for article in loaded.articles:
        for key in article.meta:
            if key not in KNOWN_KEYS:
                found.setdefault(key, []).append((article, article.line_of(key)))
    return found


def known_key_like(key: str) -> str | None:
    """The known key an unknown one looks like a misspelling of ('sumary' -> 'summary'), if any."""
    close = difflib.get_close_matches(key, sorted(KNOWN_KEYS), n=1, cutoff=0.8)
    return close[0] if close else None


def _unknown_key_typos(loaded: LoadResult) -> list[Diagnostic]:
    """One warning per unknown key that looks like a misspelt known one, at its first place.

    Other unknown keys (Obsidian's 'publish', a theme's 'cssclasses') are kept and passed to
    the theme; `kb check` mentions each once as a note (checking/notes.py).
    """
    found = []
    for key, places in unknown_keys(loaded).items():
        close = known_key_like(key)
        if close is None:
            continue
        article, line = places[0]
        more = f" (and in {len(places) - 1} more file{'s' if len(places) > 2 else ''})" if len(places) > 1 else ""
        found.append(Diagnostic(loaded.shown_path(article), line, 1, "warning", f"unknown front-matter key {key!r}{more}", f"did you mean {close!r}?", "unknown-key"))
    return found


def _check_wikilinks(article: Article, shown: str, by_path: dict[str, Article], index: WikiIndex) -> list[Diagnostic]:
    """`[[Page]]` links: each must name an article or file, and its heading a heading there."""
    found: list[Diagnostic] = []
    for link in article.wikilinks:

        def add(message: str, hint: str, code: str, severity: str = "error") -> None:
            found.append(Diagnostic(shown, link.line, link.col, severity, message, hint, code))

        if link.path is None:
            close = index.suggest(link.target)
            if close or link.is_embed:
                hint = f"did you mean [[{close}]]?" if close else "write the file name of an article (without .md) or its title"
                add(f"{link.raw} names no article or file", hint, "missing-article")
            else:
                # Like nothing here: often text in double brackets (a TOML [[table]], a formula), shown as written.
                hint = "write the file name of an article or its title; if it is text, put it in `backticks`"
                add(f"{link.raw} names no article or file; it is shown as text", hint, "unresolved-wikilink", "warning")
            continue
        target = by_path.get(link.path)
        if target is None:
            continue  # An embedded image or other file: it exists.
        if target.is_internal and not article.is_internal:
            add(f"public article links internal article {link.raw}", "customers cannot open internal articles; link a public one or make this article internal", "public-links-internal")
        if link.heading and not link.anchor and not link.heading.startswith("^"):
            titles = {h.title for h in target.headings}
            add(f"{link.raw}: no heading {link.heading!r} in {link.path!r}", _did_you_mean(link.heading, titles, "that article's headings"), "missing-anchor")
    return found


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


def _check_links(article: Article, shown: str, loaded: LoadResult, by_path: dict[str, Article], category_ids: set[str]) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for link in article.links:
        target = resolve_link(article.path, link.target)
        if target is None:
            continue
        file_part, anchor, resolved = target.written, target.anchor, target.path

        def add(message: str, hint: str, code: str) -> None:
            found.append(Diagnostic(shown, link.line, link.col, "error", message, hint, code))

        if not file_part:
            if anchor and anchor not in article.anchors:
                add(f"link to missing section #{anchor}", _did_you_mean(anchor, {h.anchor for h in article.headings}, "this article's headings"), "missing-anchor")
            continue
        if resolved.startswith("../"):
            if not (loaded.root / resolved).exists():
                add(f"link target {file_part!r} does not exist", "fix the relative path", "missing-file")
            continue
        if not link.is_image and (resolved == "." or (loaded.root / resolved).is_dir()):
            # A folder opens its index.md or README.md, as in MkDocs; a category folder its category page.
            page = article_at(resolved, by_path)
            if page is None and resolved not in category_ids and resolved != ".":
                add(f"folder {file_part!r} has no index.md or README.md", "link to one of its articles, or add an index.md to the folder", "missing-file")
            elif page is not None and anchor and anchor not in page.anchors:
                add(f"link to missing section #{anchor} in {file_part!r}", _did_you_mean(anchor, {h.anchor for h in page.headings}, "that article's headings"), "missing-anchor")
            continue
        if link.is_image or not resolved.endswith(".md"):
            if not (loaded.root / resolved).exists():
                kind = "image" if link.is_image else "folder" if file_part.endswith("/") else "file"
                add(f"{kind} {file_part!r} not found", f"add the file at {PurePosixPath(loaded.root.name) / resolved} or fix the path", "missing-image" if link.is_image else "missing-file")
            continue
        linked = by_path.get(resolved)
        if linked is None:
            add(f"link to missing article {file_part!r}", _suggest_article(article, resolved, by_path), "missing-article")
            continue
        if linked.is_internal and not article.is_internal:
            add(f"public article links internal article {file_part!r}", "customers cannot open internal articles; link a public one or make this article internal", "public-links-internal")
        if anchor and anchor not in linked.anchors:
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
