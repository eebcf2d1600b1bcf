"""The supportkb MkDocs plugin: validates articles, keeps internal ones off the site, builds atomically."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files

from generator.articles import Article, LoadResult, load_articles
from generator.categories import Category, load_categories
from generator.config import SupportKBConfig
from generator.errors import KBError
from generator.pages import category_page_markdown, home_page_markdown
from generator.sitedir import SiteSwap, SiteSwapError
from generator.validate import validate_kb

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.pages import Page

log = get_plugin_logger(__name__)

_SWAP_COMMANDS = ("build", "gh-deploy")


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
        self.swap: SiteSwap | None = None
        self.warnings: _WarningCounter | None = None
        self.pages_rendered = 0
        self.pages_total = 0

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        self._reset()
        try:
            self.categories = load_categories(self.kb_dir(config) / "categories.yml")
        except KBError as exc:
            raise PluginError(str(exc)) from exc
        config.nav = [{"Home": "index.md"}] + [{c.title: f"{c.id}/index.md"} for c in self.categories]
        config.validation.nav.omitted_files = logging.DEBUG  # Articles are reached through category pages.
        if self.config.atomic and self.command in _SWAP_COMMANDS:
            try:
                self.swap = SiteSwap.begin(Path(config.site_dir))
            except SiteSwapError as exc:
                raise PluginError(str(exc)) from exc
            config.site_dir = str(self.swap.staging_dir)
        if config.strict:
            self.warnings = _WarningCounter()
            logging.getLogger("mkdocs").addHandler(self.warnings)
        return config

    def kb_dir(self, config: MkDocsConfig) -> Path:
        if self.config.kb_dir:
            return Path(config.config_file_path or ".").parent / self.config.kb_dir
        docs = Path(config.docs_dir)
        return docs.parent if docs.name == "articles" else docs

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files | None:
        loaded = load_articles(config.docs_dir)
        self.loaded = loaded
        findings = validate_kb(loaded, self.categories, strict=self.config.strict)
        for finding in findings:
            if not finding.is_error:
                log.warning(finding.format())
        errors = [f for f in findings if f.is_error]
        if errors:
            listing = "\n".join(f.format() for f in errors)
            raise PluginError(f"{len(errors)} error(s) in the knowledge base; the site was not changed.\n{listing}")

        public = [a for a in loaded.articles if not a.is_internal]
        for article in loaded.articles:
            file = files.get_file_from_path(str(article.path))
            if file is None:
                continue
            if article.is_internal:
                files.remove(file)  # Agent-only: never rendered, indexed or listed.
            else:
                self.articles_by_src[file.src_uri] = article

        if files.get_file_from_path("index.md") is None:
            files.append(File.generated(config, "index.md", content=home_page_markdown(config.site_name, self.categories, public)))
        for category in self.categories:
            src_uri = f"{category.id}/index.md"
            if files.get_file_from_path(src_uri) is None:
                in_category = [a for a in public if a.category == category.id]
                files.append(File.generated(config, src_uri, content=category_page_markdown(category, in_category)))
        self.pages_total = len(files.documentation_pages())
        return files

    def on_page_markdown(self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        self.pages_rendered += 1
        every = self.config.progress_every
        if every and self.pages_total >= every and self.pages_rendered % every == 0:
            log.info(f"rendered {self.pages_rendered}/{self.pages_total} pages")
        return markdown

    @event_priority(-100)  # Last, so other plugins' post-build output lands in the staged site too.
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.warnings is not None:
            logging.getLogger("mkdocs").removeHandler(self.warnings)
            if self.warnings.count:
                return  # MkDocs aborts a strict build with warnings next; on_build_error cleans up.
        if self.swap is not None:
            try:
                self.swap.commit()
            except SiteSwapError as exc:
                raise PluginError(str(exc)) from exc
            config.site_dir = str(self.swap.site_dir)
            self.swap = None

    def on_build_error(self, *, error: Exception) -> None:
        if self.warnings is not None:
            logging.getLogger("mkdocs").removeHandler(self.warnings)
        if self.swap is not None:
            self.swap.abandon()
            self.swap = None

