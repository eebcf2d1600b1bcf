"""The help site's search box (`search: kb`, the default) in headless Chromium, as customers use it.

Reads the hooks every engine carries: [data-kb-search] (the input), [data-kb-result] (result links
in rank order) and data-kb-search-state="loading|done|empty" (the results container).
"""

from __future__ import annotations

import http.server
import json
import re
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from supportkb.generator.core.articles import Article
from supportkb.generator.core.synonyms import load_synonyms
from supportkb.generator.site.build import build_site
from tests.conftest import REPO_ROOT
from tests.generator.site.badinput import make_bad_project
from tests.generator.site.conftest import SampleSite, SiteServer, serve_site

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
SHOTS = REPO_ROOT / "tests" / "artifacts"
SETTLED = "() => ['done', 'empty'].includes(document.querySelector('[data-kb-search-state]').getAttribute('data-kb-search-state'))"


class Tab:
    """A fresh browser tab that records console errors and failed scripts."""

    def __init__(self, browser: Any, server: SiteServer, *, mobile: bool = False) -> None:
        size = {"width": 390, "height": 800} if mobile else {"width": 1280, "height": 860}
        self.context = browser.new_context(base_url=server.url, viewport=size, is_mobile=mobile, has_touch=mobile)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type in ("error", "warning") else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def search(self, query: str, *, url: str = "") -> str:
        """Open the search from the page, type the query, wait until the results settle; the state."""
        page = self.page
        if url is not None:
            page.goto(url, wait_until="load")
        box = page.locator("[data-kb-search]")
        if not box.is_visible():
            page.locator("body").press("Slash")
        box.fill("")
        box.type(query)
        page.wait_for_function(SETTLED, timeout=10_000)
        return page.locator("[data-kb-search-state]").get_attribute("data-kb-search-state")

    def results(self) -> list[tuple[str, str]]:
        """(title, href) of each [data-kb-result] link, in rank order."""
        return self.page.eval_on_selector_all(
            "[data-kb-result]", "els => els.map(e => [e.querySelector('.kb-search__title').textContent, e.getAttribute('href')])"
        )

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def tab(browser: Any, sample_server: SiteServer) -> Iterator[Tab]:
    opened = Tab(browser, sample_server)
    yield opened
    errors = opened.errors
    opened.close()
    assert errors == [], "console errors"


def shoot(tab: Tab, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    tab.page.screenshot(path=str(SHOTS / f"{name}.png"))


def alias_case(sample_site: SampleSite) -> tuple[Article, str]:
    for article in sample_site.public:
        title_words = set(re.findall(r"\w+", article.title.lower()))
        for alias in article.aliases:
            words = re.findall(r"\w+", alias.lower())
            if len(words) >= 3 and not title_words & set(words):
                return article, alias
    raise AssertionError("the sample needs an article whose alias differs from its title")


def agent_top(sample_site: SampleSite, query: str, limit: int = 5) -> list[str]:
    from supportkb.search.engine import SearchIndex

    index = SearchIndex.build(sample_site.public, synonyms=load_synonyms(sample_site.root / "kb/synonyms.yml"))
    return [hit.title for hit in index.search(query, limit=limit)]


# --- what a customer sees ----------------------------------------------------------------------


def test_a_question_finds_its_article_and_lands_on_the_section(tab: Tab, sample_site: SampleSite) -> None:
    article, alias = alias_case(sample_site)
    assert tab.search(f"How do I {alias}?") == "done"
    titles = [title for title, _ in tab.results()]
    assert article.title in titles[:3], titles
    assert tab.page.locator("[data-kb-result] mark").count() >= 1, "matched words are highlighted"
    assert tab.page.locator("#kb-search-status").inner_text().endswith("results") or tab.page.locator("#kb-search-status").inner_text().endswith("result")
    shoot(tab, "kb-search-results")
    link = tab.page.locator("[data-kb-result]", has=tab.page.locator(f".kb-search__title:text-is({article.title!r})")).first
    href = link.get_attribute("href")
    link.click()
    tab.page.wait_for_url(re.compile(re.escape(article.url)))
    assert urlsafe_path(tab.page.url).endswith(urlsafe_path(href))


def urlsafe_path(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


@pytest.mark.parametrize("query", ["export invoices to csv", "reset my password", "two factor authentication", "track time on mobile"])
def test_the_site_ranks_as_agent_search_does(tab: Tab, sample_site: SampleSite, query: str) -> None:
    """Same analysis, same weights: the top three match `kb search` on the same articles."""
    expected = agent_top(sample_site, query, limit=3)
    assert tab.search(query) in ("done", "empty")
    shown = [title for title, _ in tab.results()][:3]
    assert shown == expected


def test_results_come_while_typing_and_the_last_word_completes(tab: Tab, sample_site: SampleSite) -> None:
    article = next(a for a in sample_site.public if len(a.title.split()[-1]) >= 7)
    word = re.findall(r"\w+", article.title)[-1]
    assert tab.search(word[:-2]) == "done", "an unfinished last word is completed from the index"
    assert tab.results(), word


def test_a_typo_is_corrected_and_said(tab: Tab, sample_site: SampleSite) -> None:
    assert tab.search("quickbboks") == "done"
    assert tab.page.locator("[data-kb-search-fix]").inner_text() == "Showing results for quickbooks"
    assert any("QuickBooks" in title for title, _ in tab.results()[:3]), tab.results()
    # Enough results without the unknown word: they stay, and the respelling is offered.
    assert tab.search("quickbboks invoices", url=None) == "done"
    assert tab.page.locator("[data-kb-search-fix]").inner_text() == "Did you mean quickbooks invoices?"
    tab.page.locator("[data-kb-search-fix] button").click()
    tab.page.wait_for_function(SETTLED)
    assert tab.page.locator("[data-kb-search]").input_value() == "quickbooks invoices"


def test_nothing_found_offers_categories_and_contact(tab: Tab, sample_site: SampleSite) -> None:
    assert tab.search("zzxqv wqpfk") == "empty"
    page = tab.page
    assert page.locator("[data-kb-result]").count() == 0
    empty = page.locator("[data-kb-search-empty]")
    assert empty.is_visible()
    categories = empty.locator("[data-kb-search-categories] a").all_inner_texts()
    assert len(categories) >= 5
    assert empty.locator("a.kb-search__contact").get_attribute("href") == "mailto:support@tallybird.example"
    assert "No results" in page.locator("#kb-search-status").inner_text()
    shoot(tab, "kb-search-empty")


def test_keyboard_only(tab: Tab, sample_site: SampleSite) -> None:
    article, alias = alias_case(sample_site)
    page = tab.page
    page.goto("", wait_until="load")
    for _ in range(25):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "kb-searchbox-input":
            break
    else:
        raise AssertionError("the search box cannot be reached with Tab")
    page.keyboard.type(alias)
    page.wait_for_function(SETTLED)
    assert page.evaluate("document.activeElement.id") == "kb-search-input", "typing moved into the search dialog"
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.getAttribute('data-kb-result')") == "1"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.getAttribute('data-kb-result')") == "1"
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.id") == "kb-search-input"
    first = page.locator("[data-kb-result='1']").get_attribute("href")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(re.escape(first.split("#")[0].lstrip("/"))))


def test_internal_articles_are_never_found(tab: Tab, sample_site: SampleSite) -> None:
    for article in sample_site.internal:
        tab.search(article.title)
        assert article.title not in [title for title, _ in tab.results()]


def test_mobile(browser: Any, sample_server: SiteServer, sample_site: SampleSite) -> None:
    article, alias = alias_case(sample_site)
    mobile = Tab(browser, sample_server, mobile=True)
    try:
        mobile.page.goto("", wait_until="load")
        mobile.page.locator("[data-kb-search-open]").tap()
        assert mobile.page.locator("[data-kb-search]").is_visible()
        assert mobile.search(alias, url=None) == "done"
        box = mobile.page.locator("dialog[data-kb-search-dialog]").bounding_box()
        assert box is not None and box["width"] >= 380, "the dialog fills a phone's screen"
        assert article.title in [t for t, _ in mobile.results()][:3]
        shoot(mobile, "kb-search-mobile")
    finally:
        errors = mobile.errors
        mobile.close()
    assert errors == []


# --- hostile and awkward input -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "states"),
    [
        pytest.param("invoice " * 250, ("done",), id="2000-chars"),
        pytest.param("how do I do it to the", ("empty",), id="only-stop-words"),
        pytest.param("?!... ,,, ;;; ---", ("empty",), id="only-punctuation"),
        pytest.param("🧾🧾 💸", ("empty",), id="emoji"),
        pytest.param("إعداد الفواتير", ("done", "empty"), id="right-to-left"),
        pytest.param('<img src=x onerror="window.__kbxss=1"> invoice', ("done",), id="html"),
        pytest.param('"TO"', ("empty",), id="quoted-stop-word"),
    ],
)
def test_bad_input_gets_a_clear_state_and_no_errors(tab: Tab, query: str, states: tuple[str, ...]) -> None:
    assert tab.search(query) in states
    page = tab.page
    assert page.evaluate("typeof window.__kbxss") == "undefined"
    assert page.locator("dialog[data-kb-search-dialog] img").count() == 0, "the query is never HTML"
    if "<img" in query:
        assert "<img" not in page.locator("[data-kb-search-results]").inner_html()
    if page.locator("[data-kb-search-state]").get_attribute("data-kb-search-state") == "empty":
        assert page.locator("#kb-search-status").inner_text()


def test_a_query_typed_while_the_index_loads_is_answered(browser: Any, sample_server: SiteServer) -> None:
    opened = Tab(browser, sample_server)
    try:
        page = opened.page

        def slow(route: Any) -> None:
            page.wait_for_timeout(600)
            route.continue_()

        page.route("**/search/kb/index.json", slow)
        page.goto("", wait_until="load")
        page.locator("body").press("Slash")
        page.locator("[data-kb-search]").type("invoice")
        assert page.locator("[data-kb-search-state]").get_attribute("data-kb-search-state") == "loading"
        page.wait_for_function(SETTLED, timeout=10_000)
        assert opened.results()
    finally:
        errors = opened.errors
        opened.close()
    assert errors == []


# --- accessibility ------------------------------------------------------------------------------


def serious_violations(page: Any) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def test_axe_finds_nothing_serious_in_results_or_the_empty_state(tab: Tab) -> None:
    tab.search("invoice")
    assert serious_violations(tab.page) == []
    tab.search("zzxqv wqpfk", url=None)
    assert serious_violations(tab.page) == []


# --- live answers from `kb api`, events --------------------------------------------------------


class _Api(http.server.BaseHTTPRequestHandler):
    answers: list[dict]
    seen: list[str]

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        self.seen.append(self.path)
        body = json.dumps({"query": "x", "results": self.answers}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Access-Control-Allow-Origin", "*")
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def api() -> Iterator[tuple[str, list[str]]]:
    seen: list[str] = []
    answers = [
        {"title": "Refunds", "url": "billing/refunds/#how-refunds-work", "section": "how-refunds-work",
         "section_title": "How refunds work", "snippet": "«Refunds» <b>are</b> paid", "internal": False},
        {"title": "Chargeback runbook for agents", "url": "billing/chargeback-runbook/", "section": "",
         "section_title": "", "snippet": "", "internal": True},
    ]
    handler = type("Api", (_Api,), {"answers": answers, "seen": seen})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/search", seen
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _live_site(root: Path, endpoint: str) -> Iterator[SiteServer]:
    site = build_site(make_bad_project(root, plugin_options=f"      search_endpoint: {endpoint}\n")).site_dir
    yield from serve_site(site)


def test_live_mode_asks_the_api_and_never_shows_internal(browser: Any, tmp_path: Path, api: tuple[str, list[str]]) -> None:
    endpoint, seen = api
    for server in _live_site(tmp_path, endpoint):
        opened = Tab(browser, server)
        try:
            assert opened.search("money back") == "done"
            assert seen and seen[-1] == "/search?q=money+back&limit=10"
            assert [t for t, _ in opened.results()] == ["Refunds"]
            assert opened.page.locator("[data-kb-result] mark").inner_text() == "Refunds"
            assert opened.page.locator("[data-kb-result] b").count() == 0, "the API's text is not HTML"
        finally:
            errors = opened.errors
            opened.close()
        assert errors == []


def test_live_mode_falls_back_to_the_static_index(browser: Any, tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nothing listens on once closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    for server in _live_site(tmp_path, f"http://127.0.0.1:{port}/search"):
        opened = Tab(browser, server)
        try:
            assert opened.search("refunds") == "done"
            assert [t for t, _ in opened.results()][0] == "Refunds"
        finally:
            errors = [e for e in opened.errors if "ERR_CONNECTION_REFUSED" not in e and "no live search" not in e]
            opened.close()
        assert errors == []


def test_searches_and_clicks_reach_the_events_endpoint(browser: Any, tmp_path: Path) -> None:
    site = build_site(make_bad_project(tmp_path, plugin_options="      events_endpoint: /__feedback\n")).site_dir
    for server in serve_site(site):
        opened = Tab(browser, server)
        try:
            opened.search("refunds")
            opened.page.wait_for_timeout(1400)  # kb-events.js counts results once typing stops
            opened.page.locator("[data-kb-result='1']").click()
            opened.page.wait_for_url(re.compile("billing/refunds"))
            opened.page.wait_for_timeout(300)
        finally:
            opened.close()
        events = [e for batch in server.feedback for e in batch.get("events", [])]
        searches = [e for e in events if e["type"] == "search"]
        assert searches and searches[-1]["query"] == "refunds" and searches[-1]["results"] >= 1
        clicks = [e for e in events if e["type"] == "click"]
        assert clicks and clicks[0]["rank"] == 1 and clicks[0]["target"].endswith("billing/refunds/")


# --- the other engines carry the same hooks ---------------------------------------------------


@pytest.mark.parametrize("engine", ["material", "pagefind"])
def test_material_and_pagefind_carry_the_hooks(browser: Any, tmp_path: Path, engine: str) -> None:
    site = build_site(make_bad_project(tmp_path, plugin_options=f"      search: {engine}\n")).site_dir
    for server in serve_site(site):
        opened = Tab(browser, server)
        try:
            opened.page.goto("", wait_until="load")
            opened.page.locator("body").press("Slash")
            box = opened.page.locator("[data-kb-search]:visible")
            box.type("refunds")
            opened.page.wait_for_function("() => document.querySelectorAll('[data-kb-result]').length > 0", timeout=10_000)
            opened.page.wait_for_function(SETTLED.replace("document.querySelector('[data-kb-search-state]')",
                                                          "[...document.querySelectorAll('[data-kb-search-state]')].pop()"))
            first = opened.page.locator("[data-kb-result='1']").get_attribute("href")
            assert "billing/refunds" in first
            box.fill("")
            box.type("zzxqv")
            opened.page.wait_for_function("() => [...document.querySelectorAll('[data-kb-search-state]')].some(e => e.getAttribute('data-kb-search-state') === 'empty')", timeout=10_000)
        finally:
            errors = opened.errors
            opened.close()
        assert errors == []


@pytest.mark.parametrize(
    ("query", "top"),
    [
        pytest.param("refunded", "Refunds", id="inflection-the-articles-lack"),
        pytest.param("refundability", "Refunds", id="long-ending"),
        pytest.param("refundxyzq", None, id="not-an-ending"),
    ],
)
def test_words_the_articles_lack_reach_their_stem(browser: Any, tmp_path: Path, query: str, top: str | None) -> None:
    """No stemmer in the page: a known stem followed by an English ending stands for the word."""
    site = build_site(make_bad_project(tmp_path)).site_dir
    words = "".join(p.read_text(encoding="utf-8") for p in (site / "search/kb/w").iterdir())
    assert '"refunded"' not in words and '"refundability"' not in words
    for server in serve_site(site):
        opened = Tab(browser, server)
        try:
            state = opened.search(query)
            titles = [t for t, _ in opened.results()]
            if top is None:
                assert state == "empty" and titles == []
            else:
                assert state == "done" and titles[0] == top
        finally:
            errors = opened.errors
            opened.close()
        assert errors == []
