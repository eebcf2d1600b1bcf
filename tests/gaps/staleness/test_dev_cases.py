"""Component-prefixed releases end to end: the skiff case in this repository and telegraf's in ../shared/data."""

from __future__ import annotations

import json
import tarfile
from pathlib import Path

import pytest

from supportkb.gaps.staleness.match import check_staleness
from supportkb.gaps.staleness.notes import pick_release, read_release_notes
from supportkb.generator.core.articles import load_articles

SKIFF = Path(__file__).resolve().parents[3] / "benchmarks" / "data" / "staleness" / "skiff"


def _top(docs: Path, notes: Path, count: int) -> list[str]:
    release = pick_release(read_release_notes(notes), None, source=str(notes))
    report = check_staleness(load_articles(docs).articles, release, min_listed=count)
    return [str(item.path) for item in report.flagged[:count]]


@pytest.mark.parametrize(("version", "at_least"), [("2.4.0", 7), ("2.5.0", 8), ("2.6.0", 6)])
def test_skiff_true_pages_rank_in_the_top_ten(version: str, at_least: int) -> None:
    truth = set(json.loads((SKIFF / version / "truth.json").read_text(encoding="utf-8"))["pages"])
    top = _top(SKIFF / "docs", SKIFF / version / "notes.md", 10)
    assert len(truth & set(top)) >= at_least, (sorted(truth - set(top)), top)


def test_skiff_truth_names_pages_that_exist() -> None:
    pages = {path.relative_to(SKIFF / "docs").as_posix() for path in (SKIFF / "docs").rglob("*.md")}
    for version in ("2.4.0", "2.5.0", "2.6.0"):
        truth = json.loads((SKIFF / version / "truth.json").read_text(encoding="utf-8"))
        assert set(truth["pages"]) <= pages
        assert set(truth["pages"]) == {page for entry in truth["entries"] for page in entry["pages"]}


def test_telegraf_plugin_pages_rank_first(shared_data: Path, tmp_path: Path) -> None:
    folder = shared_data / "staleness" / "telegraf" / "1.38.0"
    with tarfile.open(folder / "docs.tar.gz") as archive:
        archive.extractall(tmp_path, filter="data")
    truth = set(json.loads((folder / "truth.json").read_text(encoding="utf-8"))["pages"])
    top = _top(tmp_path / "docs", folder / "notes.md", 10)
    assert len(truth & set(top)) >= 9, (sorted(truth - set(top)), top)
