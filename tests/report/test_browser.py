"""The korea-2019 report in headless Chromium, network cut off: every plot renders with a non-zero size."""

from __future__ import annotations

from pathlib import Path

import pytest

from allied.report.browser import CHROMIUM

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def opened_plots(korea_file: Path) -> dict[str, object]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is absent: install Debian's chromium (apt-get install chromium; .ci/run does)")
    pytest.importorskip("playwright.sync_api", reason="playwright is a dev dependency")
    from allied.report.browser import open_report

    with open_report(korea_file) as o:
        plots = o.plots()
        state = o.page.evaluate("() => window.alliedPlots")
        sections = o.page.evaluate("() => Array.from(document.querySelectorAll('section')).map(s => "
                                   "[s.id, s.getBoundingClientRect().height])")
        return {"plots": plots, "blocked": list(o.blocked), "errors": list(o.errors), "state": state,
                "sections": sections}


def test_no_network_request_and_no_script_error(opened_plots: dict) -> None:
    assert opened_plots["blocked"] == [], "the report tried to reach the network"
    assert opened_plots["errors"] == []


def test_every_plot_renders_with_size(opened_plots: dict, korea_html: str) -> None:
    plots = opened_plots["plots"]
    assert len(plots) == korea_html.count('data-figure="fig-')
    assert opened_plots["state"]["failed"] == []
    assert opened_plots["state"]["drawn"] == len(plots)
    for p in plots:
        assert p["kind"] in ("svg", "canvas"), p
        assert p["width"] > 100 and p["height"] > 50, p
        assert p["traces"] > 0, p


def test_sections_visible(opened_plots: dict) -> None:
    heights = dict(opened_plots["sections"])
    for sid in ("glance", "evidence", "forecast", "protocol", "ledger", "sensitivity", "outcomes", "method"):
        assert heights.get(sid, 0) > 40, sid
