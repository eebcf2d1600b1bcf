"""Read help-desk ticket exports (CSV, JSON Lines, JSON) row by row into Tickets."""

from __future__ import annotations

import codecs
import contextvars
import csv
import datetime as dt
import io
import json
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, BinaryIO

from supportkb.gaps.tickets.formats import (
    FORMAT_NAMES,
    GENERIC_CSV,
    GENERIC_JSONL,
    TicketFormat,
    detect_format,
    format_named,
    normalise_column,
)
from supportkb.gaps.tickets.links import find_links
from supportkb.generator.core.errors import KBError
from supportkb.generator.core.json_input import JSONNestingError, parse_json

MAX_FIELD_CHARS = 200_000
"""Longer fields are cut here before cleaning; a ticket's question is in its first pages."""
MAX_HEADER_CHARS = 1_000_000
"""A CSV header longer than this is not a header (Jira's widest exports are tens of KB)."""
MAX_QUOTED_CHARS = 200
"""The most of one value from the file that a message or skip reason repeats."""
MAX_NESTING = 16
"""Levels of JSON objects and lists read into fields; real exports nest three or four."""
PROGRESS_EVERY = 2_000


class TicketImportError(KBError):
    """A ticket export cannot be read at all."""


def quoted(value: object, limit: int = MAX_QUOTED_CHARS) -> str:
    """repr() of a value from the file, cut to `limit` characters: a message never repeats a whole file."""
    text = str(value)
    return repr(text) if len(text) <= limit else repr(text[:limit]) + "…"


def _column_list(columns: list[str], limit: int = 3 * MAX_QUOTED_CHARS) -> str:
    """'a', 'b', … and N more: the columns a hint names, at most about `limit` characters."""
    shown: list[str] = []
    used = 0
    for column in columns:
        name = quoted(column, 60)
        if shown and used + len(name) > limit:
            return ", ".join(shown) + f" … and {len(columns) - len(shown):,} more"
        shown.append(name)
        used += len(name) + 2
    return ", ".join(shown)


@dataclass(frozen=True)
class Ticket:
    """One customer ticket as the gap analyser sees it."""

    id: str
    subject: str
    body: str = ""
    created: dt.datetime | None = None
    """Timezone-aware (UTC when the export gives no zone)."""
    tags: tuple[str, ...] = ()
    priority: str = ""
    status: str = ""
    kind: str = ""
    """The help desk's ticket type (Freshdesk Type, Jira Issue Type), if any."""
    area: str = ""
    """The help desk's product grouping (Jira Components), if any."""
    links: tuple[str, ...] = ()
    """References to help-center pages in the ticket, its agents' replies or comments, as written
    (see gaps/tickets/links.py); gap analysis counts a linked article as the ticket's answer."""
    line: int = 0
    """1-based line (CSV, JSON Lines) or record number (JSON document) in the export."""

    @property
    def text(self) -> str:
        """Subject and body as one text."""
        if self.subject and self.body:
            return f"{self.subject}\n{self.body}"
        return self.subject or self.body


@dataclass(frozen=True)
class SkippedRow:
    """A row that could not be read as a ticket, and why."""

    line: int
    reason: str

    def format(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass(frozen=True)
class ReadOptions:
    """How to read an export: --format, --text-column, --id-column, --date-column."""

    format: str | None = None
    text_columns: tuple[str, ...] = ()
    id_column: str | None = None
    date_column: str | None = None


@dataclass(frozen=True)
class TicketImport:
    """What read_tickets found in one export."""

    path: Path
    format: TicketFormat
    encoding: str
    columns: tuple[str, ...]
    tickets: tuple[Ticket, ...]
    skipped: tuple[SkippedRow, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def tickets_read(self) -> int:
        return len(self.tickets)

    @property
    def tickets_skipped(self) -> int:
        return len(self.skipped)


@dataclass
class _Log:
    """Mutable tallies while a file streams past."""

    skipped: list[SkippedRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    truncated: int = 0
    bad_dates: int = 0


# --- encodings ------------------------------------------------------------------------------

_fallback_count: contextvars.ContextVar[list[int]] = contextvars.ContextVar("fallback_count")


def _cp1252_fallback(error: UnicodeError) -> tuple[str, int]:
    """Decode bytes that are not UTF-8 as Windows-1252, the usual culprit in mixed exports."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start : error.end]
    counter = _fallback_count.get(None)
    if counter is not None:
        counter[0] += 1
    return bad.decode("cp1252", errors="replace") if bad not in _CP1252_HOLES else bad.decode("latin-1"), error.end


_CP1252_HOLES = {b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d"}
codecs.register_error("supportkb-cp1252", _cp1252_fallback)


def _sniff_encoding(head: bytes) -> str:
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return "utf-8-sig"


def _check_not_binary(path: Path, head: bytes, encoding: str) -> None:
    if not head.strip():
        raise TicketImportError("the file is empty", path=path, hint="export the tickets again; the file has no rows")
    if head.startswith(b"PK\x03\x04"):
        raise TicketImportError(
            "this is a ZIP or Excel (.xlsx) file, not CSV or JSON",
            path=path,
            hint="open it in your spreadsheet app and save as 'CSV UTF-8', or unzip it first",
        )
    control = sum(1 for byte in head if byte < 9 or 13 < byte < 32) if encoding != "utf-16" else 0
    if head.startswith(b"%PDF") or control > max(16, len(head) // 50):
        raise TicketImportError(
            "the file looks like binary data, not a ticket export",
            path=path,
            hint="export the tickets as CSV or JSON Lines from your help desk",
        )


class _CountingReader(io.RawIOBase):
    """Wraps a binary file and reports how many bytes were read, for progress."""

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self.done = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._raw.read(len(buffer))
        buffer[: len(data)] = data
        self.done += len(data)
        return len(data)

    def seekable(self) -> bool:
        return self._raw.seekable()

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        """Lets a JSON document be read again from the start instead of copied (see _iter_json)."""
        self.done = self._raw.seek(offset, whence)
        return self.done

    def tell(self) -> int:
        return self._raw.tell()


# --- dates ----------------------------------------------------------------------------------

_DATE_FORMATS = (
    "%d/%b/%y %I:%M %p",  # Jira: 05/Mar/24 2:22 PM
    "%d/%b/%Y %I:%M %p",
    "%d/%b/%y %H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
    "%a, %d %b %Y %H:%M:%S %z",
    "%d %b %Y %H:%M",
    "%d %b %Y",
    "%b %d, %Y %I:%M %p",
    "%b %d, %Y",
)
_TRAILING_ZONE = re.compile(r"\s+(UTC|GMT|Z)$", re.IGNORECASE)


def parse_datetime(value: Any) -> dt.datetime | None:
    """A date or time as help desks export it -> aware datetime (UTC if no zone); None if unreadable."""
    if value is None or isinstance(value, (bool, list, dict)):
        return None
    if isinstance(value, (int, float)):
        return _from_epoch(float(value))
    text = str(value).strip()
    if not text:
        return None
    if re.fullmatch(r"\d{9,13}(\.\d+)?", text):
        return _from_epoch(float(text))
    text = _TRAILING_ZONE.sub("", text)
    parsed: dt.datetime | None = None
    try:
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    except ValueError:
        for pattern in _DATE_FORMATS:
            try:
                parsed = dt.datetime.strptime(text, pattern)
                break
            except ValueError:
                continue
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.timezone.utc)
    return parsed.astimezone(dt.timezone.utc)


def _from_epoch(seconds: float) -> dt.datetime | None:
    if seconds > 1e11:  # Milliseconds.
        seconds /= 1000
    try:
        return dt.datetime.fromtimestamp(seconds, tz=dt.timezone.utc)
    except (OverflowError, OSError, ValueError):
        return None


# --- field resolution -----------------------------------------------------------------------


@dataclass(frozen=True)
class _FieldPlan:
    """Which (normalised) columns feed each ticket field."""

    id: str | None
    text: tuple[str, ...]
    subject: str | None
    body: str | None
    created: str | None
    tags: str | None
    priority: str | None
    status: str | None
    kind: str | None
    area: str | None
    replies: tuple[str, ...] = ()
    """Every column that may hold an agent's reply or a linked article (searched for links only)."""


def _first_present(candidates: tuple[str, ...], present: dict[str, str]) -> str | None:
    for candidate in candidates:
        if candidate in present:
            return candidate
    return None


def _resolve(user_name: str, present: dict[str, str], columns: list[str], path: Path, flag: str) -> str:
    key = normalise_column(user_name)
    if key in present:
        return key
    raise TicketImportError(
        f"{flag} {quoted(user_name)} is not a column of this file",
        path=path,
        hint=f"columns found: {_column_list(columns)}",
    )


def _plan_fields(
    ticket_format: TicketFormat, columns: list[str], options: ReadOptions, path: Path
) -> _FieldPlan:
    """Match the format's field names and the user's flags against the columns found."""
    present = {normalise_column(c): c for c in columns}
    subject: str | None
    body: str | None
    if options.text_columns:
        text = tuple(_resolve(name, present, columns, path, "--text-column") for name in options.text_columns)
        subject, body = text[0], (text[1] if len(text) > 1 else None)
    else:
        subject = _first_present(ticket_format.subject, present)
        body = _first_present(ticket_format.body, present)
        if subject is None and body is None and ticket_format is not GENERIC_CSV and ticket_format is not GENERIC_JSONL:
            generic = GENERIC_CSV if ticket_format.container == "csv" else GENERIC_JSONL
            subject = _first_present(generic.subject, present)
            body = _first_present(generic.body, present)
        text = tuple(name for name in (subject, body) if name)
    if not text:
        raise TicketImportError(
            "cannot tell which column holds the ticket text",
            path=path,
            hint=(
                f"columns found: {_column_list(columns) or '(none)'}; "
                "name it with --text-column COLUMN (repeat for subject and body)"
                + ("; if all the names sit in one column, the file may use another delimiter" if len(columns) == 1 else "")
            ),
        )
    id_key = (
        _resolve(options.id_column, present, columns, path, "--id-column")
        if options.id_column
        else _first_present(ticket_format.id, present)
    )
    created = (
        _resolve(options.date_column, present, columns, path, "--date-column")
        if options.date_column
        else _first_present(ticket_format.created, present)
    )
    return _FieldPlan(
        id=id_key,
        text=text,
        subject=subject,
        body=body,
        created=created,
        tags=_first_present(ticket_format.tags, present),
        priority=_first_present(ticket_format.priority, present),
        status=_first_present(ticket_format.status, present),
        kind=_first_present(ticket_format.kind, present),
        area=_first_present(ticket_format.area, present),
        # JSON records differ in their keys (the first may have no comments yet): look for all of them.
        replies=tuple(
            name for name in dict.fromkeys(ticket_format.replies)
            if (name in present or ticket_format.container == "json") and name not in text
        ),
    )


def _as_text(value: Any, depth: int = 0) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        if depth >= MAX_NESTING:
            return ""  # Lists of lists hundreds deep are hostile, not text: don't recurse into them.
        return ", ".join(_as_text(v, depth + 1) for v in value if v not in (None, ""))
    if isinstance(value, dict):
        return _as_text(value.get("name") or value.get("value") or "", depth + 1) if depth < MAX_NESTING else ""
    return str(value).replace("\x00", "").strip()


def _split_tags(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, (list, dict)):
        items = [_as_text(v) for v in value] if isinstance(value, list) else [_as_text(value)]
    else:
        text = str(value)
        # Zendesk separates tags with spaces; other desks with commas, semicolons or pipes.
        items = re.split(r"[,;|]", text) if re.search(r"[,;|]", text) else text.split()
    return tuple(dict.fromkeys(t.strip().lower() for t in items if t and t.strip()))


def _make_ticket(
    get: Callable[[str | None], Any], plan: _FieldPlan, line: int, log: _Log
) -> Ticket | SkippedRow:
    """Build one ticket from a row through `get(column) -> value`, or say why it is skipped."""
    ticket_id = _as_text(get(plan.id)) if plan.id else f"line-{line}"
    if not ticket_id:
        return SkippedRow(line, f"no ticket id in column {quoted(plan.id)}")
    parts = []
    for column in plan.text:
        value = _as_text(get(column))
        if len(value) > MAX_FIELD_CHARS:
            value = value[:MAX_FIELD_CHARS]
            log.truncated += 1
        parts.append(value)
    subject = parts[0] if parts else ""
    body = "\n".join(p for p in parts[1:] if p)
    if not subject.strip() and not body.strip():
        return SkippedRow(line, f"no text in {' / '.join(quoted(c, 60) for c in plan.text)}")
    links = find_links(*parts, *(_as_text(get(column)) for column in plan.replies)) if plan.replies else find_links(*parts)
    created = None
    if plan.created:
        raw_date = get(plan.created)
        created = parse_datetime(raw_date)
        if created is None and _as_text(raw_date):
            log.bad_dates += 1
    return Ticket(
        id=ticket_id[:200],
        subject=subject,
        body=body,
        created=created,
        tags=_split_tags(get(plan.tags)) if plan.tags else (),
        priority=_as_text(get(plan.priority)).lower() if plan.priority else "",
        status=_as_text(get(plan.status)).lower() if plan.status else "",
        kind=_as_text(get(plan.kind)) if plan.kind else "",
        area=_as_text(get(plan.area)) if plan.area else "",
        links=links,
        line=line,
    )


# --- CSV ------------------------------------------------------------------------------------

_DELIMITERS = (",", ";", "\t", "|")


def _sniff_delimiter(header_line: str, suffix: str) -> str:
    """The delimiter the header row uses most outside quotes (comma when in doubt)."""
    if suffix in (".tsv", ".tab"):
        return "\t"
    outside = re.sub(r'"[^"]*"', "", header_line)
    counts = {d: outside.count(d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _iter_csv(
    path: Path, text: io.TextIOBase, options: ReadOptions, log: _Log, meta: dict[str, Any]
) -> Iterator[Ticket]:
    # The header is read with a cap: a file with no line breaks would otherwise be read whole
    # as "the header" and every column name repeated in the error (issue 13: 50 MB, 800 MB peak).
    first, number = text.readline(MAX_HEADER_CHARS + 1), 1
    while first and not first.strip():
        first, number = text.readline(MAX_HEADER_CHARS + 1), number + (first[-1:] in "\r\n")
    if not first:
        raise TicketImportError("the file is empty", path=path, hint="export the tickets again; the file has no rows")
    if len(first) > MAX_HEADER_CHARS:
        raise TicketImportError(
            f"the first row is over {MAX_HEADER_CHARS:,} characters long, too long for a CSV header",
            path=path,
            line=number if number > 1 else None,
            hint="a ticket export starts with one row of column names; check that this is the right file and that it has line breaks",
        )
    delimiter = _sniff_delimiter(first, path.suffix.lower())
    rest_reader = csv.reader(_chain_first(first, text), delimiter=delimiter)
    header = next(rest_reader)
    columns = [c.replace("\ufeff", "").strip() for c in header]
    meta["columns"] = columns
    if delimiter != ",":
        log.warnings.append(f"columns are separated by {_DELIMITER_NAMES[delimiter]}")
    ticket_format = _choose_format(options, columns, "csv", path)
    meta["format"] = ticket_format
    plan = _plan_fields(ticket_format, columns, options, path)
    positions: dict[str, list[int]] = {}
    for index, name in enumerate(columns):
        positions.setdefault(normalise_column(name), []).append(index)
    width = len(columns)
    previous_end = [rest_reader.line_num]  # Last line of the previous record, read by _guarded too.
    for row in _guarded(rest_reader, log, lambda: previous_end[0]):
        start = previous_end[0] + 1
        previous_end[0] = rest_reader.line_num
        if not row or all(not cell.strip() for cell in row):
            continue  # Blank line.
        if len(row) > width and any(cell.strip() for cell in row[width:]):
            log.skipped.append(SkippedRow(start, f"has {len(row)} fields but the header has {width} (an unquoted {_DELIMITER_NAMES[delimiter]}?)"))
            continue
        if len(row) < width:
            log.skipped.append(SkippedRow(start, f"has {len(row)} fields but the header has {width}"))
            continue

        def get(column: str | None, row: list[str] = row) -> Any:
            if column is None:
                return None
            indices = positions.get(column, ())
            values = [row[i] for i in indices if row[i].strip()]
            return values[0] if len(values) == 1 else (values or "")

        result = _make_ticket(get, plan, start, log)
        if isinstance(result, SkippedRow):
            log.skipped.append(result)
        else:
            yield result


_DELIMITER_NAMES = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "pipes"}


def _chain_first(first: str, rest: io.TextIOBase) -> Iterator[str]:
    yield first
    yield from rest


def _guarded(reader: Any, log: _Log, where: Callable[[], int]) -> Iterator[list[str]]:
    """csv rows; a row the csv module rejects is skipped and reading goes on."""
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            log.skipped.append(SkippedRow(where() + 1, f"unreadable CSV: {exc}"))
            continue
        yield row


# --- JSON -----------------------------------------------------------------------------------

_RECORD_LISTS = ("tickets", "conversations", "issues", "data", "results", "records", "items")


def _flatten(record: dict[str, Any], prefix: str = "", out: dict[str, Any] | None = None, depth: int = 0) -> dict[str, Any]:
    """{'source': {'body': x}} -> {'source': ..., 'source.body': x}, keys normalised.

    Objects deeper than MAX_NESTING stay unflattened values: no format reads that deep, and
    recursing hundreds of levels (which the JSON parser allows) would overflow the stack.
    """
    out = {} if out is None else out
    for key, value in record.items():
        name = prefix + normalise_column(str(key))
        if depth >= MAX_NESTING:
            out[name] = value
        elif isinstance(value, dict):
            out[name] = value
            _flatten(value, name + ".", out, depth + 1)
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            out[name] = value
            merged: dict[str, list[Any]] = {}
            for item in value:
                for sub_key, sub_value in _flatten(item, depth=depth + 1).items():
                    merged.setdefault(sub_key, []).append(sub_value)
            for sub_key, values in merged.items():
                out[f"{name}.{sub_key}"] = values
        else:
            out[name] = value
    return out


def _iter_json(
    path: Path, text: io.TextIOBase, options: ReadOptions, log: _Log, meta: dict[str, Any]
) -> Iterator[Ticket]:
    head, blank_lines = text.read(1), 0
    while head and head.isspace():
        blank_lines += head == "\n"
        head = text.read(1)
    if not head:
        raise TicketImportError("the file is empty", path=path, hint="export the tickets again; the file has no rows")
    records: Iterator[tuple[int, Any]]
    if head == "[":
        records = _records_of(path, _parse_document(path, _reread(text)))
    else:
        number = blank_lines + 1
        first_line = head + text.readline()
        try:
            first_value, is_lines = parse_json(first_line), True
        except json.JSONDecodeError as exc:
            if not text.read(1):  # The file is this one line: its error is the document's.
                raise _not_json(path, exc, line=number + exc.lineno - 1) from None
            first_value, is_lines = None, False
        except JSONNestingError as exc:
            raise _too_deep(path, exc, line=number) from None
        first_line = ""  # Free it before a whole document is read again.
        if is_lines and isinstance(first_value, dict) and any(
            isinstance(first_value.get(k), list) for k in _RECORD_LISTS
        ) and not _looks_like_ticket(first_value):
            records = _records_of(path, first_value)  # One document on one line, already parsed.
        elif is_lines:
            records = _json_lines(path, number, first_value, text, log)
        else:
            records = _records_of(path, _parse_document(path, _reread(text)))
    plan: _FieldPlan | None = None
    for line, record in records:
        if not isinstance(record, dict):
            log.skipped.append(SkippedRow(line, f"expected a JSON object, found {type(record).__name__}"))
            continue
        flat = _flatten(record)
        if plan is None:
            columns = list(flat)
            meta["columns"] = columns
            ticket_format = _choose_format(options, columns, "json", path)
            meta["format"] = ticket_format
            plan = _plan_fields(ticket_format, columns, options, path)

        def get(column: str | None, flat: dict[str, Any] = flat) -> Any:
            return None if column is None else flat.get(column)

        result = _make_ticket(get, plan, line, log)
        if isinstance(result, SkippedRow):
            log.skipped.append(result)
        else:
            yield result


def _looks_like_ticket(record: dict[str, Any]) -> bool:
    keys = {normalise_column(k) for k in record}
    return "id" in keys and bool(keys & {"subject", "description", "body", "source"})


def _json_lines(path: Path, number: int, first_value: Any, rest: io.TextIOBase, log: _Log) -> Iterator[tuple[int, Any]]:
    """JSON Lines records, streamed; the first line (number `number`) is already parsed."""
    yield number, first_value
    for number, line in enumerate(rest, start=number + 1):
        if not line.strip():
            continue
        try:
            yield number, parse_json(line)
        except json.JSONDecodeError as exc:
            log.skipped.append(SkippedRow(number, f"not valid JSON: {exc.msg} (column {exc.colno})"))
        except JSONNestingError as exc:
            raise _too_deep(path, exc, line=number) from None


def _reread(text: io.TextIOBase) -> str:
    """The whole file from its start, read once: a document is parsed whole but never copied."""
    text.seek(0)
    return text.read()


def _parse_document(path: Path, document: str) -> Any:
    try:
        return parse_json(document)
    except json.JSONDecodeError as exc:
        raise _not_json(path, exc, line=exc.lineno) from None
    except JSONNestingError as exc:
        raise _too_deep(path, exc) from None


def _not_json(path: Path, exc: json.JSONDecodeError, *, line: int) -> TicketImportError:
    return TicketImportError(
        f"not valid JSON: {exc.msg}", path=path, line=line, hint="export JSON Lines (one ticket per line) or fix the file"
    )


def _too_deep(path: Path, exc: JSONNestingError, *, line: int | None = None) -> TicketImportError:
    return TicketImportError(
        str(exc), path=path, line=line, hint="this is not a help-desk export; export the tickets again as CSV, JSON or JSON Lines"
    )


def _records_of(path: Path, data: Any) -> Iterator[tuple[int, Any]]:
    """The ticket records of a parsed document: a list, or the list under 'tickets', 'data', ..."""
    if isinstance(data, dict):
        for key in _RECORD_LISTS:
            if isinstance(data.get(key), list):
                data = data[key]
                break
        else:
            data = [data]
    if not isinstance(data, list):
        raise TicketImportError("the JSON holds no list of tickets", path=path)
    # A whole document has no useful line numbers: rows are numbered by record.
    yield from enumerate(data, start=1)


# --- entry point ----------------------------------------------------------------------------


def _choose_format(options: ReadOptions, columns: list[str], container: str, path: Path) -> TicketFormat:
    if options.format is None:
        return detect_format(columns, container=container)
    return format_named(options.format)


def _container_of(path: Path, head: bytes, encoding: str, options: ReadOptions) -> str:
    start = head.decode(encoding, errors="ignore").lstrip("\ufeff \t\r\n")
    looks = "json" if start[:1] in ("{", "[") else "csv"
    if options.format is None:
        return "json" if path.suffix.lower() in (".json", ".jsonl", ".ndjson") else looks
    if options.format not in FORMAT_NAMES:
        raise TicketImportError(f"unknown format {options.format!r}", hint=f"choose one of: {', '.join(FORMAT_NAMES)}")
    wanted = format_named(options.format).container
    if wanted != looks:
        raise TicketImportError(
            f"--input-format {options.format} expects a {wanted.upper()} file, but this file looks like {looks.upper()}",
            path=path,
            hint="leave --input-format out to detect the format from the file",
        )
    return wanted


def read_tickets(
    path: Path | str,
    options: ReadOptions = ReadOptions(),
    *,
    clean: Callable[[Ticket], Ticket] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> TicketImport:
    """Read an export row by row; `clean` runs on each ticket as it is read (raw text is not kept).

    on_progress(bytes_read, bytes_total) is called every few thousand rows.
    """
    path = Path(path)
    if not path.is_file():
        raise TicketImportError("file not found" if not path.exists() else "not a file", path=path)
    size = path.stat().st_size
    log = _Log()
    meta: dict[str, Any] = {"columns": [], "format": GENERIC_CSV}
    tickets: list[Ticket] = []
    seen: dict[str, int] = {}
    counter = [0]
    token = _fallback_count.set(counter)
    try:
        with path.open("rb") as raw:
            head = raw.read(8192)
            encoding = _sniff_encoding(head)
            _check_not_binary(path, head, encoding)
            container = _container_of(path, head, encoding, options)
            raw.seek(0)
            counting = _CountingReader(raw)
            buffered = io.BufferedReader(counting, buffer_size=1 << 16)
            text = io.TextIOWrapper(buffered, encoding=encoding, errors="supportkb-cp1252", newline="")
            rows = (_iter_csv if container == "csv" else _iter_json)(path, text, options, log, meta)
            for ticket in rows:
                first_line = seen.get(ticket.id)
                if first_line is not None:
                    log.skipped.append(SkippedRow(ticket.line, f"duplicate ticket id {quoted(ticket.id)} (first on line {first_line})"))
                    continue
                seen[ticket.id] = ticket.line
                tickets.append(clean(ticket) if clean else ticket)
                if on_progress and len(tickets) % PROGRESS_EVERY == 0:
                    on_progress(counting.done, size)
            if on_progress:
                on_progress(size, size)
    except UnicodeError as exc:
        raise TicketImportError(f"cannot decode the file: {exc}", path=path, hint="save it as UTF-8") from exc
    except OSError as exc:
        raise TicketImportError(f"cannot read: {exc.strerror or exc}", path=path) from exc
    finally:
        _fallback_count.reset(token)
    warnings = list(log.warnings)
    if counter[0]:
        warnings.append(
            f"{counter[0]} byte sequence(s) were not UTF-8 and were read as Windows-1252 (cp1252); "
            "check accented letters in the report, or export as UTF-8"
        )
    if log.truncated:
        warnings.append(f"{log.truncated} very long field(s) were cut to {MAX_FIELD_CHARS:,} characters")
    if log.bad_dates:
        warnings.append(f"{log.bad_dates} ticket(s) have a date that could not be read; they count without a date")
    plan_id = any(t.id.startswith("line-") for t in tickets[:1])
    if plan_id:
        warnings.append("no ticket id column found; tickets are named by their line (line-N); pass --id-column")
    if not tickets and not log.skipped:
        columns = meta["columns"]
        raise TicketImportError(
            "no tickets found: the file has a header but no rows",
            path=path,
            hint=f"columns found: {_column_list(columns)}" if columns else None,
        )
    return TicketImport(
        path=path,
        format=meta["format"],
        encoding="utf-16" if encoding == "utf-16" else ("utf-8 with cp1252 fallback" if counter[0] else "utf-8"),
        columns=tuple(meta["columns"]),
        tickets=tuple(tickets),
        skipped=tuple(log.skipped),
        warnings=tuple(warnings),
    )


def with_text(ticket: Ticket, *, subject: str, body: str) -> Ticket:
    """The same ticket with new subject and body (used by cleaning)."""
    return replace(ticket, subject=subject, body=body)


csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
