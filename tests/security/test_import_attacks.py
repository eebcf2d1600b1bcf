"""Hostile help-desk exports against `kb import` (issue 13: findings 1, 4, 5, 8, 10 and 12).

Each test writes a real export into tmp_path, imports it into a real `kb init` project (through the
CLI where a writer would) and looks at what landed on disk, in the report and in the built site.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from supportkb.generator.core.articles import load_articles
from supportkb.generator.core.errors import KBError
from supportkb.generator.importers import read_export
from supportkb.generator.importers.write import import_export
from supportkb.generator.core.project import find_project
from supportkb.generator.authoring.scaffold import init_project
from tests.conftest import REPO_ROOT

PNG = (REPO_ROOT / "tests/workflow/exports/zendesk/article_attachments/360044445555/reset-link.png").read_bytes()
SECRET = "DB_PASSWORD=hunter2-do-not-publish"
ATTACHMENT_SRC = "/hc/article_attachments/555/diagram.png"
ALLOWED_SCHEMES = ("http", "https", "mailto", "tel")


@pytest.fixture
def kb(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """Run `kb ARGS...` in a folder, as a writer would; a traceback fails the test."""
    from supportkb.cli import main

    def run(*args: str, cwd: Path) -> Result:
        monkeypatch.chdir(cwd)
        result = CliRunner().invoke(main, list(args), catch_exceptions=False)
        assert "Traceback" not in result.output
        return result

    return run


def new_project(parent: Path) -> Path:
    root = parent / "help"
    init_project(root, site_name="Acme Help Center", owner="sam", today=dt.date(2026, 3, 1))
    return root


def zendesk_article(key: object, title: str, body: str, **extra: object) -> dict[str, object]:
    """One record as Zendesk's Help Center API returns it."""
    return {
        "id": key,
        "title": title,
        "body": body,
        "section_id": 1,
        "locale": "en-us",
        "draft": False,
        "user_segment_id": None,
        "html_url": f"https://help.acme.example/hc/en-us/articles/{key}-{title.replace(' ', '-')}",
        **extra,
    }


def write_zendesk_export(folder: Path, articles: list[dict[str, object]], *, sections: list[dict[str, object]] | None = None, categories: list[dict[str, object]] | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "articles.json").write_text(json.dumps({"articles": articles}), encoding="utf-8")
    (folder / "sections.json").write_text(json.dumps({"sections": sections if sections is not None else [{"id": 1, "name": "Signing in", "category_id": 10}]}), encoding="utf-8")
    (folder / "categories.json").write_text(json.dumps({"categories": categories if categories is not None else [{"id": 10, "name": "Account and sign-in"}]}), encoding="utf-8")
    return folder


def add_attachment(export: Path, relative: str = "article_attachments/555/diagram.png", data: bytes = PNG) -> Path:
    path = export / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def snapshot(root: Path, *, skip: Path) -> dict[str, object]:
    """Every file, folder and link under root (links not followed), except the folder `skip`."""
    found: dict[str, object] = {}
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        dirs[:] = [d for d in dirs if here / d != skip]
        for name in dirs + files:
            path = here / name
            key = str(path.relative_to(root))
            if path.is_symlink():
                found[key] = "link -> " + os.readlink(path)
            elif path.is_file():
                found[key] = path.read_bytes()
            else:
                found[key] = "folder"
    return found


def front_matter_and_body(text: str) -> tuple[str, str]:
    _, front, body = text.split("---\n", 2)
    return front, body


# Finding 1: paths built from export data.


@pytest.mark.parametrize("hostile_id", ["../../../../../escaped", "ABSOLUTE", "..", "a/../../b", "x\\..\\..\\y", "360001/../../../../.."])
def test_article_id_cannot_place_files_outside_kb(tmp_path: Path, kb: Callable[..., Result], hostile_id: str) -> None:
    root = new_project(tmp_path)
    if hostile_id == "ABSOLUTE":
        hostile_id = str(tmp_path / "absolute-target")
    export = tmp_path / "export"
    add_attachment(export)
    body = f"<p>See the diagram below.</p><p><img src='{ATTACHMENT_SRC}' alt='Diagram'></p>"
    write_zendesk_export(export, [zendesk_article(hostile_id, "Sneaky diagram", body), zendesk_article(360001, "Plain diagram", body)])
    before = snapshot(tmp_path, skip=root / "kb")

    result = kb("import", "zendesk", str(export), "--format", "json", cwd=root)

    assert result.exit_code == 0, result.output
    assert snapshot(tmp_path, skip=root / "kb") == before
    data = json.loads(result.stdout)
    assert [a["id"] for a in data["articles"]] == ["360001"]
    assert data["refused"] == [hostile_id]
    assert any(repr(hostile_id) in note and "refused" in note for note in data["notes"]), data["notes"]
    assert (root / "kb/articles/images/zendesk/360001/diagram.png").read_bytes() == PNG
    assert [p.name for p in (root / "kb/articles").rglob("sneaky-diagram*")] == []


def test_section_category_and_old_urls_stay_inside_the_site(tmp_path: Path, kb: Callable[..., Result]) -> None:
    root = new_project(tmp_path)
    export = write_zendesk_export(
        tmp_path / "export",
        [
            zendesk_article(360002, "../../../../etc/passwd", "<p>Where the passwords live.</p>", html_url="javascript:alert(document.cookie)"),
            zendesk_article(360003, "Change your plan", "<p>Owners change the plan in Billing.</p>", html_url="https://help.acme.example/../../../../etc/hc/en-us/articles/360003-x"),
            zendesk_article(360004, "Cancel", "<p>Cancel from Billing.</p>", html_url="https://help.acme.example/hc/en-us/articles/%2e%2e/%2e%2e/x"),
        ],
        sections=[{"id": 1, "name": "../../../../outside", "category_id": 10}],
        categories=[{"id": 10, "name": "../../.."}],
    )
    before = snapshot(tmp_path, skip=root / "kb")

    result = kb("import", "zendesk", str(export), "--format", "json", cwd=root)

    assert result.exit_code == 0, result.output
    assert snapshot(tmp_path, skip=root / "kb") == before
    data = json.loads(result.stdout)
    paths = sorted(a["path"] for a in data["articles"])
    assert paths == ["kb/articles/category-10/outside/cancel.md", "kb/articles/category-10/outside/change-your-plan.md", "kb/articles/category-10/outside/etc-passwd.md"]
    redirects = {a.id: a.redirect_from for a in load_articles(root / "kb/articles").articles if a.id.startswith("36000")}
    assert redirects == {"360002": (), "360003": (), "360004": ("hc/en-us/articles/360004",)}  # The id URL is fine.
    dropped = [note for note in data["notes"] if "redirect_from" in note]
    assert any("'javascript:alert(document.cookie)'" in note for note in dropped), data["notes"]
    assert any("360003" in note and ".." in note for note in dropped), data["notes"]
    assert any("'hc/en-us/articles/%2e%2e/%2e%2e/x'" in note for note in dropped), data["notes"]
    assert kb("check", cwd=root).exit_code == 0


# Finding 4: symbolic links in the export.


def test_symlinks_in_the_export_are_never_read(tmp_path: Path, kb: Callable[..., Result]) -> None:
    root = new_project(tmp_path)
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "shot.png").write_text(SECRET, encoding="utf-8")
    export = tmp_path / "export"
    (export / "article_attachments/555").mkdir(parents=True)
    (export / "article_attachments/555/logo.png").symlink_to("../../../secret.txt")
    (export / "article_attachments/556").mkdir()
    (export / "article_attachments/556/key.png").symlink_to(secret)
    (export / "article_attachments/557").symlink_to(outside, target_is_directory=True)
    add_attachment(export, "article_attachments/558/real.png")
    (export / "article_attachments/558/alias.png").symlink_to("real.png")  # Inside the export, still a link.
    body = "".join(f"<p><img src='/hc/article_attachments/{n}' alt='{n}'></p>" for n in ("555/logo.png", "556/key.png", "557/shot.png", "558/alias.png", "558/real.png"))
    write_zendesk_export(export, [zendesk_article(360001, "Logos", body)])

    result = kb("import", "zendesk", str(export), "--format", "json", cwd=root)

    assert result.exit_code == 0, result.output
    leaked = [p for p in root.rglob("*") if p.is_file() and SECRET.encode() in p.read_bytes()]
    assert leaked == []
    data = json.loads(result.stdout)
    assert data["files_copied"] == ["kb/articles/images/zendesk/360001/real.png"]
    links = [note for note in data["notes"] if "symbolic link" in note]
    assert len(links) == 4, data["notes"]
    assert any("article_attachments/557" in note for note in links)


def test_export_json_that_is_a_symlink_is_refused(tmp_path: Path, kb: Callable[..., Result]) -> None:
    root = new_project(tmp_path)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "sections.json").write_text(json.dumps({"sections": [{"id": 1, "name": SECRET, "category_id": 10}]}), encoding="utf-8")
    export = write_zendesk_export(tmp_path / "export", [zendesk_article(360001, "Plain", "<p>Plain text here.</p>")])
    (export / "sections.json").unlink()
    (export / "sections.json").symlink_to(outside / "sections.json")

    result = kb("import", "zendesk", str(export), cwd=root)

    assert result.exit_code == 1
    assert "sections.json: is a symbolic link" in result.output
    assert SECRET not in result.output
    assert not any(SECRET.encode() in p.read_bytes() for p in root.rglob("*") if p.is_file())


# Finding 5: script through imported HTML.

HOSTILE_ZENDESK_BODY = textwrap.dedent(
    """\
    <p>To test the widget, paste &lt;script&gt;alert(1)&lt;/script&gt; into the box; AT&amp;T users see &amp;lt;b&amp;gt;.</p>
    <p><img src="/hc/article_attachments/555/diagram.png" onerror="alert(2)" alt="Diagram &lt;img src=x onerror=alert(22)&gt;"></p>
    <p>Then <a href="javascript:alert(3)">open the settings</a> or <a href="JaVaScRiPt&#58;alert(4)">this one</a>.</p>
    <svg onload="alert(5)"><circle r="1"></circle></svg>
    <iframe src="javascript:alert(6)"></iframe>
    <p><a href="data:text/html;base64,PHNjcmlwdD5hbGVydCg3KTwvc2NyaXB0Pg==">data</a> <a href="vbscript:msgbox(8)">vb</a></p>
    <h2>Options { onmouseover=alert(9) }</h2>
    <p>Text that looks like a link: [click me](vbscript:alert(10)) and &lt;https://evil.example&gt;.</p>
    <pre><code>```
    <img src=x onerror=alert(11)>
    ```</code></pre>
    <p><a href="https://example.com/a) <b onmouseover=alert(12)>x</b> (">odd link</a></p>
    <p><img data-src="javascript:alert(13)" alt="lazy"></p>
    <div class="callout" data-kb-admonition='note\n\n<img src=x onerror=alert(14)>'><p>Careful.</p></div>
    <p>Write to <a href="mailto:help@acme.example">help@acme.example</a>, call <a href="tel:+15550100">us</a> or read <a href="https://acme.example/docs">the docs</a>.</p>
    """
)


def live_script_in(html: str) -> list[str]:
    """Everything in an HTML fragment that would run script: elements, on* handlers, script URLs."""
    soup = BeautifulSoup(html, "html.parser")
    found = [f"<{tag.name}>" for tag in soup.find_all(["script", "iframe", "object", "embed", "svg", "base", "meta", "form"])]
    for tag in soup.find_all(True):
        for name, value in tag.attrs.items():
            if name.lower().startswith("on"):
                found.append(f"<{tag.name} {name}>")
            if name.lower() in ("href", "src", "action", "formaction", "data", "srcdoc", "xlink:href"):
                text = re.sub(r"[\x00-\x20]", "", " ".join(value) if isinstance(value, list) else str(value)).lower()
                scheme = re.match(r"([a-z][a-z0-9+.-]*):", text)
                if name.lower() == "srcdoc" or (scheme and scheme.group(1) not in ALLOWED_SCHEMES):
                    found.append(f"<{tag.name} {name}={value!r}>")
    return found


def test_hostile_html_stays_text_and_builds_without_script(tmp_path: Path, kb: Callable[..., Result]) -> None:
    root = new_project(tmp_path)
    export = tmp_path / "export"
    add_attachment(export)
    write_zendesk_export(export, [zendesk_article(360001, "Test the widget", HOSTILE_ZENDESK_BODY)])

    result = kb("import", "zendesk", str(export), "--format", "json", cwd=root)

    assert result.exit_code == 0, result.output
    text = (root / "kb/articles/account-and-sign-in/signing-in/test-the-widget.md").read_text(encoding="utf-8")
    _, body = front_matter_and_body(text)
    assert "<script" not in body.lower() and "javascript:" not in body.lower()
    assert "paste &lt;script>alert(1)&lt;/script> into the box" in body  # Text stays text.
    assert "open the settings" in body and "this one" in body  # Dropped links keep their words.
    assert "[help@acme.example](mailto:help@acme.example)" in body
    assert "[us](tel:+15550100)" in body and "[the docs](https://acme.example/docs)" in body
    assert "![Diagram &lt;img src=x onerror=alert(22)>](../../images/zendesk/360001/diagram.png)" in body
    problems = json.loads(result.stdout)["articles"][0]["problems"]
    assert any("javascript:" in p for p in problems), problems
    assert any("data:" in p for p in problems) and any("vbscript:" in p for p in problems), problems

    build = kb("build", cwd=root)
    assert build.exit_code == 0, build.output
    page = (root / "site/account-and-sign-in/signing-in/test-the-widget/index.html").read_text(encoding="utf-8")
    content = str(BeautifulSoup(page, "html.parser").find("article"))
    assert live_script_in(content) == []
    assert not re.search(r"<script[^>]*>[^<]*alert\(", page)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content  # Shown to customers as the text it was.
    assert "AT&amp;T users see &amp;lt;b&amp;gt;." in content


# Finding 8: absurdly nested JSON and HTML.


@pytest.mark.parametrize("vendor", ["zendesk", "intercom"])
def test_deeply_nested_export_json_is_a_clear_error(tmp_path: Path, kb: Callable[..., Result], vendor: str) -> None:
    root = new_project(tmp_path)
    export = tmp_path / "export"
    export.mkdir()
    (export / "articles.json").write_text("[" * 100_000, encoding="utf-8")

    result = kb("import", vendor, str(export), cwd=root)

    assert result.exit_code == 1
    assert "articles.json: " in result.output and "nested too deeply" in result.output


def test_deeply_nested_article_html_is_refused_not_a_crash(tmp_path: Path, kb: Callable[..., Result]) -> None:
    root = new_project(tmp_path)
    export = write_zendesk_export(
        tmp_path / "export",
        [zendesk_article(360001, "Nested", "<div>" * 100_000 + "deep"), zendesk_article(360002, "Flat", "<p>Flat text is fine.</p>")],
    )

    result = kb("import", "zendesk", str(export), "--format", "json", cwd=root)

    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [a["id"] for a in data["articles"]] == ["360002"]
    assert any("'360001'" in note and "nests elements 100000 levels deep" in note for note in data["notes"]), data["notes"]


# Finding 10: a kill mid-import.

KILL_AT_RENAME = """
import os, signal, sys

renames = 0
real_replace = os.replace


def replace(source, target, *args, **kwargs):
    global renames
    renames += 1
    if renames == int(sys.argv[1]):
        os.kill(os.getpid(), signal.SIGKILL)  # Dies with the temporary file written, before the rename.
    return real_replace(source, target, *args, **kwargs)


os.replace = replace
from supportkb.cli import main

main(["import", "zendesk", sys.argv[2]])
"""


def kb_files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted((root / "kb").rglob("*")) if p.is_file()}


def test_import_killed_at_any_write_is_consistent_and_resumable(tmp_path: Path) -> None:
    export = tmp_path / "export"
    add_attachment(export)
    write_zendesk_export(
        export,
        [
            zendesk_article(360001, "Reset your password", f"<p>Open the sign-in page.</p><p><img src='{ATTACHMENT_SRC}' alt='The sign-in page'></p>"),
            zendesk_article(360002, "Change your plan", "<p>Owners change it in Billing; <a href='/hc/en-us/articles/360001'>reset your password</a> first.</p>", section_id=2),
            zendesk_article(360003, "Cancel your plan", "<p>Cancel in Billing, or <a href='/hc/en-us/articles/360002'>change your plan</a>.</p>", section_id=2),
        ],
        sections=[{"id": 1, "name": "Signing in", "category_id": 10}, {"id": 2, "name": "Plans", "category_id": 20}],
        categories=[{"id": 10, "name": "Account and sign-in"}, {"id": 20, "name": "Billing"}],
    )
    clean = new_project(tmp_path / "clean")
    import_export(find_project(start=clean), read_export("zendesk", export))
    expected = kb_files(clean)

    from supportkb.generator.checking.check import check_project

    kills = 0
    for rename in range(1, 20):
        root = new_project(tmp_path / f"killed-{rename}")
        child = subprocess.run([sys.executable, "-c", KILL_AT_RENAME, str(rename), str(export)], check=False, cwd=root, capture_output=True, text=True, timeout=120)
        if child.returncode == 0:
            break
        assert child.returncode == -9, child.stderr
        kills += 1
        # An article a killed import leaves on disk has its category and its images; at most a link
        # to another imported article can lead nowhere until the re-run.
        errors = [f for f in check_project(find_project(start=root)).findings if f.is_error]
        assert [f.format() for f in errors if f.code != "missing-article"] == [], f"killed at rename {rename}"
        # Re-running the import finishes the job: the same files as an import never interrupted.
        import_export(find_project(start=root), read_export("zendesk", export))
        assert kb_files(root) == expected, f"killed at rename {rename}"
        assert [f.format() for f in check_project(find_project(start=root)).findings if f.is_error] == []
    assert kills == 6  # categories.yml, the image, three articles, import-state.json.


# Finding 12: attachments of articles that were not written.


def test_attachments_are_copied_only_for_articles_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = new_project(tmp_path)
    monkeypatch.chdir(root)  # The report shows paths relative to the current folder.
    project = find_project(start=root)
    export = tmp_path / "export"
    add_attachment(export)
    add_attachment(export, "article_attachments/556/plans.png", PNG + b"plans")
    add_attachment(export, "article_attachments/557/invoice.png", PNG + b"invoice")
    first = [
        zendesk_article(360001, "Reset your password", "<p>Open the sign-in page.</p>"),
        zendesk_article(360002, "Change your plan", "<p>Owners change the plan in Billing.</p>"),
    ]
    write_zendesk_export(export, first)
    import_export(project, read_export("zendesk", export))
    local = root / "kb/articles/account-and-sign-in/signing-in/reset-your-password.md"
    local.write_text(local.read_text(encoding="utf-8").replace("Open the", "First open the"), encoding="utf-8")
    # The export changes both: the locally edited one conflicts, the other is updated; a new one arrives.
    second = [
        zendesk_article(360001, "Reset your password", f"<p>Open the new sign-in page.</p><p><img src='{ATTACHMENT_SRC}' alt='Sign-in'></p>"),
        zendesk_article(360002, "Change your plan", "<p>Owners change it in Billing.</p><p><img src='/hc/article_attachments/556/plans.png' alt='Plans'></p>"),
        zendesk_article(360003, "Download an invoice", "<p>Invoices are in Billing.</p><p><img src='/hc/article_attachments/557/invoice.png' alt='Invoice'></p>"),
    ]
    write_zendesk_export(export, second)

    dry = import_export(project, read_export("zendesk", export), dry_run=True)
    real = import_export(project, read_export("zendesk", export))

    assert {a.key: a.status for a in real.articles} == {"360001": "conflict", "360002": "updated", "360003": "created"}
    wanted = ("kb/articles/images/zendesk/360002/plans.png", "kb/articles/images/zendesk/360003/invoice.png")
    assert real.files_copied == wanted
    assert dry.files_copied == wanted
    assert not (root / "kb/articles/images/zendesk/360001").exists()


# Property: whatever the records hold, import stays in kb/ and writes no live script.

HOSTILE_KEYS = ["../../x", "../../../../../escaped", "ABSOLUTE", "..", ".", "a/b", "", "x\x00y", "C:\\evil", "360001/../..", " 12 ", "\u202e123"]
HOSTILE_TEXT = ["<script>alert(1)</script>", "../../../../etc", "/etc/passwd", "..", "{ onclick=alert(1) }", "[x](data:text/html,hi)", "\ud800", "a\x00b", "Tab\tand\nnewline", "&lt;script&gt;", "C:\\Windows"]
HOSTILE_HTML = [
    "<script>alert(1)</script>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<img src=x onerror=alert(1)>",
    f"<img src='{ATTACHMENT_SRC}' onerror=alert(1)>",
    "<img src='/hc/article_attachments/../../../../etc/passwd'>",
    "<img data-src='javascript:alert(1)' alt='lazy'>",
    "<a href='javascript:alert(1)'>open</a>",
    "<a href='JaVaScRiPt&#58;alert(1)'>open</a>",
    "<a href=' java\tscript:alert(1)'>tab</a>",
    "<a href='vbscript:msgbox(1)'>vb</a>",
    "<a href='data:text/html,hi'>data</a>",
    "<a href='https://x.example/a) <b onmouseover=alert(1)>b</b> ('>odd</a>",
    "<svg onload=alert(1)><circle r=1></circle></svg>",
    "<iframe src='javascript:alert(1)'></iframe>",
    "<iframe srcdoc='<script>alert(1)</script>'></iframe>",
    "<object data='javascript:alert(1)'></object>",
    "<p>Heading { onmouseover=alert(1) }</p>",
    "<h2 id='x' onclick=alert(1)>Title {: onclick=alert(1) }</h2>",
    "<p>[click](data:text/html,hi) ![i](vbscript:x)</p>",
    "<pre><code>```\n<img src=x onerror=alert(1)>\n```</code></pre>",
    "<code>`</code><b onmouseover=alert(1)>x</b>",
    "<div class='callout' data-kb-admonition='note\n\n<img src=x onerror=alert(1)>'>c</div>",
    "<style>body{}</style><form action='javascript:alert(1)'><input></form>",
    "<table><tr><td>a|b</td><td colspan=2>&lt;i&gt;</td></tr></table>",
    "<div>" * 300 + "deep",
    "<p>Plain words</p>",
]
HOSTILE_URLS = ["javascript:alert(1)", "https://h.example/../../../../etc/x", "//evil.example/x", "data:text/html,x", "", "C:\\evil", "..\\..\\x", "https://help.acme.example/hc/en-us/articles/1-ok", "/hc/%2e%2e/%2e%2e/x", "hc/en-us/articles/1 x<script>"]

plain_text = st.text(alphabet=st.characters(codec="utf-8", exclude_characters=":<"), max_size=12)
records = st.lists(
    st.fixed_dictionaries(
        {
            "id": st.one_of(st.integers(min_value=1, max_value=10**15), st.sampled_from(HOSTILE_KEYS), plain_text),
            "title": st.one_of(st.sampled_from(HOSTILE_TEXT), plain_text),
            "section": st.one_of(st.sampled_from(HOSTILE_TEXT), plain_text),
            "body": st.lists(st.one_of(st.sampled_from(HOSTILE_HTML), plain_text), max_size=5).map("".join),
            "html_url": st.one_of(st.sampled_from(HOSTILE_URLS), plain_text),
        }
    ),
    min_size=1,
    max_size=4,
)


@pytest.fixture(scope="module")
def site_markdown() -> Callable[[str], str]:
    """Markdown rendered with the extensions of a `kb init` project's mkdocs.yml, as the site renders it."""
    import markdown
    import yaml

    with tempfile.TemporaryDirectory() as folder:
        config = yaml.safe_load((new_project(Path(folder)) / "mkdocs.yml").read_text(encoding="utf-8"))
    names = [e if isinstance(e, str) else next(iter(e)) for e in config["markdown_extensions"]]
    configs = {next(iter(e)): next(iter(e.values())) or {} for e in config["markdown_extensions"] if isinstance(e, dict)}
    return lambda text: markdown.Markdown(extensions=names, extension_configs=configs).convert(text)


@pytest.fixture(scope="module")
def project_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return new_project(tmp_path_factory.mktemp("template"))


@contextmanager
def fresh_copy(template: Path) -> Iterator[Path]:
    """A new folder holding a copy of the template project, removed afterwards."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "help"
        shutil.copytree(template, root, symlinks=True)
        yield root


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(export_records=records)
def test_any_export_stays_in_kb_and_writes_no_live_script(export_records: list[dict[str, object]], project_template: Path, site_markdown: Callable[[str], str]) -> None:
    with fresh_copy(project_template) as root:
        export = root.parent / "export"
        add_attachment(export)
        write_zendesk_export(
            export,
            # 'ABSOLUTE' stands for a path in the snapshotted folder, where a write would be seen.
            [zendesk_article(str(root.parent / "absolute-target") if r["id"] == "ABSOLUTE" else r["id"], str(r["title"]), str(r["body"]), html_url=r["html_url"], section_id=n) for n, r in enumerate(export_records)],
            sections=[{"id": n, "name": r["section"], "category_id": 10} for n, r in enumerate(export_records)],
        )
        before = snapshot(root.parent, skip=root / "kb")
        try:
            import_export(find_project(start=root), read_export("zendesk", export))
        except KBError:
            pass  # A refusal is a fine answer; anything else is a traceback and fails the test.
        assert snapshot(root.parent, skip=root / "kb") == before
        for path in (root / "kb/articles").rglob("*.md"):
            _, body = front_matter_and_body(path.read_text(encoding="utf-8"))
            assert "<script" not in body.lower() and "javascript:" not in body.lower(), body
            assert live_script_in(site_markdown(body)) == [], body
        loaded = load_articles(root / "kb/articles")
        assert [d for d in loaded.diagnostics if d.severity == "error"] == []
