"""Writer rules for `kb check`: alt text, heading order, summaries, titles, orphans, duplicates, reviews.

Rules read only loaded articles and return Diagnostics; their settings come from the `lint:` block
of the supportkb plugin entry in mkdocs.yml (see `read_lint_config`).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from supportkb.generator.core.articles import Article, LoadResult, parse_interval_days, url_for_path
from supportkb.generator.core.categories import Category
from supportkb.generator.core.errors import ConfigError, Diagnostic, Severity
from supportkb.generator.core.links import article_for_reference, linked_article
from supportkb.generator.core.markdown_text import plain_text, prose_lines

RULES: dict[str, str] = {
    "image-alt": "an image has no alt text",
    "heading-order": "a heading skips a level, or the body has a second top-level heading",
    "missing-summary": "a public article has no summary",
    "long-title": "a title is longer than max_title_length",
    "orphan": "no category page and no other public article leads to a public article",
    "near-duplicate": "two articles say (almost) the same thing",
    "review-overdue": "an article's review is overdue",
    "broken-external-link": "an external link answers 404 or 410 (kb check --external)",
    "unreachable-external-link": "an external link could not be checked (kb check --external)",
}
"""Every writer rule's code and what it reports; all are warnings unless `severity` says otherwise."""

_SEVERITIES = ("error", "warning")
_OPTIONS = (
    "max_title_length", "near_duplicate_threshold", "review_every", "disable", "severity",
    "external_timeout", "external_concurrency", "external_budget", "external_cache_hours",
)


@dataclass(frozen=True)
class LintConfig:
    """Settings of the writer rules."""

    enabled: bool = True
    """False: `kb check` runs only the foundation's validation (projects without a `lint:` block)."""
    max_title_length: int = 70
    near_duplicate_threshold: float = 0.85
    """Cosine similarity of TF-IDF vectors at or above which two articles are near-duplicates."""
    review_every_days: int | None = None
    """Review interval for articles that give `reviewed` but no `review_every`."""
    disabled: frozenset[str] = frozenset()
    severities: tuple[tuple[str, Severity], ...] = ()
    """(rule, severity) overrides."""
    external_timeout: float = 10.0
    """Seconds to wait for one external link."""
    external_concurrency: int = 8
    external_budget: float = 60.0
    """Seconds for the whole external-link check; links left over are reported as not checked."""
    external_cache_hours: float = 24.0

    def is_on(self, rule: str) -> bool:
        return self.enabled and rule not in self.disabled

    def severity_of(self, rule: str) -> Severity:
        return dict(self.severities).get(rule, "warning")


DISABLED = LintConfig(enabled=False)


def supportkb_plugin_options(mkdocs_config: Mapping[str, Any]) -> dict[str, Any] | None:
    """The options mapping of the supportkb entry under `plugins:` ({} if it has none; None if absent)."""
    plugins = mkdocs_config.get("plugins") or []
    if isinstance(plugins, dict):
        plugins = [{name: options} for name, options in plugins.items()]
    for entry in plugins if isinstance(plugins, list) else []:
        if entry == "supportkb":
            return {}
        if isinstance(entry, dict) and "supportkb" in entry:
            options = entry["supportkb"]
            return options if isinstance(options, dict) else {}
    return None


def read_lint_config(mkdocs_config: Mapping[str, Any], *, config_file: Path | None = None) -> LintConfig:
    """LintConfig from a raw mkdocs.yml mapping; rules are on only when a `lint:` block is present."""
    options = supportkb_plugin_options(mkdocs_config)
    if options is None or "lint" not in options:
        return DISABLED
    raw = options["lint"]
    if raw is None or raw is True:
        return LintConfig()
    if raw is False:
        return DISABLED
    if not isinstance(raw, dict):
        raise ConfigError("'lint' must be a mapping of rule settings", path=config_file, hint="write e.g. 'lint: {max_title_length: 70, disable: [orphan]}'")

    def bad(message: str, hint: str) -> ConfigError:
        return ConfigError(f"supportkb lint: {message}", path=config_file, hint=hint)

    for key in raw:
        if key not in _OPTIONS:
            raise bad(f"unknown option {key!r}", _did_you_mean(str(key), _OPTIONS, "options: " + ", ".join(_OPTIONS)))

    def number(key: str, default: float, *, integer: bool = False, minimum: float = 0) -> Any:
        value = raw.get(key, default)
        kinds = (int,) if integer else (int, float)
        if isinstance(value, bool) or not isinstance(value, kinds) or value < minimum:
            kind = "a whole number" if integer else "a number"
            raise bad(f"{key!r} must be {kind} of at least {minimum}, not {value!r}", f"write e.g. '{key}: {default}'")
        return value

    threshold = number("near_duplicate_threshold", 0.85)
    if threshold > 1:
        raise bad("'near_duplicate_threshold' must be between 0 and 1", "write e.g. 'near_duplicate_threshold: 0.85'")
    review_every: int | None = None
    if raw.get("review_every") is not None:
        value = raw["review_every"]
        review_every = value if isinstance(value, int) and not isinstance(value, bool) else parse_interval_days(str(value))
        if review_every is None or review_every <= 0:
            raise bad(f"'review_every' is not an interval: {value!r}", "write a number of days, weeks, months or years, e.g. 'review_every: 180d'")
    disabled = raw.get("disable") or []
    if isinstance(disabled, str):
        disabled = [disabled]
    if not isinstance(disabled, list):
        raise bad("'disable' must be a list of rule names", "write e.g. 'disable: [orphan, long-title]'")
    for rule in disabled:
        _check_rule_name(str(rule), bad)
    severity = raw.get("severity") or {}
    if not isinstance(severity, dict):
        raise bad("'severity' must map rule names to error or warning", "write e.g. 'severity: {image-alt: error}'")
    for rule, level in severity.items():
        _check_rule_name(str(rule), bad)
        if level not in _SEVERITIES:
            raise bad(f"severity of {rule!r} must be 'error' or 'warning', not {level!r}", f"write '{rule}: error'")
    return LintConfig(
        max_title_length=number("max_title_length", 70, integer=True, minimum=10),
        near_duplicate_threshold=float(threshold),
        review_every_days=review_every,
        disabled=frozenset(str(r) for r in disabled),
        severities=tuple(sorted((str(r), level) for r, level in severity.items())),
        external_timeout=float(number("external_timeout", 10.0, minimum=0.1)),
        external_concurrency=number("external_concurrency", 8, integer=True, minimum=1),
        external_budget=float(number("external_budget", 60.0, minimum=1)),
        external_cache_hours=float(number("external_cache_hours", 24.0)),
    )


def _check_rule_name(rule: str, bad: Any) -> None:
    if rule not in RULES:
        raise bad(f"unknown rule {rule!r}", _did_you_mean(rule, tuple(RULES), "rules: " + ", ".join(RULES)))


def _did_you_mean(word: str, choices: tuple[str, ...], fallback: str) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}?" if close else fallback


@dataclass
class _Finder:
    """Collects findings of one rule with its configured severity."""

    config: LintConfig
    loaded: LoadResult
    found: list[Diagnostic] = field(default_factory=list)

    def add(self, rule: str, article: Article, line: int, message: str, hint: str, col: int = 1) -> None:
        self.found.append(Diagnostic(self.loaded.shown_path(article), line, col, self.config.severity_of(rule), message, hint, rule))


def lint_kb(
    loaded: LoadResult,
    categories: tuple[Category, ...] = (),
    config: LintConfig = LintConfig(),
    *,
    today: dt.date | None = None,
) -> list[Diagnostic]:
    """Writer-rule findings for a loaded knowledge base (unsorted; check_project sorts)."""
    if not config.enabled:
        return []
    today = today or dt.date.today()
    finder = _Finder(config, loaded)
    for article in loaded.articles:
        if config.is_on("image-alt"):
            _image_alt(article, finder)
        if config.is_on("heading-order"):
            _heading_order(article, finder)
        if config.is_on("missing-summary") and article.has_front_matter and not article.is_internal and not article.summary:
            line = article.line_of("summary") if "summary" in article.meta else 1
            finder.add("missing-summary", article, line, "no summary", "add 'summary: <one sentence>'; search results and link previews show it")
        if config.is_on("long-title") and len(article.title) > config.max_title_length:
            finder.add(
                "long-title", article, article.line_of("title"),
                f"title is {len(article.title)} characters long (limit {config.max_title_length})",
                "shorten it; search results and browser tabs cut long titles",
            )
        if config.is_on("review-overdue"):
            _review_overdue(article, finder, today)
    if config.is_on("orphan"):
        _orphans(loaded, categories, finder)
    if config.is_on("near-duplicate"):
        _near_duplicates(loaded, config.near_duplicate_threshold, finder)
    return finder.found


# --- Per-article rules ------------------------------------------------------------------------

_HTML_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_ALT_ATTR = re.compile(r"""\balt\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)


def _image_alt(article: Article, finder: _Finder) -> None:
    for link in article.links:
        if link.is_image and not link.text.strip():
            finder.add("image-alt", article, link.line, f"image {link.target!r} has no alt text", "describe the image between the brackets: ![Invoice settings page](...)", col=link.col)
    for number, line in prose_lines(article.body, first_line=article.body_line):
        for match in _HTML_IMG.finditer(line):
            alt = _ALT_ATTR.search(match.group(0))
            if alt is None or not (alt.group(1) or alt.group(2) or alt.group(3) or "").strip():
                finder.add("image-alt", article, number, "<img> has no alt text", 'add alt="what the image shows"', col=match.start() + 1)


def _heading_order(article: Article, finder: _Finder) -> None:
    previous = 1  # The title is the page's top-level heading.
    seen_h1 = False
    for heading in article.headings:
        if heading.level == 1:
            if seen_h1:
                finder.add("heading-order", article, heading.line, f"second top-level heading {heading.title!r}", "use '## ' for sections; the page has one '# ' heading, its title")
            seen_h1 = True
        elif heading.level > previous + 1:
            finder.add(
                "heading-order", article, heading.line,
                f"heading level jumps from H{previous} to H{heading.level} at {heading.title!r}",
                f"make it {'#' * (previous + 1)} (screen readers and the table of contents follow heading levels)",
            )
        previous = heading.level


def _review_overdue(article: Article, finder: _Finder, today: dt.date) -> None:
    every = article.review_every_days or finder.config.review_every_days
    if article.reviewed is None or every is None:
        return
    due = article.reviewed + dt.timedelta(days=every)
    if due < today:
        finder.add(
            "review-overdue", article, article.line_of("reviewed"),
            f"review overdue since {due.isoformat()} (reviewed {article.reviewed.isoformat()}, every {every} days)",
            f"check the article against the product, then set 'reviewed: {today.isoformat()}'",
        )


# --- Rules over the whole knowledge base ------------------------------------------------------


def _orphans(loaded: LoadResult, categories: tuple[Category, ...], finder: _Finder) -> None:
    """Public articles that no category page lists and no other public article links to."""
    category_ids = {c.id for c in categories}
    by_path = loaded.by_path()
    by_id = loaded.by_id()
    reached: set[str] = set()
    for source in loaded.articles:
        if source.is_internal:
            continue
        for link in source.links:
            linked = linked_article(source.path, link.target, by_path)
            if linked is not None and linked[0].path != source.path:
                reached.add(str(linked[0].path))
        for wikilink in source.wikilinks:
            if wikilink.path is not None and wikilink.path != str(source.path):
                reached.add(wikilink.path)
        for reference in source.related:
            target_article = article_for_reference(reference, by_id, by_path)
            if target_article is not None and target_article.path != source.path:
                reached.add(str(target_article.path))
    for article in loaded.articles:
        if article.is_internal or str(article.path) in reached or url_for_path(article.path) == "":
            continue
        if article.category is not None and article.category in category_ids:
            continue  # Its category page lists it.
        finder.add(
            "orphan", article, article.line_of("category") if article.category else 1,
            "no category page lists this article and no other article links to it",
            "give it a category from categories.yml, or link to it from a related article",
        )


_MIN_WORDS_FOR_DUPLICATES = 25
"""Shorter articles (stubs, redirects) are not compared: a few shared words mean nothing."""

def _near_duplicates(loaded: LoadResult, threshold: float, finder: _Finder) -> None:
    """Pairs of articles whose TF-IDF vectors (words and word pairs) are at least `threshold` alike."""
    words = {id(a): plain_text(a.body).split() for a in loaded.articles}  # Once per article: the slow part.
    candidates = [a for a in loaded.articles if len(words[id(a)]) >= _MIN_WORDS_FOR_DUPLICATES]
    if len(candidates) < 2:
        return
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = [f"{a.title}\n{' '.join(words[id(a)])}" for a in candidates]
    vectors = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1).fit_transform(texts)
    chunk = 512  # Rows per block: memory stays at chunk x articles, however large the KB.
    for start in range(0, len(candidates), chunk):
        block = (vectors[start : start + chunk] @ vectors.T).toarray()
        for row, scores in enumerate(block):
            i = start + row
            for j in (scores >= threshold).nonzero()[0]:
                if j == i:
                    continue
                article, other = candidates[i], candidates[int(j)]
                exact = words[id(article)] == words[id(other)]
                what = "duplicate" if exact else f"near-duplicate ({round(min(scores[j], 1.0) * 100)}% similar)"
                finder.add(
                    "near-duplicate", article, article.line_of("title"),
                    f"{what} of {finder.loaded.shown_path(other)} ({other.title!r})",
                    "merge them into one article and list the old one's URL under 'redirect_from'",
                )
