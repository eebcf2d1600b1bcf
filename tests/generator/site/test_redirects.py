"""Stable id links and redirect_from: where redirect pages go, conflicts, and where they lead."""

from __future__ import annotations

from pathlib import Path

import pytest

from supportkb.generator.core.articles import load_articles
from supportkb.generator.site.build import build_site
from supportkb.generator.core.errors import BuildFailed
from supportkb.generator.site.redirects import resolve_redirect, source_path, stable_url
from tests.conftest import write_article
from tests.generator.kbproject import make_project


@pytest.mark.parametrize(
    ("old_url", "expect"),
    [
        ("help/import/", "help/import/index.html"),
        ("/help/import", "help/import/index.html"),
        ("docs/old-page.html", "docs/old-page.html"),
        ("billing/refunds.md", "billing/refunds/index.html"),
        ("/help/x/?ref=1#top", "help/x/index.html"),
        ("../outside/", None),
        ("https://elsewhere.example/x/", None),
        ("/", None),
        ("", None),
    ],
)
def test_source_path(old_url: str, expect: str | None) -> None:
    assert source_path(old_url) == expect


def test_stable_url_quotes_odd_ids() -> None:
    assert stable_url("1042") == "a/1042/"
    assert stable_url("billing/refunds") == "a/billing/refunds/"
    assert stable_url("ä b") == "a/%C3%A4%20b/"


def test_build_writes_id_links_and_old_urls_that_lead_to_the_article(tmp_path: Path) -> None:
    config = make_project(tmp_path)
    write_article(
        tmp_path / "kb/articles/billing/moved.md", "# Moved\n\n## Part two\n\nText.\n",
        id="103", title="Moved article", category="billing", redirect_from=["old/place/", "/older.html"],
    )
    site = build_site(config).site_dir
    assert resolve_redirect(site, "a/103/index.html") == "billing/moved/index.html"
    assert resolve_redirect(site, "old/place/index.html") == "billing/moved/index.html"
    assert resolve_redirect(site, "older.html") == "billing/moved/index.html"
    assert resolve_redirect(site, "a/100/index.html") == "getting-started/welcome/index.html"
    assert not (site / "a/102").exists(), "internal articles get no id link"
    text = (site / "a/103/index.html").read_text(encoding="utf-8")
    assert 'location.replace("../../billing/moved/" + location.search + location.hash)' in text


@pytest.mark.parametrize(
    ("redirect_from", "message"),
    [
        (["billing/refunds/"], "'/billing/refunds/' is a page of the site; it cannot redirect"),
        (["../up/"], "redirect_from '../up/' is not a path on this site"),
    ],
)
def test_bad_redirects_fail_the_build_with_the_file_and_line(tmp_path: Path, redirect_from: list[str], message: str) -> None:
    config = make_project(tmp_path)
    write_article(tmp_path / "kb/articles/billing/moved.md", "Text.\n", id="103", title="Moved", category="billing", redirect_from=redirect_from)
    with pytest.raises(BuildFailed) as failure:
        build_site(config)
    assert f"kb/articles/billing/moved.md:5:1: error: {message}" in failure.value.details


def test_two_articles_cannot_claim_one_old_url(tmp_path: Path) -> None:
    config = make_project(tmp_path)
    for n in ("1", "2"):
        write_article(tmp_path / f"kb/articles/billing/m{n}.md", "Text.\n", id=f"20{n}", title=f"M{n}", category="billing", redirect_from=["old/"])
    with pytest.raises(BuildFailed) as failure:
        build_site(config)
    assert "'/old/' already redirects to article '201'" in failure.value.details
    assert load_articles(tmp_path / "kb/articles").files_seen == 5
