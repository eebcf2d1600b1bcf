"""Matching note entries to articles: each signal, the weighting, and what is never flagged."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from supportkb.generator.core.articles import load_articles
from supportkb.gaps.staleness.notes import NoteEntry, Release, parse_release_notes
from supportkb.gaps.staleness.match import check_staleness
from supportkb.gaps.staleness.signals.identifier import identifiers_in
from supportkb.gaps.staleness.signals.signal_match import combine
from tests.conftest import write_article


def help_center(root: Path) -> Path:
    """A small help center about an invoicing product."""
    write_article(
        root / "billing/invoices.md",
        """\
        # Invoices

        Every month you get an invoice by email.

        ## Download an invoice

        Open **Billing > Invoices** and click **Download PDF**.

        ## Invoice numbering

        Set `invoice.prefix` in the settings to change the numbers.
        """,
        title="Invoices",
        features=["invoice numbering"],
        product_area="billing",
    )
    write_article(
        root / "account/two-factor.md",
        """\
        # Two-factor authentication

        Protect your account with an authenticator app.

        ## Recovery codes

        Keep your recovery codes somewhere safe.
        """,
        title="Two-factor authentication",
    )
    write_article(
        root / "integrations/slack.md",
        "# Slack\n\nPost alerts to a Slack channel with the `/acme subscribe` command.\n",
        title="Slack integration",
    )
    (root / "plain.md").write_text("# Exporting data\n\nUse the CSV exporter to download reports.\n", encoding="utf-8")
    return root


def release(*lines: str, version: str = "2.0.0") -> Release:
    (parsed,) = parse_release_notes(f"## {version}\n\n" + "".join(f"{line}\n" for line in lines))
    return parsed


def flagged_paths(root: Path, notes: Release, **options) -> list[str]:
    report = check_staleness(load_articles(root).articles, notes, **options)
    return [str(item.path) for item in report.flagged]


def test_link_to_a_page_on_an_unknown_domain_matches_by_url_path(tmp_path: Path):
    root = help_center(tmp_path)
    notes = release("- Recovery codes can now be printed, see [docs](https://help.example.org/en/account/two-factor/#recovery-codes).")
    report = check_staleness(load_articles(root).articles, notes)
    top = report.flagged[0]
    assert str(top.path) == "account/two-factor.md"
    assert top.reasons[0].startswith("linked from the notes")
    assert top.evidence[0].line == 8  # the 'Recovery codes' heading the anchor points to
    assert top.evidence[0].text == "Recovery codes"


def test_file_names_in_notes_match_articles_by_path_suffix(tmp_path: Path):
    root = help_center(tmp_path)
    assert flagged_paths(root, release("- New alerts, see `docs/en/integrations/slack.md`")) == ["integrations/slack.md"]


def test_declared_feature_in_front_matter(tmp_path: Path):
    root = help_center(tmp_path)
    report = check_staleness(load_articles(root).articles, release("- Invoice numbering restarts every year"))
    top = report.flagged[0]
    assert top.path == PurePosixPath("billing/invoices.md")
    assert "declares features 'invoice numbering'" in top.reasons[0]
    assert top.evidence[0].line == 3  # features: line in the front matter
    assert top.evidence[0].text == "features: invoice numbering"


def test_identifier_found_verbatim_with_its_line(tmp_path: Path):
    root = help_center(tmp_path)
    report = check_staleness(load_articles(root).articles, release("- Renamed `invoice.prefix` to `invoice.number_prefix`"))
    top = report.flagged[0]
    assert top.path == PurePosixPath("billing/invoices.md")
    assert any(reason.startswith("mentions `invoice.prefix`") for reason in top.reasons)
    assert (17, "Set `invoice.prefix` in the settings to change the numbers.") in {(e.line, e.text) for e in top.evidence}


def test_bold_ui_label_found_in_any_case(tmp_path: Path):
    root = help_center(tmp_path)
    notes = release("- The **download pdf** button moved to the invoice page")
    assert flagged_paths(root, notes)[0] == "billing/invoices.md"


def test_text_similarity_finds_articles_without_front_matter(tmp_path: Path):
    root = help_center(tmp_path)
    assert flagged_paths(root, release("- Reports from the CSV exporter now download faster")) == ["plain.md"]


def test_unrelated_release_flags_nothing(tmp_path: Path):
    root = help_center(tmp_path)
    notes = release("- Faster startup on ARM laptops", "- Updated Norwegian translations", "- Fixed a crash when the clipboard is empty")
    assert flagged_paths(root, notes) == []


def test_translation_and_internal_entries_weigh_less_than_features(tmp_path: Path):
    root = help_center(tmp_path)
    notes = parse_release_notes(
        "## 2.0.0\n\n### Translations\n\n- Add German translation for [Slack](https://x.io/integrations/slack/)\n"
        "\n### Features\n\n- Recovery codes for [two-factor](https://x.io/account/two-factor/)\n"
    )[0]
    report = check_staleness(load_articles(root).articles, notes, threshold=0.0)
    scores = {str(item.path): item.score for item in report.flagged}
    assert scores["account/two-factor.md"] >= 0.9
    assert scores["integrations/slack.md"] < 0.1


def test_changelog_pages_in_the_help_center_are_history_not_stale(tmp_path: Path):
    root = help_center(tmp_path)
    write_article(
        root / "changelog.md",
        "# Changelog\n\n## 1.2.0\n\nAdded recovery codes.\n\n## 1.1.0\n\nRecovery codes fixes.\n\n## 1.0.0\n\nFirst.\n",
        title="Changelog",
    )
    assert "changelog.md" not in flagged_paths(root, release("- Recovery codes can be regenerated"), threshold=0.0)


def test_ranked_best_first_with_scores_between_0_and_1(tmp_path: Path):
    root = help_center(tmp_path)
    notes = release(
        "- See [two-factor](https://help.example.org/account/two-factor/)",
        "- Slack alerts now include the invoice number",
    )
    report = check_staleness(load_articles(root).articles, notes, threshold=0.0)
    scores = [item.score for item in report.flagged]
    assert scores == sorted(scores, reverse=True)
    assert all(0 < score <= 1 for score in scores)
    assert str(report.flagged[0].path) == "account/two-factor.md"


def test_empty_help_center(tmp_path: Path):
    report = check_staleness((), release("- Added export"))
    assert report.flagged == ()
    assert report.articles_checked == 0


def test_identifiers_of_an_entry():
    found = identifiers_in('Add `--dry-run` to `acme sync`, set **Auto renew** or "Save changes"; see jsonable_encoder and UploadFile()')
    assert [(i.text, i.is_code) for i in found] == [
        ("--dry-run", True),
        ("acme sync", True),
        ("jsonable_encoder", True),
        ("UploadFile()", True),
        ("Auto renew", False),
        ("Save changes", False),
    ]


def test_combine_counts_further_evidence_less():
    assert combine([0.6]) == 0.6
    assert round(combine([0.6, 0.6]), 4) == round(1 - 0.4 * 0.7, 4)
    assert combine([0.2, 0.9]) == combine([0.9, 0.2])
    assert combine([]) == 0.0


def test_note_entry_text_is_the_evidence_entry(tmp_path: Path):
    root = help_center(tmp_path)
    entry = NoteEntry(text="Slack alerts moved", source="Slack alerts moved to `/acme subscribe`")
    report = check_staleness(load_articles(root).articles, Release("3.0", None, (entry,)))
    assert report.flagged[0].evidence[0].entry == "Slack alerts moved"


def test_version_mentions_of_an_entry():
    from supportkb.gaps.staleness.signals.outdated_version import version_mentions

    assert version_mentions("Upgrade Starlette to `0.15.0`, and OpenAPI 3.1.0") == [("Starlette", (0, 15, 0)), ("OpenAPI", (3, 1, 0))]
    assert version_mentions("Bump lodash from 4.17.20 to 4.17.21 in /docs") == []
    assert version_mentions("Fixed #7924 in 2.0") == []


def test_article_stating_an_older_version_is_flagged(tmp_path: Path):
    root = help_center(tmp_path)
    write_article(root / "api/limits.md", "# API limits\n\nThe Acme API v2.3 allows 100 calls a minute.\n", title="API limits")
    write_article(root / "api/old.md", "# Legacy\n\nThe Acme API 1.9 is gone.\n", title="Legacy API")
    report = check_staleness(load_articles(root).articles, release("- Acme API 2.4: calls per minute raised"))
    top = report.flagged[0]
    assert str(top.path) == "api/limits.md"
    assert top.reasons[0] == 'states API v2.3, older than 2.4 in the notes: "Acme API 2.4: calls per minute raised"'
    assert top.evidence[0].line == 6
    assert "api/old.md" not in [str(item.path) for item in report.flagged]  # another major version


def test_dated_posts_are_history_but_dated_docs_are_not(tmp_path: Path):
    root = help_center(tmp_path)
    write_article(root / "blog/recovery.md", "# Recovery codes are here\n\nRecovery codes launched.\n", title="Recovery codes are here", date="2024-05-01", authors=["ana"])
    write_article(root / "security/recovery.md", "# Recovery codes\n\nRecovery codes explained.\n", title="Recovery codes", date="2024-05-01")
    paths = flagged_paths(root, release("- Recovery codes can be regenerated"), threshold=0.0)
    assert "blog/recovery.md" not in paths
    assert "security/recovery.md" in paths


def test_below_threshold_candidates_fill_the_list_and_are_marked(tmp_path: Path):
    root = help_center(tmp_path)
    notes = release("- Recovery codes can now be printed, see [docs](https://help.example.org/account/two-factor/).", "- Faster CSV reports")
    articles = load_articles(root).articles
    strict = check_staleness(articles, notes)
    listed = check_staleness(articles, notes, min_listed=10)
    assert [str(item.path) for item in strict.flagged] == ["account/two-factor.md"]
    assert [str(item.path) for item in listed.flagged] == ["account/two-factor.md", "plain.md"]
    candidate = listed.flagged[1]
    assert candidate.is_below_threshold and candidate.score < listed.threshold
    assert candidate.reasons[0] == "lower confidence: below the 0.40 threshold, listed to fill the top 10"
    assert listed.above_threshold == strict.flagged


def test_min_listed_stops_at_articles_without_real_evidence(tmp_path: Path):
    root = help_center(tmp_path)
    report = check_staleness(load_articles(root).articles, release("- Faster startup on older phones"), min_listed=10)
    assert report.flagged == ()


def test_link_text_on_a_hub_page_counts_for_the_page_it_links_to(tmp_path: Path):
    write_article(
        tmp_path / "overview.md",
        "# What you get\n\n- [Instant previews](setup/navigation.md#instant-previews)\n- [Offline search][offline]\n\n"
        "  [offline]: setup/search.md\n",
        title="What you get",
    )
    write_article(
        tmp_path / "setup/navigation.md",
        "# Navigation\n\nTabs, sections and more.\n\n## Instant previews\n\nHover a link to see the page.\n",
        title="Navigation",
    )
    write_article(tmp_path / "setup/search.md", "# Search\n\nThe search box finds pages.\n", title="Search")
    assert flagged_paths(tmp_path, release("- Added support for offline search"), threshold=0.05)[0] == "setup/search.md"
    report = check_staleness(load_articles(tmp_path).articles, release("- Added support for instant previews"), threshold=0.05)
    assert [str(item.path) for item in report.flagged] == ["setup/navigation.md"]
    assert "(section 'Instant previews')" in report.flagged[0].reasons[0]


def test_docs_entries_weigh_less_than_fixes(tmp_path: Path):
    """A docs entry records a page already updated; a fix may have left one out of date."""
    articles = load_articles(help_center(tmp_path)).articles
    link = "recovery codes, see [it](https://x.io/account/two-factor/)"
    docs = check_staleness(articles, release("### Docs", f"- Clarified {link}"), threshold=0.1)
    fix = check_staleness(articles, release("### Fixes", f"- Fixed {link}"), threshold=0.1)
    assert [str(item.path) for item in fix.flagged] == [str(item.path) for item in docs.flagged] == ["account/two-factor.md"]
    assert docs.flagged[0].score < 0.4 <= fix.flagged[0].score


def test_a_line_of_the_notes_code_example_shown_in_an_article(tmp_path: Path):
    root = help_center(tmp_path)
    write_article(
        root / "cli/sync.md",
        "# Syncing\n\n```console\n$ acme sync --all\n<b>INFO</b>:  Synced 1204 records to the warehouse\n```\n",
        title="Syncing",
    )
    notes = release("- The new `acme push` command replaces syncing.", "", "```console", "$ acme push", "INFO:   Synced 87 records to the warehouse", "```")
    report = check_staleness(load_articles(root).articles, notes)
    top = report.flagged[0]
    assert str(top.path) == "cli/sync.md"
    assert top.reasons[0].startswith("shows the line `INFO:   Synced 87 records to the warehouse` (in 1 of 5 articles)")
    assert top.evidence[0].line == 8  # below 3 lines of front matter
