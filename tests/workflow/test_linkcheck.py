"""kb check --external against a real HTTP server on 127.0.0.1: findings, limits and the cache."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from supportkb.generator.checking.check import check_project
from supportkb.generator.checking.linkcheck import LinkCheckSettings, check_urls
from supportkb.generator.checking.lint import LintConfig
from supportkb.generator.core.project import find_project


@dataclass
class Site:
    """The test server's address and what it was asked."""

    url: str
    hits: Counter[str] = field(default_factory=Counter)
    active: int = 0
    most_active: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


@pytest.fixture
def site() -> Iterator[Site]:
    state = Site(url="")

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass  # Keep test output clean.

        def answer(self, has_body: bool) -> None:
            path = self.path.split("?", 1)[0]
            with state.lock:
                state.hits[f"{self.command} {path}"] += 1
                state.active += 1
                state.most_active = max(state.most_active, state.active)
            try:
                if path.startswith("/slow"):
                    time.sleep(1.5)
                if path == "/no-head" and self.command == "HEAD":
                    status = 405
                elif path == "/moved":
                    self.send_response(301)
                    self.send_header("Location", "/ok")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                else:
                    status = {"/gone": 404, "/boom": 500, "/forbidden": 403}.get(path, 200)
                body = b"hello"
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if has_body:
                    self.wfile.write(body)
            finally:
                with state.lock:
                    state.active -= 1

        def do_HEAD(self) -> None:  # noqa: N802 - http.server's naming
            self.answer(False)

        def do_GET(self) -> None:  # noqa: N802
            self.answer(True)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


FAST = LintConfig(external_timeout=0.5, external_budget=20, external_concurrency=4)


def write_links(project: Path, site: Site, paths: list[str]) -> Path:
    article = project / "kb/articles/account/links.md"
    lines = [f"- [link {i}]({site.url}{p})" for i, p in enumerate(paths)]
    article.parent.mkdir(parents=True, exist_ok=True)
    article.write_text('---\nid: "70"\ntitle: Links\nsummary: Links.\ncategory: account\n---\n' + "\n".join(lines) + "\n", encoding="utf-8")
    return article


def link_findings(project: Path, rules: LintConfig = FAST) -> list[str]:
    report = check_project(find_project(start=project), external=True, rules=rules)
    return [f"{f.line}:{f.col} {f.severity} {f.code}: {f.message}" for f in report.findings if "external" in f.code]


def test_broken_and_unreachable_links_are_reported_where_they_are(project: Path, site: Site) -> None:
    write_links(project, site, ["/ok", "/gone", "/moved", "/no-head", "/boom", "/slow", "/forbidden", "/fine", "/fine#section"])
    assert link_findings(project) == [
        f"8:3 error broken-external-link: broken external link {site.url}/gone (HTTP 404)",
        f"11:3 warning unreachable-external-link: could not check {site.url}/boom (HTTP 500)",
        f"12:3 warning unreachable-external-link: could not check {site.url}/slow (timed out)",
    ]
    assert site.hits["GET /no-head"] == 1  # HEAD refused, so GET was asked.
    assert site.hits["HEAD /fine"] == 1  # Fragments are dropped: one request for both links.


def test_answers_are_cached_and_failures_asked_again(project: Path, site: Site) -> None:
    write_links(project, site, ["/ok", "/gone", "/boom"])
    first = link_findings(project)
    asked = sum(site.hits.values())
    assert (project / ".kb-cache/external-links.json").is_file()
    assert link_findings(project) == first
    new_requests = sum(site.hits.values()) - asked
    assert new_requests == 2  # Only /boom (a server error) is asked again: HEAD then GET.
    assert site.hits["HEAD /ok"] == 1 and site.hits["HEAD /gone"] == 1


def test_cache_expires(tmp_path: Path, site: Site) -> None:
    cache = tmp_path / "links.json"
    settings = LinkCheckSettings(timeout=1, cache_hours=1)
    check_urls([f"{site.url}/ok"], settings=settings, cache_file=cache, now=lambda: 1_000_000.0)
    check_urls([f"{site.url}/ok"], settings=settings, cache_file=cache, now=lambda: 1_000_000.0 + 1800)
    assert site.hits["HEAD /ok"] == 1
    check_urls([f"{site.url}/ok"], settings=settings, cache_file=cache, now=lambda: 1_000_000.0 + 7200)
    assert site.hits["HEAD /ok"] == 2


def test_time_budget_and_concurrency_are_bounded(project: Path, site: Site) -> None:
    write_links(project, site, [f"/slow/{i}" for i in range(12)])
    rules = LintConfig(external_timeout=5, external_budget=2, external_concurrency=8)
    start = time.monotonic()
    found = link_findings(project, rules)
    assert time.monotonic() - start < 6
    assert site.most_active <= 2  # One host: at most two requests at a time.
    # Two requests answer within the budget (1.5 s each, two at a time); the rest are reported.
    assert len(found) == 10
    assert all(f.endswith("(not checked: the 2 s budget ran out)") for f in found)


def test_damaged_cache_is_ignored_and_rewritten(project: Path, site: Site) -> None:
    write_links(project, site, ["/ok"])
    (project / ".kb-cache").mkdir()
    (project / ".kb-cache/external-links.json").write_text("{not json", encoding="utf-8")
    assert link_findings(project) == []
    assert '"version": 1' in (project / ".kb-cache/external-links.json").read_text(encoding="utf-8")
