"""The supportkb MkDocs plugin: validates articles, keeps internal ones off the site, builds atomically."""

from __future__ import annotations

import logging
import os
import posixpath
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup, escape
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files

from supportkb.generator.site.article_page import with_article_header
from supportkb.generator.core.articles import Article, LoadResult, is_unrendered_markdown_name, load_articles
from supportkb.generator.core.categories import Category, help_center_categories, load_categories
from supportkb.generator.site.config import SupportKBConfig
from supportkb.generator.core.embeddings import load_embedder
from supportkb.generator.core.errors import KBError
from supportkb.generator.site.pages import (
    ArticleLink,
    HomeView,
    article_link,
    category_page_markdown,
    category_src_uri,
    home_page_markdown,
    home_view,
    load_featured_ids,
)
from supportkb.generator.site.redirects import Redirect, plan_redirects, stable_url, write_redirects
from supportkb.generator.site.related import find_related, has_own_related_section
from supportkb.generator.site.seo import ROBOTS_FILE, absolute_url, open_graph, robots_txt
from supportkb.generator.core.synonyms import load_synonyms
from supportkb.generator.site.site_search import (
    SearchView,
    add_aliases_to_material_index,
    build_pagefind_index,
    pagefind_executable,
    write_static_index,
)
from supportkb.generator.site.static_index import IndexedArticle, build_static_index, indexed_article
from supportkb.generator.site.sitedir import SiteSwap, SiteSwapError
from supportkb.generator.checking.validate import validate_kb
from supportkb.generator.site.views import ArticleView, Breadcrumb, SiteView

if TYPE_CHECKING:
    from jinja2 import Environment
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page
    from mkdocs.utils.templates import TemplateContext

log = get_plugin_logger(__name__)

_SWAP_COMMANDS = ("build", "gh-deploy")
THEME_DIR = Path(__file__).parent / "theme"
"""Jinja overrides and assets layered over Material (after a project's own custom_dir)."""
ASSETS = ("assets/supportkb/help.css", "assets/supportkb/help.js")
_ICON_NAME = re.compile(r"^[a-z0-9-]+/[a-z0-9-]+$")
_COLOR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


class _WarningCounter(logging.Handler):
    """Counts warnings so a strict build can refuse to swap in a site MkDocs will then abort."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


class SupportKBPlugin(BasePlugin[SupportKBConfig]):
    """Turns kb/articles into a help center site."""

    supports_multiple_instances = False

    def __init__(self) -> None:
        self.command = "build"
        self._reset()

    def _reset(self) -> None:
        self.loaded: LoadResult | None = None
        self.categories: tuple[Category, ...] = ()
        self.articles_by_src: dict[str, Article] = {}
        self.category_by_src: dict[str, Category] = {}
        self.article_views: dict[str, ArticleView] = {}
        self.home: HomeView | None = None
        self.site_view: SiteView | None = None
        self.redirects: tuple[Redirect, ...] = ()
        self.aliases_by_url: dict[str, tuple[str, ...]] = {}
        self.search_articles: list[IndexedArticle] = []
        self.search_categories: list[tuple[str, str]] = []
        self.synonyms: dict[str, list[str]] = {}
        self.swap: SiteSwap | None = None
        self.warnings: _WarningCounter | None = None
        self.pages_rendered = 0
        self.pages_total = 0

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        self._reset()
        if config.strict:  # First, so the articles' warnings below are counted too.
            self.warnings = _WarningCounter()
            logging.getLogger("mkdocs").addHandler(self.warnings)
        try:
            self.categories = load_categories(self.kb_dir(config) / "categories.yml")
            if self.config.search == "pagefind":
                pagefind_executable()  # Fail before building, not after.
            if self.config.search == "kb":
                self.synonyms = load_synonyms(self.kb_dir(config) / "synonyms.yml")
            load_embedder(self.config.embedding_backend)  # Fail before building (loaded once; related articles use it).
        except KBError as exc:
            raise PluginError(str(exc)) from exc
        # Before MkDocs walks docs_dir (it follows every link, out of the folder and round loops):
        # the same loading and rules as `kb check`, so a refused layout never reaches that walk.
        self.loaded = self._load_and_validate(config)
        # A folder categories.yml does not list still gets its category page, titled from its name.
        self.categories = help_center_categories(self.categories, self.loaded.articles)
        config.validation.nav.omitted_files = logging.DEBUG  # Articles are reached through category pages.
        self._configure_theme(config)
        self._configure_search(config)
        if self.config.atomic and self.command in _SWAP_COMMANDS:
            try:
                self.swap = SiteSwap.begin(Path(config.site_dir))
            except SiteSwapError as exc:
                raise PluginError(str(exc)) from exc
            config.site_dir = str(self.swap.staging_dir)
        return config

    def _configure_theme(self, config: MkDocsConfig) -> None:
        if config.theme.name != "material":
            raise PluginError(f"supportkb needs 'theme: name: material', not {config.theme.name!r}")
        color = self.config.brand_color
        if color is not None and not _COLOR.match(color):
            raise PluginError(f"supportkb: brand_color must look like #0f766e, not {color!r}")
        dirs = config.theme.dirs
        if str(THEME_DIR) not in dirs:
            dirs.insert(1 if config.theme.custom_dir else 0, str(THEME_DIR))
        for asset in ASSETS:
            extra = config.extra_css if asset.endswith(".css") else config.extra_javascript
            if asset not in [str(e) for e in extra]:
                extra.append(asset)  # type: ignore[arg-type]
        self.site_view = SiteView(
            search=self.config.search,
            feedback_endpoint=self.config.feedback_endpoint.strip(),
            events_endpoint=self.config.events_endpoint.strip(),
            brand_color=color,
            tagline=self.config.tagline,
            stable_links=self.config.stable_links,
        )

    def _configure_search(self, config: MkDocsConfig) -> None:
        search = config.plugins.get("material/search") or config.plugins.get("search")
        if search is None:
            return
        if self.config.search in ("kb", "pagefind"):
            search.config.enabled = False  # Replaced; no index for every visitor to download.
            return
        fields = search.config.get("fields")
        if isinstance(fields, dict):
            fields.setdefault("aliases", {"boost": 1e3})

    def kb_dir(self, config: MkDocsConfig) -> Path:
        if self.config.kb_dir:
            return Path(config.config_file_path or ".").parent / self.config.kb_dir
        docs = Path(config.docs_dir)
        return docs.parent if docs.name == "articles" else docs

    def _load_and_validate(self, config: MkDocsConfig) -> LoadResult:
        try:
            loaded = load_articles(config.docs_dir)
        except KBError as exc:
            raise PluginError(str(exc)) from exc
        findings = validate_kb(loaded, self.categories, strict=self.config.strict, stable_links=self.config.stable_links)
        for finding in findings:
            if not finding.is_error:
                log.warning(finding.format())
        errors = [f for f in findings if f.is_error]
        if errors:
            raise _kb_errors(errors)
        return loaded

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files | None:
        loaded = self.loaded
        assert loaded is not None, "on_config loads the articles"
        _keep_only_loaded_sources(files, loaded, config)

        public: list[Article] = []
        urls: dict[str, str] = {}
        for article in loaded.articles:
            file = files.get_file_from_path(str(article.path))
            if file is None:
                continue
            if article.is_internal:
                files.remove(file)  # Agent-only: never rendered, indexed, listed or redirected to.
            elif not file.inclusion.is_included():
                log.warning(f"{loaded.shown_path(article)}: not published: mkdocs.yml's exclude_docs (or MkDocs' templates/ rule) leaves it out")
            else:
                self.articles_by_src[file.src_uri] = article
                public.append(article)
                urls[article.id] = file.url

        if files.get_file_from_path("index.md") is None:
            files.append(File.generated(config, "index.md", content=home_page_markdown(config.site_name)))
        category_urls: dict[str, str] = {}
        for category in self.categories:
            src_uri = category_src_uri(category)
            # A folder's own index.md or README.md (MkDocs serves either at the folder's URL) is its page.
            existing = files.get_file_from_path(src_uri) or files.get_file_from_path(f"{category.id}/README.md")
            if existing is None:
                page_url = f"{category.id}/" if config.use_directory_urls else f"{category.id}/index.html"
                in_category = [a for a in public if a.category == category.id]
                content = category_page_markdown(category, in_category, urls, page_url=page_url)
                existing = File.generated(config, src_uri, content=content)
                files.append(existing)
            category_urls[category.id] = existing.url
            self.category_by_src[existing.src_uri] = category
        # Nav titles reach Material's templates unescaped; categories.yml is writers' text.
        config.nav = [{"Home": "index.md"}] + [
            {Markup(escape(c.title)): next(src for src, listed in self.category_by_src.items() if listed is c)}
            for c in self.categories
        ]

        try:
            featured_ids = load_featured_ids(self.kb_dir(config))
        except KBError as exc:
            raise PluginError(str(exc)) from exc
        self.home = home_view(
            self.categories, public, urls, category_urls,
            featured_ids=featured_ids, featured_limit=self.config.featured_limit,
            icon_exists=lambda name: _icon_exists(config, name),
        )
        self._plan_articles(public, urls, category_urls)
        if self.config.search == "kb":
            self._plan_search(public, urls, category_urls)
        self._plan_redirects(loaded, public, urls, files, config)
        self.pages_total = len(files.documentation_pages())
        return files

    def _plan_articles(self, public: list[Article], urls: dict[str, str], category_urls: dict[str, str]) -> None:
        related = find_related(public, limit=self.config.related_limit, embeddings=self.config.embedding_backend)
        by_id = {a.id: a for a in public}
        categories = {c.id: c for c in self.categories}
        for article in public:
            category = categories.get(article.category or "")
            crumbs = [Breadcrumb("Home", "")]
            if category is not None and category.id in category_urls:
                crumbs.append(Breadcrumb(category.title, category_urls[category.id]))
            links: tuple[ArticleLink, ...] = tuple(article_link(by_id[i], urls) for i in related.get(article.id, ()))
            self.article_views[article.id] = ArticleView(
                id=article.id,
                title=article.title,
                url=urls[article.id],
                stable_url=stable_url(article.id) if self.config.stable_links else urls[article.id],
                breadcrumbs=tuple(crumbs),
                related=() if has_own_related_section(article) else links,  # The writer's own list wins.
                aliases=article.aliases,
                tags=article.tags,
                category=category.title if category else "",
            )
            if article.aliases:
                self.aliases_by_url[urls[article.id]] = article.aliases

    def _plan_search(self, public: list[Article], urls: dict[str, str], category_urls: dict[str, str]) -> None:
        titles = {c.id: c.title for c in self.categories}
        self.search_articles = [
            indexed_article(a, url=urls[a.id], category=titles.get(a.category or "", "")) for a in public
        ]
        self.search_categories = [(c.title, category_urls[c.id]) for c in self.categories if c.id in category_urls]

    def _plan_redirects(self, loaded: LoadResult, public: list[Article], urls: dict[str, str], files: Files, config: MkDocsConfig) -> None:
        taken = {f.dest_uri for f in files}
        shown = {a.id: loaded.shown_path(a) for a in public}
        redirects, problems = plan_redirects(public, urls, taken=taken, shown_path=shown, with_id_links=self.config.stable_links)
        if problems:
            raise _kb_errors(list(problems))
        self.redirects = redirects

    def on_env(self, env: Environment, /, *, config: MkDocsConfig, files: Files) -> Environment | None:
        env.globals["kb"] = self.site_view
        env.globals["kb_search"] = SearchView(
            engine=self.config.search,
            endpoint=self.config.search_endpoint.strip(),
            contact_url=self.config.contact_url.strip(),
        )
        return env

    def on_page_markdown(self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        self.pages_rendered += 1
        every = self.config.progress_every
        if every and self.pages_total >= every and self.pages_rendered % every == 0:
            log.info(f"rendered {self.pages_rendered}/{self.pages_total} pages")
        _escape_meta(page.meta)
        article = self.articles_by_src.get(page.file.src_uri)
        if article is not None and article.summary and not page.meta.get("description"):
            page.meta["description"] = Markup(escape(article.summary))
        return markdown

    def on_page_content(self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        article = self.articles_by_src.get(page.file.src_uri)
        if article is not None:
            html = with_article_header(html, article)
        if page.title is not None and not isinstance(page.title, Markup):
            page.title = Markup(escape(page.title))  # Material prints page.title unescaped.
        return html

    def on_page_context(self, context: TemplateContext, /, *, page: Page, config: MkDocsConfig, nav: Navigation) -> TemplateContext | None:
        article = self.articles_by_src.get(page.file.src_uri)
        view = self.article_views.get(article.id) if article is not None else None
        category = self.category_by_src.get(page.file.src_uri)
        context["kb_article"] = view
        context["kb_home"] = self.home if page.is_homepage else None
        if view is not None:
            context["kb_breadcrumbs"] = view.breadcrumbs
        elif category is not None:
            context["kb_breadcrumbs"] = (Breadcrumb("Home", ""),)
        else:
            context["kb_breadcrumbs"] = ()
        description = _plain(page.meta.get("description") or config.site_description or "")
        context["kb_og"] = open_graph(
            title=_plain(page.title or config.site_name),
            description=description,
            canonical_url=page.canonical_url,
            site_name=config.site_name,
            is_article=view is not None,
            image=_logo_url(config),
        )
        return context

    @event_priority(-100)  # Last, so other plugins' post-build output lands in the staged site too.
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.warnings is not None:
            logging.getLogger("mkdocs").removeHandler(self.warnings)
            if self.warnings.count:
                return  # MkDocs aborts a strict build with warnings next; on_build_error cleans up.
        self._write_extras(Path(config.site_dir), config)
        if self.swap is not None:
            try:
                self.swap.commit()
            except SiteSwapError as exc:
                raise PluginError(str(exc)) from exc
            config.site_dir = str(self.swap.site_dir)
            self.swap = None

    def _write_extras(self, site_dir: Path, config: MkDocsConfig) -> None:
        """Redirect pages, robots.txt and the search index extras, into the (staged) site."""
        try:
            write_redirects(site_dir, self.redirects, site_url=config.site_url)
            robots = site_dir / ROBOTS_FILE
            if not robots.exists():
                robots.write_text(robots_txt(config.site_url), encoding="utf-8")
            if self.config.search == "pagefind":
                run = build_pagefind_index(site_dir)
                log.info(f"pagefind indexed the site in {run.seconds:.1f} s")
            elif self.config.search == "kb":
                index = build_static_index(self.search_articles, synonyms=self.synonyms, categories=self.search_categories)
                write_static_index(site_dir, index)
                log.info(f"search index: {index.article_count} articles, {index.word_count} words")
            else:
                add_aliases_to_material_index(site_dir, self.aliases_by_url)
        except (KBError, OSError) as exc:
            raise PluginError(str(exc)) from exc

    def on_build_error(self, *, error: Exception) -> None:
        if self.warnings is not None:
            logging.getLogger("mkdocs").removeHandler(self.warnings)
        if self.swap is not None:
            self.swap.abandon()
            self.swap = None


def _keep_only_loaded_sources(files: Files, loaded: LoadResult, config: MkDocsConfig) -> None:
    """Drop from the docs folder's files every page the loader did not read, and anything from outside it.

    MkDocs renders every Markdown file it finds and follows links anywhere; the site must hold only
    what load_articles read (internal ones are removed after) and no file whose real path lies outside
    docs_dir, whatever happened to the folder since it was checked. Theme files and generated pages
    do not come from docs_dir and are left alone.
    """
    docs_dir = os.path.abspath(config.docs_dir)
    real_docs = os.path.realpath(docs_dir)
    read = {str(article.path) for article in loaded.articles}
    for file in list(files):
        if file.generated_by is not None or file.src_dir is None or os.path.abspath(file.src_dir) != docs_dir:
            continue
        real = os.path.realpath(file.abs_src_path or "")
        outside = not (real == real_docs or real.startswith(real_docs.rstrip(os.sep) + os.sep))
        is_page = file.is_documentation_page() or is_unrendered_markdown_name(posixpath.basename(file.src_uri))
        if outside:
            log.warning(f"not published: {file.src_uri} leads outside the articles folder")
            files.remove(file)
        elif is_page and file.src_uri not in read:
            log.debug(f"not published: {file.src_uri} is not an article the loader read")
            files.remove(file)


def _kb_errors(errors: list[Any]) -> PluginError:
    listing = "\n".join(f.format() for f in errors)
    return PluginError(f"{len(errors)} error(s) in the knowledge base; the site was not changed.\n{listing}")


def _escape_meta(meta: dict[str, Any]) -> None:
    """Material's templates print page.meta title and description unescaped: escape them once here."""
    for key in ("title", "description"):
        value = meta.get(key)
        if value is not None and not isinstance(value, Markup):
            meta[key] = Markup(escape(str(value)))
    tags = meta.get("tags")
    if isinstance(tags, list):
        meta["tags"] = [Markup(escape(str(t))) for t in tags if not isinstance(t, (dict, list))]


def _plain(value: object) -> str:
    """Text without the escaping _escape_meta added (templates escape it again)."""
    return value.unescape() if isinstance(value, Markup) else str(value)


def _icon_exists(config: MkDocsConfig, name: str) -> bool:
    return bool(_ICON_NAME.match(name)) and any((Path(d) / ".icons" / f"{name}.svg").is_file() for d in config.theme.dirs)


def _logo_url(config: MkDocsConfig) -> str | None:
    logo = config.theme.get("logo")
    return absolute_url(config.site_url, logo) if isinstance(logo, str) else None
