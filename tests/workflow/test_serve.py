"""kb serve: a busy port is a clear message; an edited article shows up in the live preview."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from supportkb.generator.core.errors import KBError
from supportkb.generator.site.preview import check_port_free


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_busy_port_is_a_clear_message(project: Path, kb) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = kb("serve", "--dev-addr", f"127.0.0.1:{port}", cwd=project)
    assert result.exit_code == 1
    assert result.output == (
        f"Error: port {port} on 127.0.0.1 is already in use (another kb serve or mkdocs serve?)\n"
        f"  hint: stop the other server or pass --dev-addr 127.0.0.1:{port + 1}\n"
    )


@pytest.mark.parametrize("address", ["localhost", "127.0.0.1:http", "127.0.0.1:70000"])
def test_bad_addresses_are_refused(project: Path, kb, address: str) -> None:
    result = kb("serve", "--dev-addr", address, cwd=project)
    assert result.exit_code == 1
    assert f"Error: bad address {address!r}" in result.output


def test_free_port_passes_and_busy_port_raises() -> None:
    check_port_free("127.0.0.1", free_port())
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with pytest.raises(KBError, match="is already in use"):
            check_port_free("127.0.0.1", taken.getsockname()[1])


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - 127.0.0.1 only
        return response.read().decode("utf-8")


def test_edited_article_shows_up_in_the_preview(project: Path) -> None:
    port = free_port()
    article = project / "kb/articles/getting-started/welcome.md"
    kb_exe = Path(sys.executable).with_name("kb")
    server = subprocess.Popen(
        [str(kb_exe), "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=project, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
        # A shell may start the tests with Ctrl+C ignored; the preview must still stop on it.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    url = f"http://127.0.0.1:{port}/getting-started/welcome/"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                assert "Find an answer" in fetch(url)
                break
            except (urllib.error.URLError, ConnectionError):
                assert server.poll() is None, server.communicate()[0]
                assert time.monotonic() < deadline, "the preview did not start within 60 s"
                time.sleep(0.1)
        time.sleep(0.5)  # Let the watcher settle after the first build.
        article.write_text(article.read_text(encoding="utf-8") + "\nPreviewed-change-42.\n", encoding="utf-8")
        changed = time.monotonic()
        while "Previewed-change-42" not in fetch(url):
            assert time.monotonic() - changed < 15, "the change did not show up within 15 s"
            time.sleep(0.05)
        seconds = time.monotonic() - changed
        print(f"edited article visible after {seconds:.2f} s")  # noqa: T201 - shown with pytest -s
    finally:
        os.killpg(server.pid, signal.SIGINT)
        try:
            output = server.communicate(timeout=30)[0]
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            output = server.communicate()[0]
    assert "rebuilding only changed pages" in output
    assert "Traceback" not in output
