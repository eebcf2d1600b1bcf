"""The text `kb import` prints: counts, internal articles, and everything that needs a writer's eye."""

from __future__ import annotations

from supportkb.generator.importers.write import ImportReport


def format_import_report(report: ImportReport) -> str:
    """Counts first, then what a writer must look at: conflicts, internal articles, lossy conversions."""
    verb = "Would import" if report.dry_run else "Imported"
    lines = [f"{verb} {len(report.articles)} article(s) from {report.vendor_title} ({report.source}):"]
    counts = ", ".join(f"{status} {report.count(status)}" for status in ("created", "updated", "unchanged", "kept-local-edits", "conflict", "skipped") if report.count(status))
    if report.refused:
        counts = ", ".join(filter(None, [counts, f"refused {len(report.refused)} (see the notes)"]))
    lines.append(f"  {counts or 'nothing to do'}")
    if report.categories_added:
        lines.append(f"  categories added to categories.yml: {', '.join(report.categories_added)}")
    if report.files_copied:
        lines.append(f"  {len(report.files_copied)} image(s)/file(s) copied from the export")
    blocked = [a for a in report.articles if a.status in ("conflict", "skipped")]
    if blocked:
        lines += ["", "Not written:"]
        lines += [f"  {a.path}: {a.reason}" for a in blocked]
    internal = [a for a in report.articles if a.audience == "internal"]
    if internal:
        lines += ["", f"Internal, not published ({len(internal)}):"]
        lines += [f"  {a.path}: {a.restriction}" for a in internal]
    lossy = [a for a in report.articles if a.problems]
    if lossy:
        lines += ["", "Could not be converted as it was (check these articles):"]
        for article in lossy:
            lines += [f"  {article.path}: {problem}" for problem in article.problems]
    if report.notes:
        lines += ["", "Notes:"] + [f"  {note}" for note in report.notes]
    if not report.dry_run:
        lines += ["", "Next: kb check, then review the changes (git diff) before you commit."]
    return "\n".join(lines) + "\n"
