"""`kb check`: load and validate a project's articles, as one report."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.articles import load_articles
from generator.categories import load_categories
from generator.errors import Diagnostic
from generator.project import Project
from generator.validate import validate_kb


@dataclass(frozen=True)
class CheckReport:
    articles: int
    files: int
    findings: tuple[Diagnostic, ...]

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
        }


def check_project(project: Project, *, strict: bool = False) -> CheckReport:
    """Validate every article of the project, the way every build does."""
    loaded = load_articles(project.articles_dir)
    categories = load_categories(project.categories_file)
    findings = validate_kb(loaded, categories, strict=strict)
    return CheckReport(articles=len(loaded.articles), files=loaded.files_seen, findings=tuple(findings))
