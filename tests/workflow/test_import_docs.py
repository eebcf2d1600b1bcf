"""kb import from docs tools: MkDocs, Docusaurus, GitBook and Obsidian (fixtures in tests/fixtures/helpcenters/)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from supportkb.generator.authoring.scaffold import init_project
from supportkb.generator.checking.check import check_project
from supportkb.generator.core.articles import Article, load_articles
from supportkb.generator.core.categories import load_categories
from supportkb.generator.core.errors import KBError
from supportkb.generator.core.project import find_project
from supportkb.generator.importers import read_export
from supportkb.generator.importers.docusaurus import parse_js_literal
from supportkb.generator.importers.write import ImportReport, import_export

HELPCENTERS = Path(__file__).resolve().parents[1] / "fixtures" / "helpcenters"
DOCS_TOOLS = ("mkdocs", "docusaurus", "gitbook", "obsidian")


def imported_project(root: Path, source: str, folder: Path | None = None) -> tuple[Path, ImportReport]:
    init_project(root, site_name="Ledgerly Help", owner="sam", today=dt.date(2026, 3, 1))
    report = import_export(find_project(start=root), read_export(source, folder or HELPCENTERS / source))
    return root, report


@pytest.fixture(scope="module", params=DOCS_TOOLS)
def each_tool(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path, ImportReport]:
    root, report = imported_project(tmp_path_factory.mktemp(request.param) / "help", request.param)
    return request.param, root, report


def by_title(root: Path, title: str) -> Article:
    matches = [a for a in load_articles(root / "kb/articles").articles if a.title == title]
    assert len(matches) == 1, f"{title!r}: {[str(a.path) for a in matches]}"
    return matches[0]


def test_each_tool_imports_every_page_and_checks_clean(each_tool: tuple[str, Path, ImportReport]) -> None:
    source, root, report = each_tool
    assert report.refused == ()
    assert report.count("created") == len(report.articles) >= 34
    assert any(note == f"internal links: {n} of {n} resolved" for note in report.notes for n in [note.split()[2]]), report.notes
    checked = check_project(find_project(start=root))
    assert [f for f in checked.findings if f.is_error] == []
    categories = [c.title for c in load_categories(root / "kb/categories.yml")]
    for title in ("Invoices", "Integrations"):
        assert title in categories
    invoice = by_title(root, "Create an invoice")
    assert invoice.category == "invoices"
    assert (invoice.reviewed, invoice.audience) == (None, "public")


def test_each_tool_rewrites_links_to_the_new_paths_with_their_anchor(each_tool: tuple[str, Path, ImportReport]) -> None:
    _source, root, _report = each_tool
    change = by_title(root, "Change your plan")
    plans = by_title(root, "Plans and pricing")
    targets = [link.target for link in change.links if not link.is_image]
    assert f"{plans.path.name}#compare-the-plans" in targets
    assert "compare-the-plans" in [h.anchor for h in plans.headings]


def test_each_tool_copies_the_images_its_pages_show(each_tool: tuple[str, Path, ImportReport]) -> None:
    source, root, _report = each_tool
    invoice = by_title(root, "Create an invoice")
    images = [link.target for link in invoice.links if link.is_image] + [t for t in _html_images(invoice.body)]
    assert images, invoice.body
    copied = (root / "kb/articles" / invoice.path).parent / images[0]
    assert copied.resolve().is_file()
    assert copied.read_bytes().startswith(b"\x89PNG")
    assert f"images/{source}/" in images[0]


def _html_images(body: str) -> list[str]:
    import re

    return re.findall(r'<img src="([^"]+)"', body)


def test_reimporting_the_same_folder_changes_nothing(tmp_path: Path) -> None:
    root, _ = imported_project(tmp_path / "help", "gitbook")
    again = import_export(find_project(start=root), read_export("gitbook", HELPCENTERS / "gitbook"))
    assert again.count("unchanged") == len(again.articles)
    assert again.categories_added == ()


# MkDocs -------------------------------------------------------------------------------------


def test_mkdocs_nav_sections_become_categories_in_nav_order(tmp_path: Path) -> None:
    root, report = imported_project(tmp_path / "help", "mkdocs")
    added = [entry.split(":")[0] for entry in report.categories_added]
    assert added == ["invoices", "integrations", "general"]  # 'Getting started', 'Account and billing', 'Troubleshooting' exist in kb init's
    assert by_title(root, "Accept card payments").path.parts[:2] == ("invoices", "payments")
    assert "2 page(s) are not in mkdocs.yml's nav: placed by their folder" in report.notes
    assert by_title(root, "日本語の請求書").category == "invoices"  # not in the nav: by its folder


def test_mkdocs_old_urls_and_redirect_maps_become_redirects(tmp_path: Path) -> None:
    root, _ = imported_project(tmp_path / "help", "mkdocs")
    plans = by_title(root, "Plans and pricing")
    assert plans.redirect_from == ("billing/plans", "billing/pricing")
    assert by_title(root, "A quick tour of Ledgerly").title == "A quick tour of Ledgerly"  # the nav's title


def test_mkdocs_admonitions_and_tabs_stay_material_syntax(tmp_path: Path) -> None:
    root, _ = imported_project(tmp_path / "help", "mkdocs")
    body = by_title(root, "Use the mobile app").body
    assert '=== "iOS"\n\n    Open the App Store' in body
    assert '??? info "Good to know"\n\n    Recurring invoices' in by_title(root, "Set up recurring invoices").body


def test_mkdocs_site_renders_admonitions_and_tabs(tmp_path: Path) -> None:
    from supportkb.generator.site.build import build_site

    root, _ = imported_project(tmp_path / "help", "mkdocs")
    result = build_site(root / "mkdocs.yml")
    assert result is not None
    article = by_title(root, "Use the mobile app")
    html = (root / "site" / article.path.with_suffix("") / "index.html").read_text(encoding="utf-8")
    assert 'class="tabbed-set tabbed-alternate"' in html and ">iOS</label>" in html
    html = (root / "site" / by_title(root, "Change your plan").path.with_suffix("") / "index.html").read_text(encoding="utf-8")
    assert 'class="admonition warning"' in html
    assert (root / "site/billing/pricing/index.html").is_file()


def test_mkdocs_config_errors_say_where(tmp_path: Path) -> None:
    folder = tmp_path / "site"
    (folder / "docs").mkdir(parents=True)
    (folder / "docs/index.md").write_text("# Home\n", encoding="utf-8")
    (folder / "mkdocs.yml").write_text("site_name: x\nnav:\n  - Home: index.md\n   bad: [\n", encoding="utf-8")
    with pytest.raises(KBError) as error:
        read_export("mkdocs", folder)
    assert error.value.line is not None and error.value.path == folder / "mkdocs.yml"
    (folder / "mkdocs.yml").write_text("site_name: x\ndocs_dir: ../elsewhere\n", encoding="utf-8")
    with pytest.raises(KBError, match="docs_dir '../elsewhere' is not a folder inside the project"):
        read_export("mkdocs", folder)
    with pytest.raises(KBError, match="no mkdocs.yml here"):
        read_export("mkdocs", folder / "docs")


# Docusaurus ---------------------------------------------------------------------------------


def test_docusaurus_admonitions_tabs_and_mdx(tmp_path: Path) -> None:
    root, report = imported_project(tmp_path / "help", "docusaurus")
    api = by_title(root, "Create an API key").body
    assert '!!! danger "Heads up"\n\n    Anyone with the key' in api
    assert '=== "curl"\n\n    `curl' in api and "<Tab" not in api and "import " not in api
    tour = next(a for a in report.articles if a.title == "A quick tour of Ledgerly")
    assert tour.problems == ("2 MDX component(s) reduced to Markdown (<Snippet> ×1, <YouTube> ×1): check that nothing is missing",)
    body = by_title(root, "A quick tour of Ledgerly").body
    assert "<YouTube" not in body and "<summary>Keyboard shortcuts</summary>" in body
    assert "!!! warning" in by_title(root, "Change your plan").body  # :::caution


def test_docusaurus_sidebar_order_slug_redirects_and_partials(tmp_path: Path) -> None:
    root, report = imported_project(tmp_path / "help", "docusaurus")
    plans = by_title(root, "Plans and pricing")
    assert plans.redirect_from == ("docs/pricing",)  # slug: /pricing
    assert by_title(root, "Create an invoice").redirect_from == ("docs/invoices/create-invoice",)
    assert by_title(root, "日本語の請求書").id == "invoices-invoices-ja"  # the doc id: folder + front matter id
    assert by_title(root, "Refund a payment").path.parts[:2] == ("invoices", "payments")
    assert "1 partial(s) (files or folders starting with '_') are not pages in Docusaurus: not imported" in report.notes
    assert by_title(root, "Welcome to Ledgerly").category == "general"


def test_docusaurus_sidebars_literal_shapes() -> None:
    text = """// comment
/** @type {import('x').SidebarsConfig} */
const sidebars = {
  docs: ['intro', {type: 'category', label: "Guides", items: ['a/b',],}, /* note */],
  other: {Shorthand: ['x']},
};
module.exports = sidebars;
"""
    assert parse_js_literal(text) == {"docs": ["intro", {"type": "category", "label": "Guides", "items": ["a/b"]}], "other": {"Shorthand": ["x"]}}
    with pytest.raises(ValueError):
        parse_js_literal("module.exports = require('./generated');")


def test_docusaurus_sidebar_that_is_code_falls_back_to_folders(tmp_path: Path) -> None:
    folder = tmp_path / "site"
    shutil.copytree(HELPCENTERS / "docusaurus", folder)
    (folder / "sidebars.js").write_text("module.exports = makeSidebars(__dirname);\n", encoding="utf-8")
    export = read_export("docusaurus", folder)
    assert any(note.startswith("sidebars.js: not a plain literal") for note in export.notes)
    assert [c.title for c in export.categories] == ["Getting started", "Account and billing", "Invoices", "Integrations", "Troubleshooting"]  # _category_ positions


# GitBook ------------------------------------------------------------------------------------


def test_gitbook_blocks_become_material(tmp_path: Path) -> None:
    root, _ = imported_project(tmp_path / "help", "gitbook")
    assert "!!! success\n\n    Use the email address" in by_title(root, "Create your account").body
    mobile = by_title(root, "Use the mobile app").body
    assert '=== "iOS"\n\n    Open the App Store' in mobile and "{%" not in mobile
    tour = by_title(root, "A quick tour of Ledgerly").body
    assert "[A two-minute tour](https://www.youtube.com/watch?v=dQw4w9WgXcQ)" in tour
    plans = by_title(root, "Plans and pricing")
    assert "[change-plan.md](change-your-plan.md)" in plans.body and "{%" not in plans.body


def test_gitbook_summary_parts_order_and_unlisted_pages(tmp_path: Path) -> None:
    root, report = imported_project(tmp_path / "help", "gitbook")
    export = read_export("gitbook", HELPCENTERS / "gitbook")
    assert [c.title for c in export.categories] == ["Getting started", "Account and billing", "Invoices", "Integrations", "Troubleshooting"]
    roadmap = by_title(root, "Roadmap (draft)")
    assert roadmap.audience == "internal"
    assert "1 page(s) are not in SUMMARY.md: imported as internal" in report.notes
    assert by_title(root, "Invoices").redirect_from == ()  # 'invoices' is the category page's URL now
    payments = by_title(root, "Payments")  # invoices/payments/README.md: its URL stays the same, no redirect needed
    assert (str(payments.path), payments.redirect_from) == ("invoices/payments.md", ())
    assert by_title(root, "Refund a payment").redirect_from == ("invoices/payments/refunds",)


# Obsidian -----------------------------------------------------------------------------------


def test_obsidian_wikilinks_embeds_and_callouts(tmp_path: Path) -> None:
    root, report = imported_project(tmp_path / "help", "obsidian")
    signin = next(a for a in report.articles if a.title == "I cannot sign in")
    assert "embedded note ![[Reset your password]] became a link (a help article cannot include another)" in signin.problems
    body = by_title(root, "I cannot sign in").body
    assert "[Reset your password](reset-your-password.md)" in body
    account = by_title(root, "Create your account").body
    assert "![signup-form](../images/obsidian/" in account
    assert '??? tip "Good to know"\n\n    Use the email address' in account
    home = by_title(root, "Ledgerly Help Center").body
    assert "(mailto:help@ledgerly.example)" in home and "(tel:+15550100)" in home
    # Only http, https, mailto and tel links are kept, as from every other source: others keep their text.
    assert "Install the Templates plugin to write new notes." in home
    assert "removed a obsidian: link (only http, https, mailto and tel are kept)" in next(a for a in report.articles if a.title == "Ledgerly Help Center").problems
    assert '!!! info\n\n    Email [support]' in home


def test_obsidian_front_matter_publish_and_comments(tmp_path: Path) -> None:
    root, _ = imported_project(tmp_path / "help", "obsidian")
    hidden = by_title(root, "🎉")
    assert hidden.audience == "internal"
    overview = [a for a in load_articles(root / "kb/articles").articles if a.title == "Overview" and a.category == "troubleshooting"][0]
    assert "🎉" in overview.body and hidden.path.name not in overview.body  # a public page cannot link it
    account = by_title(root, "Create your account")
    assert account.aliases == ("create your account",)
    assert account.tags == ("getting-started", "help")
    assert "%%" not in account.body and "\\#getting-started #howto" in account.body
    assert by_title(root, "Change your plan").redirect_from == ("Account+and+billing/Change+your+plan",)


def test_obsidian_repeated_note_names_resolve_in_the_linking_folder(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    for folder in ("A", "B"):
        (vault / folder).mkdir(parents=True)
        (vault / folder / "Overview.md").write_text(f"Overview of {folder}.\n", encoding="utf-8")
    (vault / "B" / "Guide.md").write_text("See [[Overview]] and [[A/Overview|the other one]] and [[Missing note]].\n", encoding="utf-8")
    export = read_export("obsidian", vault)
    guide = next(a for a in export.articles if a.title == "Guide")
    assert guide.markdown is not None
    assert "[Overview](kb-article:b-overview)" in guide.markdown
    assert "[the other one](kb-article:a-overview)" in guide.markdown
    assert "Missing note" in guide.markdown and "[[" not in guide.markdown
    assert "internal links: 2 of 3 resolved (not found: B/Guide.md: [[Missing note]])" in export.notes


# Bad input ----------------------------------------------------------------------------------


def test_bad_pages_are_noted_and_the_rest_imported(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "Good.md").write_text("A good note with enough words in it.\n", encoding="utf-8")
    (vault / "List.md").write_text("---\n- a\n- b\n---\n\nBody of a note whose front matter is a list.\n", encoding="utf-8")
    (vault / "Broken.md").write_text("---\ntitle: [unclosed\n---\n\nBody of a broken one.\n", encoding="utf-8")
    (vault / "Only front matter.md").write_text("---\ntags: [x]\n---\n", encoding="utf-8")
    (vault / "Latin1.md").write_bytes("caf\xe9\n".encode("latin-1"))
    export = read_export("obsidian", vault)
    assert sorted(a.title for a in export.articles) == ["Broken", "Good", "List", "Only front matter"]
    notes = "\n".join(export.notes)
    assert "List.md:2: front matter cannot be read (front matter must be a mapping of 'key: value' lines); read as if it had none" in notes
    assert "Broken.md:3: front matter cannot be read (invalid YAML in front matter" in notes
    assert "Latin1.md: not UTF-8 text (byte 3); skipped: save it as UTF-8" in notes
    root = tmp_path / "help"
    init_project(root, site_name="x", owner="sam", today=dt.date(2026, 3, 1))
    report = import_export(find_project(start=root), export)
    empty = next(a for a in report.articles if a.title == "Only front matter")
    assert "the article has no text" in empty.problems


def test_a_folder_of_no_pages_is_a_clear_error(tmp_path: Path) -> None:
    for source in ("docusaurus", "gitbook", "obsidian"):
        with pytest.raises(KBError, match="no .*(pages|notes)"):
            read_export(source, tmp_path)


def test_colliding_ids_name_both_paths(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    (vault / "guides").mkdir(parents=True)
    (vault / "guides" / "install.md").write_text("Install it like this, step by step.\n", encoding="utf-8")
    (vault / "guides-install.md").write_text("Another page whose path makes the same id.\n", encoding="utf-8")
    (vault / "guides" / "index.md").write_text("# Guides\n\nEvery folder has an index page.\n", encoding="utf-8")
    export = read_export("obsidian", vault)
    assert sorted(a.key for a in export.articles) == ["guides", "guides-install", "guides-install-2"]
    assert "guides-install.md and guides/install.md both make the id 'guides-install': guides/install.md gets 'guides-install-2' (rename one, or give it an `id:` in its front matter, to choose)" in export.notes


def test_gitbook_without_summary_places_pages_by_folder(tmp_path: Path) -> None:
    book = tmp_path / "book"
    shutil.copytree(HELPCENTERS / "gitbook", book)
    (book / "SUMMARY.md").unlink()
    export = read_export("gitbook", book)
    assert "no SUMMARY.md: pages placed by folder" in export.notes
    invoice = next(a for a in export.articles if a.title == "Create an invoice")
    assert (invoice.category_key, invoice.audience) == ("invoices", "public")
    assert next(a for a in export.articles if a.title == "Refund a payment").section == "Payments"


def test_kb_import_docs_tool_from_the_command_line(project: Path, kb) -> None:  # type: ignore[no-untyped-def]
    dry = kb("import", "obsidian", str(HELPCENTERS / "obsidian"), "--dry-run", cwd=project)
    assert dry.exit_code == 0, dry.output
    assert dry.output.startswith("Would import 39 article(s) from Obsidian")
    assert not (project / "kb/articles/invoices").exists()
    done = kb("import", "obsidian", str(HELPCENTERS / "obsidian"), cwd=project)
    assert done.exit_code == 0, done.output
    assert "created 39" in done.output and "internal links: 94 of 94 resolved" in done.output
    assert "kb/articles/troubleshooting/troubleshooting.md: publish: false in Obsidian (not on the public site)" in done.output
    checked = kb("check", cwd=project)
    assert checked.exit_code == 0, checked.output
    missing = kb("import", "mkdocs", str(HELPCENTERS / "obsidian"), cwd=project)
    assert missing.exit_code != 0 and "no mkdocs.yml here" in missing.output


def test_obsidian_nested_heading_links_and_docusaurus_versions_note(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "Guide.md").write_text("# Guide\n\n## Setup\n\n### On a Mac\n\nSteps for a Mac.\n", encoding="utf-8")
    (vault / "Start.md").write_text("See [[Guide#Setup#On a Mac|the Mac steps]] and [[Guide#^block1]].\n", encoding="utf-8")
    index = next(a for a in read_export("obsidian", vault).articles if a.title == "Start")
    assert index.markdown == "See [the Mac steps](kb-article:guide#on-a-mac) and [Guide](kb-article:guide).\n"
    site = tmp_path / "site"
    shutil.copytree(HELPCENTERS / "docusaurus", site)
    (site / "versioned_docs/version-1.0").mkdir(parents=True)
    (site / "versioned_docs/version-1.0/old.md").write_text("# Old\n\nAn old version of a page.\n", encoding="utf-8")
    export = read_export("docusaurus", site)
    assert "versioned_docs: not imported (only docs/, the current version in the default language)" in export.notes
    assert "Old" not in [a.title for a in export.articles]
