"""POST /events on a real server: valid batches stored, bad ones refused whole, storage failures clear."""

from __future__ import annotations

import json
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from supportkb.generator.core.project import find_project
from supportkb.search.api import LiveIndex, create_app
from supportkb.gaps.reports.events import read_events
from supportkb.search.events import EventStore, EventStoreError, parse_events
from tests.search.conftest import make_help_center
from tests.search.test_search_api import serve_in_thread

GOOD = [
    {"type": "pageview", "page": "https://help.example.com/billing/refunds/?email=a@b.example#x", "session": "abc123"},
    {"type": "search", "query": "refund to jane@example.com", "results": 0, "search_id": "s1", "session": "abc123"},
    {"type": "search", "query": "invoice pdf", "results": 3, "search_id": "s2"},
    {"type": "click", "target": "/billing/invoices/", "query": "invoice pdf", "search_id": "s2", "rank": 1},
]


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> LiveIndex:
    root = make_help_center(tmp_path_factory.mktemp("events") / "project")
    return LiveIndex.for_project(find_project(start=root), refresh_every=60)


@pytest.fixture
def server(live: LiveIndex, tmp_path: Path):  # type: ignore[no-untyped-def]
    store = EventStore(tmp_path / "events.db")
    with serve_in_thread(create_app(live, events=store)) as base_url, httpx.Client(base_url=base_url) as client:
        yield client, store
    store.close()


def test_batch_is_stored_without_personal_data(server) -> None:  # type: ignore[no-untyped-def]
    client, store = server
    response = client.post("/events", content=json.dumps({"events": GOOD}), headers={"content-type": "text/plain"})
    assert (response.status_code, response.json()) == (202, {"stored": 4})
    stored = [s.event for s in read_events(store.path)]
    assert [e.type for e in stored] == ["pageview", "search", "search", "click"]
    assert stored[0].page == "/billing/refunds/"  # Host, query string and fragment dropped.
    assert "jane@example.com" not in stored[1].query and stored[1].results == 0
    columns = [row[1] for row in sqlite3.connect(store.path).execute("PRAGMA table_info(events)")]
    assert not {"ip", "address", "user_agent", "client"} & set(columns)
    assert sqlite3.connect(store.path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_helpful_widget_payload_counts_as_a_vote(server) -> None:  # type: ignore[no-untyped-def]
    client, store = server
    widget = {"article_id": "123", "helpful": False, "url": "/billing/refunds/", "title": "Refund policy"}
    assert client.post("/events", content=json.dumps(widget)).status_code == 202
    (vote,) = [s.event for s in read_events(store.path)]
    assert (vote.type, vote.article_id, vote.helpful, vote.page) == ("vote", "123", False, "/billing/refunds/")


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        (b"not json", 400, "body is not JSON"),
        (b"[]", 400, "no events in the body"),
        (json.dumps([{"type": "teleport"}]).encode(), 400, "event 1: 'type' must be one of pageview, search, click, vote"),
        (json.dumps([GOOD[0], {"type": "search", "query": "x y"}]).encode(), 400, "event 2: a search needs 'results' (how many results were shown)"),
        (json.dumps([{"type": "search", "query": "q", "results": -1}]).encode(), 400, "event 1: 'results' must be between 0 and 100000"),
        (json.dumps([{"type": "pageview", "page": "/x", "ip": "10.0.0.1"}]).encode(), 400, "event 1: unknown field 'ip'"),
        (json.dumps([{"type": "pageview", "page": "/x", "session": "a b"}]).encode(), 400, "event 1: 'session' may hold only letters, digits and - _ . :"),
        (json.dumps([GOOD[0]] * 51).encode(), 413, "at most 50 events per request"),
        (json.dumps([{"type": "search", "query": "q" * 301, "results": 1}]).encode(), 413, "event 1: 'query' is longer than 300 characters"),
        (b"x" * (65 * 1024), 413, "body is larger than 64 KB"),
    ],
)
def test_bad_payload_is_refused_and_nothing_is_stored(server, body: bytes, status: int, message: str) -> None:  # type: ignore[no-untyped-def]
    client, store = server
    response = client.post("/events", content=body)
    assert (response.status_code, response.json()) == (status, {"error": message})
    assert store.count() == 0
    assert client.get("/healthz").status_code == 200  # Still up.


def test_concurrent_posts_are_all_stored(server) -> None:  # type: ignore[no-untyped-def]
    client, store = server
    with ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(lambda _: client.post("/events", json=GOOD).status_code, range(100)))
    assert codes == [202] * 100 and store.count() == 400


def test_full_database_answers_503_and_keeps_what_it_had(live: LiveIndex, tmp_path: Path) -> None:
    path = tmp_path / "small.db"
    store = EventStore(path, max_bytes=64 * 1024)  # SQLite's own page limit: the same SQLITE_FULL as a full disk.
    with serve_in_thread(create_app(live, events=store)) as base_url, httpx.Client(base_url=base_url) as client:
        big = [{"type": "search", "query": "q" * 290 + str(n), "results": 1} for n in range(50)]
        codes = [client.post("/events", json=big).status_code for _ in range(40)]
        assert 503 in codes and codes.index(503) > 0
        stored = store.count()
        response = client.post("/events", json=big)
        assert response.status_code == 503
        assert response.json()["error"] == "events not stored: the event database is full (disk full or its size limit reached)"
        assert client.get("/healthz").status_code == 200
    store.close()
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("SELECT count(*) FROM events").fetchone()[0] == stored == 50 * codes.index(503)


def test_read_only_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "events.db"
    with EventStore(path) as store:
        store.add(parse_events(json.dumps(GOOD).encode()))
    # A real read-only SQLite connection (chmod does not stop root, who runs these tests in CI).
    read_only = f"{path.resolve().as_uri()}?mode=ro"
    with pytest.raises(EventStoreError) as caught, EventStore(read_only) as store:
        store.add(parse_events(json.dumps(GOOD).encode()))
    assert str(caught.value).startswith(f"{path.resolve()}: the event database is read-only")
    assert "hint: give the API's user write access" in str(caught.value)
    assert len(read_events(path)) == 4


def test_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "events.db"
    path.write_text("hello, not sqlite\n" * 100)
    with pytest.raises(EventStoreError, match="the file is not an SQLite database"):
        EventStore(path)
    assert path.read_text().startswith("hello")  # Untouched.


def test_without_a_store_the_route_says_how_to_enable_it(live: LiveIndex) -> None:
    with serve_in_thread(create_app(live)) as base_url:
        response = httpx.post(f"{base_url}/events", json=GOOD)
    assert response.status_code == 404
    assert response.json() == {"error": "usage events are not collected here (start kb api with --events-db)"}
