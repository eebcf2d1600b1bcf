"""Accuracy of `kb stale` on the dev releases in ../shared/data/staleness/, beside a plain BM25 baseline.

For every release: unpack the docs as they were before it, run
`kb stale --kb DOCS --release notes.md --format json` (the real CLI, default settings), and score
the ranked "flagged" list:

- precision@k, k = number of truly changed pages (the recall truth below);
- recall@10 and its ceiling min(10, n)/n (a release that changed 27 pages cannot reach 1.0);
- set precision / recall / F1 of everything flagged (the threshold at work);
- hit@5: at least one true page in the top 5.

- hits@10 / min(k, 10): R@10 that a release with more than 10 changed pages can still reach 1.0 on.

Truth, as MANIFEST.md says: mkdocs-material recall against `marker_existing` (pages that gained a
section for the release; `diff` for 9.1.0, which has no markers), precision against `union`;
fastapi, telegraf and the cases under benchmarks/data/staleness/ against `pages`.

Three rankings of the same run: `kb stale` as shipped (hybrid: lexical signals fused with the
embedding backend), `kb stale --embeddings none` (lexical only) and the plain baseline.

Baseline: plain BM25 (k1 1.2, b 0.75, lower-case [a-z0-9]+ tokens, no stemming or stop words,
each page one document: title + body). Each note entry (its text and sub-bullets, every section
of the notes) is a query; a page's score is its best score over the entries; pages with a score
above 0 are ranked.

Run: python benchmarks/eval_staleness.py [--data DIR] [--threshold X] [--product NAME ...]
"""

from __future__ import annotations

import argparse
import json
import math
import re
import shutil
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
OWN_DATA = REPO / "benchmarks" / "data" / "staleness"
"""Dev cases built here (their README says how), scored beside the shared ones."""
PRODUCTS = ("mkdocs-material", "fastapi", "telegraf")


@dataclass(frozen=True)
class Case:
    product: str
    release: str
    notes: Path
    docs_archive: Path
    """docs.tar.gz, or a folder holding the docs as they are."""
    recall_truth: frozenset[str]
    precision_truth: frozenset[str]


@dataclass(frozen=True)
class Scores:
    precision_at_k: float
    recall_at_10: float
    hits_at_10: float
    """Hits in the top 10 / min(k, 10)."""
    hit_at_5: float
    flagged: int
    set_precision: float
    set_recall: float
    set_f1: float


def product_folders(data: Path) -> list[Path]:
    """The shared products, then every case under OWN_DATA."""
    folders = [data / product for product in PRODUCTS if (data / product).is_dir()]
    if OWN_DATA.is_dir():
        folders += sorted(path for path in OWN_DATA.iterdir() if path.is_dir())
    return folders


def load_cases(folders: list[Path]) -> list[Case]:
    cases = []
    for product_folder in folders:
        product = product_folder.name
        releases = [path for path in product_folder.iterdir() if (path / "truth.json").is_file()]
        for folder in sorted(releases, key=lambda p: tuple(int(x) for x in p.name.split("."))):
            truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
            if "pages" in truth:
                recall_truth = precision_truth = frozenset(truth["pages"])
            else:
                markers = frozenset(truth["marker_existing"])
                recall_truth = markers or frozenset(truth["diff"])
                precision_truth = frozenset(truth["union"]) if markers else frozenset(truth["diff"])
            archive = folder / "docs.tar.gz"
            docs = archive if archive.is_file() else product_folder / "docs"  # one snapshot for every release
            cases.append(Case(product, folder.name, folder / "notes.md", docs, recall_truth, precision_truth))
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
        hits_at_10=len(set(ranked[:10]) & case.recall_truth) / min(k, 10),
        hit_at_5=1.0 if set(ranked[:5]) & case.recall_truth else 0.0,
        flagged=flagged,
        set_precision=set_precision,
        set_recall=set_recall,
        set_f1=f1,
    )


def run_supportkb(docs: Path, notes: Path, threshold: float | None, *, embeddings: str | None = None) -> list[str]:
    args = ["stale", "--kb", str(docs), "--release", str(notes), "--format", "json"]
    if embeddings is not None:
        args += ["--embeddings", embeddings]
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


MODES = ("hybrid", "lexical", "bm25")
"""Columns: `kb stale` as shipped, `kb stale --embeddings none`, the plain baseline."""


def mean(rows: list[Scores], field: str) -> float:
    return sum(getattr(row, field) for row in rows) / len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--threshold", type=float, default=None, help="pass --threshold to kb stale")
    parser.add_argument("--product", action="append", help="only this product (repeatable)")
    options = parser.parse_args()
    folders = [f for f in product_folders(options.data) if not options.product or f.name in options.product]
    cases = load_cases(folders)
    products = list(dict.fromkeys(case.product for case in cases))
    header = (
        f"{'product':16} {'release':8} {'k':>3} {'ceil':>5} | {'flag':>4} {'P@k':>5} {'R@10':>5} {'h10':>5} {'hit5':>4} "
        f"{'setP':>5} {'setR':>5} {'F1':>5} | {'lex P@k':>7} {'R@10':>5} {'h10':>5} | {'bm25 P@k':>8} {'R@10':>5} {'h10':>5}"
    )
    print("kb stale (hybrid) vs --embeddings none (lexical) vs plain BM25, dev releases; k = number of truly changed pages")
    print("h10 = hits in the top 10 / min(k, 10)")
    print(header)
    print("-" * len(header))
    scores: dict[tuple[str, str], list[Scores]] = {(p, m): [] for p in products for m in MODES}
    ceilings: dict[str, list[float]] = {p: [] for p in products}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="kb-eval-") as temp:
        for case in cases:
            target = Path(temp) / case.product / case.release
            target.mkdir(parents=True)
            if case.docs_archive.is_dir():
                shutil.copytree(case.docs_archive, target / "docs")
            else:
                with tarfile.open(case.docs_archive) as archive:
                    archive.extractall(target, filter="data")
            docs = target / "docs"
            rankings = {
                "hybrid": run_supportkb(docs, case.notes, options.threshold),
                "lexical": run_supportkb(docs, case.notes, options.threshold, embeddings="none"),
                "bm25": run_bm25(docs, case.notes),
            }
            row = {mode: score(ranked, len(ranked), case) for mode, ranked in rankings.items()}
            for mode, value in row.items():
                scores[(case.product, mode)].append(value)
            n = len(case.recall_truth)
            ceiling = min(10, n) / n
            ceilings[case.product].append(ceiling)
            mine, lex, theirs = row["hybrid"], row["lexical"], row["bm25"]
            print(
                f"{case.product:16} {case.release:8} {n:3} {ceiling:5.2f} | {mine.flagged:4} {mine.precision_at_k:5.2f} "
                f"{mine.recall_at_10:5.2f} {mine.hits_at_10:5.2f} {mine.hit_at_5:4.0f} {mine.set_precision:5.2f} "
                f"{mine.set_recall:5.2f} {mine.set_f1:5.2f} | {lex.precision_at_k:7.2f} {lex.recall_at_10:5.2f} "
                f"{lex.hits_at_10:5.2f} | {theirs.precision_at_k:8.2f} {theirs.recall_at_10:5.2f} {theirs.hits_at_10:5.2f}"
            )
    print("-" * len(header))
    for product in products:
        mine_rows, lex_rows, base_rows = (scores[(product, mode)] for mode in MODES)
        print(
            f"{'MACRO ' + product[:18]:25} {sum(ceilings[product]) / len(ceilings[product]):5.2f} | "
            f"{mean(mine_rows, 'flagged'):4.0f} {mean(mine_rows, 'precision_at_k'):5.2f} {mean(mine_rows, 'recall_at_10'):5.2f} "
            f"{mean(mine_rows, 'hits_at_10'):5.2f} {mean(mine_rows, 'hit_at_5'):4.2f} {mean(mine_rows, 'set_precision'):5.2f} "
            f"{mean(mine_rows, 'set_recall'):5.2f} {mean(mine_rows, 'set_f1'):5.2f} | {mean(lex_rows, 'precision_at_k'):7.2f} "
            f"{mean(lex_rows, 'recall_at_10'):5.2f} {mean(lex_rows, 'hits_at_10'):5.2f} | {mean(base_rows, 'precision_at_k'):8.2f} "
            f"{mean(base_rows, 'recall_at_10'):5.2f} {mean(base_rows, 'hits_at_10'):5.2f}"
        )
    print(f"({len(cases)} releases in {time.perf_counter() - started:.1f} s; ceil = best reachable recall@10)")


if __name__ == "__main__":
    main()
