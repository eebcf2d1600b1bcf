"""Component-prefixed changelog entries (`s3: …`, `**[k8s]** …`, `fix(auth): …`) and the pages they name."""

from __future__ import annotations

from pathlib import Path

import pytest

from supportkb.gaps.staleness.components import component_prefix, parent_component
from supportkb.gaps.staleness.match import check_staleness
from supportkb.gaps.staleness.notes import parse_release_notes
from supportkb.generator.core.articles import load_articles
from tests.conftest import write_article


@pytest.mark.parametrize(
    ("head", "component"),
    [
        ("s3: fix redirect loop on EU buckets", "s3"),
        ("**[k8s]** Add pod annotations", "k8s"),
        ("[k8s] Add pod annotations", "k8s"),
        ("**gcs**: support uniform bucket access", "gcs"),
        ("**gcs:** support uniform bucket access", "gcs"),
        ("feat(auth): support SSO via SAML", "auth"),
        ("fix(api)!: drop the v1 routes", "api"),
        ("`inputs.mysql` Add replication latency fields", "inputs.mysql"),
        ("[#17650](https://github.com/o/r/pull/17650) `inputs.mysql` Add fields", "inputs.mysql"),
        ("Web UI: dark theme", "Web UI"),
        ("inputs.cpu: add number of CPUs", "inputs.cpu"),
        # Labels of the kind of entry, versions, sentences and links are not components.
        ("Note: restart after upgrading", None),
        ("Breaking change: the v1 API is gone", None),
        ("fix: a generic fix", None),
        ("Bug fixes: several", None),
        ("1.2.3: first release", None),
        ("https://example.com: a link", None),
        ("Added support for the things people asked for: exports", None),
        ("Fixed a crash when saving", None),
        ("", None),
    ],
)
def test_the_component_an_entry_names_first(head: str, component: str | None) -> None:
    found = component_prefix(head)
    assert (found.component if found else None) == component


@pytest.mark.parametrize(
    ("head", "component"),
    [("s3", "s3"), ("**gcs**:", "gcs"), ("`inputs.cpu`", "inputs.cpu"), ("[k8s]", "k8s"),
     ("New features:", None), ("Added support for things:", None), ("Bug fixes", None)],
)
def test_a_parent_bullet_names_a_component(head: str, component: str | None) -> None:
    assert parent_component(head) == component


def test_a_section_written_as_a_bullet_is_a_section() -> None:
    notes = (
        "## v1.66.0 - 2024-03-10\n\n* New Features\n    * serve s3: Add multipart uploads\n* Bug Fixes\n"
        "    * accounting: fix stats\n* Drive\n    * Fix a crash when listing shared drives\n"
        "* API tokens\n    * Tokens can expire\n"
    )
    entries = parse_release_notes(notes)[0].entries
    assert [(e.component, e.kind, e.section, e.line, e.text) for e in entries] == [
        ("serve s3", "change", "New Features", 4, "serve s3: Add multipart uploads"),
        ("accounting", "fix", "Bug Fixes", 6, "accounting: fix stats"),
        ("Drive", "fix", "", 8, "Fix a crash when listing shared drives"),
        ("API tokens", "change", "", 10, "Tokens can expire"),  # not a section: 'tokens' names no kind of change
    ]


def test_entries_under_a_component_bullet_become_entries_of_that_component() -> None:
    notes = (
        "## 2.0.0\n\n### Changes\n\n- s3\n  - Fix redirect with path-style URLs\n  - Add multipart uploads\n"
        "    for files over 5 GB\n- Added support for things:\n  - detail one\n"
    )
    entries = parse_release_notes(notes)[0].entries
    assert [(e.component, e.kind, e.line, e.text, e.details) for e in entries] == [
        ("s3", "fix", 6, "Fix redirect with path-style URLs", ""),
        ("s3", "change", 7, "Add multipart uploads", "for files over 5 GB"),
        ("", "change", 9, "Added support for things:", "detail one"),
    ]


def test_the_kind_is_read_after_the_component() -> None:
    notes = "## 2.0.0\n\n### Changes\n\n- s3: fix redirect loop\n- fix(auth): token refresh\n- s3: add Object Lock\n"
    assert [e.kind for e in parse_release_notes(notes)[0].entries] == ["fix", "fix", "change"]


def _help_center(root: Path) -> None:
    for name, title in (("s3", "Amazon S3"), ("gcs", "Google Cloud Storage"), ("sftp", "SFTP")):
        write_article(
            root / f"storage/{name}.md",
            f"# {title}\n\nBack up to {title}. Set the bucket, the region and the credentials.\n"
            "Uploads retry three times. Redirects are followed.\n",
            title=title,
        )
    write_article(root / "deploy/kubernetes.md", "# Kubernetes\n\nRun the chart. Pods restart on failure.\n", title="Kubernetes", aliases=["k8s"])
    write_article(root / "auth/index.md", "# Signing in\n\nPasswords and single sign-on.\n", title="Signing in")
    write_article(root / "plugins/inputs/mysql/README.md", "# MySQL\n\nReads server status.\n", title="MySQL Input Plugin")
    write_article(root / "plugins/outputs/mysql/README.md", "# MySQL\n\nWrites metrics.\n", title="MySQL Output Plugin")
    write_article(root / "plugins/secretstores/README.md", "# Secret stores\n\nWhere secrets live.\n", title="Secret stores")
    write_article(root / "billing.md", "# Billing\n\nInvoices and plans.\n", title="Billing")
    write_article(root / "storage/azureblob.md", "# Microsoft Azure\n\nContainers.\n", title="Microsoft Azure")
    write_article(root / "alerts/smtp-email.md", "# Email alerts\n\nSet the server.\n", title="Email alerts")


def _flagged(root: Path, notes: str) -> dict[str, object]:
    release = parse_release_notes(notes)[0]
    report = check_staleness(load_articles(root).articles, release, threshold=0.4)
    return {str(item.path): item for item in report.above_threshold}


@pytest.mark.parametrize(
    ("entry", "page"),
    [
        ("s3: support Object Lock", "storage/s3.md"),
        ("**[k8s]** Helm chart gains a value", "deploy/kubernetes.md"),  # by its alias
        ("feat(auth): passkeys", "auth/index.md"),  # the folder names an index page
        ("`inputs.mysql` Add replication latency fields", "plugins/inputs/mysql/README.md"),
        ("input.mysql: Add replication latency fields", "plugins/inputs/mysql/README.md"),  # stemmed
        ("Google Cloud Storage: customer-supplied keys", "storage/gcs.md"),  # by its title
        ("secretstores.vault: Add token authentication", "plugins/secretstores/README.md"),  # the parent
        ("smtp: Add OAuth sign-in", "alerts/smtp-email.md"),  # a file named after it
        ("Azure Blob: managed identities", "storage/azureblob.md"),  # its words run together
    ],
)
def test_a_component_flags_the_page_of_that_component_alone(tmp_path: Path, entry: str, page: str) -> None:
    _help_center(tmp_path)
    flagged = _flagged(tmp_path, f"## 2.0.0\n\n### Features\n\n- {entry}\n")
    assert list(flagged) == [page]
    item = flagged[page]
    assert any("filed under component" in reason for reason in item.reasons)  # type: ignore[attr-defined]
    assert item.evidence[0].line > 0  # type: ignore[attr-defined]


def test_a_fix_filed_under_a_component_is_only_a_candidate(tmp_path: Path) -> None:
    _help_center(tmp_path)
    release = parse_release_notes("## 2.0.0\n\n- sftp: fix a crash on reconnect\n")[0]
    report = check_staleness(load_articles(tmp_path).articles, release, threshold=0.4, min_listed=5)
    assert not report.above_threshold
    assert [str(item.path) for item in report.flagged][:1] == ["storage/sftp.md"]


def test_a_label_or_unknown_component_flags_nothing_by_itself(tmp_path: Path) -> None:
    _help_center(tmp_path)
    assert _flagged(tmp_path, "## 2.0.0\n\n- Note: restart after upgrading\n- teams: new notifier\n") == {}


def test_a_name_two_pages_share_flags_both_less_surely(tmp_path: Path) -> None:
    _help_center(tmp_path)
    shared = _flagged(tmp_path, "## 2.0.0\n\n- mysql: faster startup\n")
    unique = _flagged(tmp_path, "## 2.0.0\n\n- sftp: faster startup\n")
    assert sorted(shared) == ["plugins/inputs/mysql/README.md", "plugins/outputs/mysql/README.md"]
    assert max(item.score for item in shared.values()) < unique["storage/sftp.md"].score  # type: ignore[attr-defined]


def test_a_name_many_pages_share_names_none(tmp_path: Path) -> None:
    for index in range(6):
        write_article(tmp_path / f"api/v{index}/README.md", f"# API {index}\n\nEndpoints.\n", title=f"API v{index}")
    write_article(tmp_path / "other.md", "# Other\n\nText.\n", title="Other")
    release = parse_release_notes("## 2.0.0\n\n- README: new layout\n")[0]
    report = check_staleness(load_articles(tmp_path).articles, release, threshold=0.0)
    assert not any("filed under component" in reason for item in report.flagged for reason in item.reasons)


def test_hostile_component_names_are_harmless(tmp_path: Path) -> None:
    _help_center(tmp_path)
    notes = "## 2.0.0\n\n" + "".join(
        f"- {name}: text\n" for name in ("../../etc/passwd", "<script>", "a" * 39, "ß∂ƒ", "*", "`x`")
    ) + "- " + "[" * 5000 + "\n"
    release = parse_release_notes(notes)[0]
    report = check_staleness(load_articles(tmp_path).articles, release, threshold=0.4)
    assert report.above_threshold == ()


@pytest.mark.parametrize(
    ("entry", "page", "reason"),
    [
        ("s3: support Object Lock", "storage/s3.md", "filed under component 's3' (this page's file name): \"s3: support Object Lock\""),
        ("**[k8s]** new chart value", "deploy/kubernetes.md", "filed under component 'k8s' (this page's title or alias): \"[k8s] new chart value\""),
    ],
)
def test_the_reason_says_how_the_page_goes_by_the_component(tmp_path: Path, entry: str, page: str, reason: str) -> None:
    _help_center(tmp_path)
    item = _flagged(tmp_path, f"## 2.0.0\n\n### Features\n\n- {entry}\n")[page]
    assert item.reasons[0] == reason  # type: ignore[attr-defined]
    assert item.evidence[0].text.startswith("title: ")  # type: ignore[attr-defined]
