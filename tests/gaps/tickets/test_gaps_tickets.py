"""Reading help-desk exports: every vendor format, flags, and bad input."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from supportkb.gaps.tickets.cleaning import clean_ticket
from supportkb.gaps.tickets.reader import ReadOptions, TicketImportError, parse_datetime, read_tickets

FIXTURES = Path(__file__).parent / "fixtures"
UTC = dt.timezone.utc


@pytest.mark.parametrize(
    ("name", "format_name", "ids", "first_text", "first_created", "first_tags", "first_priority"),
    [
        ("zendesk.csv", "zendesk-csv", ["4101", "4102", "4103"], "Export timesheet to PDF?",
         dt.datetime(2025, 3, 3, 9, 15, tzinfo=UTC), ("export", "pdf"), "normal"),
        ("zendesk.jsonl", "zendesk-json", ["501", "502"], "Can't log in",
         dt.datetime(2025, 2, 1, 8, 30, tzinfo=UTC), ("login", "password"), "high"),
        ("freshdesk.csv", "freshdesk-csv", ["7001", "7002"], "Change workspace currency",
         dt.datetime(2025, 4, 1, 9, 0, tzinfo=UTC), ("billing", "currency"), "medium"),
        ("jira.csv", "jira-csv", ["SUP-11", "SUP-12"], "Merge two workspaces",
         dt.datetime(2025, 3, 5, 14, 22, tzinfo=UTC), ("workspace", "merge"), "medium"),
        ("intercom.json", "intercom-json", ["1911149811", "1911149812"], "Does the mobile app track GPS location?",
         dt.datetime.fromtimestamp(1739440000, tz=UTC), ("mobile", "gps"), "priority"),
        ("intercom.csv", "intercom-csv", ["9001", "9002"], "How do I stop a recurring invoice?",
         dt.datetime(2025, 5, 1, 10, 0, tzinfo=UTC), ("invoicing", "recurring"), ""),
    ],
)
def test_vendor_exports_are_detected_and_read(name, format_name, ids, first_text, first_created, first_tags, first_priority):
    result = read_tickets(FIXTURES / name, clean=clean_ticket)
    assert result.format.name == format_name
    assert [t.id for t in result.tickets] == ids
    first = result.tickets[0]
    assert first.text.startswith(first_text)
    assert first.created == first_created
    assert first.tags == first_tags
    assert first.priority == first_priority
    assert result.skipped == ()


def test_zendesk_csv_rows_keep_their_own_line_numbers_across_multiline_cells():
    result = read_tickets(FIXTURES / "zendesk.csv")
    assert [t.line for t in result.tickets] == [2, 3, 7]


def test_zendesk_csv_is_cleaned_and_masked_on_the_way_in():
    refund = read_tickets(FIXTURES / "zendesk.csv", clean=clean_ticket).tickets[2]
    assert "4242" not in refund.text and "555-0132" not in refund.text
    assert "[card]" in refund.body and "[phone]" in refund.body
    sync = read_tickets(FIXTURES / "zendesk.csv", clean=clean_ticket).tickets[1]
    assert sync.subject == "Timer not syncing"
    assert "Could you tell us more" not in sync.body


def test_jira_repeated_label_columns_and_components_are_kept():
    result = read_tickets(FIXTURES / "jira.csv")
    assert result.tickets[0].kind == "Service Request"
    assert result.tickets[0].area == "Workspace"
    assert result.tickets[1].tags == ("api",)


def test_generic_jsonl_with_column_flags_skips_a_bad_line_with_its_number():
    options = ReadOptions(text_columns=("title", "message"), id_column="ticket", date_column="when")
    result = read_tickets(FIXTURES / "generic.jsonl", options)
    assert [t.id for t in result.tickets] == ["G-1", "G-2", "G-4"]
    assert result.tickets[0].text == "Where is the API rate limit documented?\nWe keep hitting 429."
    assert [(s.line, s.reason.split(":")[0]) for s in result.skipped] == [(3, "not valid JSON")]


def test_input_format_override_must_fit_the_file():
    with pytest.raises(TicketImportError, match="expects a JSON file"):
        read_tickets(FIXTURES / "zendesk.csv", ReadOptions(format="zendesk-json"))
    forced = read_tickets(FIXTURES / "zendesk.csv", ReadOptions(format="csv"))
    assert forced.format.name == "csv"
    assert [t.id for t in forced.tickets] == ["4101", "4102", "4103"]


def test_unknown_text_column_lists_the_columns_found(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("id,question\n1,How do I export?\n", encoding="utf-8")
    with pytest.raises(TicketImportError) as error:
        read_tickets(path, ReadOptions(text_columns=("body",)))
    assert "--text-column 'body' is not a column" in str(error.value)
    assert "'id', 'question'" in str(error.value)


def test_columns_without_any_text_column_ask_for_the_flag(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("ref,when,what\n1,2025-01-01,How do I export?\n", encoding="utf-8")
    with pytest.raises(TicketImportError, match="cannot tell which column holds the ticket text") as error:
        read_tickets(path)
    assert "--text-column" in str(error.value)
    result = read_tickets(path, ReadOptions(text_columns=("what",), id_column="ref", date_column="when"))
    assert result.tickets[0].subject == "How do I export?"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"   \n\n", "the file is empty"),
        (b"id,subject,body\n", "no tickets found: the file has a header but no rows"),
        (b"PK\x03\x04" + b"\x00" * 100, "ZIP or Excel"),
        (bytes(range(256)) * 40, "binary data"),
    ],
)
def test_unreadable_files_give_one_clear_error(tmp_path, content, message):
    path = tmp_path / "tickets.csv"
    path.write_bytes(content)
    with pytest.raises(TicketImportError, match=message):
        read_tickets(path)


def test_missing_file_is_a_user_error(tmp_path):
    with pytest.raises(TicketImportError, match="file not found"):
        read_tickets(tmp_path / "nope.csv")


def test_semicolon_delimited_export_is_read_with_a_note(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_text("id;subject;body\n1;Export to PDF;How?\n2;Currency;EUR please\n", encoding="utf-8")
    result = read_tickets(path)
    assert [t.subject for t in result.tickets] == ["Export to PDF", "Currency"]
    assert result.warnings == ("columns are separated by semicolons",)


def test_malformed_rows_are_skipped_with_line_numbers_and_the_rest_is_kept(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(
        "id,subject,body\n1,ok,fine\n2,too,many,fields,here\n3\n4,,\n5,also ok,\n1,duplicate,id\n",
        encoding="utf-8",
    )
    result = read_tickets(path)
    assert [t.id for t in result.tickets] == ["1", "5"]
    assert [(s.line, s.reason) for s in result.skipped] == [
        (3, "has 5 fields but the header has 3 (an unquoted commas?)"),
        (4, "has 1 fields but the header has 3"),
        (5, "no text in 'subject' / 'body'"),
        (7, "duplicate ticket id '1' (first on line 2)"),
    ]


def test_utf8_bom_and_cp1252_fallback_and_mixed_encodings(tmp_path):
    bom = tmp_path / "bom.csv"
    bom.write_bytes("id,subject\n1,Café crème\n".encode("utf-8-sig"))
    assert read_tickets(bom).tickets[0].subject == "Café crème"
    assert read_tickets(bom).columns == ("id", "subject")

    legacy = tmp_path / "cp1252.csv"
    legacy.write_bytes("id,subject\n1,Café – “quotes”\n".encode("cp1252"))
    result = read_tickets(legacy)
    assert result.tickets[0].subject == "Café – “quotes”"
    assert "cp1252" in result.warnings[0]

    mixed = tmp_path / "mixed.csv"
    mixed.write_bytes("id,subject\n1,Crème UTF-8\n".encode() + "2,Crème cp1252\n".encode("cp1252"))
    result = read_tickets(mixed)
    assert [t.subject for t in result.tickets] == ["Crème UTF-8", "Crème cp1252"]
    assert result.encoding == "utf-8 with cp1252 fallback"


def test_utf16_export_is_read(tmp_path):
    path = tmp_path / "u16.csv"
    path.write_bytes("id\tsubject\n1\tNaïve question\n".encode("utf-16"))
    assert read_tickets(path).tickets[0].subject == "Naïve question"


def test_one_megabyte_body_is_read_and_cut(tmp_path):
    path = tmp_path / "big.csv"
    body = "How do I export to PDF? " + "x" * 1_000_000
    path.write_text(f"id,subject,body\n1,Big,\"{body}\"\n2,Small,ok\n", encoding="utf-8")
    result = read_tickets(path, clean=clean_ticket)
    assert [t.id for t in result.tickets] == ["1", "2"]
    assert len(result.tickets[0].body) < 10_000
    assert any("cut" in w for w in result.warnings)


def test_binary_junk_inside_a_row_does_not_stop_the_import(tmp_path):
    path = tmp_path / "junk.csv"
    path.write_bytes(b"id,subject\n1,hello\x00\x01\x02world\n2,fine\n")
    result = read_tickets(path, clean=clean_ticket)
    assert [t.id for t in result.tickets] == ["1", "2"]
    assert "\x00" not in result.tickets[0].subject


def test_json_document_with_ticket_list_is_read(tmp_path):
    path = tmp_path / "export.json"
    path.write_text(json.dumps({"tickets": [
        {"id": 1, "subject": "A", "description": "first", "via": {"channel": "web"}, "created_at": "2025-01-01T00:00:00Z"},
        {"id": 2, "subject": "B", "description": "second", "via": {"channel": "web"}, "created_at": "2025-01-02T00:00:00Z"},
    ]}), encoding="utf-8")
    result = read_tickets(path)
    assert result.format.name == "zendesk-json"
    assert [t.id for t in result.tickets] == ["1", "2"]


def test_broken_json_document_points_at_the_line(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('[\n{"id": 1, "subject": "a"},\n{"id": 2 "subject": "b"}\n]\n', encoding="utf-8")
    with pytest.raises(TicketImportError) as error:
        read_tickets(path)
    assert error.value.line == 3


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-03-05T14:22:10Z", dt.datetime(2025, 3, 5, 14, 22, 10, tzinfo=UTC)),
        ("2025-03-05 14:22", dt.datetime(2025, 3, 5, 14, 22, tzinfo=UTC)),
        ("05/Mar/25 2:22 PM", dt.datetime(2025, 3, 5, 14, 22, tzinfo=UTC)),
        ("03/05/2025 14:22", dt.datetime(2025, 3, 5, 14, 22, tzinfo=UTC)),
        ("1741184530", dt.datetime(2025, 3, 5, 14, 22, 10, tzinfo=UTC)),
        ("2025-03-05T15:22:10+01:00", dt.datetime(2025, 3, 5, 14, 22, 10, tzinfo=UTC)),
        ("next tuesday", None),
        ("", None),
    ],
)
def test_dates_as_help_desks_write_them(text, expected):
    assert parse_datetime(text) == expected
