"""Links to help-center pages in tickets, agents' replies and comments, as the reader finds them."""

from __future__ import annotations

import json

import pytest

from supportkb.gaps.tickets.links import MAX_LINKS, find_links
from supportkb.gaps.tickets.reader import ReadOptions, read_tickets


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        ("See https://help.example.com/a/1042/#refunds.", ("https://help.example.com/a/1042/#refunds",)),
        ('<p>Try <a href="https://acme.zendesk.com/hc/en-us/articles/360001-Refunds">this</a></p>',
         ("https://acme.zendesk.com/hc/en-us/articles/360001-Refunds",)),
        ("It is explained at /billing/refunds/ (step 2)", ("/billing/refunds/",)),
        ("the file billing/refunds.md says so", ("billing/refunds.md",)),
        ("and/or $10/month, 24/7 support </a>", ()),
        ("no links at all", ()),
        ("", ()),
    ],
)
def test_find_links(text, expect):
    assert find_links(text) == expect


def test_find_links_caps_a_reply_full_of_links():
    text = " ".join(f"https://help.example.com/a/{n}/" for n in range(500))
    assert len(find_links(text)) == MAX_LINKS


def test_find_links_in_a_megabyte_body_is_quick_and_bounded():
    body = ("word " * 250_000) + " https://help.example.com/a/9/"
    assert find_links(body) == ()  # Beyond MAX_SCAN_CHARS: the question and its answer sit at the top.


def test_csv_agent_reply_column_is_read_for_links(tmp_path):
    export = tmp_path / "tickets.csv"
    export.write_text(
        "id,subject,body,agent_reply\n"
        '1,Charged twice,I see two charges,"Hi! Here is how: https://help.example.com/a/1042/"\n'
        "2,Dark mode?,Is there a dark mode,\n",
        encoding="utf-8",
    )
    tickets = read_tickets(export, ReadOptions()).tickets
    assert tickets[0].links == ("https://help.example.com/a/1042/",)
    assert tickets[1].links == ()
    assert "help.example.com" not in tickets[0].text  # The reply is evidence, not the customer's question.


def test_zendesk_json_comments_are_read_for_links_even_if_the_first_ticket_has_none(tmp_path):
    export = tmp_path / "zendesk.json"
    records = [
        {"id": 1, "subject": "Dark mode", "description": "Is there one?", "via": {"channel": "web"}, "created_at": "2025-01-01T00:00:00Z"},
        {"id": 2, "subject": "Refund", "description": "Charged twice", "via": {"channel": "web"}, "created_at": "2025-01-02T00:00:00Z",
         "comments": [{"body": "Charged twice"}, {"html_body": '<p>See <a href="https://help.example.com/billing/refunds/">refunds</a></p>'}]},
    ]
    export.write_text(json.dumps({"tickets": records}), encoding="utf-8")
    imported = read_tickets(export, ReadOptions())
    assert imported.format.name == "zendesk-json"
    assert [t.links for t in imported.tickets] == [(), ("https://help.example.com/billing/refunds/",)]


def test_intercom_conversation_parts_are_read_for_links(tmp_path):
    export = tmp_path / "intercom.json"
    conversation = {
        "type": "conversation", "id": "77", "created_at": 1739440000,
        "source": {"type": "conversation", "subject": "", "body": "<p>How do I get a refund?</p>"},
        "conversation_parts": {"type": "conversation_part.list", "conversation_parts": [
            {"part_type": "comment", "body": "<p>Sure: https://acme.intercom.help/en/articles/5501-refunds</p>"},
        ]},
    }
    export.write_text(json.dumps({"type": "conversation.list", "conversations": [conversation]}), encoding="utf-8")
    imported = read_tickets(export, ReadOptions())
    assert imported.format.name == "intercom-json"
    assert imported.tickets[0].links == ("https://acme.intercom.help/en/articles/5501-refunds",)
