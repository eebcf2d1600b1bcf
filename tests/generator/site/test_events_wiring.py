"""The site loads the usage-event sender only when an events endpoint is configured."""

from __future__ import annotations

from pathlib import Path

from supportkb.generator.site.build import build_site
from tests.generator.kbproject import make_project


def _article_html(root: Path) -> str:
    return (root / "site/billing/refunds/index.html").read_text(encoding="utf-8")


def test_no_endpoint_sends_nothing(tmp_path: Path) -> None:
    build_site(make_project(tmp_path))
    page = _article_html(tmp_path)
    assert "kb-events" not in page


def test_endpoint_adds_meta_and_script(tmp_path: Path) -> None:
    config = make_project(tmp_path)
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "  - supportkb\n", '  - supportkb:\n      events_endpoint: "http://127.0.0.1:8080/events?a=1&b=<2>"\n'
        ),
        encoding="utf-8",
    )
    build_site(config)
    page = _article_html(tmp_path)
    assert '<meta name="kb-events-endpoint" content="http://127.0.0.1:8080/events?a=1&amp;b=&lt;2&gt;">' in page
    assert 'assets/supportkb/kb-events.js" defer></script>' in page
    assert (tmp_path / "site/assets/supportkb/kb-events.js").is_file()
