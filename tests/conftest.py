"""Shared fixtures: the repository's sample help center and helpers to write articles."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
SAMPLE_KB = REPO_ROOT / "kb"
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"


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
    if not SHARED_DATA.is_dir():
        pytest.fail(f"shared datasets not found at {SHARED_DATA}")
    return SHARED_DATA
