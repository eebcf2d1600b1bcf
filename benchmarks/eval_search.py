"""Relevance of `kb search`: hybrid (words + meaning), lexical only and a plain BM25, same run.

    python benchmarks/eval_search.py [--data ../shared/data] [--embeddings default]

Per dev set, runs the real batch contract (`kb search --kb DIR --batch QUERIES --json`) in a
subprocess twice: with the embedding backend (hybrid) and with `--embeddings none` (lexical only,
today's ranking), and scores the MANIFEST's reference BM25 (k1=1.2, b=0.75, lower-case [a-z0-9]+
tokens, no stemming or stop words, document = the article body) on the same articles. Also scores,
in-process, the same hybrid with reciprocal rank fusion instead of normalised score fusion.

Sets: StackFAQ dev (its queries), and the covered tickets of clinc150 and hint3-sofmattress as
queries (query = the ticket's subject, expected = its intent's article): short, real-user
phrasings. StackFAQ also reports each half of its queries as a check against over-tuning.
"""

from __future__ import annotations

import argparse
import collections
import csv
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
DEFAULT_DATA = REPO.parent / "shared" / "data"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--data", type=Path, default=DEFAULT_DATA, help="the shared data folder (MANIFEST.md)"
    )
    parser.add_argument(
        "--embeddings", default="default", help="backend for the hybrid rows (default: default)"
    )
    parser.add_argument(
        "--sets",
        default="stackfaq,clinc150,hint3",
        help="comma-separated: stackfaq, clinc150, hint3",
    )
    parser.add_argument("--no-rrf", action="store_true", help="skip the in-process RRF row")
    args = parser.parse_args(argv)
    wanted = {name.strip() for name in args.sets.split(",")}
    with tempfile.TemporaryDirectory(prefix="kb-eval-queries-") as scratch:
        for name, kb_dir, queries in dev_sets(args.data, Path(scratch)):
            if not any(name.startswith(prefix) for prefix in wanted):
                continue
            evaluate(name, kb_dir, queries, args.embeddings, rrf=not args.no_rrf)
    return 0


def dev_sets(data: Path, scratch: Path):  # type: ignore[no-untyped-def]
    """(name, kb folder, queries file) of every dev set; ticket sets are written to scratch."""
    stackfaq = data / "search" / "stackfaq"
    if stackfaq.is_dir():
        yield "stackfaq", stackfaq, stackfaq / "queries-dev.jsonl"
    for name in ("clinc150", "hint3-sofmattress"):
        base = data / "tickets" / name
        if not base.is_dir():
            continue
        truth = json.loads((base / "truth.json").read_text(encoding="utf-8"))
        covered = set(truth["covered_intents"])
        article_of = truth.get("intent_article", {})
        lines = []
        with open(base / "tickets.csv", encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                label = truth["labels"].get(row["id"])
                if label in covered:
                    expected = [article_of.get(label, label)]
                    lines.append(json.dumps({"query": row["subject"], "expected": expected}))
        queries = scratch / f"{name}-covered.jsonl"
        queries.write_text("\n".join(lines) + "\n", encoding="utf-8")
        yield f"{name} covered tickets", base, queries


def evaluate(name: str, kb_dir: Path, queries_file: Path, embeddings: str, *, rrf: bool) -> None:
    queries = [
        json.loads(line)
        for line in queries_file.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    expected = [set(q["expected"]) for q in queries]
    ids = lambda lines: [[r["id"] for r in line["results"]] for line in lines]  # noqa: E731
    hybrid = ids(run_kb_search(kb_dir, queries_file, embeddings))
    lexical = ids(run_kb_search(kb_dir, queries_file, "none"))
    baseline = bm25_rankings(kb_dir / "articles", [q["query"] for q in queries])
    rows = [
        ("plain BM25 (MANIFEST settings)", baseline),
        ("supportkb lexical (--embeddings none)", lexical),
        (f"supportkb hybrid (--embeddings {embeddings})", hybrid),
    ]
    if rrf:
        rows.append(("hybrid with RRF k=60 (in-process)", rrf_rankings(kb_dir, queries, embeddings)))
    print(f"{name}: {kb_dir} ({len(queries)} queries)")
    print()
    print_table(rows, expected)
    print()
    if name == "stackfaq":
        print("Halves of the query file (lines 1, 3, 5, ... and 2, 4, 6, ...):")
        half_rows = []
        halves_expected = {}
        for label, rankings in rows[1:3]:
            short = label.split(" (")[0]
            for half, start in (("odd", 0), ("even", 1)):
                half_rows.append((f"{short}, {half} lines", rankings[start::2]))
                halves_expected[f"{short}, {half} lines"] = expected[start::2]
        print_table(half_rows, halves_expected)
        print()
        print(
            "plain BM25 full-rank MRR (the MANIFEST's 0.783): "
            f"{mrr(baseline, expected, cutoff=None):.3f}"
        )
        print()


def rrf_rankings(kb_dir: Path, queries: Sequence[dict], embeddings: str) -> list[list[str]]:
    """The same hybrid index, fused by reciprocal rank instead (for the comparison row)."""
    sys.path.insert(0, str(REPO))
    from supportkb.generator.core import fusion
    from supportkb.generator.core.articles import load_articles
    from supportkb.generator.core.embeddings import load_embedder
    from supportkb.search import engine
    from supportkb.search.engine import SearchIndex

    def by_rank(lexical, semantic, **_):  # type: ignore[no-untyped-def]
        return fusion.reciprocal_rank_fusion(
            [sorted(lexical, key=lambda k: -lexical[k]), sorted(semantic, key=lambda k: -semantic[k])]
        )

    articles = load_articles(kb_dir / "articles").articles
    index = SearchIndex.build(articles, embedder=load_embedder(embeddings))
    original = engine.fuse_lexical_semantic
    engine.fuse_lexical_semantic = by_rank  # type: ignore[assignment]
    try:
        return [[hit.article_id for hit in index.search(q["query"], limit=10)] for q in queries]
    finally:
        engine.fuse_lexical_semantic = original  # type: ignore[assignment]


def run_kb_search(data: Path, queries_file: Path, embeddings: str) -> list[dict]:
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
            "--embeddings",
            embeddings,
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
