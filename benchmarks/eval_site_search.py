"""Relevance and speed of the help site's search box, as a customer meets it, beside agent search.

For each dataset: `kb init` a help center, copy the dataset's articles in, build it once per
engine (`search: kb`, `material`, `pagefind`), serve it on 127.0.0.1, type every query into the
real search box in headless Chromium, wait until the results container says
data-kb-search-state="done" or "empty", and score the [data-kb-result] links in rank order.
Agent search (`kb search --batch --json`) answers the same queries over the same articles in the
same run.

    .venv/bin/python benchmarks/eval_site_search.py [--sets stackfaq,clinc150,hint3]
        [--engines kb,material,pagefind] [--limit N]

Datasets (../shared/data, see MANIFEST.md): stackfaq's articles with queries-dev.jsonl; the
covered tickets of tickets/clinc150 and tickets/hint3-sofmattress (their subjects) as queries
against their articles. Prints one table per dataset: MRR@10, R@1, R@5, the zero-result rate
(all queries, and those sharing a non-stop word with some article) and the time from the last
keystroke to settled results (median, p95; measured in the page). Writes
benchmarks/results/site_search_eval.json.
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
DATA = REPO.parent / "shared" / "data"
WORK = REPO / "benchmarks" / "work" / "eval_site_search"
RESULTS = REPO / "benchmarks" / "results" / "site_search_eval.json"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"]
ENGINES = ("kb", "material", "pagefind")
SETS = ("stackfaq", "clinc150", "hint3")
SETTLE_QUIET_MS = 300
"""Material and Pagefind re-render as their workers answer: wait until nothing changes this long."""

# In the page: when the last input event reached the box, and when the container last said
# done/empty after it (performance.now(), milliseconds).
TIMING_SCRIPT = """
window.__kbTiming = { last: 0, settled: 0, changed: 0 };
document.addEventListener("input", function (e) {
  if (e.target.matches && e.target.matches("[data-kb-search]")) { __kbTiming.last = performance.now(); __kbTiming.settled = 0; }
}, true);
new MutationObserver(function (records) {
  __kbTiming.changed = performance.now();
  records.forEach(function (r) {
    if (r.type !== "attributes" || r.attributeName !== "data-kb-search-state") return;
    var state = r.target.getAttribute("data-kb-search-state");
    if (state === "done" || state === "empty") __kbTiming.settled = performance.now();
  });
}).observe(document, { attributes: true, childList: true, subtree: true, characterData: true });
"""


@dataclass(frozen=True)
class Query:
    text: str
    expected: frozenset[str]


@dataclass
class EngineRun:
    rankings: list[list[str]] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)


# --- datasets --------------------------------------------------------------------------------


def load_set(name: str) -> tuple[Path, list[Query]]:
    """The dataset's articles folder and its queries with the expected article ids."""
    if name == "stackfaq":
        folder = DATA / "search" / "stackfaq"
        lines = (folder / "queries-dev.jsonl").read_text(encoding="utf-8").splitlines()
        queries = [Query(q["query"], frozenset(q["expected"])) for q in map(json.loads, filter(str.strip, lines))]
        return folder / "articles", queries
    folder = DATA / "tickets" / ("clinc150" if name == "clinc150" else "hint3-sofmattress")
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    covered = set(truth["covered_intents"])
    article_of = truth.get("intent_article") or {intent: intent for intent in covered}
    queries = []
    with (folder / "tickets.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            label = truth["labels"].get(row["id"])
            if label in covered and row["subject"].strip():
                queries.append(Query(row["subject"], frozenset([article_of[label]])))
    return folder / "articles", queries


def make_project(root: Path, articles: Path, *, engine: str) -> Path:
    """`kb init` + the dataset's articles, with `search: engine`; returns mkdocs.yml."""
    if root.exists():
        shutil.rmtree(root)
    kb = [sys.executable, "-m", "supportkb"]
    subprocess.run([*kb, "init", str(root), "--name", "Eval Help Center", "--ci", "none"], check=True,
                   capture_output=True, cwd=REPO)
    for path in sorted(articles.glob("*.md")):
        # '[[' in a thread's code (sf-041: a Google Sheets formula) reads as a wiki link that
        # `kb build` refuses; a space keeps the words and lets the real articles build.
        text = path.read_text(encoding="utf-8").replace("[[", "[ [")
        (root / "kb" / "articles" / path.name).write_text(text, encoding="utf-8")
    # Categories the articles name (clinc150's domains) join kb init's, as a writer would add them.
    used = sorted({m.group(1) for path in articles.glob("*.md")
                   for m in [re.search(r"(?m)^category:\s*\"?([\w-]+)", path.read_text(encoding="utf-8"))] if m})
    categories = root / "kb" / "categories.yml"
    known = categories.read_text(encoding="utf-8")
    extra = "".join(f"{c}:\n  title: {c.replace('_', ' ').capitalize()}\n  description: Questions about {c.replace('_', ' ')}.\n"
                    for c in used if not re.search(rf"(?m)^{re.escape(c)}:", known))
    categories.write_text(known.rstrip("\n") + "\n" + extra, encoding="utf-8")
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    text, count = re.subn(r"(?m)^(\s+)search: \w+", rf"\g<1>search: {engine}", text)
    if not count:
        text = text.replace("  - supportkb:\n", f"  - supportkb:\n      search: {engine}\n", 1)
    config.write_text(text, encoding="utf-8")
    return config


def build(config: Path) -> float:
    from supportkb.generator.site.build import build_site

    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    start = time.perf_counter()
    build_site(config)
    return time.perf_counter() - start


def url_to_id(project: Path) -> dict[str, str]:
    from supportkb.generator.core.articles import load_articles

    return {"/" + a.url: a.id for a in load_articles(project / "kb" / "articles").articles}


def query_vocabulary(project: Path) -> frozenset[str]:
    """Stems of every non-stop word of the public articles (what a query can share with them)."""
    from supportkb.generator.core.articles import load_articles
    from supportkb.generator.core.text import terms

    found: set[str] = set()
    for article in load_articles(project / "kb" / "articles").articles:
        if not article.is_internal:
            found.update(terms(" ".join([article.title, article.summary, *article.aliases, *article.questions, article.body])))
    return frozenset(found)


# --- the browser -----------------------------------------------------------------------------


def run_browser(site: Path, queries: Sequence[Query], ids_by_path: dict[str, str], *, engine: str) -> EngineRun:
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(REPO / "benchmarks"))
    from bench_site_search import serve

    run = EngineRun()
    with serve(site) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        # kb init's site asks Google Fonts for its font, unreachable here: not an error of the search.
        page.on("console", lambda m: run.console_errors.append(m.text)
                if m.type == "error" and "ERR_NAME_NOT_RESOLVED" not in m.text else None)
        page.on("pageerror", lambda e: run.console_errors.append(str(e)))
        page.add_init_script(TIMING_SCRIPT)
        page.goto(base, wait_until="load")
        box = page.locator("[data-kb-search]").first
        for number, query in enumerate(queries):
            if not box.is_visible():
                page.keyboard.press("Escape")
                page.locator("body").press("Slash")
                box.wait_for(state="visible", timeout=10_000)
            box.fill("")
            page.evaluate("() => { __kbTiming.settled = 0; }")
            box.type(query.text)
            page.wait_for_function(
                """() => { const t = window.__kbTiming;
                  const all = Array.from(document.querySelectorAll('[data-kb-search-state]'));
                  const s = all.map(e => e.getAttribute('data-kb-search-state'));
                  return t.settled > 0 && !s.includes('loading'); }""",
                timeout=30_000, polling=5,
            )
            if engine != "kb":
                # Their workers may still re-render an earlier query's answer; some pages never
                # go quiet (a result list that keeps growing), so give up waiting after 3 s.
                waited = 0.0
                while waited < 3000:
                    changed = page.evaluate("() => performance.now() - __kbTiming.changed")
                    if changed >= SETTLE_QUIET_MS:
                        break
                    page.wait_for_timeout(SETTLE_QUIET_MS - changed + 5)
                    waited += SETTLE_QUIET_MS - changed + 5
            timing = page.evaluate("() => [__kbTiming.last, __kbTiming.settled]")
            run.latencies_ms.append(max(0.0, timing[1] - timing[0]))
            hrefs = page.eval_on_selector_all("[data-kb-result]", "els => els.slice(0, 10).map(e => e.href)")
            ranking = []
            for href in hrefs:
                path = urlsplit(href).path
                article = ids_by_path.get(path)
                if article is not None and article not in ranking:
                    ranking.append(article)
            run.rankings.append(ranking)
            if number and number % 100 == 0:
                print(f"  {engine}: {number}/{len(queries)} queries", file=sys.stderr)
        browser.close()
    return run


def agent_rankings(project: Path, queries: Sequence[Query], *, embeddings: str = "") -> list[list[str]]:
    """`kb search --batch --json` over the same articles (with --embeddings when given)."""
    with tempfile.TemporaryDirectory(prefix="kb-eval-") as tmp:
        batch = Path(tmp) / "queries.jsonl"
        batch.write_text("".join(json.dumps({"query": q.text}) + "\n" for q in queries), encoding="utf-8")
        env = dict(os.environ, XDG_CACHE_HOME=tmp)
        done = subprocess.run(
            [sys.executable, "-m", "supportkb", "search", "--kb", str(project / "kb"), "--batch", str(batch), "--json",
             *(["--embeddings", embeddings] if embeddings else [])],
            capture_output=True, text=True, env=env, cwd=REPO, check=False,
        )
    if done.returncode != 0:
        sys.exit(f"kb search failed ({done.returncode}):\n{done.stderr}")
    return [[r["id"] for r in json.loads(line)["results"]][:10] for line in done.stdout.splitlines()]


# --- scoring ---------------------------------------------------------------------------------


def rank_of(ranking: Sequence[str], wanted: frozenset[str]) -> int | None:
    return next((i for i, doc in enumerate(ranking[:10], start=1) if doc in wanted), None)


def score(rankings: Sequence[Sequence[str]], queries: Sequence[Query], shares: Sequence[bool]) -> dict[str, float]:
    ranks = [rank_of(r, q.expected) for r, q in zip(rankings, queries)]
    n = len(queries)
    sharing = [r for r, s in zip(rankings, shares) if s]
    return {
        "mrr10": sum(1 / r for r in ranks if r) / n,
        "r1": sum(1 for r in ranks if r == 1) / n,
        "r5": sum(1 for r in ranks if r and r <= 5) / n,
        "zero": sum(1 for r in rankings if not r) / n,
        "zero_sharing": sum(1 for r in sharing if not r) / max(1, len(sharing)),
        "n": n,
    }


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))] if ordered else 0.0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sets", default=",".join(SETS), help=f"comma-separated, of {', '.join(SETS)}")
    parser.add_argument("--engines", default=",".join(ENGINES), help=f"comma-separated, of {', '.join(ENGINES)}")
    parser.add_argument("--limit", type=int, default=0, help="only the first N queries of each set (quick runs)")
    parser.add_argument("--agents", default="default,none",
                        help="agent search runs: embedding backends for `kb search --embeddings` ('default': mkdocs.yml's)")
    args = parser.parse_args(argv)
    sets = [s for s in args.sets.split(",") if s]
    engines = [e for e in args.engines.split(",") if e]
    agents = [a for a in args.agents.split(",") if a]
    from supportkb.generator.core.text import terms

    report: dict[str, object] = {}
    for name in sets:
        articles, queries = load_set(name)
        if args.limit:
            queries = queries[: args.limit]
        rows: list[tuple[str, dict[str, float], list[float], int]] = []
        agent_project = make_project(WORK / name / "agent", articles, engine="kb").parent
        vocabulary = query_vocabulary(agent_project)
        shares = [bool(set(terms(q.text)) & vocabulary) for q in queries]
        ids = url_to_id(agent_project)
        for engine in engines:
            project = make_project(WORK / name / engine, articles, engine=engine).parent
            seconds = build(project / "mkdocs.yml")
            print(f"{name}: built with search: {engine} in {seconds:.1f} s", file=sys.stderr)
            run = run_browser(project / "site", queries, ids, engine=engine)
            rows.append((f"site search, {engine}", score(run.rankings, queries, shares), run.latencies_ms, len(run.console_errors)))
            if run.console_errors:
                print(f"  console errors ({engine}): {run.console_errors[:3]}", file=sys.stderr)
        for backend in agents:
            agent = agent_rankings(agent_project, queries, embeddings="" if backend == "default" else backend)
            label = "agent search, kb search --batch" + ("" if backend == "default" else f" --embeddings {backend}")
            rows.append((label, score(agent, queries, shares), [], 0))

        print(f"\n{name}: {len(queries)} queries ({sum(shares)} share a non-stop word with some article)")
        print(f"{'engine':<50}| MRR@10 | R@1   | R@5   | zero  | zero* | settled ms p50 | p95  | errors")
        print(f"{'-' * 50}|--------|-------|-------|-------|-------|----------------|------|-------")
        for label, s, latencies, errors in rows:
            p50 = f"{statistics.median(latencies):.0f}" if latencies else "-"
            p95 = f"{percentile(latencies, 0.95):.0f}" if latencies else "-"
            print(f"{label:<50}| {s['mrr10']:.3f}  | {s['r1']:.3f} | {s['r5']:.3f} | {s['zero']:.3f} | {s['zero_sharing']:.3f} | {p50:>14} | {p95:>4} | {errors}")
        print("zero*: zero-result rate among queries sharing a non-stop word with some article")
        report[name] = {label: {**s, "settled_ms_p50": statistics.median(lat) if lat else None,
                                "settled_ms_p95": percentile(lat, 0.95) if lat else None, "console_errors": errors}
                        for label, s, lat, errors in rows}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    previous = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.is_file() else {}
    merged = previous.get("sets", {}) if isinstance(previous, dict) else {}
    for name, result in report.items():  # Rows of engines not run this time are kept.
        earlier = merged.get(name, {}) if merged.get(name, {}).get("limit") == args.limit else {}
        merged[name] = {"limit": args.limit, "engines": {**earlier.get("engines", {}), **result}}
    RESULTS.write_text(json.dumps({"sets": merged}, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
