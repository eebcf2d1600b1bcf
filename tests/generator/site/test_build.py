"""Real MkDocs builds of small projects: atomic output, internal articles kept off, clear failures."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from supportkb.generator.site.build import build_site
from supportkb.cli import main
from supportkb.generator.core.errors import BuildFailed
from tests.generator.kbproject import make_project


def site_files(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def all_text(site: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in site.rglob("*") if p.is_file())


def test_build_writes_public_articles_and_generated_pages(tmp_path: Path) -> None:
    config = make_project(tmp_path)
    result = build_site(config)
    site = tmp_path / "site"
    assert result.site_dir == site
    assert (site / "getting-started/welcome/index.html").is_file()
    assert (site / "billing/refunds/index.html").is_file()
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "Getting started" in home and "Account and billing" in home
    category = (site / "billing/index.html").read_text(encoding="utf-8")
    assert "Refunds" in category
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".site.")], "staging folders left behind"


def test_internal_article_never_reaches_the_site(tmp_path: Path) -> None:
    build_site(make_project(tmp_path))
    site = tmp_path / "site"
    assert not (site / "billing/chargeback-runbook").exists()
    text = all_text(site)
    assert "Zebra-falcon" not in text
    assert "Chargeback runbook for agents" not in text


def test_failed_build_leaves_previous_site_untouched(tmp_path: Path) -> None:
    config = make_project(tmp_path)
    build_site(config)
    before = site_files(tmp_path / "site")
    (tmp_path / "kb/articles/billing/broken.md").write_text("---\ntitle: [oops\n---\n", encoding="utf-8")
    with pytest.raises(BuildFailed) as failure:
        build_site(config)
    assert "kb/articles/billing/broken.md:3:1: error: invalid YAML" in failure.value.details
    assert site_files(tmp_path / "site") == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".site.")]


def test_file_disappearing_mid_build_keeps_previous_site(tmp_path: Path) -> None:
    hook = tmp_path / "vanish.py"
    hook.write_text(
        "from pathlib import Path\n"
        "def on_files(files, config):\n"
        "    Path(config.docs_dir, 'billing/refunds.md').unlink()\n"
        "    return files\n",
        encoding="utf-8",
    )
    config = make_project(tmp_path)
    build_site(config)
    before = site_files(tmp_path / "site")
    config.write_text(config.read_text(encoding="utf-8") + "hooks:\n  - vanish.py\n", encoding="utf-8")
    with pytest.raises(BuildFailed):
        build_site(config)
    assert site_files(tmp_path / "site") == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".site.")]


def test_site_path_that_is_a_file_is_a_clear_error(tmp_path: Path) -> None:
    config = make_project(tmp_path)
    (tmp_path / "site").write_text("not a folder", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "-f", str(config), "-q"])
    assert result.exit_code == 1
    assert "exists and is not a folder" in result.output
    assert "Traceback" not in result.output
    assert (tmp_path / "site").read_text(encoding="utf-8") == "not a folder"


def test_site_dir_under_a_file_is_a_clear_error(tmp_path: Path) -> None:
    config = make_project(tmp_path)
    (tmp_path / "blocker").write_text("x", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "-f", str(config), "-q", "--site-dir", str(tmp_path / "blocker/site")])
    assert result.exit_code == 1
    assert "cannot create a build folder" in result.output
    assert "Traceback" not in result.output


def test_strict_build_with_warnings_keeps_previous_site(tmp_path: Path) -> None:
    config = make_project(tmp_path)
    build_site(config)
    before = site_files(tmp_path / "site")
    (tmp_path / "kb/articles/billing/extra.md").write_text("---\ntitle: X\nid: '5'\ncategory: billing\nsumary: typo\n---\nx\n", encoding="utf-8")
    with pytest.raises(BuildFailed):
        build_site(config, strict=True)
    assert site_files(tmp_path / "site") == before


def test_plain_mkdocs_build_gives_the_same_pages(tmp_path: Path) -> None:
    config = make_project(tmp_path)
    build_site(config)
    ours = {k for k in site_files(tmp_path / "site") if k.endswith(".html")}
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(tmp_path / "plain")],
        check=True,
        cwd=tmp_path,
    )
    plain = {k for k in site_files(tmp_path / "plain") if k.endswith(".html")}
    assert ours == plain
    assert "Zebra-falcon" not in all_text(tmp_path / "plain")


def test_plain_mkdocs_build_fails_on_invalid_articles(tmp_path: Path) -> None:
    config = make_project(tmp_path)
    (tmp_path / "kb/articles/billing/bad.md").write_text("---\nid: '9'\ntitle: [unclosed\n---\nno title\n", encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-f", str(config)], capture_output=True, text=True, cwd=tmp_path
    )
    assert run.returncode == 1
    assert "kb/articles/billing/bad.md:4:1: error: invalid YAML in front matter" in run.stderr
    assert "Traceback" not in run.stderr
    assert not (tmp_path / "site").exists()
