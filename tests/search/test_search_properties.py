"""Any string a person types is a valid query: for the library, `kb search` and the API."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from supportkb.cli import main
from supportkb.generator.core.project import find_project
from supportkb.search.api import ApiSettings, LiveIndex, create_app
from supportkb.search.engine import SearchIndex, build_project_index, open_index_for_project
from tests.conftest import write_article
from tests.search.conftest import make_help_center
from tests.search.test_search_api import serve_in_thread

NASTY = [
    "",
    " ",
    '"unbalanced quote',
    "(unbalanced (parens",
    "AND OR NOT",
    "NOT",
    "*",
    "?*~^",
    "title:",
    "title:refund path:/etc",
    "refund" * 2000,
    "x" * 10_000,
    "🙂 refund 🧾",
    "مرحبا refund שלום",
    "\u202eevil\u202c",
    "\x00\x01\x02",
    "'; DROP TABLE articles; --",
    "<script>alert(1)</script>",
    "%s %d {0} {{x}}",
    "\\",
    "re\u0301fund",
    "ＲＥＦＵＮＤ",
    "\n\t\r",
]
queries = st.one_of(st.text(max_size=200), st.sampled_from(NASTY))
SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(scope="module")
def project_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_help_center(tmp_path_factory.mktemp("props") / "project")
    build_project_index(find_project(start=root))
    return root


@pytest.fixture(scope="module")
def index(project_root: Path) -> SearchIndex:
    return open_index_for_project(find_project(start=project_root))


@SETTINGS
@given(query=queries, limit=st.integers(min_value=0, max_value=20), internal=st.booleans())
def test_library_answers_any_string(
    index: SearchIndex, query: str, limit: int, internal: bool
) -> None:
    results = index.query(query, limit=limit, include_internal=internal)
    assert len(results.hits) <= limit
    assert len({hit.path for hit in results.hits}) == len(results.hits)
    for hit in results.hits:
        assert internal or not hit.is_internal
        record = index.article(hit.article_id, include_internal=True)
        assert record is not None and hit.section in {anchor for anchor, _ in record.sections}


@pytest.mark.parametrize("query", NASTY)
def test_library_answers_nasty_strings(index: SearchIndex, query: str) -> None:
    results = index.query(query)
    assert results.hits or results.ignored or results.did_you_mean is not None or query.strip()


@SETTINGS
@given(query=queries)
@example(query="-n")
@example(query="--help")
def test_cli_answers_any_string(project_root: Path, query: str) -> None:
    config = str(project_root / "mkdocs.yml")
    result = CliRunner().invoke(
        main, ["search", "--config-file", config, "--format", "json", "--", query]
    )
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    if query.strip():
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["query"] == query
    else:
        assert result.exit_code == 1
        assert result.stderr.startswith("Error: nothing to search for")


@pytest.fixture(scope="module")
def api_url(project_root: Path) -> Iterator[str]:
    live = LiveIndex.for_project(find_project(start=project_root), refresh_every=60)
    with serve_in_thread(create_app(live, ApiSettings(token="t"))) as base_url:
        yield base_url


@SETTINGS
@given(query=queries, limit=st.one_of(st.none(), st.text(max_size=5), st.integers(-5, 80).map(str)))
def test_api_answers_any_string(api_url: str, query: str, limit: str | None) -> None:
    params = {"q": query} if limit is None else {"q": query, "limit": limit}
    response = httpx.get(f"{api_url}/search", params=params)
    assert response.status_code in (200, 400), response.text
    body = response.json()
    if response.status_code == 400:
        assert set(body) == {"error"} and "Traceback" not in body["error"]
    else:
        assert body["query"] == query


@SETTINGS
@given(article_id=st.text(min_size=1, max_size=100))
def test_api_article_ids_are_safe(api_url: str, article_id: str) -> None:
    response = httpx.get(f"{api_url}/articles/" + quote(article_id, safe=""))
    assert response.status_code in (200, 400, 404), response.text
    assert isinstance(response.json(), dict)


def test_sections_stay_with_their_article_through_many_updates(tmp_path: Path) -> None:
    root = make_help_center(tmp_path / "p")
    project = find_project(start=root)
    build_project_index(project)
    for round_number in range(6):
        write_article(
            root / f"kb/articles/round-{round_number % 3}.md",
            f"## Part one {round_number}\n\nApples and pears.\n\n## Part two\n\nRefund bananas.\n",
            id=f"r{round_number % 3}",
            title=f"Round {round_number}",
        )
        build_project_index(project)
    index = open_index_for_project(project)
    for hit in index.search("refund bananas apples pears", limit=20, include_internal=True):
        record = index.article(hit.article_id, include_internal=True)
        assert record is not None and hit.section in {anchor for anchor, _ in record.sections}
    assert {hit.title for hit in index.search("bananas")} == {"Round 3", "Round 4", "Round 5"}
