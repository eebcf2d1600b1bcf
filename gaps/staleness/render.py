"""Render staleness and review-date results as Markdown, JSON, HTML or GitHub annotations."""

from __future__ import annotations

import datetime as dt
import html
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from supportkb.generator.core.escape import github_annotation_data, github_annotation_property, markdown_code, markdown_text

if TYPE_CHECKING:
    from supportkb.gaps.staleness.overdue import OverdueArticle
    from supportkb.gaps.staleness.match import StaleArticle, StalenessReport

FORMATS = ("md", "json", "html", "github")

ShownPath = Callable[["StaleArticle | OverdueArticle"], str]
"""Gives the file path to print for an article (relative to --kb, or to the current folder)."""


# --- Release staleness ----------------------------------------------------------------------


def stale_as_json(report: StalenessReport, *, release_name: str, shown: ShownPath) -> dict[str, Any]:
    """The documented JSON contract: {"release", "flagged": [{"path", "title", "score", ...}]}."""
    return {
        "release": release_name,
        "flagged": [
            {
                "path": shown(item),
                "title": item.title,
                "score": item.score,
                "reasons": list(item.reasons),
                "evidence": [{"entry": e.entry, "line": e.line, "text": e.text} for e in item.evidence],
            }
            for item in report.flagged
        ],
    }


def render_stale(
    report: StalenessReport,
    output_format: str,
    *,
    release_name: str,
    shown: ShownPath,
    fail_on: float | None = None,
) -> str:
    """The report in one of FORMATS."""
    if output_format == "json":
        return json.dumps(stale_as_json(report, release_name=release_name, shown=shown), indent=2, ensure_ascii=False)
    if output_format == "github":
        return _stale_github(report, release_name=release_name, shown=shown, fail_on=fail_on)
    if output_format == "html":
        return _stale_html(report, release_name=release_name, shown=shown)
    return _stale_markdown(report, release_name=release_name, shown=shown)


UNMATCHED_NOTE = (
    "These changes and fixes share no identifier, link, component or distinctive words with any listed "
    "article, nor (with an embedding backend) what it means. "
    "Pages can still depend on them: read them yourself."
)


def _summary(report: StalenessReport) -> str:
    entries = len(report.release.entries)
    confident = len(report.above_threshold)
    candidates = len(report.flagged) - confident
    more = (
        f" {candidates} lower-confidence {'candidate' if candidates == 1 else 'candidates'} below the threshold "
        f"{'is' if candidates == 1 else 'are'} listed after {'it' if confident == 1 else 'them'}."
        if candidates
        else ""
    )
    return (
        f"{confident} of {report.articles_checked} articles flagged "
        f"(score ≥ {report.threshold:.2f}) from {entries} note {'entry' if entries == 1 else 'entries'}.{more}"
    )


def _stale_markdown(report: StalenessReport, *, release_name: str, shown: ShownPath) -> str:
    out = [f"# Articles that may be out of date after {markdown_text(release_name)}", "", _summary(report), ""]
    if not report.above_threshold:
        out += ["No article looks out of date.", ""]
    for rank, item in enumerate(report.flagged, start=1):
        path = shown(item)
        if item.is_below_threshold and (rank == 1 or not report.flagged[rank - 2].is_below_threshold):
            out += ["---", "", "Lower-confidence candidates (below the threshold; check them if time allows):", ""]
        out += [f"## {rank}. {markdown_text(item.title)} — {item.score:.2f}", "", markdown_code(path), ""]
        out += [f"- {markdown_text(reason)}" for reason in item.reasons]
        if item.evidence:
            out += ["", "Evidence:", ""]
            for evidence in item.evidence:
                out.append(f"- {markdown_code(f'{path}:{evidence.line}')} {_code(evidence.text)} ← {markdown_text(evidence.entry)}")
        out.append("")
    unmatched = report.unmatched_entries
    if unmatched:
        out += [f"## Entries no article matched ({len(unmatched)})", "", UNMATCHED_NOTE, ""]
        out += [f"- {markdown_text(entry.text)}" for entry in unmatched]
    return "\n".join(out).rstrip() + "\n"


def _stale_github(
    report: StalenessReport, *, release_name: str, shown: ShownPath, fail_on: float | None
) -> str:
    out: list[str] = []
    for item in report.flagged:
        level = "error" if fail_on is not None and item.score >= fail_on else "warning"
        if item.is_below_threshold:
            level = "notice"
        title = f"May be out of date after {release_name} (score {item.score:.2f})"
        locations = [(e.line, e.entry) for e in item.evidence] or [(1, "")]
        seen: set[int] = set()
        for line, entry in locations:
            if line in seen:
                continue
            seen.add(line)
            message = "; ".join(item.reasons[:3])
            if entry:
                message = f"Release note: {entry}\n{message}"
            out.append(
                f"::{level} file={github_annotation_property(shown(item))},line={line},title={github_annotation_property(title)}::{github_annotation_data(message)}"
            )
    out.append(github_annotation_data(_summary(report)))
    return "\n".join(out) + "\n"


def _stale_html(report: StalenessReport, *, release_name: str, shown: ShownPath) -> str:
    esc = html.escape
    rows: list[str] = []
    for rank, item in enumerate(report.flagged, start=1):
        path = shown(item)
        reasons = "".join(f"<li>{esc(reason)}</li>" for reason in item.reasons)
        evidence = "".join(
            f"<li><code>{esc(path)}:{e.line}</code> <q>{esc(e.text)}</q><br><small>{esc(e.entry)}</small></li>"
            for e in item.evidence
        )
        row_class = ' class="candidate"' if item.is_below_threshold else ""
        rows.append(
            f"<tr{row_class}><td>{rank}</td><td><strong>{esc(item.title)}</strong><br><code>{esc(path)}</code></td>"
            f"<td>{item.score:.2f}</td><td><ul>{reasons}</ul></td><td><ul>{evidence}</ul></td></tr>"
        )
    body = (
        "<table><thead><tr><th>#</th><th>Article</th><th>Score</th><th>Reasons</th><th>Evidence</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
        if rows
        else "<p>No article looks out of date.</p>"
    )
    unmatched = report.unmatched_entries
    if unmatched:
        items = "".join(f"<li>{esc(entry.text)}</li>" for entry in unmatched)
        body += f"<h2>Entries no article matched ({len(unmatched)})</h2><p>{esc(UNMATCHED_NOTE)}</p><ul>{items}</ul>"
    return _html_page(f"Articles that may be out of date after {release_name}", _summary(report), body)


# --- Review dates ---------------------------------------------------------------------------


def overdue_as_json(items: tuple[OverdueArticle, ...], *, today: dt.date, shown: ShownPath) -> dict[str, Any]:
    return {
        "today": today.isoformat(),
        "overdue": [
            {
                "path": shown(item),
                "title": item.title,
                "owner": item.owner,
                "reviewed": _iso(item.reviewed),
                "review_every_days": item.review_every_days,
                "due": _iso(item.due),
                "days_overdue": item.days_overdue,
                "last_changed": _iso(item.last_changed),
            }
            for item in items
        ],
    }


def render_overdue(items: tuple[OverdueArticle, ...], output_format: str, *, today: dt.date, shown: ShownPath) -> str:
    """Overdue reviews in one of FORMATS."""
    if output_format == "json":
        return json.dumps(overdue_as_json(items, today=today, shown=shown), indent=2, ensure_ascii=False)
    summary = f"{len(items)} {'article is' if len(items) == 1 else 'articles are'} due for review on {today.isoformat()}."
    if output_format == "github":
        out = [
            f"::warning file={github_annotation_property(shown(item))},line={item.line},"
            f"title={github_annotation_property('Review overdue')}::{github_annotation_data(_overdue_sentence(item))}"
            for item in items
        ]
        return "\n".join([*out, github_annotation_data(summary)]) + "\n"
    if output_format == "html":
        esc = html.escape
        rows = "".join(
            f"<tr><td><strong>{esc(item.title)}</strong><br><code>{esc(shown(item))}</code></td>"
            f"<td>{esc(item.owner or '—')}</td><td>{_iso(item.reviewed) or 'never'}</td><td>{_iso(item.due) or '—'}</td>"
            f"<td>{item.days_overdue if item.days_overdue is not None else '—'}</td><td>{_iso(item.last_changed) or '—'}</td></tr>"
            for item in items
        )
        table = (
            "<table><thead><tr><th>Article</th><th>Owner</th><th>Reviewed</th><th>Due</th><th>Days overdue</th>"
            f"<th>Last change</th></tr></thead><tbody>{rows}</tbody></table>"
        )
        return _html_page("Articles due for review", summary, table if items else "<p>Nothing is due.</p>")
    out = ["# Articles due for review", "", summary, ""]
    if items:
        out += ["| Article | Owner | Reviewed | Due | Days overdue | Last change |", "|---|---|---|---|---|---|"]
        for item in items:
            out.append(
                f"| {markdown_text(item.title)}<br>{markdown_code(f'{shown(item)}:{item.line}')} | {markdown_text(item.owner or '—')} | "
                f"{_iso(item.reviewed) or 'never'} | {_iso(item.due) or '—'} | "
                f"{item.days_overdue if item.days_overdue is not None else '—'} | {_iso(item.last_changed) or '—'} |"
            )
    return "\n".join(out).rstrip() + "\n"


def _overdue_sentence(item: OverdueArticle) -> str:
    owner = f" Owner: {item.owner}." if item.owner else " No owner."
    if item.reviewed is None:
        return f"Never reviewed, though it asks for a review every {item.review_every_days} days.{owner}"
    return f"Last reviewed {item.reviewed.isoformat()}; review was due {_iso(item.due)} ({item.days_overdue} days ago).{owner}"


# --- Escaping -------------------------------------------------------------------------------


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _code(text: str) -> str:
    text = text.replace("\n", " ")
    fence = "``" if "`" in text else "`"
    return f"{fence} {text} {fence}" if fence == "``" else f"`{text}`"


def _html_page(title: str, summary: str, body: str) -> str:
    esc = html.escape
    return (
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{esc(title)}</title>"
        "<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:80rem}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.4rem;vertical-align:top;text-align:left}"
        "code{background:#f4f4f4}tr.candidate{color:#555;font-style:italic}</style></head><body>"
        f"<h1>{esc(title)}</h1><p>{esc(summary)}</p>{body}</body></html>\n"
    )
