"""How far can the gap analyser's similarity signal go? Upper bounds, chosen with the answers.

    python benchmarks/ceiling_gaps.py [--data ../shared/data/tickets]

Per dev case, ticket-level macro-F1 (covered vs uncovered, as in eval_gaps.py) of:

- own: flag a ticket when its best article score (cosine of TF-IDF words and stems to the
  article and its closest passage, as gaps.coverage scores it) is below a threshold;
- smoothed: the same after blending in the ticket's nearest tickets' scores, as the analyser does;
- meaning: closeness / standing: the embedding evidence gaps/analysis/meaning.py computes
  (closeness to the closest passage; closeness against the ticket's peers);
- perfect clusters: tickets grouped by their true label (no clustering error at all), each group
  flagged when the cosine of its centroid to the closest article, divided by the group's own
  cohesion (mean cosine of its tickets to the centroid), is below a threshold; and the same
  groups flagged by their mean standing by meaning. Only where the truth names the uncovered
  topics (clinc150).

Every threshold here is the best one for that case, picked with the truth, so each figure is a
ceiling no fixed threshold reaches on unseen data. They show where the remaining error lies: in
telling a paraphrase of an answered question from a question next to it, one ticket at a time,
or in grouping the tickets by the question they ask.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from eval_gaps import dev_cases, load_truth, ticket_scores  # noqa: E402


def best_macro_f1(values: list[float], ids: list[str], uncovered: set[str], covered: set[str]) -> tuple[float, float]:
    """Best macro-F1 over thresholds t of 'flag when value < t', and that t."""
    best = (0.0, 0.0)
    for threshold in sorted(set(values)) + [max(values) + 1.0]:
        flagged = {i for i, v in zip(ids, values) if v < threshold}
        score = ticket_scores(flagged, uncovered, covered)["macro_f1"]
        best = max(best, (score, threshold))
    return best


def case_ceilings(case) -> dict[str, tuple[float, float]]:
    import numpy as np
    from sklearn.preprocessing import normalize

    from supportkb.gaps.analysis.find import _vectorizer
    from supportkb.gaps.tickets.cleaning import clean_ticket
    from supportkb.gaps.analysis.cluster import nearest_neighbours
    from supportkb.gaps.analysis.coverage import NEIGHBOURS, CoverageModel, article_passages
    from supportkb.gaps.tickets.reader import ReadOptions, read_tickets
    from supportkb.generator.core.articles import load_articles

    labels, uncovered, covered, topics = load_truth(case.truth)
    tickets = [t for t in read_tickets(case.tickets, ReadOptions(text_columns=case.text_columns), clean=clean_ticket).tickets if t.text]
    articles = load_articles(case.kb).articles
    passages = article_passages(articles)
    vectorizer = _vectorizer()
    matrix = vectorizer.fit_transform([t.text for t in tickets] + [p.text for p in passages]).tocsr()
    vectors, passage_vectors = matrix[: len(tickets)], matrix[len(tickets) :]
    model = CoverageModel(articles, vectorizer, passages, passage_vectors=passage_vectors)
    own = model.article_scores(vectors)
    neighbours, similarities = nearest_neighbours(vectors, NEIGHBOURS)
    smoothed = model.smooth(own, neighbours, similarities)
    ids = [t.id for t in tickets]
    result = {
        "own": best_macro_f1(own.scores[:, 0].tolist(), ids, uncovered, covered),
        "smoothed": best_macro_f1(smoothed.scores[:, 0].tolist(), ids, uncovered, covered),
    }

    from supportkb.gaps.analysis.meaning import ticket_meaning
    from supportkb.generator.core.embeddings import load_embedder

    meaning = ticket_meaning(load_embedder("default"), [t.text for t in tickets], passages)
    result["meaning: closeness"] = best_macro_f1(meaning.closeness.tolist(), ids, uncovered, covered)
    result["meaning: standing"] = best_macro_f1(meaning.standing.tolist(), ids, uncovered, covered)
    if topics is None:
        return result  # Uncovered tickets have no finer label: there are no true clusters to form.
    owners = np.array([p.article for p in passages])
    article_vectors = normalize(np.vstack([np.asarray(passage_vectors[owners == a].sum(axis=0)) for a in range(len(articles))]))
    unit = normalize(vectors)
    groups: dict[str, list[int]] = defaultdict(list)
    for row, ticket in enumerate(tickets):
        groups[labels.get(ticket.id, "?")].append(row)
    group_values: list[float] = []
    group_ids: list[str] = []
    for rows in groups.values():
        centroid = np.asarray(unit[rows].mean(axis=0)).ravel()
        centroid /= np.linalg.norm(centroid) or 1.0
        cohesion = float(np.mean(unit[rows] @ centroid)) or 1.0
        closeness = float((article_vectors @ centroid).max())
        group_values += [closeness / cohesion] * len(rows)
        group_ids += [ids[r] for r in rows]
    result["perfect clusters"] = best_macro_f1(group_values, group_ids, uncovered, covered)
    standing_by_group = []
    for rows in groups.values():
        standing_by_group += [float(np.mean(meaning.standing[rows]))] * len(rows)
    result["perfect clusters, meaning"] = best_macro_f1(standing_by_group, group_ids, uncovered, covered)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data" / "tickets")
    args = parser.parse_args()
    cases = dev_cases(args.data)
    if not cases:
        print(f"no cases found under {args.data}", file=sys.stderr)
        return 1
    print(f"{'case':<20} {'signal':<26} {'best macroF1':>12} {'at':>7}")
    for case in cases:
        for signal, (score, threshold) in case_ceilings(case).items():
            print(f"{case.name:<20} {signal:<26} {score:>12.3f} {threshold:>7.3f}")
    print("\nEach threshold is the best for its case, picked with the truth: ceilings, not results.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
