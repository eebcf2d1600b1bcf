"""Small real help centers for the search tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import write_article

SITE_URL = "https://help.example.com/"


def make_help_center(root: Path) -> Path:
    """A project with mkdocs.yml, synonyms, five public articles and one internal one."""
    (root / "kb").mkdir(parents=True, exist_ok=True)
    (root / "mkdocs.yml").write_text(
        f"site_name: Example Help\nsite_url: {SITE_URL}\ndocs_dir: kb/articles\n", encoding="utf-8"
    )
    (root / "kb/synonyms.yml").write_text(
        "refund: [money back, reimbursement]\nlogin: [sign in]\n", encoding="utf-8"
    )
    articles = root / "kb/articles"
    write_article(
        articles / "billing/refunds.md",
        """\
        We refund annual plans within 30 days of purchase.

        ## How long refunds take

        Refunds reach your card within 5 to 10 business days, depending on your bank.

        ## Refunds for monthly plans

        Monthly plans are not refunded, but you can cancel at any time.
        """,
        id="123",
        title="Refund policy",
        summary="When we give money back and how long it takes.",
        category="billing",
        tags=["refunds", "payments"],
    )
    write_article(
        articles / "billing/invoices.md",
        """\
        Every payment creates an invoice.

        ## Download an invoice

        Open Billing, then click Download next to the invoice you want as a PDF.
        """,
        id="124",
        title="Download invoices",
        category="billing",
    )
    write_article(
        articles / "account/password.md",
        """\
        ## Reset your password

        Click Forgot password on the login page and follow the link we email you.

        ## Two-factor authentication

        If you lost your phone, use a recovery code to login.
        """,
        id="200",
        title="Reset your password",
        aliases=["Forgot my password", "Can't log in"],
        category="account",
    )
    write_article(
        articles / "account/sso.md",
        "Set up single sign-on with SAML for your whole workspace.\n",
        id="201",
        title="Single sign-on",
        category="account",
    )
    write_article(
        articles / "getting-started.md",
        "# Getting started\n\nCreate a workspace, invite your team and track your first hour.\n",
    )
    write_article(
        articles / "internal/refund-overrides.md",
        """\
        ## Override a refund

        Agents can approve a refund outside the 30-day window with a manager's okay.
        """,
        id="900",
        title="Refund overrides (agents only)",
        audience="internal",
    )
    return root


@pytest.fixture
def help_center(tmp_path: Path) -> Path:
    return make_help_center(tmp_path / "project")


@pytest.fixture(autouse=True)
def user_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Indexes for bare --kb folders go to a cache inside the test's tmp_path."""
    cache = tmp_path / "xdg-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    return cache / "supportkb"
