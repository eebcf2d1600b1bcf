"""Hostile article layouts and kills mid-write (issue 13: findings 3, 4, 7, 10 and 12).

Each test builds or checks a real project in tmp_path: the internal text must appear nowhere under
site/, `kb check` must refuse what `kb build` refuses with the same message, and a killed build or
`kb stale --mark` must leave nothing behind once the next run is over.
"""

from __future__ import annotations

import datetime as dt
import gzip
import os
import subprocess
import sys
import textwrap
from pathlib import Path, PurePosixPath

import pytest
from click.testing import CliRunner

from supportkb.generator.site.build import build_site
from supportkb.cli import main
from supportkb.generator.core.errors import BuildFailed
from tests.conftest import REPO_ROOT, write_article
from tests.generator.kbproject import make_project

SECRET_TITLE = "Quokka override procedure for agents"
SECRET_BODY = "Read the customer's recovery phrase back to them before resetting."
ENV_SECRET = "STRIPE_SECRET_KEY=sk_live_51HtKq9f3zXw"


def every_text(site: Path) -> str:
    """All files under the site, gzip ones unpacked: pages, sitemap.xml, the search index (search/kb/)."""
    texts = []
    for path in sorted(site.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            if data[:2] == b"\x1f\x8b":
                data = gzip.decompress(data)
            texts.append(f"== {path.relative_to(site)}\n" + data.decode("utf-8", errors="replace"))
    return "\n".join(texts)


def internal_article(path: Path) -> None:
    write_article(path, f"{SECRET_BODY}\n\n## Steps\n\nAsk twice.\n", title=SECRET_TITLE, category="billing", audience="internal")


def check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check", "-f", str(tmp_path / "mkdocs.yml")])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def build_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(BuildFailed) as failure:
        build_site(tmp_path / "mkdocs.yml")
    return failure.value.details


# Finding 3: the loader and MkDocs agree on which files are articles; the site holds only public ones.

def _markdown_extension(articles: Path, suffix: str) -> None:
    internal_article(articles / f"billing/agent-override{suffix}")


def _site_folder(articles: Path) -> None:
    internal_article(articles / "_site_drafts/agent-override.md")


def _symlinked_folder(articles: Path) -> None:
    internal_article(articles / "ops/agent-override.md")
    (articles / "ops-mirror").symlink_to("ops", target_is_directory=True)


@pytest.mark.parametrize(
    "layout",
    [
        pytest.param(lambda a: _markdown_extension(a, ".markdown"), id="markdown-suffix"),
        pytest.param(lambda a: _markdown_extension(a, ".mdown"), id="mdown-suffix"),
        pytest.param(lambda a: _markdown_extension(a, ".mkd"), id="mkd-suffix"),
        pytest.param(lambda a: _markdown_extension(a, ".mdwn"), id="mdwn-suffix-copied-raw"),
        pytest.param(_site_folder, id="site-folder"),
        pytest.param(_symlinked_folder, id="symlinked-folder"),
    ],
)
def test_internal_article_in_an_unusual_layout_stays_off_the_site(tmp_path: Path, layout) -> None:
    config = make_project(tmp_path)
    layout(tmp_path / "kb/articles")
    site = build_site(config).site_dir
    text = every_text(site)
    assert (site / "sitemap.xml").is_file() and (site / "search/kb/index.json").is_file()
    assert "Refunds are paid back to the card" in text, "the public articles are still published"
    assert SECRET_TITLE not in text
    assert "recovery phrase" not in text


def test_loader_reads_every_suffix_mkdocs_renders() -> None:
    from mkdocs.utils import markdown_extensions

    from supportkb.generator.core.articles import MARKDOWN_SUFFIXES

    assert set(MARKDOWN_SUFFIXES) == set(markdown_extensions)


# Finding 4 (site part): nothing outside the articles folder is read or published.

@pytest.mark.parametrize(
    ("link", "target", "shown"),
    [
        ("env.md", "../../.env", "kb/articles/env.md:1:1: error: symbolic link leads outside the articles folder, to '../../.env'"),
        ("billing/team", "../../../team-notes", "kb/articles/billing/team:1:1: error: symbolic link leads outside the articles folder, to '../../team-notes'"),
        ("billing/logo.png", "../../../.env", "kb/articles/billing/logo.png:1:1: error: symbolic link leads outside the articles folder, to '../../.env'"),
    ],
)
def test_symlink_out_of_the_articles_folder_is_an_error_and_never_published(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, link: str, target: str, shown: str
) -> None:
    config = make_project(tmp_path)
    (tmp_path / ".env").write_text(ENV_SECRET + "\n", encoding="utf-8")
    internal_article(tmp_path / "team-notes/override.md")
    (tmp_path / "kb/articles" / link).symlink_to(target)
    code, output = check(tmp_path, monkeypatch)
    assert code == 1
    assert shown in output
    assert "(copy what you need into the articles folder, or delete the link)" in output
    assert shown in build_failure(tmp_path, monkeypatch)
    assert not (tmp_path / "site").exists()


def test_plugin_drops_files_that_resolve_outside_even_if_loading_missed_them(tmp_path: Path) -> None:
    """The plugin itself refuses out-of-folder files; kb check is not the only gate."""
    config = make_project(tmp_path)
    (tmp_path / ".env").write_text(ENV_SECRET + "\n", encoding="utf-8")
    hook = tmp_path / "sneak.py"
    hook.write_text(
        textwrap.dedent(
            """
            import os
            def on_pre_build(config):
                # After kb's checks, before MkDocs walks the folder: a writer's sync tool adds a link.
                os.symlink("../../.env", os.path.join(config.docs_dir, "env.md"))
            """
        ),
        encoding="utf-8",
    )
    config.write_text(config.read_text(encoding="utf-8") + "hooks:\n  - sneak.py\n", encoding="utf-8")
    site = build_site(config).site_dir
    assert "sk_live" not in every_text(site)
    assert not (site / "env").exists()


# Finding 7: kb check refuses what kb build refuses, with the same path:line message.

@pytest.mark.parametrize(
    ("front_matter", "message"),
    [
        ({"id": "../../../escape-id"}, "kb/articles/billing/moved.md:4:1: error: id '../../../escape-id' cannot be a link"),
        ({"id": "103", "redirect_from": ["../../etc/x"]}, "kb/articles/billing/moved.md:5:1: error: redirect_from '../../etc/x' is not a path on this site"),
        ({"id": "103", "redirect_from": ["/abs/.."]}, "kb/articles/billing/moved.md:5:1: error: redirect_from '/abs/..' is not a path on this site"),
        ({"id": "103", "redirect_from": ["old/"]}, None),
    ],
)
def test_check_refuses_what_the_build_refuses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, front_matter: dict, message: str | None
) -> None:
    make_project(tmp_path)
    write_article(tmp_path / "kb/articles/billing/moved.md", "Text.\n", title="Moved", category="billing", **front_matter)
    if message is None:  # Two articles claiming one old URL.
        write_article(tmp_path / "kb/articles/billing/moved-too.md", "Text.\n", title="Moved too", category="billing", id="104", redirect_from=["old/"])
        message = "kb/articles/billing/moved.md:5:1: error: '/old/' already redirects to article '104'"
    code, output = check(tmp_path, monkeypatch)
    assert code == 1
    assert message in output
    assert message in build_failure(tmp_path, monkeypatch)


def test_symlink_folder_loop_fails_check_and_build_alike(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_project(tmp_path)
    (tmp_path / "kb/articles/billing/archive").symlink_to("..", target_is_directory=True)
    (tmp_path / "kb/articles/getting-started/more").symlink_to("../getting-started", target_is_directory=True)
    message = "kb/articles/billing/archive:1:1: error: folder link loops back to '.', a folder that holds it"
    code, output = check(tmp_path, monkeypatch)
    assert code == 1
    assert message in output
    assert "kb/articles/getting-started/more:1:1: error: folder link loops back to 'getting-started'" in output
    details = build_failure(tmp_path, monkeypatch)
    assert message in details
    assert "Too many levels of symbolic links" not in details


# Finding 10 (site and stale parts): a kill leaves nothing behind once the next run is over.

THIS_CHECKOUT = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
"""Subprocesses import the code under test, not whatever checkout the virtualenv points at."""

KILL_HOOK = """
import os, signal
def on_post_build(config):
    os.kill(os.getpid(), signal.SIGKILL)  # As if the machine pulled the plug mid-build.
"""


def test_staging_folders_of_a_killed_build_are_cleaned_by_the_next(tmp_path: Path) -> None:
    config = make_project(tmp_path)
    (tmp_path / "killer.py").write_text(KILL_HOOK, encoding="utf-8")
    killing = tmp_path / "killing.yml"
    killing.write_text(config.read_text(encoding="utf-8") + "hooks:\n  - killer.py\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(killing)], cwd=tmp_path, capture_output=True, env=THIS_CHECKOUT)
    assert run.returncode == -9
    left = [p.name for p in tmp_path.iterdir() if p.name.startswith(".site.tmp-")]
    assert left, "the kill left its staging folder (the situation being tested)"

    sleeper = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    try:
        live = tmp_path / f".site.tmp-{sleeper.pid}-concurrent"
        live.mkdir()
        build_site(config)
        remaining = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".site."))
        assert remaining == [live.name], "a live build's folder is kept, dead ones are removed"
    finally:
        sleeper.communicate(b"")
    assert (tmp_path / "site/billing/refunds/index.html").is_file()


MARK_AND_DIE = """
import datetime as dt, os, signal, sys
from pathlib import Path, PurePosixPath
import supportkb.gaps.staleness.mark as stale_mark

real_replace = os.replace
calls = []
def replace_then_die(src, dst):
    calls.append(dst)
    if len(calls) == 2:
        os.kill(os.getpid(), signal.SIGKILL)
    real_replace(src, dst)
os.replace = replace_then_die
targets = [(PurePosixPath(name), name) for name in sys.argv[2:]]
stale_mark.mark_stale(Path(sys.argv[1]), targets, version="4.2.0", marked_on=dt.date(2025, 3, 5))
"""


def test_killed_stale_mark_is_finished_and_cleaned_by_the_next_run(tmp_path: Path) -> None:
    from supportkb.gaps.staleness.mark import mark_stale

    articles = tmp_path / "kb/articles"
    names = ["billing/invoices.md", "billing/refunds.md", "getting-started/welcome.md"]
    for name in names:
        write_article(articles / name, "Text.\n", title=name)
    script = tmp_path / "mark_and_die.py"
    script.write_text(MARK_AND_DIE, encoding="utf-8")
    run = subprocess.run([sys.executable, str(script), str(articles), *names], cwd=REPO_ROOT, capture_output=True, env=THIS_CHECKOUT)
    assert run.returncode == -9, run.stderr.decode()
    assert list(articles.rglob(".*.tmp")), "the kill left temporary files (the situation being tested)"

    result = mark_stale(articles, [(PurePosixPath(n), n) for n in names], version="4.2.0", marked_on=dt.date(2025, 3, 5))
    assert [p.name for p in articles.rglob("*") if p.name.endswith(".tmp")] == []
    for name in names:
        assert 'stale_since: "4.2.0"' in (articles / name).read_text(encoding="utf-8"), name
    assert len(result.changed) + len(result.already_marked) == 3
    assert result.cleaned, "the result says leftovers were removed"


def test_stale_mark_that_cannot_write_every_file_changes_none(tmp_path: Path) -> None:
    from supportkb.gaps.staleness.mark import mark_stale

    articles = tmp_path / "kb/articles"
    names = ["billing/invoices.md", "billing/refunds.md"]
    for name in names:
        write_article(articles / name, "Text.\n", title=name)
    before = {n: (articles / n).read_text(encoding="utf-8") for n in names}
    import supportkb.gaps.staleness.mark as stale_mark

    # The disk fills up while the second temporary file is being created.

    written: list[str] = []
    real_open = os.open

    def open_until_full(path, flags, mode=0o777, *, dir_fd=None):
        if str(path).endswith(".tmp") and flags & os.O_CREAT:
            written.append(str(path))
            if len(written) == 2:
                raise OSError(28, "No space left on device")
        return real_open(path, flags, mode, dir_fd=dir_fd)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(stale_mark.os, "open", open_until_full)
        with pytest.raises(Exception) as failure:
            mark_stale(articles, [(PurePosixPath(n), n) for n in names], version="4.2.0", marked_on=dt.date(2025, 3, 5))
    assert "No space left on device" in str(failure.value)
    assert "no article was changed" in str(failure.value)
    assert {n: (articles / n).read_text(encoding="utf-8") for n in names} == before
    assert [p.name for p in articles.rglob("*") if p.name.endswith(".tmp")] == []


# Finding 12 (site part): a dangling symlinked article is a broken link, named with its target.

def test_dangling_symlinked_article_is_reported_as_a_broken_link(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_project(tmp_path)
    (tmp_path / "kb/articles/billing/old-refunds.md").symlink_to("refunds-2019.md")
    message = "kb/articles/billing/old-refunds.md:1:1: error: broken link: its target 'billing/refunds-2019.md' does not exist"
    code, output = check(tmp_path, monkeypatch)
    assert code == 1
    assert message in output
    assert "disappeared" not in output
    assert message in build_failure(tmp_path, monkeypatch)


# --- A folder written for another tool: links inside the folder, kb adopt never writing through them ---


def test_folder_link_inside_the_folder_is_named_once_and_adopt_writes_each_file_once(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    (folder / "billing").mkdir(parents=True)
    (folder / "billing/Refund policy.md").write_text("Refunds take five days.\n", encoding="utf-8")
    os.symlink("billing", folder / "billing-old")
    check = CliRunner().invoke(main, ["check", "--kb", str(folder)])
    assert f"{folder / 'billing-old'}:1:1: warning: folder link to 'billing': its articles are published twice, under both folders" in check.output
    assert "Traceback" not in check.output
    result = CliRunner().invoke(main, ["adopt", str(folder), "--write"])
    assert result.exit_code == 0, result.output
    assert (folder / "billing-old").is_symlink()
    text = (folder / "billing/Refund policy.md").read_text(encoding="utf-8")
    assert text == '---\ntitle: "Refund policy"\nid: "billing/refund-policy"\ncategory: "billing"\n---\nRefunds take five days.\n'


def test_adopt_writes_the_file_a_link_names_and_keeps_the_link(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    (folder / ".shared").mkdir(parents=True)
    (folder / "guides").mkdir()
    (folder / ".shared/setup.md").write_text("Set it up.\n", encoding="utf-8")
    os.symlink("../.shared/setup.md", folder / "guides/setup.md")
    result = CliRunner().invoke(main, ["adopt", str(folder), "--write"])
    assert result.exit_code == 0, result.output
    assert (folder / "guides/setup.md").is_symlink()
    assert (folder / ".shared/setup.md").read_text(encoding="utf-8").startswith('---\ntitle: "Setup"\nid: "guides/setup"\n')


def test_adopt_refuses_a_link_out_of_the_folder_and_writes_nothing(tmp_path: Path) -> None:
    outside = tmp_path / "outside.md"
    outside.write_text("Not ours.\n", encoding="utf-8")
    folder = tmp_path / "docs"
    (folder / "guides").mkdir(parents=True)
    (folder / "guides/mine.md").write_text("Ours.\n", encoding="utf-8")
    os.symlink(outside, folder / "guides/theirs.md")
    result = CliRunner().invoke(main, ["adopt", str(folder), "--write"])
    assert result.exit_code == 1
    assert "symbolic link leads outside the articles folder" in result.output and "nothing was written" in result.output
    assert outside.read_text(encoding="utf-8") == "Not ours.\n"
    assert (folder / "guides/mine.md").read_text(encoding="utf-8") == "Ours.\n"


def test_wikilink_to_a_file_name_full_of_markup_characters_stays_one_safe_link(tmp_path: Path) -> None:
    from bs4 import BeautifulSoup

    config = make_project(tmp_path)
    articles = tmp_path / "kb/articles"
    name = 'Q&A "x" \'y\' 1<2'
    (articles / f"billing/{name}.md").write_text("Text.\n", encoding="utf-8")
    write_article(articles / "billing/links.md", f"See [[{name}]] and [[{name}|a \"quoted\" alias]].\n", id="77", title="Links", category="billing")
    site = build_site(config).site_dir
    page = BeautifulSoup((site / "billing/links/index.html").read_text(encoding="utf-8"), "html.parser")
    links = page.select("article a.kb-wikilink")
    assert [a.get_text() for a in links] == [name, 'a "quoted" alias']
    assert {a["href"] for a in links} == {"../Q%26A%20%22x%22%20%27y%27%201%3C2/"}


@pytest.mark.parametrize("marker", ["publish: false", "draft: true"])
def test_an_article_another_tool_keeps_unpublished_stays_off_the_site(tmp_path: Path, marker: str) -> None:
    """A folder brought from Obsidian Publish or a static-site generator: its unpublished pages stay unpublished."""
    config = make_project(tmp_path)
    (tmp_path / "kb/articles/billing/partner-override.md").write_text(
        f"---\n{marker}\n---\n# {SECRET_TITLE}\n\n{SECRET_BODY}\n", encoding="utf-8"
    )
    site = build_site(config).site_dir
    text = every_text(site)
    assert "Refunds are paid back to the card" in text, "the public articles are still published"
    assert SECRET_TITLE not in text
    assert "recovery phrase" not in text
