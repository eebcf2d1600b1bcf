"""The section-title and phrase signals of the staleness checker, on small help centers."""

from __future__ import annotations

from pathlib import Path

from supportkb.gaps.staleness.notes import parse_release_notes
from supportkb.gaps.staleness.match import check_staleness
from supportkb.generator.core.articles import load_articles
from tests.conftest import write_article


def _check(root: Path, notes: str, **options: object):  # type: ignore[no-untyped-def]
    release = parse_release_notes(notes)[0]
    return check_staleness(load_articles(root).articles, release, **options)  # type: ignore[arg-type]


def _filler(root: Path) -> None:
    """Pages that use the entries' words only in passing, so those words are not rare."""
    for index, topic in enumerate(("Exports", "Reports", "Billing", "Users", "Themes", "Search")):
        write_article(
            root / f"misc/page-{index}.md",
            f"# {topic}\n\nSupport for {topic.lower()} and the page footer. Tooltips show on hover.\n"
            "Settings are saved per page. Images load lazily.\n",
            title=topic,
        )


def test_a_section_titled_with_the_entry_words_outranks_pages_that_only_share_them(tmp_path: Path) -> None:
    _filler(tmp_path)
    write_article(
        tmp_path / "reference/footnotes.md",
        "# Footnotes\n\nAdd footnotes to any page.\n\n## Configuration\n\nEnable the extension.\n\n"
        "### Footnote tooltips\n\nShow the footnote's text on hover.\n",
        title="Footnotes",
    )
    write_article(
        tmp_path / "reference/tooltips.md",
        "# Tooltips\n\nTooltips on links, abbreviations and footnote references, each one a tooltip.\n",
        title="Tooltips",
    )
    report = _check(tmp_path, "## 2.0\n\n- Added support for footnote tooltips\n", threshold=0.05)
    top = report.flagged[0]
    assert str(top.path) == "reference/footnotes.md"
    assert "names it in a heading (section 'Footnote tooltips')" in " ".join(top.reasons)
    assert any(e.text == "### Footnote tooltips" and e.line > 0 for e in top.evidence)


def test_a_one_word_heading_sharing_one_word_is_not_a_section_title_match(tmp_path: Path) -> None:
    _filler(tmp_path)
    write_article(tmp_path / "billing/refunds.md", "# Refunds\n\n## Refunds\n\nRefunds take five days.\n", title="Refunds")
    report = _check(tmp_path, "## 2.0\n\n- Faster refunds for annual plans\n", threshold=0.05)
    assert not any("names it" in reason for item in report.flagged for reason in item.reasons)


def test_a_rare_phrase_ties_a_page_that_mentions_it_in_passing(tmp_path: Path) -> None:
    _filler(tmp_path)
    write_article(
        tmp_path / "install.md",
        "# Installation\n\nInstall with pip, or pull the Docker image:\n\n    docker pull acme/site\n\n"
        "The Docker image runs on amd64.\n",
        title="Installation",
    )
    write_article(
        tmp_path / "setup/social-cards.md",
        "# Social cards\n\nCards need image libraries. The Docker image ships them pre-installed;\n"
        "without Docker, install them yourself.\n",
        title="Social cards",
    )
    write_article(
        tmp_path / "setup/images.md",
        "# Images\n\nAn image can be placed in a Docker container or on a host, see above.\n",
        title="Images",
    )
    report = _check(tmp_path, "## 2.0\n\n- Docker image now available for arm64\n", threshold=0.05)
    paths = [str(item.path) for item in report.flagged]
    assert paths.index("setup/social-cards.md") < paths.index("setup/images.md")
    social = report.flagged[paths.index("setup/social-cards.md")]
    assert "uses the phrase 'docker image'" in " ".join(social.reasons)
    line = next(e for e in social.evidence if "Docker image" in e.text)
    # File line 6: three lines of front matter, the heading, a blank line.
    assert line.line == 6 and line.text.startswith("Cards need image libraries. The Docker image")


def test_punctuation_parts_a_phrase(tmp_path: Path) -> None:
    _filler(tmp_path)
    write_article(tmp_path / "plans.md", "# Plans\n\nThe standard edition of the product.\n", title="Plans")
    write_article(tmp_path / "other.md", "# Other\n\nOther things.\n", title="Other")
    report = _check(tmp_path, "## 2.0\n\n- Add extras `slim[standard]`, and edition defaults\n", threshold=0.0, min_listed=10)
    assert not any("uses the phrase 'standard edition'" in reason for item in report.flagged for reason in item.reasons)
