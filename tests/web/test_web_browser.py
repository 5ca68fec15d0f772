"""The web app in headless Chromium (Debian's ``chromium``, driven by Playwright through ``executable_path``;
never ``playwright install``) against a uvicorn server this test starts on 127.0.0.1.

Every request to anything but that server is blocked and counted: the pages must load nothing from a CDN.
Set ``ALLIED_WEB_SCREENSHOTS=DIR`` to save the screenshots used in ``docs/web.md``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from allied.api import load
from allied.scenario import Uncertain

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
ROW = "#st-USA--sanctions_relief"
CELL = 'tr[data-issue="sanctions_relief"] td[data-model="mean"]'
#: the drawn lines of the trajectories plot, as SVG path data (what the analyst sees)
PLOT_Y = ("() => Array.from(document.querySelectorAll('#plot-1 .scatterlayer path.js-line'))"
          ".map(p => p.getAttribute('d'))")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("browser tests need Debian's chromium at /usr/bin/chromium (apt-get install chromium; "
                    ".ci/run installs it)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield b
        b.close()


class Page:
    """A Playwright page on the live server that records foreign requests and script errors."""

    def __init__(self, browser: Any, base: str) -> None:
        self.base = base
        self.foreign: list[str] = []
        self.errors: list[str] = []
        self.ctx = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
        self.ctx.route("**/*", self._route)
        self.ctx.set_default_timeout(60_000)
        self.pg = self.ctx.new_page()
        self.pg.on("console", self._console)
        self.pg.on("pageerror", lambda e: self.errors.append(str(e)))
        self.shots = os.environ.get("ALLIED_WEB_SCREENSHOTS")

    def _console(self, msg: Any) -> None:
        # Chromium logs every 4xx answer to a script request; 422 is how the editor reports a bad value
        if msg.type == "error" and "status of 422" not in msg.text:
            self.errors.append(msg.text)

    def _route(self, route: Any) -> None:
        url = route.request.url
        if url.startswith(self.base + "/") or url == self.base:
            route.continue_()
        else:
            self.foreign.append(url)
            route.abort()

    def shot(self, name: str, full: bool = False) -> None:
        if self.shots:
            Path(self.shots).mkdir(parents=True, exist_ok=True)
            self.pg.screenshot(path=str(Path(self.shots) / f"web-{name}.png"), full_page=full)


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Page]:
    p = Page(browser, live_server.url)
    yield p
    p.ctx.close()
    assert p.foreign == [], f"requests left this machine: {p.foreign}"
    assert p.errors == [], f"script errors in the page: {p.errors}"


def wait_plot(p: Page, title_start: str) -> None:
    p.pg.wait_for_function(
        "(t) => { const a = document.querySelector('#plot-1 .plot-area');"
        " return a && a.layout && a.layout.title && a.layout.title.text.startsWith(t) }",
        arg=title_start, timeout=60_000)


def test_edit_the_us_position_and_see_the_forecast_change(page: Page, folder: Path) -> None:
    pg = page.pg
    pg.goto(page.base + "/")
    pg.click('#builtin-list a[href="/scenarios/korea-2019"]')
    pg.wait_for_selector("h1:has-text('US–South Korea alliance')")
    assert pg.locator("#actors tbody tr").count() == 6
    page.shot("scenario")
    pg.click("#make-copy", timeout=120_000)
    pg.wait_for_url("**/scenarios/korea-2019.work.yaml/forecast", timeout=60_000)
    wait_plot(page, "South Korea's yearly contribution")
    pg.select_option("select[name=issue]", "sanctions_relief")
    wait_plot(page, "Sanctions relief for North Korea")
    before_cell = pg.inner_text(CELL)
    before_y = pg.evaluate(PLOT_Y)
    assert len(before_y) >= 4 and all(before_y)  # one line per model
    box = pg.locator("#plot-1 .main-svg").first.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 200  # the plot rendered with a size

    row = pg.locator(ROW)
    row.locator("input[name=position_high]").fill("100")
    row.locator("input[name=position]").fill("90")
    row.locator("input[name=position_low]").fill("80")
    row.locator("input[name=position_low]").press("Tab")
    pg.wait_for_function("([sel, old]) => document.querySelector(sel).innerText.trim() !== old",
                         arg=[CELL, before_cell], timeout=60_000)
    wait_plot(page, "Sanctions relief for North Korea")
    after_y = pg.evaluate(PLOT_Y)
    assert after_y != before_y
    assert float(pg.inner_text(CELL)) > float(before_cell)  # the US moving towards relief raises the mean
    saved = load(folder / "korea-2019.work.yaml").stance("USA", "sanctions_relief")
    assert saved is not None and saved.position == Uncertain(low=80, mode=90, high=100)
    pg.evaluate("() => window.scrollTo(0, document.querySelector('#st-USA--sanctions_relief')"
                ".getBoundingClientRect().top + window.scrollY - 260)")
    page.shot("editor", full=False)
    pg.goto(page.base + "/")
    assert pg.locator('#user-list a[href="/scenarios/korea-2019.work.yaml"]').count() == 1
    page.shot("index")


def test_a_bad_value_is_shown_beside_its_field(page: Page) -> None:
    pg = page.pg
    pg.goto(page.base + "/scenarios/korea-2019")
    pg.click("#make-copy", timeout=120_000)
    pg.wait_for_url("**/forecast", timeout=60_000)
    wait_plot(page, "South Korea's yearly contribution")
    before = pg.inner_text(CELL)
    row = pg.locator(ROW)
    row.locator("input[name=salience]").fill("150")
    row.locator("input[name=salience]").press("Tab")
    err = pg.locator("#err-st-USA--sanctions_relief")
    pg.wait_for_function("() => document.querySelector('#err-st-USA--sanctions_relief').innerText.includes('salience')")
    assert "must lie between low (70.0) and high (90.0)" in err.inner_text()
    box, field = err.bounding_box(), row.locator("input[name=salience]").bounding_box()
    assert box is not None and field is not None and 0 <= box["y"] - field["y"] < 60  # just under the field
    assert pg.inner_text(CELL) == before
    row.locator("input[name=salience]").fill("80")
    row.locator("input[name=salience]").press("Tab")
    pg.wait_for_function("() => document.querySelector('#err-st-USA--sanctions_relief').innerText.trim() === ''")


def test_start_a_sweep_and_watch_it_finish(page: Page) -> None:
    pg = page.pg
    pg.goto(page.base + "/scenarios/korea-2019/sweeps")
    pg.select_option("#model", "mean")
    pg.fill("#samples", "500")
    pg.fill("#seed", "3")
    pg.click("#start-sweep")
    pg.wait_for_url("**/sweeps/korea-2019-mean-*")
    pg.wait_for_selector('#sweep-status[data-status="done"]', timeout=120_000)
    assert "500 of 500 samples" in pg.inner_text("#sweep-progress")
    pg.wait_for_selector("figure.plot[data-drawn]")
    assert pg.locator("figure.plot .main-svg").count() >= 1
    page.shot("sweep", full=True)


def test_every_page_loads_offline_without_errors(page: Page) -> None:
    pg = page.pg
    for tab, name in (("protocol", "protocol"), ("ledger", "ledger"), ("sweeps", "sweeps")):
        pg.goto(f"{page.base}/scenarios/korea-2019/{tab}")
        pg.wait_for_selector("h1")
        if pg.locator("figure.plot").count():
            pg.wait_for_selector("figure.plot[data-drawn]", timeout=30_000)
        page.shot(name, full=False)
    pg.goto(page.base + "/scenarios/korea-2019/forecast")
    wait_plot(page, "South Korea's yearly contribution")
    assert pg.locator("#forecast-table tbody tr").count() == len(load("korea-2019").issues)
