"""Accuracy of `kb stale` on the dev releases in ../shared/data/staleness/, beside a plain BM25 baseline.

For every release: unpack the docs as they were before it, run
`kb stale --kb DOCS --release notes.md --format json` (the real CLI, default settings), and score
the ranked "flagged" list:

- precision@k, k = number of truly changed pages (the recall truth below);
- recall@10 and its ceiling min(10, n)/n (a release that changed 27 pages cannot reach 1.0);
- set precision / recall / F1 of everything flagged (the threshold at work);
- hit@5: at least one true page in the top 5.

Truth, as MANIFEST.md says: mkdocs-material recall against `marker_existing` (pages that gained a
section for the release; `diff` for 9.1.0, which has no markers), precision against `union`;
fastapi against `pages`.

Baseline: plain BM25 (k1 1.2, b 0.75, lower-case [a-z0-9]+ tokens, no stemming or stop words,
each page one document: title + body). Each note entry (its text and sub-bullets, every section
of the notes) is a query; a page's score is its best score over the entries; pages with a score
above 0 are ranked.

Run: python benchmarks/eval_staleness.py [--data DIR] [--threshold X]
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import tarfile
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from click.testing import CliRunner  # noqa: E402

from supportkb.generator.core.articles import load_articles  # noqa: E402
from supportkb.cli import main as kb  # noqa: E402
from supportkb.gaps.staleness.notes import pick_release, read_release_notes  # noqa: E402

DEFAULT_DATA = REPO.parent / "shared" / "data" / "staleness"
PRODUCTS = ("mkdocs-material", "fastapi")


@dataclass(frozen=True)
class Case:
    product: str
    release: str
    notes: Path
    docs_archive: Path
    recall_truth: frozenset[str]
    precision_truth: frozenset[str]


@dataclass(frozen=True)
class Scores:
    precision_at_k: float
    recall_at_10: float
    hit_at_5: float
    flagged: int
    set_precision: float
    set_recall: float
    set_f1: float


def load_cases(data: Path) -> list[Case]:
    cases = []
    for product in PRODUCTS:
        folders = sorted((data / product).iterdir(), key=lambda p: tuple(int(x) for x in p.name.split(".")))
        for folder in folders:
            truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
            if product == "fastapi":
                recall_truth = precision_truth = frozenset(truth["pages"])
            else:
                markers = frozenset(truth["marker_existing"])
                recall_truth = markers or frozenset(truth["diff"])
                precision_truth = frozenset(truth["union"]) if markers else frozenset(truth["diff"])
            cases.append(Case(product, folder.name, folder / "notes.md", folder / "docs.tar.gz", recall_truth, precision_truth))
    return cases


def score(ranked: list[str], flagged: int, case: Case) -> Scores:
    k = len(case.recall_truth)
    top_k = set(ranked[:k])
    chosen = set(ranked[:flagged])
    set_precision = len(chosen & case.precision_truth) / len(chosen) if chosen else 0.0
    set_recall = len(chosen & case.recall_truth) / k
    f1 = 2 * set_precision * set_recall / (set_precision + set_recall) if set_precision + set_recall else 0.0
    return Scores(
        precision_at_k=len(top_k & case.precision_truth) / k,
        recall_at_10=len(set(ranked[:10]) & case.recall_truth) / k,
        hit_at_5=1.0 if set(ranked[:5]) & case.recall_truth else 0.0,
        flagged=flagged,
        set_precision=set_precision,
        set_recall=set_recall,
        set_f1=f1,
    )


def run_supportkb(docs: Path, notes: Path, threshold: float | None) -> list[str]:
    args = ["stale", "--kb", str(docs), "--release", str(notes), "--format", "json"]
    if threshold is not None:
        args += ["--threshold", str(threshold)]
    result = CliRunner().invoke(kb, args, catch_exceptions=False)
    if result.exit_code != 0:
        raise SystemExit(f"kb stale failed on {notes}:\n{result.output}")
    report = json.loads(result.stdout)
    return [item["path"] for item in report["flagged"]]


_TOKEN = re.compile(r"[a-z0-9]+")


def run_bm25(docs: Path, notes: Path, *, k1: float = 1.2, b: float = 0.75) -> list[str]:
    """The baseline described in the module docstring."""
    articles = load_articles(docs).articles
    release = pick_release(read_release_notes(notes), None, source=str(notes))
    pages = {str(a.path): Counter(_TOKEN.findall(f"{a.title}\n{a.body}".lower())) for a in articles}
    lengths = {path: sum(counts.values()) for path, counts in pages.items()}
    average = sum(lengths.values()) / max(len(lengths), 1)
    document_frequency: Counter[str] = Counter()
    for counts in pages.values():
        document_frequency.update(counts.keys())
    n = len(pages)
    idf = {term: math.log(1 + (n - df + 0.5) / (df + 0.5)) for term, df in document_frequency.items()}
    best: dict[str, float] = {}
    for entry in release.entries:
        query = set(_TOKEN.findall(f"{entry.text} {entry.details}".lower()))
        for path, counts in pages.items():
            total = 0.0
            for term in query:
                tf = counts.get(term)
                if tf:
                    total += idf[term] * tf * (k1 + 1) / (tf + k1 * (1 - b + b * lengths[path] / average))
            if total > best.get(path, 0.0):
                best[path] = total
    return [path for path, value in sorted(best.items(), key=lambda kv: (-kv[1], kv[0])) if value > 0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--threshold", type=float, default=None, help="pass --threshold to kb stale")
    options = parser.parse_args()
    cases = load_cases(options.data)
    header = (
        f"{'product':16} {'release':8} {'k':>3} {'ceil':>5} | {'flag':>4} {'P@k':>5} {'R@10':>5} {'hit5':>4} "
        f"{'setP':>5} {'setR':>5} {'F1':>5} | {'bm25 P@k':>8} {'R@10':>5} {'hit5':>4}"
    )
    print("kb stale (supportkb) vs plain BM25, dev releases; k = number of truly changed pages")
    print(header)
    print("-" * len(header))
    ours: dict[str, list[Scores]] = {p: [] for p in PRODUCTS}
    base: dict[str, list[Scores]] = {p: [] for p in PRODUCTS}
    ceilings: dict[str, list[float]] = {p: [] for p in PRODUCTS}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="kb-eval-") as temp:
        for case in cases:
            target = Path(temp) / case.product / case.release
            target.mkdir(parents=True)
            with tarfile.open(case.docs_archive) as archive:
                archive.extractall(target, filter="data")
            docs = target / "docs"
            ranked = run_supportkb(docs, case.notes, options.threshold)
            mine = score(ranked, len(ranked), case)
            baseline_ranked = run_bm25(docs, case.notes)
            theirs = score(baseline_ranked, len(baseline_ranked), case)
            n = len(case.recall_truth)
            ceiling = min(10, n) / n
            ours[case.product].append(mine)
            base[case.product].append(theirs)
            ceilings[case.product].append(ceiling)
            print(
                f"{case.product:16} {case.release:8} {n:3} {ceiling:5.2f} | {mine.flagged:4} {mine.precision_at_k:5.2f} "
                f"{mine.recall_at_10:5.2f} {mine.hit_at_5:4.0f} {mine.set_precision:5.2f} {mine.set_recall:5.2f} "
                f"{mine.set_f1:5.2f} | {theirs.precision_at_k:8.2f} {theirs.recall_at_10:5.2f} {theirs.hit_at_5:4.0f}"
            )
    print("-" * len(header))
    for product in PRODUCTS:
        mine_rows, base_rows = ours[product], base[product]

        def mean(rows: list[Scores], field: str) -> float:
            return sum(getattr(row, field) for row in rows) / len(rows)

        print(
            f"{'MACRO ' + product:25} {sum(ceilings[product]) / len(ceilings[product]):5.2f} | "
            f"{mean(mine_rows, 'flagged'):4.0f} {mean(mine_rows, 'precision_at_k'):5.2f} {mean(mine_rows, 'recall_at_10'):5.2f} "
            f"{mean(mine_rows, 'hit_at_5'):4.2f} {mean(mine_rows, 'set_precision'):5.2f} {mean(mine_rows, 'set_recall'):5.2f} "
            f"{mean(mine_rows, 'set_f1'):5.2f} | {mean(base_rows, 'precision_at_k'):8.2f} {mean(base_rows, 'recall_at_10'):5.2f} "
            f"{mean(base_rows, 'hit_at_5'):4.2f}"
        )
    print(f"({len(cases)} releases in {time.perf_counter() - started:.1f} s; ceil = best reachable recall@10)")


if __name__ == "__main__":
    main()
