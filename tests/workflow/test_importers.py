"""kb import from Zendesk Guide, Intercom, Freshdesk and Confluence exports (real files in exports/)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from supportkb.generator.core.articles import Article, load_articles
from supportkb.generator.core.categories import load_categories
from supportkb.generator.importers import read_export
from supportkb.generator.importers.convert import html_to_markdown
from supportkb.generator.importers.write import import_export
from supportkb.generator.core.project import find_project
from supportkb.generator.authoring.scaffold import init_project
from tests.workflow.conftest import EXPORTS

VENDORS = ("zendesk", "intercom", "freshdesk", "confluence")


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One help center with all four exports imported into it."""
    root = tmp_path_factory.mktemp("imported") / "help"
    init_project(root, site_name="Acme Help Center", owner="sam", today=dt.date(2026, 3, 1))
    project = find_project(start=root)
    for vendor in VENDORS:
        import_export(project, read_export(vendor, EXPORTS / vendor))
    return root


def article(root: Path, path: str) -> Article:
    return load_articles(root / "kb/articles").by_path()[path]


def fresh_project(tmp_path: Path) -> Path:
    root = tmp_path / "help"
    init_project(root, site_name="Acme Help Center", owner="sam", today=dt.date(2026, 3, 1))
    return root


def test_zendesk_article_has_full_front_matter_and_clean_markdown(imported: Path) -> None:
    reset = article(imported, "account-and-sign-in/signing-in/how-do-i-reset-my-password.md")
    assert (reset.id, reset.title, reset.category, reset.audience) == ("360044445555", "How do I reset my password?", "account-and-sign-in", "public")
    assert (reset.owner, reset.tags, reset.reviewed) == ("dana.whitfield", ("password", "sign-in"), dt.date(2024, 2, 10))
    assert reset.summary == "You can reset your password from the sign-in page in under a minute."
    assert reset.redirect_from == ("hc/en-us/articles/360044445555-How-do-I-reset-my-password", "hc/en-us/articles/360044445555")
    assert [(h.level, h.title) for h in reset.headings] == [(1, "How do I reset my password?"), (2, "Reset it from the sign-in page"), (2, "If the email does not arrive")]
    body = reset.body
    assert "3. Open the email from Acme and click **Reset password**.  \n   The link works once." in body
    assert "![The reset email with the Reset password button](../../images/zendesk/360044445555/reset-link.png)" in body
    assert "!!! warning\n\n    **Note:** if you sign in with Google or Microsoft" in body
    assert "[which plan you are on](../../billing/plans-and-payments/change-your-plan.md#compare-the-plans)" in body
    assert "<" not in body and "&nbsp;" not in body and "\u00a0" not in body
    copied = imported / "kb/articles/images/zendesk/360044445555/reset-link.png"
    assert copied.read_bytes() == (EXPORTS / "zendesk/article_attachments/360044445555/reset-link.png").read_bytes()


def test_zendesk_tables_videos_and_relative_links(imported: Path) -> None:
    plan = article(imported, "billing/plans-and-payments/change-your-plan.md")
    assert "| Plan | Seats | Price |\n| --- | --- | --- |\n| Starter | Up to 5 | Free |\n| Team | Unlimited | $8 per seat billed monthly |" in plan.body
    assert "[Watch the video](https://www.youtube.com/watch?v=dQw4w9WgXcQ)" in plan.body
    assert "[Reset it](../../account-and-sign-in/signing-in/how-do-i-reset-my-password.md)" in plan.body


def test_restricted_and_draft_articles_stay_internal(imported: Path) -> None:
    internal = {a.title for a in load_articles(imported / "kb/articles").articles if a.is_internal}
    assert {"Refund override procedure", "New pricing FAQ", "Export stuck at 99%: what agents check", "Spring 2024 export changes", "Webhook retries (draft)", "Replay failed webhook deliveries", "Refund runbook"} <= internal
    public = {a.title for a in load_articles(imported / "kb/articles").articles if not a.is_internal}
    assert {"How do I reset my password?", "Change your plan", "Export a report to CSV", "Set up a webhook", "Webhook payloads"} <= public


def test_categories_and_sections_map_to_categories_yml(imported: Path) -> None:
    text = (imported / "kb/categories.yml").read_text(encoding="utf-8")
    assert text.startswith("# Help-center categories")  # The writer's comments are kept.
    assert "# Added by kb import from Zendesk Guide.\naccount-and-sign-in:\n  title: Account and sign-in\n" in text
    categories = {c.id: c.title for c in load_categories(imported / "kb/categories.yml")}
    assert categories == {
        "getting-started": "Getting started", "account": "Account and billing", "troubleshooting": "Troubleshooting",
        "account-and-sign-in": "Account and sign-in", "billing": "Billing", "reports-and-exports": "Reports and exports",
        "general": "General", "integrations": "Integrations", "acme-support": "Acme Support",
    }
    assert "announcements" not in categories  # An empty vendor category adds nothing.
    for each in load_articles(imported / "kb/articles").articles:
        assert each.category in categories
    # Sections, folders and sub-collections become sub-folders.
    assert (imported / "kb/articles/reports-and-exports/scheduled-exports/schedule-a-recurring-export.md").is_file()
    assert (imported / "kb/articles/integrations/integration-runbooks/replay-failed-webhook-deliveries.md").is_file()


def test_intercom_headings_callouts_and_links(imported: Path) -> None:
    schedule = article(imported, "reports-and-exports/scheduled-exports/schedule-a-recurring-export.md")
    assert [(h.level, h.title) for h in schedule.headings] == [(1, "Schedule a recurring export"), (2, "Before you start"), (2, "Set up the schedule"), (3, "Who receives it")]
    assert schedule.redirect_from == ("acme/en/articles/8213302-schedule-a-recurring-export", "acme/en/articles/8213302")
    export = article(imported, "reports-and-exports/export-a-report-to-csv.md")
    assert export.summary == "Download any report as a CSV file for Excel or Google Sheets."
    assert "!!! note\n\n    Exports include at most 100,000 rows. For more, [schedule an export](scheduled-exports/schedule-a-recurring-export.md)." in export.body
    assert "![The Export dialog with CSV selected](../images/intercom/8213301/export-dialog.png)" in export.body
    assert export.owner == "priya.raman" and export.reviewed == dt.date(2024, 2, 15)


def test_freshdesk_code_links_and_redirects(imported: Path) -> None:
    webhook = article(imported, "integrations/webhooks/set-up-a-webhook.md")
    assert webhook.summary == "Send Acme events to your own endpoint with webhooks."
    assert "```\nimport hmac\nhmac.compare_digest(expected, received)\n```" in webhook.body
    assert "[Webhook payloads](webhook-payloads.md)" in webhook.body
    assert "**Admin > Integrations > Webhooks**" in webhook.body
    assert webhook.redirect_from == ("support/solutions/articles/43000567890-set-up-a-webhook", "support/solutions/articles/43000567890")
    assert webhook.owner == "mei.tanaka"


def test_confluence_pages_are_internal_unless_told_and_macros_convert(imported: Path, tmp_path: Path) -> None:
    invoices = article(imported, "billing/invoices-and-receipts.md")
    assert invoices.is_internal and invoices.id == "65602"
    assert invoices.redirect_from == ("wiki/spaces/ACS/pages/65602", "display/ACS/Invoices+and+receipts")
    body = invoices.body
    assert "Invoices are emailed to the billing contact on the first day of each month. ✅" in body
    assert "![The list of invoices with the Download PDF button](../images/confluence/65602/65700.png)" in body
    assert "!!! info\n\n    Receipts for card payments are under *Payments*, not *Invoices*." in body
    assert '??? note "Why did my invoice total change?"\n\n    Seats added mid-month are charged pro rata.' in body
    assert '```bash\ncurl -H "Authorization: Bearer $TOKEN" https://api.acme.example/v1/invoices\n```' in body
    assert "see [the refund runbook](refund-runbook.md) for escalations and the team calendar for holidays" in body
    assert article(imported, "getting-started/getting-started.md").body.rstrip().endswith("Read [Invoices and receipts](../billing/invoices-and-receipts.md).")

    root = fresh_project(tmp_path)
    import_export(find_project(start=root), read_export("confluence", EXPORTS / "confluence"), audience="public")
    pages = {a.title: a.audience for a in load_articles(root / "kb/articles").articles if a.id.startswith("656")}
    assert pages == {"Billing": "public", "Invoices and receipts": "public", "Refund runbook": "internal", "Getting started": "public"}


def test_report_says_what_could_not_be_converted(tmp_path: Path, kb) -> None:
    root = fresh_project(tmp_path)
    result = kb("import", "freshdesk", str(EXPORTS / "freshdesk"), cwd=root)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Imported 4 article(s) from Freshdesk Solutions" in out
    assert "  created 4\n" in out
    assert "  kb/articles/integrations/integration-runbooks/replay-failed-webhook-deliveries.md: its Freshdesk folder is visible to agents only" in out
    assert "  kb/articles/integrations/webhooks/webhook-retries-draft.md: a draft in Freshdesk" in out
    assert "  kb/articles/integrations/webhooks/set-up-a-webhook.md: image not in the export, still linked to the old site: https://attachment.freshdesk.com/inline/attachment?token=" in out
    zendesk = kb("import", "zendesk", str(EXPORTS / "zendesk"), "--format", "json", cwd=root)
    data = json.loads(zendesk.stdout)
    assert data["counts"]["created"] == 4
    assert "skipped the fr translation of article 360044445555 ('Comment réinitialiser mon mot de passe ?'): one language per import" in data["notes"]
    problems = {a["title"]: a["problems"] for a in data["articles"]}
    assert problems["Refund override procedure"] == ["removed a <script>: interactive content cannot be carried over"]


def test_imported_help_center_checks_and_builds(imported: Path, tmp_path: Path) -> None:
    from supportkb.generator.site.build import build_site
    from supportkb.generator.checking.check import check_project

    report = check_project(find_project(start=imported))
    assert [f.format() for f in report.findings if f.is_error] == []
    result = build_site(imported / "mkdocs.yml", site_dir=tmp_path / "site")
    page = (tmp_path / "site/account-and-sign-in/signing-in/how-do-i-reset-my-password/index.html").read_text(encoding="utf-8")
    assert "Reset it from the sign-in page" in page and "reset-link.png" in page
    assert not (tmp_path / "site/billing/agent-procedures/refund-override-procedure").exists()
    assert result.pages > 10
    # Links pasted in old tickets keep working: the old URL and the old id lead to the article.
    for old in ("hc/en-us/articles/360044445555-How-do-I-reset-my-password", "hc/en-us/articles/360044445555", "a/360044445555"):
        redirect = (tmp_path / "site" / old / "index.html").read_text(encoding="utf-8")
        assert "account-and-sign-in/signing-in/how-do-i-reset-my-password/" in redirect


def test_rerun_changes_nothing_and_duplicates_nothing(imported: Path) -> None:
    before = {p: p.stat().st_mtime_ns for p in (imported / "kb").rglob("*") if p.is_file()}
    report = import_export(find_project(start=imported), read_export("zendesk", EXPORTS / "zendesk"))
    assert [a.status for a in report.articles] == ["unchanged"] * 4
    assert report.categories_added == () and report.files_copied == ()
    after = {p: p.stat().st_mtime_ns for p in (imported / "kb").rglob("*") if p.is_file() and p.name != "import-state.json"}
    assert after == {p: t for p, t in before.items() if p.name != "import-state.json"}


def edited_zendesk_export(tmp_path: Path) -> Path:
    export = tmp_path / "zendesk-export"
    shutil.copytree(EXPORTS / "zendesk", export, dirs_exist_ok=True)
    data = json.loads((export / "articles.json").read_text(encoding="utf-8"))
    data["articles"][1]["body"] = data["articles"][1]["body"].replace("the change applies right away", "the change applies at the next billing date")
    (export / "articles.json").write_text(json.dumps(data), encoding="utf-8")
    return export


def test_changed_article_in_the_export_is_updated_in_place(tmp_path: Path) -> None:
    root = fresh_project(tmp_path)
    project = find_project(start=root)
    import_export(project, read_export("zendesk", EXPORTS / "zendesk"))
    report = import_export(project, read_export("zendesk", edited_zendesk_export(tmp_path)))
    assert {a.title: a.status for a in report.articles} == {
        "How do I reset my password?": "unchanged", "Change your plan": "updated", "Refund override procedure": "unchanged", "New pricing FAQ": "unchanged",
    }
    plans = [p for p in (root / "kb/articles").rglob("change-your-plan*.md")]
    assert len(plans) == 1
    assert "applies at the next billing date" in plans[0].read_text(encoding="utf-8")


def test_local_edits_are_kept_and_conflicts_need_overwrite(tmp_path: Path) -> None:
    root = fresh_project(tmp_path)
    project = find_project(start=root)
    import_export(project, read_export("zendesk", EXPORTS / "zendesk"))
    local = root / "kb/articles/billing/plans-and-payments/change-your-plan.md"
    edited = local.read_text(encoding="utf-8").replace("Owners can move", "Workspace owners can move")
    local.write_text(edited, encoding="utf-8")

    same = import_export(project, read_export("zendesk", EXPORTS / "zendesk"))
    assert {a.title: a.status for a in same.articles}["Change your plan"] == "kept-local-edits"
    changed = import_export(project, read_export("zendesk", edited_zendesk_export(tmp_path)))
    conflict = next(a for a in changed.articles if a.title == "Change your plan")
    assert (conflict.status, conflict.reason) == ("conflict", "changed both here and in the export (pass --overwrite to take the export's version)")
    assert local.read_text(encoding="utf-8") == edited
    forced = import_export(project, read_export("zendesk", edited_zendesk_export(tmp_path)), overwrite=True)
    assert next(a for a in forced.articles if a.title == "Change your plan").status == "updated"
    assert "applies at the next billing date" in local.read_text(encoding="utf-8")


def test_moved_article_is_found_by_its_id(tmp_path: Path) -> None:
    root = fresh_project(tmp_path)
    project = find_project(start=root)
    import_export(project, read_export("zendesk", EXPORTS / "zendesk"))
    old = root / "kb/articles/billing/plans-and-payments/change-your-plan.md"
    new = root / "kb/articles/account/change-your-plan.md"
    new.parent.mkdir()
    shutil.move(old, new)
    report = import_export(project, read_export("zendesk", EXPORTS / "zendesk"))
    # Same article, same place; only its relative links are fixed for the new folder.
    assert next(a for a in report.articles if a.title == "Change your plan").status == "updated"
    assert not old.exists()
    assert "[Reset it](../account-and-sign-in/signing-in/how-do-i-reset-my-password.md)" in new.read_text(encoding="utf-8")
    again = import_export(project, read_export("zendesk", EXPORTS / "zendesk"))
    assert [a.status for a in again.articles] == ["unchanged"] * 4


def test_dry_run_writes_nothing(tmp_path: Path, kb) -> None:
    root = fresh_project(tmp_path)
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    result = kb("import", "intercom", str(EXPORTS / "intercom"), "--dry-run", cwd=root)
    assert result.exit_code == 0
    assert result.stdout.startswith("Would import 4 article(s) from Intercom Articles")
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before


def test_bad_exports_are_clear_errors(tmp_path: Path, kb) -> None:
    root = fresh_project(tmp_path)
    (tmp_path / "empty").mkdir()
    assert "Error: " in kb("import", "zendesk", str(tmp_path / "empty"), cwd=root).output
    assert "no Zendesk Guide articles found" in kb("import", "zendesk", str(tmp_path / "empty"), cwd=root).output
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "articles.json").write_text('{"articles": [\n  {"id": 1,\n', encoding="utf-8")
    result = kb("import", "intercom", str(broken), cwd=root)
    assert result.exit_code == 1
    assert "articles.json:3: not valid JSON" in result.output
    assert "articles.json: a Confluence export is a folder" in kb("import", "confluence", str(broken / "articles.json"), cwd=root).output


@pytest.mark.parametrize(
    ("html", "markdown"),
    [
        ("<h1>A</h1><p>x</p><h4>B</h4>", "## A\n\nx\n\n### B\n"),
        ('<aside class="note"><p>Careful</p></aside>', "!!! note\n\n    Careful\n"),
        ('<div class="alert alert-danger"><p>Stop</p></div>', "!!! danger\n\n    Stop\n"),
        ('<pre><code class="language-json">{"a": 1}</code></pre>', '```json\n{"a": 1}\n```\n'),
        ("<p>a&nbsp;b\u200b</p><p></p><p>&nbsp;</p><p>c</p>", "a b\n\nc\n"),
        ('<p><a href="#missing">here</a></p>', "here\n"),
        ('<p><img src="data:image/png;base64,AAAA"></p>', ""),
        ("<ul><li>one<ul><li>two</li></ul></li></ul>", "- one\n  - two\n"),
        ('<video src="https://cdn.example/demo.mp4"></video>', "[Watch the video](https://cdn.example/demo.mp4)\n"),
        # An image the export lacks, at an address only the old site had: kb check and the build would
        # refuse a link to a missing file, so only its description stays.
        ('<p>See <img src="/hc/article_attachments/9/shot.png" alt="the settings page"> here</p>', "See the settings page here\n"),
        ('<p><img src="https://cdn.example/shot.png" alt="x"></p>', "![x](https://cdn.example/shot.png)\n"),
    ],
)
def test_html_conversion_cases(html: str, markdown: str) -> None:
    converted = html_to_markdown(html, rewrite_image=lambda src: None, rewrite_link=lambda href: None)
    assert converted.markdown == markdown
