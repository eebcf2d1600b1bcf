"""Hostile or awkward front matter builds, and is shown as text, never run as markup."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from supportkb.generator.site.build import build_site
from tests.generator.site.badinput import CATEGORY_TITLE, IMG_SUMMARY, LONG_TITLE, RTL_TITLE, SCRIPT_TITLE, make_bad_project
from tests.generator.site.conftest import site_texts


@pytest.fixture(scope="module")
def bad_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_site(make_bad_project(tmp_path_factory.mktemp("bad"))).site_dir


def soup(site: Path, url: str) -> BeautifulSoup:
    return BeautifulSoup((site / url / "index.html").read_text(encoding="utf-8"), "html.parser")


def test_no_front_matter_markup_survives_as_markup_anywhere(bad_site: Path) -> None:
    for path, text in site_texts(bad_site):
        if path.suffix not in (".html", ".json", ".xml"):
            continue
        assert "<script>window.__kbxss" not in text, path
        assert "<img src=x" not in text, path
        assert "<b>category</b>" not in text, path
        if path.suffix == ".html":
            page = BeautifulSoup(text, "html.parser")
            assert not page.select("img[src=x]"), path
            assert not [s for s in page.find_all("script") if "__kbxss" in s.get_text()], path


def test_script_title_and_summary_show_as_text(bad_site: Path) -> None:
    page = soup(bad_site, "odd/script-title/")
    assert page.title.get_text() == f"{SCRIPT_TITLE} - Test Help Center"  # type: ignore[union-attr]
    assert page.select_one("meta[name=description]")["content"] == IMG_SUMMARY
    assert page.select_one("meta[property='og:title']")["content"] == SCRIPT_TITLE
    assert page.select_one("article .kb-lead").get_text() == IMG_SUMMARY
    assert page.select_one(".md-header__topic:last-child .md-ellipsis").get_text(strip=True) == SCRIPT_TITLE
    assert page.select_one(".kb-stale").get_text().count("<script>9</script>") == 1
    assert page.select_one(".raw-block strong").get_text() == "Raw HTML", "writers' raw HTML in the body is kept"
    assert page.select_one("kbd").get_text() == "Ctrl"


def test_category_text_is_escaped_in_nav_cards_and_breadcrumbs(bad_site: Path) -> None:
    home = soup(bad_site, "")
    assert CATEGORY_TITLE in [c.get_text(strip=True) for c in home.select(".kb-card__title")]
    assert CATEGORY_TITLE in [a.get_text(strip=True) for a in home.select(".md-nav__link")]
    article = soup(bad_site, "odd/rtl/")
    assert [a.get_text(strip=True) for a in article.select(".kb-breadcrumbs a")] == ["Home", CATEGORY_TITLE]
    odd_card = next(c for c in home.select(".kb-card") if c.select_one(".kb-card__title").get_text(strip=True) == CATEGORY_TITLE)
    assert odd_card.select_one(".kb-card__icon") is None, "an icon name that is not an icon is left out"


@pytest.mark.parametrize(
    ("url", "title"),
    [("odd/rtl/", RTL_TITLE), ("odd/no-headings/", "No headings here")],
)
def test_unicode_rtl_and_headingless_articles_get_their_title(bad_site: Path, url: str, title: str) -> None:
    page = soup(bad_site, url)
    assert page.select_one("article h1").get_text(strip=True) == title
    assert page.title.get_text() == f"{title} - Test Help Center"  # type: ignore[union-attr]


def test_long_title_builds_and_is_listed(bad_site: Path) -> None:
    listed = [a.get_text(strip=True) for a in soup(bad_site, "odd/").select("ul.kb-article-list a")]
    assert LONG_TITLE in listed
    assert soup(bad_site, "odd/long/").title.get_text().startswith(LONG_TITLE)  # type: ignore[union-attr]
