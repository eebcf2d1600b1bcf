"""The search library on real Whoosh indexes: ranking, sections, audience, synonyms, typos."""

from __future__ import annotations

from pathlib import Path

import pytest

from supportkb.generator.core.articles import load_articles
from supportkb.generator.core.project import find_project
from supportkb.search.engine import SearchIndex, load_synonyms, open_index_for_project
from tests.conftest import write_article
from tests.search.conftest import SITE_URL


@pytest.fixture
def index(help_center: Path) -> SearchIndex:
    project = find_project(start=help_center)
    return open_index_for_project(project)


def test_best_article_first_pointing_at_the_section(index: SearchIndex) -> None:
    hit = index.search("how long do refunds take")[0]
    assert (hit.article_id, hit.path, hit.title) == ("123", "billing/refunds.md", "Refund policy")
    assert hit.section == "how-long-refunds-take"
    assert hit.section_title == "How long refunds take"
    assert hit.url == SITE_URL + "billing/refunds/#how-long-refunds-take"
    assert "«Refunds»" in hit.snippet
    assert "refunds" in hit.matched_terms
    assert hit.score > 0 and not hit.is_internal


def test_one_hit_per_article_best_first(index: SearchIndex) -> None:
    hits = index.search("refund invoice password", limit=10)
    assert len({hit.path for hit in hits}) == len(hits)
    assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)


def test_title_match_gives_the_article_url_without_anchor(index: SearchIndex) -> None:
    hit = index.search("single sign-on")[0]
    assert (hit.article_id, hit.section, hit.url) == ("201", "", SITE_URL + "account/sso/")


def test_stemming_matches_other_word_forms(index: SearchIndex) -> None:
    assert index.search("downloading invoiced")[0].article_id == "124"


def test_aliases_find_the_article(index: SearchIndex) -> None:
    assert index.search("forgot my password")[0].article_id == "200"


def test_synonyms_expand_the_query(index: SearchIndex) -> None:
    hits = index.search("reimbursement")
    assert hits and hits[0].article_id == "123"


def test_internal_articles_only_when_asked(index: SearchIndex) -> None:
    public = index.search("override a refund outside the window", limit=10)
    assert "900" not in {hit.article_id for hit in public}
    agents = index.search("override a refund outside the window", limit=10, include_internal=True)
    assert agents[0].article_id == "900" and agents[0].is_internal


def test_typo_is_forgiven_with_did_you_mean(index: SearchIndex) -> None:
    results = index.query("refnd policy")
    assert results.did_you_mean == "refund policy"
    assert results.is_fuzzy
    assert results.hits[0].article_id == "123"


def test_did_you_mean_never_suggests_words_of_internal_articles(tmp_path: Path) -> None:
    write_article(tmp_path / "a.md", "Public text about invoices.\n", title="Invoices")
    write_article(
        tmp_path / "b.md", "Escalation matrix.\n", title="Escalations", audience="internal"
    )
    index = SearchIndex.build(load_articles(tmp_path).articles)
    assert index.query("escalatoin").did_you_mean is None
    assert index.query("escalatoin", include_internal=True).did_you_mean == "escalation"


@pytest.mark.parametrize("query", ["", "   ", "the and of", "???", "*"])
def test_queries_without_words_find_nothing_and_say_why(index: SearchIndex, query: str) -> None:
    results = index.query(query)
    assert results.hits == ()
    assert results.ignored == "nothing to search for: type a few words"


def test_long_query_uses_first_words(index: SearchIndex) -> None:
    results = index.query("refund " + " ".join(f"word{i}" for i in range(100)))
    assert results.ignored == "only the first 32 different words were used"
    assert results.hits[0].article_id == "123"


def test_limit_is_respected(index: SearchIndex) -> None:
    assert len(index.search("refund invoice password sign workspace", limit=2)) == 2
    assert index.search("refund", limit=0) == []


def test_article_lookup(index: SearchIndex) -> None:
    record = index.article("123")
    assert record is not None
    assert (record.title, record.url, record.is_internal) == (
        "Refund policy",
        SITE_URL + "billing/refunds/",
        False,
    )
    assert ("how-long-refunds-take", "How long refunds take") in record.sections
    assert "30 days of purchase" in record.body
    assert index.article("900") is None
    assert index.article("900", include_internal=True) is not None
    assert index.article("nope") is None


def test_articles_without_front_matter(tmp_path: Path) -> None:
    write_article(
        tmp_path / "guides/export-data.md", "# Export your data\n\n## As CSV\n\nClick Export.\n"
    )
    hit = SearchIndex.build(load_articles(tmp_path).articles).search("export csv")[0]
    assert (hit.article_id, hit.title, hit.section, hit.url) == (
        "guides/export-data",
        "Export your data",
        "as-csv",
        "guides/export-data/#as-csv",
    )


def test_in_memory_and_on_disk_indexes_agree(tmp_path: Path, help_center: Path) -> None:
    articles = load_articles(help_center / "kb/articles").articles
    synonyms = load_synonyms(help_center / "kb/synonyms.yml")
    memory = SearchIndex.build(articles, synonyms=synonyms)
    SearchIndex.build(articles, synonyms=synonyms, index_dir=tmp_path / "index")
    disk = SearchIndex.open(tmp_path / "index")
    for query in ("money back", "download invoice", "login recovery code"):
        assert memory.search(query) == disk.search(query)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("refund: [money back, reimbursement]\n", {"refund": ["money back", "reimbursement"]}),
        ("sso: single sign-on\n", {"sso": ["single sign-on"]}),
        ("", {}),
        ("- [refund, money back]\n", {"refund": ["money back"]}),
    ],
)
def test_load_synonyms(tmp_path: Path, text: str, expected: dict) -> None:
    path = tmp_path / "synonyms.yml"
    path.write_text(text, encoding="utf-8")
    assert load_synonyms(path) == expected


def test_missing_synonyms_file_means_none(tmp_path: Path) -> None:
    assert load_synonyms(tmp_path / "nope.yml") == {}


def test_broken_synonyms_file_is_a_user_error(tmp_path: Path) -> None:
    from supportkb.generator.core.errors import KBError

    path = tmp_path / "synonyms.yml"
    path.write_text("refund: [money back\n", encoding="utf-8")
    with pytest.raises(KBError) as caught:
        load_synonyms(path)
    assert "invalid YAML" in str(caught.value) and caught.value.line == 2
    path.write_text("refund: {a: b}\n", encoding="utf-8")
    with pytest.raises(KBError, match="must be a list"):
        load_synonyms(path)


def test_an_article_id_finds_that_article_first(index: SearchIndex) -> None:
    hit = index.search("124")[0]
    assert (hit.article_id, hit.section, hit.url) == ("124", "", SITE_URL + "billing/invoices/")
    assert hit.snippet == "Every payment creates an invoice."
    assert index.search("900") == []
    assert index.search("900", include_internal=True)[0].article_id == "900"
