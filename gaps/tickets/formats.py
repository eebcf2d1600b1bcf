"""Help-desk export formats: how to recognise each from its columns and which fields to read."""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class TicketFormat:
    """One export format: the columns that identify it and where each ticket field lives."""

    name: str
    """Value of --format, e.g. 'zendesk-csv'."""
    title: str
    container: str
    """'csv' or 'json' (JSON Lines or one JSON document)."""
    signature: tuple[frozenset[str], ...] = ()
    """The format matches when the normalised header holds every name of any one of these sets."""
    id: tuple[str, ...] = ()
    subject: tuple[str, ...] = ()
    body: tuple[str, ...] = ()
    created: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    priority: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    kind: tuple[str, ...] = ()
    """Vendor's ticket type (Freshdesk Type, Jira Issue Type): a hint for the case type."""
    area: tuple[str, ...] = ()
    """Vendor's product grouping (Jira Components): a hint for the product area."""
    replies: tuple[str, ...] = ()
    """Agents' replies, comments and linked articles: read only for links to help-center pages."""


def normalise_column(name: str) -> str:
    """'Created_At ' -> 'created at': how column names are compared."""
    return " ".join(name.replace("_", " ").replace("\ufeff", "").strip().lower().split())


_GENERIC_ID = ("id", "ticket id", "ticket number", "number", "key", "conversation id", "issue key")
_GENERIC_SUBJECT = ("subject", "title", "summary", "question", "topic")
_GENERIC_BODY = ("body", "description", "message", "text", "content", "comment", "first message", "details")
_GENERIC_CREATED = ("created at", "created", "created time", "date", "timestamp", "created on", "opened at", "time")
_GENERIC_TAGS = ("tags", "labels", "tag", "label")
_GENERIC_PRIORITY = ("priority", "severity", "urgency")
_GENERIC_STATUS = ("status", "state")
_GENERIC_KIND = ("type", "ticket type", "issue type", "category")
_GENERIC_REPLIES = (
    "agent reply", "agent replies", "reply", "replies", "response", "responses", "public reply", "last agent reply",
    "comments", "comment", "public comments", "internal note", "internal notes", "notes",
    "linked articles", "linked article", "article links", "articles", "links", "help center links", "kb links",
    "resolution", "solution",
)
"""Columns that may hold an agent's answer; every one present is searched for links."""

ZENDESK_CSV = TicketFormat(
    name="zendesk-csv",
    title="Zendesk CSV export",
    container="csv",
    signature=(
        frozenset({"id", "subject", "requester"}),
        frozenset({"id", "subject", "ticket type"}),
        frozenset({"id", "subject", "via", "created at"}),
    ),
    id=("id",),
    subject=("subject",),
    body=("description",),
    created=("created at",),
    tags=("tags",),
    priority=("priority",),
    status=("status",),
    kind=("ticket type",),
    replies=_GENERIC_REPLIES,
)

FRESHDESK_CSV = TicketFormat(
    name="freshdesk-csv",
    title="Freshdesk CSV export",
    container="csv",
    signature=(frozenset({"ticket id", "subject", "created time"}), frozenset({"ticket id", "subject", "description"})),
    id=("ticket id",),
    subject=("subject",),
    body=("description",),
    created=("created time",),
    tags=("tags",),
    priority=("priority",),
    status=("status",),
    kind=("type",),
    replies=_GENERIC_REPLIES,
)

JIRA_CSV = TicketFormat(
    name="jira-csv",
    title="Jira / Jira Service Management CSV export",
    container="csv",
    signature=(frozenset({"issue key", "summary"}),),
    id=("issue key",),
    subject=("summary",),
    body=("description",),
    created=("created",),
    tags=("labels",),
    priority=("priority",),
    status=("status",),
    kind=("issue type", "request type", "customer request type"),
    area=("component/s", "components"),
    replies=("comment", "comments", "resolution") + _GENERIC_REPLIES,
)

INTERCOM_CSV = TicketFormat(
    name="intercom-csv",
    title="Intercom conversations CSV export",
    container="csv",
    signature=(frozenset({"conversation id"}),),
    id=("conversation id",),
    subject=("conversation subject", "subject", "title"),
    body=("first message", "conversation first message", "initial message", "conversation body", "body", "message"),
    created=("conversation started at", "created at", "started at"),
    tags=("conversation tags", "tags"),
    priority=("priority",),
    status=("state", "status", "conversation state"),
    replies=("conversation parts", "last admin reply", "admin reply") + _GENERIC_REPLIES,
)

ZENDESK_JSON = TicketFormat(
    name="zendesk-json",
    title="Zendesk JSON ticket export",
    container="json",
    signature=(frozenset({"id", "subject", "description", "via"}), frozenset({"id", "subject", "description", "requester id"})),
    id=("id",),
    subject=("subject", "raw subject"),
    body=("description",),
    created=("created at",),
    tags=("tags",),
    priority=("priority",),
    status=("status",),
    kind=("type",),
    # Zendesk's ticket export with comments (the Ticket Comments API's `comments` list).
    replies=("comments.body", "comments.html body", "comments.plain body", "linked articles", "linked articles.url",
             "linked articles.html url") + _GENERIC_REPLIES,
)

INTERCOM_JSON = TicketFormat(
    name="intercom-json",
    title="Intercom conversations JSON export",
    container="json",
    signature=(frozenset({"id", "source", "conversation parts"}), frozenset({"type", "id", "source", "created at"})),
    id=("id",),
    subject=("source.subject", "title"),
    body=("source.body",),
    created=("created at",),
    tags=("tags.tags.name", "tags"),
    priority=("priority",),
    status=("state",),
    # Intercom's conversation parts: each admin reply or note is one part with a `body`.
    replies=("conversation parts.conversation parts.body", "conversation parts.body") + _GENERIC_REPLIES,
)

GENERIC_CSV = TicketFormat(
    name="csv",
    title="CSV",
    container="csv",
    id=_GENERIC_ID,
    subject=_GENERIC_SUBJECT,
    body=_GENERIC_BODY,
    created=_GENERIC_CREATED,
    tags=_GENERIC_TAGS,
    priority=_GENERIC_PRIORITY,
    status=_GENERIC_STATUS,
    kind=_GENERIC_KIND,
    replies=_GENERIC_REPLIES,
)

GENERIC_JSONL = replace(GENERIC_CSV, name="jsonl", title="JSON Lines", container="json")

FORMATS: tuple[TicketFormat, ...] = (
    ZENDESK_CSV, FRESHDESK_CSV, JIRA_CSV, INTERCOM_CSV, ZENDESK_JSON, INTERCOM_JSON, GENERIC_CSV, GENERIC_JSONL,
)
FORMAT_NAMES: tuple[str, ...] = tuple(f.name for f in FORMATS)


def format_named(name: str) -> TicketFormat:
    for ticket_format in FORMATS:
        if ticket_format.name == name:
            return ticket_format
    raise KeyError(name)


def detect_format(columns: list[str], *, container: str) -> TicketFormat:
    """The vendor format whose signature the normalised columns carry, else the generic one."""
    present = {normalise_column(c) for c in columns}
    for ticket_format in FORMATS:
        if ticket_format.container != container:
            continue
        if any(signature <= present for signature in ticket_format.signature):
            return ticket_format
    return GENERIC_CSV if container == "csv" else GENERIC_JSONL
