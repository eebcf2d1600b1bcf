"""A small project full of hostile and awkward input: markup in front matter, RTL, huge titles."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import write_article
from tests.generator.kbproject import make_project

SCRIPT_TITLE = "Pay invoices <script>window.__kbxss = 1</script> today"
IMG_SUMMARY = '"><img src=x onerror="window.__kbxss = 2"> summary'
RTL_TITLE = "إعداد الفواتير — Rechnungen für Kunden 🧾"
LONG_TITLE = "How to " + " and ".join(f"configure setting number {n}" for n in range(30))
CATEGORY_TITLE = "Odd <b>category</b> & co"


def make_bad_project(root: Path, *, plugin_options: str = "") -> Path:
    """The kbproject test project plus hostile articles; returns mkdocs.yml."""
    config = make_project(root)
    text = config.read_text(encoding="utf-8").replace("  name: material\n", "  name: material\n  font: false\n")
    if plugin_options:
        text = text.replace("  - supportkb\n", "  - supportkb:\n" + plugin_options)
    config.write_text(text, encoding="utf-8")
    categories = root / "kb/categories.yml"
    categories.write_text(
        categories.read_text(encoding="utf-8")
        + f"odd:\n  title: '{CATEGORY_TITLE}'\n  description: '<script>window.__kbxss = 3</script> described'\n  icon: ../../etc/passwd\n",
        encoding="utf-8",
    )
    articles = root / "kb/articles"
    write_article(
        articles / "odd/script-title.md",
        "# Paying invoices\n\nSome <kbd>Ctrl</kbd> keys and a raw block:\n\n"
        '<div class="raw-block"><strong>Raw HTML</strong> kept as the writer wrote it.</div>\n\n'
        "## Steps\n\nDo the thing.\n",
        id="900", title=SCRIPT_TITLE, summary=IMG_SUMMARY, category="odd",
        tags=["<i>tag</i>", "billing"], aliases=["<b>alias</b> words"], stale_since="<script>9</script>",
    )
    write_article(articles / "odd/rtl.md", "نص المقالة.\n\n## قسم\n\nText.\n", id="901", title=RTL_TITLE, category="odd", summary="ملخص")
    write_article(articles / "odd/long.md", "# Long\n\nText.\n", id="902", title=LONG_TITLE, category="odd")
    write_article(articles / "odd/no-headings.md", "Just a paragraph, no headings at all.\n", id="903", title="No headings here", category="odd")
    return config
