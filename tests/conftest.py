"""Shared fixtures: the repository's sample help center and helpers to write articles."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
SAMPLE_KB = REPO_ROOT / "kb"
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]


def write_article(path: Path, body: str = "Some text.\n", **front_matter: object) -> Path:
    """Write a Markdown article with YAML front matter built from keyword arguments."""
    import yaml

    path.parent.mkdir(parents=True, exist_ok=True)
    text = ""
    if front_matter:
        text = "---\n" + yaml.safe_dump(front_matter, sort_keys=False, allow_unicode=True) + "---\n"
    path.write_text(text + textwrap.dedent(body), encoding="utf-8")
    return path


@pytest.fixture
def sample_kb() -> Path:
    return SAMPLE_KB


@pytest.fixture
def shared_data() -> Path:
    """The public datasets in ../shared/data; without them these few tests are skipped, with one
    summary line saying why (CI and the developers' machines have them beside the checkout)."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"needs the shared datasets, not found at {SHARED_DATA} (../shared/data beside the checkout)")
    return SHARED_DATA


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; run `make browser` and `pip install -e '.[test]'`")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Debian Chromium for the whole run: Playwright's sync API allows one driver per thread."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed")
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
