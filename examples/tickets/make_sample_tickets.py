"""Write examples/tickets/tallybird-zendesk.csv: a seeded, messy Zendesk export for the sample help center.

    python examples/tickets/make_sample_tickets.py [--tickets 3000] [--seed 2026] [--out PATH]

Six months of tickets for Tallybird (the sample product in kb/): recurring questions the
help center answers, some it answers only partly (bulk editing time entries, recurring
invoices) and some it does not answer at all (PDF export, workspace currency, GPS tracking
on mobile, Outlook calendar, merging workspaces), plus one-off noise. Tickets carry what
real ones do: greetings, signatures, typos, quoted replies, HTML, and personal data to mask.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import random
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
START = dt.datetime(2025, 7, 1, tzinfo=dt.timezone.utc)
DAYS = 183


@dataclass(frozen=True)
class Topic:
    key: str
    weight: float
    subjects: tuple[str, ...]
    bodies: tuple[str, ...]
    tags: tuple[str, ...]
    kind: str = "question"
    growth: float = 0.0
    """> 0: more tickets late in the period (a growing problem)."""


T = Topic
TOPICS: tuple[Topic, ...] = (
    # Answered by the sample help center.
    T("reset-password", 7, ("Can't log in - forgot password", "password reset", "Reset my password please", "forgot my password", "locked out of my account"),
      ("I forgot my password and the reset link isn't in my inbox. How do I reset my password?", "How do I reset my password? I keep getting 'wrong password'.", "I need to change my password, where is the reset option?"),
      ("login", "password")),
    T("2fa-lost", 4, ("Lost phone with authenticator", "2FA code not working", "new phone, can't get 2FA code", "two factor locked out"),
      ("I got a new phone and lost my authenticator app, now I can't sign in because it asks for the 2FA code.", "My two-factor authentication device is gone. How can I get back into my account?", "Lost my phone, need to disable two factor authentication on my account."),
      ("2fa", "login")),
    T("timer-sync", 6, ("Timer not syncing", "timer running on desktop but not on web", "Time entries not syncing between devices", "timer stopped syncing"),
      ("The timer I started on the desktop app doesn't show up on the web app. Entries are not syncing.", "My timer isn't syncing between my laptop and phone since yesterday.", "Time I tracked offline never synced to the web, sync seems stuck."),
      ("sync", "timer"), "problem", 0.2),
    T("export-csv", 4, ("Export time entries to CSV", "how to export my hours", "download timesheet as csv", "export to excel"),
      ("How do I export my time entries to a CSV file for payroll?", "I need to download all hours for last month as CSV/Excel. Where is the export?", "Can I export the detailed report of time entries to a spreadsheet?"),
      ("export", "reports")),
    T("create-invoice", 5, ("How to create an invoice from tracked time", "invoice from hours", "bill client for tracked time", "create invoice"),
      ("How do I turn my tracked hours into an invoice for a client?", "I want to create an invoice with the billable time of project X, how?", "Where do I create and send an invoice from the time I tracked?"),
      ("invoicing",)),
    T("stripe", 3, ("Accept card payments on invoices", "Connect Stripe", "clients want to pay online", "stripe payments"),
      ("Can my clients pay invoices online by card? How do I connect Stripe?", "I want to accept credit card payments for invoices through Stripe.", "How do I set up online payments so clients can pay the invoice directly?"),
      ("invoicing", "stripe")),
    T("quickbooks", 4, ("QuickBooks sync failing", "QuickBooks integration error", "invoices not appearing in QuickBooks", "quickbooks connection"),
      ("Our invoices are not syncing to QuickBooks Online anymore, the sync shows an error.", "How do I connect QuickBooks Online so invoices are pushed automatically?", "QuickBooks sync stuck, invoices missing in QBO."),
      ("integrations", "quickbooks"), "problem"),
    T("change-plan", 4, ("Upgrade plan", "change to annual billing", "switch plan", "downgrade to free plan"),
      ("How do I upgrade our workspace to the Pro plan?", "We want to switch from monthly to annual billing. How?", "How can I downgrade to a cheaper plan?"),
      ("billing", "plan")),
    T("cancel", 3, ("Cancel subscription", "how to cancel", "stop paying / close account", "cancel my plan"),
      ("How do I cancel my subscription? We don't use Tallybird anymore.", "Please tell me how to cancel the plan before the renewal date.", "I want to cancel and stop being charged."),
      ("billing", "cancel")),
    T("refund", 3, ("Refund request", "charged twice", "money back for unused seats", "refund annual plan"),
      ("I was charged for the annual plan by mistake, can I get a refund? My card ending 4242 was charged.", "We were charged twice this month, please refund the duplicate charge.", "Can I get a refund for seats we didn't use?"),
      ("billing", "refund"), "question"),
    T("invite-team", 4, ("Invite team members", "add users to workspace", "how to invite my team", "invite colleague"),
      ("How do I invite my team to our workspace?", "I want to add 5 colleagues to Tallybird, how do I invite them?", "Where can I send invites to new team members?"),
      ("workspace", "members")),
    T("sso", 2, ("SSO with Okta", "SAML single sign-on setup", "set up SSO", "Azure AD login"),
      ("How do we set up single sign-on with Okta (SAML)?", "We need SSO with Entra ID / Azure AD for all users. Is there a guide?", "How do I configure SAML SSO for my workspace?"),
      ("sso", "security")),
    T("idle", 2, ("Idle detection", "timer kept running while I was away", "discard idle time", "idle time question"),
      ("The timer kept running while I was away from my desk. How does idle detection work?", "How do I discard idle time when I forget to stop the timer?", "Can Tallybird ask me what to do with idle time?"),
      ("timer", "idle")),
    T("offline", 2, ("Offline mode", "track time without internet", "no connection - will my time be saved?", "offline tracking"),
      ("Can I track time when I have no internet connection, on a plane?", "Does the desktop app save time entries offline and sync later?", "How does offline mode work?"),
      ("offline", "timer")),
    T("desktop-start", 3, ("Desktop app won't start", "app crashes on launch", "Mac app doesn't open", "Windows app not opening"),
      ("The desktop app won't start after the update, it just crashes on launch.", "Tallybird for Mac doesn't open anymore, the icon bounces and then nothing.", "Windows app stuck on a white screen on startup."),
      ("desktop", "crash"), "problem", 0.6),
    T("budget-alerts", 2, ("Budget alerts", "notify when project over budget", "budget warning emails", "project budget alert"),
      ("How do I get notified when a project reaches 80% of its budget?", "Can I set up budget alerts for projects?", "We want an email when a project goes over budget."),
      ("projects", "budget")),
    T("billable-rates", 3, ("Billable rates", "set hourly rate per project", "different rates per member", "change billable rate"),
      ("How do I set a different hourly rate for each project?", "Can I have different billable rates for each team member?", "Where do I change the billable rate of a client?"),
      ("projects", "rates")),
    T("api-rate-limit", 2, ("API 429 Too Many Requests", "rate limit on API", "API throttling", "429 errors"),
      ("Our integration gets HTTP 429 Too Many Requests from the API. What are the rate limits?", "What is the API rate limit and how should we handle 429 responses?", "API calls are throttled, how many requests per minute are allowed?"),
      ("api",), "problem"),
    T("webhooks", 2, ("Webhooks", "webhook not firing", "receive events when time entry created", "webhook signature"),
      ("How do I set up a webhook when a time entry is created?", "Our webhook endpoint doesn't receive events, how do I check deliveries?", "How do we verify the webhook signature?"),
      ("api", "webhooks")),
    T("duplicates", 2, ("Duplicate time entries", "entries appear twice", "duplicated hours after sync", "double entries"),
      ("Some of my time entries appear twice after syncing. How do I fix duplicates?", "We see duplicated time entries in the timesheet.", "Every entry is doubled since the last update."),
      ("timer", "duplicates"), "problem"),
    T("emails", 2, ("Not receiving emails", "invite email never arrived", "no emails from Tallybird", "emails going to spam"),
      ("We don't receive any emails from Tallybird, not even the invite.", "The invite email never arrived for my colleague, checked spam too.", "Reset password emails are not arriving."),
      ("email",), "problem"),
    T("vat", 2, ("Add VAT number", "VAT ID on receipts", "reverse charge VAT", "company VAT id"),
      ("How do I add our VAT ID so it shows on the receipts?", "We need our VAT number on Tallybird invoices for our subscription.", "Where do I enter the company VAT ID?"),
      ("billing", "vat")),
    T("receipts", 2, ("Download receipts", "invoice for my subscription", "need receipt for accounting", "billing history"),
      ("Where can I download the receipts for our subscription payments?", "Our accountant needs the invoices for the Tallybird subscription, where are they?", "How do I find the billing history?"),
      ("billing", "receipts")),
    T("approve-timesheets", 2, ("Approve timesheets", "submit timesheet for approval", "manager approval of hours", "timesheet approval"),
      ("How do managers approve timesheets submitted by the team?", "How do I submit my weekly timesheet for approval?", "Can I require approval of timesheets before invoicing?"),
      ("timesheets",)),
    T("jira", 2, ("Jira integration", "track time on Jira issues", "jira worklogs", "connect jira"),
      ("How do I track time from Jira issues with Tallybird?", "Can time entries sync to Jira as worklogs?", "How do we connect Jira Cloud?"),
      ("integrations", "jira")),
    T("google-calendar", 2, ("Google Calendar integration", "see calendar events in timer", "connect google calendar", "calendar to time entries"),
      ("How do I connect Google Calendar so my meetings show up in Tallybird?", "Can I turn Google Calendar events into time entries?", "Google calendar integration setup?"),
      ("integrations", "calendar")),
    T("import-csv", 2, ("Import data from another tool", "import time entries CSV", "migrate from Harvest", "import clients"),
      ("We are moving from Harvest. Can I import our time entries and clients from a CSV?", "How do I import projects and clients from a spreadsheet?", "Is there a CSV import for old time entries?"),
      ("import",)),
    T("mobile", 2, ("Mobile app", "iPhone app", "track time on android", "mobile app login"),
      ("Is there a mobile app for iPhone and Android?", "How do I track time on my phone?", "Can I start the timer from the mobile app?"),
      ("mobile",)),
    # Answered only in part.
    T("bulk-edit", 4, ("Bulk edit time entries", "change project on many entries at once", "edit multiple entries", "mass update time entries"),
      ("I need to move 200 time entries to a different project. Is there a way to bulk edit them? The bulk edit button doesn't let me change the client.", "How can I change the billable status of many time entries at once across several weeks?", "Bulk editing only works on one page, how do I update all entries of last month at once?", "Can I bulk edit entries of other team members?"),
      ("time entries", "bulk"), "question", 0.3),
    T("recurring-invoices", 4, ("Recurring invoices", "automatic monthly invoice", "stop a recurring invoice", "retainer invoice every month"),
      ("How do recurring invoices work? I made one recurring but I can't find where to change the schedule.", "Can a recurring invoice include the hours tracked that month automatically?", "How do I stop or pause a recurring invoice?", "The recurring invoice didn't go out this month, where do I see the schedule?"),
      ("invoicing", "recurring"), "question", 0.2),
    # Not answered at all (see UNCOVERED).
    T("export-pdf", 6, ("Export timesheet to PDF", "PDF export?", "download report as PDF", "print timesheet as pdf", "export invoice list to PDF"),
      ("How do I export my timesheet as a PDF? The client wants a PDF, not CSV.", "Is there a way to download the weekly report as PDF?", "I need to print the time report to PDF for my manager, can't find the option.", "Can I export the detailed report to PDF with our logo?"),
      ("export", "pdf"), "question", 0.4),
    T("currency", 4, ("Change workspace currency", "wrong currency USD instead of EUR", "how to change currency", "currency settings"),
      ("Our workspace shows amounts in USD but we bill in EUR. How do I change the workspace currency?", "I picked the wrong currency when creating the workspace, how can I switch to GBP?", "Can we change the default currency for all projects?"),
      ("billing", "currency")),
    T("gps", 4, ("GPS tracking on mobile", "location tracking for field workers", "track employee location", "geofencing"),
      ("Does the mobile app track GPS location while the timer runs? We have field technicians.", "Can I see where my team was when they tracked time (location tracking)?", "Is there geofencing or GPS tracking in the Android app?"),
      ("mobile", "gps"), "feature request", 0.5),
    T("outlook", 4, ("Outlook calendar integration", "connect Outlook / Office 365 calendar", "Microsoft calendar sync", "outlook calendar"),
      ("Do you integrate with Outlook calendar? We use Office 365, not Google.", "How can I connect my Outlook calendar so meetings show up as time entries?", "Is there a Microsoft 365 / Outlook calendar integration?"),
      ("integrations", "calendar", "outlook"), "feature request", 0.3),
    T("merge-workspaces", 3, ("Merge two workspaces", "combine workspaces", "move projects to another workspace", "we have two accounts"),
      ("We accidentally created two workspaces. How do we merge them into one?", "Can I move all projects and time entries from one workspace to another and combine them?", "Our company has two Tallybird workspaces after an acquisition, how do we merge them?"),
      ("workspace", "merge")),
)

PARTIAL = frozenset({"bulk-edit", "recurring-invoices"})
UNCOVERED = frozenset({"export-pdf", "currency", "gps", "outlook", "merge-workspaces"})

NOISE = (
    "Do you have a discount for nonprofits?", "Can I get a demo for my team next week?", "Your website is down?",
    "Where is your office located?", "Are you hiring?", "Is Tallybird GDPR compliant?", "what's the uptime SLA",
    "Test ticket please ignore", "Thanks for the quick help!", "Can I talk to a human?", "Partnership inquiry",
    "Do you have a status page?", "Feature idea: dark mode for the web app", "Can I change the language to German?",
    "How many users can a workspace have?", "Is there a Linux version?", "Sales question about enterprise",
)

FIRST = ("Maria", "John", "Aiko", "Lars", "Priya", "Tom", "Fatima", "Chen", "Lucas", "Sofia", "Omar", "Emma", "Noah", "Zoe")
LAST = ("Garcia", "Smith", "Tanaka", "Berg", "Patel", "Novak", "Haddad", "Wang", "Silva", "Rossi", "Khan", "Meyer")
COMPANIES = ("Acme Studio", "Northwind Design", "Bluefin Legal", "Pixel & Co", "Granite Consulting", "Kite Agency")
GREETINGS = ("Hi,", "Hello,", "Hi team,", "Hello Tallybird support,", "Hey there!", "Good morning,", "Dear support,", "hi")
CLOSINGS = ("Thanks,", "Thanks!", "Best regards,", "Kind regards,", "Cheers,", "Thank you,", "Regards,")
PLEASANTRIES = ("I hope you are well. ", "", "", "", "Thanks in advance. ", "")


def _typo(text: str, rng: random.Random) -> str:
    words = text.split(" ")
    if len(words) < 3:
        return text
    index = rng.randrange(len(words))
    word = words[index]
    if len(word) > 4:
        i = rng.randrange(1, len(word) - 2)
        word = word[:i] + word[i + 1] + word[i] + word[i + 2 :] if rng.random() < 0.6 else word[:i] + word[i + 1 :]
    words[index] = word
    return " ".join(words)


def _phone(rng: random.Random) -> str:
    return rng.choice((f"+44 20 7946 {rng.randint(1000, 9999)}", f"+1 (415) 555-{rng.randint(1000, 9999)}", f"+49 30 {rng.randint(100000, 999999)}"))


def _body(topic_body: str, person: tuple[str, str, str], rng: random.Random, created: dt.datetime) -> str:
    first, last, company = person
    email = f"{first.lower()}.{last.lower()}@{company.split()[0].lower()}.example"
    parts = []
    if rng.random() < 0.75:
        parts.append(rng.choice(GREETINGS))
        parts.append("")
    text = rng.choice(PLEASANTRIES) + topic_body
    if rng.random() < 0.25:
        text = _typo(text, rng)
    if rng.random() < 0.15:
        text = text.lower()
    parts.append(text)
    roll = rng.random()
    if roll < 0.08:
        parts.append(f"You can reach me at {email} or {_phone(rng)}.")
    elif roll < 0.12:
        parts.append(f"Here is the link I got: https://app.tallybird.example/join?token={rng.getrandbits(96):024x}")
    elif roll < 0.14:
        parts.append("My workspace is ws_" + f"{rng.getrandbits(64):016x}" + ".")
    if rng.random() < 0.7:
        parts += ["", rng.choice(CLOSINGS), first]
        if rng.random() < 0.4:
            parts += [f"{first} {last} | {company}", _phone(rng)]
        if rng.random() < 0.15:
            parts += ["", "Sent from my iPhone"]
    if rng.random() < 0.12:
        earlier = created - dt.timedelta(days=rng.randint(1, 5))
        parts += [
            "",
            f"On {earlier:%a, %d %b %Y} at 10:{rng.randint(10, 59)}, Tallybird Support <support@tallybird.example> wrote:",
            "> Thanks for reaching out! Could you tell us a bit more about what you see?",
            "> Best, the Tallybird team",
        ]
    body = "\n".join(parts)
    if rng.random() < 0.1:
        body = "<p>" + body.replace("\n\n", "</p><p>").replace("\n", "<br>") + "</p>"
    return body


def _when(rng: random.Random, growth: float) -> dt.datetime:
    # growth > 0 skews dates towards the end of the period.
    position = rng.random() ** (1 / (1 + growth * 2)) if growth > 0 else rng.random()
    return START + dt.timedelta(days=position * DAYS, seconds=rng.randint(0, 86_399))


PRIORITY_BY_KIND = {
    "problem": (("urgent", 0.1), ("high", 0.35), ("normal", 0.45), ("low", 0.1)),
    "question": (("high", 0.1), ("normal", 0.7), ("low", 0.2)),
    "feature request": (("normal", 0.5), ("low", 0.5)),
}


def _pick(options: tuple[tuple[str, float], ...], rng: random.Random) -> str:
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


def make_rows(count: int, seed: int) -> tuple[list[list[str]], dict[str, str]]:
    """The CSV rows, and each ticket's topic ('noise' for one-offs)."""
    rng = random.Random(seed)
    weights = [t.weight for t in TOPICS] + [6.0]
    rows = []
    for _ in range(count):
        choice = rng.choices(range(len(TOPICS) + 1), weights=weights)[0]
        person = (rng.choice(FIRST), rng.choice(LAST), rng.choice(COMPANIES))
        if choice == len(TOPICS):
            created = _when(rng, 0)
            question = rng.choice(NOISE)
            subject, body, tags, kind = question[:60], _body(question, person, rng, created), ("general",), "question"
            key = "noise"
        else:
            topic = TOPICS[choice]
            created = _when(rng, topic.growth)
            subject = rng.choice(topic.subjects)
            if rng.random() < 0.2:
                subject = _typo(subject, rng)
            if rng.random() < 0.1:
                subject = "Re: " + subject
            body = _body(rng.choice(topic.bodies), person, rng, created)
            tags = topic.tags if rng.random() < 0.8 else topic.tags[:1]
            kind = topic.kind
            key = topic.key
        priority = _pick(PRIORITY_BY_KIND.get(kind, PRIORITY_BY_KIND["question"]), rng)
        first, last, company = person
        rows.append([
            "", f"{first} {last}", f"{first.lower()}.{last.lower()}@{company.split()[0].lower()}.example",
            subject, body, rng.choice(("solved", "closed", "open", "pending")), priority,
            rng.choice(("email", "web", "chat")), kind, " ".join(t.replace(" ", "_") for t in tags),
            created.strftime("%Y-%m-%d %H:%M:%S"), "", rng.choice(("Alex Support", "Jamie Support", "")), "Support", key,
        ])
    rows.sort(key=lambda r: r[10])
    labels = {}
    for number, row in enumerate(rows, start=10_001):
        row[0] = str(number)
        updated = dt.datetime.strptime(row[10], "%Y-%m-%d %H:%M:%S") + dt.timedelta(hours=rng.randint(1, 72))
        row[11] = updated.strftime("%Y-%m-%d %H:%M:%S")
        labels[row[0]] = row.pop()
    return rows, labels


HEADER = ["Id", "Requester", "Requester email", "Subject", "Description", "Status", "Priority", "Via",
          "Ticket type", "Tags", "Created at", "Updated at", "Assignee", "Group"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--out", type=Path, default=HERE / "tallybird-zendesk.csv")
    parser.add_argument("--truth", type=Path, default=HERE / "tallybird-truth.json",
                        help="where to write each ticket's topic and each topic's coverage (for tests)")
    args = parser.parse_args()
    rows, labels = make_rows(args.tickets, args.seed)
    with args.out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    coverage = {t.key: "uncovered" if t.key in UNCOVERED else "partial" if t.key in PARTIAL else "covered" for t in TOPICS}
    truth = {"seed": args.seed, "topic_coverage": coverage, "noise_label": "noise", "labels": labels}
    args.truth.write_text(json.dumps(truth, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {len(rows)} tickets to {args.out} and their topics to {args.truth}")


if __name__ == "__main__":
    main()
