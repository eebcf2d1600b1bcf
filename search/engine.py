"""The search library other parts of supportkb call: build or open an index, search it.

index = open_index_for_project(find_project())
for hit in index.search("refund takes how long", limit=5):
    print(hit.title, hit.url, hit.score)
"""

from __future__ import annotations

import dataclasses
import functools
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from supportkb.generator.core.articles import load_articles
from supportkb.generator.core.embeddings import MAX_CHARS, truncated
from supportkb.generator.core.fusion import fuse_lexical_semantic
from supportkb.generator.core.text import stem_word
from supportkb.search.hybrid import (
    MEANING_ALONE_FLOOR,
    MEANING_FLOOR,
    SEMANTIC_CANDIDATES,
    Closest,
    SemanticIndex,
    meaning_scores,
)
from supportkb.search.indexer import (
    Manifest,
    SearchIndexError,
    UpdateReport,
    build_index_dir,
    current_generation,
    folder_cache_dir,
    folder_cache_key,
    open_postings,
    open_vectors,
    vectors_problem,
    open_whoosh,
    previous_cache_dir,
    project_index_root,
    prune_cache,
    ram_index,
    scan_files,
    sync_index_dir,
    update_index_dir,
)
from supportkb.search.links import canonical_url
from supportkb.search.postings import Postings
from supportkb.search.query import (
    FEW_HITS,
    Hit,
    Ranked,
    rank_query,
    ranked_hit,
    section_hit,
    ParsedQuery,
    Ranking,
    SearchResults,
    SynonymTable,
    article_hit,
    parse_query,
)
from supportkb.search.schema import row_key
from supportkb.search.scoring import IndexArrays
from supportkb.search.settings import resolve_embedder
from supportkb.search.spelling import Speller
from supportkb.search.vectors import VectorStore, VectorsUnusable, build_vectors
from supportkb.generator.core.synonyms import load_synonyms

if TYPE_CHECKING:
    from supportkb.generator.core.articles import Article
    from supportkb.generator.core.embeddings import Embedder
    from supportkb.generator.core.project import Project

__all__ = [
    "ArticleRecord",
    "Hit",
    "Ranking",
    "SearchIndex",
    "SearchResults",
    "build_project_index",
    "index_root_for",
    "load_synonyms",
    "open_index_for_project",
    "refresh_index",
]

Progress = Callable[[str], None]

MAX_LIMIT = 100


@dataclass(frozen=True)
class ArticleRecord:
    """What the index knows about one article (for `GET /articles/{id}`)."""

    article_id: str
    path: str
    title: str
    url: str
    summary: str
    category: str | None
    tags: tuple[str, ...]
    aliases: tuple[str, ...]
    sections: tuple[tuple[str, str], ...]
    """(anchor, title) of each section; anchor '' is the text before the first heading."""
    is_internal: bool
    body: str
    """The Markdown body."""


class SearchIndex:
    """An open index (Whoosh's stored fields, the ranking's postings) with its synonyms;
    searches are safe from several threads."""

    def __init__(
        self,
        whoosh_index: Any,
        postings: Postings,
        *,
        synonyms: Mapping[str, Sequence[str]] | None = None,
        site_url: str = "",
        ranking: Ranking | None = None,
        generation: Path | None = None,
        embedder: Embedder | None = None,
        vectors: VectorStore | None = None,
    ) -> None:
        self.generation = generation
        """The generation folder this index was opened from (None in memory)."""
        self.site_url = site_url
        self.ranking = ranking or Ranking()
        self.synonyms = dict(synonyms or {})
        self._synonym_table = SynonymTable.from_mapping(self.synonyms)
        self._index = whoosh_index
        self._searcher = whoosh_index.searcher()
        self._lock = threading.Lock()
        self._arrays = IndexArrays(postings)
        self._reader = self._searcher.reader()
        self._doc_count = self._reader.doc_count_all()
        self._stored_fields = functools.lru_cache(maxsize=8192)(self._stored_row)
        self._spellers: dict[str, Speller] = {}
        self.embedder = embedder if vectors is not None else None
        """The backend that embeds queries; None: lexical only."""
        self._semantic = SemanticIndex(self._arrays, vectors) if self.embedder else None

    @classmethod
    def build(
        cls,
        articles: Sequence[Article],
        *,
        synonyms: Mapping[str, Sequence[str]] | None = None,
        index_dir: Path | None = None,
        site_url: str = "",
        ranking: Ranking | None = None,
        embedder: Embedder | None = None,
    ) -> SearchIndex:
        """Index the articles, in memory (index_dir None) or as a new generation in index_dir.

        With an embedder, articles are also ranked by meaning (hybrid); without, by words only.
        """
        if index_dir is None:
            whoosh_index, postings = ram_index(articles)
            vectors = build_vectors(articles, embedder) if embedder is not None else None
            return cls(
                whoosh_index,
                postings,
                synonyms=synonyms,
                site_url=site_url,
                ranking=ranking,
                embedder=embedder,
                vectors=vectors,
            )
        generation = build_index_dir(index_dir, articles, synonyms=synonyms, embedder=embedder)
        return cls.from_generation(
            generation, site_url=site_url, ranking=ranking, embedder=embedder
        )

    @classmethod
    def open(
        cls,
        index_dir: Path,
        *,
        site_url: str = "",
        ranking: Ranking | None = None,
        embedder: Embedder | None = None,
    ) -> SearchIndex:
        """Open the live generation of an index folder."""
        generation = current_generation(index_dir)
        if generation is None:
            raise SearchIndexError(
                f"no search index in {index_dir}", hint="run 'kb index' to build it"
            )
        return cls.from_generation(
            generation, site_url=site_url, ranking=ranking, embedder=embedder
        )

    @classmethod
    def from_generation(
        cls,
        generation: Path,
        *,
        site_url: str = "",
        ranking: Ranking | None = None,
        embedder: Embedder | None = None,
    ) -> SearchIndex:
        """Open one generation folder of an index (the API swaps to each new one).

        With an embedder its stored vectors must match it and the index exactly; if they do
        not, SearchIndexError says so (`kb index` rebuilds them) rather than rank by stale ones.
        """
        manifest = Manifest.read(generation)
        vectors = None
        if embedder is not None:
            try:
                vectors = open_vectors(generation, embedder)
            except VectorsUnusable as exc:
                raise SearchIndexError(
                    f"search vectors cannot be used: {exc}",
                    path=generation,
                    hint="run 'kb index' to rebuild them (or pass --embeddings none)",
                ) from None
        return cls(
            open_whoosh(generation),
            open_postings(generation),
            synonyms=manifest.synonyms,
            site_url=site_url,
            ranking=ranking,
            generation=generation,
            embedder=embedder,
            vectors=vectors,
        )

    def __len__(self) -> int:
        return self._arrays.article_count

    def article_count(self, *, include_internal: bool = False) -> int:
        """How many articles the caller may see (internal ones only when allowed)."""
        arrays = self._arrays
        if include_internal:
            return int(arrays.article_count)
        return int(arrays.article_count - arrays.is_internal_doc[arrays.article_docs].sum())

    def close(self) -> None:
        with self._lock:
            self._searcher.close()

    def search(self, query: str, *, limit: int = 10, include_internal: bool = False) -> list[Hit]:
        """One hit per article (its best section), best first; typos are forgiven."""
        return list(self.query(query, limit=limit, include_internal=include_internal).hits)

    def query(
        self, query: str, *, limit: int = 10, include_internal: bool = False
    ) -> SearchResults:
        """Like search(), with 'did you mean' and notes about what was ignored."""
        limit = max(0, min(int(limit), MAX_LIMIT))
        parsed = parse_query(query)
        note = (
            f"only the first {len(parsed.terms)} different words were used"
            if parsed.truncated
            else None
        )
        if self._semantic is not None and truncated(query):
            cut = f"only the first {MAX_CHARS:,} characters were read for meaning"
            note = f"{note}; {cut}" if note else cut
        if not parsed.terms:
            return SearchResults(
                query=query, hits=(), ignored="nothing to search for: type a few words"
            )
        # Fusion needs the words' own top candidates, not only the hits that will be shown.
        wanted = max(limit, SEMANTIC_CANDIDATES) if self._semantic is not None else limit
        with self._lock:
            found = self._rank(parsed, wanted, include_internal)
            suggestion, is_fuzzy = None, False
            respelled = self._respell(parsed, include_internal)
            if respelled is not None:
                suggestion = _replace_words(query, respelled)
                if len(found) < FEW_HITS or _mostly_unknown(parsed, respelled):
                    fuzzy = self._rank(parse_query(suggestion), wanted, include_internal)
                    seen = {r.path for r in fuzzy}
                    found = fuzzy + [r for r in found if r.path not in seen]
                    is_fuzzy = bool(fuzzy)
            if self._semantic is not None:
                hits = self._fuse(query, found, limit, include_internal)
            else:
                hits = [self._hit_of(r) for r in found[:limit]]
            hits = self._pin_article_id(query.strip(), hits, include_internal)
        return SearchResults(
            query=query,
            hits=tuple(hits[:limit]),
            did_you_mean=suggestion,
            is_fuzzy=is_fuzzy,
            ignored=note,
        )

    def _hit_of(self, ranked: Ranked) -> Hit:
        return ranked_hit(ranked, self._stored_fields, self._link_for)

    def _fuse(
        self, text: str, lexical: list[Ranked], limit: int, include_internal: bool
    ) -> list[Hit]:
        """Words' and meaning's candidates in one ranking (generator.core.fusion), as Hits that
        say what was closest by meaning."""
        assert self._semantic is not None and self.embedder is not None
        query_vector = self.embedder.embed([text])[0]
        meaning = self._semantic.rank(
            query_vector, include_internal=include_internal, also=[r.path for r in lexical]
        )
        if not meaning.scores:
            return [self._hit_of(r) for r in lexical[:limit]]
        lexical_scores: dict[str, float] = {}
        by_path: dict[str, Ranked] = {}
        for ranked in lexical:  # Fuzzy ones come first; a path's first score is its best.
            lexical_scores.setdefault(ranked.path, ranked.score)
            by_path.setdefault(ranked.path, ranked)
        fused = fuse_lexical_semantic(lexical_scores, meaning_scores(meaning.scores))
        hits: list[Hit] = []
        floor = MEANING_FLOOR if lexical_scores else MEANING_ALONE_FLOOR
        for path, score in fused:
            if len(hits) == limit:
                break
            if path not in lexical_scores and meaning.scores.get(path, -1.0) < floor:
                continue  # Found by meaning alone, and not close: noise ("xylophone").
            closest = meaning.closest(path)
            ranked = by_path.get(path)
            hit = self._hit_of(ranked) if ranked else self._meaning_hit(path, closest)
            if hit is None:
                continue
            hits.append(
                dataclasses.replace(
                    hit,
                    score=round(score, 4),
                    closest=closest.label if closest else "",
                    closeness=round(closest.cosine, 2) if closest else None,
                )
            )
        return hits

    def _meaning_hit(self, path: str, meaning: Closest | None) -> Hit | None:
        """A hit for an article found by meaning only, at its closest section."""
        assert self._semantic is not None
        ordinal = self._semantic.ordinal_of.get(path)
        if ordinal is None:
            return None
        arrays = self._arrays
        article_doc = int(arrays.article_docs[ordinal])
        hit = article_hit(
            arrays, self._stored_fields, article_doc, score=0.0, link_for=self._link_for
        )
        if meaning is None or meaning.kind != "section" or not meaning.anchor:
            return hit
        start, end = int(arrays.section_start[ordinal]), int(arrays.section_end[ordinal])
        for section in range(start, end):
            section_doc = int(arrays.section_docs[section])
            data = self._stored_fields(section_doc)["data"]
            if data["anchor"] == meaning.anchor:
                return section_hit(
                    self._stored_fields, article_doc, section_doc, link_for=self._link_for
                )
        return hit

    def _pin_article_id(self, text: str, hits: list[Hit], include_internal: bool) -> list[Hit]:
        """A query that is exactly an article's id puts that article first (agents know ids)."""
        if not text or len(text) > 200:
            return hits
        for row in self._arrays.article_rows_with_id(text):
            if self._arrays.is_internal_doc[row] and not include_internal:
                continue
            others = [hit for hit in hits if hit.article_id != text]
            top = max([hits[0].score if hits else 0.0, 1.0])
            pinned = article_hit(
                self._arrays, self._stored_fields, row, score=top, link_for=self._link_for
            )
            return [pinned, *others]
        return hits

    def _stored_row(self, row: int) -> Mapping[str, Any]:
        """Whoosh's stored fields of a ranking row's document."""
        arrays = self._arrays
        key = row_key(arrays.path(row), arrays.position(row))
        guess = arrays.whoosh_doc(row)
        if 0 <= guess < self._doc_count and not self._reader.is_deleted(guess):
            fields = self._searcher.stored_fields(guess)
            if fields.get("row_key") == key:
                return fields
        return self._stored_by_key(key)  # Whoosh renumbered it (merged segments): look it up.

    def _stored_by_key(self, key: str) -> Mapping[str, Any]:
        docnum = self._searcher.document_number(row_key=key)
        if docnum is None:
            raise SearchIndexError(
                f"search index is damaged: no document {key!r}",
                path=self.generation,
                hint="run 'kb index --rebuild'",
            )
        return self._searcher.stored_fields(docnum)

    def _source_of(self, path: str) -> Mapping[str, Any]:
        """Stored fields of the article's Markdown source document."""
        try:
            return self._stored_by_key(row_key(path, "source"))
        except SearchIndexError:
            return {}

    def _link_for(self, url: str, anchor: str) -> str:
        return canonical_url(self.site_url, url, anchor)

    def article(self, article_id: str, *, include_internal: bool = False) -> ArticleRecord | None:
        """The article with this id, or None (also None for an internal one unless allowed)."""
        with self._lock:
            for row in self._arrays.article_rows_with_id(article_id):
                fields = self._stored_fields(row)
                if fields["audience"] == "internal" and not include_internal:
                    continue
                data = fields["data"]
                source = self._source_of(fields["path"])
                return ArticleRecord(
                    article_id=fields["article_id"],
                    path=fields["path"],
                    title=data["title"],
                    url=canonical_url(self.site_url, fields["url"], ""),
                    summary=data.get("summary") or "",
                    category=data.get("category"),
                    tags=tuple(data.get("tags") or ()),
                    aliases=tuple(data.get("aliases") or ()),
                    sections=tuple((a, t) for a, t in data.get("sections") or ()),
                    is_internal=fields["audience"] == "internal",
                    body=(source.get("data") or {}).get("body", ""),
                )
        return None

    def _rank(self, parsed: ParsedQuery, limit: int, include_internal: bool) -> list[Ranked]:
        return rank_query(
            self._arrays,
            parsed,
            synonyms=self._synonym_table,
            ranking=self.ranking,
            limit=limit,
            include_internal=include_internal,
        )

    def _respell(self, parsed: ParsedQuery, include_internal: bool) -> dict[str, str] | None:
        """Corrections for typed words the index has never seen; None when all are known."""
        corrections: dict[str, str] = {}
        for word in dict.fromkeys(parsed.words):
            if not word.isalpha() or self._is_known(word):
                continue
            best = self._speller(include_internal).suggest(word)
            if best is not None:
                corrections[word] = best
        return corrections or None

    def _is_known(self, word: str) -> bool:
        stem = stem_word(word)
        return any(len(self._arrays.postings(name, stem)[0]) for name in _KNOWN_FIELDS)

    def _speller(self, include_internal: bool) -> Speller:
        key = "all" if include_internal else "public"
        speller = self._spellers.get(key)
        if speller is None:
            reader = self._searcher.reader()
            fields = ("spell", "spell_internal") if include_internal else ("spell",)
            words = [word for name in fields for word in _field_words(reader, name)]

            def frequency(word: str) -> int:
                return sum(reader.doc_frequency(name, word) for name in fields)

            speller = self._spellers[key] = Speller(words, frequency)
        return speller

    def warm_up(self) -> None:
        """Load what the first typo would otherwise wait for (for long-running servers)."""
        with self._lock:
            self._speller(False)
            self._speller(True)


_KNOWN_FIELDS = ("title", "body", "summary", "keywords", "headings")


def _field_words(reader: Any, field_name: str) -> list[str]:
    if field_name not in reader.schema:
        return []
    return [
        term.decode("utf-8") if isinstance(term, bytes) else term
        for term in reader.lexicon(field_name)
    ]


def _mostly_unknown(parsed: ParsedQuery, corrections: Mapping[str, str]) -> bool:
    distinct = set(parsed.words)
    return 2 * len(corrections) >= len(distinct)


def _replace_words(text: str, corrections: Mapping[str, str]) -> str:
    import re

    def swap(match: re.Match[str]) -> str:
        return corrections.get(match.group(0).lower(), match.group(0))

    return re.sub(r"\w+(?:[.'’]\w+)*", swap, text)


# -- projects ------------------------------------------------------------------------------------


def index_root_for(project: Project, *, index_dir: Path | None = None) -> Path:
    """Where a project's index lives: --index-dir, <root>/.kb-cache/search-index, or the user cache.

    A bare --kb folder is never written to: its index goes to the user cache, keyed by the
    folder's files (paths, sizes, times) so an edit makes a new key.
    """
    if index_dir is not None:
        return index_dir
    if project.config_file is not None:
        return project_index_root(project.root)
    return folder_cache_dir(scan_files(project.articles_dir), extra=_synonyms_state(project))


def project_fingerprint(project: Project, *, index_dir: Path | None = None) -> str:
    """Changes whenever an article file, the synonyms or the published index change."""
    key = folder_cache_key(scan_files(project.articles_dir), extra=_synonyms_state(project))
    if index_dir is None and project.config_file is None:
        return key
    live = current_generation(index_root_for(project, index_dir=index_dir))
    return f"{key}:{live.name if live else ''}"


def open_index_for_project(
    project: Project,
    *,
    articles: Sequence[Article] | None = None,
    progress: Progress | None = None,
    index_dir: Path | None = None,
    ranking: Ranking | None = None,
    embeddings: str | None = None,
) -> SearchIndex:
    """Open the project's index, first bringing it up to date with the article files.

    embeddings: a backend name or "none" (--embeddings); None: the project's embedding_backend.
    """
    embedder = resolve_embedder(project, embeddings)
    report = build_project_index(
        project, articles=articles, progress=progress, index_dir=index_dir, embedder=embedder
    )
    if report.note and progress:
        progress(report.note)
    return SearchIndex.from_generation(
        report.generation, site_url=project.site_url, ranking=ranking, embedder=embedder
    )


def build_project_index(
    project: Project,
    *,
    articles: Sequence[Article] | None = None,
    progress: Progress | None = None,
    index_dir: Path | None = None,
    rebuild: bool = False,
    embedder: Embedder | None | str = "project",
) -> UpdateReport:
    """Update the project's index where files changed (or rebuild it); report what was done.

    Without `articles`, files whose size and time match the index are not even read.
    embedder: the backend whose vectors the index keeps (None: none); "project": the project's
    embedding_backend setting.
    """
    if isinstance(embedder, str):
        embedder = resolve_embedder(project, None if embedder == "project" else embedder)
    root = index_root_for(project, index_dir=index_dir)
    synonyms = load_synonyms(project.synonyms_file)
    source = str(project.articles_dir)
    is_cache = index_dir is None and project.config_file is None
    seed = None
    if is_cache and not rebuild:
        live = current_generation(root)
        if live is not None and vectors_problem(live, embedder) is None:
            return UpdateReport(generation=live)
        seed = previous_cache_dir(source, exclude=root)
    if rebuild:
        if articles is None:
            if progress:
                progress(f"indexing the articles in {project.articles_dir}")
            articles = load_articles(project.articles_dir).articles
        states = scan_files(project.articles_dir)
        generation = build_index_dir(
            root, articles, synonyms=synonyms, file_states=states, source=source, embedder=embedder
        )
        report = UpdateReport(
            generation=generation, added=tuple(sorted(str(a.path) for a in articles)), rebuilt=True
        )
    elif articles is not None:
        states = scan_files(project.articles_dir)
        report = update_index_dir(
            root,
            articles,
            synonyms=synonyms,
            file_states=states,
            source=source,
            seed=seed,
            embedder=embedder,
        )
    else:
        report = sync_index_dir(
            root,
            project.articles_dir,
            synonyms=synonyms,
            source=source,
            seed=seed,
            progress=progress,
            embedder=embedder,
        )
    if is_cache:
        prune_cache(source, keep=root)
    return report


def refresh_index(project: Project, articles: Sequence[Article]) -> Path:
    """Bring the project's on-disk index in line with freshly loaded articles; returns its folder.

    Only changed articles are re-indexed. Called by `kb build` after a successful build.
    """
    build_project_index(project, articles=articles)
    return index_root_for(project)


def _synonyms_state(project: Project) -> str:
    try:
        stat = project.synonyms_file.stat()
    except OSError:
        return "synonyms=none"
    return f"synonyms={stat.st_mtime_ns}:{stat.st_size}"
