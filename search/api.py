"""The HTTP search API (Starlette on uvicorn): GET /search, /articles/{id}, /healthz; POST /events.

Every answer is JSON (or the requested paste-ready format); a bad parameter is a 400 with
{"error": ...}, an unexpected failure a 500 with no stack trace. A background thread keeps the
index fresh: when a new generation appears, requests switch to it between one and the next.
Searches and article lookups run in worker threads, so a slow one never holds up the others.

GET /healthz answers 200 while search works. With --events-db it also says how event storage
is: "events": "ok"; "failing" (the last write failed, e.g. a read-only or full file; each new
batch retries) with "status": "degraded", still 200 since a restart would not help; or "dead"
(the writer thread is gone, only a restart helps) with 503, so that a supervisor restarts it.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from supportkb.generator.core.errors import KBError
from supportkb.search.events import MAX_BODY_BYTES as MAX_EVENTS_BODY
from supportkb.search.events import EventError, EventStore, EventStoreError, parse_events

if TYPE_CHECKING:
    from supportkb.generator.core.project import Project
    from supportkb.search.engine import SearchIndex

log = logging.getLogger("supportkb.api")

MAX_QUERY_CHARS = 1000
MAX_LIMIT = 50
SHUTDOWN_SECONDS = 10
"""At most this long to finish requests in flight once asked to stop."""
API_FORMATS = ("json", "md", "html", "url", "text")


@dataclass(frozen=True)
class ApiSettings:
    """How the API behaves; everything has a safe default."""

    token: str | None = None
    """Bearer token that unlocks internal articles; None: internal articles are never served."""
    cors_origins: tuple[str, ...] = ()
    """Browser origins allowed to call the API (e.g. the help site); '*' for any."""
    refresh_every: float = 2.0
    """Seconds between checks for changed articles."""
    max_query_chars: int = MAX_QUERY_CHARS
    events_db: Path | None = None
    """SQLite file for usage events (POST /events); None: the route answers 404."""
    events_timeout: float = 15.0
    """Seconds POST /events waits for its batch to be committed before answering 503."""
    embeddings: str | None = None
    """Embedding backend name or "none"; None: the project's embedding_backend (mkdocs.yml)."""


class LiveIndex:
    """The index requests use now; a background thread swaps in a fresh one when files change."""

    def __init__(
        self,
        opener: Callable[[SearchIndex | None], SearchIndex | None],
        *,
        refresh_every: float = 2.0,
    ) -> None:
        """opener(current) returns a new index to switch to, or None to keep the current one."""
        self._opener = opener
        self._refresh_every = refresh_every
        first = opener(None)
        if first is None:
            raise KBError("no search index to serve")
        self.current: SearchIndex = first
        self._retired: SearchIndex | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.swaps = 0

    @classmethod
    def for_project(
        cls,
        project: Project,
        *,
        index_dir: Path | None = None,
        refresh_every: float = 2.0,
        embeddings: str | None = None,
    ) -> LiveIndex:
        from supportkb.search.engine import SearchIndex, build_project_index, project_fingerprint
        from supportkb.search.settings import resolve_embedder

        # Loaded once, before the first request: every swapped-in index shares it.
        embedder = resolve_embedder(project, embeddings)
        seen: dict[str, str] = {}

        def opener(current: SearchIndex | None) -> SearchIndex | None:
            # A stat of every file is cheap; only a changed folder (or an index another
            # command published) costs a look at the manifest.
            fingerprint = project_fingerprint(project, index_dir=index_dir)
            if current is not None and seen.get("last") == fingerprint:
                return None
            seen["last"] = fingerprint
            report = build_project_index(project, index_dir=index_dir, embedder=embedder)
            if report.note:
                log.warning("%s", report.note)
            if current is not None and current.generation == report.generation:
                return None
            fresh = SearchIndex.from_generation(
                report.generation, site_url=project.site_url, ranking=None, embedder=embedder
            )
            fresh.warm_up()
            return fresh

        return cls(opener, refresh_every=refresh_every)

    def refresh(self) -> bool:
        """Check once; True if a new index was swapped in."""
        fresh = self._opener(self.current)
        if fresh is None:
            return False
        # Requests that already hold the old index finish with it; it is closed one swap later.
        retired, self._retired = self._retired, self.current
        self.current = fresh
        self.swaps += 1
        if retired is not None:
            retired.close()
        return True

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="kb-api-refresh", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def _loop(self) -> None:
        while not self._stop.wait(self._refresh_every):
            try:
                self.refresh()
            except KBError as exc:  # A broken file mid-edit: keep serving the index we have.
                log.warning("search index not refreshed: %s", exc)
            except Exception:  # noqa: BLE001 - the server must outlive a failed refresh; log it whole.
                log.exception("search index refresh failed")


class ApiError(Exception):
    """A request the API refuses, with its HTTP status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def create_app(live: LiveIndex, settings: ApiSettings | None = None, *, events: EventStore | None = None) -> Any:
    """The Starlette application serving one LiveIndex (and storing usage events in `events`)."""
    from starlette.applications import Starlette
    from starlette.exceptions import HTTPException
    from starlette.middleware import Middleware
    from starlette.middleware.cors import CORSMiddleware
    from starlette.requests import Request
    from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
    from starlette.routing import Route

    from supportkb.search.links import render, results_record

    settings = settings or ApiSettings()
    if events is None and settings.events_db is not None:
        events = open_event_store(settings.events_db)

    def can_see_internal(request: Request) -> bool:
        header = request.headers.get("authorization")
        if header is None:
            return False
        scheme, _, given = header.partition(" ")
        if (
            settings.token is None
            or scheme.lower() != "bearer"
            or not hmac.compare_digest(given.strip().encode(), settings.token.encode())
        ):
            raise ApiError(401, "invalid or unexpected token")
        return True

    # Plain `def` handlers: Starlette runs them in its thread pool, off the event loop, since
    # ranking is CPU work that would otherwise stall every other request (and /healthz).
    def search(request: Request) -> Response:
        params = request.query_params
        query = params.get("q")
        if query is None:
            raise ApiError(400, "missing parameter 'q' (what to search for)")
        if len(query) > settings.max_query_chars:
            raise ApiError(400, f"'q' is longer than {settings.max_query_chars} characters")
        if not query.strip():
            raise ApiError(400, "'q' is empty: type a few words")
        limit = _int_param(params.get("limit"), "limit", default=10, low=1, high=MAX_LIMIT)
        fmt = params.get("format", "json")
        if fmt not in API_FORMATS:
            raise ApiError(400, f"'format' must be one of {', '.join(API_FORMATS)}")
        include_internal = can_see_internal(request)
        index = live.current
        results = index.query(query, limit=limit, include_internal=include_internal)
        if fmt == "json":
            return JSONResponse(results_record(results))
        body = render(results, fmt, site_url=index.site_url)
        if fmt == "html":
            return HTMLResponse(body)
        return PlainTextResponse(body, media_type="text/markdown" if fmt == "md" else "text/plain")

    def article(request: Request) -> Response:
        article_id = request.path_params["article_id"]
        if len(article_id) > 500:
            raise ApiError(400, "article id is too long")
        record = live.current.article(article_id, include_internal=can_see_internal(request))
        if record is None:
            raise ApiError(404, f"no article with id {article_id!r}")
        return JSONResponse(
            {
                "id": record.article_id,
                "path": record.path,
                "title": record.title,
                "url": record.url,
                "summary": record.summary,
                "category": record.category,
                "tags": list(record.tags),
                "aliases": list(record.aliases),
                "sections": [{"anchor": a, "title": t} for a, t in record.sections],
                "internal": record.is_internal,
                "body": record.body,
            }
        )

    async def post_events(request: Request) -> Response:
        # Nothing about the sender (address, user agent) is read or stored.
        if events is None:
            raise ApiError(404, "usage events are not collected here (start kb api with --events-db)")
        body = await _read_capped(request, MAX_EVENTS_BODY)
        try:
            batch = parse_events(body)
        except EventError as exc:
            raise ApiError(exc.status, str(exc)) from None
        try:
            stored = await asyncio.wait_for(asyncio.wrap_future(events.submit(batch)), settings.events_timeout)
        except EventStoreError as exc:
            log.error("usage events not stored: %s", exc)
            raise ApiError(503, f"events not stored: {exc.args[0]}") from None
        except asyncio.TimeoutError:
            log.error("usage events not stored: the event writer did not answer in %.0f s", settings.events_timeout)
            raise ApiError(503, "events not stored: the event database did not answer in time") from None
        return JSONResponse({"stored": stored}, status_code=202)

    async def healthz(request: Request) -> Response:
        index = live.current
        generation = index.generation.name if index.generation else None
        # Without the token, internal articles are not even counted.
        articles = index.article_count(include_internal=can_see_internal(request))
        body: dict[str, Any] = {"status": "ok", "articles": articles, "generation": generation, "events": "off"}
        status_code = 200
        if events is not None:
            state, why = events.health()
            body["events"] = state
            if state != "ok":
                body["status"] = "degraded"
                body["events_error"] = why
            if state == "dead":
                status_code = 503
        return JSONResponse(body, status_code=status_code)

    async def api_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        return JSONResponse({"error": exc.message}, status_code=exc.status)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        return JSONResponse({"error": exc.detail}, status_code=exc.status_code, headers=exc.headers)

    async def server_error(request: Request, exc: Exception) -> Response:
        log.exception("error while answering %s", request.url.path, exc_info=exc)
        return JSONResponse(
            {"error": "internal error; the server log has the details"}, status_code=500
        )

    middleware = []
    if settings.cors_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(settings.cors_origins),
                allow_methods=["GET", "POST"],
                allow_headers=["Authorization", "Content-Type"],
                max_age=600,
            )
        )
    app = Starlette(
        routes=[
            Route("/search", search, methods=["GET"]),
            Route("/articles/{article_id:path}", article, methods=["GET"]),
            Route("/healthz", healthz, methods=["GET"]),
            Route("/events", post_events, methods=["POST"]),
        ],
        middleware=middleware,
        exception_handlers={
            ApiError: api_error,
            HTTPException: http_error,
            Exception: server_error,
        },
    )
    app.state.events = events
    return app


def open_event_store(path: Path | str) -> EventStore:
    """The event store for `kb api --events-db`, with a warning in the log if it cannot be written now.

    The API starts anyway: search does not need the file, and the store retries on every batch,
    so fixing the permissions is enough (no restart).
    """
    store = EventStore(path)
    if store.startup_problem is not None:
        log.warning(
            "usage events will not be stored until this is fixed (no restart needed): %s", store.startup_problem
        )
    return store


async def _read_capped(request: Any, limit: int) -> bytes:
    """The request body, refused with 413 as soon as it passes `limit` bytes (never read whole)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise ApiError(413, f"body is larger than {limit // 1024} KB")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ApiError(413, f"body is larger than {limit // 1024} KB")
        chunks.append(chunk)
    return b"".join(chunks)


def _int_param(value: str | None, name: str, *, default: int, low: int, high: int) -> int:
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ApiError(400, f"'{name}' must be a whole number") from None
    if not low <= number <= high:
        raise ApiError(400, f"'{name}' must be between {low} and {high}")
    return number


def make_server(app: Any, *, host: str, port: int) -> Any:
    """A uvicorn server for the app, quiet (no access log), ready for run() or a thread."""
    import uvicorn

    # A bounded graceful shutdown: SIGTERM or Ctrl+C stops the server even if a request hangs.
    config = uvicorn.Config(
        app, host=host, port=port, log_level="warning", access_log=False, lifespan="off",
        timeout_graceful_shutdown=SHUTDOWN_SECONDS,
    )
    return uvicorn.Server(config)


def serve(
    project: Project, *, settings: ApiSettings, host: str, port: int, index_dir: Path | None = None
) -> None:
    """Run the API until interrupted."""
    live = LiveIndex.for_project(
        project,
        index_dir=index_dir,
        refresh_every=settings.refresh_every,
        embeddings=settings.embeddings,
    )
    events = open_event_store(settings.events_db) if settings.events_db is not None else None
    live.start()
    try:
        server = make_server(create_app(live, settings, events=events), host=host, port=port)
        server.run()
    finally:
        live.stop()
        if events is not None:
            events.close()
    if not getattr(server, "started", True):
        raise KBError(
            f"could not listen on {host}:{port}",
            hint="is another program using that port? try --port",
        )
