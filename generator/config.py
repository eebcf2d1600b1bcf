"""Typed options of the supportkb MkDocs plugin (`plugins: [supportkb]` in mkdocs.yml)."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c


class SupportKBConfig(base.Config):
    kb_dir = c.Optional(c.Type(str))
    """Content folder holding categories.yml; default: the parent of docs_dir when docs_dir is 'articles'."""
    strict = c.Type(bool, default=False)
    """Treat validation warnings as errors (as `kb check --strict`)."""
    atomic = c.Type(bool, default=True)
    """Build into a temporary folder beside site_dir and swap it in only on success."""
    progress_every = c.Type(int, default=250)
    """Log progress every N rendered pages on large builds (0 turns it off)."""
