"""`search: pagefind`: a chunked index built on the staged site, instead of Material's single file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from supportkb.generator.site.build import build_site
from tests.generator.site.badinput import SCRIPT_TITLE, make_bad_project
from tests.generator.site.conftest import site_texts


@pytest.fixture(scope="module")
def pagefind_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("pagefind")
    return build_site(make_bad_project(root, plugin_options="      search: pagefind\n")).site_dir


def test_pagefind_replaces_materials_index(pagefind_site: Path) -> None:
    assert (pagefind_site / "pagefind/pagefind.js").is_file()
    assert (pagefind_site / "pagefind/pagefind-ui.js").is_file()
    assert not (pagefind_site / "search/search_index.json").exists()
    entry = json.loads((pagefind_site / "pagefind/pagefind-entry.json").read_text(encoding="utf-8"))
    # Articles only: 2 public sample articles + 4 odd ones; not the home, category or redirect pages.
    assert entry["languages"]["en"]["page_count"] + entry["languages"].get("ar", {}).get("page_count", 0) == 6
    assert not [p for p in pagefind_site.parent.iterdir() if p.name.startswith(".site.")]


def test_articles_mark_their_body_aliases_and_category_for_pagefind(pagefind_site: Path) -> None:
    page = BeautifulSoup((pagefind_site / "odd/script-title/index.html").read_text(encoding="utf-8"), "html.parser")
    body = page.select_one("[data-pagefind-body]")
    assert body is not None and body.select_one("h2") is not None
    assert body.select_one("[data-pagefind-weight='7']").get_text() == "Also searched as: <b>alias</b> words"
    assert page.select_one("[data-kb-pagefind]") is not None, "the header offers Pagefind's search"
    assert page.select_one(".md-search") is None, "Material's search is off"
    assert page.title.get_text().startswith(SCRIPT_TITLE)  # type: ignore[union-attr]


def test_internal_text_is_not_in_the_pagefind_chunks(pagefind_site: Path) -> None:
    texts = [text for path, text in site_texts(pagefind_site) if "pagefind" in path.parts]
    assert any("Refunds are paid back" in t for t in texts), "chunks are readable once unpacked"
    assert not any("Zebra-falcon" in t or "Chargeback runbook" in t for t in texts)
