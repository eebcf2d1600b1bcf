"""Bring your own help center: each fixture help center through import (or adopt), check and build.

For every folder in tests/fixtures/helpcenters/ (plain, mkdocs, docusaurus, gitbook, obsidian): a
fresh `kb init` project in a temporary folder, then `kb import SOURCE FOLDER` (the plain folder is
copied into kb/articles/ and `kb adopt --write` is run, as a team with a docs/ folder would), then
`kb check --format json` and `kb build`, all through the `kb` command a user runs. Prints:

    source, pages in, errors, warnings, pages built (public pages with an HTML page / public pages),
    internal links resolved / total, redirects written

Internal links: for an import, the links between pages and to files the source holds (the
importer's count), less those `kb check` then finds broken; for the plain folder, the relative
links of the copied files, less those `kb check` finds broken. Goal (issue 16): 0 errors, every
page built, >= 99 % of internal links resolved. With --shots DIR, one article per source is
photographed in headless Chromium (/usr/bin/chromium) for a person to look at.

    .venv/bin/python benchmarks/adopt_check.py [--shots /tmp/shots-B] [--json benchmarks/results/adopt_check.json]
"""

from __future__ import annotations

import argparse
import http.server
import json
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from supportkb.generator.core.articles import Article

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures" / "helpcenters"
SOURCES = ("plain", "mkdocs", "docusaurus", "gitbook", "obsidian")
BROKEN_LINK_CODES = ("missing-file", "missing-image", "missing-anchor")
SHOT_TITLES = {"plain": "Create an invoice", "mkdocs": "Create an invoice", "docusaurus": "Create an API key", "gitbook": "Create an invoice", "obsidian": "Change your plan"}
"""The article photographed per source: one with an image or tabs, and an admonition where the source has one."""


@dataclass(frozen=True)
class Row:
    source: str
    pages_in: int
    errors: int
    warnings: int
    public_pages: int
    pages_built: int
    links_total: int
    links_resolved: int
    redirects: int
    shot: str = ""

    @property
    def link_share(self) -> float:
        return 100.0 * self.links_resolved / self.links_total if self.links_total else 100.0


def kb(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the `kb` command of this virtual environment, as a user would."""
    command = Path(sys.executable).with_name("kb")
    return subprocess.run([str(command), *args], cwd=cwd, capture_output=True, text=True, timeout=600)


def run_source(source: str, work: Path, shots: Path | None) -> Row:
    from supportkb.generator.core.articles import load_articles, url_for_path
    from supportkb.generator.site.redirects import source_path

    project = work / source
    init = kb("init", project.name, cwd=work)
    if init.returncode != 0:
        raise SystemExit(f"kb init failed: {init.stderr}")
    articles_dir = project / "kb" / "articles"
    before = {str(a.path) for a in load_articles(articles_dir).articles}
    folder = FIXTURES / source
    source_links = (0, 0)
    if source == "plain":
        shutil.copytree(folder, articles_dir, dirs_exist_ok=True)
        pages_in = sum(1 for _ in folder.rglob("*.md"))
        adopt = kb("adopt", "--write", cwd=project)
        if adopt.returncode != 0:
            print(f"  (kb adopt --write: exit {adopt.returncode}: {adopt.stderr.strip()[:200]})", file=sys.stderr)
    else:
        done = kb("import", source, str(folder), "--json", cwd=project)
        if done.returncode != 0:
            raise SystemExit(f"kb import {source} failed: {done.stderr}")
        report = json.loads(done.stdout)
        pages_in = len(report["articles"]) + len(report["refused"])
        for note in report["notes"]:
            match = re.match(r"internal links: (\d+) of (\d+) resolved", note)
            if match:
                source_links = (int(match.group(1)), int(match.group(2)))
    loaded = load_articles(articles_dir)
    new = [a for a in loaded.articles if str(a.path) not in before]
    new_paths = {f"kb/articles/{a.path}" for a in new}
    checked = kb("check", "--format", "json", cwd=project)
    report = json.loads(checked.stdout)
    broken = [f for f in report["findings"] if f["path"] in new_paths and (f["code"] in BROKEN_LINK_CODES or "wikilink" in f["code"])]
    if source == "plain":
        internal = [link for a in new for link in a.links if _is_internal(link.target)]
        source_links = (len(internal), len(internal))
    built = kb("build", cwd=project)
    site = project / "site"
    public = [a for a in new if not a.is_internal]
    pages_built = sum(1 for a in public if (site / url_for_path(a.path) / "index.html").is_file()) if built.returncode == 0 else 0
    redirects = sum(1 for a in new for old in a.redirect_from if (path := source_path(old)) and (site / path).is_file())
    shot = ""
    if shots is not None and built.returncode == 0:
        shot = _screenshot(site, new, SHOT_TITLES[source], shots / f"{source}.png")
    elif built.returncode != 0:
        print(f"  (kb build {source}: exit {built.returncode}: {built.stderr.strip()[-400:]})", file=sys.stderr)
    resolved, total = source_links
    return Row(source, pages_in, report["errors"], report["warnings"], len(public), pages_built, total, max(0, resolved - len(broken)), redirects, shot)


def _is_internal(target: str) -> bool:
    target = target.strip()
    return bool(target) and not target.startswith(("#", "/")) and not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", target)


def _screenshot(site: Path, articles: list[Article], title: str, out: Path) -> str:
    """A full-page picture of the article with this title, served from 127.0.0.1."""
    import functools
    import threading

    from playwright.sync_api import sync_playwright

    from supportkb.generator.core.articles import url_for_path

    article = next((a for a in articles if a.title == title), None)
    if article is None:
        return ""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/{url_for_path(PurePosixPath(article.path))}", wait_until="load")
            out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(out), full_page=True)
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return str(out)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass


def format_table(rows: list[Row]) -> str:
    header = f"{'source':<11} {'pages in':>8} {'errors':>6} {'warnings':>8} {'pages built':>12} {'internal links resolved':>24} {'redirects':>9}"
    lines = [header, "-" * len(header)]
    for r in rows:
        links = f"{r.links_resolved}/{r.links_total} ({r.link_share:.1f} %)"
        lines.append(f"{r.source:<11} {r.pages_in:>8} {r.errors:>6} {r.warnings:>8} {f'{r.pages_built}/{r.public_pages}':>12} {links:>24} {r.redirects:>9}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shots", type=Path, help="folder for one Chromium screenshot per source")
    parser.add_argument("--json", type=Path, help="also write the rows as JSON here")
    parser.add_argument("sources", nargs="*", help=f"some of: {', '.join(SOURCES)} (default: all)")
    args = parser.parse_args(argv)
    unknown = [s for s in args.sources if s not in SOURCES]
    if unknown:
        parser.error(f"unknown source(s) {', '.join(unknown)}: choose from {', '.join(SOURCES)}")
    args.sources = args.sources or list(SOURCES)
    with tempfile.TemporaryDirectory(prefix="adopt-check-") as temp:
        rows = [run_source(source, Path(temp), args.shots) for source in args.sources]
    print(format_table(rows))
    met = all(r.errors == 0 and r.pages_built == r.public_pages and r.link_share >= 99.0 for r in rows)
    print(f"\ngoal (0 errors, every page built, >= 99 % links resolved): {'met' if met else 'NOT met'}")
    for r in rows:
        if r.shot:
            print(f"screenshot {r.source}: {r.shot}")
    if args.json:
        args.json.write_text(json.dumps([asdict(r) | {"link_share": round(r.link_share, 1)} for r in rows], indent=1) + "\n", encoding="utf-8")
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
