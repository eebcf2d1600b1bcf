"""Related articles: explicit first, then nearest by text, tags and category; never internal."""

from __future__ import annotations

from pathlib import Path

from supportkb.generator.core.articles import Article, load_articles
from supportkb.generator.site.related import find_related
from tests.conftest import write_article

TOPICS = {
    "invoice": "Invoices bill clients for tracked hours. Send the invoice, add tax, record the payment.",
    "timer": "The timer tracks hours while you work. Start the timer, stop the timer, resume the timer.",
    "budget": "A project budget caps hours or money. Budget alerts warn when the budget is nearly spent.",
}


def make_articles(root: Path) -> tuple[Article, ...]:
    for topic, text in TOPICS.items():
        for n in range(4):
            write_article(
                root / topic / f"{topic}-{n}.md",
                f"# {topic} {n}\n\n{text}\n\n## More\n\n{text} Variant {n} of {topic}.\n",
                id=f"{topic}-{n}", title=f"{topic.capitalize()} guide {n}", category=topic, tags=[topic],
            )
    return load_articles(root).articles


def test_neighbours_share_the_topic(tmp_path: Path) -> None:
    articles = make_articles(tmp_path)
    related = find_related(articles, limit=3)
    for article in articles:
        topic = article.id.split("-")[0]
        assert len(related[article.id]) == 3
        assert all(r.startswith(topic + "-") for r in related[article.id]), (article.id, related[article.id])
        assert article.id not in related[article.id]


def test_explicit_related_comes_first_in_its_order_and_limit_holds(tmp_path: Path) -> None:
    make_articles(tmp_path)
    write_article(
        tmp_path / "invoice/special.md", "Invoices for hours.\n",
        id="special", title="Special invoice", category="invoice", related=["budget-2", "timer-1", "budget-2"],
    )
    articles = load_articles(tmp_path).articles
    related = find_related(articles, limit=5)
    assert related["special"][:2] == ("budget-2", "timer-1")
    assert len(related["special"]) == 5
    assert find_related(articles, limit=1)["special"] == ("budget-2",)


def test_articles_outside_the_set_are_never_related(tmp_path: Path) -> None:
    """The plugin passes public articles only; an explicit link to an internal one is dropped."""
    make_articles(tmp_path)
    write_article(tmp_path / "timer/agents.md", TOPICS["timer"], id="agents", title="Timer runbook", category="timer", audience="internal")
    write_article(tmp_path / "timer/public.md", TOPICS["timer"], id="public", title="Timer basics", category="timer", related=["agents"])
    public = [a for a in load_articles(tmp_path).articles if not a.is_internal]
    related = find_related(public, limit=5)
    assert all("agents" not in ids for ids in related.values())
    assert related["public"][0] != "agents"


def test_limit_zero_and_lonely_articles(tmp_path: Path) -> None:
    write_article(tmp_path / "a.md", "Completely unique words zyzzyva.\n", id="a", title="Alpha")
    write_article(tmp_path / "b.md", "Other quixotic vocabulary.\n", id="b", title="Beta")
    articles = load_articles(tmp_path).articles
    assert find_related(articles, limit=0) == {"a": (), "b": ()}
    assert find_related(articles, limit=5) == {"a": (), "b": ()}


def test_a_rare_shared_word_outweighs_one_every_article_uses(tmp_path: Path) -> None:
    """Signature terms weigh by the core BM25: 'workspace' is everywhere, 'webhook' in two."""
    for name, extra in (("a", "webhook retries"), ("b", "webhook signatures"), ("c", "invoice totals"), ("d", "timer pauses")):
        write_article(
            tmp_path / f"{name}.md", f"Your workspace settings. Workspace owners manage {extra}.\n",
            id=name, title=f"Workspace {extra}",
        )
    related = find_related(load_articles(tmp_path).articles, limit=1)
    assert related["a"] == ("b",)
    assert related["b"] == ("a",)
