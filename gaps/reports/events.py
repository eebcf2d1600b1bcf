"""Usage events read back for reports: the help site's searches, clicks, views and votes.

The API writes them (supportkb.search.events validates, masks and stores them); the reports that
read them live here, beside this reader. The file is always opened read-only.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from supportkb.search.events import Event, EventStoreError, connect_events_db, storage_error


@dataclass(frozen=True)
class StoredEvent:
    """An event read back for reports."""

    received: dt.datetime
    event: Event


def read_events(path: Path | str, *, since: dt.date | None = None, until: dt.date | None = None) -> tuple[StoredEvent, ...]:
    """All events (optionally received in [since, until]), oldest first; the file is opened read-only."""
    if not str(path).startswith("file:") and not Path(path).is_file():
        raise EventStoreError("event database not found", path=Path(path), hint="pass the file given to kb api --events-db")
    try:
        db = connect_events_db(path, read_only=True)
        try:
            clauses, params = [], []
            if since is not None:
                clauses.append("received >= ?")
                params.append(since.isoformat())
            if until is not None:
                clauses.append("received < ?")
                params.append((until + dt.timedelta(days=1)).isoformat())
            where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
            rows = db.execute(
                "SELECT received, type, page, article_id, query, results, search_id, target, rank, helpful, session"
                f" FROM events{where} ORDER BY id",
                params,
            ).fetchall()
        finally:
            db.close()
    except sqlite3.Error as exc:
        raise storage_error(exc, path) from exc
    return tuple(
        StoredEvent(
            dt.datetime.strptime(r[0], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc),
            Event(r[1], page=r[2], article_id=r[3], query=r[4], results=r[5], search_id=r[6], target=r[7], rank=r[8],
                  helpful=None if r[9] is None else bool(r[9]), session=r[10]),
        )
        for r in rows
    )
