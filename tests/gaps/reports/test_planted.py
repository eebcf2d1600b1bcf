"""Done-when: a planted post-release spike and a planted post-fix drop are found; flat clusters are not."""

from __future__ import annotations

from supportkb.gaps.reports.impact import article_changes, measure_impact
from supportkb.gaps.staleness.notes import read_release_notes
from supportkb.gaps.reports.spikes import find_spikes, releases_from_notes
from supportkb.generator.core.articles import load_articles
from tests.gaps.reports.conftest import FIX_DAY, FLAT_CHANGE_DAY, RELEASE_DAY, UNDATED


def test_post_fix_drop_is_found_and_flat_clusters_are_not(loop_project, loop_analysis) -> None:
    report = measure_impact(article_changes(loop_project.articles), loop_analysis.volume)
    verdicts = {(i.change.article_path, i.change.day): i.verdict for i in report.impacts}
    assert verdicts == {
        ("sign-in/reset-password.md", FIX_DAY): "fewer tickets",
        ("invoicing/create-invoice.md", FLAT_CHANGE_DAY): "no clear change",
        ("time/timer-sync.md", FLAT_CHANGE_DAY): "no clear change",
    }
    drop = next(i for i in report.impacts if i.verdict == "fewer tickets")
    assert drop.before_per_week > 10 and drop.after_per_week < 4 and drop.p_value is not None and drop.p_value < 1e-6
    assert report.undated_skipped == UNDATED


def test_post_release_spike_is_found_with_its_stale_article(loop_project, loop_analysis) -> None:
    releases = releases_from_notes(read_release_notes(loop_project.notes))
    assert [r.version for r in releases] == ["1.9.0", "2.0.0"]  # 1.8.0 has no date.
    report = find_spikes(releases, loop_analysis.volume, articles=load_articles(loop_project.articles).articles)
    by_version = {r.release.version: r for r in report.releases}
    assert by_version["1.9.0"].checked and by_version["1.9.0"].spikes == ()
    spike_release = by_version["2.0.0"]
    assert spike_release.release.day == RELEASE_DAY
    assert [(s.label, s.article_path) for s in spike_release.spikes] == [("PDF export of report", "reports/export-csv.md")]
    assert spike_release.spikes[0].after_per_week >= 5 * spike_release.spikes[0].baseline_per_week
    assert [path for path, _title, _score in spike_release.stale_articles] == ["reports/export-csv.md"]
    assert report.undated_skipped == UNDATED
