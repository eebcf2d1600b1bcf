"""Find the gaps: tickets -> coverage per ticket -> clusters -> taxonomy -> ranked report data."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from supportkb.gaps.analysis.cluster import DISTANCE_THRESHOLD, cluster_rows, nearest_neighbours
from supportkb.gaps.analysis.coverage import (
    COVERED_SCORE,
    NEIGHBOURS,
    PARTIAL_SCORE,
    Coverage,
    CoverageModel,
    TicketMatch,
    article_passages,
    shared_terms,
    surface_words,
    ticket_analyzer,
)
from supportkb.gaps.analysis.decisions import Decision, DecisionMatch, DecisionsFile, match_decisions
from supportkb.gaps.analysis.meaning import STRONG_CLOSENESS, TicketMeaning, closest_by_meaning, ticket_meaning
from supportkb.gaps.analysis.phrasings import ArticlePhrasings, propose_for_articles
from supportkb.gaps.analysis.taxonomy import Taxonomy, classify_cluster, severity_of_cluster
from supportkb.generator.core.text import words

if TYPE_CHECKING:
    from supportkb.gaps.tickets.reader import Ticket, TicketImport
    from supportkb.generator.core.embeddings import Embedder
    from supportkb.generator.core.articles import Article
    from supportkb.generator.core.categories import Category

COVERAGE_ORDER: dict[str, int] = {"uncovered": 0, "partial": 1, "covered": 2}
GROWTH_WINDOW_DAYS = 28


@dataclass(frozen=True)
class GapOptions:
    """Knobs of the analysis; the defaults are meant to work for any help center."""

    min_cluster_size: int | None = None
    """Smallest group that counts as recurring; None: auto_min_cluster_size."""
    distance_threshold: float = DISTANCE_THRESHOLD
    include_covered: bool = True
    """Report clusters of answered questions too (they rank after the gaps)."""
    long_tail: bool = True
    """Gather uncovered tickets that fit no cluster into one 'long tail' entry, listed last."""


@dataclass(frozen=True)
class ArticleRef:
    """The article closest to a cluster, and why."""

    path: str
    """Relative to the knowledge-base folder, '/'-separated."""
    title: str
    score: float
    """Mean best-passage similarity (0-1) of the cluster's tickets to this article."""
    matched_terms: tuple[str, ...] = ()
    passage: str = ""
    """The article passage that matched the cluster's tickets best."""
    section: str = ""
    url: str = ""
    is_internal: bool = False
    search_rank: int | None = None
    """Where the search engine ranks this article for the cluster's label (1 = top)."""


@dataclass(frozen=True)
class SampleTicket:
    """A ticket shown as an example of its cluster (cleaned and masked)."""

    id: str
    text: str
    created: dt.date | None = None


@dataclass(frozen=True)
class Cluster:
    """A recurring question: who asked, when, and whether the knowledge base answers it."""

    label: str
    size: int
    ticket_ids: tuple[str, ...]
    coverage: Coverage
    best_article: ArticleRef | None
    case_type: str
    product_area: str
    severity: str
    first_seen: dt.date | None
    last_seen: dt.date | None
    weekly_counts: tuple[tuple[str, int], ...]
    """(Monday of the week as YYYY-MM-DD, tickets) for every week of the export's period."""
    representatives: tuple[SampleTicket, ...]
    questions: tuple[str, ...]
    """Distinct phrasings of the question, in customers' words."""
    top_terms: tuple[str, ...]
    recent: int
    """Tickets in the last four weeks of the export."""
    earlier: int
    """Tickets in the four weeks before those."""
    growth: float
    """(recent - earlier) / max(earlier, 1)."""
    priority_score: float
    """Ranking key within a coverage level: size x (1 + growth / 2), growth capped to [-1, 2]."""
    case_type_reason: str = ""
    product_area_reason: str = ""
    coverage_reason: str = ""
    agreement: float = 0.0
    """Share of the tickets whose closest article is best_article."""
    is_long_tail: bool = False
    """The catch-all of one-off uncovered tickets, not a recurring question."""
    not_a_question: bool = False
    """Most tickets only thank, test or auto-reply: listed last, never drafted."""
    missing_terms: tuple[str, ...] = ()
    """Terms (stems) most of the tickets use that no article contains."""
    decision: Decision | None = None
    """The writer's decision (kb/gaps-decisions.yml) this cluster follows, if any."""


@dataclass(frozen=True)
class GapReport:
    """Everything the reports show."""

    source: str
    source_format: str
    tickets_read: int
    tickets_skipped: int
    skipped: tuple[tuple[int, str], ...]
    """(line, reason) of each skipped row."""
    warnings: tuple[str, ...]
    kb_root: str
    articles: int
    clusters: tuple[Cluster, ...]
    ticket_coverage: dict[str, int] = field(default_factory=dict)
    """Tickets per coverage level, before clustering."""
    unclustered: int = 0
    """Tickets in no cluster (one-off questions, or empty after cleaning)."""
    period: tuple[dt.date | None, dt.date | None] = (None, None)
    generated_at: str = ""
    min_cluster_size: int = 3
    linked_tickets: int = 0
    """Tickets answered, by their own or an agent's link, with an article (see linked.py)."""
    decisions_file: str = ""
    decisions_applied: int = 0
    decisions_unmatched: tuple[DecisionMatch, ...] = ()
    """Writers' decisions that match no cluster of this run, and why."""
    proposed_questions: tuple[ArticlePhrasings, ...] = ()
    """Per article, customers' phrasings of the questions it answers (for `questions:`; not in the JSON)."""

    def by(self, key: str) -> list[tuple[str, dict[str, int]]]:
        """Tickets in clusters per value of `key` (case_type, product_area, severity), by coverage."""
        table: dict[str, dict[str, int]] = {}
        for cluster in self.clusters:
            row = table.setdefault(getattr(cluster, key), {"uncovered": 0, "partial": 0, "covered": 0, "total": 0})
            row[cluster.coverage] += cluster.size
            row["total"] += cluster.size
        return sorted(table.items(), key=lambda item: (-item[1]["total"], item[0]))


@dataclass
class _Context:
    """What describing a cluster needs from the whole analysis."""

    tickets: Sequence[Ticket]
    members_of: list[list[int]]
    """Unique-text row -> indices of the tickets with that text."""
    matches: list[TicketMatch]
    vectors: Any
    feature_names: Any
    kb_terms: Any
    """Boolean per feature: the term occurs somewhere in the knowledge base."""
    plain_terms: Any
    """Boolean per feature: a stop word or a mask such as [email], never a topic."""
    articles: Sequence[Article]
    passages: Sequence[Any]
    taxonomy: Taxonomy
    weeks: list[dt.date]
    end: dt.date | None
    search: Any
    analyzer: Any = None
    """The vectorizer's analyser (its .stems maps words to stems)."""
    linked: dict[int, int] = field(default_factory=dict)
    """Unique-text row -> the article an agent linked in answer to it."""
    meaning: TicketMeaning | None = None
    """Evidence by meaning (None: --embeddings none, words only)."""
    _term_index: dict[str, int] = field(default_factory=dict)

    def term_index(self) -> dict[str, int]:
        """Feature name -> column of the ticket vectors (built on first use)."""
        if not self._term_index and len(self.feature_names):
            self._term_index.update((str(name), i) for i, name in enumerate(self.feature_names))
        return self._term_index


DEFINING_SHARE = 0.7
"""A term in at least this share of a cluster's tickets defines it."""
TOPICAL_TERMS = 2
"""A missing term must be among the cluster's top terms to make it uncovered."""
MASK_TERMS = frozenset({"email", "phone", "card", "token"})


def auto_min_cluster_size(tickets: int) -> int:
    """3 tickets, or 0.15% of the export when that is more (at most 25)."""
    return max(3, min(25, round(tickets * 0.0015)))


def _week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _vectorizer() -> Any:
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(analyzer=ticket_analyzer(), sublinear_tf=True, dtype=np.float32)


def find_gaps(
    imported: TicketImport,
    articles: Sequence[Article],
    *,
    kb_root: Path | str = "",
    categories: Sequence[Category] = (),
    options: GapOptions = GapOptions(),
    search: Any = None,
    now: dt.datetime | None = None,
    on_stage: Callable[[str], None] | None = None,
    decisions: DecisionsFile | None = None,
    embedder: Embedder | None = None,
) -> GapReport:
    """Match every ticket against the articles, cluster the recurring questions, rank the gaps.

    search: a search.engine.SearchIndex over the same articles, used as a second opinion on each
    cluster's best article (its rank for the cluster's label).
    decisions: writers' decisions (load_decisions), applied to the clusters they match.
    embedder: judge coverage and cluster by meaning too (generator/core/embeddings.py); None:
    by words only.
    """
    import numpy as np

    stage = on_stage or (lambda _message: None)
    tickets = imported.tickets
    texts: dict[str, int] = {}
    ticket_row: list[int] = []
    for ticket in tickets:
        key = " ".join(ticket.text.lower().split())
        ticket_row.append(texts.setdefault(key, len(texts)) if key else -1)
    unique_texts = list(texts)
    linked = _linked_rows(tickets, ticket_row, articles)
    passages = article_passages(articles, _customer_words(tickets, ticket_row, linked))
    stage(f"Matching {len(tickets):,} tickets ({len(unique_texts):,} distinct) against {len(articles)} articles")
    vectorizer = _vectorizer()
    vectors: Any = None
    model: CoverageModel | None = None
    if unique_texts or passages:
        # One pass of the analyser over tickets and passages; IDF comes from both.
        everything = vectorizer.fit_transform(unique_texts + [p.text for p in passages]).tocsr()
        vectors = everything[: len(unique_texts)]
        if passages:
            model = CoverageModel(articles, vectorizer, passages, passage_vectors=everything[len(unique_texts) :])
    if model is not None and vectors is not None and len(unique_texts):
        neighbours, similarities = nearest_neighbours(vectors, NEIGHBOURS)
        matches = model.match(vectors, neighbours=neighbours, similarities=similarities)
    else:
        matches = [TicketMatch("uncovered", None, 0.0)] * len(unique_texts)
    meaning: TicketMeaning | None = None
    if embedder is not None and unique_texts and passages:
        stage(f"Embedding {len(unique_texts):,} tickets and {len(passages):,} passages ({embedder.name})")
        meaning = ticket_meaning(embedder, unique_texts, passages)
        matches = _fuse_matches(matches, meaning, articles)
    matches = _answered_by_links(matches, linked, articles, passages)
    ticket_coverage = Counter(matches[row].coverage for row in ticket_row if row >= 0)

    members_of: list[list[int]] = [[] for _ in unique_texts]
    for index, row in enumerate(ticket_row):
        if row >= 0:
            members_of[row].append(index)
    min_size = options.min_cluster_size or auto_min_cluster_size(len(tickets))

    dated = [t.created.date() for t in tickets if t.created is not None]
    period = (min(dated), max(dated)) if dated else (None, None)
    weeks = _all_weeks(*period)
    feature_names = np.asarray(vectorizer.get_feature_names_out()) if unique_texts else np.asarray([])
    context = _Context(
        tickets=tickets, members_of=members_of, matches=matches, vectors=vectors, feature_names=feature_names,
        kb_terms=model.known_terms() if model is not None else np.zeros(len(feature_names), dtype=bool),
        plain_terms=_plain_terms(feature_names), articles=articles, passages=passages,
        taxonomy=Taxonomy.from_articles(articles, categories), weeks=weeks, end=period[1], search=search,
        analyzer=vectorizer.analyzer, linked=linked, meaning=meaning,
    )
    if meaning is not None:
        _demote_novel_questions(matches, meaning, context, min_size)
        ticket_coverage = Counter(matches[row].coverage for row in ticket_row if row >= 0)
    groups: list[tuple[Coverage, list[int]]] = []  # Rows of unique texts.
    long_tail: list[int] = []
    partial_groups: list[list[int]] = []
    levels: tuple[Coverage, ...] = ("uncovered", "partial")
    for level in levels if vectors is not None else ():
        rows = [r for r, m in enumerate(matches) if m.coverage == level]
        if not rows:
            continue
        stage(f"Clustering {sum(len(members_of[r]) for r in rows):,} {level} tickets")
        if meaning is not None:  # Cluster on meaning: near-twins that share words stay apart.
            grouping = cluster_rows(meaning.vectors[rows], min_size=1, threshold=meaning.cluster_distance)
        else:
            grouping = cluster_rows(vectors[rows], min_size=1, threshold=options.distance_threshold)
        for group in grouping.groups:
            member_rows = [rows[i] for i in group]
            if level == "partial":
                partial_groups.append(member_rows)
            elif sum(len(members_of[r]) for r in member_rows) >= min_size:
                groups.append((level, member_rows))
            else:
                long_tail.extend(member_rows)
    by_article: dict[int, list[int]] = {}
    for row, match in enumerate(matches):
        if match.coverage == "covered" and match.article is not None:
            by_article.setdefault(match.article, []).append(row)
    merged = _merge_answered(
        partial_groups, by_article, matches, members_of, vectors, is_novel=lambda rows: bool(_novel_terms(rows, context))
    )
    for merged_level, rows in merged:
        if merged_level == "partial" and _novel_terms(rows, context):
            merged_level = "uncovered"  # Asks about something no article mentions (see _describe).
        if sum(len(members_of[r]) for r in rows) >= min_size and (merged_level != "covered" or options.include_covered):
            groups.append((merged_level, rows))

    groups = _merge_duplicates(groups, members_of, vectors)
    stage(f"Describing {len(groups)} clusters")
    clusters = [_describe(level, rows, context) for level, rows in groups]
    decision_matches: list[DecisionMatch] = []
    if decisions is not None and decisions.decisions:
        nearest = _nearest_rows(decisions.decisions, texts, vectorizer, vectors, meaning=meaning, embedder=embedder)
        cluster_of_row = {row: index for index, (_level, rows) in enumerate(groups) for row in rows}
        decision_matches = match_decisions(decisions.decisions, nearest, cluster_of_row)
        for found in decision_matches:
            if found.cluster is not None:
                clusters[found.cluster] = _apply_decision(clusters[found.cluster], found, decisions.path, context)
    proposals = _proposed_questions(clusters, tickets, articles)
    clusters.sort(key=lambda c: (
        c.not_a_question, c.decision is not None and c.decision.kind == "wont-write",
        COVERAGE_ORDER[c.coverage], -c.priority_score, -c.size, c.label,
    ))
    clusters = _distinct_labels(clusters)
    if options.long_tail and long_tail:
        tail = _describe("uncovered", sorted(long_tail), replace(context, search=None))
        clusters.append(
            replace(
                tail,
                label=f"Long tail: {tail.size} one-off questions no article answers",
                coverage="uncovered",
                best_article=None,
                is_long_tail=True,
                priority_score=0.0,
                coverage_reason="each of these tickets matches no article, and none recurs often enough to form a cluster",
            )
        )
    clustered = sum(c.size for c in clusters)
    return GapReport(
        source=str(imported.path),
        source_format=imported.format.title,
        tickets_read=imported.tickets_read,
        tickets_skipped=imported.tickets_skipped,
        skipped=tuple((s.line, s.reason) for s in imported.skipped),
        warnings=imported.warnings + _language_warnings(tickets, embedder),
        kb_root=str(kb_root),
        articles=len(articles),
        clusters=tuple(clusters),
        ticket_coverage={level: ticket_coverage.get(level, 0) for level in ("covered", "partial", "uncovered")},
        unclustered=len(tickets) - clustered,
        period=period,
        generated_at=(now or dt.datetime.now(dt.timezone.utc)).strftime("%Y-%m-%d %H:%M UTC"),
        min_cluster_size=min_size,
        linked_tickets=sum(len(members_of[row]) for row in linked),
        decisions_file=str(decisions.path) if decisions is not None else "",
        decisions_applied=sum(1 for m in decision_matches if m.cluster is not None),
        decisions_unmatched=tuple(m for m in decision_matches if m.cluster is None),
        proposed_questions=proposals,
    )


DECISION_SIMILARITY = 0.5
"""A decision's question this close (cosine) to a ticket points at that ticket's cluster."""


def _nearest_rows(
    decisions: Sequence[Decision], texts: dict[str, int], vectorizer: Any, vectors: Any, *,
    meaning: TicketMeaning | None = None, embedder: Embedder | None = None,
) -> list[list[int | None]]:
    """Per decision, per question: the unique-text row that asks it (verbatim, else the closest by
    meaning, else by words), or None when no ticket is close enough."""
    import numpy as np

    from supportkb.gaps.analysis.meaning import REPHRASING_COSINE, embed_texts

    questions = [q for d in decisions for q in d.questions]
    found: list[int | None] = [texts.get(" ".join(q.lower().split())) for q in questions]
    if meaning is not None and embedder is not None and len(meaning.vectors) and any(f is None for f in found):
        cosine = embed_texts(embedder, questions) @ meaning.vectors.T
        for index, row in enumerate(cosine.argmax(axis=1).tolist()):
            if found[index] is None and cosine[index, row] >= REPHRASING_COSINE:
                found[index] = int(row)
    if vectors is not None and vectors.shape[0] and any(f is None for f in found):
        similarity = (vectorizer.transform(questions) @ vectors.T).toarray()
        best = similarity.argmax(axis=1)
        for index, row in enumerate(best.tolist()):
            if found[index] is None and similarity[index, row] >= DECISION_SIMILARITY:
                found[index] = int(row)
    result, position = [], 0
    for decision in decisions:
        result.append(found[position : position + len(decision.questions)])
        position += len(decision.questions)
    return result


def _apply_decision(cluster: Cluster, found: DecisionMatch, path: Path, context: _Context) -> Cluster:
    """The cluster as the writer decided: covered by an article, not a gap, or a gap nobody will write."""
    decision = found.decision
    where = f"{path}:{decision.line}"
    note = f": {decision.note}" if decision.note else ""
    if decision.kind == "covered" and decision.article is not None:
        article = context.articles[decision.article]
        return replace(
            cluster, coverage="covered", decision=decision,
            best_article=ArticleRef(path=str(article.path), title=article.title, score=1.0, url=article.url,
                                    is_internal=article.is_internal, passage=article.summary or article.title),
            coverage_reason=f"a writer decided it is covered by {article.title!r} ({where}){note}",
        )
    if decision.kind == "not-a-gap":
        return replace(cluster, coverage="covered", decision=decision,
                       coverage_reason=f"a writer decided it is not a gap ({where}){note}; was {cluster.coverage}: {cluster.coverage_reason}")
    return replace(cluster, decision=decision,
                   coverage_reason=f"{cluster.coverage_reason}; a writer decided not to write an article ({where}){note}")


def _proposed_questions(clusters: Sequence[Cluster], tickets: Sequence[Ticket], articles: Sequence[Article]) -> tuple[ArticlePhrasings, ...]:
    """The phrasings of the tickets in each covered cluster, proposed for its article's `questions:`."""
    index_of = {str(a.path): i for i, a in enumerate(articles)}
    by_id = {t.id: t for t in tickets}
    answered: dict[int, list[str]] = {}
    for cluster in clusters:
        if cluster.coverage != "covered" or cluster.best_article is None or cluster.is_long_tail or cluster.not_a_question:
            continue
        article = index_of.get(cluster.best_article.path)
        if article is not None:
            answered.setdefault(article, []).extend(_phrase(by_id[t]) for t in cluster.ticket_ids if t in by_id)
    return propose_for_articles(answered, articles)


CUSTOMER_WORDS_PER_ARTICLE = 200
"""Linked tickets' phrasings kept as passages per article: enough to cover the ways people ask."""


def _linked_rows(tickets: Sequence[Ticket], ticket_row: list[int], articles: Sequence[Article]) -> dict[int, int]:
    """Unique-text row -> the article its tickets' links name most often (rows without links are absent)."""
    from supportkb.gaps.analysis.linked import ArticleLinks

    if not any(t.links for t in tickets):
        return {}
    resolver = ArticleLinks.of(articles)
    votes: dict[int, Counter[int]] = {}
    for ticket, row in zip(tickets, ticket_row):
        if row >= 0 and ticket.links:
            found = resolver.resolve_all(ticket.links)
            if found:
                votes.setdefault(row, Counter())[found[0]] += 1
    return {row: counter.most_common(1)[0][0] for row, counter in votes.items()}


def _customer_words(tickets: Sequence[Ticket], ticket_row: list[int], linked: dict[int, int]) -> dict[int, list[str]]:
    """Article index -> the questions, in customers' words, of the tickets answered with a link to it."""
    words_of: dict[int, list[str]] = {}
    seen: set[int] = set()
    for ticket, row in zip(tickets, ticket_row):
        article = linked.get(row)
        if article is None or row in seen:
            continue
        seen.add(row)
        phrasings = words_of.setdefault(article, [])
        if len(phrasings) < CUSTOMER_WORDS_PER_ARTICLE:
            phrasings.append(_short(_phrase(ticket), 300))
    return words_of


def _demote_novel_questions(matches: list[TicketMatch], meaning: TicketMeaning, context: _Context, min_size: int) -> None:
    """Tickets answered by meaning that recur around a word no article uses are not answered.

    'Export my timesheet to PDF' is close by meaning to the CSV export article, and a model
    cannot tell that PDF is the point. Each article's answered tickets are clustered on meaning;
    a recurring group whose defining term the help center never mentions becomes uncovered.
    Tickets an agent answered with a link stay answered.
    """
    from supportkb.gaps.analysis.cluster import cluster_rows

    by_article: dict[int, list[int]] = {}
    for row, match in enumerate(matches):
        if match.coverage == "covered" and match.article is not None and row not in context.linked:
            by_article.setdefault(match.article, []).append(row)
    for rows in by_article.values():
        if sum(len(context.members_of[r]) for r in rows) < min_size:
            continue
        grouping = cluster_rows(meaning.vectors[rows], min_size=1, threshold=meaning.cluster_distance)
        for group in grouping.groups:
            member_rows = [rows[i] for i in group]
            if sum(len(context.members_of[r]) for r in member_rows) >= min_size and _novel_terms(member_rows, context):
                for r in member_rows:
                    matches[r] = replace(matches[r], coverage="uncovered")


def looks_foreign(text: str) -> bool:
    """Probably not English: mostly letters outside the Latin script, or five distinct words and no English function word."""
    from supportkb.generator.core.text import FUNCTION_WORDS

    letters = [ch for ch in text[:2_000] if ch.isalpha()]
    if letters and sum(ch < "\u0250" for ch in letters) < len(letters) / 2:
        return True
    found = set(words(text[:2_000]))
    return len(found) >= 5 and not any(w in FUNCTION_WORDS for w in found)


def _language_warnings(tickets: Sequence[Ticket], embedder: Embedder | None) -> tuple[str, ...]:
    """A count of tickets that seem to be in another language, and what that means for them."""
    foreign = sum(1 for t in tickets if t.text and looks_foreign(t.text))
    if not foreign:
        return ()
    how = ("by meaning, the model (trained on English) places them poorly" if embedder is not None
           else "only words they share with the articles match")
    return (f"{foreign:,} ticket(s) seem to be in another language than English: they are matched as written, "
            f"{how}; an article in their language answers them best",)


def _fuse_matches(lexical: list[TicketMatch], meaning: TicketMeaning, articles: Sequence[Article]) -> list[TicketMatch]:
    """Each ticket's coverage from both kinds of evidence.

    A ticket is answered when an article is close by meaning and about as close as the ticket's
    peers (TicketMeaning.is_answered), unless it shares no words with any article and is not a
    close paraphrase either. Words that match where meaning does not make it 'partial' (shared
    terms, maybe not an answer); otherwise it is uncovered.
    """
    result = []
    for row, match in enumerate(lexical):
        article = int(meaning.article[row])
        cosine = round(float(meaning.cosine[row]), 4)
        # Words that share nothing veto a middling match by meaning; a close paraphrase stands alone.
        if meaning.is_answered(row) and (match.coverage != "uncovered" or meaning.closeness[row] >= STRONG_CLOSENESS):
            internal = bool(articles[article].is_internal)
            result.append(TicketMatch("partial" if internal else "covered", article, cosine, int(meaning.passage[row]), internal))
        elif match.coverage == "covered":
            result.append(TicketMatch("partial", match.article, match.score, match.passage, match.is_internal_only))
        else:
            result.append(TicketMatch("uncovered", article, cosine, int(meaning.passage[row]), False))
    return result


def _answered_by_links(
    matches: list[TicketMatch], linked: dict[int, int], articles: Sequence[Article], passages: Sequence[Any]
) -> list[TicketMatch]:
    """A ticket an agent answered with a link is covered by that article (partial if it is internal)."""
    if not linked:
        return matches
    any_passage: dict[int, int] = {}
    ticket_passage: dict[int, int] = {}  # The linked tickets' words are the evidence to show.
    for position, passage in enumerate(passages):
        any_passage.setdefault(passage.article, position)
        if passage.kind == "ticket":
            ticket_passage.setdefault(passage.article, position)
    result = list(matches)
    for row, article in linked.items():
        own = matches[row]
        internal = articles[article].is_internal
        result[row] = TicketMatch(
            "partial" if internal else "covered",
            article,
            round(max(own.score if own.article == article else 0.0, COVERED_SCORE), 4),
            ticket_passage.get(article, any_passage.get(article)),
            internal,
        )
    return result


def _all_weeks(first: dt.date | None, last: dt.date | None) -> list[dt.date]:
    if first is None or last is None:
        return []
    weeks = []
    week = _week_start(first)
    while week <= last:
        weeks.append(week)
        week += dt.timedelta(days=7)
    return weeks


MERGE_SIMILARITY = 0.5
"""A partial cluster this close to the tickets an article answers joins them as one question."""


def _merge_answered(
    partial_groups: list[list[int]], by_article: dict[int, list[int]], matches: list[TicketMatch],
    members_of: list[list[int]], vectors: Any, *, is_novel: Callable[[list[int]], bool],
) -> list[tuple[Coverage, list[int]]]:
    """Join partial clusters to the covered tickets of their article when they ask the same thing.

    The joined cluster is covered when most of its tickets are, otherwise partial. A cluster
    whose key word no article uses stays apart: it asks for something new.
    """
    import numpy as np

    def centroid(rows: list[int]) -> Any:
        weights = np.array([len(members_of[r]) for r in rows], dtype=np.float64)
        mean = np.asarray(vectors[rows].T @ weights).ravel()
        norm = float(np.linalg.norm(mean))
        return mean / norm if norm else mean

    covered_centroids = {article: centroid(rows) for article, rows in by_article.items()}
    joined: dict[int, list[int]] = {article: list(rows) for article, rows in by_article.items()}
    result: list[tuple[Coverage, list[int]]] = []
    for rows in partial_groups:
        votes = Counter(matches[r].article for r in rows if matches[r].article is not None)
        article = votes.most_common(1)[0][0] if votes else None
        if (
            article in covered_centroids
            and float(centroid(rows) @ covered_centroids[article]) >= MERGE_SIMILARITY
            and not is_novel(rows)
        ):
            joined[article].extend(rows)
        else:
            result.append(("partial", rows))
    for rows in joined.values():
        covered = sum(len(members_of[r]) for r in rows if matches[r].coverage == "covered")
        total = sum(len(members_of[r]) for r in rows)
        result.append(("covered" if covered * 2 >= total else "partial", rows))
    return result


DUPLICATE_SIMILARITY = 0.5
"""Two gap clusters of the same coverage whose centroids are this close ask one question in
different words ('print timesheet as pdf', 'download report as PDF'): they are reported as one."""


def _merge_duplicates(
    groups: list[tuple[Coverage, list[int]]], members_of: list[list[int]], vectors: Any
) -> list[tuple[Coverage, list[int]]]:
    """Join uncovered (or partial) clusters that ask the same thing, so a gap is listed once.

    Clustering cuts at a fixed distance, and the long bodies of real tickets can split one question
    in two; their centroids, which average out the bodies, still meet. Covered clusters are one
    per article already, and clusters of different coverage are left apart: the ticket-level
    verdicts differ.
    """
    import numpy as np

    from supportkb.gaps.analysis.cluster import agglomerate

    merged: list[tuple[Coverage, list[int]]] = [g for g in groups if g[0] not in ("uncovered", "partial")]
    for level in ("uncovered", "partial"):
        same = [rows for group_level, rows in groups if group_level == level]
        if len(same) < 2:
            merged += [(level, rows) for rows in same]
            continue
        centroids = np.vstack([
            np.asarray(vectors[rows].T @ np.array([len(members_of[r]) for r in rows], dtype=np.float64)).ravel()
            for rows in same
        ])
        labels = agglomerate(centroids, 1.0 - DUPLICATE_SIMILARITY).tolist()
        joined: dict[int, list[int]] = {}
        for label, rows in zip(labels, same):
            joined.setdefault(label, []).extend(rows)
        merged += [(level, sorted(rows)) for rows in joined.values()]
    return merged


def _plain_terms(feature_names: Any) -> Any:
    import numpy as np

    from supportkb.generator.core.text import STOP_WORDS, stem_word

    plain = {stem_word(w) for w in STOP_WORDS} | set(STOP_WORDS) | MASK_TERMS
    return np.array([name in plain or len(name) < 2 or name.isdigit() for name in feature_names], dtype=bool)


def _novel_terms(rows: list[int], context: _Context) -> list[str]:
    """The cluster's key terms that no article uses.

    A key term is among the cluster's TOPICAL_TERMS heaviest terms and in DEFINING_SHARE of its
    tickets: 'pdf' in 'export my timesheet to PDF', when the help center never says 'PDF'.
    """
    import numpy as np

    sub = context.vectors[rows]
    weights = np.array([len(context.members_of[r]) for r in rows], dtype=np.float64)
    centroid = np.asarray(sub.T @ np.ones(len(rows))).ravel()
    heaviest = [i for i in np.argsort(-centroid, kind="stable")[:TOPICAL_TERMS] if centroid[i] > 0]
    present = (sub[:, heaviest] > 0).astype(np.float64)
    share = np.asarray(present.T @ weights).ravel() / weights.sum()
    return [
        str(context.feature_names[i])
        for i, fraction in zip(heaviest, share)
        if fraction >= DEFINING_SHARE and not context.plain_terms[i] and not context.kb_terms[i]
    ]


def _describe(level: Coverage, rows: list[int], context: _Context) -> Cluster:
    import numpy as np

    members_of, tickets, matches, vectors = context.members_of, context.tickets, context.matches, context.vectors
    feature_names, articles, passages = context.feature_names, context.articles, context.passages
    taxonomy, weeks, end, search = context.taxonomy, context.weeks, context.end, context.search

    sub = vectors[rows]
    centroid = np.asarray(sub.mean(axis=0)).ravel()
    norm = float(np.linalg.norm(centroid)) or 1.0
    closeness = np.asarray(sub @ (centroid / norm)).ravel()
    order = np.argsort(-closeness, kind="stable")
    weights = np.array([len(members_of[r]) for r in rows])
    member_tickets = [tickets[i] for r in rows for i in members_of[r]]
    member_tickets.sort(key=lambda t: (t.created or dt.datetime.max.replace(tzinfo=dt.timezone.utc), t.id))
    stems = getattr(context.analyzer, "stems", {})
    words = surface_words([t.text for t in member_tickets[:200]], stems)
    heaviest = [i for i in np.argsort(-centroid)[:20] if centroid[i] > 0 and not context.plain_terms[i]][:8]
    top_terms = tuple(words.get(str(feature_names[i]), str(feature_names[i])) for i in heaviest)

    # Best article: the one most of the cluster's tickets match best (weighted by duplicates).
    votes: Counter[int] = Counter()
    score_sum: dict[int, float] = {}
    passage_votes: dict[int, Counter[int]] = {}
    for r, weight in zip(rows, weights):
        match = matches[r]
        if match.article is None:
            continue
        votes[match.article] += int(weight)
        score_sum[match.article] = score_sum.get(match.article, 0.0) + match.score * int(weight)
        passage_votes.setdefault(match.article, Counter())[match.passage or 0] += int(weight)
    total = int(weights.sum())
    best_article: ArticleRef | None = None
    agreement = 0.0
    coverage_reason = ""
    coverage = level
    label = _label(tickets, members_of, rows, order, centroid, context)
    if votes:
        article_index, count = votes.most_common(1)[0]
        agreement = count / total
        mean_score = score_sum[article_index] / count
        article = articles[article_index]
        passage = passages[passage_votes[article_index].most_common(1)[0][0]]
        terms = shared_terms(list(top_terms) + label.split(), passage.text + " " + article.title)
        best_article = ArticleRef(
            path=str(article.path),
            title=article.title,
            score=round(mean_score, 3),
            matched_terms=terms,
            passage=passage.text,
            section=passage.section,
            url=article.url,
            is_internal=article.is_internal,
            search_rank=_search_rank(search, label, str(article.path)) if level != "covered" else None,
        )
        answered = sum(int(w) for r, w in zip(rows, weights) if matches[r].coverage == "covered")
        by_link = sum(len(members_of[r]) for r in rows if context.linked.get(r) == article_index)
        if level == "covered":
            coverage_reason = f"{answered} of {total} tickets match a passage of this article with similarity ≥ {COVERED_SCORE}"
            if by_link:
                coverage_reason += f" ({by_link} answered with a link to it)"
        elif level == "partial":
            coverage_reason = (
                "only an internal (agent-only) article answers these tickets" if article.is_internal
                else (f"only {answered} of {total} tickets are clearly answered; " if answered else "")
                + f"the closest article scores {mean_score:.2f} on average (answered from {COVERED_SCORE}, unrelated below {PARTIAL_SCORE})"
            )
        else:
            coverage_reason = f"no article scores {PARTIAL_SCORE} or more for these tickets"
        if context.meaning is not None:
            coverage_reason = _reason_by_meaning(level, rows, weights, article_index, answered, total, terms, context)
            if by_link:
                coverage_reason += f" ({by_link} answered with a link to it)"
    missing = [words.get(term, term) for term in _novel_terms(rows, context)]
    novel_reason = f"most of these tickets say {', '.join(repr(t) for t in missing[:3])}, which no article mentions"
    if missing and coverage == "partial" and not (best_article is not None and best_article.is_internal):
        coverage = "uncovered"
        coverage_reason = novel_reason
    elif missing and coverage == "uncovered":
        coverage_reason += "; " + novel_reason
    if coverage == "uncovered" and best_article is not None and best_article.score < PARTIAL_SCORE / 2:
        best_article = None  # Too far to be worth showing as 'best'.
    if coverage == "uncovered" and best_article is not None and missing:
        coverage_reason += f"; {best_article.title!r} only shares other words"

    days = [t.created.date() for t in member_tickets if t.created is not None]
    counts = Counter(_week_start(d) for d in days)
    weekly = tuple((w.isoformat(), counts.get(w, 0)) for w in weeks)
    recent = earlier = 0
    if end is not None:
        recent = sum(1 for d in days if (end - d).days < GROWTH_WINDOW_DAYS)
        earlier = sum(1 for d in days if GROWTH_WINDOW_DAYS <= (end - d).days < 2 * GROWTH_WINDOW_DAYS)
    growth = (recent - earlier) / max(earlier, 1)
    priority = total * (1 + max(-1.0, min(2.0, growth)) / 2)
    case_type, area, area_reason = classify_cluster(
        member_tickets, taxonomy, articles[votes.most_common(1)[0][0]] if votes and coverage != "uncovered" else None, top_terms
    )
    return Cluster(
        label=label,
        size=total,
        ticket_ids=tuple(t.id for t in member_tickets),
        coverage=coverage,
        best_article=best_article,
        case_type=case_type.kind,
        product_area=area,
        severity=severity_of_cluster(member_tickets),
        first_seen=min(days) if days else None,
        last_seen=max(days) if days else None,
        weekly_counts=weekly,
        representatives=_representatives(tickets, members_of, rows, order, sub),
        questions=_questions(tickets, members_of, rows, order),
        top_terms=top_terms,
        recent=recent,
        earlier=earlier,
        growth=round(growth, 3),
        priority_score=round(priority, 3),
        case_type_reason=case_type.reason,
        product_area_reason=area_reason,
        coverage_reason=coverage_reason,
        agreement=round(agreement, 3),
        missing_terms=tuple(missing),
        not_a_question=case_type.not_a_question,
    )


def _reason_by_meaning(
    level: Coverage, rows: list[int], weights: Any, article: int, answered: int, total: int,
    terms: Sequence[str], context: _Context,
) -> str:
    """'closest by meaning: *Export time entries* (0.71); shared words: export, report' and the verdict."""
    assert context.meaning is not None
    title = context.articles[article].title
    closeness = closest_by_meaning(context.meaning, rows, weights, context.passages, article)
    evidence = f"closest by meaning: {title!r} ({closeness:.2f}); shared words: {', '.join(terms) or 'none'}"
    if level == "covered":
        return f"{evidence}; it answers {answered} of {total} tickets"
    if context.articles[article].is_internal:
        return f"{evidence}; only an internal (agent-only) article answers these tickets"
    if level == "partial":
        return f"{evidence}; the words match, but by meaning it answers only {answered} of {total} tickets"
    return f"{evidence}; these tickets are much closer to each other than to any article"


def _search_rank(search: Any, query: str, path: str) -> int | None:
    if search is None or not query.strip():
        return None
    for rank, hit in enumerate(search.search(query, limit=10, include_internal=True), start=1):
        if hit.path == path:
            return rank
    return None


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


def _phrase(ticket: Ticket) -> str:
    """A ticket's question in one line: its subject, else its first sentence."""
    if ticket.subject and len(ticket.subject.split()) >= 2:
        return ticket.subject
    body_start = ticket.body.split("\n", 1)[0]
    return f"{ticket.subject}: {body_start}" if ticket.subject else body_start


_FIRST_SENTENCE = re.compile(r"[^.!?\n]+[.!?]?")


def _phrases(ticket: Ticket) -> list[str]:
    """Candidate one-line labels from a ticket: its subject line, and its body's first sentence."""
    found = [_phrase(ticket)]
    sentence = _FIRST_SENTENCE.match(ticket.body.strip())
    if sentence and len(sentence.group(0).split()) >= 3:
        found.append(sentence.group(0).strip())
    return found


LABEL_CANDIDATES = 8
"""The cluster's most central tickets whose subject and first sentence compete for its label."""
LABEL_FIT_SHARE = 0.8
"""Among phrases that fit the cluster at least this share as well as the best one, the shortest wins."""


def _label(
    tickets: Sequence[Ticket], members_of: list[list[int]], rows: list[int], order: Any, centroid: Any, context: _Context
) -> str:
    """The cluster's question in its customers' words: the phrase of a central ticket that best fits it.

    A subject line can mislead ('Windows app not opening' over a body about the Mac app), so the
    subject and first sentence of the most central tickets are scored by how much of the
    cluster's weight (its centroid) their words carry, and the shortest of the best-fitting wins.
    """
    candidates = [tickets[members_of[rows[i]][0]] for i in order[:LABEL_CANDIDATES]]
    phrases = [phrase for ticket in candidates for phrase in _phrases(ticket)]
    index = context.term_index()
    norm = float((centroid**2).sum()) ** 0.5 or 1.0

    def fit(phrase: str) -> float:
        terms = {index[t] for t in context.analyzer(phrase) if t in index}
        terms = {t for t in terms if not context.plain_terms[t]}
        return float(centroid[list(terms)].sum()) / norm / max(len(terms), 1) ** 0.5 if terms else 0.0

    fits = {phrase: fit(phrase) for phrase in phrases}
    good = LABEL_FIT_SHARE * max(fits.values())
    best = min(phrases, key=lambda p: (fits[p] < good, len(p) > 90, len(p.split()), phrases.index(p)))
    return _short(best, 90)


def _representatives(
    tickets: Sequence[Ticket], members_of: list[list[int]], rows: list[int], order: Any, sub: Any
) -> tuple[SampleTicket, ...]:
    """Up to five tickets closest to the cluster's centre, skipping near-duplicates of those chosen."""
    candidates = [int(i) for i in order[:30]]
    similarity = (sub[candidates] @ sub[candidates].T).toarray()
    chosen: list[int] = []
    for position in range(len(candidates)):
        if len(chosen) == 5:
            break
        if any(similarity[position, other] > 0.9 for other in chosen):
            continue
        chosen.append(position)
    if len(chosen) < 3:
        chosen += [p for p in range(len(candidates)) if p not in chosen][: 3 - len(chosen)]
    samples = []
    for position in chosen:
        ticket = tickets[members_of[rows[candidates[position]]][0]]
        samples.append(SampleTicket(ticket.id, _short(ticket.text.replace("\n", " — ", 1), 400), ticket.created.date() if ticket.created else None))
    return tuple(samples)


_QUESTION = re.compile(r"[^.!?\n]{8,200}\?")


def _distinct_labels(clusters: list[Cluster]) -> list[Cluster]:
    """Two clusters never share a label: a later one takes its first phrasing not already used.

    Clusters of different coverage can ask neighbouring questions in the same words; two rows
    reading 'Recurring invoices' would look like a bug in the report.
    """
    used: set[str] = set()
    result = []
    for cluster in clusters:
        key = cluster.label.lower()
        if key in used:
            fresh = next((q for q in cluster.questions if _short(q, 90).lower() not in used), None)
            if fresh is not None:
                cluster = replace(cluster, label=_short(fresh, 90))
        used.add(cluster.label.lower())
        result.append(cluster)
    return result


def _questions(tickets: Sequence[Ticket], members_of: list[list[int]], rows: list[int], order: Any) -> tuple[str, ...]:
    """Distinct ways customers put the question: subjects and questions from the bodies."""
    seen: set[str] = set()
    found: list[str] = []

    def add(text: str) -> None:
        phrase = _short(text.strip(" -—:"), 160)
        key = "".join(ch for ch in phrase.lower() if ch.isalnum())
        if len(key) >= 4 and key not in seen:
            seen.add(key)
            found.append(phrase)

    for i in order[:60]:
        ticket = tickets[members_of[rows[i]][0]]
        add(_phrase(ticket))
        question = _QUESTION.search(ticket.body)
        if question:
            add(question.group())
        if len(found) >= 8:
            break
    return tuple(found[:8])


def kb_support_files(kb_dir: Path) -> tuple[Path, Path]:
    """categories.yml and synonyms.yml for a knowledge-base folder (or its parent for kb/articles)."""
    for folder in (kb_dir, kb_dir.parent):
        if (folder / "categories.yml").is_file() or (folder / "synonyms.yml").is_file():
            return folder / "categories.yml", folder / "synonyms.yml"
        if folder.name != "articles":
            break
    return kb_dir / "categories.yml", kb_dir / "synonyms.yml"


def analyse_export(
    tickets_path: Path | str,
    kb_dir: Path | str,
    read_options: Any = None,
    options: GapOptions = GapOptions(),
    *,
    on_stage: Callable[[str], None] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    now: dt.datetime | None = None,
    decisions_path: Path | str | None = "auto",
    embeddings: str = "none",
) -> GapReport:
    """Read a ticket export and a folder of Markdown articles, and find the gaps.

    decisions_path: writers' decisions; "auto" reads kb/gaps-decisions.yml when there is one.
    embeddings: the embedding backend ('default', a name, or 'none' for words only).
    """
    from supportkb.generator.core.embeddings import load_embedder
    from supportkb.gaps.analysis.decisions import find_decisions_file, load_decisions
    from supportkb.gaps.tickets.cleaning import clean_ticket
    from supportkb.gaps.tickets.reader import ReadOptions, read_tickets
    from supportkb.generator.core.articles import load_articles
    from supportkb.generator.core.categories import load_categories
    from supportkb.generator.core.errors import KBError
    from supportkb.search.engine import SearchIndex, load_synonyms

    kb_dir = Path(kb_dir)
    loaded = load_articles(kb_dir)
    if not loaded.articles:
        raise KBError(
            f"no readable Markdown articles in {kb_dir}" + (f" ({loaded.files_seen} files could not be read)" if loaded.files_seen else ""),
            hint="pass --kb with the folder that holds your help articles (*.md)",
        )
    categories_file, synonyms_file = kb_support_files(kb_dir)
    if decisions_path == "auto":
        decisions_path = find_decisions_file(kb_dir)
    # Checked before the tickets are read: a bad entry stops the run before any work, and nothing half-applies.
    decisions = load_decisions(Path(decisions_path), loaded.articles) if decisions_path else None
    embedder = load_embedder(embeddings)  # Before the tickets: a missing backend fails fast.
    categories = load_categories(categories_file)
    imported = read_tickets(tickets_path, read_options or ReadOptions(), clean=clean_ticket, on_progress=on_progress)
    if on_stage:
        on_stage(f"Read {imported.tickets_read:,} tickets, skipped {imported.tickets_skipped:,} ({imported.format.title})")
    search = SearchIndex.build(loaded.articles, synonyms=load_synonyms(synonyms_file)) if loaded.articles else None
    return find_gaps(
        imported, loaded.articles, kb_root=kb_dir, categories=categories, options=options,
        search=search, now=now, on_stage=on_stage, decisions=decisions, embedder=embedder,
    )
