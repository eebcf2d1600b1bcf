"""kb check on a folder written for another tool: derived fields said once, links as a person means them,
repeated findings grouped, bad input named by path:line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from supportkb.cli import main
from supportkb.generator.checking.check import CheckReport, format_report
from supportkb.generator.core.errors import Diagnostic

OBSIDIAN_PAGE = """\
---
aliases: [{alias}]
permalink: {permalink}
publish: true
cssclasses: [wide]
---

How to {alias}, in a minute.

## Steps

1. Open **Settings**.

See [[{next}]], [[{next}#Steps|its steps]], [the folder](../{folder}/), [mail](mailto:help@example.com),
[call](tel:+15555550100), [the plugin](obsidian://show-plugin?id=x) and [the vault](obsidian:open).
"""


def make_vault(root: Path) -> Path:
    """Two topic folders of Obsidian-style pages, no title, id or category anywhere."""
    pages = [("getting-started", "Create your account"), ("getting-started", "Invite your team"), ("billing", "Refund policy"), ("billing", "Update your card")]
    for number, (folder, name) in enumerate(pages):
        next_name = pages[(number + 1) % len(pages)][1]
        path = root / folder / f"{name}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(OBSIDIAN_PAGE.format(alias=name.lower(), permalink=name.lower().replace(" ", "-"), next=next_name, folder=folder), encoding="utf-8")
    (root / "getting-started/index.md").write_text("Start here: [[Create your account]].\n", encoding="utf-8")
    (root / "billing/README.md").write_text("Everything about paying: [[Refund policy]].\n", encoding="utf-8")
    return root


def check(folder: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["check", "--kb", str(folder), *args])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_an_obsidian_folder_checks_clean_with_one_note_per_fact(tmp_path: Path) -> None:
    vault = make_vault(tmp_path / "vault")
    code, output = check(vault)
    assert code == 0, output
    assert "0 error(s), 0 warning(s)" in output
    notes = [line for line in output.splitlines() if line.startswith("note:")]
    assert notes[0].startswith("note: 6 articles leave out front matter; derived: title (6 from the file name); id from the path (6); category from the top folder (6)")
    assert not any("'publish'" in n for n in notes), "publish is read (false: internal), not an unknown key"
    assert sum("'cssclasses'" in n for n in notes) == 1
    assert not any("'title' is missing" in line or "no 'id'" in line for line in output.splitlines())


def test_articles_at_the_top_are_counted_once(tmp_path: Path) -> None:
    vault = make_vault(tmp_path / "vault")
    (vault / "index.md").write_text("Home page: [[faq]].\n", encoding="utf-8")
    (vault / "faq.md").write_text("Questions.\n", encoding="utf-8")
    (vault / "terms.md").write_text("Terms. See [[faq]].\n", encoding="utf-8")
    _, output = check(vault)
    assert "note: 2 articles sit directly in the articles folder, so no category page lists them" in output


def test_strict_still_demands_the_explicit_fields(tmp_path: Path) -> None:
    vault = make_vault(tmp_path / "vault")
    code, output = check(vault, "--strict", "--all")
    assert code == 1
    page = vault / "billing/Refund policy.md"
    assert f"{page}:1:1: error: 'title' is missing (derived: 'Refund policy')" in output
    assert f"{page}:1:1: error: 'id' is missing (derived: 'billing/refund-policy')" in output
    assert f"{page}:1:1: error: 'category' is missing (derived: 'billing')" in output
    assert "derived:" not in "".join(line for line in output.splitlines() if line.startswith("note:"))


def test_json_keeps_every_finding_and_the_notes(tmp_path: Path) -> None:
    vault = make_vault(tmp_path / "vault")
    _, output = check(vault, "--strict", "--json")
    data = json.loads(output)
    assert data["errors"] == len(data["findings"]) == 6 * 3
    assert {n["code"] for n in data["notes"]} == {"unknown-key", "derived-category"}


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("See [[Refund polcy]].", "[[Refund polcy]] names no article or file (did you mean [[Refund policy]]?)"),
        ("See [[Refund policy#Stepz]].", "[[Refund policy#Stepz]]: no heading 'Stepz' in 'billing/Refund policy.md' (did you mean 'Steps'?)"),
        ("See [x](../nowhere/).", "folder '../nowhere/' not found"),
        ("See [x](../billing/Refund%20policy.md#stepz).", "link to missing section #stepz in '../billing/Refund policy.md' (did you mean 'steps'?)"),
        ("See ![[missing.png]].", "![[missing.png]] names no article or file"),
    ],
)
def test_broken_links_of_every_kind_are_errors_with_a_place(tmp_path: Path, line: str, expected: str) -> None:
    vault = make_vault(tmp_path / "vault")
    page = vault / "getting-started/broken.md"
    page.write_text(f"Intro.\n\n{line}\n", encoding="utf-8")
    code, output = check(vault)
    assert code == 1
    assert f"{page}:3:5: error: {expected}" in output


def test_a_folder_without_an_index_is_a_broken_link(tmp_path: Path) -> None:
    vault = make_vault(tmp_path / "vault")
    (vault / "getting-started/empty").mkdir()
    (vault / "getting-started/broken.md").write_text("See [x](empty/) and [y](../billing/).\n", encoding="utf-8")
    code, output = check(vault)
    assert code == 1
    assert "broken.md:1:5: error: folder 'empty/' has no index.md or README.md" in output
    assert "broken.md:1:21" not in output


def test_derived_id_collision_names_both_files_and_the_fix(tmp_path: Path) -> None:
    vault = make_vault(tmp_path / "vault")
    (vault / "billing/refund-policy.md").write_text("Another page.\n", encoding="utf-8")
    code, output = check(vault)
    assert code == 1
    upper, lower = vault / "billing/Refund policy.md", vault / "billing/refund-policy.md"
    assert f"{upper}:1:1: error: the id 'billing/refund-policy' this file's path gives is also the id of {lower}" in output
    assert f"{lower}:1:1: error: the id 'billing/refund-policy' this file's path gives is also the id of {upper}" in output
    assert "give one of them its own 'id: ...' in front matter, or rename one file" in output


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("only-front-matter.md", "---\ntitle: Nothing below\n---\n", ":3:1: warning: the page is only front matter: it has no text"),
        ("emoji.md", "---\ntitle: 🎉\n---\nParty.\n", ":2:1: warning: title '🎉' has no letters or digits"),
        ("list.md", "---\n- a\n- b\n---\nText.\n", ":2:1: error: front matter must be a mapping of 'key: value' lines"),
        ("scalar.md", "---\njust text\n---\nText.\n", ":2:1: error: front matter must be a mapping of 'key: value' lines"),
        ("empty-title.md", "---\ntitle: ''\n---\nText.\n", ":2:1: error: 'title' is empty"),
    ],
)
def test_bad_input_is_named_by_path_and_line(tmp_path: Path, name: str, content: str, expected: str) -> None:
    vault = make_vault(tmp_path / "vault")
    page = vault / "billing" / name
    page.write_text(content, encoding="utf-8")
    _, output = check(vault)
    assert f"{page}{expected}" in output


def test_repeated_findings_are_grouped_in_text_and_listed_with_all() -> None:
    findings = tuple(
        Diagnostic(f"kb/articles/p{n:02}.md", 3, 1, "error", f"link to missing article 'x{n}.md'", "check the path", "missing-article") for n in range(10)
    ) + (Diagnostic("kb/articles/z.md", 1, 1, "warning", "no summary", None, "missing-summary"),)
    report = CheckReport(articles=11, files=11, findings=findings)
    grouped = format_report(report, "text").splitlines()
    assert grouped[0] == "missing-article: 10 errors, the first 3:"
    assert grouped[1:4] == ["  " + f.format() for f in findings[:3]]
    assert grouped[4] == "  … and 7 more missing-article errors (kb check --all lists every one)"
    assert grouped[5] == findings[-1].format()
    assert format_report(report, "text", show_all=True).splitlines() == [f.format() for f in findings]
    assert format_report(report, "github").count("::error ") == 10
    assert len(json.loads(format_report(report, "json"))["findings"]) == 11


def test_double_brackets_that_name_nothing_are_text_not_an_error(tmp_path: Path) -> None:
    vault = make_vault(tmp_path / "vault")
    page = vault / "getting-started/config.md"
    page.write_text("Add a table:\n\n[[inputs.mysql]] then var folders = [[folderName,folderURL]];\n", encoding="utf-8")
    code, output = check(vault)
    assert code == 0, output
    assert f"{page}:3:1: warning: [[inputs.mysql]] names no article or file; it is shown as text" in output


def test_ids_on_other_elements_are_link_targets_as_mkdocs_renders_them(tmp_path: Path) -> None:
    vault = make_vault(tmp_path / "vault")
    (vault / "getting-started/faq.md").write_text(
        "# FAQ\n\n[__Why a subscription?__](#why-subscription){ #why-subscription }\n\n"
        '<a id="old-anchor"></a>\n\nSee [why](#why-subscription), [old](#old-anchor).\n\n'
        "```\n{ #in-code }\n```\n\nAnd [code](#in-code).\n",
        encoding="utf-8",
    )
    code, output = check(vault)
    assert "#why-subscription" not in output and "#old-anchor" not in output
    assert "link to missing section #in-code" in output, "an id inside fenced code is not an anchor"
    assert code == 1


def test_a_misspelt_key_is_a_warning_with_its_fix_and_not_also_a_kept_key_note(tmp_path: Path) -> None:
    vault = make_vault(tmp_path / "vault")
    (vault / "getting-started/typo.md").write_text("---\ntitel: Typo\n---\nText.\n", encoding="utf-8")
    _, output = check(vault)
    assert "unknown front-matter key 'titel'" in output and "did you mean 'title'?" in output
    assert "front-matter key 'titel' in" not in output
