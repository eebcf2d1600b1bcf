"""The HTTP API on a real uvicorn server on 127.0.0.1 (port 0), in a thread."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from supportkb.generator.core.project import find_project
from supportkb.search.api import ApiSettings, LiveIndex, create_app, make_server
from tests.conftest import write_article
from tests.search.conftest import SITE_URL, make_help_center

TOKEN = "s3cret-token"


@contextmanager
def serve_in_thread(app: Any) -> Iterator[str]:
    """Run the app on a free port; yield its base URL; stop it afterwards."""
    server = make_server(app, host="127.0.0.1", port=0)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError("server did not start")
            time.sleep(0.01)
        port = server.servers[0].sockets[0].getsockname()[1]
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    root = make_help_center(tmp_path_factory.mktemp("api") / "project")
    live = LiveIndex.for_project(find_project(start=root), refresh_every=60)
    settings = ApiSettings(token=TOKEN, cors_origins=("https://help.example.com",))
    with (
        serve_in_thread(create_app(live, settings)) as base_url,
        httpx.Client(base_url=base_url) as client,
    ):
        yield client


def test_healthz(api: httpx.Client) -> None:
    response = api.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    # Five public articles: the internal one is not counted without the token (issue 13).
    assert (
        body["status"] == "ok" and body["articles"] == 5 and body["generation"].startswith("gen-")
    )
    assert body["events"] == "off"


def test_search_json(api: httpx.Client) -> None:
    response = api.get("/search", params={"q": "how long do refunds take", "limit": 2})
    assert response.status_code == 200
    body = response.json()
    assert body["query"] == "how long do refunds take"
    first = body["results"][0]
    assert (first["id"], first["section"], first["url"]) == (
        "123",
        "how-long-refunds-take",
        f"{SITE_URL}billing/refunds/#how-long-refunds-take",
    )
    assert "«Refunds»" in first["snippet"]


def test_search_limit(api: httpx.Client) -> None:
    body = api.get("/search", params={"q": "refund invoice password", "limit": 2}).json()
    assert len(body["results"]) == 2


def test_search_markdown(api: httpx.Client) -> None:
    response = api.get("/search", params={"q": "single sign-on", "limit": 1, "format": "md"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/markdown")
    assert response.text == f"- [Single sign-on]({SITE_URL}a/201/)"


def test_did_you_mean(api: httpx.Client) -> None:
    body = api.get("/search", params={"q": "refnd"}).json()
    assert body["did_you_mean"] == "refund"
    assert body["results"][0]["id"] == "123"


@pytest.mark.parametrize(
    ("params", "status", "error"),
    [
        ({}, 400, "missing parameter 'q' (what to search for)"),
        ({"q": "  "}, 400, "'q' is empty: type a few words"),
        ({"q": "x" * 1001}, 400, "'q' is longer than 1000 characters"),
        ({"q": "refund", "limit": "ten"}, 400, "'limit' must be a whole number"),
        ({"q": "refund", "limit": "0"}, 400, "'limit' must be between 1 and 50"),
        ({"q": "refund", "limit": "51"}, 400, "'limit' must be between 1 and 50"),
        (
            {"q": "refund", "format": "xml"},
            400,
            "'format' must be one of json, md, html, url, text",
        ),
    ],
)
def test_bad_parameters_are_json_400(
    api: httpx.Client, params: dict, status: int, error: str
) -> None:
    response = api.get("/search", params=params)
    assert response.status_code == status
    assert response.json() == {"error": error}


def test_unknown_route_and_method_are_json(api: httpx.Client) -> None:
    missing = api.get("/nope")
    assert missing.status_code == 404 and missing.json() == {"error": "Not Found"}
    wrong = api.post("/search", params={"q": "refund"})
    assert wrong.status_code == 405 and wrong.json() == {"error": "Method Not Allowed"}


def test_internal_articles_need_the_token(api: httpx.Client) -> None:
    params = {"q": "override refund window", "format": "url"}
    assert "internal/" not in api.get("/search", params=params).text
    allowed = api.get("/search", params=params, headers={"Authorization": f"Bearer {TOKEN}"})
    assert allowed.text.startswith(f"{SITE_URL}internal/refund-overrides/")
    refused = api.get("/search", params=params, headers={"Authorization": "Bearer wrong"})
    assert refused.status_code == 401 and refused.json() == {"error": "invalid or unexpected token"}


def test_article_by_id(api: httpx.Client) -> None:
    response = api.get("/articles/123")
    assert response.status_code == 200
    body = response.json()
    assert (body["title"], body["url"], body["internal"]) == (
        "Refund policy",
        f"{SITE_URL}billing/refunds/",
        False,
    )
    assert {"anchor": "how-long-refunds-take", "title": "How long refunds take"} in body["sections"]
    assert "30 days of purchase" in body["body"]


def test_article_ids_with_slashes(api: httpx.Client) -> None:
    assert api.get("/articles/getting-started").json()["title"] == "Getting started"


def test_internal_article_needs_the_token(api: httpx.Client) -> None:
    assert api.get("/articles/900").status_code == 404
    assert api.get("/articles/900").json() == {"error": "no article with id '900'"}
    allowed = api.get("/articles/900", headers={"Authorization": f"Bearer {TOKEN}"})
    assert allowed.status_code == 200 and allowed.json()["internal"] is True


def test_cors_for_the_configured_site(api: httpx.Client) -> None:
    response = api.get(
        "/search", params={"q": "refund"}, headers={"Origin": "https://help.example.com"}
    )
    assert response.headers["access-control-allow-origin"] == "https://help.example.com"
    other = api.get("/search", params={"q": "refund"}, headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers
    preflight = api.options(
        "/search",
        headers={"Origin": "https://help.example.com", "Access-Control-Request-Method": "GET"},
    )
    assert preflight.status_code == 200


def test_no_token_configured_means_no_internal(tmp_path: Path) -> None:
    root = make_help_center(tmp_path / "p")
    live = LiveIndex.for_project(find_project(start=root), refresh_every=60)
    with serve_in_thread(create_app(live, ApiSettings())) as base_url:
        response = httpx.get(
            f"{base_url}/articles/900", headers={"Authorization": "Bearer anything"}
        )
        assert response.status_code == 401
        assert (
            "access-control-allow-origin"
            not in httpx.get(f"{base_url}/healthz", headers={"Origin": "https://x.example"}).headers
        )


def test_switches_to_a_rebuilt_index_without_dropping_requests(tmp_path: Path) -> None:
    root = make_help_center(tmp_path / "p")
    live = LiveIndex.for_project(find_project(start=root), refresh_every=0.05)
    live.start()
    statuses: list[int] = []
    stop = threading.Event()
    try:
        with (
            serve_in_thread(create_app(live)) as base_url,
            httpx.Client(base_url=base_url) as client,
        ):

            def hammer() -> None:
                while not stop.is_set():
                    statuses.append(client.get("/search", params={"q": "refund zebra"}).status_code)

            worker = threading.Thread(target=hammer)
            worker.start()
            editions = ("alpaca", "bison", "camel")
            for number, word in enumerate(editions):
                path = root / "kb/articles/billing/invoices.md"
                write_article(
                    path, f"Zebra invoices, {word} edition.\n", id="124", title="Download invoices"
                )
                os.utime(path, ns=(10 + number, 10 + number))
                deadline = time.monotonic() + 20
                while time.monotonic() < deadline:
                    answer = live.current.query(word)
                    if answer.hits and not answer.is_fuzzy:
                        break
                    time.sleep(0.02)
            found = client.get("/search", params={"q": "zebra camel", "format": "url"}).text
            stop.set()
            worker.join()
    finally:
        live.stop()
    # A refresh may also catch a file half-written, so there can be more swaps than edits.
    assert live.swaps >= 3
    assert found.startswith(f"{SITE_URL}billing/invoices/")
    assert len(statuses) > 10 and set(statuses) == {200}


def test_bounded_load_has_no_server_errors(api: httpx.Client) -> None:
    queries = [
        "refund",
        "how long do refunds take",
        'unbalanced "quote',
        "AND OR NOT",
        "title:",
        "🙂",
        "x" * 999,
        "(((",
        "سلام",
    ]

    def client_run(worker: int) -> list[int]:
        with httpx.Client(base_url=str(api.base_url)) as client:
            return [
                client.get(
                    "/search", params={"q": queries[(worker + i) % len(queries)]}
                ).status_code
                for i in range(25)
            ]

    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = [status for batch in pool.map(client_run, range(16)) for status in batch]
    assert len(statuses) == 400
    assert all(status < 500 for status in statuses)
    assert statuses.count(200) == 400


def test_refresh_swaps_only_when_something_changed(tmp_path: Path) -> None:
    root = make_help_center(tmp_path / "p")
    live = LiveIndex.for_project(find_project(start=root), refresh_every=60)
    first = live.current
    assert live.refresh() is False and live.current is first
    write_article(root / "kb/articles/new.md", "Quokka facts.\n", id="555", title="Quokkas")
    assert live.refresh() is True
    assert live.current.search("quokka")[0].article_id == "555"
    assert live.refresh() is False
    # An index published by another command (kb build, kb index) is picked up too.
    from supportkb.search.engine import build_project_index

    build_project_index(find_project(start=root), rebuild=True)
    assert live.refresh() is True and live.swaps == 2
