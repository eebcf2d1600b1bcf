"""Usage events from the help site (page views, searches, clicks, votes) in SQLite.

Validation is pure (`parse_events`); storage (`EventStore`) writes through one writer thread
that commits every queued batch in one transaction (group commit), so many small POSTs cost
few fsyncs. No IP address or user agent is ever stored; personal data in queries is masked.

Nothing a client sends may stop collection: text SQLite cannot store is refused at validation,
a batch that fails anyway fails only its own requests (the writer goes on), and after a failed
batch the next one reopens the database, so a file made writable again is used without a restart.
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import logging
import os
import queue
import re
import sqlite3
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from supportkb.generator.core.errors import KBError
from supportkb.generator.core.json_input import JSONNestingError, parse_json
from supportkb.generator.core.privacy import mask_personal_data

log = logging.getLogger("supportkb.events")

EventType = Literal["pageview", "search", "click", "vote"]
EVENT_TYPES: tuple[str, ...] = ("pageview", "search", "click", "vote")
MAX_BODY_BYTES = 64 * 1024
MAX_EVENTS_PER_POST = 50
MAX_PAGE_CHARS = 1000
MAX_QUERY_CHARS = 300
MAX_TITLE_CHARS = 300
MAX_ID_CHARS = 64
MAX_RESULTS = 100_000
DEFAULT_MAX_DB_BYTES = 2 * 1024**3
_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
_KNOWN_KEYS = frozenset(
    {"type", "page", "url", "query", "results", "rank", "target", "helpful", "session", "search_id", "article_id", "title"}
)

SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY,
    received TEXT NOT NULL,          -- UTC, ISO 8601, set by the server
    type TEXT NOT NULL CHECK (type IN ('pageview', 'search', 'click', 'vote')),
    page TEXT NOT NULL DEFAULT '',   -- site path only: no host, query string or fragment
    article_id TEXT NOT NULL DEFAULT '',
    query TEXT NOT NULL DEFAULT '',  -- masked: emails, phone and card numbers replaced
    results INTEGER,                 -- search: how many results the reader saw
    search_id TEXT NOT NULL DEFAULT '',
    target TEXT NOT NULL DEFAULT '', -- click: the result's site path
    rank INTEGER,                    -- click: 1-based position of the result
    helpful INTEGER,                 -- vote: 1 yes, 0 no
    session TEXT NOT NULL DEFAULT '' -- random per-tab id made by the browser; not a person
);
CREATE INDEX IF NOT EXISTS events_type_received ON events (type, received);
"""


class EventError(KBError):
    """An event payload the API refuses (HTTP 4xx)."""

    def __init__(self, message: str, *, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


class EventStoreError(KBError):
    """The event database cannot be written (read-only, disk full, unreadable)."""


@dataclass(frozen=True)
class Event:
    """One validated usage event, as stored."""

    type: EventType
    page: str = ""
    article_id: str = ""
    query: str = ""
    results: int | None = None
    search_id: str = ""
    target: str = ""
    rank: int | None = None
    helpful: bool | None = None
    session: str = ""


# --- validation (pure) ---------------------------------------------------------------------


def parse_events(body: bytes) -> tuple[Event, ...]:
    """Validate a POST body: one event object, a list, or {"events": [...]}; all or nothing."""
    if len(body) > MAX_BODY_BYTES:
        raise EventError(f"body is larger than {MAX_BODY_BYTES // 1024} KB", status=413)
    try:
        data = parse_json(body.decode("utf-8"))
    except JSONNestingError:
        raise EventError("body is nested too deeply (thousands of levels of [ or {)") from None
    except (UnicodeDecodeError, ValueError):
        raise EventError("body is not JSON") from None
    if isinstance(data, dict) and "events" in data:
        data = data["events"]
    items = data if isinstance(data, list) else [data]
    if not items:
        raise EventError("no events in the body")
    if len(items) > MAX_EVENTS_PER_POST:
        raise EventError(f"at most {MAX_EVENTS_PER_POST} events per request", status=413)
    events = []
    for number, item in enumerate(items, start=1):
        try:
            events.append(parse_event(item))
        except EventError as exc:
            raise EventError(f"event {number}: {exc}", status=exc.status) from None
    return tuple(events)


def parse_event(item: Any) -> Event:
    """One event; the "Was this helpful?" widget's {article_id, helpful, url} counts as a vote."""
    if not isinstance(item, dict):
        raise EventError("an event must be a JSON object")
    unknown = sorted(set(item) - _KNOWN_KEYS)
    if unknown:
        raise EventError(f"unknown field {unknown[0]!r}"[:120])
    kind = item.get("type", "vote" if "helpful" in item else None)
    if kind not in EVENT_TYPES:
        raise EventError(f"'type' must be one of {', '.join(EVENT_TYPES)}")
    page = _site_path(item.get("page", item.get("url")), "page")
    session = _identifier(item.get("session"), "session")
    _text(item.get("title"), "title", MAX_BODY_BYTES)  # Not stored; checked so that no field goes unchecked.
    article_id = _text(item.get("article_id"), "article_id", MAX_ID_CHARS)
    if kind == "pageview":
        if not page:
            raise EventError("a pageview needs 'page'")
        return Event("pageview", page=page, article_id=article_id, session=session)
    if kind == "search":
        query = _query(item.get("query"))
        results = _integer(item.get("results"), "results", low=0, high=MAX_RESULTS)
        if results is None:
            raise EventError("a search needs 'results' (how many results were shown)")
        return Event("search", page=page, query=query, results=results,
                     search_id=_identifier(item.get("search_id"), "search_id"), session=session)
    if kind == "click":
        target = _site_path(item.get("target"), "target")
        if not target:
            raise EventError("a click needs 'target' (the result's URL)")
        return Event("click", page=page, query=_query(item.get("query"), required=False), target=target,
                     rank=_integer(item.get("rank"), "rank", low=1, high=1000),
                     search_id=_identifier(item.get("search_id"), "search_id"), session=session)
    helpful = item.get("helpful")
    if not isinstance(helpful, bool):
        raise EventError("a vote needs 'helpful': true or false")
    if not page and not article_id:
        raise EventError("a vote needs 'page' or 'article_id'")
    return Event("vote", page=page, article_id=article_id, helpful=helpful, session=session)


def _text(value: Any, name: str, limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise EventError(f"'{name}' must be a string")
    try:  # JSON may escape half a surrogate pair ("\ud800"): valid JSON, but no UTF-8 for SQLite.
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise EventError(f"'{name}' holds text that is not valid Unicode") from None
    if len(value) > limit:
        raise EventError(f"'{name}' is longer than {limit} characters", status=413)
    return value.strip()


def _identifier(value: Any, name: str) -> str:
    text = _text(value, name, MAX_ID_CHARS)
    if text and not _ID.match(text):
        raise EventError(f"'{name}' may hold only letters, digits and - _ . :")
    return text


def _integer(value: Any, name: str, *, low: int, high: int) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise EventError(f"'{name}' must be a whole number")
    if not low <= value <= high:
        raise EventError(f"'{name}' must be between {low} and {high}")
    return value


def _query(value: Any, *, required: bool = True) -> str:
    text = " ".join(_text(value, "query", MAX_QUERY_CHARS).split())
    if required and not text:
        raise EventError("a search needs 'query'")
    return mask_personal_data(text)


def _site_path(value: Any, name: str) -> str:
    """Keep the path only: a query string or fragment may carry personal data."""
    text = _text(value, name, MAX_PAGE_CHARS)
    if not text:
        return ""
    parts = urlsplit(text)
    path = parts.path or "/"
    if any(ord(ch) < 32 for ch in path):
        raise EventError(f"'{name}' holds control characters")
    return path if path.startswith("/") else "/" + path


# --- storage -------------------------------------------------------------------------------


def connect_events_db(path: Path | str, *, read_only: bool = False) -> sqlite3.Connection:
    """An SQLite connection to the event database (a path or a 'file:' URI; read-only on request)."""
    text = str(path)
    if text.startswith("file:"):
        target, uri = text, True
    elif read_only:
        target, uri = Path(text).resolve().as_uri() + "?mode=ro", True
    else:
        target, uri = text, False
    return sqlite3.connect(target, uri=uri, timeout=10, check_same_thread=False, isolation_level=None)


def _file_of(path: Path | str) -> Path:
    """The file behind a path or a 'file:' URI, for messages."""
    text = str(path)
    return Path(urlsplit(text).path) if text.startswith("file:") else Path(text)


def storage_error(exc: sqlite3.Error, path: Path | str) -> EventStoreError:
    """A sqlite error as the message and hint a person can act on."""
    path = _file_of(path)
    code = getattr(exc, "sqlite_errorcode", None)
    text = str(exc).lower()
    if code == sqlite3.SQLITE_FULL or "full" in text:
        return EventStoreError("the event database is full (disk full or its size limit reached)", path=path,
                               hint="free disk space, or move the file away (reports can still read it) and restart the API on a new one")
    if code == sqlite3.SQLITE_READONLY or "readonly" in text or "read-only" in text:
        return EventStoreError("the event database is read-only", path=path,
                               hint="give the API's user write access to the file and its folder (SQLite writes a -wal file beside it)")
    if code == sqlite3.SQLITE_CANTOPEN or "unable to open" in text:
        return EventStoreError("cannot open the event database", path=path,
                               hint="check that the folder exists and is writable")
    if code == sqlite3.SQLITE_NOTADB or "not a database" in text:
        return EventStoreError("the file is not an SQLite database", path=path,
                               hint="point --events-db at a new file or an existing event database")
    return EventStoreError(f"cannot write events: {exc}", path=path)


EventHealth = Literal["ok", "failing", "dead"]
_Batch = tuple[Sequence[Event], dt.datetime, concurrent.futures.Future[int]]


class EventStore:
    """SQLite in WAL mode, written by one thread that commits queued batches together."""

    def __init__(self, path: Path | str, *, max_bytes: int = DEFAULT_MAX_DB_BYTES, batch_wait: float = 0.05) -> None:
        self.path = path
        self._max_bytes = max_bytes
        self._batch_wait = batch_wait
        self._lock = threading.Lock()
        """Held while the connection is used or replaced (the writer, count(), the startup probe)."""
        self._db = self._open()
        self._failure: EventStoreError | None = None
        """Why the last write failed; None once one succeeds. The next batch reopens the file first."""
        self.startup_problem = self._probe()
        """Why events cannot be stored right now (read-only file or folder), found at startup."""
        self._closing = False
        self._queue: queue.Queue[_Batch | None] = queue.Queue()
        # Daemon: a writer stuck in SQLite must never keep the process from exiting.
        self._thread = threading.Thread(target=self._write_loop, name="kb-events-writer", daemon=True)
        self._thread.start()

    def submit(self, events: Sequence[Event], *, now: dt.datetime | None = None) -> concurrent.futures.Future[int]:
        """Queue a batch; the future gives the number stored, or raises EventStoreError."""
        future: concurrent.futures.Future[int] = concurrent.futures.Future()
        if self._closing or not self._thread.is_alive():  # Nobody would ever take it off the queue.
            future.set_exception(self._stopped_error())
            return future
        self._queue.put((events, now or dt.datetime.now(dt.timezone.utc), future))
        return future

    def add(self, events: Sequence[Event], *, now: dt.datetime | None = None) -> int:
        """Store a batch and wait until it is committed."""
        return self.submit(events, now=now).result(timeout=60)

    def count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM events").fetchone()[0])

    def health(self) -> tuple[EventHealth, str | None]:
        """"ok"; "failing" (the last write failed; the next one retries) with why; or "dead" (no writer)."""
        if self._closing or not self._thread.is_alive():
            return "dead", "the event writer has stopped"
        failure = self._failure
        if failure is not None:
            return "failing", failure.args[0]
        return "ok", None

    def close(self, *, timeout: float = 5.0) -> None:
        """Stop the writer after what is queued; never waits more than `timeout` seconds."""
        self._closing = True
        self._queue.put(None)
        self._thread.join(timeout=timeout)
        if self._thread.is_alive():
            # Closing the connection under a thread still inside SQLite is unsafe; the daemon
            # thread ends with the process.
            log.warning("the event writer did not stop within %.0f s; leaving it to end with the process", timeout)
            return
        with self._lock:
            self._db.close()

    def __enter__(self) -> EventStore:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _open(self) -> sqlite3.Connection:
        try:
            db = connect_events_db(self.path)
            try:
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")
                page_size = db.execute("PRAGMA page_size").fetchone()[0]
                db.execute(f"PRAGMA max_page_count={max(16, self._max_bytes // page_size)}")
                db.executescript(SCHEMA)
            except BaseException:
                db.close()
                raise
        except sqlite3.Error as exc:
            raise storage_error(exc, self.path) from exc
        return db

    def _probe(self) -> EventStoreError | None:
        """Try a write that changes nothing: SQLite opens a file it may not write read-only, silently."""
        problem = None
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    self._db.execute("DELETE FROM events WHERE 0")
                finally:
                    if self._db.in_transaction:
                        self._db.execute("ROLLBACK")
            except sqlite3.Error as exc:
                problem = self._failure = storage_error(exc, self.path)
        if problem is None and not str(self.path).startswith("file:"):
            # Root passes every permission check; for anyone else a folder they cannot write means
            # no -wal file, which SQLite needs beside the database.
            folder = Path(self.path).resolve().parent
            if not os.access(folder, os.W_OK):
                problem = EventStoreError("the folder of the event database is read-only", path=Path(self.path),
                                          hint="give the API's user write access to the folder (SQLite writes a -wal file beside the database)")
        return problem

    def _stopped_error(self) -> EventStoreError:
        return EventStoreError("the event writer has stopped", path=_file_of(self.path),
                               hint="restart kb api; the server log says why it stopped")

    def _write_loop(self) -> None:
        try:
            while True:
                first = self._queue.get()
                if first is None:
                    return
                batches = [first]
                stop = False
                try:  # Gather what else arrived meanwhile: one transaction for all of them.
                    while len(batches) < 200:
                        more = self._queue.get(timeout=self._batch_wait) if len(batches) == 1 else self._queue.get_nowait()
                        if more is None:
                            stop = True
                            break
                        batches.append(more)
                except queue.Empty:
                    pass
                # A request that gave up waiting has cancelled its future: its events are dropped.
                batches = [batch for batch in batches if batch[2].set_running_or_notify_cancel()]
                try:
                    self._write(batches)
                except Exception as exc:  # noqa: BLE001 - whatever one batch does, the writer goes on.
                    log.exception("usage events: a batch could not be written")
                    error = EventStoreError(f"cannot write events: {type(exc).__name__}", path=_file_of(self.path))
                    self._failure = error
                    _fail(batches, error)
                if stop:
                    return
        finally:
            # Whatever stopped the loop, no request may wait for an answer that will never come.
            self._closing = True
            error = self._stopped_error()
            while True:
                try:
                    batch = self._queue.get_nowait()
                except queue.Empty:
                    break
                if batch is not None and batch[2].set_running_or_notify_cancel():
                    batch[2].set_exception(error)

    def _write(self, batches: list[_Batch]) -> None:
        if not batches:
            return
        rows = [
            (
                when.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"), e.type, e.page, e.article_id, e.query,
                e.results, e.search_id, e.target, e.rank, None if e.helpful is None else int(e.helpful), e.session,
            )
            for events, when, _future in batches
            for e in events
        ]
        with self._lock:
            try:
                if self._failure is not None:
                    # The file may have been fixed since (permissions, disk space): a fresh
                    # connection sees it; the old one would stay read-only for good.
                    self._db.close()
                    self._db = self._open()
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    self._db.executemany(
                        "INSERT INTO events (received, type, page, article_id, query, results, search_id, target, rank, helpful, session)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        rows,
                    )
                    self._db.execute("COMMIT")
                except BaseException:
                    if self._db.in_transaction:  # SQLITE_FULL has already rolled back by itself.
                        self._db.execute("ROLLBACK")
                    raise
            except sqlite3.Error as exc:
                error = storage_error(exc, self.path)
                self._failure = error
                _fail(batches, error)
                return
            except EventStoreError as error:  # Reopening failed.
                self._failure = error
                _fail(batches, error)
                return
        self._failure = None
        for events, _when, future in batches:
            future.set_result(len(events))


def _fail(batches: Sequence[_Batch], error: EventStoreError) -> None:
    for _events, _when, future in batches:
        if not future.done():
            future.set_exception(error)
