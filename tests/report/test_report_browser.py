"""The korea-2019 report in headless Chromium, network cut off: every plot renders with a non-zero size,
nothing leaves the machine, and the print layout keeps the plots."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from report_browser import CHROMIUM, Opened, open_report

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def opened(korea_file: Path) -> Iterator[Opened]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is absent: install Debian's chromium (apt-get install chromium; .ci/run does)")
    pytest.importorskip("playwright.sync_api", reason="playwright is a dev dependency")
    with open_report(korea_file) as o:
        yield o


@pytest.fixture(scope="module")
def plots(opened: Opened) -> list[dict[str, Any]]:
    return opened.plots()


def test_no_network_request_and_no_script_error(opened: Opened, plots: list[dict[str, Any]]) -> None:
    assert opened.blocked == [], "the report tried to reach the network"
    assert opened.errors == []


def test_every_plot_renders_with_size(opened: Opened, plots: list[dict[str, Any]], korea_html: str) -> None:
    assert len(plots) == korea_html.count('data-figure="fig-')
    state = opened.page.evaluate("() => window.alliedPlots")
    assert state["failed"] == [] and state["drawn"] == len(plots)
    for p in plots:
        assert p["kind"] in ("svg", "canvas"), p
        assert p["width"] > 100 and p["height"] > 50, p
        assert p["traces"] > 0, p
        assert p["box_height"] >= p["height"] - 1, p  # the div shows the whole plot
    engines = {p["engine"] for p in plots}
    assert "forecast" in engines and "outcomes" in engines


def test_sections_visible(opened: Opened, plots: list[dict[str, Any]]) -> None:
    heights = dict(opened.page.evaluate("() => Array.from(document.querySelectorAll('section')).map(s => "
                                        "[s.id, s.getBoundingClientRect().height])"))
    for sid in ("glance", "evidence", "forecast", "protocol", "ledger", "sensitivity", "outcomes", "method"):
        assert heights.get(sid, 0) > 40, sid


def test_print_layout_keeps_plots_and_hides_navigation(opened: Opened, plots: list[dict[str, Any]],
                                                       tmp_path: Path) -> None:
    page = opened.page
    page.emulate_media(media="print")
    try:
        assert page.evaluate("() => getComputedStyle(document.querySelector('nav.toc')).display") == "none"
        page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")  # the report's resize hook
        page.wait_for_timeout(300)
        printed = opened.plots()
        assert all(p["width"] > 100 and p["height"] > 50 for p in printed)
        assert all(p["box_height"] >= p["height"] - 1 for p in printed), "a plot is squashed in print"
        pdf = page.pdf(path=str(tmp_path / "r.pdf"), landscape=True, format="A4")
        assert pdf[:4] == b"%PDF" and len(pdf) > 50_000
    finally:
        page.emulate_media(media="screen")
    assert opened.blocked == []
