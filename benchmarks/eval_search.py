"""Relevance of `kb search` on the StackFAQ dev set, next to a plain BM25 baseline.

    python benchmarks/eval_search.py [--data ../shared/data/search/stackfaq]

Runs the real batch contract (`kb search --kb DIR --batch QUERIES --json`) in a subprocess,
scores it, and scores the MANIFEST's reference BM25 (k1=1.2, b=0.75, lower-case [a-z0-9]+
tokens, no stemming or stop words, document = question + answers) on the same articles.
Also reports each half of the queries (odd and even lines) as a check against over-tuning.
"""

from __future__ import annotations

import argparse
import collections
import json
import math
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO.parent / "shared" / "data" / "search" / "stackfaq"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--data",
        type=Path,
        default=DEFAULT_DATA,
        help="folder with articles/ and queries-dev.jsonl",
    )
    parser.add_argument(
        "--queries", type=Path, help="queries file (default: DATA/queries-dev.jsonl)"
    )
    args = parser.parse_args(argv)
    queries_file = args.queries or args.data / "queries-dev.jsonl"
    queries = [
        json.loads(line)
        for line in queries_file.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    expected = [set(q["expected"]) for q in queries]

    ours = run_kb_search(args.data, queries_file)
    ours_ids = [[result["id"] for result in line["results"]] for line in ours]
    baseline_ids = bm25_rankings(args.data / "articles", [q["query"] for q in queries])

    print(f"StackFAQ dev: {queries_file} ({len(queries)} queries)")
    print()
    rows = [
        ("supportkb (kb search --batch)", ours_ids),
        ("plain BM25 (MANIFEST settings)", baseline_ids),
    ]
    print_table(rows, expected)
    print()
    print("Halves of the query file (lines 1, 3, 5, ... and 2, 4, 6, ...):")
    half_rows = []
    for name, rankings in rows:
        short = name.split(" (")[0]
        half_rows.append((f"{short}, odd lines", rankings[0::2]))
        half_rows.append((f"{short}, even lines", rankings[1::2]))
    halves_expected = {
        f"{name.split(' (')[0]}, {half} lines": expected[start::2]
        for name, _ in rows
        for half, start in (("odd", 0), ("even", 1))
    }
    print_table(half_rows, halves_expected)
    print()
    print(
        "plain BM25 full-rank MRR (the MANIFEST's 0.783): "
        f"{mrr(baseline_ids, expected, cutoff=None):.3f}"
    )
    return 0


def run_kb_search(data: Path, queries_file: Path) -> list[dict]:
    """The batch contract, run exactly as the evaluation harness runs it."""
    with tempfile.TemporaryDirectory(prefix="kb-eval-") as cache:
        env = dict(os.environ, XDG_CACHE_HOME=cache)
        command = [
            sys.executable,
            "-m",
            "supportkb",
            "search",
            "--kb",
            str(data),
            "--batch",
            str(queries_file),
            "--json",
        ]
        done = subprocess.run(
            command, capture_output=True, text=True, env=env, cwd=REPO, check=False
        )
    if done.returncode != 0:
        sys.exit(f"kb search failed ({done.returncode}):\n{done.stderr}")
    return [json.loads(line) for line in done.stdout.splitlines()]


def bm25_rankings(
    articles_dir: Path, queries: Sequence[str], *, k1: float = 1.2, b: float = 0.75
) -> list[list[str]]:
    """Plain Okapi BM25 over question + answers; the reference the MANIFEST reports."""
    sys.path.insert(0, str(REPO))
    from supportkb.generator.core.articles import load_articles

    def tokens(text: str) -> list[str]:
        return re.findall(r"[a-z0-9]+", text.lower())

    docs = {article.id: tokens(article.body) for article in load_articles(articles_dir).articles}
    count = len(docs)
    average = sum(len(d) for d in docs.values()) / count
    frequencies = {doc_id: collections.Counter(words) for doc_id, words in docs.items()}
    df: collections.Counter[str] = collections.Counter()
    for words in docs.values():
        df.update(set(words))
    rankings = []
    for query in queries:
        scores: dict[str, float] = {}
        for doc_id, tf in frequencies.items():
            norm = k1 * (1 - b + b * len(docs[doc_id]) / average)
            score = 0.0
            for term in tokens(query):
                if term in tf:
                    idf = math.log(1 + (count - df[term] + 0.5) / (df[term] + 0.5))
                    score += idf * tf[term] * (k1 + 1) / (tf[term] + norm)
            scores[doc_id] = score
        rankings.append(sorted(scores, key=lambda d: (-scores[d], d)))
    return rankings


def rank_of(ranking: Sequence[str], wanted: set[str]) -> int | None:
    for position, doc_id in enumerate(ranking, start=1):
        if doc_id in wanted:
            return position
    return None


def mrr(
    rankings: Sequence[Sequence[str]], expected: Sequence[set[str]], *, cutoff: int | None = 10
) -> float:
    total = 0.0
    for ranking, wanted in zip(rankings, expected):
        rank = rank_of(ranking[:cutoff] if cutoff else ranking, wanted)
        total += 1 / rank if rank else 0.0
    return total / len(rankings)


def recall(rankings: Sequence[Sequence[str]], expected: Sequence[set[str]], k: int) -> float:
    return sum(1 for r, w in zip(rankings, expected) if rank_of(r[:k], w)) / len(rankings)


def print_table(
    rows: Sequence[tuple[str, Sequence[Sequence[str]]]], expected: Sequence[set[str]] | dict
) -> None:
    width = max(len(name) for name, _ in rows)
    print(f"{'system':<{width}} | MRR@10 | R@1   | R@5   | n")
    print(f"{'-' * width}-|--------|-------|-------|----")
    for name, rankings in rows:
        wanted = expected[name] if isinstance(expected, dict) else expected
        print(
            f"{name:<{width}} | {mrr(rankings, wanted):.3f}  | {recall(rankings, wanted, 1):.3f} |"
            f" {recall(rankings, wanted, 5):.3f} | {len(rankings)}"
        )


if __name__ == "__main__":
    sys.exit(main())
