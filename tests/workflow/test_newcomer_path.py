"""The newcomer's path: kb init -> kb new -> kb check -> kb build, then the site in Chromium."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tests.conftest import REPO_ROOT

ARTIFACTS = REPO_ROOT / "tests/artifacts"


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass  # Keep test output clean.


@contextmanager
def static_server(folder: Path) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(folder)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_init_new_check_build_and_browse(tmp_path: Path, kb, browser) -> None:
    assert kb("init", "acme-help", "--name", "Acme Help Center", cwd=tmp_path).exit_code == 0
    root = tmp_path / "acme-help"
    new = kb("new", "How do I reset my password?", "--category", "account", "--summary", "Reset it from the sign-in page.", cwd=root)
    assert new.stdout == "kb/articles/account/how-do-i-reset-my-password.md\n"
    article = root / new.stdout.strip()
    article.write_text(
        article.read_text(encoding="utf-8")
        + "On the sign-in page, click **Forgot password?** and follow the email.\n\n"
        + "## If the email does not arrive\n\nCheck your spam folder, or read the [welcome page](../getting-started/welcome.md).\n",
        encoding="utf-8",
    )
    check = kb("check", cwd=root)
    assert check.exit_code == 0, check.output
    assert "Checked 2 files: 0 error(s), 0 warning(s)." in check.output
    build = kb("build", cwd=root)
    assert build.exit_code == 0, build.output
    site = root / "site"
    assert (site / "account/how-do-i-reset-my-password/index.html").is_file()

    ARTIFACTS.mkdir(exist_ok=True)
    with static_server(site) as url:
        page = browser.new_page(viewport={"width": 1200, "height": 800})
        try:
            page.goto(url + "/")
            assert "Acme Help Center" in page.title()
            content = page.locator(".md-content")  # Material's page body (the navigation drawer is elsewhere)
            content.get_by_role("link", name="Account and billing").first.click()
            page.wait_for_url("**/account/")
            content.get_by_role("link", name="How do I reset my password?").first.click()
            page.wait_for_url("**/account/how-do-i-reset-my-password/")
            assert page.locator("h1").first.inner_text() == "How do I reset my password?"
            assert page.get_by_text("click Forgot password? and follow the email").is_visible()
            page.screenshot(path=str(ARTIFACTS / "newcomer-article.png"))
            content.get_by_role("link", name="welcome page").click()
            page.wait_for_url("**/getting-started/welcome/")
            assert page.locator("h1").first.inner_text() == "Welcome to Acme Help Center"
        finally:
            page.close()
