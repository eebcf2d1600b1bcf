"""kb adopt: the derived front matter written into the files, bodies untouched, all or nothing."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from supportkb.cli import main
from supportkb.generator.authoring.adopt import apply_adoption, plan_adoption
from supportkb.generator.core.articles import load_articles
from supportkb.generator.core.errors import KBError
from supportkb.generator.core.frontmatter import split_front_matter
from supportkb.generator.core.project import project_from_kb

FILES = {
    "getting-started/Create your account.md": "---\n# kept comment\naliases: [sign up]\npublish: true\n---\n\nSign up with your email.\n\n## Steps\n\nOpen the page.\n",
    "getting-started/no-front-matter.md": "# Welcome aboard\n\nFirst steps.\n",
    "billing/crlf.md": "---\r\npermalink: billing/crlf\r\n---\r\nWindows line endings.\r\n",
    "billing/bom.md": "\ufeffA file saved with a byte-order mark.\n",
    "billing/complete.md": "---\ntitle: Complete\nid: '42'\ncategory: billing\n---\nNothing to add.\n",
}


def make_project(root: Path, files: dict[str, str] = FILES) -> Path:
    articles = root / "kb/articles"
    for relative, text in files.items():
        path = articles / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    (root / "kb/categories.yml").write_text("# Our categories\nbilling:\n  title: Plans and billing\n", encoding="utf-8")
    return root


def bodies(root: Path) -> dict[str, bytes]:
    """Each article's bytes after its front matter: what adopt must never change."""
    found = {}
    for path in sorted((root / "kb/articles").rglob("*.md")):
        text = path.read_bytes().decode("utf-8")
        parsed = split_front_matter(text)
        found[str(path.relative_to(root))] = parsed.body.encode("utf-8")  # type: ignore[union-attr]
    return found


def adopt(root: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["adopt", str(root / "kb"), *args])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_dry_run_shows_a_diff_and_writes_nothing(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    before = snapshot(root)
    code, output = adopt(root)
    assert code == 0, output
    assert snapshot(root) == before
    assert "--- a/" in output and "+++ b/" in output
    assert '+title: "Create your account"\n+id: "getting-started/create-your-account"\n+category: "getting-started"\n' in output
    assert output.rstrip().endswith("Nothing was written; run 'kb adopt --write' to write it.")
    assert "4 of 5 articles would gain front matter" in output


def test_write_adds_only_lines_keeps_bodies_byte_for_byte_and_is_idempotent(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    before_bodies = bodies(root)
    before_ids = {str(a.path): a.id for a in load_articles(root / "kb/articles").articles}
    code, output = adopt(root, "--write")
    assert code == 0, output
    assert bodies(root) == before_bodies
    articles = root / "kb/articles"
    assert (articles / "getting-started/Create your account.md").read_text(encoding="utf-8").startswith(
        '---\ntitle: "Create your account"\nid: "getting-started/create-your-account"\ncategory: "getting-started"\n# kept comment\naliases: [sign up]\npublish: true\n---\n'
    )
    assert (articles / "getting-started/no-front-matter.md").read_text(encoding="utf-8") == (
        '---\ntitle: "Welcome aboard"\nid: "getting-started/no-front-matter"\ncategory: "getting-started"\n---\n# Welcome aboard\n\nFirst steps.\n'
    )
    assert (articles / "billing/crlf.md").read_bytes().startswith(b'---\r\ntitle: "Crlf"\r\nid: "billing/crlf"\r\ncategory: "billing"\r\npermalink')
    assert (articles / "billing/bom.md").read_bytes().startswith(b'\xef\xbb\xbf---\ntitle: "Bom"\n')
    assert (articles / "billing/complete.md").read_text(encoding="utf-8") == FILES["billing/complete.md"]
    # The ids written are the ones the paths gave: every short link /a/<id>/ stays.
    after = load_articles(articles)
    assert {str(a.path): a.id for a in after.articles} == before_ids
    assert all(not ({"title", "id", "category"} & a.derived) for a in after.articles)
    # The folder category joins categories.yml, after what was there.
    assert (root / "kb/categories.yml").read_text(encoding="utf-8") == (
        '# Our categories\nbilling:\n  title: Plans and billing\n\ngetting-started:\n  title: "Getting started"\n'
    )
    before_second = snapshot(root)
    code, output = adopt(root, "--write")
    assert code == 0 and output.startswith("Nothing to adopt")
    assert snapshot(root) == before_second
    check = CliRunner().invoke(main, ["check", "--kb", str(root / "kb"), "--strict"])
    assert check.exit_code == 0, check.output


def test_json_output_names_each_file_and_what_it_gains(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    code, output = adopt(root, "--json")
    data = json.loads(output)
    assert code == 0
    assert (data["articles"], data["changed"], data["written"]) == (5, 4, False)
    first = next(f for f in data["files"] if f["path"].endswith("Create your account.md"))
    assert first["added"] == {"title": "Create your account", "id": "getting-started/create-your-account", "category": "getting-started"}
    assert data["categories"] == [{"id": "getting-started", "title": "Getting started"}]


@pytest.mark.parametrize(
    ("relative", "text", "expected"),
    [
        ("billing/list.md", "---\n- a\n- b\n---\nText.\n", ":2:1: error: front matter must be a mapping"),
        ("billing/broken.md", "---\ntitle: [unclosed\n---\nText.\n", ":3:1: error: invalid YAML in front matter"),
        ("billing/refund-policy.md", "Clashes with 'Refund policy.md'.\n", ":1:1: error: the id 'billing/refund-policy' this file's path gives is also the id of"),
        ("billing/flow.md", "---\n{permalink: x}\n---\nFlow-style front matter.\n", ":1:1: error: cannot add keys to this front matter without rewriting it"),
    ],
)
def test_bad_input_writes_nothing_anywhere(tmp_path: Path, relative: str, text: str, expected: str) -> None:
    root = make_project(tmp_path, {**FILES, "billing/Refund policy.md": "Refunds.\n", relative: text})
    before = snapshot(root)
    code, output = adopt(root, "--write")
    assert code == 1
    assert f"{root / 'kb/articles' / relative}{expected}" in output or f"{os.path.relpath(root / 'kb/articles' / relative)}{expected}" in output
    assert "nothing was written" in output
    assert snapshot(root) == before


def test_a_file_changed_after_planning_stops_the_write(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    plan = plan_adoption(project_from_kb(root / "kb"))
    edited = plan.changes[-1].path
    edited.write_text(edited.read_text(encoding="utf-8") + "A writer's edit.\n", encoding="utf-8")
    before = snapshot(root)
    with pytest.raises(KBError, match="changed while kb adopt ran"):
        apply_adoption(plan)
    assert snapshot(root) == before
    assert not [p for p in root.rglob("*.tmp")]


def test_a_bare_folder_without_categories_yml_gets_none(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    (folder / "guides").mkdir(parents=True)
    (folder / "guides/setup.md").write_text("Set it up.\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["adopt", str(folder), "--write"])
    assert result.exit_code == 0, result.output
    assert not (folder / "categories.yml").exists()
    assert (folder / "guides/setup.md").read_text(encoding="utf-8").startswith('---\ntitle: "Setup"\nid: "guides/setup"\ncategory: "guides"\n---\n')
