"""Release notes in the shapes projects publish them, split into releases and entries."""

from __future__ import annotations

import datetime as dt
import textwrap
import time
from pathlib import Path

import pytest

from supportkb.generator.core.errors import KBError
from supportkb.gaps.staleness.notes import (
    NoteEntry,
    kind_of_section,
    parse_release_notes,
    pick_release,
    read_release_notes,
    release_title,
)

KEEP_A_CHANGELOG = """\
# Changelog
All notable changes to this project will be documented in this file.

## [Unreleased]

## [2.1.0] - 2024-05-02
### Added
- Export invoices as **CSV** from the `Billing > Invoices` page.
- New `--dry-run` flag for `acme sync`.

### Fixed
- Refund emails were sent twice.

## [2.0.0] - 2024-03-01
### Removed
- The legacy `v1` API.

[2.1.0]: https://github.com/acme/app/compare/v2.0.0...v2.1.0
"""

GITHUB_RELEASE = """\
## What's Changed
* Add SSO login with Okta by @alice in https://github.com/acme/app/pull/812
* Fix timezone in `report.schedule` by @bob in https://github.com/acme/app/pull/815
* Bump lodash from 4.17.20 to 4.17.21 by @dependabot[bot] in https://github.com/acme/app/pull/816

## New Contributors
* @carol made their first contribution in https://github.com/acme/app/pull/813

**Full Changelog**: https://github.com/acme/app/compare/v3.1.0...v3.2.0
"""

VERSION_SECTIONS = """\
## 0.9.0

### Features

* ✨ Add `webhooks` to the API. PR [#97](https://github.com/acme/app/pull/97) by [@alice](https://github.com/alice).
    * New docs: [Webhooks](https://docs.acme.io/advanced/webhooks/).
* ✨ Allow `Query()` defaults. PR [#98](https://github.com/acme/app/pull/98) by [@bob](https://github.com/bob).

### Docs

* 📝 Fix typos in the tutorial. PR [#99](https://github.com/acme/app/pull/99) by [@carol](https://github.com/carol).

### Translations

* 🌐 Add German translation for `docs/de/docs/index.md`. PR [#100](https://github.com/acme/app/pull/100).

### Internal

* ⬆ Bump mkdocs from 1.4 to 1.5. PR [#101](https://github.com/acme/app/pull/101).

## 0.8.0

* Add support for tags. PR [#90](https://github.com/acme/app/pull/90).
"""

PLAIN_CHANGELOG = """\
acme-2.4.0 (2025-01-31)

  Additions and improvements

  * Added meta plugin
  * Added support for navigation subtitles

  Fixes

  * Fixed #7924: Anchors might require two clicks

acme-2.3.9 (2025-01-20)

  * Fixed rendering of tags
"""


def texts(entries: tuple[NoteEntry, ...]) -> list[str]:
    return [entry.text for entry in entries]


def test_keep_a_changelog_splits_releases_sections_and_dates():
    releases = parse_release_notes(KEEP_A_CHANGELOG)
    assert [(r.version, r.date) for r in releases] == [
        ("Unreleased", None),
        ("2.1.0", dt.date(2024, 5, 2)),
        ("2.0.0", dt.date(2024, 3, 1)),
    ]
    added = releases[1].entries
    assert texts(added) == [
        "Export invoices as CSV from the Billing > Invoices page.",
        "New --dry-run flag for acme sync.",
        "Refund emails were sent twice.",
    ]
    assert [(e.section, e.kind) for e in added] == [("Added", "change"), ("Added", "change"), ("Fixed", "fix")]
    assert added[0].source == "Export invoices as **CSV** from the `Billing > Invoices` page."
    assert added[0].line == 8


def test_github_release_body_drops_author_trailers_and_classifies_sections():
    (release,) = parse_release_notes(GITHUB_RELEASE)
    assert release.version == ""
    assert texts(release.entries) == [
        "Add SSO login with Okta",
        "Fix timezone in report.schedule",
        "Bump lodash from 4.17.20 to 4.17.21",
        "@carol made their first contribution",
    ]
    assert [e.kind for e in release.entries] == ["change", "fix", "internal", "internal"]
    assert release.entries[0].links == ("https://github.com/acme/app/pull/812",)


def test_version_sections_fold_sub_bullets_into_their_entry():
    releases = parse_release_notes(VERSION_SECTIONS)
    assert [r.version for r in releases] == ["0.9.0", "0.8.0"]
    entries = releases[0].entries
    assert texts(entries) == [
        "Add webhooks to the API",
        "Allow Query() defaults",
        "Fix typos in the tutorial",
        "Add German translation for docs/de/docs/index.md",
        "Bump mkdocs from 1.4 to 1.5",
    ]
    assert [e.kind for e in entries] == ["change", "change", "docs", "translation", "internal"]
    assert entries[0].details == "New docs: Webhooks."
    assert "https://docs.acme.io/advanced/webhooks/" in entries[0].links


def test_plain_changelog_with_indented_section_titles():
    releases = parse_release_notes(PLAIN_CHANGELOG)
    assert [(r.version, r.date) for r in releases] == [("2.4.0", dt.date(2025, 1, 31)), ("2.3.9", dt.date(2025, 1, 20))]
    first = releases[0].entries
    assert texts(first) == ["Added meta plugin", "Added support for navigation subtitles", "Fixed #7924: Anchors might require two clicks"]
    assert [(e.section, e.kind) for e in first] == [
        ("Additions and improvements", "change"),
        ("Additions and improvements", "change"),
        ("Fixes", "fix"),
    ]


def test_html_in_notes_becomes_text_and_links():
    notes = textwrap.dedent(
        """\
        <h2>3.0.0</h2>
        <ul>
          <li>Added <strong>dark mode</strong>, see <a href="https://help.acme.io/settings/theme/">Theme</a></li>
          <li>Removed <code>legacy_export</code> &amp; friends<script>alert(1)</script></li>
        </ul>
        """
    )
    (release,) = parse_release_notes(notes)
    assert release.version == "3.0.0"
    assert texts(release.entries) == ["Added dark mode, see Theme", "Removed legacy_export & friends"]
    assert release.entries[0].links == ("https://help.acme.io/settings/theme/",)


def test_prose_paragraphs_are_entries_and_code_blocks_are_skipped():
    notes = "## 1.0.0\n\nThe sync engine was rewritten.\nIt is faster.\n\n```console\n$ acme sync --all\n* not an entry\n```\n\n- Added export\n"
    (release,) = parse_release_notes(notes)
    assert texts(release.entries) == ["The sync engine was rewritten. It is faster.", "Added export"]
    # The code shows the entry above it in use: it joins that entry's details.
    assert release.entries[0].details == "$ acme sync --all * not an entry"


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        ("1.2.3", ("1.2.3", None)),
        ("v1.2.3", ("1.2.3", None)),
        ("[1.2.3] - 2024-01-31", ("1.2.3", dt.date(2024, 1, 31))),
        ("mkdocs-material-9.6.0 (2025-01-31)", ("9.6.0", dt.date(2025, 1, 31))),
        ("Release 2.0", ("2.0", None)),
        ("Version 2.0.0-rc.1", ("2.0.0-rc.1", None)),
        ("9.5.18 April 16, 2024", ("9.5.18", None)),
        ("Unreleased", ("Unreleased", None)),
        ("Features", None),
        ("Upgrade to Python 3.12 first", None),
    ],
)
def test_release_titles(heading, expected):
    assert release_title(heading) == expected


@pytest.mark.parametrize(
    ("section", "kind"),
    [
        ("Features", "change"),
        ("Breaking Changes - Upgrade", "change"),
        ("Bug fixes", "fix"),
        ("Docs", "docs"),
        ("Translations", "translation"),
        ("Internal", "internal"),
        ("New Contributors", "internal"),
        ("Summary", None),
    ],
)
def test_section_kinds(section, kind):
    assert kind_of_section(section) == kind


def test_pick_release_by_version_and_default(tmp_path: Path):
    releases = parse_release_notes(KEEP_A_CHANGELOG)
    assert pick_release(releases, None, source="CHANGELOG.md").version == "2.1.0"  # Unreleased is empty
    assert pick_release(releases, "v2.0.0", source="CHANGELOG.md").version == "2.0.0"
    with pytest.raises(KBError) as error:
        pick_release(releases, "9.9.9", source="CHANGELOG.md")
    assert str(error.value) == "CHANGELOG.md: release 9.9.9 is not in the notes\n  hint: versions found: Unreleased, 2.1.0, 2.0.0"


def test_version_names_notes_without_a_heading():
    releases = parse_release_notes("- Added export\n")
    assert pick_release(releases, "4.0.0", source="notes.md").version == "4.0.0"


@pytest.mark.parametrize("text", ["", "# Changelog\n\nNothing here yet.\n"[:12], "## 1.0.0\n\n## 0.9.0\n"])
def test_notes_without_entries_are_a_clear_error(text):
    with pytest.raises(KBError) as error:
        pick_release(parse_release_notes(text), None, source="notes.md")
    assert "no release-note entries found" in str(error.value)


def test_unreadable_notes(tmp_path: Path):
    with pytest.raises(KBError, match="release notes not found"):
        read_release_notes(tmp_path / "missing.md")
    (tmp_path / "latin1.md").write_bytes(b"- Caf\xe9 menu\n")
    with pytest.raises(KBError, match="not valid UTF-8"):
        read_release_notes(tmp_path / "latin1.md")


def test_huge_notes_parse_quickly():
    notes = "## 5.0.0\n\n" + "".join(f"- Added option `opt_{i}` to the exporter\n" for i in range(50_000))
    started = time.perf_counter()
    (release,) = parse_release_notes(notes)
    assert len(release.entries) == 50_000
    assert time.perf_counter() - started < 10  # Linear, not quadratic; usually well under 2 s.


def test_real_fastapi_notes_keep_distractor_sections_apart(shared_data: Path):
    (release,) = read_release_notes(shared_data / "staleness/fastapi/0.99.0/notes.md")
    kinds = [e.kind for e in release.entries]
    assert release.entries[0].text == "Add support for OpenAPI 3.1.0"
    assert kinds[:2] == ["change", "change"]
    assert kinds.count("translation") == 2
    assert "https://fastapi.tiangolo.com/tutorial/schema-extra-example/" in release.entries[0].links


def test_code_blocks_keep_their_lines_for_matching():
    (release,) = parse_release_notes("## 2.0\n\n- New `acme push` command\n\n  ```console\n  $ acme push\n  Pushed 3 files\n  ```\n\nTry it:\n\n```\nacme push --all\n```\n")
    assert [entry.code for entry in release.entries] == [("  $ acme push", "  Pushed 3 files"), ("acme push --all",)]
