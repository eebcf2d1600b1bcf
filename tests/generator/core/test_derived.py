"""Derived fields: what a file without supportkb's front matter gets, and how links resolve."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import pytest

from supportkb.generator.core.articles import load_articles
from supportkb.generator.core.categories import Category, help_center_categories
from supportkb.generator.core.derived import category_from_path, first_paragraph, path_id, title_from_name
from supportkb.generator.core.links import WikiIndex, is_external, linked_article
from supportkb.generator.core.markdown_scan import scan_wikilinks


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("billing/refunds.md", "billing/refunds"),
        ("Billing/Refund policy.md", "billing/refund-policy"),
        ("FAQ.md", "faq"),
        ("getting-started/index.md", "getting-started/index"),
        ("café/Zürich office.md", "cafe/zurich-office"),
        ("billing/🎉.md", path_id(PurePosixPath("billing/🎉.md"))),
    ],
)
def test_path_ids_are_slugs_of_each_part(path: str, expected: str) -> None:
    assert path_id(PurePosixPath(path)) == expected


def test_an_emoji_file_name_still_gets_a_stable_link_safe_id() -> None:
    first = path_id(PurePosixPath("billing/🎉.md"))
    assert first == path_id(PurePosixPath("billing/🎉.md"))
    assert first.startswith("billing/page-") and first.isascii()
    assert first != path_id(PurePosixPath("billing/🚀.md"))


def test_category_is_the_top_folder_and_none_at_the_top() -> None:
    assert category_from_path(PurePosixPath("billing/cards/update.md")) == "billing"
    assert category_from_path(PurePosixPath("faq.md")) is None
    assert title_from_name("getting-started") == "Getting started"
    assert title_from_name("mobile_app") == "Mobile app"


@pytest.mark.parametrize(
    ("body", "summary"),
    [
        ("Refunds take five days.\nThey go to the card.\n\nMore.\n", "Refunds take five days. They go to the card."),
        ("# Title\n\n![Shot](a.png)\n\n!!! note\n    Careful.\n\nFirst **real** [paragraph](x.md).\n", "First real paragraph."),
        ("- a list\n- only\n", ""),
        ("```\ncode first\n```\n\nThen text.\n", "Then text."),
        ("See [[Other page|the other page]] and [[Plain]].\n", "See the other page and Plain."),
    ],
)
def test_summary_is_the_first_paragraph(body: str, summary: str) -> None:
    assert first_paragraph(body) == summary


def test_a_long_first_paragraph_is_cut_at_a_word_or_sentence() -> None:
    words = first_paragraph("word " * 100)
    assert len(words) <= 201 and words.endswith("word…") and ("word " * 100).startswith(words[:-1])
    sentences = first_paragraph(("A sentence of some length here. " * 10).strip())
    assert sentences.endswith("here.") and len(sentences) <= 200


def test_loader_derives_what_the_file_leaves_out(tmp_path: Path) -> None:
    (tmp_path / "getting-started").mkdir()
    (tmp_path / "getting-started/Create your account.md").write_text("---\npublish: true\n---\n\nSign up with your email.\n", encoding="utf-8")
    (tmp_path / "getting-started/explicit.md").write_text("---\ntitle: Mine\nid: '7'\ncategory: billing\nsummary: Own.\n---\n# Heading\n\nText.\n", encoding="utf-8")
    (tmp_path / "getting-started/h1.md").write_text("# From the heading\n\nBody.\n", encoding="utf-8")
    loaded = load_articles(tmp_path)
    assert loaded.diagnostics == ()
    derived = loaded.by_path()["getting-started/Create your account.md"]
    assert (derived.title, derived.id, derived.category, derived.summary) == ("Create your account", "getting-started/create-your-account", "getting-started", "Sign up with your email.")
    assert derived.derived == {"title", "id", "category", "summary"}
    assert derived.meta == {"publish": True}  # Unknown keys are kept for the theme.
    explicit = loaded.by_path()["getting-started/explicit.md"]
    assert (explicit.title, explicit.id, explicit.category, explicit.summary, explicit.derived) == ("Mine", "7", "billing", "Own.", frozenset())
    assert loaded.by_path()["getting-started/h1.md"].title == "From the heading"


def test_an_explicitly_empty_summary_is_not_derived(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text('---\ntitle: A\nsummary: ""\n---\nText here.\n', encoding="utf-8")
    article = load_articles(tmp_path).articles[0]
    assert article.summary == "" and "summary" not in article.derived


def test_folder_categories_join_the_listed_ones_and_listed_titles_win(tmp_path: Path) -> None:
    for path in ("billing/a.md", "getting-started/b.md", "c.md"):
        (tmp_path / path).parent.mkdir(exist_ok=True)
        (tmp_path / path).write_text("Text.\n", encoding="utf-8")
    (tmp_path / "billing/typo.md").write_text("---\ncategory: bililng\n---\nText.\n", encoding="utf-8")
    articles = load_articles(tmp_path).articles
    listed = (Category("billing", "Plans and billing"),)
    assert help_center_categories(listed, articles) == (listed[0], Category("getting-started", "Getting started", derived=True))
    # With no categories.yml, a category written in front matter gets a page too.
    assert [c.id for c in help_center_categories((), articles)] == ["billing", "bililng", "getting-started"]


@pytest.mark.parametrize(
    "target",
    ["mailto:help@example.com", "tel:+15555550100", "obsidian://show-plugin?id=x", "obsidian:open", "slack:open", "C:/docs/x.md", "https://x.test/"],
)
def test_any_scheme_is_external(target: str) -> None:
    assert is_external(target)


@pytest.mark.parametrize("target", ["../billing/refunds.md", "refunds.md#a:b", "#faq", "images/a.png"])
def test_relative_links_are_not_external(target: str) -> None:
    assert not is_external(target)


def test_a_folder_link_opens_its_index_or_readme() -> None:
    by_path = {"billing/index.md": "billing index", "guides/README.md": "guides readme", "faq.md": "faq"}
    assert linked_article("faq.md", "billing/", by_path) == ("billing index", "")
    assert linked_article("billing/x.md", "../guides/#top", by_path) == ("guides readme", "top")
    assert linked_article("faq.md", "nowhere/", by_path) is None


def test_link_destinations_may_hold_balanced_parentheses() -> None:
    from supportkb.generator.core.markdown_scan import scan_markdown

    _, links = scan_markdown("[P](../billing/Pagos%20(€)%20y.md) [T](x.md \"title\") [U](https://e.test/a_(b)) [V](y.md (title))\n")
    assert [link.target for link in links] == ["../billing/Pagos%20(€)%20y.md", "x.md", "https://e.test/a_(b)", "y.md"]


def test_wikilinks_are_scanned_outside_code() -> None:
    links = scan_wikilinks("See [[Page]], ![[shot.png|300]] and [[Other#Steps|steps]].\n`[[code]]`\n```\n[[fenced]]\n```\n| [[Cell\\|alias]] |\n", first_line=5)
    assert [(w.target, w.heading, w.alias, w.is_embed, w.line, w.col) for w in links] == [
        ("Page", "", "", False, 5, 5),
        ("shot.png", "", "300", True, 5, 15),
        ("Other", "Steps", "steps", False, 5, 37),
        ("Cell", "", "alias", False, 10, 3),
    ]


def test_wikilinks_resolve_by_path_name_then_title_nearest_first() -> None:
    index = WikiIndex(
        {"billing/Refund policy.md": "Refund policy", "a/setup.md": "Setup A", "b/setup.md": "Setup B", "faq.md": "Frequently asked questions"},
        ["billing/images/shot.png"],
    )
    assert index.resolve("x.md", "refund POLICY") == "billing/Refund policy.md"
    assert index.resolve("x.md", "billing/Refund policy") == "billing/Refund policy.md"
    assert index.resolve("b/other.md", "setup") == "b/setup.md"
    assert index.resolve("a/other.md", "setup") == "a/setup.md"
    assert index.resolve("x.md", "Frequently asked questions") == "faq.md"
    assert index.resolve("x.md", "shot.png") == "billing/images/shot.png"
    assert index.resolve("x.md", "nothing") is None
    assert index.suggest("Refund polcy") == "Refund policy"


def test_loader_resolves_wikilinks_and_their_headings(tmp_path: Path) -> None:
    (tmp_path / "billing").mkdir()
    (tmp_path / "billing/Refund policy.md").write_text("Text.\n\n## How refunds work\n\nFive days.\n", encoding="utf-8")
    (tmp_path / "faq.md").write_text("[[Refund policy#How refunds work]] [[Refund policy#Nope]] [[Missing]]\n", encoding="utf-8")
    faq = load_articles(tmp_path).by_path()["faq.md"]
    assert [(w.path, w.anchor) for w in faq.wikilinks] == [
        ("billing/Refund policy.md", "how-refunds-work"),
        ("billing/Refund policy.md", ""),
        (None, ""),
    ]
