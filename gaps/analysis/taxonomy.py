"""Explainable tags for a cluster: product area, case type and severity, each with its reason."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from supportkb.generator.core.text import FUNCTION_WORDS, word_parts

if TYPE_CHECKING:
    from supportkb.gaps.tickets.reader import Ticket
    from supportkb.generator.core.articles import Article
    from supportkb.generator.core.categories import Category

CASE_TYPES = ("bug", "how-to", "feature-gap", "billing", "other")
SEVERITIES = ("critical", "high", "normal", "low", "unknown")
OTHER_AREA = "Other"
MIN_SHARE = 0.2
"""A case type needs at least this share of the cluster's tickets."""
SEVERE_SHARE = 0.25
"""A cluster takes the most severe priority that at least this share of its tickets carry."""

_KIND_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("bug", re.compile(r"\b(bug|defect|incident|problem|error|outage)\b", re.IGNORECASE)),
    ("feature-gap", re.compile(r"\b(feature|improvement|enhancement|suggestion|idea|story|wish)\b", re.IGNORECASE)),
    ("billing", re.compile(r"\b(billing|refund|payment|subscription|charge)\b", re.IGNORECASE)),
    ("how-to", re.compile(r"\b(question|how[ -]?to|support|help|service request|inquiry|enquiry)\b", re.IGNORECASE)),
)
_TEXT_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("bug", re.compile(
        r"\b(errors?|crash\w*|broken|bug|not working|(?:doesn'?t|does not|isn'?t|is not|won'?t|will not|can'?t|cannot) "
        r"(?:work|load|open|start|sync|save|connect|launch)\w*|fail(?:s|ed|ing|ure)?|stuck|freez\w*|frozen|hangs?|"
        r"blank (?:page|screen)|disappear\w*|glitch\w*|keeps? (?:crashing|logging|showing|resetting)|stopped working|"
        r"500|502|503|timeout|timed out)\b", re.IGNORECASE)),
    ("billing", re.compile(
        r"\b(charged|charges?|overcharg\w*|double[- ]charg\w*|refunds?|subscription|billing|billed|pricing|price|"
        r"upgrade|downgrade|credit card|payment method|vat|receipts?|cancel (?:my|our) (?:account|subscription|plan)|"
        r"money back|seats?)\b", re.IGNORECASE)),
    ("feature-gap", re.compile(
        r"\b(feature (?:request|idea)|would be (?:great|nice|helpful|useful)|please add|can you add|could you add|"
        r"any plans?|roadmap|do you support|does \w+ support|not supported|no option|there is no way|"
        r"would love|wish (?:there|it|you)|missing feature|add (?:support|an option) for)\b", re.IGNORECASE)),
    ("how-to", re.compile(
        r"(\b(how (?:do|can|to|would|should|does)|where (?:is|are|can|do)|can (?:i|we|you)|is (?:it|there) (?:possible|a way)|"
        r"what (?:is|does|are)|is there|which|help me|trying to|want to|need to|not sure)\b|\?)", re.IGNORECASE)),
)
_NOT_A_QUESTION = re.compile(
    r"^\W*(?:(?:many |a lot of )?thanks?(?: you)?(?: so much| a lot)?\b[^?]*|test(?:ing)?(?: ticket| message)?\b[^?]*|"
    r"(?:please )?ignore (?:this|me)\b[^?]*|out of (?:the )?office\b[^?]*|auto(?:matic)?[- ]?reply\b[^?]*|"
    r"(?:please )?unsubscribe\b[^?]*)$",
    re.IGNORECASE,
)
"""A whole ticket that only thanks, tests, auto-replies or unsubscribes: no question to answer."""
NOT_A_QUESTION_SHARE = 0.5

_PRIORITY_LEVELS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("critical", re.compile(r"^(urgent|critical|blocker|highest|p0|p1|sev ?1|emergency)$", re.IGNORECASE)),
    ("high", re.compile(r"^(high|major|p2|sev ?2|priority|important)$", re.IGNORECASE)),
    ("normal", re.compile(r"^(normal|medium|moderate|p3|sev ?3|not_priority|not priority|standard)$", re.IGNORECASE)),
    ("low", re.compile(r"^(low|lowest|minor|trivial|p4|p5|sev ?4)$", re.IGNORECASE)),
)


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[-_/&]+", " ", text.lower()).split())


@dataclass(frozen=True)
class Taxonomy:
    """The help center's product areas and the words that point to each."""

    areas: tuple[str, ...]
    article_area: tuple[str, ...]
    """Area of each article, by article index."""
    aliases: dict[str, str]
    """Normalised name, category id or tag -> area."""
    vocabulary: dict[str, frozenset[str]]
    """Area -> words of its articles' titles, tags, aliases and features."""

    @classmethod
    def from_articles(cls, articles: Sequence[Article], categories: Sequence[Category] = ()) -> Taxonomy:
        titles = {c.id: c.title for c in categories}
        article_area = []
        aliases: dict[str, str] = {}
        vocabulary: dict[str, set[str]] = {}
        for article in articles:
            area = article.product_area or titles.get(article.category or "", "") or (article.category or "") or OTHER_AREA
            article_area.append(area)
            aliases.setdefault(_norm(area), area)
            if article.category:
                aliases.setdefault(_norm(article.category), area)
                if article.category in titles:
                    aliases.setdefault(_norm(titles[article.category]), area)
            words = vocabulary.setdefault(area, set())
            for text in (article.title, *article.tags, *article.aliases, *article.features, area):
                words.update(area_words(text))
        return cls(
            areas=tuple(sorted(set(article_area))),
            article_area=tuple(article_area),
            aliases=aliases,
            vocabulary={area: frozenset(words) for area, words in vocabulary.items()},
        )

    def area_of_tag(self, tag: str) -> str | None:
        return self.aliases.get(_norm(tag))


TITLE_FILLER = frozenset("add use using set get new".split())
"""Words of every area's titles ('Set up ...', 'All about ...'): they point to no area."""


def area_words(text: str) -> set[str]:
    """Words of 3+ characters starting with a letter that could name a product area."""
    return {
        w for w in word_parts(text) if len(w) >= 3 and w[0].isalpha() and w not in FUNCTION_WORDS and w not in TITLE_FILLER
    }


RULE_SAMPLE = 400
"""Text rules read at most this many of a cluster's tickets (spread over the cluster)."""


def _sample(tickets: Sequence[Ticket]) -> Sequence[Ticket]:
    if len(tickets) <= RULE_SAMPLE:
        return tickets
    step = len(tickets) / RULE_SAMPLE
    return [tickets[int(i * step)] for i in range(RULE_SAMPLE)]


def _share(tickets: Sequence[Ticket], rule: re.Pattern[str]) -> float:
    return sum(1 for t in tickets if rule.search(t.text[:1000])) / max(len(tickets), 1)


class CaseType(NamedTuple):
    """A cluster's case type, the rule that chose it, and whether its tickets ask anything at all."""

    kind: str
    reason: str
    not_a_question: bool = False


def case_type_of(tickets: Sequence[Ticket]) -> CaseType:
    """The cluster's case type and the rule that chose it.

    In order: the help desk's ticket type (bug, feature, billing) on half the tickets; tags meaning
    one of those on half the tickets; wording (bug, billing, feature) in a fifth of them; then
    'other' when most tickets only thank, test or auto-reply; then how-to, from the ticket type
    ('question') or wording; else other.
    """
    total = max(len(tickets), 1)
    kinds = Counter(kind for t in tickets if t.kind for kind, rule in _KIND_RULES if rule.search(t.kind))
    specific_kinds = [(k, n) for k, n in kinds.most_common() if k != "how-to"]
    if specific_kinds and specific_kinds[0][1] / total >= 0.5:
        kind, count = specific_kinds[0]
        return CaseType(kind, f"{count} of {total} tickets have a help-desk type meaning {kind}")
    tag_votes = Counter(
        kind for t in tickets for kind, rule in _KIND_RULES[:3] if any(rule.search(tag) for tag in t.tags)
    )
    if tag_votes:
        kind, count = tag_votes.most_common(1)[0]
        if count / total >= 0.5:
            return CaseType(kind, f"{count} of {total} tickets carry a tag meaning {kind}")
    sample = _sample(tickets)
    shares = [(kind, _share(sample, rule)) for kind, rule in _TEXT_RULES]
    specific = [(k, s) for k, s in shares[:3] if s >= MIN_SHARE]
    if specific:
        kind, share = max(specific, key=lambda ks: ks[1])  # max() keeps the first on ties: bug, billing, feature.
        return CaseType(kind, f"{share:.0%} of tickets use {kind} wording")
    not_questions = sum(1 for t in sample if _NOT_A_QUESTION.match(" ".join(t.text[:300].split())))
    if not_questions / max(len(sample), 1) >= NOT_A_QUESTION_SHARE:
        return CaseType("other", f"{not_questions} of {len(sample)} tickets only say thanks, test or auto-reply: not questions", True)
    if kinds.get("how-to", 0) / total >= 0.5:
        return CaseType("how-to", f"{kinds['how-to']} of {total} tickets have a help-desk type meaning a question")
    kind, share = shares[3]
    if share >= MIN_SHARE:
        return CaseType(kind, f"{share:.0%} of tickets ask how to do something")
    return CaseType("other", "no rule matched at least a fifth of the tickets")


def product_area_of(
    tickets: Sequence[Ticket], taxonomy: Taxonomy, article: Article | None, top_terms: Sequence[str], article_area: str | None
) -> tuple[str, str]:
    """The cluster's product area and where it came from."""
    if article is not None and article_area:
        return article_area, f"area of the closest article, {article.title!r}"
    tagged = Counter(
        area for t in tickets for area in {taxonomy.area_of_tag(tag) for tag in t.tags} if area
    )
    if tagged:
        area, count = tagged.most_common(1)[0]
        if count / len(tickets) >= 0.3:
            return area, f"{count} of {len(tickets)} tickets are tagged with it"
    components = Counter(t.area for t in tickets if t.area)
    if components:
        area, count = components.most_common(1)[0]
        if count / len(tickets) >= 0.3:
            return taxonomy.area_of_tag(area) or area, f"{count} of {len(tickets)} tickets list it as component"
    words = {w for term in top_terms for w in area_words(term)}
    words |= {w for t in tickets[:50] for tag in t.tags for w in area_words(tag)}
    scored = sorted(
        ((len(words & vocab), area) for area, vocab in taxonomy.vocabulary.items() if words & vocab),
        key=lambda item: (-item[0], item[1]),
    )
    if scored:
        shared = sorted(words & taxonomy.vocabulary[scored[0][1]])
        return scored[0][1], f"shares the words {', '.join(shared[:4])} with its articles"
    return OTHER_AREA, "no tag, component or shared words point to an area"


def classify_cluster(
    tickets: Sequence[Ticket], taxonomy: Taxonomy, article: Article | None, top_terms: Sequence[str], *, article_index: int | None = None
) -> tuple[CaseType, str, str]:
    """(case type, product area, reason for the area) of a cluster."""
    case_type = case_type_of(tickets)
    area_name = None
    if article is not None:
        area_name = taxonomy.article_area[article_index] if article_index is not None else _area_for(article, taxonomy)
    area, area_reason = product_area_of(tickets, taxonomy, article, top_terms, area_name)
    return case_type, area, area_reason


def _area_for(article: Article, taxonomy: Taxonomy) -> str:
    if article.product_area:
        return article.product_area
    return taxonomy.aliases.get(_norm(article.category or ""), OTHER_AREA)


def severity_of(priority: str) -> str:
    for level, rule in _PRIORITY_LEVELS:
        if rule.match(priority.strip()):
            return level
    return "unknown"


def severity_of_cluster(tickets: Sequence[Ticket]) -> str:
    """The most severe level that at least a quarter of the prioritised tickets carry."""
    levels = Counter(severity_of(t.priority) for t in tickets if t.priority)
    levels.pop("unknown", None)
    total = sum(levels.values())
    if not total:
        return "unknown"
    for level in SEVERITIES[:4]:
        if levels.get(level, 0) / total >= SEVERE_SHARE:
            return level
    return levels.most_common(1)[0][0]
