"""Speed and peak memory of `kb gaps` on 10,000 and 100,000 tickets (scaled-up dev tickets).

    python benchmarks/bench_gaps.py [--sizes 10000 100000] [--runs 3] [--runs-large 1]

Tickets are drawn from the clinc150 and hint3 dev sets, each copy with what real exports add:
greetings, sign-offs, a typo or a filler clause, a fresh id and date over six months. The KB
is clinc150's 120 articles. Each run is a separate process (read, clean, match, cluster,
render JSON), timed end to end, by meaning (default backend) and by words only (none); peak memory is that process's maximum resident set size.
Medians go to stdout and benchmarks/results/gaps.json.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATA = REPO.parent / "shared" / "data" / "tickets"
WORK = REPO / "benchmarks" / "work"
RESULTS = REPO / "benchmarks" / "results" / "gaps.json"

GREETINGS = ("", "", "Hi,\n\n", "Hello team,\n\n", "Hey there!\n", "Good morning,\n\n")
CLOSINGS = ("", "", "\n\nThanks,\nSam", "\n\nBest regards,\nAlex Kim\nAcme Inc.", "\n\nCheers\n\nSent from my iPhone")
FILLERS = ("", "", "", " please", " asap", " for my account", " thanks in advance", " - it's urgent", " again")


def _typo(text: str, rng: random.Random) -> str:
    words = text.split()
    candidates = [i for i, w in enumerate(words) if len(w) > 4]
    if not candidates:
        return text
    i = rng.choice(candidates)
    w = words[i]
    j = rng.randrange(1, len(w) - 2)
    words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
    return " ".join(words)


def make_tickets(count: int, path: Path, *, seed: int = 11) -> Path:
    """Write `count` tickets built from the dev tickets (cached by size and seed)."""
    if path.exists():
        return path
    rng = random.Random(seed)
    sources: list[str] = []
    for case in ("clinc150", "hint3-sofmattress"):
        with (DATA / case / "tickets.csv").open(encoding="utf-8", newline="") as handle:
            sources += [row["subject"] for row in csv.DictReader(handle)]
    start = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    with temporary.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "created_at", "subject", "body", "tags", "priority"])
        for number in range(1, count + 1):
            text = rng.choice(sources)
            if rng.random() < 0.3:
                text = _typo(text, rng)
            text += rng.choice(FILLERS)
            body = rng.choice(GREETINGS) + text + rng.choice(CLOSINGS)
            created = start + dt.timedelta(seconds=rng.randrange(182 * 86_400))
            writer.writerow([f"B{number:06d}", created.strftime("%Y-%m-%dT%H:%M:%SZ"), "", body, "", rng.choice(("low", "normal", "high"))])
    os.replace(temporary, path)
    return path


def run_once(tickets: Path, embeddings: str = "default") -> dict[str, float]:
    """One `kb gaps --format json` in a fresh process: wall seconds and peak RSS in MB."""
    code = (
        "import resource, sys, time, json\n"
        "t = time.perf_counter()\n"
        "c = time.process_time()\n"
        "from click.testing import CliRunner\n"
        "from supportkb.cli import main\n"
        f"r = CliRunner().invoke(main, ['gaps', {str(tickets)!r}, '--kb', {str(DATA / 'clinc150' / 'articles')!r}, '--format', 'json', '-q', '--embeddings', {embeddings!r}])\n"
        "assert r.exit_code == 0, r.output[-2000:]\n"
        "doc = json.loads(r.stdout)\n"
        "print(json.dumps({'seconds': time.perf_counter() - t, 'cpu_seconds': time.process_time() - c,"
        " 'peak_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,"
        " 'tickets_read': doc['tickets_read'], 'clusters': len(doc['clusters'])}))\n"
    )
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"benchmark run failed:\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["process_seconds"] = time.perf_counter() - started
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--runs", type=int, default=3, help="runs per size up to 20,000 tickets")
    parser.add_argument("--runs-large", type=int, default=3, help="runs per larger size")
    parser.add_argument("--embeddings", nargs="+", default=["default", "none"], help="backends to time (none: words only)")
    args = parser.parse_args()
    rows = []
    for size, embeddings in [(size, name) for size in args.sizes for name in args.embeddings]:
        tickets = make_tickets(size, WORK / f"tickets-{size}.csv")
        load = os.getloadavg()[0]
        runs = [run_once(tickets, embeddings) for _ in range(args.runs if size <= 20_000 else args.runs_large)]
        row = {
            "embeddings": embeddings,
            "tickets": size,
            "runs": len(runs),
            "median_seconds": round(statistics.median(r["process_seconds"] for r in runs), 2),
            "median_seconds_in_process": round(statistics.median(r["seconds"] for r in runs), 2),
            "median_cpu_seconds": round(statistics.median(r["cpu_seconds"] for r in runs), 2),
            "load_average_before": round(load, 2),
            "peak_mb": round(max(r["peak_mb"] for r in runs), 1),
            "clusters": runs[0]["clusters"],
            "tickets_read": runs[0]["tickets_read"],
            "all_seconds": [round(r["process_seconds"], 2) for r in runs],
        }
        rows.append(row)
        print(f"{embeddings:<8} {size:>8,} tickets: median {row['median_seconds']:6.2f} s wall ({row['median_cpu_seconds']:.2f} s CPU) "
              f"over {row['runs']} run(s) {row['all_seconds']}, peak {row['peak_mb']:7.1f} MB, "
              f"{row['clusters']} clusters, load average {row['load_average_before']}", flush=True)
    for name in args.embeddings:
        mine = [r for r in rows if r["embeddings"] == name]
        if len(mine) >= 2:
            a, b = mine[0], mine[-1]
            print(f"{name}: {b['tickets'] / a['tickets']:.0f}x tickets -> {b['median_seconds'] / a['median_seconds']:.1f}x time")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "kb": "shared/data/tickets/clinc150/articles (120 articles)",
        "results": rows,
    }, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
