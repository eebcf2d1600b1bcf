"""Search speed: index builds, one-article updates, query latency in-process and over HTTP.

    python benchmarks/bench_search.py [--runs 3] [--quick] [--embeddings none,default]

Corpora come from ../shared/data/corpora/hugo-docs.tar.gz (992 pages), scaled to 3,000 and
10,000 articles by copying the pages under copyN/ folders (so ids and paths differ). Prints
medians and writes benchmarks/results/search.json. The HTTP run is bounded (a fixed number of
requests from 16 concurrent clients against `kb api` in its own process).

Every corpus is measured once per embedding backend named in --embeddings, in the same run:
`none` is lexical-only search (the "before"), `default` the hybrid. Query times include
embedding the query. --quick: one run, 3,000 articles only, a shorter HTTP run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from supportkb.generator.core.articles import load_articles  # noqa: E402
from supportkb.generator.core.embeddings import load_embedder  # noqa: E402
from supportkb.generator.core.project import find_project  # noqa: E402
from supportkb.search.engine import SearchIndex, build_project_index  # noqa: E402

TARBALL = REPO.parent / "shared" / "data" / "corpora" / "hugo-docs.tar.gz"
WORK = REPO / "benchmarks" / "work" / "search"
RESULTS = REPO / "benchmarks" / "results" / "search.json"
SIZES = (992, 3000, 10000)
QUERIES = 400
WARMUP = 100
HTTP_CLIENTS = 16
HTTP_REQUESTS = 3200
PACED_RATE = 200
"""Requests per second the 16 paced clients offer together (about 12 a second each)."""


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per timing (median reported)")
    parser.add_argument(
        "--quick", action="store_true", help="one run each, 3,000 articles only, shorter HTTP run"
    )
    parser.add_argument(
        "--embeddings",
        default="none,default",
        help="comma-separated backends to measure, each in this run (default: none,default)",
    )
    args = parser.parse_args(argv)
    runs = 1 if args.quick else max(1, args.runs)
    backends = [name.strip() for name in args.embeddings.split(",") if name.strip()]
    sizes = (3000,) if args.quick else SIZES
    started = time.perf_counter()
    corpora = prepare_corpora()
    results: dict[str, Any] = {
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
        },
        "runs": runs,
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "corpora": {},
    }
    for size in sizes:
        folder = corpora[size]
        for backend in backends:
            print(
                f"\n== {size} articles ({folder.relative_to(REPO)}), --embeddings {backend}",
                flush=True,
            )
            row = bench_corpus(folder, runs=runs, embeddings=backend)
            results["corpora"][f"{size} {backend}"] = row
    requests = HTTP_REQUESTS // 2 if args.quick else HTTP_REQUESTS
    results["http_3000"] = {}
    for backend in backends:
        print(
            f"\n== HTTP: {HTTP_CLIENTS} concurrent clients, `kb api --embeddings {backend}` "
            "on 3000 articles",
            flush=True,
        )
        for name, run in bench_http(corpora[3000], requests=requests, embeddings=backend).items():
            results["http_3000"][f"{name} {backend}"] = run
    results["seconds"] = round(time.perf_counter() - started, 1)
    results["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print_summary(results)
    print(
        f"\nwrote {RESULTS.relative_to(REPO)} ({results['seconds']} s; load average "
        f"{results['load_average_at_start'][0]} at start, "
        f"{results['load_average_at_end'][0]} at end, "
        f"{os.cpu_count()} CPUs: other work on the machine inflates every number)"
    )
    return 0


# -- corpora -------------------------------------------------------------------------------------


def prepare_corpora() -> dict[int, Path]:
    """Unpack hugo-docs once and make the scaled copies (kept in benchmarks/work/, git-ignored)."""
    source = WORK / "hugo-992"
    if not (source / ".complete").exists():
        shutil.rmtree(source, ignore_errors=True)
        source.mkdir(parents=True)
        with tarfile.open(TARBALL) as archive:
            archive.extractall(source / "raw", filter="data")
        pages = source / "raw" / "content" / "en"
        shutil.move(str(pages), source / "articles")
        shutil.rmtree(source / "raw")
        (source / ".complete").write_text("", encoding="utf-8")
    files = sorted(p for p in (source / "articles").rglob("*.md"))
    corpora = {992: source}
    for size in SIZES[1:]:
        folder = WORK / f"hugo-{size}"
        if not (folder / ".complete").exists():
            shutil.rmtree(folder, ignore_errors=True)
            for number in range(size):
                original = files[number % len(files)]
                relative = original.relative_to(source / "articles")
                target = folder / "articles" / f"copy{number // len(files)}" / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(original, target)
            (folder / ".complete").write_text("", encoding="utf-8")
        corpora[size] = folder
    return corpora


def make_queries(articles: Sequence[Any], count: int, *, seed: int = 7) -> list[str]:
    """Half article titles, half 1-4 words drawn from article text: what agents type."""
    rng = random.Random(seed)
    vocabulary = [w for a in articles[:1000] for w in re.findall(r"[a-z]{4,}", a.body.lower())]
    titles = [a.title for a in articles]
    return [
        rng.choice(titles) if i % 2 else " ".join(rng.sample(vocabulary, rng.randint(1, 4)))
        for i in range(count)
    ]


# -- in-process ----------------------------------------------------------------------------------


def bench_corpus(folder: Path, *, runs: int, embeddings: str = "none") -> dict[str, Any]:
    embedder = load_embedder(embeddings)
    loads, builds = [], []
    articles: Sequence[Any] = ()
    for _ in range(runs):
        seconds, loaded = timed(lambda: load_articles(folder / "articles"))
        loads.append(seconds)
        articles = loaded.articles
    with tempfile.TemporaryDirectory(prefix="kb-bench-") as scratch:
        for run in range(runs):
            target = Path(scratch) / f"build-{run}"
            builds.append(
                timed(
                    lambda target=target: SearchIndex.build(
                        articles, index_dir=target, embedder=embedder
                    )
                )[0]
            )
        print(
            f"load {median(loads):.2f} s, index build {median(builds):.2f} s (median of {runs})",
            flush=True,
        )

        index_dir = Path(scratch) / "live"
        project = find_project(kb=folder)
        build_project_index(project, index_dir=index_dir, embedder=embedder)
        size_mb = sum(f.stat().st_size for f in index_dir.rglob("*") if f.is_file()) / 1e6
        updates = bench_update(folder, project, index_dir, runs=max(3, runs), embedder=embedder)
        print(
            f"re-index one changed article: {median(updates):.2f} s (median of {len(updates)})",
            flush=True,
        )

        open_seconds, index = timed(lambda: SearchIndex.open(index_dir, embedder=embedder))
        queries = make_queries(articles, WARMUP + QUERIES)
        first_query, _ = timed(lambda: index.search(queries[0]))
        for query in queries[1:WARMUP]:
            index.search(query)
        first_pass, first_cpu = time_queries(index, queries[WARMUP:])
        second_pass, _ = time_queries(index, queries[WARMUP:])
        index.close()
    latency = percentiles(first_pass)
    warm = percentiles(second_pass)
    cpu = percentiles(first_cpu)
    print(
        f"open {open_seconds * 1000:.0f} ms, first query {first_query * 1000:.0f} ms; "
        f"query p50 {latency['p50']:.2f} ms, p95 {latency['p95']:.2f} ms (new queries), "
        f"p95 {warm['p95']:.2f} ms (repeated); CPU per query p50 {cpu['p50']:.2f} ms, "
        f"p95 {cpu['p95']:.2f} ms",
        flush=True,
    )
    return {
        "articles": len(articles),
        "embeddings": embeddings,
        "load_s": round(median(loads), 3),
        "build_s": round(median(builds), 3),
        "builds_s": [round(s, 3) for s in builds],
        "index_mb": round(size_mb, 1),
        "update_one_s": round(median(updates), 3),
        "updates_s": [round(s, 3) for s in updates],
        "open_ms": round(open_seconds * 1000, 1),
        "first_query_ms": round(first_query * 1000, 1),
        "query_ms": latency,
        "query_cpu_ms": cpu,
        "query_repeated_ms": warm,
    }


def time_queries(index: Any, queries: Sequence[str]) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds of each query. CPU time is what a query costs; wall time
    also counts waiting for a core when other programs run, so on a busy machine it is higher."""
    wall, cpu = [], []
    for query in queries:
        started, started_cpu = time.perf_counter(), time.thread_time()
        index.search(query)
        cpu.append((time.thread_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
    return wall, cpu


def bench_update(
    folder: Path, project: Any, index_dir: Path, *, runs: int, embedder: Any = None
) -> list[float]:
    """Edit one article file, then time the incremental refresh (scan + re-index + swap)."""
    victim = sorted((folder / "articles").rglob("*.md"))[
        len(list((folder / "articles").rglob("*.md"))) // 2
    ]
    original = victim.read_bytes()
    seconds = []
    try:
        for run in range(runs):
            victim.write_bytes(original + f"\n\nEdited for the benchmark, run {run}.\n".encode())
            elapsed, report = timed(
                lambda: build_project_index(project, index_dir=index_dir, embedder=embedder)
            )
            assert report.changed, "the edit was not noticed"
            seconds.append(elapsed)
    finally:
        victim.write_bytes(original)
        build_project_index(project, index_dir=index_dir, embedder=embedder)
    return seconds


# -- HTTP ----------------------------------------------------------------------------------------


def bench_http(folder: Path, *, requests: int, embeddings: str = "none") -> dict[str, Any]:
    """Start `kb api` in its own process; drive it from 16 keep-alive connections in this one."""
    import httpx

    articles = load_articles(folder / "articles").articles
    queries = make_queries(articles, 600, seed=11)
    runs: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="kb-bench-http-") as scratch:
        port = free_port()
        env = dict(os.environ, XDG_CACHE_HOME=scratch)
        command = [
            sys.executable,
            "-m",
            "supportkb",
            "api",
            "--kb",
            str(folder),
            "--index-dir",
            str(Path(scratch) / "index"),
            "--port",
            str(port),
            "--embeddings",
            embeddings,
        ]
        server = subprocess.Popen(
            command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        try:
            wait_for(f"http://127.0.0.1:{port}", server)
            with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
                for query in queries[:100]:
                    client.get("/search", params={"q": query})
            for name, rate in (("paced", PACED_RATE), ("saturated", None)):
                cpu_before = process_cpu_seconds(server.pid)
                latencies, statuses, wall = asyncio.run(
                    run_clients(
                        port, queries[100:], requests=requests, clients=HTTP_CLIENTS, rate=rate
                    )
                )
                stats = percentiles(latencies)
                errors = sum(1 for s in statuses if s >= 500)
                cpu_after = process_cpu_seconds(server.pid)
                server_cpu_ms = (
                    round((cpu_after - cpu_before) * 1000 / len(latencies), 3)
                    if cpu_before is not None and cpu_after is not None
                    else None
                )
                label = f"{rate} requests/s offered" if rate else "back to back"
                print(
                    f"{name} ({label}): {len(latencies)} requests in {wall:.1f} s "
                    f"({len(latencies) / wall:.0f}/s), "
                    f"p50 {stats['p50']:.2f} ms, p95 {stats['p95']:.2f} ms; 5xx: {errors}; "
                    f"server CPU per request {server_cpu_ms} ms",
                    flush=True,
                )
                runs[name] = {
                    "clients": HTTP_CLIENTS,
                    "offered_per_s": rate,
                    "requests": len(latencies),
                    "seconds": round(wall, 2),
                    "requests_per_s": round(len(latencies) / wall, 1),
                    "latency_ms": stats,
                    "status_counts": {str(s): statuses.count(s) for s in sorted(set(statuses))},
                    "server_errors": errors,
                    "server_cpu_ms_per_request": server_cpu_ms,
                }
        finally:
            server.terminate()
            server.wait(timeout=10)
    return runs


async def read_response(reader: asyncio.StreamReader) -> int:
    """Read one HTTP/1.1 response (status line, headers, Content-Length body); its status code."""
    status_line = await reader.readline()
    length = 0
    while True:
        header = await reader.readline()
        if header in (b"\r\n", b""):
            break
        name, _, value = header.decode("latin-1").partition(":")
        if name.lower() == "content-length":
            length = int(value)
    await reader.readexactly(length)
    return int(status_line.split()[1])


async def run_clients(
    port: int, queries: Sequence[str], *, requests: int, clients: int, rate: float | None
) -> tuple[list[float], list[int], float]:
    """`clients` keep-alive connections, each sending its next request when the last is answered
    (and, with a rate, not before its turn): a light client, so the server is what gets measured."""
    from urllib.parse import quote

    latencies: list[float] = []
    statuses: list[int] = []
    per_client = requests // clients
    interval = clients / rate if rate else 0.0
    started = time.perf_counter()

    async def client_loop(number: int) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            for i in range(per_client):
                if interval:
                    due = started + (i + number / clients) * interval
                    delay = due - time.perf_counter()
                    if delay > 0:
                        await asyncio.sleep(delay)
                query = queries[(number * per_client + i) % len(queries)]
                request = f"GET /search?q={quote(query)} HTTP/1.1\r\nHost: bench\r\n\r\n".encode()
                sent = time.perf_counter()
                writer.write(request)
                status = await read_response(reader)
                latencies.append((time.perf_counter() - sent) * 1000)
                statuses.append(status)
        finally:
            writer.close()

    await asyncio.gather(*(client_loop(n) for n in range(clients)))
    return latencies, statuses, time.perf_counter() - started


def process_cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds a process has used so far (Linux /proc), or None."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(base: str, server: subprocess.Popen) -> None:
    import httpx

    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(
                f"kb api exited: {server.stderr.read().decode() if server.stderr else ''}"
            )
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise SystemExit("kb api did not start")


# -- helpers -------------------------------------------------------------------------------------


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def percentiles(values_ms: Sequence[float]) -> dict[str, float]:
    ordered = sorted(values_ms)

    def at(share: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))], 3)

    return {
        "p50": at(0.50),
        "p95": at(0.95),
        "p99": at(0.99),
        "max": round(ordered[-1], 3),
        "n": len(ordered),
    }


def print_summary(results: dict[str, Any]) -> None:
    print(
        "\n| articles | embeddings | load | index build | index size | re-index 1 article |"
        " query p50 | query p95 | p95 repeated | CPU/query p50 | CPU/query p95 |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for row in results["corpora"].values():
        print(
            f"| {row['articles']:,} | {row['embeddings']} | {row['load_s']:.2f} s |"
            f" {row['build_s']:.2f} s |"
            f" {row['index_mb']:.1f} MB | {row['update_one_s']:.2f} s |"
            f" {row['query_ms']['p50']:.2f} ms | {row['query_ms']['p95']:.2f} ms |"
            f" {row['query_repeated_ms']['p95']:.2f} ms | {row['query_cpu_ms']['p50']:.2f} ms |"
            f" {row['query_cpu_ms']['p95']:.2f} ms |"
        )
    print(
        "\n| HTTP, 3,000 articles, 16 clients | requests | served/s | p50 | p95 | p99 | 5xx |"
        " server CPU/request |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for name, run in results["http_3000"].items():
        load = f"{run['offered_per_s']} req/s offered" if run["offered_per_s"] else "back to back"
        kind, backend = name.rsplit(" ", 1)
        print(
            f"| {kind} ({load}), --embeddings {backend} | {run['requests']} | {run['requests_per_s']:.0f} |"
            f" {run['latency_ms']['p50']:.2f} ms | {run['latency_ms']['p95']:.2f} ms |"
            f" {run['latency_ms']['p99']:.2f} ms | {run['server_errors']} |"
            f" {run['server_cpu_ms_per_request']} ms |"
        )


if __name__ == "__main__":
    sys.exit(main())
