"""Gap analysis by meaning (the default embedding backend): paraphrase, near-twins, explanations."""

from __future__ import annotations

import csv

import pytest

from supportkb.gaps.analysis.find import analyse_export
from supportkb.gaps.analysis.meaning import nearest_tickets
from tests.conftest import write_article

DECLINED = [
    "my card was declined at the store",
    "why was my card declined",
    "card got declined when paying",
    "the shop declined my card",
    "payment declined on my card today",
    "my card keeps getting declined",
]
LOST = [
    "I lost my card",
    "lost my credit card yesterday",
    "my card is lost, what do I do",
    "I can't find my card, I think I lost it",
    "card lost on holiday",
    "help, lost card",
]
MONEY_BACK = [
    "how do I get my money back for a double payment",
    "I paid twice, I want my money back",
    "money back for a payment made twice",
    "want my money back, I was billed twice",
]


@pytest.fixture(scope="module")
def bank(tmp_path_factory):
    root = tmp_path_factory.mktemp("bank")
    write_article(
        root / "kb/articles/cards/lost-card.md",
        "# Report a lost card\n\nIf you lost your card, freeze it in the app and order a new one.\n",
        title="Report a lost card", id="101",
    )
    write_article(
        root / "kb/articles/billing/refunds.md",
        "# Request a refund\n\nWere you charged twice? Open Payments and ask for a refund of the duplicate charge.\n",
        title="Request a refund", id="102",
    )
    write_article(
        root / "kb/articles/app/dark-mode.md",
        "# Turn on dark mode\n\nOpen Settings and choose Appearance, then Dark.\n", title="Turn on dark mode", id="103",
    )
    with (root / "tickets.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "subject"])
        for prefix, texts in (("D", DECLINED), ("L", LOST), ("M", MONEY_BACK)):
            for number, text in enumerate(texts):
                writer.writerow([f"{prefix}{number}", text])
    return root


def _holding(report, ticket_id):
    return next(c for c in report.clusters if ticket_id in c.ticket_ids)


def test_near_twin_questions_stay_apart(bank):
    report = analyse_export(bank / "tickets.csv", bank / "kb/articles", embeddings="default")
    lost, declined = _holding(report, "L0"), _holding(report, "D0")
    assert lost is not declined
    assert lost.coverage == "covered" and lost.best_article.path == "cards/lost-card.md"
    assert declined.coverage == "uncovered"
    assert not set(declined.ticket_ids) & {f"L{n}" for n in range(len(LOST))}
    assert set(lost.ticket_ids) >= {f"L{n}" for n in range(len(LOST))}


def test_explanation_names_the_closest_article_by_meaning_and_the_shared_words(bank):
    report = analyse_export(bank / "tickets.csv", bank / "kb/articles", embeddings="default")
    reason = _holding(report, "L0").coverage_reason
    assert reason.startswith("closest by meaning: 'Report a lost card' (0.")
    assert "shared words: " in reason and "lost" in reason.split("shared words: ")[1]


def test_lexical_mode_is_still_available(bank):
    report = analyse_export(bank / "tickets.csv", bank / "kb/articles", embeddings="none")
    assert "closest by meaning" not in " ".join(c.coverage_reason for c in report.clusters)


def test_hostile_tickets_are_counted_and_handled(tmp_path):
    write_article(tmp_path / "kb/articles/a.md", "# Reset your password\n\nUse the reset link.\n", title="Reset your password")
    with (tmp_path / "tickets.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "subject", "body"])
        writer.writerow(["1", "", ""])                                  # No text: skipped, counted.
        writer.writerow(["2", "password reset " * 70_000, ""])          # About 1 MB: cut, still read.
        writer.writerow(["3", "Wie setze ich mein Passwort zurück?", ""])  # Another language.
        writer.writerow(["4", "パスワードをリセットする方法", ""])
        writer.writerow(["5", "😀😀😀", ""])                             # Nothing the model knows.
        writer.writerow(["6", "how do I reset my password", "mail me at ann@example.com"])
    report = analyse_export(tmp_path / "tickets.csv", tmp_path / "kb/articles", embeddings="default")
    assert report.tickets_read == 5 and report.tickets_skipped == 1
    assert sum(c.size for c in report.clusters) + report.unclustered == 5
    assert any(w.startswith("2 ticket(s) seem to be in another language") for w in report.warnings), report.warnings


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        ("Wie setze ich mein Passwort zurück, bitte?", True),
        ("パスワードをリセットする方法", True),
        ("Как сбросить пароль", True),
        ("how do I reset my password", False),
        ("jump start car", False),  # Too short to tell.
        ("Export timesheet PDF", False),
        ("", False),
    ],
)
def test_looks_foreign(text, expect):
    from supportkb.gaps.analysis.find import looks_foreign

    assert looks_foreign(text) is expect


def test_nearest_tickets_exact_and_tiny():
    import numpy as np

    vectors = np.eye(4, dtype=np.float32)
    vectors[1] = vectors[0]
    indices, similarities = nearest_tickets(vectors, 2)
    assert indices[0, 0] == 1 and similarities[0, 0] == pytest.approx(1.0)
    assert nearest_tickets(vectors[:1], 3)[0].shape == (1, 0)


def test_the_model_never_sees_what_cleaning_masked(tmp_path):
    from supportkb.gaps.analysis.find import find_gaps
    from supportkb.gaps.tickets.cleaning import clean_ticket
    from supportkb.gaps.tickets.reader import ReadOptions, read_tickets
    from supportkb.generator.core.articles import load_articles
    from supportkb.generator.core.embeddings import load_embedder

    class Recording:
        """The real backend, recording what it is given (the outside world, injected)."""

        def __init__(self, real):
            self.real, self.name, self.dimensions, self.seen = real, real.name, real.dimensions, []

        def embed(self, texts):
            self.seen += list(texts)
            return self.real.embed(texts)

    write_article(tmp_path / "kb/articles/a.md", "# Reset your password\n\nUse the reset link.\n", title="Reset your password")
    with (tmp_path / "tickets.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "subject", "body"])
        writer.writerow(["1", "reset password", "Mail me at ann.lee@example.com or call +44 20 7946 0958, card 4111 1111 1111 1111"])
        writer.writerow(["2", "password", "https://app.example.com/reset?token=abcdef0123456789abcdef"])
    imported = read_tickets(tmp_path / "tickets.csv", ReadOptions(), clean=clean_ticket)
    recorder = Recording(load_embedder("default"))
    find_gaps(imported, load_articles(tmp_path / "kb/articles").articles, embedder=recorder)
    seen = "\n".join(recorder.seen)
    assert "[email]" in seen and "ann.lee" not in seen and "7946" not in seen and "4111" not in seen
    assert "abcdef0123456789" not in seen


def test_decision_finds_its_cluster_by_meaning(bank, tmp_path):
    (bank / "kb/gaps-decisions.yml").write_text(
        "- decision: won't write\n  questions: [\"my card was refused at the shop\", \"card refused when paying\"]\n",
        encoding="utf-8",
    )
    try:
        report = analyse_export(bank / "tickets.csv", bank / "kb/articles", embeddings="default", decisions_path=bank / "kb/gaps-decisions.yml")
    finally:
        (bank / "kb/gaps-decisions.yml").unlink()
    assert report.decisions_applied == 1
    assert _holding(report, "D0").decision.kind == "wont-write"


@pytest.mark.parametrize(("setting", "embeds"), [("none", False), ("default", True)])
def test_kb_gaps_reads_the_backend_from_mkdocs_yml(bank, tmp_path, monkeypatch, setting, embeds):
    from click.testing import CliRunner

    from supportkb.cli import main as kb

    (bank / "mkdocs.yml").write_text(
        f"site_name: Bank help\ndocs_dir: kb/articles\nplugins:\n  - supportkb:\n      embedding_backend: {setting}\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(bank)
    result = CliRunner().invoke(kb, ["gaps", "tickets.csv", "--format", "json", "-o", str(tmp_path / "gaps.json")])
    assert result.exit_code == 0, result.output
    assert ("Embedding" in result.output) is embeds
