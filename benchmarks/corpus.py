"""Benchmark corpora: the Hugo docs mapped to supportkb's schema and scaled, plus mkdocs.yml writers.

Any benchmark that needs a large real knowledge base can use it:

    root = Path("benchmarks/work/hugo-3000")
    kb_dir = prepare_hugo_corpus(root, 3000)      # root/kb: articles/ + categories.yml
    load_articles(kb_dir / "articles")            # 3,000 articles, validate_kb finds nothing
    write_supportkb_config(root)                  # root/mkdocs.yml: our plugin, repo settings
    write_plain_docs(kb_dir, root / "plain-docs") # the same pages for MkDocs without our plugin
    write_plain_config(root)                      # root/mkdocs-plain.yml

Mapping (`content/en/` of the Hugo docs, 992 pages):
- front matter keeps only title (else linkTitle, else the file or folder name), a unique `id`,
  `summary` (from description) and `category` (the top-level folder; root pages go to `general`,
  Hugo's `templates/` becomes `templating/` because MkDocs always excludes a top-level
  `templates/` folder); other keys are dropped, so validation gives no warnings.
- links: Hugo's site-absolute links to its own pages (`/functions/strings/replace/#anchor`;
  1,258 of its 1,268 absolute links name a page) become relative `.md` links, so the corpus
  cross-links like a help center and the validator and MkDocs resolve them. Relative links are checked the way `validate_kb` checks
  them. Every link to a page that exists (and whose #anchor exists) is kept and points into the
  same copy; the rest (Hugo glossary links `[term](g)`, missing images, shortcode targets,
  emoji anchors) become their plain link text, and reference definitions with such targets are
  dropped. External and unresolved absolute links are left alone: the validator skips them.
- Hugo shortcodes `{{< … >}}` stay as text.
- scaling: copy k of the corpus lives in `<category>/copy-NN/`, titles get " (copy NN)" and ids
  "-cNN"; the last copy is cut short to reach exactly n articles, and links into the part that
  was cut become plain text.

Without our plugin MkDocs needs an `index.md`, and our plugin adds a page per category. The
plain build therefore reads `plain-docs/`: the public articles as symlinks to the same files,
plus `index.md` and `<category>/index.md` as plain Markdown lists. Both builds render the same
article pages and the same number of pages; supportkb generates its own home and category pages.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import re
import shutil
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote

import yaml

from supportkb.generator.core.articles import load_articles
from supportkb.generator.core.categories import load_categories
from supportkb.generator.core.errors import Diagnostic
from supportkb.generator.core.frontmatter import FrontMatterProblem, split_front_matter

# The validator's own patterns (_CODE_SPAN, _LINK, _REF_DEF, EXTERNAL_PREFIXES), so the links
# rewritten here are exactly the ones it checks.
from supportkb.generator.core.markdown_scan import _CODE_SPAN, _LINK, _REF_DEF, scan_markdown
from supportkb.generator.checking.validate import validate_kb
from supportkb.generator.core.links import EXTERNAL_PREFIXES

HUGO_TARBALL = Path("/work/shared/data/corpora/hugo-docs.tar.gz")
REPO_ROOT = Path(__file__).resolve().parent.parent
REPO_CONFIG = REPO_ROOT / "mkdocs.yml"

_CORPUS_VERSION = 3
"""Bump when the mapping changes, so cached corpora are rebuilt."""
_MARKER = ".corpus.json"
_CONTENT_PREFIX = "content/en/"
_RENAMED_CATEGORIES = {"templates": "templating"}  # MkDocs always excludes docs_dir/templates/.
_ROOT_CATEGORY = "general"


@dataclass(frozen=True)
class LinkEdit:
    """How to rewrite one link of a source page: retarget it, or turn it into plain text."""

    line: int
    """0-based index into the body's lines."""
    start: int
    end: int
    """Span of the whole link (or reference definition) in the line."""
    target_start: int
    target_end: int
    text: str
    """Replacement when the link becomes plain text ('' drops a reference definition line)."""
    target: PurePosixPath | None
    """Source page the link points to; None: make it plain text."""
    anchor: str
    is_reference: bool


@dataclass(frozen=True)
class SourcePage:
    """One Hugo page, mapped to supportkb's schema but not yet placed in a copy."""

    path: PurePosixPath
    """Relative to content/en/."""
    number: int
    category: str
    rest: PurePosixPath
    """Path below the category folder."""
    title: str
    summary: str
    body: str
    edits: tuple[LinkEdit, ...]

    def out_path(self, copy: int) -> PurePosixPath:
        """Where copy `copy` (0 = the original) of this page lives under kb/articles/."""
        return placed_path(self.path, copy)


def placed_path(source_path: PurePosixPath, copy: int) -> PurePosixPath:
    """kb/articles/-relative path of copy `copy` (0 = the original) of a content/en/ page."""
    category, rest = _category_and_rest(source_path)
    if copy == 0:
        return PurePosixPath(category) / rest
    return PurePosixPath(category) / f"copy-{copy:02d}" / rest


def _category_and_rest(source_path: PurePosixPath) -> tuple[str, PurePosixPath]:
    if len(source_path.parts) > 1:
        top = source_path.parts[0]
        return _RENAMED_CATEGORIES.get(top, top), PurePosixPath(*source_path.parts[1:])
    return _ROOT_CATEGORY, source_path


def prepare_hugo_corpus(dest: Path, n_articles: int) -> Path:
    """Write a knowledge base of n_articles Hugo pages under dest/kb and return that kb folder.

    Reuses dest when it already holds the same corpus; otherwise builds it in a temporary
    sibling and swaps it in.
    """
    if n_articles < 1:
        raise ValueError("n_articles must be at least 1")
    source_digest = _file_digest(HUGO_TARBALL)
    wanted = {"version": _CORPUS_VERSION, "source_sha256": source_digest, "n_articles": n_articles}
    if _read_marker(dest) == wanted:
        return dest / "kb"
    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}.tmp-", dir=dest.parent))
    try:
        pages = read_hugo_pages(HUGO_TARBALL)
        write_scaled_kb(pages, staging / "kb", n_articles)
        (staging / _MARKER).write_text(json.dumps(wanted, indent=2) + "\n", encoding="utf-8")
        if dest.exists():
            shutil.rmtree(dest)
        os.replace(staging, dest)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return dest / "kb"


def prepare_sample_kb(dest: Path, kb_dir: Path = REPO_ROOT / "kb") -> Path:
    """Copy a supportkb kb folder to dest/kb and return that copy.

    Errors that would stop a supportkb build are repaired in the copy (see repair_kb;
    dest/repairs.txt lists what changed). Always recopied: the sample KB is still changing.
    """
    staging_parent = dest.parent
    staging_parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}.tmp-", dir=staging_parent))
    try:
        shutil.copytree(kb_dir, staging / "kb", ignore=shutil.ignore_patterns(".*", "__pycache__"))
        repairs = repair_kb(staging / "kb")
        (staging / "repairs.txt").write_text("".join(f"{line}\n" for line in repairs), encoding="utf-8")
        if dest.exists():
            shutil.rmtree(dest)
        os.replace(staging, dest)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return dest / "kb"


def read_hugo_pages(tarball: Path = HUGO_TARBALL) -> tuple[SourcePage, ...]:
    """Every Markdown page under content/en/ of the tarball, mapped, with its link edits."""
    raw: dict[PurePosixPath, str] = {}
    with tarfile.open(tarball) as archive:
        for member in archive.getmembers():
            if member.isfile() and member.name.startswith(_CONTENT_PREFIX) and member.name.endswith(".md"):
                handle = archive.extractfile(member)
                assert handle is not None
                raw[PurePosixPath(member.name[len(_CONTENT_PREFIX):])] = handle.read().decode("utf-8")

    parsed: dict[PurePosixPath, tuple[dict[str, Any], str]] = {}
    anchors: dict[PurePosixPath, frozenset[str]] = {}
    for path, text in raw.items():
        match split_front_matter(text):
            case FrontMatterProblem(message=message):
                raise ValueError(f"{path}: {message}")
            case front:
                parsed[path] = (front.data, front.body)
        headings, _links = scan_markdown(front.body)
        anchors[path] = frozenset(h.anchor for h in headings)

    urls = _hugo_urls(parsed)
    pages = []
    for number, path in enumerate(sorted(parsed)):
        meta, body = parsed[path]
        category, rest = _category_and_rest(path)
        pages.append(
            SourcePage(
                path=path,
                number=number,
                category=category,
                rest=rest,
                title=_hugo_title(meta, path),
                summary=_one_line(meta.get("description")),
                body=body,
                edits=tuple(_link_edits(path, body, anchors, urls)),
            )
        )
    return tuple(pages)


def write_scaled_kb(pages: tuple[SourcePage, ...], kb_dir: Path, n_articles: int) -> None:
    """Write n_articles pages (copies of `pages` as needed) and categories.yml under kb_dir."""
    placed: list[tuple[SourcePage, int]] = []
    copy = 0
    while len(placed) < n_articles:
        placed.extend((page, copy) for page in pages[: n_articles - len(placed)])
        copy += 1
    present = {(page.path, copy) for page, copy in placed}

    articles_dir = kb_dir / "articles"
    for page, copy in placed:
        out = articles_dir / page.out_path(copy)
        out.parent.mkdir(parents=True, exist_ok=True)
        suffix = f"-c{copy:02d}" if copy else ""
        meta = {
            "title": page.title + (f" (copy {copy:02d})" if copy else ""),
            "id": f"hugo-{page.number:04d}{suffix}",
            "summary": page.summary,
            "category": page.category,
        }
        if not meta["summary"]:
            del meta["summary"]
        front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=10_000)
        out.write_text(f"---\n{front}---\n{_apply_edits(page, copy, present)}", encoding="utf-8")

    categories = sorted({page.category for page in pages})
    listing = {
        category: {"title": _humanize(category), "description": f"Hugo documentation: {_humanize(category).lower()}."}
        for category in categories
    }
    (kb_dir / "categories.yml").write_text(
        "# Generated by benchmarks/corpus.py from the Hugo docs' top-level folders.\n"
        + yaml.safe_dump(listing, sort_keys=False, allow_unicode=True),
        encoding="utf-8",
    )


def write_plain_docs(kb_dir: Path, docs_dir: Path) -> Path:
    """A docs folder for MkDocs without our plugin: the public articles and media of kb_dir as
    symlinks, plus a home page and a page per category (plain Markdown lists), as our plugin
    would add. Rebuilt from scratch each time; returns docs_dir.
    """
    articles_dir = (kb_dir / "articles").resolve()
    loaded = load_articles(articles_dir, display_root=kb_dir)
    public = [a for a in loaded.articles if not a.is_internal]
    internal = {str(a.path) for a in loaded.articles if a.is_internal}
    staging = Path(tempfile.mkdtemp(prefix=f".{docs_dir.name}.tmp-", dir=docs_dir.parent))
    try:
        for directory, folders, files in os.walk(articles_dir):
            folders[:] = sorted(f for f in folders if not f.startswith("."))
            relative = Path(directory).relative_to(articles_dir)
            (staging / relative).mkdir(parents=True, exist_ok=True)
            for name in files:
                if not name.startswith(".") and (relative / name).as_posix() not in internal:
                    (staging / relative / name).symlink_to(Path(directory) / name)
        categories = load_categories(kb_dir / "categories.yml")
        if not (staging / "index.md").exists():
            home = [f"# {_site_name()}", ""]
            home += [f"- [{c.title}]({c.id}/index.md): {c.description}" for c in categories]
            (staging / "index.md").write_text("\n".join(home) + "\n", encoding="utf-8")
        for category in categories:
            page = staging / category.id / "index.md"
            if page.exists():
                continue
            page.parent.mkdir(parents=True, exist_ok=True)
            lines = [f"# {category.title}", "", category.description, ""]
            for article in sorted((a for a in public if a.category == category.id), key=lambda a: a.title.lower()):
                link = posixpath.relpath(str(article.path), category.id)
                lines.append(f"- [{article.title}]({link})" + (f": {article.summary}" if article.summary else ""))
            page.write_text("\n".join(lines) + "\n", encoding="utf-8")
        if docs_dir.exists():
            shutil.rmtree(docs_dir)
        os.replace(staging, docs_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return docs_dir


_PLAIN_TEXT_CODES = frozenset({"missing-article", "missing-file", "missing-anchor", "public-links-internal"})
_PLACEHOLDER_SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>\n'
_PLACEHOLDER_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)


def repair_kb(kb_dir: Path) -> list[str]:
    """Fix, in place, the validation errors of a work-in-progress KB so it can be built at all.

    Missing images get a 1-pixel placeholder, broken links become their plain text, and unknown
    ids are dropped from `related`. Returns one line per repair; other errors are left alone.
    """
    repairs: list[str] = []
    for _attempt in range(3):
        _articles, findings = check_kb(kb_dir)
        fixable = [f for f in findings if f.is_error and (f.code in _PLAIN_TEXT_CODES or f.code in ("missing-image", "missing-related"))]
        if not fixable:
            break
        by_file: dict[str, list[Diagnostic]] = {}
        for finding in fixable:
            by_file.setdefault(finding.path, []).append(finding)
        for shown, file_findings in by_file.items():
            repairs.extend(_repair_file(kb_dir / shown, file_findings, shown=shown))
    return repairs


def _repair_file(path: Path, findings: list[Diagnostic], *, shown: str) -> list[str]:
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    repairs: list[str] = []
    for finding in sorted(findings, key=lambda f: (f.line, f.col), reverse=True):
        where = f"{shown}:{finding.line}:{finding.col}"
        if finding.code == "missing-related":
            continue  # Front matter is rewritten below, once per file.
        full = lines[finding.line - 1]
        content = full.rstrip("\r\n")
        masked = _CODE_SPAN.sub(lambda m: " " * len(m.group(0)), content)
        link = _LINK.match(masked, finding.col - 1)
        if finding.code == "missing-image" and link:
            target = unquote(link.group(3).split("#", 1)[0].split("?", 1)[0])
            image = (path.parent / target).resolve()
            image.parent.mkdir(parents=True, exist_ok=True)
            if image.suffix.lower() == ".png":
                image.write_bytes(_PLACEHOLDER_PNG)
            else:
                image.write_text(_PLACEHOLDER_SVG, encoding="utf-8")
            repairs.append(f"{where}: placeholder image for {link.group(3)}")
        elif link:
            content = content[: link.start()] + content[link.start(2) : link.end(2)] + content[link.end() :]
            lines[finding.line - 1] = content + full[len(full.rstrip("\r\n")) :]
            repairs.append(f"{where}: link to {link.group(3)} made plain text")
        elif _REF_DEF.match(masked):
            lines[finding.line - 1] = full[len(full.rstrip("\r\n")) :]
            repairs.append(f"{where}: reference definition dropped")
    text = "".join(lines)
    missing_related = [f for f in findings if f.code == "missing-related"]
    if missing_related:
        front = split_front_matter(text)
        assert not isinstance(front, FrontMatterProblem)
        bad = {m.group(1) for m in (re.search(r"'(.*)'", f.message) for f in missing_related) if m}
        meta = dict(front.data)
        meta["related"] = [r for r in meta.get("related", []) if str(r) not in bad]
        if not meta["related"]:
            del meta["related"]
        dumped = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=10_000)
        text = f"---\n{dumped}---\n{front.body}"
        repairs.append(f"{shown}: dropped unknown related ids {sorted(bad)}")
    path.write_text(text, encoding="utf-8")
    return repairs


def check_kb(kb_dir: Path) -> tuple[int, list[Diagnostic]]:
    """Number of articles and the findings of validate_kb (none for a clean corpus)."""
    loaded = load_articles(kb_dir / "articles", display_root=kb_dir)
    findings = validate_kb(loaded, load_categories(kb_dir / "categories.yml"))
    return len(loaded.articles), findings


def count_pages(docs_dir: Path) -> int:
    """Markdown pages MkDocs will render from docs_dir."""
    return sum(1 for _ in docs_dir.rglob("*.md"))


# -- mkdocs.yml writers ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Tagged:
    """A YAML value with a custom tag (mkdocs.yml's `!ENV [NAME, default]`), kept for rewriting."""

    tag: str
    value: Any


class _TagKeepingLoader(yaml.SafeLoader):
    """Reads mkdocs.yml keeping tags such as !ENV for MkDocs to evaluate later."""


class _TagKeepingDumper(yaml.SafeDumper):
    """Writes _Tagged values back with their tags."""


def _construct_tagged(loader: yaml.SafeLoader, tag_suffix: str, node: yaml.Node) -> _Tagged:
    if isinstance(node, yaml.SequenceNode):
        return _Tagged("!" + tag_suffix, loader.construct_sequence(node, deep=True))
    if isinstance(node, yaml.MappingNode):
        return _Tagged("!" + tag_suffix, loader.construct_mapping(node, deep=True))
    return _Tagged("!" + tag_suffix, loader.construct_scalar(node))  # type: ignore[arg-type]


def _represent_tagged(dumper: yaml.SafeDumper, data: _Tagged) -> yaml.Node:
    if isinstance(data.value, list):
        return dumper.represent_sequence(data.tag, data.value, flow_style=True)
    if isinstance(data.value, dict):
        return dumper.represent_mapping(data.tag, data.value)
    return dumper.represent_scalar(data.tag, str(data.value))


_TagKeepingLoader.add_multi_constructor("!", _construct_tagged)
_TagKeepingDumper.add_representer(_Tagged, _represent_tagged)


def repo_settings() -> dict[str, Any]:
    """The repository's mkdocs.yml as plain data (custom tags such as !ENV kept as they are)."""
    return yaml.load(REPO_CONFIG.read_text(encoding="utf-8"), Loader=_TagKeepingLoader)


def write_supportkb_config(root: Path, *, name: str = "mkdocs.yml") -> Path:
    """mkdocs.yml for root/kb/articles with the repository's settings: search + supportkb."""
    config = _base_config(root)
    return _write_config(root / name, config)


def write_plain_config(root: Path, *, name: str = "mkdocs-plain.yml", category_nav: bool = False) -> Path:
    """The same config without supportkb, reading root/plain-docs (see write_plain_docs):
    Material with navigation.prune, plugins: [search].

    category_nav: give it the nav our plugin sets (Home + category pages) instead of MkDocs'
    automatic one, so that a comparison with supportkb isolates the plugin's own cost.
    """
    config = _base_config(root)
    config["docs_dir"] = str((root / "plain-docs").resolve())
    config["plugins"] = [p for p in config["plugins"] if _plugin_name(p) != "supportkb"]
    features = config.setdefault("theme", {}).setdefault("features", [])
    if "navigation.prune" not in features:
        features.append("navigation.prune")  # The default nav is quadratic (BENCHMARKS.md).
    if category_nav:
        categories = load_categories(root / "kb" / "categories.yml")
        config["nav"] = [{"Home": "index.md"}] + [{c.title: f"{c.id}/index.md"} for c in categories]
        config["validation"] = {"nav": {"omitted_files": "ignore"}}  # The plugin sets DEBUG.
    return _write_config(root / name, config)


def _base_config(root: Path) -> dict[str, Any]:
    config = repo_settings()
    config["docs_dir"] = str((root / "kb" / "articles").resolve())
    config["site_dir"] = str((root / "site").resolve())
    config.pop("nav", None)
    return config


def _write_config(path: Path, config: dict[str, Any]) -> Path:
    text = "# Generated by benchmarks/corpus.py from the repository's mkdocs.yml.\n" + yaml.dump(
        config, Dumper=_TagKeepingDumper, sort_keys=False, allow_unicode=True
    )
    temp = path.with_name(path.name + ".tmp")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)
    return path


def _plugin_name(entry: Any) -> str:
    return next(iter(entry)) if isinstance(entry, dict) else str(entry)


def _site_name() -> str:
    return str(repo_settings().get("site_name", ""))


# -- mapping helpers ---------------------------------------------------------------------------


def _hugo_title(meta: dict[str, Any], path: PurePosixPath) -> str:
    for key in ("title", "linkTitle", "linktitle"):
        title = _one_line(meta.get(key))
        if title:
            return title
    stem = path.parent.name if path.stem in ("_index", "index") and path.parent.name else path.stem
    return _humanize(stem.lstrip("_"))


def _humanize(name: str) -> str:
    words = re.sub(r"[-_]+", " ", name).strip()
    return words[:1].upper() + words[1:] if words else name


def _one_line(value: Any) -> str:
    if value is None or isinstance(value, (dict, list, bool)):
        return ""
    return " ".join(str(value).split())


def _hugo_urls(parsed: dict[PurePosixPath, tuple[dict[str, Any], str]]) -> dict[str, PurePosixPath]:
    """Hugo's URL of every page ('/functions/strings/replace/', lowercased) -> its source path."""
    urls: dict[str, PurePosixPath] = {}
    for path, (meta, _body) in parsed.items():
        parts = list(path.with_suffix("").parts)
        if parts[-1] in ("_index", "index"):
            parts.pop()
        if meta.get("slug") and parts:
            parts[-1] = str(meta["slug"])
        urls[_url_key("/" + "/".join(parts))] = path
        if meta.get("url"):
            urls.setdefault(_url_key(str(meta["url"])), path)
    return urls


def _url_key(url: str) -> str:
    url = url.split("?", 1)[0].lower()
    return url if url.endswith("/") else url + "/"


def _link_edits(path: PurePosixPath, body: str, anchors: dict[PurePosixPath, frozenset[str]], urls: dict[str, PurePosixPath]) -> list[LinkEdit]:
    """Edits for the relative links of one page, found the way the validator's scanner finds them."""
    lines = body.splitlines()
    _headings, links = scan_markdown(body, first_line=0)
    edits: list[LinkEdit] = []
    for number in sorted({link.line for link in links}):
        line = lines[number]
        masked = _CODE_SPAN.sub(lambda m: " " * len(m.group(0)), line)
        for match in _LINK.finditer(masked):
            edit = _edit_for(path, match.group(3), anchors, urls)
            if edit is not None:
                target, anchor = edit
                edits.append(LinkEdit(number, match.start(), match.end(), match.start(3), match.end(3), line[match.start(2):match.end(2)], target, anchor, is_reference=False))
        ref = _REF_DEF.match(masked)
        if ref:
            edit = _edit_for(path, ref.group(2), anchors, urls)
            if edit is not None:
                target, anchor = edit
                edits.append(LinkEdit(number, 0, len(line), ref.start(2), ref.end(2), "", target, anchor, is_reference=True))
    return edits


def _edit_for(
    path: PurePosixPath, raw_target: str, anchors: dict[PurePosixPath, frozenset[str]], urls: dict[str, PurePosixPath]
) -> tuple[PurePosixPath | None, str] | None:
    """None: leave the link alone; (page, anchor): retarget; (None, ''): make it plain text."""
    target = raw_target.strip()
    if not target or target.lower().startswith(EXTERNAL_PREFIXES):
        return None
    file_part, _, anchor = target.partition("#")
    file_part = unquote(file_part.split("?", 1)[0])
    if target.startswith("/"):
        page = urls.get(_url_key(file_part))
        if page is None:
            return None  # The validator skips site-absolute links.
        return (page, anchor) if not anchor or anchor in anchors[page] else (None, "")
    if not file_part:
        return None if not anchor or anchor in anchors[path] else (None, "")
    resolved = PurePosixPath(posixpath.normpath(posixpath.join(str(path.parent), file_part)))
    if resolved in anchors and (not anchor or anchor in anchors[resolved]):
        return resolved, anchor
    return None, ""


def _apply_edits(page: SourcePage, copy: int, present: set[tuple[PurePosixPath, int]]) -> str:
    if not page.edits:
        return page.body
    lines = page.body.splitlines(keepends=True)
    here = page.out_path(copy).parent
    by_line: dict[int, list[LinkEdit]] = {}
    for edit in page.edits:
        by_line.setdefault(edit.line, []).append(edit)
    for number, edits in by_line.items():
        full = lines[number]
        content = full.rstrip("\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
        ending = full[len(content):]
        for edit in sorted(edits, key=lambda e: e.start, reverse=True):
            if edit.target is not None and (edit.target, copy) in present:
                new_target = posixpath.relpath(str(placed_path(edit.target, copy)), str(here))
                if edit.anchor:
                    new_target += "#" + edit.anchor
                content = content[: edit.target_start] + new_target + content[edit.target_end :]
            else:
                content = content[: edit.start] + edit.text + content[edit.end :]
        lines[number] = content + ending
    return "".join(lines)


def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _read_marker(dest: Path) -> dict[str, Any] | None:
    try:
        return json.loads((dest / _MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
