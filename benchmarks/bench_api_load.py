"""Bounded load on `kb api`: search under 16 clients, an event flood, and both at once.

    python benchmarks/bench_api_load.py [--runs 3] [--requests 1600]

Serves the repository's own sample help center (kb/) with --events-db in a temporary folder,
from its own process on 127.0.0.1; 16 keep-alive clients in this process. Every phase sends a
fixed number of requests and is cut off after PHASE_LIMIT seconds, so the run always ends.
Prints medians over the runs and writes benchmarks/results/api_load.json.

The search client, the server start and the percentiles are bench_search.py's (its HTTP part
loads 3,000 articles; this one loads the sample KB and adds POST /events).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))

from bench_search import (  # noqa: E402
    free_port,
    make_queries,
    percentiles,
    process_cpu_seconds,
    read_response,
    run_clients,
    wait_for,
)

from supportkb.generator.core.articles import load_articles  # noqa: E402

KB = REPO / "kb"
RESULTS = REPO / "benchmarks" / "results" / "api_load.json"
CLIENTS = 16
PHASE_LIMIT = 120.0
"""Seconds after which a phase is abandoned (the run still ends and says so)."""


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per phase (median reported)")
    parser.add_argument("--requests", type=int, default=3200, help="requests per phase")
    args = parser.parse_args(argv)
    runs, requests = max(1, args.runs), max(CLIENTS, args.requests)
    articles = load_articles(KB / "articles").articles
    queries = make_queries(articles, 600, seed=11)
    started = time.perf_counter()
    results: dict[str, Any] = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "articles": len(articles),
        "clients": CLIENTS,
        "requests_per_phase": requests,
        "runs": runs,
        "phases": {},
    }
    samples: dict[str, list[dict[str, Any]]] = {"search": [], "events": [], "search_during_flood": [], "events_during_search": []}
    with tempfile.TemporaryDirectory(prefix="kb-bench-api-") as scratch:
        events_db = Path(scratch) / "events.db"
        port = free_port()
        command = [sys.executable, "-m", "supportkb", "api", "--kb", str(KB), "--index-dir", str(Path(scratch) / "index"),
                   "--port", str(port), "--events-db", str(events_db)]
        server = subprocess.Popen(command, cwd=REPO, env=dict(os.environ, XDG_CACHE_HOME=scratch),
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            wait_for(f"http://127.0.0.1:{port}", server)
            asyncio.run(_bounded(run_clients(port, queries, requests=CLIENTS * 10, clients=CLIENTS, rate=None)))  # Warm up.
            for run in range(1, runs + 1):
                print(f"\n== run {run} of {runs}", flush=True)
                samples["search"].append(_phase(server.pid, "search", lambda: _search(port, queries, requests)))
                samples["events"].append(_phase(server.pid, "events", lambda: _events(port, events_db, requests)))
                both = _phase(server.pid, "search + events", lambda: _both(port, queries, events_db, requests))
                samples["search_during_flood"].append(both["search"])
                samples["events_during_search"].append(both["events"])
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
                results["server_needed_kill"] = True
    for name, rows in samples.items():
        results["phases"][name] = _medians(rows)
    results["seconds"] = round(time.perf_counter() - started, 1)
    results["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    _print_summary(results)
    print(f"\nwrote {RESULTS.relative_to(REPO)} ({results['seconds']} s; load average "
          f"{results['load_average_at_start'][0]} at start, {results['load_average_at_end'][0]} at end)")
    return 0


# -- phases ----------------------------------------------------------------------------------------


def _phase(pid: int, label: str, action: Any) -> dict[str, Any]:
    """Run one phase; print it; note the server's CPU seconds for the whole phase."""
    cpu_before = process_cpu_seconds(pid)
    row: dict[str, Any] = action()
    cpu_after = process_cpu_seconds(pid)
    cpu = round(cpu_after - cpu_before, 2) if cpu_before is not None and cpu_after is not None else None
    parts = {label: row} if "requests" in row else row
    for name, part in parts.items():
        part["server_cpu_s_in_phase"] = cpu
        print(f"{label:>15} | {name:>6}: {_describe(part)}", flush=True)
    return row


def _search(port: int, queries: Sequence[str], requests: int) -> dict[str, Any]:
    latencies, statuses, wall = asyncio.run(_bounded(run_clients(port, queries, requests=requests, clients=CLIENTS, rate=None)))
    return _row(latencies, statuses, wall, ok=200)


def _events(port: int, events_db: Path, requests: int) -> dict[str, Any]:
    before = _stored(events_db)
    latencies, statuses, wall = asyncio.run(_bounded(_post_clients(port, requests=requests, clients=CLIENTS)))
    row = _row(latencies, statuses, wall, ok=202)
    row["events_stored"] = _stored(events_db) - before
    row["events_stored_per_s"] = round(row["events_stored"] / wall, 1) if wall else 0.0
    return row


def _both(port: int, queries: Sequence[str], events_db: Path, requests: int) -> dict[str, Any]:
    """16 search clients and 16 event clients at the same time: does a flood slow search down?"""
    before = _stored(events_db)

    async def together() -> tuple[Any, Any]:
        return await asyncio.gather(
            run_clients(port, queries, requests=requests, clients=CLIENTS, rate=None),
            _post_clients(port, requests=requests, clients=CLIENTS),
        )

    (s_lat, s_status, s_wall), (e_lat, e_status, e_wall) = asyncio.run(_bounded(together()))
    events = _row(e_lat, e_status, e_wall, ok=202)
    events["events_stored"] = _stored(events_db) - before
    events["events_stored_per_s"] = round(events["events_stored"] / e_wall, 1) if e_wall else 0.0
    return {"search": _row(s_lat, s_status, s_wall, ok=200), "events": events}


async def _bounded(work: Any) -> Any:
    try:
        return await asyncio.wait_for(work, PHASE_LIMIT)
    except asyncio.TimeoutError:
        raise SystemExit(f"a phase took more than {PHASE_LIMIT:.0f} s: stopped (is the server stuck?)") from None


async def _post_clients(port: int, *, requests: int, clients: int) -> tuple[list[float], list[int], float]:
    """Like bench_search.run_clients, with POST /events: one event per request, as the help site's
    beacons send them, of every type, some with personal data for the masker to find."""
    latencies: list[float] = []
    statuses: list[int] = []
    per_client = requests // clients
    started = time.perf_counter()

    async def client_loop(number: int) -> None:
        rng = random.Random(number)
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            for i in range(per_client):
                body = json.dumps(_event(rng, number, i)).encode()
                head = (f"POST /events HTTP/1.1\r\nHost: bench\r\nContent-Type: text/plain\r\n"
                        f"Content-Length: {len(body)}\r\n\r\n").encode()
                sent = time.perf_counter()
                writer.write(head + body)
                status = await read_response(reader)
                latencies.append((time.perf_counter() - sent) * 1000)
                statuses.append(status)
        finally:
            writer.close()

    await asyncio.gather(*(client_loop(n) for n in range(clients)))
    return latencies, statuses, time.perf_counter() - started


def _event(rng: random.Random, client: int, number: int) -> dict[str, Any]:
    session = f"bench-{client}"
    kind = rng.choice(["pageview", "pageview", "search", "click", "vote"])
    if kind == "pageview":
        return {"type": "pageview", "page": f"/billing/article-{number % 40}/", "session": session}
    if kind == "search":
        query = rng.choice(["refund", "reset password", "invoice pdf", "call me on +1 415 555 0100", "mail a@b.example"])
        return {"type": "search", "query": query, "results": rng.randint(0, 12), "search_id": f"s{number}", "session": session}
    if kind == "click":
        return {"type": "click", "target": "/billing/refunds/", "rank": rng.randint(1, 10), "search_id": f"s{number}"}
    return {"article_id": str(100 + number % 30), "helpful": rng.random() < 0.7, "url": "/billing/refunds/", "title": "Refunds"}


# -- figures ---------------------------------------------------------------------------------------


def _stored(events_db: Path) -> int:
    db = sqlite3.connect(f"{events_db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return int(db.execute("SELECT count(*) FROM events").fetchone()[0])
    finally:
        db.close()


def _row(latencies: Sequence[float], statuses: Sequence[int], wall: float, *, ok: int) -> dict[str, Any]:
    return {
        "requests": len(latencies),
        "seconds": round(wall, 2),
        "requests_per_s": round(len(latencies) / wall, 1) if wall else 0.0,
        "latency_ms": percentiles(latencies) if latencies else {},
        "errors": sum(1 for s in statuses if s != ok),
        "status_counts": {str(s): list(statuses).count(s) for s in sorted(set(statuses))},
    }


def _describe(row: dict[str, Any]) -> str:
    text = (f"{row['requests']} requests in {row['seconds']:.1f} s ({row['requests_per_s']:.0f}/s), "
            f"p50 {row['latency_ms']['p50']:.1f} ms, p95 {row['latency_ms']['p95']:.1f} ms, errors {row['errors']}")
    if "events_stored" in row:
        text += f"; {row['events_stored']} events stored ({row['events_stored_per_s']:.0f}/s)"
    return text


def _medians(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    def med(get: Any) -> float:
        return round(statistics.median(get(r) for r in rows), 2)

    summary = {
        "requests_per_s": med(lambda r: r["requests_per_s"]),
        "p50_ms": med(lambda r: r["latency_ms"]["p50"]),
        "p95_ms": med(lambda r: r["latency_ms"]["p95"]),
        "p99_ms": med(lambda r: r["latency_ms"]["p99"]),
        "errors_total": sum(r["errors"] for r in rows),
        "runs": list(rows),
    }
    if "events_stored_per_s" in rows[0]:
        summary["events_stored_per_s"] = med(lambda r: r["events_stored_per_s"])
    return summary


def _print_summary(results: dict[str, Any]) -> None:
    print(f"\n| `kb api`, sample KB ({results['articles']} articles), {results['clients']} clients, "
          f"median of {results['runs']} | served/s | events stored/s | p50 | p95 | p99 | errors (all runs) |")
    print("|---|---|---|---|---|---|---|")
    for name, row in results["phases"].items():
        stored = f"{row['events_stored_per_s']:.0f}" if "events_stored_per_s" in row else ""
        print(f"| {name} | {row['requests_per_s']:.0f} | {stored} | {row['p50_ms']:.1f} ms | {row['p95_ms']:.1f} ms |"
              f" {row['p99_ms']:.1f} ms | {row['errors_total']} |")


if __name__ == "__main__":
    sys.exit(main())
