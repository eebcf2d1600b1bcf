"""The user guides in docs/ are supportkb articles: they pass kb check and build into a site."""

from __future__ import annotations

import shutil
from pathlib import Path

from supportkb.generator.site.build import build_site
from supportkb.generator.checking.check import check_project
from supportkb.generator.core.project import find_project
from tests.conftest import REPO_ROOT

GUIDES = ("writers.md", "agents.md", "admins.md", "gaps.md", "staleness.md", "security.md", "adopting.md", "importing.md")


def test_guides_check_clean_and_build(project: Path) -> None:
    folder = project / "kb/articles/guides"
    folder.mkdir()
    for name in GUIDES:
        shutil.copyfile(REPO_ROOT / "docs" / name, folder / name)
    with (project / "kb/categories.yml").open("a", encoding="utf-8") as categories:
        categories.write("\nguides:\n  title: Guides\n  description: How to write, find and publish answers.\n")
    report = check_project(find_project(start=project))
    assert [f.format() for f in report.findings] == []
    build_site(project / "mkdocs.yml")
    page = (project / "site/guides/admins/index.html").read_text(encoding="utf-8")
    assert "Writer rules" in page and 'href="../writers/"' in page
