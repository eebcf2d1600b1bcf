"""The help site's own search index: agent search's analysis, written as small static files.

The build counts every public article with the text core (words, stop words, Porter2 stems,
synonyms) into the same fields and weights as agent search (title with aliases, summary,
headings, keywords, body; per section its heading and text), and folds each field's length
normalisation into one number per (term, article) and (term, section): BM25F's weighted,
length-normalised frequency, which depends on nothing the customer types. The page then needs
only a sum and a saturation per term (theme/assets/supportkb/kb-search.js).

Files, under site/search/kb/:
- index.json: counts, ranking constants, stop words, synonym groups (as stems), categories, and
  the shard keys. Small: it is what the first query loads before any word.
- w/<key>.json: one shard per word prefix (as short as keeps a shard small): every word seen in
  the corpus under that prefix -> its stem (so the page needs no stemmer; a word the corpus never
  holds has no postings anyway), and each stem's postings for articles and sections.
- d/<n>.json: what a result shows for article n: title, URL, category, sections with their
  anchors and the start of their text (for the snippet), loaded for the top results only.

Only articles the plugin publishes go in: internal articles and drafts never reach these files.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from whoosh.util.numeric import byte_to_length, length_to_byte

from supportkb.generator.core.articles import Article
from supportkb.generator.core.search_fields import SearchSection, article_field_texts, article_sections
from supportkb.generator.core.text import STOP_WORDS, stem_word, words

INDEX_DIR = "search/kb"
FORMAT_VERSION = 1

K1 = 5.0
SECTION_WEIGHT = 0.6
SYNONYM_WEIGHT = 0.6
CANDIDATES = 30
"""Agent search's Ranking defaults (search/query.py), measured best by benchmarks/eval_search.py."""


@dataclass(frozen=True)
class FieldWeight:
    """One field's share of BM25F: its weight and its length normalisation b."""

    name: str
    weight: float
    b: float


ARTICLE_FIELDS = (
    FieldWeight("title", 8.0, 0.5),  # the title and the aliases: other names for the same answer
    FieldWeight("questions", 3.0, 0.5),  # customers' phrasings the article answers
    FieldWeight("summary", 1.5, 0.5),
    FieldWeight("headings", 1.5, 0.5),
    FieldWeight("keywords", 1.5, 0.3),
    FieldWeight("body", 1.0, 0.75),
)
SECTION_FIELDS = (FieldWeight("s_heading", 2.0, 0.5), FieldWeight("s_text", 1.0, 0.75))

SNIPPET_CHARS = 600
"""Start of each section's text kept for the result's snippet."""
SHARD_TARGET_CHARS = 60_000
"""A shard over this (as JSON) is split by one more letter of prefix, up to MAX_KEY letters."""
MAX_KEY = 4
TF_SCALE = 100
"""Frequencies are stored as integers of 1/100: 1% is finer than any ranking difference."""


@dataclass(frozen=True)
class IndexedArticle:
    """A public article as the site's search sees it."""

    url: str
    """Site-relative URL of the page, e.g. 'billing/refunds/'."""
    title: str
    category: str
    fields: Mapping[str, str]
    """Article field name -> text (see ARTICLE_FIELDS)."""
    sections: tuple[SearchSection, ...]


@dataclass(frozen=True)
class StaticIndex:
    """Every file of the site's search index: path relative to the site -> text."""

    files: Mapping[str, str]
    article_count: int
    section_count: int
    word_count: int


def indexed_article(article: Article, *, url: str, category: str = "") -> IndexedArticle:
    """The fields and sections of an article, read as agent search reads them (the text core)."""
    sections = article_sections(article)
    fields = article_field_texts(article, sections)
    return IndexedArticle(url=url, title=article.title, category=category, fields=fields, sections=sections)


def build_static_index(
    articles: Sequence[IndexedArticle],
    *,
    synonyms: Mapping[str, Sequence[str]] | None = None,
    categories: Sequence[tuple[str, str]] = (),
) -> StaticIndex:
    """Count the articles into the index files (pure: nothing is written)."""
    stems_of: dict[str, str] = {}  # surface word -> stem, for every word of the corpus

    def counted(text: str) -> Counter[str]:
        found: Counter[str] = Counter()
        for word in words(text):
            if word in STOP_WORDS:
                continue
            stem = stems_of.get(word)
            if stem is None:
                stem = stems_of[word] = stem_word(word)
            found[stem] += 1
        return found

    article_tf = [{f.name: counted(a.fields.get(f.name, "")) for f in ARTICLE_FIELDS} for a in articles]
    section_keys: list[tuple[int, int]] = []
    section_tf: list[dict[str, Counter[str]]] = []
    for number, article in enumerate(articles):
        names = article.fields.get("title", article.title)
        for position, section in enumerate(article.sections):
            section_keys.append((number, position))
            heading = section.title if section.anchor else names
            section_tf.append({"s_heading": counted(heading), "s_text": counted(section.text)})

    article_postings = _weighted_postings(article_tf, ARTICLE_FIELDS, list(range(len(articles))))
    section_postings = _weighted_postings(section_tf, SECTION_FIELDS, section_keys)

    shards = _shard(stems_of, article_postings, section_postings)
    files: dict[str, str] = {}
    for key, shard in shards.items():
        files[f"{INDEX_DIR}/w/{_file_key(key)}.json"] = _json(shard)
    for number, article in enumerate(articles):
        files[f"{INDEX_DIR}/d/{number}.json"] = _json(
            {
                "t": article.title,
                "u": article.url,
                "c": article.category,
                "s": [[s.anchor, s.title, s.text[:SNIPPET_CHARS]] for s in article.sections],
            }
        )
    files[f"{INDEX_DIR}/index.json"] = _json(
        {
            "v": FORMAT_VERSION,
            "n": len(articles),
            "ns": len(section_keys),
            "k1": K1,
            "sectionWeight": SECTION_WEIGHT,
            "synonymWeight": SYNONYM_WEIGHT,
            "candidates": CANDIDATES,
            "scale": TF_SCALE,
            "stop": sorted(STOP_WORDS),
            "synonyms": synonym_groups(synonyms or {}),
            "categories": [list(c) for c in categories],
            "keys": sorted(shards, key=lambda k: (len(k), k)),
        }
    )
    return StaticIndex(files=files, article_count=len(articles), section_count=len(section_keys), word_count=len(stems_of))


def synonym_groups(synonyms: Mapping[str, Sequence[str]]) -> list[list[list[str]]]:
    """Groups of equivalent stem sequences, as agent search's SynonymTable reads kb/synonyms.yml."""
    groups: list[list[list[str]]] = []
    for term, equivalents in synonyms.items():
        members: list[list[str]] = []
        for phrase in (term, *equivalents):
            stems = [stem_word(w) for w in words(str(phrase)) if w not in STOP_WORDS]
            if stems and stems not in members:
                members.append(stems)
        if len(members) >= 2:
            groups.append(members)
    return groups


def _rounded(length: int) -> float:
    """A length rounded as Whoosh's one-byte lengths, which agent search's weights were tuned on."""
    return float(byte_to_length(length_to_byte(length)))


def _weighted_postings(
    counts: Sequence[Mapping[str, Counter[str]]], fields: Sequence[FieldWeight], keys: Sequence[object]
) -> dict[str, list[tuple[object, float]]]:
    """stem -> [(row key, sum over fields of weight * tf / length norm)], rows in order."""
    postings: dict[str, list[tuple[object, float]]] = defaultdict(list)
    if not counts:
        return postings
    norms: dict[str, list[float]] = {}
    for field in fields:
        lengths = [_rounded(sum(row[field.name].values())) for row in counts]
        average = max(sum(lengths) / len(lengths), 1.0)
        norms[field.name] = [1 - field.b + field.b * length / average for length in lengths]
    for row_number, row in enumerate(counts):
        total: dict[str, float] = defaultdict(float)
        for field in fields:
            norm = norms[field.name][row_number]
            for stem, tf in row[field.name].items():
                total[stem] += field.weight * tf / norm
        for stem, value in total.items():
            postings[stem].append((keys[row_number], value))
    return postings


def _shard(
    stems_of: Mapping[str, str],
    article_postings: Mapping[str, list[tuple[object, float]]],
    section_postings: Mapping[str, list[tuple[object, float]]],
) -> dict[str, dict[str, object]]:
    """Split words and postings by prefix, one letter longer where a shard would be too big."""
    encoded: dict[str, dict[str, object]] = {}
    for stem in set(article_postings) | set(section_postings):
        entry: dict[str, object] = {"a": _encode_articles(article_postings.get(stem, []))}
        sections = section_postings.get(stem, [])
        if sections:
            entry["s"] = _encode_sections(sections)
        encoded[stem] = entry
    sizes = {stem: len(_json(entry)) for stem, entry in encoded.items()}
    items: list[tuple[str, int]] = [(w, len(w) + len(s) + 6) for w, s in stems_of.items()]
    items += [("\0" + stem, size + len(stem) + 4) for stem, size in sizes.items()]

    shards: dict[str, dict[str, object]] = {}

    def place(group: list[tuple[str, int]], length: int) -> None:
        by_key: dict[str, list[tuple[str, int]]] = defaultdict(list)
        for name, size in group:
            by_key[name.lstrip("\0")[:length]].append((name, size))
        for key, members in by_key.items():
            total = sum(size for _, size in members)
            longer = [m for m in members if len(m[0].lstrip("\0")) > length]
            if total > SHARD_TARGET_CHARS and length < MAX_KEY and longer:
                exact = [m for m in members if len(m[0].lstrip("\0")) <= length]
                if exact:
                    _fill(shards, key, exact, stems_of, encoded)
                place(longer, length + 1)
            else:
                _fill(shards, key, members, stems_of, encoded)

    place(items, 1)
    return shards


def _fill(
    shards: dict[str, dict[str, object]],
    key: str,
    members: Sequence[tuple[str, int]],
    stems_of: Mapping[str, str],
    encoded: Mapping[str, dict[str, object]],
) -> None:
    shard = shards.setdefault(key, {"w": {}, "p": {}})
    surface: dict[str, str] = shard["w"]  # type: ignore[assignment]
    postings: dict[str, object] = shard["p"]  # type: ignore[assignment]
    for name, _ in members:
        if name.startswith("\0"):
            postings[name[1:]] = encoded[name[1:]]
        else:
            stem = stems_of[name]
            surface[name] = "" if stem == name else stem  # '': the word is its own stem


def _encode_articles(postings: Sequence[tuple[object, float]]) -> list[int]:
    """[article gap, tf, article gap, tf, ...]: gaps and integers compress well."""
    flat: list[int] = []
    previous = 0
    for article, value in postings:
        assert isinstance(article, int)
        flat += [article - previous, max(1, round(value * TF_SCALE))]
        previous = article
    return flat


def _encode_sections(postings: Sequence[tuple[object, float]]) -> list[int]:
    """[article gap, section position, tf, ...]."""
    flat: list[int] = []
    previous = 0
    for key, value in postings:
        article, position = key  # type: ignore[misc]
        flat += [article - previous, position, max(1, round(value * TF_SCALE))]
        previous = article
    return flat


def _file_key(key: str) -> str:
    """A shard key as a safe file name: hex of its UTF-8 (keys may hold any letter)."""
    return key.encode("utf-8").hex()


def _json(data: object) -> str:
    """Compact JSON with <, > and & as \\u escapes: no file of the site holds writers' markup as
    markup, even one a browser would never render (the page shows every field as text)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
