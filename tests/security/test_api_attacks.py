"""Hostile requests to the HTTP API and its usage-event store (issue 13: findings 2, 8, 11, 12).

Every server here is real (uvicorn on 127.0.0.1, port 0, or `kb api` in its own process), every
event store a real SQLite file. Requests carry client timeouts so that a hang fails a test instead
of stalling the run.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import supportkb.search.events
from supportkb.generator.core.project import find_project
from supportkb.search.api import ApiSettings, LiveIndex, create_app
from supportkb.gaps.reports.events import read_events
from supportkb.search.events import Event, EventError, EventStore, EventStoreError, parse_events
from tests.conftest import REPO_ROOT
from tests.search.conftest import make_help_center
from tests.search.test_search_api import serve_in_thread

TOKEN = "attack-suite-token"
WAIT = 10.0
"""Seconds a client waits for an answer: far beyond a healthy answer, short of a stuck run."""
VALID = {"type": "search", "query": "refund", "results": 2}
LONE_SURROGATE = b'{"type":"search","query":"\\ud800","results":1}'


@pytest.fixture(scope="module")
def project_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_help_center(tmp_path_factory.mktemp("attacks") / "project")


@pytest.fixture(scope="module")
def live(project_root: Path) -> LiveIndex:
    return LiveIndex.for_project(find_project(start=project_root), refresh_every=60)


@pytest.fixture
def served(live: LiveIndex, tmp_path: Path) -> Iterator[tuple[httpx.Client, EventStore]]:
    store = EventStore(tmp_path / "events.db", batch_wait=0.001)
    app = create_app(live, ApiSettings(token=TOKEN), events=store)
    with serve_in_thread(app) as base_url, httpx.Client(base_url=base_url, timeout=WAIT) as client:
        yield client, store
    store.close()


# --- finding 2: one event request must not stop event collection ---------------------------------


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (LONE_SURROGATE, "event 1: 'query' holds text that is not valid Unicode"),
        (b'{"type":"pageview","page":"/a\\udfff"}', "event 1: 'page' holds text that is not valid Unicode"),
        (b'{"type":"pageview","page":"/a","session":"\\ud83d"}', "event 1: 'session' holds text that is not valid Unicode"),
        (b'{"article_id":"\\udc80","helpful":true}', "event 1: 'article_id' holds text that is not valid Unicode"),
        (b'{"type":"click","target":"/x","query":"q\\ud800"}', "event 1: 'query' holds text that is not valid Unicode"),
        (b'{"type":"pageview","page":"/a","title":"\\ud800"}', "event 1: 'title' holds text that is not valid Unicode"),
        (b'{"type":"pageview","page":"/a","\\ud800":1}', "event 1: unknown field '\\ud800'"),
    ],
)
def test_unencodable_text_is_a_400_and_events_keep_flowing(served, body: bytes, message: str) -> None:  # type: ignore[no-untyped-def]
    client, store = served
    response = client.post("/events", content=body)
    assert (response.status_code, response.json()) == (400, {"error": message})
    assert client.post("/events", json=VALID).status_code == 202
    assert store.count() == 1
    assert client.get("/healthz").json()["events"] == "ok"


def test_writer_survives_a_batch_it_cannot_write(tmp_path: Path) -> None:
    # An event that skipped validation (a caller's bug): the writer fails that batch, not itself.
    with EventStore(tmp_path / "events.db", batch_wait=0.001) as store:
        poisoned = store.submit([Event("search", query="\ud800", results=1)])
        with pytest.raises(EventStoreError, match="cannot write events"):
            poisoned.result(timeout=WAIT)
        assert store.add([Event("search", query="refund", results=2)]) == 1
        assert store.health() == ("ok", None)
    assert [s.event.query for s in read_events(tmp_path / "events.db")] == ["refund"]


def test_stopped_writer_answers_503_at_once_and_health_says_so(served) -> None:  # type: ignore[no-untyped-def]
    client, store = served
    store.close()  # The writer thread is gone, as after a crash.
    response = client.post("/events", json=VALID)
    assert response.status_code == 503
    assert response.json() == {"error": "events not stored: the event writer has stopped"}
    health = client.get("/healthz")
    assert health.status_code == 503
    assert (health.json()["status"], health.json()["events"]) == ("degraded", "dead")
    assert client.get("/search", params={"q": "refund"}).status_code == 200  # Search still serves.


def test_a_stuck_database_is_a_503_in_bounded_time_and_close_does_not_hang(live: LiveIndex, tmp_path: Path) -> None:
    path = tmp_path / "events.db"
    store = EventStore(path, batch_wait=0.001)
    app = create_app(live, ApiSettings(events_timeout=1), events=store)
    backup = sqlite3.connect(path, isolation_level=None)
    backup.execute("BEGIN IMMEDIATE")  # Another program holds the write lock (SQLite waits 10 s for it).
    try:
        with serve_in_thread(app) as base_url, httpx.Client(base_url=base_url, timeout=WAIT) as client:
            response = client.post("/events", json=VALID)
            assert (response.status_code, response.json()) == (
                503, {"error": "events not stored: the event database did not answer in time"})
            store.close(timeout=0.5)  # The writer is still waiting for the lock; close() returns anyway.
            assert client.get("/healthz").json()["events"] == "dead"
    finally:
        backup.execute("ROLLBACK")
        backup.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_kb_api_answers_the_hostile_post_and_stops_on_sigterm(project_root: Path, tmp_path: Path) -> None:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "supportkb", "api", "--kb", str(project_root / "kb"),
               "--index-dir", str(tmp_path / "index"), "--port", str(port), "--events-db", str(tmp_path / "events.db")]
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "cache"))
    server = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, server.stderr.read().decode() if server.stderr else ""
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "kb api did not start"
            time.sleep(0.1)
        try:
            hostile: int | str = httpx.post(f"{base}/events", content=LONE_SURROGATE, timeout=WAIT).status_code
        except httpx.TimeoutException:
            hostile = "no answer"
        try:
            after: int | str = httpx.post(f"{base}/events", json=VALID, timeout=WAIT).status_code
        except httpx.TimeoutException:
            after = "no answer"
        server.send_signal(signal.SIGTERM)
        try:
            code = server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            code = None
        # uvicorn shuts down cleanly, then re-raises the signal: "killed by SIGTERM" is the normal end.
        assert (hostile, after, code) == (400, 202, -signal.SIGTERM)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
        if server.stderr:
            server.stderr.close()
    assert [s.event.query for s in read_events(tmp_path / "events.db")] == ["refund"]


# --- finding 8: hostile nesting is a 400, not a 500 ----------------------------------------------


def test_deeply_nested_body_is_a_clear_400(served) -> None:  # type: ignore[no-untyped-def]
    client, store = served
    body = b"[" * 60_000  # Under the 64 KB cap, so the parser really sees it.
    response = client.post("/events", content=body)
    assert response.status_code == 400
    assert response.json() == {"error": "body is nested too deeply (thousands of levels of [ or {)"}
    assert client.post("/events", json=VALID).status_code == 202


# --- finding 11: a read-only event database --------------------------------------------------------


def _existing_db(path: Path) -> str:
    """An event database with one event; its read-only SQLite URI."""
    with EventStore(path) as store:
        store.add(parse_events(json.dumps(VALID).encode()))
    return f"{path.resolve().as_uri()}?mode=ro"


def test_read_only_database_is_a_warning_at_startup(live: LiveIndex, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    # A real read-only SQLite connection: chmod does not stop root, who runs the tests in CI.
    read_only = _existing_db(tmp_path / "events.db")
    with caplog.at_level(logging.WARNING, logger="supportkb.api"):
        app = create_app(live, ApiSettings(events_db=read_only))  # type: ignore[arg-type]
    try:
        warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
        assert len(warnings) == 1
        assert "the event database is read-only" in warnings[0]
        assert "usage events will not be stored" in warnings[0]
        assert "give the API's user write access" in warnings[0]
    finally:
        app.state.events.close()


def test_events_are_stored_again_once_the_database_is_writable(
    live: LiveIndex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "events.db"
    read_only_uri = _existing_db(path)
    # The file's permissions, as SQLite sees them when it opens it: root ignores chmod, so the
    # read-only state is a real read-only SQLite connection, and "fixed" is a normal one again.
    is_read_only = threading.Event()
    is_read_only.set()
    real_connect = supportkb.search.events.connect_events_db

    def connect(target: Path | str, *, read_only: bool = False) -> sqlite3.Connection:
        if is_read_only.is_set() and not read_only:
            return real_connect(read_only_uri)
        return real_connect(target, read_only=read_only)

    monkeypatch.setattr(supportkb.search.events, "connect_events_db", connect)
    store = EventStore(path, batch_wait=0.001)
    try:
        with serve_in_thread(create_app(live, events=store)) as base_url, httpx.Client(base_url=base_url, timeout=WAIT) as client:
            refused = client.post("/events", json=VALID)
            health_while_read_only = client.get("/healthz").json()
            is_read_only.clear()  # Someone fixes the permissions; nobody restarts the API.
            accepted = client.post("/events", json=VALID)
            assert (refused.status_code, refused.json(), accepted.status_code) == (
                503, {"error": "events not stored: the event database is read-only"}, 202)
            assert (health_while_read_only.get("status"), health_while_read_only.get("events")) == ("degraded", "failing")
            assert client.get("/healthz").json()["events"] == "ok"
    finally:
        store.close()
    assert len(read_events(path)) == 2


# --- finding 12: the unauthenticated health check --------------------------------------------------


def test_healthz_counts_internal_articles_only_with_the_token(served) -> None:  # type: ignore[no-untyped-def]
    client, _store = served
    # The help center holds five public articles and one internal one.
    assert client.get("/healthz").json()["articles"] == 5
    assert client.get("/healthz", headers={"Authorization": f"Bearer {TOKEN}"}).json()["articles"] == 6


# --- CPU-bound search runs off the event loop ----------------------------------------------------


class _SlowIndex:
    """The real index, but every lookup takes as long as the test says (a huge index, a slow disk)."""

    def __init__(self, index: Any, gate: threading.Event, entered: threading.Event) -> None:
        self._index, self._gate, self._entered = index, gate, entered

    def __getattr__(self, name: str) -> Any:
        return getattr(self._index, name)

    def __len__(self) -> int:
        return len(self._index)

    def _hold(self) -> None:
        self._entered.set()
        self._gate.wait(timeout=30)

    def query(self, *args: Any, **kwargs: Any) -> Any:
        self._hold()
        return self._index.query(*args, **kwargs)

    def article(self, *args: Any, **kwargs: Any) -> Any:
        self._hold()
        return self._index.article(*args, **kwargs)


@pytest.mark.parametrize("path", ["/search?q=refund", "/articles/123"])
def test_a_slow_lookup_does_not_stall_other_requests(live: LiveIndex, path: str) -> None:
    gate, entered = threading.Event(), threading.Event()
    slow = _SlowIndex(live.current, gate, entered)
    slow_live = LiveIndex(lambda current: slow if current is None else None, refresh_every=60)
    with serve_in_thread(create_app(slow_live)) as base_url:
        answers: list[int] = []
        lookup = threading.Thread(target=lambda: answers.append(httpx.get(base_url + path, timeout=60).status_code))
        lookup.start()
        try:
            assert entered.wait(timeout=WAIT)
            try:
                health: int | str = httpx.get(f"{base_url}/healthz", timeout=WAIT).status_code
            except httpx.TimeoutException:
                health = "no answer while a lookup ran"
        finally:
            gate.set()
            lookup.join(timeout=60)
    assert (health, answers) == (200, [200])


# --- property: whatever arrives at /events, the server answers and keeps storing -----------------

_text = st.text(alphabet=st.one_of(st.characters(), st.characters(categories=["Cs"])), max_size=40)
_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.sampled_from([10**30, -(10**400), 2**63]) | st.floats() | _text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_text, inner, max_size=4),
    max_leaves=20,
)
_keys = st.sampled_from(["type", "page", "url", "query", "results", "rank", "target", "helpful", "session",
                         "search_id", "article_id", "title"]) | _text
_event_like = st.dictionaries(_keys, _json, max_size=8) | st.builds(
    lambda kind, extra: {"type": kind, **extra},
    st.sampled_from(["pageview", "search", "click", "vote", "teleport"]),
    st.dictionaries(_keys, _json | _text, max_size=6),
)
_payload = st.one_of(
    _json, _event_like, st.lists(_event_like, max_size=5), st.builds(lambda e: {"events": e}, st.lists(_event_like, max_size=5)),
).map(lambda value: json.dumps(value).encode())  # ensure_ascii: lone surrogates travel as \\udXXX escapes.
_body = _payload | st.binary(max_size=200) | st.integers(1, 60_000).map(lambda n: b"[" * n)


@settings(max_examples=100, deadline=None)
@given(_body)
def test_parse_events_accepts_or_refuses_cleanly(body: bytes) -> None:
    try:
        events = parse_events(body)
    except EventError as exc:
        assert exc.status in (400, 413)
        json.dumps({"error": str(exc)}, ensure_ascii=False).encode("utf-8")  # The answer can be sent.
        return
    for event in events:
        for value in vars(event).values():
            if isinstance(value, str):
                value.encode("utf-8")  # What reaches the database is text SQLite can store.


def test_server_answers_every_event_payload_and_keeps_storing(live: LiveIndex, tmp_path: Path) -> None:
    store = EventStore(tmp_path / "events.db", batch_wait=0.001)
    with serve_in_thread(create_app(live, events=store)) as base_url, httpx.Client(base_url=base_url, timeout=WAIT) as client:

        @settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
        @given(_body)
        def check(body: bytes) -> None:
            before = store.count()
            response = client.post("/events", content=body)
            assert response.status_code in (202, 400, 413, 503), response.text
            assert "error" in response.json() or response.status_code == 202
            stored = response.json().get("stored", 0)
            assert client.post("/events", json=VALID).status_code == 202
            assert store.count() == before + stored + 1

        check()
    store.close()
