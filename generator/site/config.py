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

    search = c.Choice(("kb", "material", "pagefind"), default="kb")
    """Browser search: 'kb' ranks as agent search does (stems, synonyms, sections) from a static index
    loaded by word prefix; 'material' is Material's one-file index; 'pagefind' Pagefind's chunks."""
    contact_url = c.Type(str, default="")
    """Where a search with no results offers to contact support (a URL or mailto:); empty: no link."""
    search_endpoint = c.Type(str, default="")
    """URL of the API's search (`kb api`); empty: the search box answers from the static index only."""
    embedding_backend = c.Type(str, default="default")
    """Search by meaning: 'default' (the shipped model), a backend name, or 'none' for lexical only."""
    events_endpoint = c.Type(str, default="")
    """URL of the API's POST /events; empty: the site sends no usage events."""
    feedback_endpoint = c.Type(str, default="")
    """URL the "Was this helpful?" widget POSTs to; empty: no widget."""
    related_limit = c.Type(int, default=5)
    """At most this many related articles under each article (explicit `related:` first)."""
    featured_limit = c.Type(int, default=6)
    """At most this many featured articles on the home page."""
    brand_color = c.Optional(c.Type(str))
    """Brand colour as #rrggbb; tints the header, links and buttons."""
    tagline = c.Type(str, default="How can we help?")
    """The home page's heading above the search box."""
    lint = c.Type(dict, default={})
    """Writer rules of `kb check` (image-alt, orphan, near-duplicate...); read and validated by generator/lint.py."""
    stable_links = c.Type(bool, default=True)
    """Write /a/<id>/ redirect pages and copy those stable links from heading buttons."""
