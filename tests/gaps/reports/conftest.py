"""A small help center in git and a ticket export with a planted post-release spike and post-fix drop."""

from __future__ import annotations

import csv
import datetime as dt
import os
import random
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import write_article

START = dt.date(2025, 1, 6)  # A Monday.
WEEKS = 16
RELEASE_DAY = dt.date(2025, 3, 17)  # 2.0.0: PDF questions spike after it.
FIX_DAY = dt.date(2025, 3, 3)  # The password article is rewritten: its tickets drop after it.
FLAT_CHANGE_DAY = dt.date(2025, 3, 10)  # Invoice and timer articles are edited: nothing happens.
UNDATED = 4

TOPICS = {
    "password": (
        ["Forgot my password", "password reset link not arriving", "can't reset my password", "reset password email missing"],
        "I forgot my password and the reset password email never arrives. How do I reset my password?",
    ),
    "pdf": (
        ["export timesheet to PDF", "PDF export of report", "download report as PDF", "PDF of my timesheet"],
        "How do I export my timesheet report as a PDF file? I need a PDF for my client.",
    ),
    "invoice": (
        ["create an invoice from hours", "invoice a client for tracked time", "make invoice from time entries", "bill client invoice"],
        "How do I create an invoice for a client from the hours I tracked?",
    ),
    "timer": (
        ["timer not syncing", "timer sync broken between devices", "timer does not sync to web", "sync of my timer stuck"],
        "The timer I started on my laptop does not sync to the web app. Sync seems stuck.",
    ),
}


def weekly_plan(topic: str, week: dt.date) -> int:
    """Tickets per week: the planted patterns."""
    if topic == "password":
        return 12 if week < FIX_DAY else 3
    if topic == "pdf":
        return 14 if RELEASE_DAY <= week < RELEASE_DAY + dt.timedelta(weeks=2) else 2
    return 6  # invoice and timer: flat


def write_tickets(path: Path, *, seed: int = 7) -> Path:
    rng = random.Random(seed)
    rows = []
    number = 1000
    for w in range(WEEKS):
        week = START + dt.timedelta(weeks=w)
        for topic, (subjects, body) in TOPICS.items():
            for _ in range(weekly_plan(topic, week)):
                number += 1
                day = week + dt.timedelta(days=rng.randrange(7))
                rows.append([str(number), rng.choice(subjects), body, f"{day.isoformat()} 10:00:00"])
    for _ in range(UNDATED):
        number += 1
        rows.append([str(number), "Forgot my password", TOPICS["password"][1], ""])
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "subject", "body", "created"])
        writer.writerows(rows)
    return path


def git(repo: Path, *args: str, day: dt.date | None = None) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "KB", "GIT_AUTHOR_EMAIL": "kb@example.com",
           "GIT_COMMITTER_NAME": "KB", "GIT_COMMITTER_EMAIL": "kb@example.com"}
    if day is not None:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"{day.isoformat()}T12:00:00+00:00"
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, env=env)


ARTICLES = {
    "sign-in/reset-password.md": ("Reset your password", "Click Forgot password on the sign-in page; we email a reset link."),
    "time/timer-sync.md": ("Timer not syncing", "If the timer does not sync between devices, sign out and in again."),
    "invoicing/create-invoice.md": ("Create an invoice from tracked time", "Open Invoices, pick the client and the tracked hours."),
    "reports/export-csv.md": ("Export a report to CSV", "Open Reports and click Export to download a CSV spreadsheet."),
}


@dataclass(frozen=True)
class LoopProject:
    root: Path
    articles: Path
    tickets: Path
    notes: Path


def make_loop_project(root: Path) -> LoopProject:
    """mkdocs.yml + kb/articles in a git repo with dated commits, tickets and release notes."""
    articles = root / "kb/articles"
    root.mkdir(parents=True, exist_ok=True)
    (root / "mkdocs.yml").write_text("site_name: Loop Help\nsite_url: https://help.example.com/\ndocs_dir: kb/articles\n", encoding="utf-8")
    for path, (title, body) in ARTICLES.items():
        write_article(articles / path, f"# {title}\n\n{body}\n", title=title)
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "Add articles", day=dt.date(2024, 12, 1))
    (articles / "sign-in/reset-password.md").write_text(
        (articles / "sign-in/reset-password.md").read_text() + "\n## The email never arrives\n\nCheck spam, then use the reset code.\n")
    git(root, "commit", "-q", "-am", "Password: the reset email never arrives", day=FIX_DAY)
    for path in ("invoicing/create-invoice.md", "time/timer-sync.md"):
        (articles / path).write_text((articles / path).read_text() + "\nSee also the FAQ.\n")
    git(root, "commit", "-q", "-am", "Small edits", day=FLAT_CHANGE_DAY)
    notes = root / "CHANGELOG.md"
    notes.write_text(
        "# Changelog\n\n## 2.0.0 - 2025-03-17\n\n- Changed: reports now export to CSV with a new layout; the Export button moved to the toolbar\n\n"
        "## 1.9.0 - 2025-02-10\n\n- Fixed: invoices show the client's address\n\n## 1.8.0\n\n- Undated release\n",
        encoding="utf-8",
    )
    return LoopProject(root, articles, write_tickets(root / "tickets.csv"), notes)


@pytest.fixture(scope="session")
def loop_project(tmp_path_factory: pytest.TempPathFactory) -> LoopProject:
    return make_loop_project(tmp_path_factory.mktemp("loop") / "project")


@pytest.fixture(scope="session")
def loop_analysis(loop_project: LoopProject):  # type: ignore[no-untyped-def]
    from supportkb.gaps.reports.volume import analyse_tickets

    return analyse_tickets(loop_project.tickets, loop_project.articles)
