"""`kb import`: articles exported from a hosted help center or a docs tool, converted into kb/ Markdown."""

from __future__ import annotations

import importlib
from pathlib import Path

from supportkb.generator.core.errors import KBError
from supportkb.generator.importers.model import SourceExport

VENDORS: dict[str, str] = {
    "zendesk": "supportkb.generator.importers.zendesk_guide",
    "intercom": "supportkb.generator.importers.intercom",
    "freshdesk": "supportkb.generator.importers.freshdesk",
    "confluence": "supportkb.generator.importers.confluence",
    "mkdocs": "supportkb.generator.importers.mkdocs_site",
    "docusaurus": "supportkb.generator.importers.docusaurus",
    "gitbook": "supportkb.generator.importers.gitbook",
    "obsidian": "supportkb.generator.importers.obsidian",
}
"""`kb import` source name -> the module whose read_export reads that vendor's export (or docs tool's folder)."""


def read_export(vendor: str, source: Path) -> SourceExport:
    """Read one vendor's export folder (or file) into categories and articles."""
    if vendor not in VENDORS:
        raise KBError(f"unknown source {vendor!r}", hint=f"choose one of: {', '.join(VENDORS)}")
    if not source.exists():
        raise KBError(f"export not found: {source}", hint="pass the folder (or JSON file) the help desk exported")
    module = importlib.import_module(VENDORS[vendor])
    return module.read_export(source)
