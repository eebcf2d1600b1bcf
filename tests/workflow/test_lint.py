"""kb check's writer rules, their configuration in mkdocs.yml, and the report formats."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from supportkb.generator.checking.check import check_project, format_report
from supportkb.generator.core.errors import ConfigError, Diagnostic
from supportkb.generator.checking.lint import DISABLED, LintConfig, read_lint_config
from supportkb.generator.core.project import find_project
from tests.workflow.conftest import TODAY

ARTICLE = "kb/articles/account/page.md"
FRONT = '---\nid: "50"\ntitle: "{title}"\nsummary: "{summary}"\ncategory: account\n{extra}---\n'


def write(root: Path, body: str, *, path: str = ARTICLE, title: str = "A page", summary: str = "One sentence.", extra: str = "") -> None:
    target = root / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(FRONT.format(title=title, summary=summary, extra=extra) + textwrap.dedent(body), encoding="utf-8")


def findings(root: Path, code: str | None = None, **options: object) -> list[str]:
    report = check_project(find_project(start=root), today=TODAY, **options)  # type: ignore[arg-type]
    shown = [f"{f.path}:{f.line}:{f.col}: {f.severity}: {f.message}" for f in report.findings if code is None or f.code == code]
    return [line.replace(f"{root}/", "") for line in shown]


def test_new_project_is_clean(project: Path) -> None:
    assert findings(project) == []


@pytest.mark.parametrize(
    ("body", "extra", "code", "expected"),
    [
        ("Intro.\n\n![](shot.png)\n", "", "image-alt", ":9:1: warning: image 'shot.png' has no alt text"),
        ("Intro.\n\nSee ![ ](a.png) and ![Alt](b.png).\n", "", "image-alt", ":9:5: warning: image 'a.png' has no alt text"),
        ('Intro.\n\n<p><img src="x.png" width="3"></p>\n', "", "image-alt", ":9:4: warning: <img> has no alt text"),
        ('Intro.\n\n```html\n<img src="in-code.png">\n```\n<img src="y.png" alt="">\n', "", "image-alt", ":12:1: warning: <img> has no alt text"),
        ("Intro.\n\n## Steps\n\n#### Detail\n", "", "heading-order", ":11:1: warning: heading level jumps from H2 to H4 at 'Detail'"),
        ("# A page\n\nIntro.\n\n# Another top\n", "", "heading-order", ":11:1: warning: second top-level heading 'Another top'"),
        ("Intro.\n\n### Too deep first\n", "", "heading-order", ":9:1: warning: heading level jumps from H1 to H3 at 'Too deep first'"),
        ("Intro.\n", "reviewed: 2025-06-01\nreview_every: 90d\n", "review-overdue", ":6:1: warning: review overdue since 2025-08-30 (reviewed 2025-06-01, every 90 days)"),
        ("Intro.\n", "reviewed: 2025-01-15\n", "review-overdue", ":6:1: warning: review overdue since 2026-01-15 (reviewed 2025-01-15, every 365 days)"),
    ],
)
def test_writer_rules_point_at_the_line(project: Path, body: str, extra: str, code: str, expected: str) -> None:
    write(project, body, extra=extra)
    assert findings(project, code) == [ARTICLE + expected]


@pytest.mark.parametrize(
    ("body", "extra", "code"),
    [
        ("Intro.\n\n![Screen](shot.png)\n\n```\n![](in-code.png)\n```\n", "", "image-alt"),
        ("# A page\n\n## Steps\n\n### Detail\n\n## Next\n", "", "heading-order"),
        ("Intro.\n", "reviewed: 2026-02-01\nreview_every: 90d\n", "review-overdue"),
        ("Intro.\n", "", "review-overdue"),
    ],
)
def test_writer_rules_stay_quiet_on_good_articles(project: Path, body: str, extra: str, code: str) -> None:
    write(project, body, extra=extra)
    assert findings(project, code) == []


def test_missing_summary_only_for_public_articles(project: Path) -> None:
    write(project, "Intro.\n", summary="")
    write(project, "Agents only.\n", path="kb/articles/account/runbook.md", summary="", extra="audience: internal\n")
    assert findings(project, "missing-summary") == [f"{ARTICLE}:4:1: warning: no summary"]


def test_long_titles(project: Path) -> None:
    write(project, "Intro.\n", title="Why " + "x" * 70)
    assert findings(project, "long-title") == [f"{ARTICLE}:3:1: warning: title is 74 characters long (limit 70)"]


def test_orphans_are_articles_nothing_leads_to(project: Path) -> None:
    lonely = "kb/articles/lonely.md"
    linked = "kb/articles/linked.md"
    (project / lonely).write_text('---\nid: "60"\ntitle: Lonely\nsummary: x.\n---\nText.\n', encoding="utf-8")
    (project / linked).write_text('---\nid: "61"\ntitle: Linked\nsummary: x.\n---\nText.\n', encoding="utf-8")
    welcome = project / "kb/articles/getting-started/welcome.md"
    welcome.write_text(welcome.read_text(encoding="utf-8") + "\nSee [linked](../linked.md).\n", encoding="utf-8")
    assert findings(project, "orphan") == [f"{lonely}:1:1: warning: no category page lists this article and no other article links to it"]


NEAR_A = """\
    To export your timesheet, open Reports and choose the date range you need. Click Export and pick
    CSV or Excel. The file includes every entry with its project, task, duration and notes. Large
    exports are emailed to you when they are ready, usually within a few minutes. Exports respect
    your permissions, so managers see their team and members see only their own time entries.
"""
NEAR_B = """\
    To export a timesheet, open Reports and choose the date range you want. Click Export and pick
    CSV or Excel. The file includes every entry with its project, task, duration and notes. Big
    exports are emailed to you once they are ready, usually within a few minutes. Exports respect
    your permissions: managers see their team and members see only their own time entries.
"""
OTHER = """\
    Invoices are created from billable time. Open Invoicing, pick a client and a period, and review
    the draft. You can add discounts, taxes and a purchase order number before sending it. Clients
    receive a link to pay online by card or bank transfer, and paid invoices are marked automatically
    when the payment arrives, so your accounts stay in step without manual work from anyone.
"""


def test_near_duplicates_name_both_articles(project: Path) -> None:
    write(project, NEAR_A, title="Export your timesheet")
    write(project, NEAR_B, path="kb/articles/account/export.md", title="Exporting timesheets")
    write(project, OTHER, path="kb/articles/account/invoices.md", title="Create invoices")
    found = findings(project, "near-duplicate")
    assert len(found) == 2
    assert found[0].startswith("kb/articles/account/export.md:3:1: warning: near-duplicate (")
    assert found[0].endswith(f"of {ARTICLE} ('Export your timesheet')")
    assert found[1].startswith(f"{ARTICLE}:3:1: warning: near-duplicate (")
    assert found[1].endswith("of kb/articles/account/export.md ('Exporting timesheets')")


def test_exact_duplicates_say_so(project: Path) -> None:
    write(project, NEAR_A)
    write(project, NEAR_A, path="kb/articles/account/copy.md", title="Copy")
    assert findings(project, "near-duplicate")[0] == f"kb/articles/account/copy.md:3:1: warning: duplicate of {ARTICLE} ('A page')"


def set_lint(root: Path, lint_yaml: str) -> None:
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    start = text.index("      lint:")
    end = text.index("\nmarkdown_extensions:")
    config.write_text(text[:start] + lint_yaml + "\n" + text[end:], encoding="utf-8")


def test_rules_can_be_disabled_and_made_errors(project: Path, kb) -> None:
    write(project, "Intro.\n\n![](shot.png)\n", summary="")
    (project / "kb/articles/account/shot.png").write_bytes(b"\x89PNG")
    set_lint(project, "      lint:\n        disable: [missing-summary]\n        severity: {image-alt: error}")
    assert findings(project) == [f"{ARTICLE}:9:1: error: image 'shot.png' has no alt text"]
    result = kb("check", cwd=project)
    assert result.exit_code == 1
    assert "1 error(s), 0 warning(s)" in result.output


def test_warnings_pass_and_strict_fails(project: Path, kb) -> None:
    write(project, "Intro.\n", summary="")
    assert kb("check", cwd=project).exit_code == 0
    strict = kb("check", "--strict", cwd=project)
    assert strict.exit_code == 1
    assert f"{ARTICLE}:4:1: error: no summary" in strict.output


def test_projects_without_a_lint_block_get_only_the_basic_validation(project: Path) -> None:
    write(project, "Intro.\n\n![](shot.png)\n", summary="")
    set_lint(project, "      atomic: true")
    assert findings(project) == [f"{ARTICLE}:9:1: error: image 'shot.png' not found"]


@pytest.mark.parametrize(
    ("lint", "message"),
    [
        ({"disable": ["orphans"]}, "unknown rule 'orphans'\n  hint: did you mean 'orphan'?"),
        ({"max_title_lenght": 60}, "unknown option 'max_title_lenght'\n  hint: did you mean 'max_title_length'?"),
        ({"max_title_length": "long"}, "'max_title_length' must be a whole number of at least 10, not 'long'"),
        ({"near_duplicate_threshold": 2}, "'near_duplicate_threshold' must be between 0 and 1"),
        ({"severity": {"image-alt": "fatal"}}, "severity of 'image-alt' must be 'error' or 'warning', not 'fatal'"),
        ({"review_every": "often"}, "'review_every' is not an interval: 'often'"),
        ("yes please", "'lint' must be a mapping of rule settings"),
    ],
)
def test_bad_lint_settings_are_clear_errors(lint: object, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        read_lint_config({"plugins": ["search", {"supportkb": {"lint": lint}}]}, config_file=Path("mkdocs.yml"))
    assert message in str(caught.value)


def test_lint_settings_are_read_from_the_plugin_entry() -> None:
    assert read_lint_config({"plugins": ["search", "supportkb"]}) == DISABLED
    assert read_lint_config({"plugins": {"supportkb": {"lint": True}}}) == LintConfig()
    config = read_lint_config({"plugins": [{"supportkb": {"lint": {"max_title_length": 60, "disable": "orphan", "review_every": "6m"}}}]})
    assert (config.max_title_length, config.disabled, config.review_every_days) == (60, frozenset({"orphan"}), 180)


def test_bad_lint_settings_through_kb_check(project: Path, kb) -> None:
    set_lint(project, "      lint:\n        disable: [orphans]")
    result = kb("check", cwd=project)
    assert result.exit_code == 1
    assert "mkdocs.yml: supportkb lint: unknown rule 'orphans'" in result.output


def test_github_format_escapes_workflow_commands() -> None:
    from supportkb.generator.checking.check import CheckReport

    finding = Diagnostic("kb/articles/a,b.md", 3, 7, "warning", "100% sure:\nsecond line", "fix it", "image-alt")
    report = CheckReport(articles=1, files=1, findings=(finding,))
    assert format_report(report, "github") == (
        "::warning file=kb/articles/a%2Cb.md,line=3,col=7,title=kb check%3A image-alt::100%25 sure:%0Asecond line (fix it)\n"
    )
    assert format_report(report, "text") == "kb/articles/a,b.md:3:7: warning: 100% sure:\nsecond line (fix it)\n"
    assert json.loads(format_report(report, "json"))["findings"][0]["code"] == "image-alt"


def test_json_report_lists_writer_rule_codes(project: Path) -> None:
    write(project, "Intro.\n\n## A\n\n#### B\n", summary="")
    report = check_project(find_project(start=project), today=TODAY)
    assert sorted(f["code"] for f in report.as_json()["findings"]) == ["heading-order", "missing-summary"]
