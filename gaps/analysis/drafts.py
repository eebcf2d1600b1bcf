"""Draft article stubs for the top gaps, for a writer to finish."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from supportkb.generator.core.atomic import write_text_atomic
from supportkb.generator.core.errors import KBError
from supportkb.generator.core.slug import file_slug

if TYPE_CHECKING:
    from supportkb.gaps.analysis.find import Cluster, GapReport
    from supportkb.generator.core.articles import Article

DEFAULT_DRAFTS = 10

_QUESTION_START = re.compile(
    r"^(?:how (?:do|can|would|should) (?:i|we|you)|how to|can (?:i|we|you)|is it possible to|is there a way to|"
    r"i (?:want|need|would like) to|i'd like to|please|help me|where (?:do|can) (?:i|we))\s+",
    re.IGNORECASE,
)
_PRONOUNS = {"my": "your", "our": "your", "i": "you", "me": "you", "we": "you", "mine": "yours", "i'm": "you're"}


@dataclass(frozen=True)
class Draft:
    """One stub written (or to be written)."""

    path: Path
    title: str
    cluster_label: str


def suggest_title(cluster: Cluster) -> str:
    """'how do i export my timesheet to pdf?' -> 'Export your timesheet to pdf'."""
    text = cluster.label.strip().rstrip("?.!… ")
    stripped = _QUESTION_START.sub("", text)
    if stripped != text and len(stripped.split()) >= 2:
        words = [_PRONOUNS.get(w.lower(), w) for w in stripped.split()]
        title = " ".join(words)
    elif len(text.split()) <= 10:
        title = text
    else:
        title = " ".join(t.capitalize() if i == 0 else t for i, t in enumerate(cluster.top_terms[:4])) or text
    title = title[:1].upper() + title[1:]
    return title[:90]


def _category_for(cluster: Cluster, articles: Sequence[Article]) -> str | None:
    categories = [a.category for a in articles if a.category and (a.product_area == cluster.product_area)]
    if not categories:
        return None
    return max(set(categories), key=categories.count)


def draft_text(cluster: Cluster, *, articles: Sequence[Article] = (), rank: int = 1) -> str:
    """Markdown of the stub: front matter, the questions to answer, sample tickets, related article."""
    title = suggest_title(cluster)
    front: dict[str, object] = {"title": title, "summary": ""}
    category = _category_for(cluster, articles)
    if category:
        front["category"] = category
    if cluster.product_area and cluster.product_area != "Other":
        front["product_area"] = cluster.product_area
    front["tags"] = list(cluster.top_terms[:5])
    front["aliases"] = [q[:80] for q in cluster.questions[:5]]
    front["audience"] = "public"
    lines = [
        "---",
        yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=1000).rstrip(),
        "---",
        "",
        f"# {title}",
        "",
        (
            f"<!-- Draft from `kb gaps`: gap #{rank}, {cluster.size} tickets ({cluster.coverage}), "
            f"{cluster.first_seen or '?'} to {cluster.last_seen or '?'}; {cluster.case_type}, {cluster.product_area}. "
            "Answer the questions below in the customers' words, save the page in its category folder, "
            "then delete this comment. -->"
        ),
        "",
        "## Questions to answer",
        "",
    ]
    lines += [f"- {_inert(q)}" for q in cluster.questions] or ["- (no distinct phrasings)"]
    lines += ["", "## Answer", "", "TODO: the steps, in order, with the exact button and menu names.", ""]
    if cluster.best_article is not None:
        a = cluster.best_article
        lines += [
            "## Related article",
            "",
            f"- [{a.title}]({_link_from_category_folder(a.path)}) partly covers this (score {a.score:.2f}"
            + (f"; shared words: {', '.join(a.matched_terms)}" if a.matched_terms else "")
            + "). Link to it, or extend it instead of publishing this page.",
            "",
        ]
    lines += ["## Sample tickets", ""]
    for sample in cluster.representatives:
        when = f" ({sample.created})" if sample.created else ""
        lines.append(f"> **{_inert(sample.id)}**{when}: {_inert(sample.text)}")
        lines.append(">")
    if lines[-1] == ">":
        lines.pop()
    return "\n".join(lines) + "\n"


def _link_from_category_folder(path: str) -> str:
    """Link to an article from a draft saved in a category folder next to it (articles/<category>/)."""
    inside = path.split("/", 1)[1] if path.startswith("articles/") else path
    return "../" + inside


def _inert(text: str) -> str:
    """Ticket text that Markdown will not turn into HTML."""
    return " ".join(text.split()).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def write_drafts(
    report: GapReport, folder: Path, *, articles: Sequence[Article] = (), limit: int = DEFAULT_DRAFTS
) -> list[Draft]:
    """A stub per top gap (uncovered, then partial), never overwriting an existing file."""
    gaps = [c for c in report.clusters if c.coverage != "covered" and not c.is_long_tail and not c.not_a_question][:limit]
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise KBError(f"cannot create the drafts folder: {exc.strerror or exc}", path=folder) from exc
    written: list[Draft] = []
    for rank, cluster in enumerate(gaps, start=1):
        title = suggest_title(cluster)
        slug = file_slug(title) or "draft"
        path = folder / f"{slug}.md"
        counter = 2
        while path.exists() or any(d.path == path for d in written):
            path = folder / f"{slug}-{counter}.md"
            counter += 1
        write_text_atomic(path, draft_text(cluster, articles=articles, rank=rank))
        written.append(Draft(path, title, cluster.label))
    return written


