"""The sample Zendesk export for the Tallybird help center, and the accuracy harness."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from supportkb.cli import main
from tests.conftest import REPO_ROOT, SAMPLE_KB

EXAMPLES = REPO_ROOT / "examples" / "tickets"


def _load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def test_committed_sample_is_what_the_seeded_script_writes(tmp_path):
    script = _load(EXAMPLES / "make_sample_tickets.py", "make_sample_tickets")
    out, truth = tmp_path / "t.csv", tmp_path / "truth.json"
    sys_argv = sys.argv
    sys.argv = ["make_sample_tickets.py", "--out", str(out), "--truth", str(truth)]
    try:
        script.main()
    finally:
        sys.argv = sys_argv
    assert out.read_bytes() == (EXAMPLES / "tallybird-zendesk.csv").read_bytes()
    assert json.loads(truth.read_text()) == json.loads((EXAMPLES / "tallybird-truth.json").read_text())
    assert (EXAMPLES / "tallybird-zendesk.csv").stat().st_size < 2 * 1024 * 1024


@pytest.fixture(scope="module")
def sample_report():
    result = CliRunner().invoke(
        main, ["gaps", str(EXAMPLES / "tallybird-zendesk.csv"), "--kb", str(SAMPLE_KB), "--format", "json", "-q"]
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout), result.stdout


def test_sample_export_is_messy_but_fully_read(sample_report):
    document, _ = sample_report
    raw = (EXAMPLES / "tallybird-zendesk.csv").read_text(encoding="utf-8")
    assert document["tickets_read"] == 3000 and document["tickets_skipped"] == 0
    assert document["source_format"] == "Zendesk CSV export"
    for messy in ("Hi team,", "Sent from my iPhone", "wrote:", "<p>", "@", "+44 20 7946", "token="):
        assert messy in raw
    assert document["period"][0] <= "2025-07-05" and document["period"][1] >= "2025-12-25"


def test_sample_report_holds_no_personal_data(sample_report):
    _, text = sample_report
    assert "@bluefin.example" not in text and "+44 20 7946" not in text and "token=" not in text.replace("token=[token]", "")


def test_sample_gaps_are_the_topics_the_help_center_leaves_out(sample_report):
    document, _ = sample_report
    truth = json.loads((EXAMPLES / "tallybird-truth.json").read_text())
    labels = truth["labels"]
    uncovered_topics = {t for t, level in truth["topic_coverage"].items() if level == "uncovered"}
    found = set()
    for cluster in document["clusters"]:
        if cluster["coverage"] != "uncovered":
            continue
        topic, count = Counter(labels[t] for t in cluster["ticket_ids"]).most_common(1)[0]
        if count * 2 >= cluster["size"] and topic in uncovered_topics:
            found.add(topic)
    assert len(found) >= 4, found
    covered_sizes = Counter()
    for cluster in document["clusters"]:
        for ticket_id in cluster["ticket_ids"]:
            if truth["topic_coverage"].get(labels[ticket_id]) == "covered":
                covered_sizes[cluster["coverage"]] += 1
    assert covered_sizes["uncovered"] < 0.1 * sum(covered_sizes.values())


def test_eval_ticket_scores_on_a_known_case():
    harness = _load(REPO_ROOT / "benchmarks" / "eval_gaps.py", "eval_gaps")
    scores = harness.ticket_scores({"u1", "u2", "c1"}, {"u1", "u2", "u3"}, {"c1", "c2", "c3", "c4"})
    assert scores["precision_uncovered"] == pytest.approx(2 / 3)
    assert scores["recall_uncovered"] == pytest.approx(2 / 3)
    # Covered: precision 3/4, recall 3/4.
    assert scores["macro_f1"] == pytest.approx((2 / 3 + 3 / 4) / 2)
    everything = harness.ticket_scores({"u1", "u2", "u3", "c1", "c2", "c3", "c4"}, {"u1", "u2", "u3"}, {"c1", "c2", "c3", "c4"})
    assert everything["macro_f1"] == pytest.approx((2 * 3 / 7 / (1 + 3 / 7)) / 2)


def test_eval_on_hint3_beats_a_floor(shared_data):
    harness = _load(REPO_ROOT / "benchmarks" / "eval_gaps.py", "eval_gaps")
    case = next(c for c in harness.dev_cases(shared_data / "tickets") if c.name == "hint3-sofmattress")
    _labels, uncovered, covered, _topics = harness.load_truth(case.truth)
    output, _ = harness.run_system(case)
    flagged = {t for c in output["clusters"] if c["coverage"] == "uncovered" for t in c["ticket_ids"]}
    assert harness.ticket_scores(flagged, uncovered, covered)["macro_f1"] >= 0.68
