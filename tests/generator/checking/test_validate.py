"""kb check on real files: each bad input gives a path:line message with a hint, and exit 1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from supportkb.cli import main
from tests.generator.kbproject import make_project


def run_check(root: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["check", "-f", str(root / "mkdocs.yml"), *args])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_clean_project_passes(tmp_path: Path) -> None:
    make_project(tmp_path)
    code, output = run_check(tmp_path)
    assert code == 0, output
    assert "0 error(s), 0 warning(s)" in output


ARTICLE = "kb/articles/billing/new.md"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("---\ntitle: Broken\nsummary: [oops\n---\nBody\n", ":4:1: error: invalid YAML"),
        ("---\ntitle: Tabs\n\tsummary: x\n---\nBody\n", ":3:1: error: invalid YAML"),
        ("---\nsummary: no title\ncategory: billing\nid: '7'\n---\nBody\n", ":1:1: error: 'title' is missing"),
        ("---\ntitle: Dup\nid: '101'\ncategory: billing\n---\nBody\n", ":3:1: error: duplicate id '101', also used by"),
        ("---\ntitle: Cat\nid: '8'\ncategory: bililng\n---\nBody\n", ":4:1: error: unknown category 'bililng' (did you mean 'billing'?)"),
        ("---\ntitle: Key\nid: '9'\ncategory: billing\nsumary: x\n---\nBody\n", ":5:1: warning: unknown front-matter key 'sumary' (did you mean 'summary'?)"),
        ("---\ntitle: Date\nid: '10'\ncategory: billing\nreviewed: 2026-02-31\n---\nBody\n", ":5:1: error: 'reviewed' is not a date"),
        ("---\ntitle: Link\nid: '11'\ncategory: billing\n---\nSee [x](refund.md).\n", ":6:5: error: link to missing article 'refund.md' (did you mean 'refunds.md'?)"),
        ("---\ntitle: Anchor\nid: '12'\ncategory: billing\n---\nSee [x](refunds.md#how-refund-work).\n", ":6:5: error: link to missing section #how-refund-work in 'refunds.md' (did you mean 'how-refunds-work'?)"),
        ("---\ntitle: Img\nid: '13'\ncategory: billing\n---\n![Screen](images/missing.png)\n", ":6:1: error: image 'images/missing.png' not found"),
        ("---\ntitle: Leak\nid: '14'\ncategory: billing\n---\nSee [runbook](chargeback-runbook.md).\n", ":6:5: error: public article links internal article 'chargeback-runbook.md'"),
        ("---\ntitle: Aud\nid: '15'\ncategory: billing\naudience: staff\n---\nx\n", ":5:1: error: audience must be 'public' or 'internal'"),
        ("", ":1:1: error: article is empty"),
    ],
)
def test_bad_input_is_reported_with_path_and_line(tmp_path: Path, content: str, expected: str) -> None:
    make_project(tmp_path)
    (tmp_path / ARTICLE).write_text(content, encoding="utf-8")
    code, output = run_check(tmp_path, "--strict")
    assert code == 1
    assert f"{tmp_path / ARTICLE}{expected.replace('warning', 'error')}" in output


def test_non_utf8_bytes_name_line_and_column(tmp_path: Path) -> None:
    make_project(tmp_path)
    (tmp_path / ARTICLE).write_bytes(b"---\ntitle: Caf\xe9\n---\n")
    code, output = run_check(tmp_path)
    assert code == 1
    assert ":2:11: error: file is not valid UTF-8 (byte 0xe9) (save the file as UTF-8 in your editor)" in output


def test_duplicate_ids_name_both_files(tmp_path: Path) -> None:
    make_project(tmp_path)
    (tmp_path / ARTICLE).write_text("---\ntitle: Dup\nid: '101'\ncategory: billing\n---\nx\n", encoding="utf-8")
    _, output = run_check(tmp_path)
    lines = [line for line in output.splitlines() if "duplicate id" in line]
    assert len(lines) == 2
    assert "new.md" in lines[0] and "refunds.md" in lines[0]
    assert "new.md" in lines[1] and "refunds.md" in lines[1]


def test_warnings_pass_unless_strict(tmp_path: Path) -> None:
    make_project(tmp_path)
    (tmp_path / ARTICLE).write_text("---\ntitle: Key\nid: '9'\ncategory: billing\nsumary: x\n---\nBody\n", encoding="utf-8")
    assert run_check(tmp_path)[0] == 0
    assert run_check(tmp_path, "--strict")[0] == 1


def test_every_problem_in_one_run_as_json(tmp_path: Path) -> None:
    make_project(tmp_path)
    (tmp_path / ARTICLE).write_text("---\ntitle: Many\nid: '101'\ncategory: nope\n---\n[a](x.md) ![b](y.png)\n", encoding="utf-8")
    code, output = run_check(tmp_path, "--format", "json")
    report = json.loads(output[: output.rindex("}") + 1])
    assert code == 1
    assert sorted(f["code"] for f in report["findings"]) == sorted(
        ["duplicate-id", "duplicate-id", "unknown-category", "missing-article", "missing-image"]
    )


def test_any_markdown_folder_with_kb_option(tmp_path: Path) -> None:
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes/a.md").write_text("# A\n\n[b](b.md#there)\n", encoding="utf-8")
    (tmp_path / "notes/b.md").write_text("# B\n\n## There\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--kb", str(tmp_path / "notes")])
    assert result.exit_code == 0, result.output


def test_no_project_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 1
    assert "no mkdocs.yml here or in any parent folder" in result.output
    assert "Traceback" not in result.output


def test_twenty_megabyte_article_is_checked_and_flagged(tmp_path: Path) -> None:
    make_project(tmp_path)
    paragraph = "Customers ask how refunds work and how long they take to arrive. " * 15 + "\n\n"
    body = paragraph * (20 * 1024 * 1024 // len(paragraph))
    (tmp_path / ARTICLE).write_text(f"---\ntitle: Huge\nid: '77'\ncategory: billing\nsummary: Big.\n---\n{body}", encoding="utf-8")
    code, output = run_check(tmp_path)
    assert code == 0, output
    assert f"{tmp_path / ARTICLE}:1:1: warning: article is very large (20 MB)" in output


def test_escaped_brackets_are_text_not_a_link(tmp_path: Path) -> None:
    """`kb import` escapes '[' and ']' in imported text; `kb check` must not read them as a link."""
    make_project(tmp_path)
    (tmp_path / ARTICLE).write_text(
        "---\ntitle: Brackets\nid: '77'\ncategory: billing\n---\n\nType \\[Esc\\](menu) to close it, then [refunds](refunds.md).\n",
        encoding="utf-8",
    )
    code, output = run_check(tmp_path)
    assert "menu" not in output
    assert code == 0, output
