"""A small help center and a ticket export written into tmp_path for gap tests."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from tests.conftest import write_article

CATEGORIES = """\
account-billing:
  title: Account and billing
  description: Plans, refunds and receipts.
time-tracking:
  title: Time tracking
  description: Timers, entries and exports.
sign-in-security:
  title: Sign-in and security
  description: Passwords and single sign-on.
"""


def write_kb(root: Path) -> Path:
    """kb/ with categories.yml and three articles (one internal); returns the articles folder."""
    kb = root / "kb"
    kb.mkdir(parents=True, exist_ok=True)
    (kb / "categories.yml").write_text(CATEGORIES, encoding="utf-8")
    articles = kb / "articles"
    write_article(
        articles / "account-billing/refunds.md",
        "# Request a refund\n\nIf you were charged twice or by mistake, open **Billing › Payments**, choose the payment and click "
        "**Request refund**. Refunds reach your card within 5 to 10 days.\n\n## Charged twice\n\nDuplicate charges are refunded automatically.\n",
        title="Request a refund", category="account-billing", product_area="Billing",
        aliases=["money back", "refund a payment", "charged twice"],
    )
    write_article(
        articles / "time-tracking/export-csv.md",
        "# Export time entries to CSV\n\nOpen **Reports**, click **Export** and choose CSV or Excel. The file lists every time entry.\n",
        title="Export time entries to CSV", category="time-tracking", product_area="Time tracking",
        aliases=["download timesheet", "export hours"],
    )
    write_article(
        articles / "sign-in-security/sso-outage.md",
        "# Escalating SSO outages\n\nWhen Okta single sign-on is down for a customer, page the on-call engineer and post in #sso-outage.\n",
        title="Escalating SSO outages", category="sign-in-security", product_area="Security",
        audience="internal", aliases=["okta sso down", "single sign-on outage"],
    )
    return articles


REFUNDS = [
    "How do I get a refund? I was charged twice",
    "Refund please, you charged my card twice this month",
    "I was charged twice, can I request a refund?",
    "charged twice for my subscription, need a refund",
    "Can you refund the payment? Charged twice by mistake",
    "how to request a refund for a duplicate charge",
    "We were charged twice. Refund?",
    "Need money back: charged twice",
]
PDF = [
    "How do I export my timesheet to PDF?",
    "Export timesheet as PDF",
    "Can I download the timesheet as a PDF file?",
    "PDF export of my timesheet please",
    "Is there a PDF export for timesheets?",
    "export weekly timesheet to pdf for my manager",
    "timesheet pdf export?",
]
OUTLOOK = [
    "Do you support the Outlook calendar? Would love an Outlook integration",
    "Outlook calendar integration please",
    "Is there an Outlook calendar integration?",
    "Please add Outlook calendar sync",
    "Outlook calendar support would be great",
    "Can you add an integration with the Outlook calendar?",
]
SSO = [
    "Okta SSO is down, nobody can sign in",
    "Single sign-on outage: Okta login fails for everyone",
    "SSO down - Okta sign in broken",
    "Our Okta single sign-on stopped working",
    "okta sso outage, urgent",
]
ONE_OFFS = ["Are you hiring designers?", "What is the address of your office in Lisbon?"]


def write_tickets(path: Path, *, extra_rows: list[list[str]] | None = None) -> dict[str, list[str]]:
    """A Zendesk-style CSV of the groups above spread over eight weeks; returns ids per group."""
    start = dt.datetime(2025, 3, 3, 9, 0)
    rows = []
    ids: dict[str, list[str]] = {}
    number = 100
    for group, texts, priority in (
        ("refunds", REFUNDS, "normal"), ("pdf", PDF, "normal"), ("outlook", OUTLOOK, "low"),
        ("sso", SSO, "urgent"), ("one-offs", ONE_OFFS, "low"),
    ):
        for index, text in enumerate(texts):
            number += 1
            created = start + dt.timedelta(days=7 * (index % 8) + index % 3, hours=index)
            body = f"Hi team,\n\n{text}\n\nThanks,\nSam\nsam@example.com"
            rows.append([str(number), "Sam Doe", text[:40], body, "open", priority, "question", "", created.strftime("%Y-%m-%d %H:%M")])
            ids.setdefault(group, []).append(str(number))
    rows += extra_rows or []
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Id", "Requester", "Subject", "Description", "Status", "Priority", "Ticket type", "Tags", "Created at"])
        writer.writerows(rows)
    return ids
