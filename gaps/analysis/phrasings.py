"""Customers' words for each article: the ways tickets it answers put the question.

A browser cannot run an embedding model, so a customer who searches the help site in their own
words ('money back for double charge') only finds the article whose text or `questions:` use
them. `kb gaps --propose-questions FILE` writes, per article, the phrasings of the tickets it
answers, for a writer to review and copy into the article's `questions:` front matter, which
the site search and the agents' search index.

The phrasings come from cleaned tickets (personal data already masked); any that still hold a
mask such as [email] are left out, and near-identical ones are proposed once.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from supportkb.generator.core.text import terms

if TYPE_CHECKING:
    from supportkb.generator.core.articles import Article

PER_ARTICLE = 10
"""Phrasings proposed per article, the most frequent first."""
MIN_WORDS, MAX_WORDS, MAX_CHARS = 2, 20, 160
"""A phrasing is a question, not a word and not a letter."""
SAME_SHARE = 0.8
"""Two phrasings whose content stems overlap this much (Jaccard) are one."""

_MASK = re.compile(r"\[(?:email|phone|card|token|name|address|ip|url|iban)\]", re.IGNORECASE)


@dataclass(frozen=True)
class ProposedQuestion:
    """One way customers asked, and how many tickets asked it so."""

    text: str
    tickets: int


@dataclass(frozen=True)
class ArticlePhrasings:
    """The proposals for one article."""

    path: str
    article_id: str
    title: str
    questions: tuple[ProposedQuestion, ...]


def _key(text: str) -> frozenset[str]:
    return frozenset(terms(text))


def distinct_phrasings(phrasings: Iterable[str], *, known: Iterable[str] = (), limit: int = PER_ARTICLE) -> tuple[ProposedQuestion, ...]:
    """The most frequent phrasings, each once (near-duplicates and `known` ones left out).

    known: what the article already says (title, aliases, questions): proposing it again helps no one.
    """
    surfaces: dict[frozenset[str], Counter[str]] = {}
    for text in phrasings:
        text = " ".join(text.split()).strip(" -—:")
        if _MASK.search(text) or len(text) > MAX_CHARS or not MIN_WORDS <= len(text.split()) <= MAX_WORDS:
            continue
        key = _key(text)
        if key:
            surfaces.setdefault(key, Counter())[text] += 1
    known_keys = [_key(k) for k in known]
    chosen: list[tuple[frozenset[str], ProposedQuestion]] = []
    # Most tickets first; ties in a stable, readable order.
    for key, forms in sorted(surfaces.items(), key=lambda item: (-sum(item[1].values()), min(item[1]))):
        if any(_similar(key, other) for other in known_keys) or any(_similar(key, other) for other, _q in chosen):
            continue
        surface = max(forms, key=lambda form: (forms[form], -len(form), form))
        chosen.append((key, ProposedQuestion(surface, sum(forms.values()))))
        if len(chosen) >= limit:
            break
    return tuple(question for _key_, question in chosen)


def _similar(a: frozenset[str], b: frozenset[str]) -> bool:
    return bool(a or b) and len(a & b) / len(a | b) >= SAME_SHARE


def propose_for_articles(
    answered: dict[int, list[str]], articles: Sequence[Article], *, limit: int = PER_ARTICLE
) -> tuple[ArticlePhrasings, ...]:
    """Article index -> phrasings of the tickets it answers  =>  proposals, articles in path order."""
    result = []
    for index, phrasings in answered.items():
        article = articles[index]
        known = (article.title, *article.aliases, *article.questions)
        questions = distinct_phrasings(phrasings, known=known, limit=limit)
        if questions:
            result.append(ArticlePhrasings(str(article.path), str(article.id or ""), article.title, questions))
    return tuple(sorted(result, key=lambda a: a.path))


def _quote(text: str) -> str:
    """A YAML double-quoted scalar (JSON with ASCII escapes is valid YAML, whatever the text holds)."""
    return json.dumps(text)


def render_proposals(proposals: Sequence[ArticlePhrasings], *, source: str) -> str:
    """The reviewable YAML file `--propose-questions` writes."""
    lines = [
        "# Customers' words for `questions:` front matter, proposed by `kb gaps` from the tickets each",
        f"# article answers ({_comment(source)}). Review them: copy the phrasings that ask what the article",
        "# answers into its front matter under `questions:`; leave out the rest. Nothing here is applied.",
        "# Personal data was masked in the tickets; phrasings that still held any are left out.",
    ]
    if not proposals:
        lines.append("[]  # No article answers a recurring question in words it does not already use.")
    for proposal in proposals:
        lines += [
            f"- article: {_quote(proposal.path)}",
            f"  id: {_quote(proposal.article_id)}",
            f"  title: {_quote(proposal.title)}",
            "  questions:",
        ]
        lines += [
            f"    - {_quote(q.text)}  # {q.tickets} ticket{'s' if q.tickets != 1 else ''}" for q in proposal.questions
        ]
    return "\n".join(lines) + "\n"


def _comment(text: str) -> str:
    """Text safe inside a YAML comment: one line, no control characters."""
    return "".join(ch if ch.isprintable() else " " for ch in text)[:200]
