"""The sample help center in headless Chromium, used as a customer and an agent would use it."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from supportkb.generator.core.articles import Article
from supportkb.generator.site.build import build_site
from tests.conftest import REPO_ROOT
from tests.generator.site.badinput import make_bad_project
from tests.generator.site.conftest import SampleSite, SiteServer, serve_site

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
SETTLED = "() => ['done', 'empty'].includes(document.querySelector('[data-kb-search-state]').getAttribute('data-kb-search-state'))"
ARTIFACTS = REPO_ROOT / "tests" / "artifacts"


class Visit:
    """A fresh browser tab that records console errors; the test fails on any it did not expect."""

    def __init__(self, browser: Any, server: SiteServer, *, dark: bool = False) -> None:
        self.server = server
        self.context = browser.new_context(
            base_url=server.url, viewport={"width": 1280, "height": 860}, color_scheme="dark" if dark else "light"
        )
        self.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url.rstrip("/"))
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def goto(self, url: str) -> Any:
        return self.page.goto(url, wait_until="load")

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visit(browser: Any, sample_server: SiteServer) -> Iterator[Visit]:
    tab = Visit(browser, sample_server)
    yield tab
    errors = tab.errors
    tab.close()
    assert errors == [], "console errors"


def alias_case(sample_site: SampleSite) -> tuple[Article, str]:
    """A public article and one of its aliases that shares no word with its title."""
    for article in sample_site.public:
        title_words = set(re.findall(r"\w+", article.title.lower()))
        for alias in article.aliases:
            words = re.findall(r"\w+", alias.lower())
            if len(words) >= 3 and not title_words & set(words):
                return article, alias
    raise AssertionError("the sample needs an article whose alias differs from its title")


def section_case(sample_site: SampleSite) -> tuple[Article, str]:
    article = next(a for a in sample_site.public if sum(h.level == 2 for h in a.headings) >= 3)
    anchor = [h for h in article.headings if h.level == 2][2].anchor
    return article, anchor


def shoot(visit: Visit, name: str, *, full_page: bool = False) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    if full_page:
        visit.page.evaluate("window.scrollTo(0, 0)")  # Sticky header and sidebars draw where scrolled.
        visit.page.wait_for_timeout(150)
    visit.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)


def wait_for(condition: Any, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.05)


# --- customers --------------------------------------------------------------------------------


def test_home_shows_search_and_every_category(visit: Visit, sample_site: SampleSite) -> None:
    visit.goto("")
    page = visit.page
    categories = {a.category for a in sample_site.public}
    titles = page.locator(".kb-card__title").all_inner_texts()
    assert len(titles) >= len(categories)
    assert page.locator("#kb-searchbox-input").is_visible()
    assert page.locator(".kb-hero__title").inner_text() == "How can we help?"
    assert page.locator("#kb-popular-title ~ ul a").count() >= 3
    shoot(visit, "home", full_page=True)


def test_searching_an_alias_finds_the_article(visit: Visit, sample_site: SampleSite) -> None:
    article, alias = alias_case(sample_site)
    visit.goto("")
    page = visit.page
    page.locator("#kb-searchbox-input").click()
    page.keyboard.type(alias, delay=15)
    page.wait_for_function(SETTLED)
    top = page.locator("[data-kb-result] .kb-search__title").all_inner_texts()[:3]
    assert article.title in top, (alias, top)
    shoot(visit, "search")
    page.locator("[data-kb-result]", has=page.locator(f".kb-search__title:text-is({article.title!r})")).first.click()
    page.wait_for_url(re.compile(re.escape(article.url) + r"(#[^#]*)?$"))


def test_keyboard_only_search_and_navigation(visit: Visit, sample_site: SampleSite) -> None:
    article, alias = alias_case(sample_site)
    visit.goto("")
    page = visit.page
    for _ in range(25):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "kb-searchbox-input":
            break
    else:
        raise AssertionError("the search box cannot be reached with Tab")
    page.keyboard.type(alias, delay=15)
    page.wait_for_function(SETTLED)
    assert page.evaluate("document.activeElement.hasAttribute('data-kb-search')")
    for _ in range(3):
        page.keyboard.press("ArrowDown")
        if article.title in page.evaluate("document.activeElement.textContent"):
            break
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(re.escape(article.url) + r"(#[^#]*)?$"))
    # From the article, Tab reaches the breadcrumb back to its category.
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("!!document.activeElement.closest('.kb-breadcrumbs') && document.activeElement.textContent.trim() !== 'Home'"):
            break
    else:
        raise AssertionError("the category breadcrumb cannot be reached with Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(re.escape(f"/{article.category}/") + "$"))


def test_category_page_lists_its_articles(visit: Visit, sample_site: SampleSite) -> None:
    visit.goto("")
    page = visit.page
    card = page.locator(".kb-card").first
    title = card.locator(".kb-card__title").inner_text()
    count = int(card.locator(".kb-card__count").inner_text().split()[0])
    card.click()
    page.wait_for_load_state("load")
    assert page.locator("article h1").inner_text().rstrip("¶").strip() == title
    listed = page.locator("ul.kb-article-list a").all_inner_texts()
    assert len(listed) == count
    category = page.url.rstrip("/").rsplit("/", 1)[1]
    assert sorted(listed) == sorted(a.title for a in sample_site.public if a.category == category)


def test_id_link_lands_on_the_article_section(visit: Visit, sample_site: SampleSite) -> None:
    article, anchor = section_case(sample_site)
    visit.goto(f"a/{article.id}/#{anchor}")
    page = visit.page
    page.wait_for_url(re.compile(re.escape(f"{article.url}#{anchor}") + "$"))
    assert page.locator(f"[id='{anchor}']").is_visible()
    top = page.evaluate(f"document.getElementById({anchor!r}).getBoundingClientRect().top")
    assert 0 <= top < 300, "the section is scrolled into view"
    moved = next(a for a in sample_site.public if a.redirect_from)
    visit.goto(moved.redirect_from[0].lstrip("/"))
    page.wait_for_url(re.compile(re.escape(moved.url) + "$"))


def test_copy_link_gives_the_headings_stable_url(visit: Visit, sample_site: SampleSite) -> None:
    article, anchor = section_case(sample_site)
    visit.goto(article.url)
    page = visit.page
    heading = page.locator(f"[id='{anchor}']")
    heading.hover()
    button = heading.locator(".kb-copy-link")
    assert button.is_visible()
    assert button.get_attribute("aria-label").startswith("Copy link to section: ")
    button.click()
    expected = f"{visit.server.url}a/{article.id}/#{anchor}"
    wait_for(lambda: page.evaluate("navigator.clipboard.readText()") == expected)
    page.wait_for_selector("#kb-announcer:text('Link copied')")
    shoot(visit, "article", full_page=True)
    visit.goto(expected)
    page.wait_for_url(re.compile(re.escape(f"{article.url}#{anchor}") + "$"))


def test_helpful_widget_posts_to_the_endpoint(visit: Visit, sample_site: SampleSite) -> None:
    article = sample_site.public[0]
    visit.goto(article.url)
    page = visit.page
    before = len(visit.server.feedback)
    page.get_by_role("button", name="Yes", exact=True).click()
    wait_for(lambda: len(visit.server.feedback) > before)
    event = visit.server.feedback[-1]
    assert event["article_id"] == article.id
    assert event["helpful"] is True
    assert event["url"] == f"/{article.url}"
    assert "Thanks" in page.locator(".kb-feedback__thanks").inner_text()
    assert page.get_by_role("button", name="No", exact=True).is_disabled()


def test_internal_articles_cannot_be_opened_or_found(visit: Visit, sample_site: SampleSite) -> None:
    page = visit.page
    for article in sample_site.internal:
        response = visit.goto(article.url)
        assert response.status == 404
        assert "We couldn't find that page" in page.locator("article").inner_text()
        response = visit.goto(f"a/{article.id}/")
        assert response.status == 404
    visit.errors = [e for e in visit.errors if "404" not in e]  # The 404s above were asked for.
    article = sample_site.internal[0]
    visit.goto("")
    page.locator("#kb-searchbox-input").click()
    page.keyboard.type(article.title, delay=10)
    page.wait_for_function(SETTLED)
    assert article.title not in page.locator("[data-kb-search-state]").inner_text()


# --- accessibility ----------------------------------------------------------------------------


def serious_violations(page: Any) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_axe_finds_no_serious_violations(browser: Any, sample_server: SiteServer, sample_site: SampleSite, dark: bool) -> None:
    article, _ = section_case(sample_site)
    tab = Visit(browser, sample_server, dark=dark)
    found = {}
    try:
        for url in ("", f"{article.category}/", article.url, "404.html"):
            tab.goto(url)
            found[url or "home"] = serious_violations(tab.page)
        tab.goto("")
        tab.page.locator("#kb-searchbox-input").click()
        tab.page.keyboard.type("invoice", delay=10)
        tab.page.wait_for_selector("[data-kb-result]")
        # Results re-render and fade in while the last keystrokes are processed; check what a
        # reader sees once they have settled (a loaded CI machine caught them mid-transition).
        tab.page.wait_for_load_state("networkidle")
        tab.page.wait_for_timeout(800)
        found["search"] = serious_violations(tab.page)
        if dark:
            tab.goto(article.url)
            shoot(tab, "article-dark")
    finally:
        errors = tab.errors
        tab.close()
    problems = [f"{url}: {v}" for url, violations in found.items() for v in violations]
    assert problems == [], "\n".join(problems)
    assert errors == []


# --- hostile input ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bad_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SiteServer]:
    site = build_site(make_bad_project(tmp_path_factory.mktemp("bad-browser"), plugin_options="      feedback_endpoint: /__feedback\n")).site_dir
    yield from serve_site(site)


def test_hostile_front_matter_never_runs(browser: Any, bad_server: SiteServer) -> None:
    tab = Visit(browser, bad_server)
    try:
        for url in ("", "odd/", "odd/script-title/", "odd/rtl/", "odd/long/", "odd/no-headings/"):
            tab.goto(url)
            assert tab.page.evaluate("typeof window.__kbxss") == "undefined", url
        tab.goto("odd/script-title/")
        assert "<script>" in tab.page.locator("article h1").inner_text() or "<script>" in tab.page.title()
        tab.page.keyboard.press("/")
        tab.page.keyboard.type("Pay invoices", delay=10)
        tab.page.wait_for_selector("[data-kb-result]")
        assert tab.page.evaluate("typeof window.__kbxss") == "undefined"
        tab.goto("odd/rtl/")
        assert tab.page.locator("article h1").inner_text().startswith("إعداد الفواتير")
    finally:
        errors = tab.errors
        tab.close()
    assert errors == []


# --- search: pagefind -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pagefind_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SiteServer]:
    config = make_bad_project(tmp_path_factory.mktemp("pagefind-browser"), plugin_options="      search: pagefind\n")
    yield from serve_site(build_site(config).site_dir)


def test_pagefind_search_finds_an_article_from_the_home_search_box(browser: Any, pagefind_server: SiteServer) -> None:
    tab = Visit(browser, pagefind_server)
    try:
        page = tab.page
        tab.goto("")
        page.locator("#kb-searchbox-input").click()
        page.keyboard.type("refunds paid", delay=15)
        assert page.locator("dialog[data-kb-pagefind]").evaluate("d => d.open")
        page.wait_for_selector(".pagefind-modular-list-link")
        assert page.locator(".pagefind-modular-list-link").first.inner_text() == "Refunds"
        violations = serious_violations(page)
        page.keyboard.press("Enter")  # Enter moves to the first result; Enter again opens it.
        # Focus is on 'Refunds', and the same link has kept it for 300 ms: a late search re-renders
        # the results (focus follows to the new link), and Enter on a link being replaced is lost.
        page.wait_for_function(
            """() => {
              const active = document.activeElement;
              if (!active || active.textContent !== 'Refunds') return false;
              if (window.kbFocusSeen !== active) { window.kbFocusSeen = active; window.kbFocusSince = performance.now(); }
              return performance.now() - window.kbFocusSince > 300;
            }""",
            polling=100,
            timeout=20_000,  # Generous: CI machines may be busy; the test is about behaviour, not speed.
        )
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"/billing/refunds/$"))
        page.keyboard.press("/")
        page.keyboard.type("zebra-falcon escalation", delay=10)
        page.wait_for_selector("#kb-pagefind-summary:text('0 results')")
    finally:
        errors = tab.errors
        tab.close()
    assert violations == []
    assert errors == []


def test_pagefind_enter_before_the_results_arrive_still_moves_to_the_first(browser: Any, pagefind_server: SiteServer) -> None:
    """A fast typist presses Enter before Pagefind has shown anything: focus follows to the first result."""
    tab = Visit(browser, pagefind_server)
    try:
        page = tab.page
        tab.goto("")
        page.keyboard.press("/")
        page.keyboard.type("refunds paid", delay=0)
        page.keyboard.press("Enter")  # No result is on the page yet.
        page.wait_for_function("document.activeElement.textContent === 'Refunds'", polling=100, timeout=20_000)
    finally:
        errors = tab.errors
        tab.close()
    assert errors == []

