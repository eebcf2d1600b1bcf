"""The built sample help center, served on 127.0.0.1, and helpers to read what the site contains."""

from __future__ import annotations

import functools
import gzip
import http.server
import json
import re
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from supportkb.generator.core.articles import Article, LoadResult, load_articles
from supportkb.generator.site.build import build_site
from tests.conftest import REPO_ROOT

SAMPLE_PROJECT = REPO_ROOT
"""Holds the sample's mkdocs.yml and kb/; copied before building so writers' edits can't race the build."""
FEEDBACK_PATH = "/__feedback"


@dataclass
class SampleSite:
    """The sample help center built once for the session."""

    root: Path
    site: Path
    loaded: LoadResult

    @property
    def public(self) -> list[Article]:
        return [a for a in self.loaded.articles if not a.is_internal]

    @property
    def internal(self) -> list[Article]:
        return [a for a in self.loaded.articles if a.is_internal]


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> SampleSite:
    root = tmp_path_factory.mktemp("sample")
    shutil.copytree(SAMPLE_PROJECT / "kb", root / "kb")
    shutil.copy(SAMPLE_PROJECT / "mkdocs.yml", root / "mkdocs.yml")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SUPPORTKB_FEEDBACK_ENDPOINT", FEEDBACK_PATH)
        result = build_site(root / "mkdocs.yml")
    return SampleSite(root=root, site=result.site_dir, loaded=load_articles(root / "kb" / "articles"))


def site_texts(site: Path) -> Iterator[tuple[Path, str]]:
    """Every file under the site as text; gzip files (sitemap.xml.gz, Pagefind chunks) unpacked."""
    for path in sorted(site.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            try:
                data = gzip.decompress(data)
            except (OSError, EOFError):
                pass
        yield path, data.decode("utf-8", errors="replace")


_MARKUP = re.compile(r"[*_`#>|\[\]]|\(([^)]*)\)")


def distinctive_sentences(article: Article, *, count: int = 4, min_length: int = 40) -> list[str]:
    """Long plain-text stretches of an article's body that no other article would contain."""
    found = []
    for line in article.body.splitlines():
        text = _MARKUP.sub("", line).strip()
        text = re.sub(r"^\d+\.\s+|^-\s+|^!!!.*", "", text).strip()
        for piece in re.split(r"(?<=[.:;!?])\s+", text):
            piece = piece.strip()
            if len(piece) >= min_length and not re.search(r"[&<>\"'…’]", piece):
                found.append(piece[:80])
    found.sort(key=len, reverse=True)
    return found[:count]


# --- a static server with a feedback endpoint ------------------------------------------------


@dataclass
class SiteServer:
    url: str
    feedback: list[dict] = field(default_factory=list)


class _Handler(http.server.SimpleHTTPRequestHandler):
    feedback: list[dict]

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Serve the site's 404.html for missing files, as static hosts do."""
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_POST(self) -> None:  # noqa: N802 - stdlib naming
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        if self.path.split("?", 1)[0] == FEEDBACK_PATH:
            self.feedback.append(json.loads(body.decode("utf-8")))
            self.send_response(204)
        else:
            self.send_response(405)
        self.end_headers()


def serve_site(site: Path) -> Iterator[SiteServer]:
    """Serve site on 127.0.0.1, port 0, in a thread; POSTs to FEEDBACK_PATH are recorded."""
    server_state = SiteServer(url="")
    handler = type("Handler", (_Handler,), {"feedback": server_state.feedback})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server_state.url = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        yield server_state
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="session")
def sample_server(sample_site: SampleSite) -> Iterator[SiteServer]:
    yield from serve_site(sample_site.site)
