"""A folder written for another tool builds as it is: every page, wikilinks as links, other schemes left alone."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from supportkb.generator.core.articles import load_articles
from supportkb.generator.core.categories import help_center_categories
from supportkb.generator.site.build import build_site
from supportkb.generator.site.pages import category_page_markdown
from tests.generator.checking.test_any_folder import make_vault
from tests.generator.kbproject import MKDOCS_YML


@pytest.fixture(scope="module")
def vault_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("vault")
    make_vault(root / "kb/articles")
    (root / "kb/articles/getting-started/images").mkdir()
    (root / "kb/articles/getting-started/images/shot.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (root / "kb/articles/getting-started/Create your account.md").open("a", encoding="utf-8").write(
        "\n![[shot.png|300]] and `[[not a link]]` and [[Invite your team|invite them]].\n"
    )
    (root / "kb/articles/index.md").write_text("Welcome to our help. Start with [[Create your account]].\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    return build_site(root / "mkdocs.yml").site_dir


def page(site: Path, url: str) -> BeautifulSoup:
    return BeautifulSoup((site / url / "index.html").read_text(encoding="utf-8"), "html.parser")


def test_every_article_is_built_with_its_derived_title(vault_site: Path) -> None:
    for url, title in [
        ("getting-started/Create your account", "Create your account"),
        ("getting-started/Invite your team", "Invite your team"),
        ("billing/Refund policy", "Refund policy"),
        ("billing/Update your card", "Update your card"),
        ("getting-started", "Getting started"),
        ("billing", "Billing"),
    ]:
        assert page(vault_site, url).select_one("h1").get_text(strip=True) == title  # type: ignore[union-attr]


def test_an_index_md_at_the_top_is_the_home_page(vault_site: Path) -> None:
    home = BeautifulSoup((vault_site / "index.html").read_text(encoding="utf-8"), "html.parser")
    link = home.select_one("article a.kb-wikilink")
    assert link is not None and link["href"] == "getting-started/Create%20your%20account/"


def test_wikilinks_render_as_links_to_the_pages_they_name(vault_site: Path) -> None:
    html = page(vault_site, "getting-started/Create your account")
    links = {a.get_text(): a["href"] for a in html.select("article a.kb-wikilink")}
    assert links["Invite your team"] == "../Invite%20your%20team/"
    assert links["its steps"] == "../Invite%20your%20team/#steps"
    assert links["invite them"] == "../Invite%20your%20team/"
    image = html.select_one("article img[width='300']")
    assert image is not None and image["src"] == "../images/shot.png"
    assert (vault_site / "getting-started/images/shot.png").is_file()
    assert "[[not a link]]" in html.select_one("article code").get_text()  # type: ignore[union-attr]
    assert "[[" not in " ".join(p.get_text() for p in html.select("article p") if not p.select("code"))


def test_other_schemes_stay_links_out(vault_site: Path) -> None:
    hrefs = {a["href"] for a in page(vault_site, "billing/Refund policy").select("article a")}
    assert {"mailto:help@example.com", "tel:+15555550100", "obsidian://show-plugin?id=x", "obsidian:open"} <= hrefs


def test_a_derived_summary_is_not_shown_twice(vault_site: Path) -> None:
    html = page(vault_site, "billing/Refund policy")
    assert html.select(".kb-lead") == []
    assert html.select_one("meta[name=description]")["content"] == "How to refund policy, in a minute."  # type: ignore[index]


def test_folder_categories_get_a_page_listing_their_articles(tmp_path: Path) -> None:
    make_vault(tmp_path)
    loaded = load_articles(tmp_path)
    categories = help_center_categories((), loaded.articles)
    billing = next(c for c in categories if c.id == "billing")
    in_billing = [a for a in loaded.articles if a.category == "billing"]
    urls = {a.id: a.url for a in in_billing}
    markdown = category_page_markdown(billing, in_billing, urls, page_url="billing/")
    assert "# Billing" in markdown
    assert '<a href="Refund%20policy/">Refund policy</a>' in markdown or '<a href="Refund policy/">Refund policy</a>' in markdown


def test_the_build_writes_a_page_for_each_folder_category(vault_site: Path) -> None:
    billing = page(vault_site, "billing")
    assert billing.find("h1").get_text(strip=True) == "Billing"
    assert "Refund policy" in billing.get_text()


def test_double_brackets_that_name_nothing_build_as_the_text_written(tmp_path: Path) -> None:
    make_vault(tmp_path / "kb/articles")
    (tmp_path / "kb/articles/getting-started/config.md").write_text(
        "# Config\n\nAdd [[inputs.mysql]] to the file.\n", encoding="utf-8"
    )
    (tmp_path / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    site = build_site(tmp_path / "mkdocs.yml").site_dir
    assert "Add [[inputs.mysql]] to the file." in page(site, "getting-started/config").get_text()


@pytest.mark.parametrize(
    ("summary", "body", "repeats"),
    [
        ("You can move to another plan at any time.", "You can move to another  plan at any time.\n\n## Steps\n", True),
        ("Move to another plan.", "You can move to another plan at any time.\n", False),
        ("A" * 150 + " more words that go on and on past the cut " + "b" * 80, "A" * 150 + " more words that go on and on past the cut " + "b" * 80 + "\n", True),
        ("Plans and prices.", "## Steps\n\n1. Open billing.\n", False),
    ],
)
def test_a_summary_that_is_the_opening_paragraph_is_not_shown_twice(summary: str, body: str, repeats: bool) -> None:
    from supportkb.generator.site.article_page import repeats_opening

    assert repeats_opening(summary, body) is repeats


def test_a_page_with_its_own_related_list_gets_no_second_one(tmp_path: Path) -> None:
    make_vault(tmp_path / "kb/articles")
    (tmp_path / "kb/articles/billing/Change your plan.md").write_text(
        "# Change your plan\n\nMove to another plan any time.\n\n## Related articles\n\n- [[Refund policy]]\n", encoding="utf-8"
    )
    (tmp_path / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    site = build_site(tmp_path / "mkdocs.yml").site_dir
    headings = [h.get_text(strip=True).rstrip("¶") for h in page(site, "billing/Change your plan").select("h2")]
    assert headings.count("Related articles") == 1
    other = [h.get_text(strip=True).rstrip("¶") for h in page(site, "billing/Refund policy").select("h2")]
    assert "Related articles" in other, "pages without their own list still get the generated one"
