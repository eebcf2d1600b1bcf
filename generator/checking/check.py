"""`kb check`: load and validate a project's articles, apply the writer rules, as one report."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from supportkb.generator.checking.notes import Note, folder_notes
from supportkb.generator.core.articles import load_articles
from supportkb.generator.core.categories import help_center_categories, load_categories
from supportkb.generator.core.errors import Diagnostic
from supportkb.generator.core.escape import github_annotation_data, github_annotation_property
from supportkb.generator.checking.lint import DISABLED, LintConfig, lint_kb, read_lint_config, supportkb_plugin_options
from supportkb.generator.core.project import Project, read_mkdocs_config
from supportkb.generator.checking.validate import validate_kb

CACHE_DIR_NAME = ".kb-cache"
GROUP_AT = 6
"""The text report lists a rule's findings one by one up to this many; beyond, the first SHOWN_IN_GROUP and a count."""
SHOWN_IN_GROUP = 3


@dataclass(frozen=True)
class CheckReport:
    articles: int
    files: int
    findings: tuple[Diagnostic, ...]
    notes: tuple[Note, ...] = ()
    """Facts about the whole folder (derived fields, keys passed through), said once; never errors."""

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.is_error)

    @property
    def warnings(self) -> int:
        return len(self.findings) - self.errors

    def summary(self) -> str:
        return f"Checked {self.files} files: {self.errors} error(s), {self.warnings} warning(s)."

    def as_json(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "articles": self.articles,
            "errors": self.errors,
            "warnings": self.warnings,
            "findings": [
                {"path": f.path, "line": f.line, "col": f.col, "severity": f.severity, "code": f.code, "message": f.message, "hint": f.hint}
                for f in self.findings
            ],
            "notes": [note.as_json() for note in self.notes],
        }


def lint_config_for(project: Project) -> LintConfig:
    """The writer rules' settings from the project's mkdocs.yml (off for a bare --kb folder)."""
    if project.config_file is None:
        return DISABLED
    return read_lint_config(read_mkdocs_config(project.config_file), config_file=project.config_file)


def check_project(
    project: Project,
    *,
    strict: bool = False,
    external: bool = False,
    rules: LintConfig | None = None,
    today: dt.date | None = None,
) -> CheckReport:
    """Validate every article the way every build does, then apply the writer rules.

    external: also check http(s) links (cached in .kb-cache/ beside mkdocs.yml).
    rules: writer-rule settings; None reads them from the project's mkdocs.yml.
    strict: warnings become errors.
    """
    rules = lint_config_for(project) if rules is None else rules
    loaded = load_articles(project.articles_dir)
    categories = help_center_categories(load_categories(project.categories_file), loaded.articles)
    findings = validate_kb(loaded, categories, strict=strict, stable_links=_writes_stable_links(project)) + lint_kb(loaded, categories, rules, today=today)
    if external:
        from supportkb.generator.checking.linkcheck import LinkCheckSettings, check_urls, external_urls, link_findings

        settings = LinkCheckSettings(
            timeout=rules.external_timeout,
            concurrency=rules.external_concurrency,
            budget=rules.external_budget,
            cache_hours=rules.external_cache_hours,
        )
        cache_file = project.root / CACHE_DIR_NAME / "external-links.json"
        statuses = check_urls(external_urls(loaded), settings=settings, cache_file=cache_file)
        findings += [f for f in link_findings(loaded, statuses) if f.code not in rules.disabled]
        severities = dict(rules.severities)
        findings = [_with_severity(f, severities[f.code]) if f.code in severities else f for f in findings]
    if strict:
        findings = [_with_severity(f, "error") for f in findings]
    findings.sort(key=lambda d: (d.path, d.line, d.col, d.message))
    notes = folder_notes(loaded, categories, strict=strict)
    return CheckReport(articles=len(loaded.articles), files=loaded.files_seen, findings=tuple(findings), notes=notes)


def _writes_stable_links(project: Project) -> bool:
    """The plugin's `stable_links` option, as the build will see it (on unless mkdocs.yml turns it off)."""
    if project.config_file is None:
        return True
    options = supportkb_plugin_options(read_mkdocs_config(project.config_file)) or {}
    return options.get("stable_links", True) is not False


def _with_severity(finding: Diagnostic, severity: str) -> Diagnostic:
    return Diagnostic(finding.path, finding.line, finding.col, severity, finding.message, finding.hint, finding.code)  # type: ignore[arg-type]


def format_report(report: CheckReport, output_format: str = "text", *, show_all: bool = False) -> str:
    """The findings as `kb check` prints them: text lines, a JSON document, or GitHub annotations.

    JSON and GitHub keep every finding. Text groups a rule's findings past GROUP_AT into its
    first few places and a count, so one repeated finding cannot bury the rest; show_all
    (`kb check --all`) lists every one.
    """
    if output_format == "json":
        return json.dumps(report.as_json(), indent=2, ensure_ascii=False) + "\n"
    if output_format == "github":
        return "".join(_github_annotation(f) + "\n" for f in report.findings) + "".join(_github_notice(n) + "\n" for n in report.notes)
    if output_format == "text":
        return _text_report(report, show_all=show_all)
    raise ValueError(f"unknown report format {output_format!r}")


def _text_report(report: CheckReport, *, show_all: bool) -> str:
    lines = [f.format() for f in report.findings] if show_all else _grouped_lines(report.findings)
    lines += [note.format() for note in report.notes]
    return "".join(line + "\n" for line in lines)


def _grouped_lines(findings: tuple[Diagnostic, ...]) -> list[str]:
    """Errors before warnings; within each, rules in order of their first place (findings are sorted by place)."""
    groups: dict[tuple[bool, str], list[Diagnostic]] = {}
    for finding in findings:
        groups.setdefault((not finding.is_error, finding.code or finding.message), []).append(finding)
    lines: list[str] = []
    for (_, _code), group in sorted(groups.items(), key=lambda item: item[0][0]):
        if len(group) < GROUP_AT:
            lines += [f.format() for f in group]
            continue
        first = group[0]
        kind = "errors" if first.is_error else "warnings"
        lines.append(f"{first.code or 'finding'}: {len(group)} {kind}, the first {SHOWN_IN_GROUP}:")
        lines += ["  " + f.format() for f in group[:SHOWN_IN_GROUP]]
        lines.append(f"  … and {len(group) - SHOWN_IN_GROUP} more {first.code} {kind} (kb check --all lists every one)")
    return lines


def _github_notice(note: Note) -> str:
    message = note.message + (f" ({note.hint})" if note.hint else "")
    return f"::notice title={github_annotation_property('kb check: ' + note.code)}::{github_annotation_data(message)}"


def _github_annotation(finding: Diagnostic) -> str:
    """A GitHub Actions workflow command, shown on the pull request's changed line."""
    message = finding.message + (f" ({finding.hint})" if finding.hint else "")
    properties = {
        "file": finding.path,
        "line": str(finding.line),
        "col": str(finding.col),
        "title": f"kb check: {finding.code}" if finding.code else "kb check",
    }
    joined = ",".join(f"{key}={github_annotation_property(value)}" for key, value in properties.items())
    return f"::{finding.severity} {joined}::{github_annotation_data(message)}"

