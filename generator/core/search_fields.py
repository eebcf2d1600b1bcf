"""What an article is searched as: its sections and the text of each ranked field.

The top of the article (titled by the article) and each heading's part, as plain text; the title
field holds the aliases too (other names for the same answer), keywords hold tags, category,
product area and features. Agent search's index (search/schema.py) and the
help site's static index (generator/site/static_index.py) read one article the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from supportkb.generator.core.markdown_text import plain_text

if TYPE_CHECKING:
    from supportkb.generator.core.articles import Article


@dataclass(frozen=True)
class SearchSection:
    """A section as searched: its anchor ('' for the top of the article), heading and text."""

    anchor: str
    title: str
    text: str


def article_sections(article: Article) -> tuple[SearchSection, ...]:
    """The top of the article and every section, as plain text; a leading H1 counts as the top."""
    intro = plain_text(article.intro())
    sections = article.sections()
    if sections and sections[0].heading.level == 1 and not intro:
        intro = plain_text(sections[0].text)
        sections = sections[1:]
    # The top always counts, so a query naming the article links to the article itself.
    found = [SearchSection(anchor="", title=article.title, text=intro)]
    found.extend(SearchSection(s.heading.anchor, s.heading.title, plain_text(s.text)) for s in sections)
    return tuple(found)


def article_field_texts(article: Article, sections: tuple[SearchSection, ...]) -> dict[str, str]:
    """Ranked field name -> text: title (with aliases), questions, summary, headings, keywords, body."""
    keywords = [*article.tags, article.category or "", article.product_area or "", *article.features]
    return {
        "title": "\n".join([article.title, *article.aliases]),
        "questions": "\n".join(article.questions),
        "summary": article.summary,
        "headings": "\n".join(s.title for s in sections if s.anchor),
        "keywords": "\n".join(k.replace("-", " ").replace("_", " ") for k in keywords if k),
        "body": "\n".join(s.text for s in sections),
    }
