"""Make small real supportkb projects in a temporary folder for tests."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import write_article

MKDOCS_YML = """\
site_name: Test Help Center
site_url: https://help.test.example/
docs_dir: kb/articles
theme:
  name: material
plugins:
  - search
  - supportkb
markdown_extensions:
  - toc:
      permalink: true
  - admonition
  - attr_list
"""

CATEGORIES_YML = """\
getting-started:
  title: Getting started
  description: First steps.
billing:
  title: Account and billing
  description: Plans and invoices.
"""


def make_project(root: Path, *, extra_config: str = "") -> Path:
    """A project with two categories and three articles (one internal); returns mkdocs.yml."""
    (root / "kb").mkdir(parents=True, exist_ok=True)
    (root / "kb/categories.yml").write_text(CATEGORIES_YML, encoding="utf-8")
    config = root / "mkdocs.yml"
    config.write_text(MKDOCS_YML + extra_config, encoding="utf-8")
    articles = root / "kb/articles"
    write_article(
        articles / "getting-started/welcome.md",
        "# Welcome\n\nStart here.\n\n## Invite your team\n\nSee [billing](../billing/refunds.md#how-refunds-work).\n",
        id="100", title="Welcome to Example", category="getting-started", summary="Where to begin.",
    )
    write_article(
        articles / "billing/refunds.md",
        "Refunds are paid back to the card.\n\n## How refunds work\n\nWithin 5 days.\n",
        id="101", title="Refunds", category="billing", tags=["refund", "money"],
    )
    write_article(
        articles / "billing/chargeback-runbook.md",
        "Zebra-falcon escalation procedure for chargebacks.\n",
        id="102", title="Chargeback runbook for agents", category="billing", audience="internal",
    )
    return config
