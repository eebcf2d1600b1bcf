"""Bytes a browser downloads to answer its first search query, and how fast results settle.

Builds a 3,000-article help center made by scaling the Hugo docs corpus (../shared/data), once
per engine (`search: kb`, `material`, `pagefind`), serves each on 127.0.0.1, types one query
into the real search box in headless Chromium and sums what the page fetched for it. Sizes are
counted as a gzip-serving host sends them (each file gzip -6, or as is when that is smaller:
Pagefind's chunks are compressed already). Then types --settle-queries more queries (words of
article titles) and times the last keystroke -> data-kb-search-state done|empty in the page.

    .venv/bin/python benchmarks/bench_site_search.py [--articles 3000] [--engines kb,material,pagefind]
        [--query "..."] [--settle-queries 60]

Prints a table; writes benchmarks/results/site_search.json.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import re
import shutil
import statistics
import sys
import tarfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))  # eval_site_search, beside this file
CORPUS = REPO.parent / "shared" / "data" / "corpora" / "hugo-docs.tar.gz"
WORK = REPO / "benchmarks" / "work" / "site_search"
RESULTS = REPO / "benchmarks" / "results" / "site_search.json"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]

MKDOCS_YML = """\
site_name: Scaled Hugo Help Center
site_url: https://help.bench.example/
docs_dir: kb/articles
theme:
  name: material
  language: en
  features: [navigation.prune]
plugins:
  - search:
      lang: en
  - supportkb:
      search: {search}
      progress_every: 0
markdown_extensions:
  - toc:
      permalink: true
  - admonition
  - attr_list
"""

_LINK_TARGET = re.compile(r"(\]\()([^)\s]*)([^)]*\))")
_REF_DEF = re.compile(r"^( {0,3}\[[^\]]+\]:\s*)(\S+)", re.MULTILINE)


# --- corpus ----------------------------------------------------------------------------------


def make_corpus(root: Path, *, articles: int, search: str = "material") -> Path:
    """A supportkb project of `articles` articles made from the Hugo docs; returns its mkdocs.yml."""
    pages = _hugo_pages()
    if root.exists():
        shutil.rmtree(root)
    target = root / "kb" / "articles"
    categories: dict[str, dict[str, str]] = {}
    for number in range(articles):
        copy, index = divmod(number, len(pages))
        rel, meta, body = pages[index]
        category = _category_of(rel)
        categories.setdefault(category, {"title": category.replace("-", " ").capitalize(),
                                         "description": f"Articles about {category.replace('-', ' ')}."})
        title = str(meta.get("title") or meta.get("linkTitle") or Path(rel).stem)
        summary = str(meta.get("description") or "").strip()
        if copy:
            # Copies get other words of the same frequency, so neither index can share or
            # compress them against the original: like new articles, not duplicates.
            title = _respell(title, copy)
            summary = _respell(summary, copy)
            body = _respell(body, copy)
        front = {
            "id": str(10000 + number),
            "title": title,
            "summary": summary,
            "category": category,
            "tags": [str(k) for k in (meta.get("keywords") or [])][:5],
        }
        stem = Path(rel).stem.lstrip("_") or "overview"
        path = target / category / f"{stem}-{number}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        text = "---\n" + yaml.safe_dump(front, sort_keys=False, allow_unicode=True) + "---\n" + body
        path.write_text(text, encoding="utf-8")
    (root / "kb" / "categories.yml").write_text(yaml.safe_dump(categories, sort_keys=False), encoding="utf-8")
    config = root / "mkdocs.yml"
    config.write_text(MKDOCS_YML.format(search=search), encoding="utf-8")
    return config


@functools.lru_cache(maxsize=1)
def _hugo_pages() -> tuple[tuple[str, dict, str], ...]:
    """(path under content/en, front matter, body with links neutralised) for each Hugo page."""
    found = []
    with tarfile.open(CORPUS) as archive:
        for member in sorted(archive.getmembers(), key=lambda m: m.name):
            if not member.isfile() or not member.name.endswith(".md") or "/en/" not in member.name:
                continue
            raw = archive.extractfile(member).read().decode("utf-8")  # type: ignore[union-attr]
            meta, body = _split(raw)
            rel = member.name.split("/en/", 1)[1]
            found.append((rel, meta, _neutralise_links(body)))
    return tuple(found)


def _split(text: str) -> tuple[dict, str]:
    if text.startswith("---\n"):
        end = text.find("\n---", 4)
        if end != -1:
            try:
                meta = yaml.safe_load(text[4:end]) or {}
            except yaml.YAMLError:
                meta = {}
            return (meta if isinstance(meta, dict) else {}), text[end + 4 :].lstrip("\n")
    return {}, text


def _neutralise_links(body: str) -> str:
    """Hugo's site-relative links and shortcodes would be broken links here; point them outside."""
    def link(match: re.Match[str]) -> str:
        target = match.group(2)
        if target.startswith(("http://", "https://")):
            return match.group(0)
        return match.group(1) + "https://gohugo.io/" + match.group(3)

    body = _LINK_TARGET.sub(link, body)
    body = body.replace("[[", "[ [")  # TOML tables ([[menus.main]]) would read as wiki links.
    return _REF_DEF.sub(lambda m: m.group(1) + "https://gohugo.io/", body)


def _category_of(rel: str) -> str:
    top = rel.split("/", 1)[0] if "/" in rel else "general"
    return top.strip("_") or "general"


_WORD = re.compile(r"[A-Za-z]{4,}")
_KEEP = re.compile(r"(\]\([^)]*\)|https?://\S+|^ {0,3}\[[^\]]+\]:.*$)", re.MULTILINE)
_BAND = 64


@functools.lru_cache(maxsize=1)
def _vocabulary() -> tuple[dict[str, int], tuple[str, ...]]:
    """Words of the corpus by frequency: word -> rank, and rank -> word."""
    counts: dict[str, int] = {}
    for _, meta, body in _hugo_pages():
        for word in _WORD.findall(f"{meta.get('title', '')} {meta.get('description', '')} {body}"):
            counts[word.lower()] = counts.get(word.lower(), 0) + 1
    ranked = tuple(sorted(counts, key=lambda w: (-counts[w], w)))
    return {w: i for i, w in enumerate(ranked)}, ranked


def _respell(text: str, copy: int) -> str:
    """Swap each word for another of about the same frequency (a different one for each copy)."""
    rank_of, words = _vocabulary()

    def swap(match: re.Match[str]) -> str:
        word = match.group(0)
        rank = rank_of.get(word.lower())
        if rank is None:
            return word
        band = rank - rank % _BAND
        other = words[min(len(words) - 1, band + (rank - band + copy * 17) % _BAND)]
        return other.capitalize() if word[0].isupper() else other

    parts = _KEEP.split(text)  # Odd items are link targets and URLs: kept as they are.
    return "".join(part if index % 2 else _WORD.sub(swap, part) for index, part in enumerate(parts))


def settle_queries(count: int) -> list[str]:
    """Queries a customer might type: two or three words of the Hugo pages' titles, fixed order."""
    found: list[str] = []
    for _, meta, _ in _hugo_pages():
        words = [w for w in re.findall(r"[A-Za-z]{3,}", str(meta.get("title") or "")) if w.lower() not in {"the", "and", "for", "with"}]
        if len(words) >= 2:
            found.append(" ".join(words[:3]).lower())
        if len(found) >= count:
            break
    return found


# --- measuring -------------------------------------------------------------------------------


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass


@contextmanager
def serve(directory: Path) -> Iterator[str]:
    """A static server for directory on 127.0.0.1, port 0, in a thread; yields its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        thread.join()


def wire_bytes(path: Path) -> int:
    """What a gzip-serving host sends for this file."""
    data = path.read_bytes()
    return min(len(data), len(gzip.compress(data, compresslevel=6)))


def first_query_bytes(site: Path, *, search: str, query: str, settle_queries: Sequence[str] = ()) -> dict[str, object]:
    """Open the home page, type `query` into the header search, wait for results; sum the search fetches.

    Then time each of settle_queries from the last keystroke to settled results (in the page).
    """
    from playwright.sync_api import sync_playwright

    from eval_site_search import TIMING_SCRIPT

    fetched: list[str] = []
    latencies: list[float] = []
    with serve(site) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.add_init_script(TIMING_SCRIPT)
        page.on("request", lambda request: fetched.append(request.url))
        page.goto(base, wait_until="load")
        page.wait_for_timeout(1000)  # Material's worker fetches its whole index right after load.
        page_load = set(fetched)
        page.keyboard.press("Slash")
        page.keyboard.type(query, delay=20)
        page.wait_for_selector("[data-kb-result]", timeout=60_000)
        page.wait_for_timeout(1500)  # Let the result fragments it asked for arrive.
        titles = page.eval_on_selector_all(
            "[data-kb-result]", "els => els.slice(0, 3).map(e => (e.querySelector('h1, .kb-search__title') || e).textContent.trim())"
        )
        first_fetched = list(fetched)
        box = page.locator("[data-kb-search]:visible").first
        for text in settle_queries:
            box.fill("")
            page.evaluate("() => { __kbTiming.settled = 0; }")
            box.type(text)
            page.wait_for_function(
                "() => __kbTiming.settled > 0 && ![...document.querySelectorAll('[data-kb-search-state]')]"
                ".some(e => e.getAttribute('data-kb-search-state') === 'loading')", timeout=30_000, polling=5)
            if search != "kb":  # Their workers may re-render an earlier query's answer.
                page.wait_for_function("() => performance.now() - __kbTiming.changed > 300", polling=20)
            last, settled = page.evaluate("() => [__kbTiming.last, __kbTiming.settled]")
            latencies.append(settled - last)
        browser.close()
    fetched = first_fetched

    files = []
    for url in dict.fromkeys(fetched):
        rel = url[len(base):].split("?", 1)[0].split("#", 1)[0]
        local = site / rel
        if not rel or rel.endswith("/") or not local.is_file():
            continue
        if _is_search_file(rel, search):
            files.append({"file": rel, "bytes": local.stat().st_size, "wire_bytes": wire_bytes(local),
                          "on_page_load": url in page_load})
    return {
        "files": files,
        "wire_bytes": sum(f["wire_bytes"] for f in files),  # type: ignore[misc]
        "raw_bytes": sum(f["bytes"] for f in files),  # type: ignore[misc]
        "top_results": titles,
        "settled_ms": latencies,
    }


def _is_search_file(rel: str, search: str) -> bool:
    if search == "kb":
        return rel.startswith("search/kb/") or rel.endswith("assets/supportkb/kb-search.js")
    if search == "material":
        return rel.startswith("search/") or "/workers/search." in rel
    return rel.startswith("pagefind/")


def build(config: Path) -> float:
    from supportkb.generator.site.build import build_site

    start = time.perf_counter()
    build_site(config)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("--query", action="append", help="a first query (repeatable); default: a one-word and a three-word query")
    parser.add_argument("--engines", default="kb,material,pagefind", help="comma-separated: kb, material, pagefind")
    parser.add_argument("--settle-queries", type=int, default=60, help="queries timed after the first (0: none)")
    args = parser.parse_args()
    queries = args.query or ["shortcodes", "template lookup order"]
    engines = [e for e in args.engines.split(",") if e]
    settle = settle_queries(args.settle_queries)

    rows: dict[str, dict[str, object]] = {}
    for search in engines:
        config = make_corpus(WORK / search, articles=args.articles, search=search)
        seconds = build(config)
        site = config.parent / "site"
        for number, query in enumerate(queries):
            measured = first_query_bytes(site, search=search, query=query, settle_queries=settle if number == 0 else ())
            measured["build_seconds"] = round(seconds, 1)
            rows[f"{search}:{query}"] = measured

    lines = [
        f"bytes a browser downloads to answer its first query, {args.articles} articles (gzip as served)",
        f"{'index':<20}{'query':<24}{'files':>6}{'raw KB':>9}{'wire KB':>9}{'vs Material':>13}",
    ]
    ratios = {}
    labels = {"kb": "supportkb (kb)", "material": "Material built-in", "pagefind": "Pagefind chunked"}
    for query in queries:
        material = rows[f"material:{query}"]["wire_bytes"] if "material" in engines else None
        for name in engines:
            label = labels[name]
            row = rows[f"{name}:{query}"]
            ratio = row["wire_bytes"] / material if material else float("nan")  # type: ignore[operator]
            if name != "material":
                ratios[f"{name}:{query}"] = round(ratio, 4)
            lines.append(
                f"{label:<20}{query:<24}{len(row['files']):>6}{row['raw_bytes'] / 1024:>9.1f}"  # type: ignore[arg-type, operator]
                f"{row['wire_bytes'] / 1024:>9.1f}{ratio:>13.1%}"  # type: ignore[operator]
            )
    builds = {name: rows[f"{name}:{queries[0]}"]["build_seconds"] for name in engines}
    lines.append("build seconds (whole site, once): " + ", ".join(f"{n} {s}" for n, s in builds.items()))
    for name in engines:
        settled = sorted(rows[f"{name}:{queries[0]}"]["settled_ms"])  # type: ignore[arg-type]
        if settled:
            p95 = settled[min(len(settled) - 1, round(0.95 * (len(settled) - 1)))]
            lines.append(f"settled after the last keystroke, {labels[name]}: median {statistics.median(settled):.0f} ms,"
                         f" p95 {p95:.0f} ms ({len(settled)} queries)")
    print("\n".join(lines))  # noqa: T201 - a benchmark prints its table

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    previous = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.is_file() else {}
    runs = previous.get("runs", {}) if isinstance(previous, dict) else {}
    # Engines not run this time keep their last numbers (each engine's build takes minutes).
    earlier = runs.get(str(args.articles), {}).get("results", {}) if isinstance(runs.get(str(args.articles)), dict) else {}
    kept = {key: row for key, row in earlier.items() if key.split(":", 1)[0] not in engines}
    runs[str(args.articles)] = {"queries": queries, "vs_material": ratios, "results": {**kept, **rows}}
    RESULTS.write_text(json.dumps({"runs": runs}, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
