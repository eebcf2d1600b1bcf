"""The built sample help center, read from disk: pages, stable links, SEO, search index, privacy."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from bs4 import BeautifulSoup

from supportkb.generator.site.redirects import resolve_redirect, source_path, stable_url
from tests.generator.site.conftest import SampleSite, distinctive_sentences, site_texts


def page_of(site: Path, url: str) -> BeautifulSoup:
    return BeautifulSoup((site / url / "index.html").read_text(encoding="utf-8"), "html.parser")


def test_every_id_link_and_every_recorded_old_url_resolves(sample_site: SampleSite) -> None:
    site = sample_site.site
    checked = 0
    for article in sample_site.public:
        wanted = f"{article.url}index.html"
        assert (site / wanted).is_file(), f"{article.path} was not built"
        sources = [source_path(stable_url(article.id))] + [source_path(u) for u in article.redirect_from]
        for source in sources:
            assert source is not None
            assert resolve_redirect(site, source) == wanted, f"{source} does not lead to {wanted}"
            checked += 1
    assert checked >= len(sample_site.public) + 3, "the sample should record a few old URLs"


def test_redirect_page_keeps_the_fragment_and_is_not_indexed(sample_site: SampleSite) -> None:
    article = sample_site.public[0]
    text = (sample_site.site / source_path(stable_url(article.id))).read_text(encoding="utf-8")  # type: ignore[operator]
    assert "location.hash" in text
    assert '<meta name="robots" content="noindex">' in text
    assert f'<link rel="canonical" href="https://help.tallybird.example/{article.url}">' in text


def test_internal_articles_never_reach_the_site(sample_site: SampleSite) -> None:
    internal = sample_site.internal
    assert len(internal) >= 2, "the sample should have internal articles to keep off the site"
    needles: dict[str, str] = {}
    for article in internal:
        needles[article.title] = str(article.path)
        needles[html.escape(article.title, quote=False)] = str(article.path)
        for sentence in distinctive_sentences(article):
            needles[sentence] = str(article.path)
        assert not (sample_site.site / article.url).exists()
        assert not (sample_site.site / stable_url(article.id)).exists()
    assert len(needles) >= 3 * len(internal)
    leaks = [
        f"{path.relative_to(sample_site.site)} contains {needle!r} from {source}"
        for path, text in site_texts(sample_site.site)
        for needle, source in needles.items()
        if needle in text
    ]
    assert leaks == []


def test_home_page_has_search_categories_with_counts_and_popular_articles(sample_site: SampleSite) -> None:
    home = page_of(sample_site.site, "")
    assert home.select_one("form.kb-searchbox input[type=search]") is not None
    assert home.select_one(".kb-hero__title").get_text(strip=True) == "How can we help?"
    cards = {c.select_one(".kb-card__title").get_text(strip=True): c for c in home.select(".kb-card")}
    categories = {a.category for a in sample_site.public}
    assert len(cards) >= len(categories) >= 5
    by_title = {a.title: a for a in sample_site.public}
    for card in cards.values():
        href = card["href"]
        count = int(card.select_one(".kb-card__count").get_text().split()[0])
        category_id = href.strip("./").split("/")[0]
        assert count == sum(1 for a in sample_site.public if a.category == category_id)
        assert card.select_one(".kb-card__icon svg") is not None
    featured = [a.get_text(strip=True) for a in home.select("#kb-popular-title ~ ul a")]
    assert featured and all(by_title[t].featured for t in featured)


def test_category_page_lists_every_public_article_in_it(sample_site: SampleSite) -> None:
    category = sample_site.public[0].category
    page = page_of(sample_site.site, f"{category}/")
    listed = [a.get_text(strip=True) for a in page.select("ul.kb-article-list a")]
    expected = sorted((a.title for a in sample_site.public if a.category == category), key=str.lower)
    assert sorted(listed, key=str.lower) == expected
    assert page.select_one(".kb-breadcrumbs a").get_text(strip=True) == "Home"


def test_article_page_shows_summary_review_date_toc_breadcrumbs_and_related(sample_site: SampleSite) -> None:
    article = next(a for a in sample_site.public if a.related and a.reviewed and a.summary)
    page = page_of(sample_site.site, article.url)
    assert page.select_one("article h1").get_text(strip=True).startswith(article.title.split()[0])
    assert page.select_one("article .kb-lead").get_text(strip=True) == article.summary
    assert page.select_one(".kb-meta time")["datetime"] == article.reviewed.isoformat()  # type: ignore[union-attr]
    crumbs = [a.get_text(strip=True) for a in page.select(".kb-breadcrumbs a")]
    assert crumbs[0] == "Home" and len(crumbs) == 2
    toc = [a.get_text(strip=True) for a in page.select(".md-sidebar--secondary .md-nav__link")]
    assert [h.title for h in article.headings if h.level == 2][:3] == [t for t in toc if t][:3]
    related = [a.get_text(strip=True) for a in page.select(".kb-related a")]
    assert 1 <= len(related) <= 5
    by_id = sample_site.loaded.by_id()
    explicit = [by_id[i].title for i in article.related if i in by_id and not by_id[i].is_internal]
    assert related[: len(explicit)] == explicit
    internal_titles = {a.title for a in sample_site.internal}
    assert not internal_titles & set(related)
    assert page.select_one("form.kb-feedback[data-endpoint='/__feedback']") is not None


def test_every_article_has_at_most_five_public_related_articles(sample_site: SampleSite) -> None:
    public_titles = {a.title for a in sample_site.public}
    for article in sample_site.public:
        related = [a.get_text(strip=True) for a in page_of(sample_site.site, article.url).select(".kb-related a")]
        assert len(related) <= 5
        assert set(related) <= public_titles, article.path


def test_seo_tags_sitemap_and_robots(sample_site: SampleSite) -> None:
    site = sample_site.site
    article = next(a for a in sample_site.public if a.summary)
    head = page_of(site, article.url).head
    assert head.select_one("meta[name=description]")["content"] == article.summary  # type: ignore[union-attr]
    canonical = f"https://help.tallybird.example/{article.url}"
    assert head.select_one("link[rel=canonical]")["href"] == canonical  # type: ignore[union-attr]
    assert head.select_one("meta[property='og:url']")["content"] == canonical  # type: ignore[union-attr]
    assert head.select_one("meta[property='og:type']")["content"] == "article"  # type: ignore[union-attr]
    assert head.select_one("meta[property='og:description']")["content"] == article.summary  # type: ignore[union-attr]
    assert head.select_one("title").get_text() == f"{article.title} - Tallybird Help Center"  # type: ignore[union-attr]
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    urls = set(re.findall(r"<loc>(.*?)</loc>", sitemap))
    assert {f"https://help.tallybird.example/{a.url}" for a in sample_site.public} <= urls
    assert not any("/a/" in u for u in urls)
    assert "Sitemap: https://help.tallybird.example/sitemap.xml" in (site / "robots.txt").read_text(encoding="utf-8")


def test_search_index_has_every_public_article_and_their_aliases(sample_site: SampleSite) -> None:
    index = sample_site.site / "search/kb"
    meta = json.loads((index / "index.json").read_text(encoding="utf-8"))
    docs = [json.loads((index / f"d/{n}.json").read_text(encoding="utf-8")) for n in range(meta["n"])]
    assert sorted(d["u"] for d in docs) == sorted(a.url for a in sample_site.public)
    assert "" not in {d["u"] for d in docs}, "the home page is not a search result"
    article = next(a for a in sample_site.public if a.aliases and a.summary)
    word = re.findall(r"[a-z]{4,}", article.aliases[0].lower())[0]
    key = max((k for k in meta["keys"] if word.startswith(k)), key=len)
    shard = json.loads((index / f"w/{key.encode().hex()}.json").read_text(encoding="utf-8"))
    assert word in shard["w"], "alias words are indexed"
    assert not (sample_site.site / "search/search_index.json").exists(), "search: kb replaces Material's index"


def test_not_found_page_offers_search_and_home(sample_site: SampleSite) -> None:
    page = BeautifulSoup((sample_site.site / "404.html").read_text(encoding="utf-8"), "html.parser")
    assert page.select_one(".kb-notfound form.kb-searchbox input") is not None
    assert page.select_one(".kb-notfound a[href='/']") is not None
