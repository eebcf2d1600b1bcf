"""The text core: words, stems, Markdown to text, link resolution and slugs, each defined once."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import markdown
import pytest

from supportkb.generator.core.links import article_for_reference, is_external, linked_article, resolve_link
from supportkb.generator.core.markdown_scan import scan_markdown
from supportkb.generator.core.markdown_text import plain_text, prose_lines
from supportkb.generator.core.slug import file_slug, heading_anchor
from supportkb.generator.core.text import FUNCTION_WORDS, STOP_WORDS, stem_word, terms, word_parts, words

BODY = """Intro with [a link](other.md#setup) and **bold**.

1. Run the installer:

    ```bash
    # not a heading
    pip install refunds
    ```

## Set `max_retries`
"""


def test_words_keep_versions_and_contractions_whole() -> None:
    assert words("Upgrade to v1.2, don't wait; e.g. max_retries") == ["upgrade", "to", "v1.2", "don't", "wait", "e.g", "max_retries"]
    assert word_parts("max_retries in v1.2") == ["max", "retries", "in", "v1", "2"]
    assert word_parts("Docker Image", keep_case=True) == ["Docker", "Image"]


def test_terms_drop_stop_words_and_stem() -> None:
    assert terms("How do I export my invoices?") == ["export", "invoic"]
    assert stem_word("don't") == "don"
    assert STOP_WORDS < FUNCTION_WORDS
    assert "not" in FUNCTION_WORDS and "not" not in STOP_WORDS  # 'not charged' stays a question


def test_plain_text_drops_fenced_code_even_inside_a_list() -> None:
    text = plain_text(BODY)
    assert "pip install" not in text and "not a heading" not in text
    assert "Intro with a link and bold." in text
    assert "Set max_retries" in text
    assert [n for n, line in prose_lines(BODY, first_line=10) if "pip" in line] == []


def test_plain_text_keeps_link_text_and_drops_written_out_urls() -> None:
    text = plain_text("See [the billing page](https://x.example/b) or https://www.facebook.com/help/delete_account now.")
    assert text == "See the billing page or now."


def test_plain_text_reads_escapes_as_the_characters_they_show() -> None:
    """Imported articles write '<' as '&lt;' and '[' as '\\['; search snippets must not show '&amp;lt;'."""
    assert plain_text(r"&lt;script>x&lt;/script> \[x\]\(y) a\_b \*not em\* **bold**") == "<script>x</script> [x](y) a_b *not em* bold"


def test_heading_anchors_match_python_markdown_toc() -> None:
    source = "## Set `max_retries`\n\n## a < b > c\n\n## Zürich **office**\n\n## 日本語\n"
    md = markdown.Markdown(extensions=["toc", "attr_list"])
    md.convert(source)
    expected = [token["id"] for token in md.toc_tokens]
    headings, _ = scan_markdown(source)
    assert [h.anchor for h in headings] == expected == ["set-max_retries", "a-b-c", "zurich-office", "_1"]
    assert heading_anchor("Set max_retries") == "set-max_retries"


def test_fenced_code_hides_headings_and_links() -> None:
    headings, links = scan_markdown(BODY)
    assert [h.title for h in headings] == ["Set max_retries"]
    assert [link.target for link in links] == ["other.md#setup"]


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("refunds.md#fees", ("billing/refunds.md", "fees")),
        ("../account/close%20account.md?x=1", ("account/close account.md", "")),
        ("#faq", ("", "faq")),
    ],
)
def test_resolve_link_is_relative_to_the_article_folder(target: str, expected: tuple[str, str]) -> None:
    resolved = resolve_link(PurePosixPath("billing/invoices.md"), target)
    assert resolved is not None and (resolved.path, resolved.anchor) == expected


@pytest.mark.parametrize("target", ["https://x.test/a.md", "mailto:help@x.test", "//cdn.test/a", "/status/", "", "HTTP://X"])
def test_external_and_absolute_links_are_not_articles(target: str) -> None:
    assert resolve_link("billing/invoices.md", target) is None
    assert linked_article("billing/invoices.md", target, {"status.md": 1}) is None


def test_linked_article_and_references() -> None:
    by_path = {"billing/refunds.md": "R", "billing/invoices.md": "I"}
    assert linked_article("billing/invoices.md", "refunds.md#fees", by_path) == ("R", "fees")
    assert linked_article("billing/invoices.md", "#top", by_path) == ("I", "top")
    assert linked_article("billing/invoices.md", "missing.md", by_path) is None
    assert is_external("ftp://files.test/x") and not is_external("refunds.md")
    assert article_for_reference("billing/refunds", {}, by_path) == "R"
    assert article_for_reference("kb-1", {"kb-1": "K"}, by_path) == "K"


def test_file_slug_folds_accents_and_keeps_other_scripts() -> None:
    assert file_slug("Zürich: refunds & credits (v1.2)") == "zurich-refunds-credits-v1-2"
    assert file_slug("日本語のガイド") == "日本語のガイド"
    assert file_slug("word " * 40) == "-".join(["word"] * 12)


def test_gaps_coverage_passages_skip_fenced_code(tmp_path: Path) -> None:
    from supportkb.gaps.analysis.coverage import article_passages
    from supportkb.generator.core.articles import load_articles

    (tmp_path / "a.md").write_text("---\ntitle: Refunds\n---\n" + BODY, encoding="utf-8")
    texts = [p.text for p in article_passages(load_articles(tmp_path).articles)]
    assert not any("pip install" in t for t in texts)
    assert "Set max_retries" in texts
