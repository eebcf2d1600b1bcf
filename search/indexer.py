"""Write the Whoosh index: full builds, incremental updates, atomic generation swaps, cache places.

An index folder holds generations (``gen-000007-ab12cd/``: Whoosh files, the ranking's
``postings/`` and ``manifest.json``)
and a ``CURRENT`` file naming the live one. Every change is written into a new generation (a
copy of the live one, updated in place) and published by replacing ``CURRENT`` with
``os.replace``, so a reader sees either the old index or the new one, never a half-written one.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import secrets
import shutil
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from supportkb.generator.core.atomic import write_text_atomic
from supportkb.generator.core.errors import KBError
from supportkb.search.postings import (
    POSTINGS_DIR,
    Postings,
    Row,
    build_postings,
    read_postings,
    update_postings,
    write_postings,
)
from supportkb.search.schema import (
    RANKED_FIELDS,
    SCHEMA_VERSION,
    SectionDoc,
    article_digest,
    index_entries,
    make_schema,
    row_key,
)

from supportkb.search.vectors import (
    MATRIX_FILE,
    META_FILE,
    VECTORS_DIR,
    VectorStore,
    VectorsUnusable,
    build_vectors,
    read_vectors,
    write_vectors,
)

if TYPE_CHECKING:
    from supportkb.generator.core.articles import Article
    from supportkb.generator.core.embeddings import Embedder

CURRENT_FILE = "CURRENT"
MANIFEST_FILE = "manifest.json"
LOCK_FILE = ".lock"
KEEP_GENERATIONS = 2
"""The live generation and the one before it: a reader that opened it a moment ago can finish."""
CACHE_ENTRIES_MAX = 20
"""Indexes of bare --kb folders kept in the user cache, newest first."""


class SearchIndexError(KBError):
    """The search index is missing, unreadable or was written by another version."""


@dataclass(frozen=True)
class FileState:
    """Size and modification time of one article file, to notice edits without reading it."""

    path: str
    mtime_ns: int
    size: int


@dataclass(frozen=True)
class Manifest:
    """What a generation holds: per-article digests, file states, synonyms and its source."""

    articles: Mapping[str, Mapping[str, Any]]
    """Article path -> {"id", "digest", "mtime_ns", "size"}."""
    synonyms: Mapping[str, Sequence[str]]
    source: str = ""
    schema: int = SCHEMA_VERSION

    def to_json(self) -> str:
        return json.dumps(
            {
                "schema": self.schema,
                "source": self.source,
                "synonyms": self.synonyms,
                "articles": self.articles,
            },
            ensure_ascii=False,
            sort_keys=True,
        )

    @classmethod
    def read(cls, generation: Path) -> Manifest:
        try:
            data = json.loads((generation / MANIFEST_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise SearchIndexError(
                f"search index is damaged: {exc}",
                path=generation,
                hint="run 'kb index' to rebuild it",
            ) from exc
        return cls(
            articles=data.get("articles", {}),
            synonyms=data.get("synonyms", {}),
            source=data.get("source", ""),
            schema=data.get("schema", 0),
        )


@dataclass(frozen=True)
class UpdateReport:
    """What an index refresh did."""

    generation: Path
    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    rebuilt: bool = False
    note: str | None = None
    """Why a full rebuild happened when only an update was asked for (e.g. damaged vectors)."""

    @property
    def is_noop(self) -> bool:
        return not (self.added or self.changed or self.removed or self.rebuilt)


# -- reading -------------------------------------------------------------------------------------


def current_generation(index_root: Path) -> Path | None:
    """The live generation folder, or None when the index was never built."""
    try:
        name = (index_root / CURRENT_FILE).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise SearchIndexError(f"cannot read search index: {exc}", path=index_root) from exc
    generation = index_root / name
    return generation if name and generation.is_dir() else None


def open_whoosh(generation: Path):  # type: ignore[no-untyped-def]
    """Open the Whoosh index stored in one generation folder."""
    from whoosh import index as whoosh_index

    try:
        return whoosh_index.open_dir(str(generation))
    except (OSError, whoosh_index.EmptyIndexError, ValueError, EOFError) as exc:
        raise SearchIndexError(
            f"cannot open search index: {exc}", path=generation, hint="run 'kb index' to rebuild it"
        ) from exc


def open_postings(generation: Path) -> Postings:
    """Open the ranking's postings stored in one generation folder."""
    try:
        return read_postings(generation)
    except (OSError, ValueError, KeyError) as exc:
        raise SearchIndexError(
            f"cannot open search index: {exc}", path=generation, hint="run 'kb index' to rebuild it"
        ) from exc


def open_vectors(generation: Path, embedder: Embedder) -> VectorStore:
    """The generation's vectors for this backend, checked against its manifest.

    Raises VectorsUnusable (saying why) when they are missing, damaged or made otherwise.
    """
    stamp = _vectors_stamp(generation)
    key = (str(generation), embedder.name, embedder.dimensions, stamp)
    if stamp is not None and key in _CHECKED_VECTORS:
        return _CHECKED_VECTORS[key]
    manifest = Manifest.read(generation)
    digests = {path: str(entry.get("digest", "")) for path, entry in manifest.articles.items()}
    store = read_vectors(
        generation, backend=embedder.name, dimensions=embedder.dimensions, digests=digests
    )
    if stamp is not None:
        # Checked once per process: `kb search` checks before updating and again on opening.
        _remember(key, store)
    return store


_CHECKED_VECTORS: dict[tuple[Any, ...], VectorStore] = {}


def _vectors_stamp(generation: Path) -> tuple[tuple[int, int], ...] | None:
    try:
        return tuple(
            (item.stat().st_mtime_ns, item.stat().st_size)
            for item in (
                generation / MANIFEST_FILE,
                generation / VECTORS_DIR / META_FILE,
                generation / VECTORS_DIR / MATRIX_FILE,
            )
        )
    except OSError:
        return None


def _remember(key: tuple[Any, ...], store: VectorStore) -> None:
    if len(_CHECKED_VECTORS) >= 2:
        _CHECKED_VECTORS.pop(next(iter(_CHECKED_VECTORS)))
    _CHECKED_VECTORS[key] = store


def _remember_written(generation: Path, embedder: Embedder, store: VectorStore) -> None:
    """The store this process just wrote needs no reading back and checking when opened."""
    stamp = _vectors_stamp(generation)
    if stamp is not None:
        _remember((str(generation), embedder.name, embedder.dimensions, stamp), store)


def vectors_problem(generation: Path | None, embedder: Embedder | None) -> str | None:
    """Why the generation's vectors cannot serve this backend, or None when they can (or none
    are wanted)."""
    if embedder is None or generation is None:
        return None
    try:
        open_vectors(generation, embedder)
    except (VectorsUnusable, SearchIndexError) as exc:
        return str(exc)
    return None


def ram_index(articles: Sequence[Article]) -> tuple[Any, Postings]:
    """A Whoosh index and postings held in memory, for tests and one-off searches."""
    import shutil
    import tempfile

    from whoosh.filedb.filestore import FileStorage, RamStorage

    scratch = Path(tempfile.mkdtemp(prefix="kb-whoosh-"))

    class PrivateRamStorage(RamStorage):  # type: ignore[misc]
        # Whoosh puts RamStorage scratch files in /tmp/MAIN.tmp, shared by every process:
        # two concurrent in-memory builds then delete each other's files.
        def temp_storage(self, name=None):  # type: ignore[no-untyped-def]
            return FileStorage(tempfile.mkdtemp(dir=scratch)).create()

    try:
        index = PrivateRamStorage().create_index(make_schema())
        postings, _sections = _add_all(index, articles)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return index, postings


# -- writing -------------------------------------------------------------------------------------


def build_index_dir(
    index_root: Path,
    articles: Sequence[Article],
    *,
    synonyms: Mapping[str, Sequence[str]] | None = None,
    file_states: Mapping[str, FileState] | None = None,
    source: str = "",
    embedder: Embedder | None = None,
) -> Path:
    """Build a complete new generation from the articles and make it live; returns it."""
    with _locked(index_root):
        report = _full_build_locked(
            index_root, articles, dict(synonyms or {}), file_states, source, embedder
        )
    return report.generation


def update_index_dir(
    index_root: Path,
    articles: Sequence[Article],
    *,
    synonyms: Mapping[str, Sequence[str]] | None = None,
    file_states: Mapping[str, FileState] | None = None,
    source: str = "",
    seed: Path | None = None,
    embedder: Embedder | None = None,
) -> UpdateReport:
    """Bring the index in line with the articles, re-indexing only what changed.

    seed: another index folder whose live generation is copied when this one has none yet.
    """
    synonyms = dict(synonyms or {})
    with _locked(index_root):
        live = current_generation(index_root)
        if live is None and seed is not None:
            live = current_generation(seed)
        manifest = _readable_manifest(live)
        if live is None or manifest is None:
            return _full_build_locked(index_root, articles, synonyms, file_states, source, embedder)
        problem = vectors_problem(live, embedder)
        if problem is not None:
            report = _full_build_locked(
                index_root, articles, synonyms, file_states, source, embedder
            )
            return _with_note(report, problem)
        wanted = _manifest_for(articles, synonyms, file_states, source)
        old, new = manifest.articles, wanted.articles
        removed = tuple(sorted(p for p in old if p not in new))
        added = tuple(sorted(p for p in new if p not in old))
        changed = tuple(sorted(p for p in new if p in old and old[p]["digest"] != new[p]["digest"]))
        same_meta = manifest.synonyms == wanted.synonyms and manifest.source == wanted.source
        if live.parent == index_root and not (removed or added or changed) and same_meta:
            if manifest.articles != wanted.articles:  # Only file times moved: remember them.
                _write_manifest(live, wanted)
            return UpdateReport(generation=live)
        by_path = {str(a.path): a for a in articles}
        upserts = [by_path[p] for p in (*changed, *added)]
        generation = _commit_changes(
            index_root, live, wanted, upserts, (*removed, *changed), embedder
        )
    return UpdateReport(generation=generation, added=added, changed=changed, removed=removed)


def sync_index_dir(
    index_root: Path,
    articles_dir: Path,
    *,
    synonyms: Mapping[str, Sequence[str]] | None = None,
    source: str = "",
    seed: Path | None = None,
    progress: Callable[[str], None] | None = None,
    embedder: Embedder | None = None,
) -> UpdateReport:
    """Bring the index in line with the files in articles_dir, reading only files that changed.

    A file whose size and modification time match the manifest is not read at all.
    """
    from supportkb.generator.core.articles import load_articles, read_article

    synonyms = {k: list(v) for k, v in (synonyms or {}).items()}
    with _locked(index_root):
        live = current_generation(index_root)
        if live is None and seed is not None:
            live = current_generation(seed)
        manifest = _readable_manifest(live)
        states = scan_files(articles_dir)
        problem = vectors_problem(live, embedder) if manifest is not None else None
        if live is None or manifest is None or problem is not None:
            if progress:
                if problem is not None:
                    progress(f"search vectors: {problem}; rebuilding the index")
                progress(f"indexing {len(states)} files in {articles_dir}")
            articles = load_articles(articles_dir).articles
            report = _full_build_locked(index_root, articles, synonyms, states, source, embedder)
            return _with_note(report, problem)
        entries: dict[str, dict[str, Any]] = {}
        upserts: list[Article] = []
        added: list[str] = []
        changed: list[str] = []
        for path, state in states.items():
            entry = manifest.articles.get(path)
            if (
                entry is not None
                and entry.get("mtime_ns") == state.mtime_ns
                and entry.get("size") == state.size
            ):
                entries[path] = dict(entry)
                continue
            article, _problems = read_article(articles_dir / path, PurePosixPath(path))
            if article is None:
                continue  # Unreadable now: drop it from the index, as load_articles would.
            digest = article_digest(article)
            entries[path] = {
                "id": article.id,
                "digest": digest,
                "mtime_ns": state.mtime_ns,
                "size": state.size,
            }
            if entry is None:
                added.append(path)
                upserts.append(article)
            elif entry["digest"] != digest:
                changed.append(path)
                upserts.append(article)
        removed = sorted(p for p in manifest.articles if p not in entries)
        wanted = Manifest(articles=entries, synonyms=synonyms, source=source)
        same_meta = manifest.synonyms == wanted.synonyms and manifest.source == wanted.source
        if live.parent == index_root and not (upserts or removed) and same_meta:
            if manifest.articles != wanted.articles:
                _write_manifest(live, wanted)
            return UpdateReport(generation=live)
        if progress and upserts:
            progress(f"re-indexing {len(upserts)} changed article(s)")
        generation = _commit_changes(
            index_root, live, wanted, upserts, (*removed, *changed), embedder
        )
    return UpdateReport(
        generation=generation,
        added=tuple(sorted(added)),
        changed=tuple(sorted(changed)),
        removed=tuple(removed),
    )


def _commit_changes(
    index_root: Path,
    live: Path,
    wanted: Manifest,
    upserts: Sequence[Article],
    deletions: Sequence[str],
    embedder: Embedder | None = None,
) -> Path:
    """Copy the live generation, delete and add documents there, then publish it.

    With an embedder, only the upserted articles are embedded; every other article's vectors are
    copied from the live generation (checked usable by the caller)."""
    generation = _new_generation_dir(index_root)
    try:
        _copy_generation(live, generation)
        rows: list[Row] = []
        hints: list[int] = []
        sections: dict[str, tuple[SectionDoc, ...]] = {}
        if upserts or deletions:
            index = open_whoosh(generation)
            writer = index.writer()
            try:
                for path in deletions:
                    writer.delete_by_term("path", path)
                for article in upserts:
                    entries = index_entries(article)
                    for document in entries.documents:
                        writer.add_document(**document)
                    rows.extend(entries.rows)
                    sections[str(article.path)] = entries.sections
            except BaseException:
                writer.cancel()
                raise
            writer.commit()
            hints = _whoosh_docs(index, rows)
        write_postings(generation, update_postings(open_postings(live), deletions, rows, hints))
        if embedder is not None:
            fresh = {str(a.path) for a in upserts}
            keep = {
                path: str(entry["digest"])
                for path, entry in wanted.articles.items()
                if path not in fresh
            }
            previous = open_vectors(live, embedder) if keep else None
            store = build_vectors(
                upserts, embedder, previous=previous, keep=keep, sections=sections
            )
            write_vectors(generation, store)
        _write_manifest(generation, wanted)
        if embedder is not None:
            _remember_written(generation, embedder, store)
    except BaseException:
        shutil.rmtree(generation, ignore_errors=True)
        raise
    _publish(index_root, generation)
    return generation


def _full_build_locked(
    index_root: Path,
    articles: Sequence[Article],
    synonyms: Mapping[str, Sequence[str]],
    file_states: Mapping[str, FileState] | None,
    source: str,
    embedder: Embedder | None = None,
) -> UpdateReport:
    from whoosh import index as whoosh_index

    generation = _new_generation_dir(index_root)
    try:
        index = whoosh_index.create_in(str(generation), make_schema())
        postings, sections = _add_all(index, articles)
        write_postings(generation, postings)
        store = None
        if embedder is not None:
            store = build_vectors(articles, embedder, sections=sections)
            write_vectors(generation, store)
        _write_manifest(generation, _manifest_for(articles, synonyms, file_states, source))
        if embedder is not None and store is not None:
            _remember_written(generation, embedder, store)
    except BaseException:
        shutil.rmtree(generation, ignore_errors=True)
        raise
    _publish(index_root, generation)
    return UpdateReport(
        generation=generation, added=tuple(sorted(str(a.path) for a in articles)), rebuilt=True
    )


def _with_note(report: UpdateReport, note: str | None) -> UpdateReport:
    if note is None:
        return report
    return UpdateReport(
        generation=report.generation,
        added=report.added,
        changed=report.changed,
        removed=report.removed,
        rebuilt=report.rebuilt,
        note=f"search vectors: {note}; rebuilt the index",
    )


def _add_all(
    index: Any, articles: Sequence[Article]
) -> tuple[Postings, dict[str, tuple[SectionDoc, ...]]]:
    """Add every article's documents to Whoosh; return the postings of their ranking rows and
    each article's sections (path -> sections)."""
    _check_unique_paths(articles)
    rows: list[Row] = []
    whoosh_docs: list[int] = []
    sections: dict[str, tuple[SectionDoc, ...]] = {}
    added = 0
    writer = index.writer(limitmb=128)
    try:
        for article in articles:
            entries = index_entries(article)
            # A new index numbers documents as they are added; rows are its first documents.
            whoosh_docs.extend(range(added, added + len(entries.rows)))
            for document in entries.documents:
                writer.add_document(**document)
            added += len(entries.documents)
            rows.extend(entries.rows)
            sections[str(article.path)] = entries.sections
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    return build_postings(rows, RANKED_FIELDS, whoosh_docs), sections


def _whoosh_docs(index: Any, rows: Sequence[Row]) -> list[int]:
    """Whoosh's numbers of the rows' documents, looked up by key (a few, after an update)."""
    with index.searcher() as searcher:
        found = (searcher.document_number(row_key=row_key(r.path, r.position)) for r in rows)
        return [-1 if number is None else number for number in found]


def _check_unique_paths(articles: Sequence[Article]) -> None:
    seen: set[str] = set()
    for article in articles:
        path = str(article.path)
        if path in seen:
            raise KBError(f"article path given twice: {path}", hint="pass each article once")
        seen.add(path)


def _manifest_for(
    articles: Sequence[Article],
    synonyms: Mapping[str, Sequence[str]] | None,
    file_states: Mapping[str, FileState] | None,
    source: str,
) -> Manifest:
    entries: dict[str, dict[str, Any]] = {}
    for article in articles:
        path = str(article.path)
        entry: dict[str, Any] = {"id": article.id, "digest": article_digest(article)}
        state = (file_states or {}).get(path)
        if state is not None:
            entry["mtime_ns"], entry["size"] = state.mtime_ns, state.size
        entries[path] = entry
    return Manifest(
        articles=entries, synonyms={k: list(v) for k, v in (synonyms or {}).items()}, source=source
    )


def _readable_manifest(generation: Path | None) -> Manifest | None:
    if generation is None:
        return None
    try:
        manifest = Manifest.read(generation)
    except SearchIndexError:
        return None
    return manifest if manifest.schema == SCHEMA_VERSION else None


def _write_manifest(generation: Path, manifest: Manifest) -> None:
    _write_atomic(generation / MANIFEST_FILE, manifest.to_json())


def _write_atomic(path: Path, text: str) -> None:
    write_text_atomic(path, text)


def _new_generation_dir(index_root: Path) -> Path:
    index_root.mkdir(parents=True, exist_ok=True)
    numbers = [
        int(p.name.split("-")[1])
        for p in index_root.glob("gen-*-*")
        if p.name.split("-")[1].isdigit()
    ]
    generation = index_root / f"gen-{max(numbers, default=0) + 1:06d}-{secrets.token_hex(3)}"
    generation.mkdir()
    return generation


def _copy_generation(source: Path, target: Path) -> None:
    """Copy a generation's Whoosh files; Whoosh never rewrites a segment file, so links are safe.
    The postings and vectors are written anew."""
    for item in source.iterdir():
        if (
            "LOCK" in item.name.upper()
            or item.name.startswith(".")
            or item.name in (POSTINGS_DIR, VECTORS_DIR)
        ):
            continue
        try:
            os.link(item, target / item.name)
        except OSError:
            shutil.copy2(item, target / item.name)
    # The manifest is rewritten in place below, so it must not share the old one's inode.
    manifest = target / MANIFEST_FILE
    if manifest.exists():
        text = manifest.read_text(encoding="utf-8")
        manifest.unlink()
        manifest.write_text(text, encoding="utf-8")


def _publish(index_root: Path, generation: Path) -> None:
    _write_atomic(index_root / CURRENT_FILE, generation.name + "\n")
    _remove_old_generations(index_root, keep=generation)


def _remove_old_generations(index_root: Path, *, keep: Path) -> None:
    generations = sorted(p for p in index_root.glob("gen-*-*") if p.is_dir())
    live_position = generations.index(keep) if keep in generations else len(generations)
    # Keep the live generation and the one before it; anything newer than live is a failed write.
    for old in generations[: max(0, live_position - (KEEP_GENERATIONS - 1))]:
        shutil.rmtree(old, ignore_errors=True)


@contextlib.contextmanager
def _locked(index_root: Path) -> Iterator[None]:
    """One writer at a time per index folder (readers never wait)."""
    index_root.mkdir(parents=True, exist_ok=True)
    with open(index_root / LOCK_FILE, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# -- where indexes live --------------------------------------------------------------------------


def project_index_root(project_root: Path) -> Path:
    """The index of a supportkb project: <root>/.kb-cache/search-index/ (git-ignored)."""
    return project_root / ".kb-cache" / "search-index"


def user_cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "supportkb"


def scan_files(articles_dir: Path) -> dict[str, FileState]:
    """Relative '/'-separated path -> FileState of every Markdown file load_articles reads."""
    from supportkb.generator.core.articles import iter_markdown_files

    states: dict[str, FileState] = {}
    for file_path in iter_markdown_files(articles_dir):
        try:
            stat = file_path.stat()
        except OSError:
            continue  # Vanished or a broken link: load_articles reports it, the index skips it.
        relative = PurePosixPath(file_path.relative_to(articles_dir).as_posix()).as_posix()
        states[relative] = FileState(relative, stat.st_mtime_ns, stat.st_size)
    return states


def folder_cache_key(states: Mapping[str, FileState], *, extra: str = "") -> str:
    """A key that changes whenever a file is added, removed, resized or touched."""
    digest = hashlib.sha256(f"schema={SCHEMA_VERSION}\n{extra}\n".encode())
    for path in sorted(states):
        state = states[path]
        digest.update(
            f"{path}\0{state.mtime_ns}\0{state.size}\n".encode("utf-8", "surrogateescape")
        )
    return digest.hexdigest()[:24]


def folder_cache_dir(states: Mapping[str, FileState], *, extra: str = "") -> Path:
    return user_cache_root() / f"index-{folder_cache_key(states, extra=extra)}"


def previous_cache_dir(source: str, *, exclude: Path) -> Path | None:
    """The newest other cache entry of the same folder, to copy from instead of rebuilding."""
    root = user_cache_root()
    if not root.is_dir():
        return None
    candidates: list[tuple[float, Path]] = []
    for entry in root.glob("index-*"):
        if entry == exclude:
            continue
        generation = current_generation(entry)
        manifest = _readable_manifest(generation)
        if manifest is not None and manifest.source == source:
            candidates.append((entry.stat().st_mtime, entry))
    return max(candidates)[1] if candidates else None


def prune_cache(source: str, *, keep: Path) -> None:
    """Drop stale cache entries: all but the newest one of the same folder, and the least
    recently built beyond CACHE_ENTRIES_MAX.

    One older entry of the folder is kept because a server may still be answering from it.
    """
    root = user_cache_root()
    entries: list[tuple[float, Path, bool]] = []
    for entry in root.glob("index-*"):
        if entry == keep:
            continue
        generation = current_generation(entry)
        manifest = _readable_manifest(generation)
        same_folder = manifest is not None and manifest.source == source
        built = (entry / CURRENT_FILE).stat().st_mtime if generation is not None else 0.0
        entries.append((built, entry, same_folder))
    entries.sort(reverse=True)
    spare_kept = False
    survivors = 1
    for _, entry, same_folder in entries:
        if same_folder and not spare_kept:
            spare_kept = True
        elif same_folder or survivors >= CACHE_ENTRIES_MAX:
            shutil.rmtree(entry, ignore_errors=True)
            continue
        survivors += 1
