"""Where indexes live, incremental updates and atomic generation swaps, on real files."""

from __future__ import annotations

import os
from pathlib import Path

from supportkb.generator.core.articles import load_articles
from supportkb.generator.core.project import find_project
from supportkb.search.engine import (
    SearchIndex,
    build_project_index,
    index_root_for,
    open_index_for_project,
    refresh_index,
)
from supportkb.search.indexer import CURRENT_FILE, Manifest, current_generation, update_index_dir
from tests.conftest import write_article


def generations(root: Path) -> list[str]:
    return sorted(p.name for p in root.glob("gen-*"))


def test_project_index_lives_in_kb_cache(help_center: Path) -> None:
    project = find_project(start=help_center)
    report = build_project_index(project)
    root = help_center / ".kb-cache/search-index"
    assert report.rebuilt and len(report.added) == 6
    assert current_generation(root) == report.generation
    assert (root / CURRENT_FILE).read_text().strip() == report.generation.name


def test_bare_folder_index_goes_to_user_cache_not_the_folder(
    tmp_path: Path, user_cache: Path
) -> None:
    folder = tmp_path / "docs"
    write_article(folder / "a.md", "Alpha text.\n", title="Alpha")
    before = sorted(p.relative_to(folder) for p in folder.rglob("*"))
    project = find_project(kb=folder)
    index = open_index_for_project(project)
    assert index.search("alpha")[0].title == "Alpha"
    assert sorted(p.relative_to(folder) for p in folder.rglob("*")) == before
    root = index_root_for(project)
    assert root.parent == user_cache and root.name.startswith("index-")


def test_bare_folder_cache_key_follows_content(tmp_path: Path, user_cache: Path) -> None:
    folder = tmp_path / "docs"
    write_article(folder / "a.md", "Alpha text.\n", title="Alpha")
    project = find_project(kb=folder)
    first = index_root_for(project)
    open_index_for_project(project)
    write_article(folder / "b.md", "Beta text.\n", title="Beta")
    second = index_root_for(project)
    assert second != first
    assert open_index_for_project(project).search("beta")[0].title == "Beta"
    write_article(folder / "c.md", "Gamma text.\n", title="Gamma")
    third = index_root_for(project)
    assert open_index_for_project(project).search("gamma")[0].title == "Gamma"
    # Stale entries of the folder go, but for one spare a running server may still be using.
    assert sorted(p.name for p in user_cache.glob("index-*")) == sorted([second.name, third.name])


def test_index_dir_overrides_the_location(tmp_path: Path, help_center: Path) -> None:
    project = find_project(start=help_center)
    open_index_for_project(project, index_dir=tmp_path / "elsewhere")
    assert current_generation(tmp_path / "elsewhere") is not None
    assert not (help_center / ".kb-cache").exists()


def test_unchanged_files_are_not_reindexed(help_center: Path) -> None:
    project = find_project(start=help_center)
    first = build_project_index(project)
    again = build_project_index(project)
    assert again.is_noop and again.generation == first.generation


def test_edited_article_is_reindexed_alone_in_a_new_generation(help_center: Path) -> None:
    project = find_project(start=help_center)
    first = build_project_index(project)
    old_index = SearchIndex.open(help_center / ".kb-cache/search-index")
    path = help_center / "kb/articles/billing/invoices.md"
    write_article(
        path, "Invoices now come as zebra-striped PDFs.\n", id="124", title="Download invoices"
    )
    os.utime(path, ns=(1, 1))  # A different mtime even on coarse file systems.
    report = build_project_index(project)
    assert (report.changed, report.added, report.removed) == (("billing/invoices.md",), (), ())
    assert report.generation != first.generation
    fresh = SearchIndex.open(help_center / ".kb-cache/search-index")
    assert fresh.search("zebra")[0].article_id == "124"
    # A reader that opened the old generation keeps answering from it.
    assert old_index.search("zebra") == []
    assert old_index.search("refund")[0].article_id == "123"


def test_touched_but_identical_file_keeps_the_generation(help_center: Path) -> None:
    project = find_project(start=help_center)
    first = build_project_index(project)
    path = help_center / "kb/articles/billing/invoices.md"
    os.utime(path, ns=(2, 2))
    report = build_project_index(project)
    assert report.is_noop and report.generation == first.generation
    assert Manifest.read(first.generation).articles["billing/invoices.md"]["mtime_ns"] == 2


def test_added_and_removed_articles(help_center: Path) -> None:
    project = find_project(start=help_center)
    build_project_index(project)
    (help_center / "kb/articles/account/sso.md").unlink()
    write_article(
        help_center / "kb/articles/new.md", "Timesheets explained.\n", id="300", title="Timesheets"
    )
    report = build_project_index(project)
    assert (report.added, report.removed) == (("new.md",), ("account/sso.md",))
    index = SearchIndex.open(help_center / ".kb-cache/search-index")
    assert index.search("timesheets")[0].article_id == "300"
    assert all(hit.article_id != "201" for hit in index.search("single sign-on saml"))
    assert len(index) == 6


def test_old_generations_are_cleaned_up(help_center: Path) -> None:
    project = find_project(start=help_center)
    root = help_center / ".kb-cache/search-index"
    for number in range(4):
        write_article(
            help_center / f"kb/articles/extra-{number}.md", "Text.\n", title=f"Extra {number}"
        )
        build_project_index(project)
    assert len(generations(root)) == 2
    assert (
        current_generation(root) is not None
        and current_generation(root).name == generations(root)[-1]
    )


def test_refresh_index_from_loaded_articles(help_center: Path) -> None:
    project = find_project(start=help_center)
    articles = load_articles(project.articles_dir).articles
    root = refresh_index(project, articles)
    assert root == help_center / ".kb-cache/search-index"
    edited = [
        a if a.id != "201" else a.__class__(**{**a.__dict__, "title": "SAML login"})
        for a in articles
    ]
    report = update_index_dir(root, edited, source=str(project.articles_dir))
    assert report.changed == ("account/sso.md",)
    assert SearchIndex.open(root).search("saml login")[0].title == "SAML login"


def test_rebuild_makes_a_fresh_generation(help_center: Path) -> None:
    project = find_project(start=help_center)
    first = build_project_index(project)
    report = build_project_index(project, rebuild=True)
    assert report.rebuilt and report.generation != first.generation


def test_failed_write_leaves_the_live_index_alone(help_center: Path) -> None:
    project = find_project(start=help_center)
    first = build_project_index(project)
    root = help_center / ".kb-cache/search-index"
    broken = [*load_articles(project.articles_dir).articles]
    broken.append(broken[0])  # The same path twice: refused before anything is published.
    try:
        from supportkb.search.indexer import build_index_dir

        build_index_dir(root, broken)
    except Exception as exc:  # noqa: BLE001 - the test checks what is left after any failure
        assert "given twice" in str(exc)
    assert current_generation(root) == first.generation
    assert generations(root) == [first.generation.name]


def test_synonym_change_reaches_the_index(help_center: Path) -> None:
    project = find_project(start=help_center)
    assert open_index_for_project(project).search("payback") == []
    (help_center / "kb/synonyms.yml").write_text("refund: [payback]\n", encoding="utf-8")
    assert open_index_for_project(project).search("payback")[0].article_id == "123"
