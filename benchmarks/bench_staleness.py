"""Speed of `kb stale`: 3,000 articles against 200 release-note entries (goal: under 5 s).

The articles are the 992 Hugo documentation pages of ../shared/data/corpora/hugo-docs.tar.gz,
copied into copy0/, copy1/, ... until there are 3,000 (front matter and shortcodes as they are).
The notes are 200 entries in four sections (Features, Fixes, Docs, Internal), built with a fixed
seed from the corpus' own headings, code spans and page URLs, so that many of them match.

Timed, each as the median of --runs runs (default 5):
- load: reading the 3,000 files (generator.articles.load_articles);
- check: parsing the notes and scoring (gaps.release_notes + gaps.staleness.check_staleness),
  lexical only (`--embeddings none`);
- check_hybrid: the same with the default embedding backend (sections embedded, loaded once);
- cli: `kb stale --kb DIR --release NOTES --format json` in process (load + check + JSON), as
  shipped (hybrid);
- cli_cold: the same as a new process (`python -m supportkb`, imports included), once.

Wall and CPU time are both shown: on a shared machine the wall time grows with the load
average, CPU time much less.

Writes benchmarks/results/staleness.json.

Run: python benchmarks/bench_staleness.py [--runs N]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from click.testing import CliRunner  # noqa: E402

from supportkb.generator.core.articles import load_articles  # noqa: E402
from supportkb.cli import main as kb  # noqa: E402
from supportkb.gaps.staleness.notes import pick_release, read_release_notes  # noqa: E402
from supportkb.gaps.staleness.match import check_staleness  # noqa: E402
from supportkb.generator.core.embeddings import load_embedder  # noqa: E402

CORPUS = REPO.parent / "shared" / "data" / "corpora" / "hugo-docs.tar.gz"
RESULTS = REPO / "benchmarks" / "results" / "staleness.json"
ARTICLES = 3000
ENTRIES = 200


def build_corpus(target: Path) -> Path:
    """Unpack the Hugo docs and copy them until there are ARTICLES Markdown files."""
    unpacked = target / "unpacked"
    with tarfile.open(CORPUS) as archive:
        archive.extractall(unpacked, filter="data")
    pages = sorted(p for p in unpacked.rglob("*.md") if not any(part.startswith(".") for part in p.parts))
    source_root = unpacked / "content" / "en"
    kb_dir = target / "kb"
    written = 0
    copy = 0
    while written < ARTICLES:
        for page in pages:
            if written == ARTICLES:
                break
            relative = page.relative_to(source_root) if page.is_relative_to(source_root) else page.relative_to(unpacked)
            destination = kb_dir / f"copy{copy}" / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(page, destination)
            written += 1
        copy += 1
    return kb_dir


def build_notes(kb_dir: Path, target: Path) -> Path:
    """ENTRIES changelog entries drawn (seeded) from the corpus' headings, code spans and URLs."""
    articles = load_articles(kb_dir).articles
    rng = random.Random(2024)
    headings = sorted({h.title for a in articles for h in a.headings if 3 <= len(h.title.split()) <= 6})
    codes = sorted({m for a in articles for m in re.findall(r"`([A-Za-z_][\w.]{3,30})`", a.body)})
    urls = sorted({a.url for a in articles if a.url})
    sections: dict[str, list[str]] = {"Features": [], "Fixes": [], "Docs": [], "Internal": []}
    for number in range(ENTRIES):
        section = ("Features", "Features", "Fixes", "Docs", "Internal")[number % 5]
        heading = rng.choice(headings).lower()
        code = rng.choice(codes)
        shape = number % 4
        if shape == 0:
            text = f"Added support for {heading} in `{code}`"
        elif shape == 1:
            text = f"Changed the default of `{code}`; see [{heading}](https://docs.example.com/{rng.choice(urls)})"
        elif shape == 2:
            text = f"Fixed {heading} when **{rng.choice(headings)}** is empty"
        else:
            text = f"Removed the deprecated `{code}` option (#{1000 + number})"
        sections[section].append(f"- {text}")
    body = "## 1.0.0 (2025-01-31)\n\n" + "\n\n".join(
        f"### {name}\n\n" + "\n".join(lines) for name, lines in sections.items()
    )
    notes = target / "notes.md"
    notes.write_text(body + "\n", encoding="utf-8")
    return notes


def median_seconds(function, runs: int) -> tuple[float, list[float], float]:
    """Median wall time, all wall times, and median CPU time (what a busy machine does not inflate)."""
    times = []
    cpu = []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        function()
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return statistics.median(times), times, statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    runs = max(3, options.runs)
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="kb-bench-stale-") as temp:
        target = Path(temp)
        kb_dir = build_corpus(target)
        notes = build_notes(kb_dir, target)
        articles = load_articles(kb_dir).articles
        release = pick_release(read_release_notes(notes), None, source=str(notes))
        assert len(articles) == ARTICLES, len(articles)
        assert len(release.entries) == ENTRIES, len(release.entries)

        load, load_runs, load_cpu = median_seconds(lambda: load_articles(kb_dir), runs)

        def check() -> int:
            parsed = pick_release(read_release_notes(notes), None, source=str(notes))
            return len(check_staleness(articles, parsed).flagged)

        check_median, check_runs, check_cpu = median_seconds(check, runs)
        flagged = check()
        embedder = load_embedder()

        def check_hybrid() -> int:
            parsed = pick_release(read_release_notes(notes), None, source=str(notes))
            return len(check_staleness(articles, parsed, embedder=embedder).flagged)

        hybrid_median, hybrid_runs, hybrid_cpu = median_seconds(check_hybrid, runs)
        flagged_hybrid = check_hybrid()

        def cli() -> None:
            result = CliRunner().invoke(kb, ["stale", "--kb", str(kb_dir), "--release", str(notes), "--format", "json"])
            assert result.exit_code == 0, result.output

        cli_median, cli_runs, cli_cpu = median_seconds(cli, runs)
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "supportkb", "stale", "--kb", str(kb_dir), "--release", str(notes), "--format", "json"],
            cwd=REPO, check=True, capture_output=True,
        )
        cold = time.perf_counter() - started

    results = {
        "articles": ARTICLES,
        "entries": ENTRIES,
        "flagged": flagged,
        "flagged_hybrid": flagged_hybrid,
        "embedder": embedder.name if embedder else "none",
        "runs": runs,
        "median_s": {
            "load": round(load, 3), "check": round(check_median, 3), "check_hybrid": round(hybrid_median, 3),
            "cli": round(cli_median, 3),
        },
        "median_cpu_s": {
            "load": round(load_cpu, 3), "check": round(check_cpu, 3), "check_hybrid": round(hybrid_cpu, 3),
            "cli": round(cli_cpu, 3),
        },
        "cli_cold_s": round(cold, 3),
        "all_runs_s": {
            "load": [round(t, 3) for t in load_runs],
            "check": [round(t, 3) for t in check_runs],
            "check_hybrid": [round(t, 3) for t in hybrid_runs],
            "cli": [round(t, 3) for t in cli_runs],
        },
        "goal_s": 5.0,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average_1min": {"before": round(load_before, 2), "after": round(os.getloadavg()[0], 2)},
        "machine": f"{platform.machine()}, {platform.system()}",
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"kb stale: {ARTICLES} articles x {ENTRIES} note entries, median of {runs} runs")
    print("                  wall     CPU")
    print(f"  load articles   {load:6.2f} s {load_cpu:6.2f} s")
    print(f"  parse + check   {check_median:6.2f} s {check_cpu:6.2f} s   ({flagged} flagged; lexical only)")
    print(f"  ... hybrid      {hybrid_median:6.2f} s {hybrid_cpu:6.2f} s   ({flagged_hybrid} flagged; {results['embedder']})")
    print(f"  kb stale (CLI)  {cli_median:6.2f} s {cli_cpu:6.2f} s   goal <= 5 s: {'met' if cli_median <= 5 else 'MISSED'}")
    print(f"  new process     {cold:6.2f} s   (once, imports included)")
    print(f"  (machine: {os.cpu_count()} CPUs, 1-minute load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after)")
    print(f"results: {RESULTS.relative_to(REPO)}")


if __name__ == "__main__":
    main()
