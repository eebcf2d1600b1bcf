"""The "may be out of date" notice follows the staleness checker's stale_since mark."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from supportkb.generator.site.article_page import is_marked_stale
from supportkb.generator.core.articles import load_articles
from supportkb.generator.site.build import build_site
from supportkb.cli import main
from tests.conftest import write_article
from tests.generator.kbproject import make_project
from tests.generator.site.conftest import serve_site


@pytest.mark.parametrize(
    ("front", "stale"),
    [
        ({}, False),
        ({"stale_since": "4.2"}, True),
        ({"stale_since": "4.2", "reviewed": dt.date(2026, 5, 1)}, True),
        ({"stale_since": "4.2", "stale_marked": "2026-05-01", "reviewed": dt.date(2026, 4, 30)}, True),
        ({"stale_since": "4.2", "stale_marked": "2026-05-01", "reviewed": dt.date(2026, 5, 1)}, True),
        ({"stale_since": "4.2", "stale_marked": dt.date(2026, 5, 1), "reviewed": dt.date(2026, 5, 2)}, False),
    ],
)
def test_is_marked_stale(tmp_path: Path, front: dict[str, object], stale: bool) -> None:
    write_article(tmp_path / "a.md", "Text.\n", title="A", **front)
    (article,) = load_articles(tmp_path).articles
    assert is_marked_stale(article) is stale


def test_marked_article_shows_the_notice_with_the_version_until_cleared(tmp_path: Path) -> None:
    config = make_project(tmp_path)
    path = tmp_path / "kb/articles/billing/plans.md"
    write_article(path, "# Plans\n\nIntro.\n\n## Prices\n\nText.\n", id="110", title="Plans", category="billing", stale_since="5.0.1")
    site = build_site(config).site_dir
    page = BeautifulSoup((site / "billing/plans/index.html").read_text(encoding="utf-8"), "html.parser")
    notice = page.select_one("article .admonition.warning.kb-stale")
    assert notice is not None
    assert notice.select_one(".admonition-title").get_text() == "This article may be out of date"
    assert "version 5.0.1" in notice.get_text()
    assert notice.find_previous("h1").get_text(strip=True).rstrip("¶") == "Plans", "the notice sits under the title"
    other = (site / "billing/refunds/index.html").read_text(encoding="utf-8")
    assert "may be out of date" not in other

    write_article(path, "# Plans\n\nIntro.\n", id="110", title="Plans", category="billing")
    site = build_site(config).site_dir
    assert "may be out of date" not in (site / "billing/plans/index.html").read_text(encoding="utf-8")


def test_kb_stale_mark_shows_the_notice_in_the_browser(tmp_path: Path, browser: Any) -> None:
    """The whole loop: release notes -> kb stale --mark -> build -> a reader sees the notice."""
    config = make_project(tmp_path)
    write_article(
        tmp_path / "kb/articles/billing/refunds.md",
        "Refunds go back to the card.\n\n## How refunds work\n\nOpen **Settings › Billing › Refund** and confirm.\n",
        id="101", title="Refunds", category="billing", features=["Refund button"],
    )
    notes = tmp_path / "CHANGELOG.md"
    notes.write_text("## 3.0.0 (2026-11-01)\n\n### Changed\n\n- The **Refund button** moved to Billing › Payments.\n", encoding="utf-8")
    marked = CliRunner().invoke(main, ["stale", "-f", str(config), "--release", str(notes), "--mark"])
    assert marked.exit_code == 0, marked.output
    assert 'stale_since: "3.0.0"' in (tmp_path / "kb/articles/billing/refunds.md").read_text(encoding="utf-8")

    site = build_site(config).site_dir
    for server in serve_site(site):
        page = browser.new_page()
        try:
            page.goto(server.url + "billing/refunds/")
            notice = page.locator(".kb-stale")
            assert notice.is_visible()
            assert "This article may be out of date" in notice.inner_text()
            assert "3.0.0" in notice.inner_text()
            page.goto(server.url + "getting-started/welcome/")
            assert page.locator(".kb-stale").count() == 0
        finally:
            page.close()
