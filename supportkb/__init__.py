"""supportkb: a docs-as-code help center for customer-support teams.

The rooms, lowest first (docs/architecture.md draws them):
- `supportkb.generator`: the core (article model, loader, text, escaping, errors, atomic writes),
  checking, the site (MkDocs plugin, pages, theme) and importers;
- `supportkb.search`: the agents' index, ranking, links and HTTP API;
- `supportkb.gaps`: tickets, gap analysis, staleness and the monthly reports;
- `supportkb.cli`: the `kb` command, the one place that imports every room.
"""

from supportkb.generator import __version__

__all__ = ["__version__"]
