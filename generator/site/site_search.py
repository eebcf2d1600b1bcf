"""Browser search: supportkb's own static index (the default), aliases in Material's index, or
Pagefind's chunked index over the staged site."""

from __future__ import annotations

import html
import json
import shutil
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from supportkb.generator.core.atomic import write_text_atomic
from supportkb.generator.core.errors import KBError
from supportkb.generator.site.static_index import INDEX_DIR, StaticIndex

MATERIAL_INDEX = Path("search") / "search_index.json"
PAGEFIND_DIR = "pagefind"
EXCLUDED = ".headerlink, .kb-meta, .kb-stale"
"""Never in Pagefind's index: heading permalinks (¶), the review date and the out-of-date notice."""
ALIAS_FIELD = "aliases"
ALIAS_BOOST = 1e3
"""Same weight as titles: an alias is another name for what the article answers."""


class SearchIndexError(KBError):
    """The browser search index could not be built."""


@dataclass(frozen=True)
class PagefindRun:
    """What a Pagefind run over the site did."""

    seconds: float
    output: str


def add_aliases_to_material_index(site_dir: Path, aliases_by_url: Mapping[str, Sequence[str]]) -> int:
    """Give each article's page entry in search_index.json an `aliases` field; returns entries changed."""
    path = site_dir / MATERIAL_INDEX
    if not aliases_by_url or not path.is_file():
        return 0
    data = json.loads(path.read_text(encoding="utf-8"))
    changed = 0
    for entry in data.get("docs", ()):
        aliases = aliases_by_url.get(entry.get("location", ""))
        if aliases:
            # The index holds HTML: Material's results render its fields as markup.
            entry[ALIAS_FIELD] = html.escape(" · ".join(aliases))
            changed += 1
    fields = data.setdefault("config", {}).setdefault("fields", {})
    fields.setdefault(ALIAS_FIELD, {"boost": ALIAS_BOOST})
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, separators=(",", ":"), ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)
    return changed


@dataclass(frozen=True)
class SearchView:
    """What the templates need to know about the site's search (Jinja global `kb_search`)."""

    engine: str
    """'kb', 'material' or 'pagefind'."""
    endpoint: str
    """The API's search URL for live answers; '' answers from the static index only."""
    contact_url: str
    """Where the zero-results state sends a customer ('' hides the link)."""


def write_static_index(site_dir: Path, index: StaticIndex) -> int:
    """Write the site's own search index into site_dir (replacing an older one); returns files written."""
    target = site_dir / INDEX_DIR
    if target.is_dir():
        shutil.rmtree(target)  # `kb serve` rebuilds in place: no shard of a removed word may stay.
    for relative, text in index.files.items():
        write_text_atomic(site_dir / relative, text)
    return len(index.files)


def pagefind_executable() -> Path:
    """The pagefind binary shipped in the `pagefind[bin]` wheel."""
    try:
        from pagefind_bin import get_executable
    except ImportError as exc:
        raise SearchIndexError(
            "search: pagefind needs the Pagefind binary",
            hint="install it with: pip install 'pagefind[bin]' (or set search: material)",
        ) from exc
    try:
        return get_executable()
    except FileNotFoundError as exc:
        raise SearchIndexError(
            f"the pagefind binary is missing: {exc}",
            hint="reinstall it with: pip install --force-reinstall 'pagefind[bin]'",
        ) from exc


def build_pagefind_index(site_dir: Path, *, executable: Path | None = None) -> PagefindRun:
    """Index the built site with Pagefind; the bundle goes to site_dir/pagefind/."""
    binary = executable or pagefind_executable()
    start = time.perf_counter()
    try:
        run = subprocess.run(
            [str(binary), "--site", str(site_dir), "--output-subdir", PAGEFIND_DIR, "--exclude-selectors", EXCLUDED],
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError as exc:
        raise SearchIndexError(f"cannot run pagefind: {exc}", hint="reinstall it with: pip install --force-reinstall 'pagefind[bin]'") from exc
    if run.returncode != 0:
        raise SearchIndexError(f"pagefind failed (exit {run.returncode}): {(run.stderr or run.stdout).strip()[-2000:]}")
    if not (site_dir / PAGEFIND_DIR / "pagefind.js").is_file():
        raise SearchIndexError("pagefind wrote no index", hint="check that article pages were built")
    return PagefindRun(seconds=time.perf_counter() - start, output=run.stdout)
