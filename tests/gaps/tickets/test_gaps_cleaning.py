"""Cleaning keeps the customer's question and masks personal data."""

from __future__ import annotations

import pytest

from supportkb.gaps.tickets.cleaning import clean_body, clean_subject, mask_personal_data


def test_html_email_keeps_the_question_and_drops_quote_and_signature():
    body = (
        "<html><body><p>Hi team,</p><p>I hope you are well. How do I <b>export</b> my timesheet to PDF?</p>"
        "<p>Thanks,<br>Ana Lima<br>Acme Ltd</p>"
        '<div class="gmail_quote">On Mon, 3 Mar 2025, Support wrote:<blockquote>old reply</blockquote></div>'
        "<script>alert(1)</script></body></html>"
    )
    assert clean_body(body) == "How do I export my timesheet to PDF?"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("The timer stopped.\n\nOn Tue, 4 Mar 2025 at 10:02, Support <s@x.io> wrote:\n> old", "The timer stopped."),
        ("The timer stopped.\n\nOn Tue, 4 Mar 2025 at 10:02, Jane Doe <\njane@x.io> wrote:\n> old", "The timer stopped."),
        ("Still broken.\n-----Original Message-----\nFrom: a\nSent: b", "Still broken."),
        ("Still broken.\n\nFrom: Support <s@x.io>\nSent: Monday\nTo: me\nSubject: Re: x\n\nold", "Still broken."),
        ("##- Please type your reply above this line -##\nCan I merge workspaces?", "Can I merge workspaces?"),
        ("> quoted line\nMy real question?", "My real question?"),
        ("Le lun. 3 mars 2025, Support a écrit :\n> vieux", ""),
    ],
)
def test_quoted_replies_are_cut(body, expected):
    assert clean_body(body) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("How do I cancel?\n\nBest regards,\nJohn Smith\nACME Inc\n+44 20 7946 0958", "How do I cancel?"),
        ("How do I cancel?\n--\nJohn", "How do I cancel?"),
        ("How do I cancel?\nSent from my iPhone", "How do I cancel?"),
        ("How do I cancel?\n\nCONFIDENTIALITY NOTICE: this email is private", "How do I cancel?"),
        ("Thanks for the quick reply! It works now.", "Thanks for the quick reply! It works now."),
    ],
)
def test_signatures_and_footers_are_cut(body, expected):
    assert clean_body(body) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("Hello,\n\nhow do I add a VAT ID?", "how do I add a VAT ID?"),
        ("Hi team, how do I add a VAT ID?", "how do I add a VAT ID?"),
        ("Good morning!\nThanks in advance. Where are receipts?", "Where are receipts?"),
        ("Hindsight: the timer drifts.", "Hindsight: the timer drifts."),
    ],
)
def test_greetings_and_pleasantries_are_dropped(body, expected):
    assert clean_body(body) == expected


def test_subject_prefixes_and_ticket_refs_are_dropped():
    assert clean_subject("RE: Fwd: [Ticket #123] Hi, can't log in") == "can't log in"
    assert clean_subject("AW: Rechnung") == "Rechnung"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mail me at jane.doe+kb@example.co.uk please", "mail me at [email] please"),
        ("call +1 (415) 555-0132 or 020 7946 0958", "call [phone] or [phone]"),
        ("card 4111 1111 1111 1111 expired", "card [card] expired"),
        ("card 4111-1111-1111-1111", "card [card]"),
        ("order 1234 5678 9012 3456 is not a card", "order 1234 5678 9012 3456 is not a card"),
        ("see https://app.example.com/reset?token=abc123def&lang=en", "see https://app.example.com/reset?token=[token]&lang=en"),
        ("link https://x.io/s/AbC123xyz987QWE456rty", "link https://x.io/s/[token]"),
        ("my api key is tb_live_9f8a7d6c5b4a3f2e1d0c", "my api key is [token]"),
        ("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9", "Authorization: Bearer [token]"),
        ("on 2025-01-03 at 10:30, version 2.14.3, invoice INV-2024-0042", "on 2025-01-03 at 10:30, version 2.14.3, invoice INV-2024-0042"),
        ("budget of 1,500.00 for 12 hours", "budget of 1,500.00 for 12 hours"),
    ],
)
def test_personal_data_is_masked(text, expected):
    assert mask_personal_data(text) == expected


def test_long_body_is_cut():
    assert len(clean_body("word " * 10_000)) <= 4_002
