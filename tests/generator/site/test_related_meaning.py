"""Related articles by meaning: fused with the neighbours by words; `none` keeps words only."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from supportkb.generator.core.articles import load_articles
from supportkb.generator.core.embeddings import normalise_rows
from supportkb.generator.site.related import RelatedScore, find_related, fuse_with_meaning, nearest_articles
from tests.conftest import write_article


class TopicEmbedder:
    """A fake backend: refunds and reimbursements mean the same, passwords something else."""

    name = "topics-3"
    dimensions = 3

    def embed(self, texts):  # type: ignore[no-untyped-def]
        out = np.zeros((len(texts), 3), np.float32)
        for row, text in enumerate(texts):
            lowered = text.lower()
            out[row] = [
                ("refund" in lowered) + ("reimburse" in lowered),
                "password" in lowered,
                0.05,
            ]
        return normalise_rows(out)


def write_kb(root: Path) -> None:
    write_article(root / "refunds.md", "Refunds reach your card in 5 days.\n", id="refunds", title="Refunds")
    write_article(root / "reimburse.md", "Reimbursement of expenses to staff.\n", id="reimburse", title="Reimburse staff")
    write_article(root / "password.md", "Reset your password from the login page.\n", id="password", title="Passwords")
    write_article(root / "login.md", "The login page: reset a forgotten password.\n", id="login", title="Log in")


def test_meaning_adds_a_neighbour_that_shares_no_word(tmp_path: Path) -> None:
    write_kb(tmp_path)
    articles = load_articles(tmp_path).articles
    by_words = nearest_articles(articles, limit=3)
    assert "reimburse" not in [n.id for n in by_words["refunds"]]
    fused = fuse_with_meaning(articles, by_words, TopicEmbedder(), limit=3)  # type: ignore[arg-type]
    assert fused["refunds"][0].id == "reimburse"
    assert all(isinstance(n, RelatedScore) for n in fused["refunds"])
    # A neighbour by words stays; one by neither words nor meaning does not appear.
    assert [n.id for n in fused["password"]][0] == "login"
    assert "refunds" not in [n.id for n in fused["password"]]


def test_embeddings_none_is_words_only(tmp_path: Path) -> None:
    write_kb(tmp_path)
    articles = load_articles(tmp_path).articles
    words_only = find_related(articles, limit=3, embeddings="none")
    assert words_only["refunds"] == tuple(n.id for n in nearest_articles(articles, limit=3)["refunds"])
    with_default = find_related(articles, limit=3)  # the shipped model: still a valid answer
    assert set(with_default) == {a.id for a in articles}
    assert all("refunds" not in ids for article_id, ids in with_default.items() if article_id == "refunds")


def test_the_build_uses_embedding_backend_and_refuses_an_unknown_one_before_building(tmp_path: Path) -> None:
    import subprocess
    import sys

    from tests.generator.kbproject import MKDOCS_YML

    write_kb(tmp_path / "kb/articles")
    config = MKDOCS_YML.replace("  - supportkb", "  - supportkb:\n      embedding_backend: nosuch", 1)
    assert config != MKDOCS_YML
    (tmp_path / "mkdocs.yml").write_text(config, encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "mkdocs", "build"], capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 1
    assert "unknown embedding backend 'nosuch'" in run.stderr and "Traceback" not in run.stderr
    assert not (tmp_path / "site").exists()
