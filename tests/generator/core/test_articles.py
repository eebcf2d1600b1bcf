from __future__ import annotations

import datetime as dt
import os
from pathlib import Path, PurePosixPath

import markdown
from supportkb.generator.core.articles import load_articles
from tests.conftest import write_article


def test_front_matter_fields_become_an_article(tmp_path: Path) -> None:
    write_article(
        tmp_path / "billing/refunds.md",
        "Intro text.\n\n## How refunds work\n\nFive days.\n\n## How refunds work\n\nAgain.\n",
        id="42", title="Refunds", summary="Getting money back.", category="billing",
        tags=["refund"], features=["Refund button"], audience="internal", owner="ana",
        reviewed="2026-01-31", review_every="180d", aliases=["money back"],
    )
    loaded = load_articles(tmp_path)
    assert loaded.diagnostics == ()
    (article,) = loaded.articles
    assert article.path == PurePosixPath("billing/refunds.md")
    assert (article.id, article.title, article.summary, article.category) == ("42", "Refunds", "Getting money back.", "billing")
    assert article.tags == ("refund",) and article.features == ("Refund button",) and article.aliases == ("money back",)
    assert article.is_internal and article.owner == "ana"
    assert article.reviewed == dt.date(2026, 1, 31)
    assert article.review_due == dt.date(2026, 1, 31) + dt.timedelta(days=180)
    assert article.url == "billing/refunds/"
    assert [(h.title, h.anchor, h.line) for h in article.headings] == [
        ("How refunds work", "how-refunds-work", 19),
        ("How refunds work", "how-refunds-work_1", 23),
    ]
    assert article.intro() == "Intro text."
    assert [s.text for s in article.sections()] == ["Five days.", "Again."]


def test_folder_without_front_matter(tmp_path: Path) -> None:
    (tmp_path / "guides").mkdir()
    (tmp_path / "guides/setup.md").write_text("Some intro\n\n# Setting Up\n\ntext\n", encoding="utf-8")
    (tmp_path / "reset-password.md").write_text("No heading at all.\n", encoding="utf-8")
    loaded = load_articles(tmp_path)
    assert loaded.diagnostics == ()
    titles = {str(a.path): (a.id, a.title) for a in loaded.articles}
    assert titles == {
        "guides/setup.md": ("guides/setup", "Setting Up"),
        "reset-password.md": ("reset-password", "Reset password"),
    }


def test_anchors_match_what_markdown_renders(tmp_path: Path) -> None:
    body = (
        "# Title\n\n## Step 2: Map your *clients*\n\n## Why `429`?\n\n## Custom {#my-id}\n\n"
        "```\n## not a heading\n```\n\nSetext heading\n--------------\n\n## Café & résumé\n"
    )
    write_article(tmp_path / "a.md", body, title="A")
    (article,) = load_articles(tmp_path).articles
    md = markdown.Markdown(extensions=["toc", "attr_list", "fenced_code"])
    md.convert(body)
    rendered = []

    def walk(tokens: list) -> None:
        for token in tokens:
            rendered.append(token["id"])
            walk(token["children"])

    walk(md.toc_tokens)
    assert [h.anchor for h in article.headings] == rendered


def test_unreadable_files_are_reported_and_the_rest_loaded(tmp_path: Path) -> None:
    write_article(tmp_path / "good.md", title="Good")
    (tmp_path / "latin1.md").write_bytes(b"---\ntitle: Caf\xe9\n---\n")
    (tmp_path / "empty.md").write_text("", encoding="utf-8")
    os.symlink("loop.md", tmp_path / "loop.md")
    loaded = load_articles(tmp_path, display_root=tmp_path)
    assert [a.title for a in loaded.articles] == ["Good"]
    found = {d.path: d for d in loaded.diagnostics}
    assert found["latin1.md"].line == 2 and "UTF-8" in found["latin1.md"].message
    assert "empty" in found["empty.md"].message
    assert "symbolic links" in found["loop.md"].message and found["loop.md"].hint == "remove the broken link"


def test_reads_a_real_dataset(shared_data: Path) -> None:
    loaded = load_articles(shared_data / "search/stackfaq/articles")
    assert len(loaded.articles) == 125 and loaded.diagnostics == ()
    first = loaded.by_id()["sf-001"]
    assert first.title == "Strikethrough with GitHub Markdown"
    assert [h.anchor for h in first.headings][:2] == ["answer-1", "answer-2"]
