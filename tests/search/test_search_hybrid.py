"""Hybrid ranking: words and meaning fused in one place, explainable, with lexical-only kept."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx
import numpy as np
import pytest
from click.testing import CliRunner

from supportkb.cli import main
from supportkb.generator.core.articles import load_articles
from supportkb.generator.core.embeddings import normalise_rows
from supportkb.generator.core.project import find_project
from supportkb.search.api import ApiSettings, LiveIndex, create_app
from supportkb.search.engine import SearchIndex, open_index_for_project
from tests.conftest import write_article
from tests.search.test_search_api import serve_in_thread


@pytest.fixture
def hybrid(help_center: Path) -> SearchIndex:
    return open_index_for_project(find_project(start=help_center))


@pytest.fixture
def lexical(help_center: Path) -> SearchIndex:
    return open_index_for_project(find_project(start=help_center), embeddings="none")


def ids(hits) -> list[str]:  # type: ignore[no-untyped-def]
    return [hit.article_id for hit in hits]


def test_meaning_finds_what_no_word_does(hybrid: SearchIndex, lexical: SearchIndex) -> None:
    # "cash returned" shares no word with the refund policy; only "get" matches, elsewhere.
    assert "123" not in ids(lexical.search("get my cash returned"))
    assert "123" in ids(hybrid.search("get my cash returned"))


def test_each_hit_says_why(hybrid: SearchIndex, lexical: SearchIndex) -> None:
    top = hybrid.search("override refund window")[0]
    assert top.article_id == "123"
    assert top.closest == "Refund policy" and 0.3 < (top.closeness or 0) < 1
    assert top.explain() == f"closest by meaning: Refund policy ({top.closeness:.2f}); shared words: refund"
    plain = lexical.search("override refund window")[0]
    assert plain.closest == "" and plain.closeness is None
    assert plain.explain() == "shared words: refund"


def test_internal_articles_stay_hidden_from_meaning_too(hybrid: SearchIndex) -> None:
    assert "900" not in ids(hybrid.search("override refund window"))
    assert ids(hybrid.search("override refund window", include_internal=True))[0] == "900"


def test_a_query_about_nothing_in_the_kb_finds_nothing(hybrid: SearchIndex) -> None:
    assert hybrid.search("xylophone") == []
    assert hybrid.search("zzzz qqqq") == []


@pytest.mark.parametrize("query", ["Rückerstattung bitte", "返金してください", "🙂🙂", "é" * 50])
def test_other_languages_and_symbols_do_not_crash(hybrid: SearchIndex, query: str) -> None:
    results = hybrid.query(query)
    assert all(hit.closeness is None or -1 <= hit.closeness <= 1 for hit in results.hits)


def test_a_megabyte_query_is_answered_quickly(hybrid: SearchIndex) -> None:
    started = time.perf_counter()
    results = hybrid.query("refund " + "lorem ipsum dolor " * 60_000)
    assert time.perf_counter() - started < 5
    assert results.ignored == "only the first 20,000 characters were read for meaning"
    assert ids(results.hits)[0] == "123"


class ConceptEmbedder:
    """A fake backend that knows two concepts, so a test controls what is close by meaning."""

    name = "concepts-3"
    dimensions = 3
    CONCEPTS = ({"refund", "refunds", "reimbursal", "money"}, {"password", "login"})

    def embed(self, texts):  # type: ignore[no-untyped-def]
        out = np.zeros((len(texts), 3), np.float32)
        for row, text in enumerate(texts):
            found = set(text.lower().replace(".", " ").split())
            for column, concept in enumerate(self.CONCEPTS):
                out[row, column] = len(found & concept)
            out[row, 2] = 0.1 if text.strip() else 0.0
        return normalise_rows(out)


def test_an_article_found_by_meaning_alone_points_at_its_closest_section(tmp_path: Path) -> None:
    folder = tmp_path / "kb"
    write_article(
        folder / "billing.md",
        "Plans and prices.\n\n## Invoices\n\nA PDF each month.\n\n## Refunds\n\nMoney within 30 days.\n",
        title="Billing",
    )
    write_article(folder / "other.md", "Teams and seats.\n", title="Workspace members")
    articles = load_articles(folder).articles
    index = SearchIndex.build(articles, embedder=ConceptEmbedder())  # type: ignore[arg-type]
    hits = index.search("reimbursal")  # no word of it is in the KB
    assert [h.article_id for h in hits] == ["billing"]
    assert hits[0].section == "refunds" and hits[0].closest == "Refunds"
    assert hits[0].closeness == 1.0 and hits[0].matched_terms == ()
    assert SearchIndex.build(articles).search("reimbursal") == []  # words only: nothing


def test_questions_are_searchable_by_words_and_meaning(tmp_path: Path) -> None:
    folder = tmp_path / "kb"
    write_article(folder / "a.md", "Open Settings.\n", title="Workspace settings", questions=["where do i rename my company"])
    write_article(folder / "b.md", "Invite people.\n", title="Members")
    for embeddings in ("none", "default"):
        index = open_index_for_project(find_project(kb=folder), embeddings=embeddings)
        assert ids(index.search("rename company"))[0] == "a"


def test_cli_embeddings_flag_and_explain(help_center: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(help_center)
    runner = CliRunner()
    result = runner.invoke(main, ["search", "override", "refund", "window", "--explain", "-n", "1"])
    assert result.exit_code == 0, result.output
    assert "   why: closest by meaning: Refund policy (" in result.stdout
    plain = runner.invoke(main, ["search", "refund", "--explain", "--embeddings", "none", "-n", "1"])
    assert "   why: shared words: refund" in plain.stdout and "meaning" not in plain.stdout
    bad = runner.invoke(main, ["search", "refund", "--embeddings", "gpt-huge"])
    assert bad.exit_code == 1 and "Traceback" not in bad.output
    assert "unknown embedding backend 'gpt-huge'" in bad.stderr and "none" in bad.stderr
    indexed = runner.invoke(main, ["index", "--embeddings", "none", "--rebuild"])
    assert indexed.exit_code == 0, indexed.output


def test_batch_json_keeps_its_shape_with_meaning(help_center: Path, tmp_path: Path) -> None:
    queries = tmp_path / "q.jsonl"
    queries.write_text('{"query": "get my cash returned"}\n{"query": "xylophone"}\n', encoding="utf-8")
    result = CliRunner().invoke(
        main, ["search", "--kb", str(help_center / "kb"), "--batch", str(queries), "--json"]
    )
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [list(line) for line in lines] == [["query", "results"]] * 2
    assert all(list(r) == ["path", "id", "title", "url", "section", "score"] for r in lines[0]["results"])
    assert lines[1]["results"] == []


def test_mkdocs_setting_none_keeps_search_lexical(help_center: Path) -> None:
    config = help_center / "mkdocs.yml"
    config.write_text(config.read_text() + "plugins:\n  - supportkb:\n      embedding_backend: none\n")
    index = open_index_for_project(find_project(start=help_center))
    assert index.embedder is None
    config.write_text(config.read_text().replace("embedding_backend: none", "embedding_backend: nope"))
    with pytest.raises(Exception, match="unknown embedding backend 'nope'"):
        open_index_for_project(find_project(start=help_center))


def test_api_answers_by_meaning_and_keeps_its_json(help_center: Path) -> None:
    live = LiveIndex.for_project(find_project(start=help_center), refresh_every=60)
    with serve_in_thread(create_app(live, ApiSettings())) as base_url, httpx.Client(base_url=base_url) as api:
        body = api.get("/search", params={"q": "get my cash returned"}).json()
        assert "123" in [r["id"] for r in body["results"]]
        assert set(body["results"][0]) == {
            "path", "id", "title", "url", "section", "score", "section_title", "snippet",
            "matched_terms", "internal",
        }
