"""Render a GapReport as JSON, CSV, Markdown or one self-contained HTML page."""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

from supportkb.gaps.analysis.find import ArticleRef, Cluster, GapReport
from supportkb.generator.core.escape import csv_cell
from supportkb.generator.core.escape import markdown_code as md_code
from supportkb.generator.core.escape import markdown_link_destination
from supportkb.generator.core.escape import markdown_text as md_text

FORMATS = ("md", "html", "json", "csv")
CASE_TYPE_TITLES = {
    "bug": "Bug",
    "how-to": "UX confusion / how-to",
    "feature-gap": "Feature gap",
    "billing": "Billing",
    "other": "Other",
}


def _article_json(article: ArticleRef | None) -> dict[str, Any] | None:
    if article is None:
        return None
    return {
        "path": article.path,
        "title": article.title,
        "score": article.score,
        "matched_terms": list(article.matched_terms),
        "passage": article.passage,
        "section": article.section,
        "is_internal": article.is_internal,
        "search_rank": article.search_rank,
    }


def cluster_to_json(cluster: Cluster) -> dict[str, Any]:
    """The contract keys first (label ... product_area), then the rest."""
    return {
        "label": cluster.label,
        "size": cluster.size,
        "ticket_ids": list(cluster.ticket_ids),
        "coverage": cluster.coverage,
        "best_article": _article_json(cluster.best_article),
        "case_type": cluster.case_type,
        "product_area": cluster.product_area,
        "severity": cluster.severity,
        "first_seen": cluster.first_seen.isoformat() if cluster.first_seen else None,
        "last_seen": cluster.last_seen.isoformat() if cluster.last_seen else None,
        "weekly_counts": {week: count for week, count in cluster.weekly_counts},
        "recent_4_weeks": cluster.recent,
        "previous_4_weeks": cluster.earlier,
        "growth": cluster.growth,
        "priority_score": cluster.priority_score,
        "top_terms": list(cluster.top_terms),
        "missing_terms": list(cluster.missing_terms),
        "agreement": cluster.agreement,
        "long_tail": cluster.is_long_tail,
        "not_a_question": cluster.not_a_question,
        "questions": list(cluster.questions),
        "representatives": [
            {"id": s.id, "text": s.text, "created": s.created.isoformat() if s.created else None}
            for s in cluster.representatives
        ],
        "reasons": {
            "coverage": cluster.coverage_reason,
            "case_type": cluster.case_type_reason,
            "product_area": cluster.product_area_reason,
        },
    }


def report_to_json(report: GapReport) -> dict[str, Any]:
    """The JSON document `kb gaps --format json` prints: a contract scripts and evaluations read,
    so its keys stay as they are (decisions and linked tickets show in each cluster's reasons)."""
    return {
        "tickets_read": report.tickets_read,
        "tickets_skipped": report.tickets_skipped,
        "clusters": [cluster_to_json(c) for c in report.clusters],
        "source": report.source,
        "source_format": report.source_format,
        "articles": report.articles,
        "ticket_coverage": report.ticket_coverage,
        "unclustered_tickets": report.unclustered,
        "min_cluster_size": report.min_cluster_size,
        "period": [d.isoformat() if d else None for d in report.period],
        "skipped": [{"line": line, "reason": reason} for line, reason in report.skipped],
        "warnings": list(report.warnings),
        "breakdown": {
            key: {name: counts for name, counts in report.by(key)}
            for key in ("case_type", "product_area", "severity")
        },
        "generated_at": report.generated_at,
    }


def render_json(report: GapReport) -> str:
    return json.dumps(report_to_json(report), indent=2, ensure_ascii=False) + "\n"


# --- CSV ------------------------------------------------------------------------------------

CSV_COLUMNS = (
    "rank", "label", "coverage", "size", "recent_4_weeks", "previous_4_weeks", "growth", "case_type",
    "product_area", "severity", "best_article_path", "best_article_title", "best_article_score",
    "matched_terms", "first_seen", "last_seen", "example_question", "ticket_ids",
)
def render_csv(report: GapReport) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for rank, c in enumerate(report.clusters, start=1):
        article = c.best_article
        writer.writerow(
            [
                csv_cell(v)
                for v in (
                    rank, c.label, c.coverage, c.size, c.recent, c.earlier, c.growth, c.case_type, c.product_area,
                    c.severity, article.path if article else "", article.title if article else "",
                    article.score if article else "", " ".join(article.matched_terms) if article else "",
                    c.first_seen.isoformat() if c.first_seen else "", c.last_seen.isoformat() if c.last_seen else "",
                    c.questions[0] if c.questions else "", " ".join(c.ticket_ids),
                )
            ]
        )
    return buffer.getvalue()


# --- Markdown -------------------------------------------------------------------------------




def _growth_text(cluster: Cluster) -> str:
    if cluster.recent == 0 and cluster.earlier == 0:
        return "none in the last 8 weeks"
    arrow = "↑" if cluster.recent > cluster.earlier else ("↓" if cluster.recent < cluster.earlier else "→")
    return f"{arrow} {cluster.recent} in the last 4 weeks (vs {cluster.earlier})"


def render_markdown(report: GapReport, *, limit: int = 50) -> str:
    lines = [
        "# Help-center gaps",
        "",
        (
            f"Source: {md_code(report.source)} ({report.source_format}) · knowledge base: {md_code(report.kb_root)} "
            f"({report.articles} articles) · generated {report.generated_at}"
        ),
        "",
        f"- **Tickets read:** {report.tickets_read:,} · **skipped:** {report.tickets_skipped:,}",
    ]
    if report.period[0]:
        lines.append(f"- **Period:** {report.period[0]} to {report.period[1]}")
    coverage = report.ticket_coverage
    lines.append(
        f"- **Per ticket:** {coverage.get('uncovered', 0):,} uncovered, {coverage.get('partial', 0):,} partly covered, "
        f"{coverage.get('covered', 0):,} covered"
    )
    gaps = [c for c in report.clusters if c.coverage != "covered" and not c.is_long_tail and c.decision is None]
    if report.decisions_file:
        lines.append(
            f"- **Writers' decisions:** {report.decisions_applied} applied from {md_code(report.decisions_file)}"
            + (f", {len(report.decisions_unmatched)} match nothing now (lines "
               + ", ".join(str(m.decision.line) for m in report.decisions_unmatched) + ")" if report.decisions_unmatched else "")
        )
    lines.append(
        f"- **Clusters:** {len(report.clusters)} ({sum(c.coverage == 'uncovered' and not c.is_long_tail for c in report.clusters)} "
        f"uncovered, {sum(c.coverage == 'partial' for c in report.clusters)} partial); "
        f"a cluster needs {report.min_cluster_size}+ tickets"
    )
    for warning in report.warnings:
        lines.append(f"- ⚠ {md_text(warning)}")
    lines += ["", "## Write these first", ""]
    if gaps:
        lines += ["| # | Question (customers' words) | Coverage | Tickets | Trend | Type | Area | Closest article |",
                  "|---|---|---|---|---|---|---|---|"]
        for rank, c in enumerate(gaps[:limit], start=1):
            article = f"{md_text(c.best_article.title)} ({c.best_article.score:.2f})" if c.best_article else "—"
            lines.append(
                f"| {rank} | {md_text(c.label)} | {c.coverage} | {c.size} | {_growth_text(c)} | "
                f"{CASE_TYPE_TITLES.get(c.case_type, c.case_type)} | {md_text(c.product_area)} | {article} |"
            )
    else:
        lines.append("No recurring questions are missing from the knowledge base.")
    for key, title in (("case_type", "Case type"), ("product_area", "Product area"), ("severity", "Severity")):
        lines += ["", f"## Volume by {title.lower()}", "", f"| {title} | Uncovered | Partial | Covered | Total |", "|---|---|---|---|---|"]
        for name, counts in report.by(key):
            shown = CASE_TYPE_TITLES.get(name, name) if key == "case_type" else name
            lines.append(f"| {md_text(shown)} | {counts['uncovered']} | {counts['partial']} | {counts['covered']} | {counts['total']} |")
    lines += ["", "## Clusters", ""]
    for rank, c in enumerate(report.clusters[:limit], start=1):
        lines += [f"### {rank}. {md_text(c.label)}", ""]
        lines.append(
            f"**{c.coverage}** · {c.size} tickets · {CASE_TYPE_TITLES.get(c.case_type, c.case_type)} · "
            f"{md_text(c.product_area)} · severity {c.severity}"
            + (f" · {c.first_seen} to {c.last_seen}" if c.first_seen else "")
        )
        lines.append("")
        lines.append(f"- Why {c.coverage}: {md_text(c.coverage_reason)}")
        if c.best_article:
            a = c.best_article
            lines.append(
                f"- Closest article: [{md_text(a.title)}]({markdown_link_destination(a.path)}) (score {a.score:.2f}"
                + (", internal" if a.is_internal else "")
                + (f", search rank {a.search_rank}" if a.search_rank else "")
                + ")"
                + (f"; shared words: {', '.join(md_text(t) for t in a.matched_terms)}" if a.matched_terms else "")
            )
            if a.passage:
                lines.append(f"- Matching passage: “{md_text(a.passage[:200])}”")
        lines.append(f"- Type: {md_text(c.case_type_reason)}; area: {md_text(c.product_area_reason)}")
        lines.append(f"- Trend: {_growth_text(c)}; weekly: {' '.join(str(n) for _, n in c.weekly_counts)}")
        if c.top_terms:
            lines.append(f"- Top terms: {', '.join(md_text(t) for t in c.top_terms)}")
        lines += ["", "Examples:", ""]
        for sample in c.representatives:
            lines.append(f"- {md_code(sample.id)}: {md_text(sample.text[:300])}")
        lines.append(f"\nTicket ids: {md_text(' '.join(c.ticket_ids[:50]))}{' …' if len(c.ticket_ids) > 50 else ''}\n")
    if len(report.clusters) > limit:
        lines.append(f"_{len(report.clusters) - limit} more clusters are in the JSON and CSV reports._\n")
    if report.skipped:
        lines += ["## Skipped rows", ""]
        for line, reason in report.skipped[:100]:
            lines.append(f"- line {line}: {md_text(reason)}")
        if len(report.skipped) > 100:
            lines.append(f"- … and {len(report.skipped) - 100} more")
    return "\n".join(lines).rstrip() + "\n"


# --- HTML -----------------------------------------------------------------------------------


def _bar_chart(report: GapReport, limit: int = 25) -> list[dict[str, Any]]:
    shown = [c for c in report.clusters if not c.is_long_tail][:limit]
    biggest = max((c.size for c in shown), default=1)
    return [
        {"label": c.label, "size": c.size, "coverage": c.coverage, "width": round(100 * c.size / biggest, 1), "rank": rank}
        for rank, c in enumerate(shown, start=1)
    ]


def _sparkline(cluster: Cluster, width: int = 160, height: int = 32) -> dict[str, Any]:
    counts = [n for _, n in cluster.weekly_counts]
    if not counts:
        return {"points": "", "width": width, "height": height, "max": 0}
    top = max(max(counts), 1)
    step = width / max(len(counts) - 1, 1)
    points = " ".join(f"{i * step:.1f},{height - 2 - (n / top) * (height - 4):.1f}" for i, n in enumerate(counts))
    return {"points": points, "width": width, "height": height, "max": top, "weeks": len(counts)}


def render_html(report: GapReport, *, limit: int = 100) -> str:
    """One self-contained page: inline CSS and SVG, no scripts, every ticket text escaped."""
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("supportkb.gaps", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    template = environment.get_template("gaps_report.html")
    clusters = report.clusters[:limit]
    return template.render(
        report=report,
        clusters=[(rank, c, _sparkline(c)) for rank, c in enumerate(clusters, start=1)],
        hidden=len(report.clusters) - len(clusters),
        bars=_bar_chart(report),
        breakdowns=[
            (title, [(CASE_TYPE_TITLES.get(n, n) if key == "case_type" else n, counts) for n, counts in report.by(key)])
            for key, title in (("case_type", "Case type"), ("product_area", "Product area"), ("severity", "Severity"))
        ],
        case_titles=CASE_TYPE_TITLES,
        growth_text=_growth_text,
        gaps=sum(1 for c in report.clusters if c.coverage != "covered" and not c.is_long_tail),
    )


def render(report: GapReport, output_format: str) -> str:
    """The report in one of FORMATS."""
    if output_format == "json":
        return render_json(report)
    if output_format == "csv":
        return render_csv(report)
    if output_format == "html":
        return render_html(report)
    return render_markdown(report)
