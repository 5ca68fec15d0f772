"""The scenario builder in headless Chromium (Debian's ``chromium`` through Playwright, as in
``test_web_browser.py``): a scenario built from an empty page through the forms alone; a refused value put
back with its message; a quoted number moved and flagged; undo; two sessions on one working copy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import test_web_browser as wb
from test_web_browser import Page, wait_plot

from allied.scenario import load
from allied.scenario.uncertain import point
from allied.scenario.writer import to_data

pytestmark = pytest.mark.browser
browser, page = wb.browser, wb.page  # the same Chromium and page fixtures as the other browser tests
EXPECTED = Path(__file__).parent / "data" / "built-talks.yaml"


def settle(p: Page) -> None:
    """Wait until every change sent has its answer."""
    p.pg.wait_for_function("() => !document.querySelector('[data-busy]') && "
                           "!/…/.test(document.getElementById('status').textContent)")


def type_in(p: Page, scope: str, value: str) -> None:
    """Type a value and leave the field (a figure is sent when the focus leaves its boxes)."""
    p.pg.fill(scope, value)
    p.pg.locator(scope).blur()
    settle(p)


def add(p: Page, section: str, values: dict[str, str], appears: str) -> None:
    for field, v in values.items():
        p.pg.fill(f"#add-{section} input[data-field='{field}']" if not field.endswith(("-low", "-high"))
                  else f"#add-{section} input[data-kind='pair-{field.rsplit('-', 1)[1]}']", v)
    p.pg.click(f"#add-{section} button[type=submit]")
    p.pg.wait_for_selector(appears)
    ready(p)


def ready(p: Page) -> None:
    p.pg.wait_for_selector("#builder[data-ready]", state="attached")


def box(cell: str, name: str, part: str = "point") -> str:
    return f"td[data-cell='{cell}'] .bf[data-name='{name}'] input[name={part}]"


def test_build_a_scenario_from_an_empty_page(page: Page, folder: Path) -> None:
    p, pg = page, page.pg
    pg.goto(p.base + "/")
    pg.fill("#new-id", "talks-2024")
    pg.fill("#new-title", "Trade talks")
    pg.fill("#new-as-of", "2024-05-01")
    pg.fill("#new-description", "Built in the browser")
    pg.click("#new-create")
    pg.wait_for_url("**/talks-2024.work.yaml/build")
    ready(p)
    add(p, "sources", {"id": "wire", "title": "Wire report"}, "#tbl-sources tr[data-key='wire']")
    for aid, name, cap in (("A", "Alpha", "60"), ("B", "Beta", "30"), ("C", "Gamma", "10")):
        add(p, "actors", {"id": aid, "name": name, "capability": cap}, f"#tbl-actors tr[data-key='{aid}']")
    for iid, name, hi in (("tariff", "Tariff rate", "25"), ("quota", "Import quota", "100")):
        add(p, "issues", {"id": iid, "name": name, "scale-low": "0", "scale-high": hi},
            f"#tbl-issues tr[data-key='{iid}']")
    assert "has no stances" in pg.inner_text("#todo")
    for iid in ("tariff", "quota"):
        for aid in ("A", "B", "C"):
            pg.click(f"td[data-cell='{aid}--{iid}'] button.add-stance")
            pg.wait_for_selector(box(f"{aid}--{iid}", "position"))
            ready(p)
    assert pg.is_hidden("#todo-block")
    for cell, pos, sal in (("A--tariff", "5", "80"), ("B--tariff", "20", "60"), ("C--tariff", "15", "30"),
                           ("A--quota", "70", "40"), ("B--quota", None, "90")):
        if pos is not None:
            type_in(p, box(cell, "position"), pos)
        type_in(p, box(cell, "salience"), sal)
    # one quoted stance
    pg.select_option("td[data-cell='A--tariff'] .ev select[name=source]", "wire")
    type_in(p, "td[data-cell='A--tariff'] .ev textarea[name=quote]", "Alpha wants tariffs cut to 5 percent")
    # one estimate with a range and its note
    pg.fill(box("B--quota", "position"), "")
    pg.fill(box("B--quota", "position", "low"), "20")
    type_in(p, box("B--quota", "position", "high"), "40")
    type_in(p, "td[data-cell='B--quota'] .ev input[name=note]", "estimate: Beta's range from its past offers")
    assert pg.inner_text("#status") == "saved"
    pg.wait_for_selector("#preview-table td[data-model='mean']")  # forecasts beside the builder
    pg.click("#run-forecasts")
    pg.wait_for_url("**/forecast")
    wait_plot(p, "Tariff rate")
    saved = folder / "talks-2024.work.yaml"
    assert to_data(load(saved)) == to_data(load(EXPECTED))


def _korea_builder(p: Page) -> str:
    pg = p.pg
    pg.goto(p.base + "/scenarios/korea-2019")
    pg.click("#make-copy", timeout=120_000)
    pg.wait_for_url("**/forecast", timeout=60_000)
    pg.click("#build-tab")
    pg.wait_for_url("**/build")
    ready(p)
    return str(pg.url.split("/scenarios/")[1].split("/")[0])


def test_refused_value_reverts_quote_flag_and_undo(page: Page, folder: Path) -> None:
    p, pg = page, page.pg
    key = _korea_builder(p)
    sal = box("USA--sma_term", "salience")
    before = pg.input_value(sal)
    type_in(p, sal, "150")
    err = "td[data-cell='USA--sma_term'] .bf[data-name='salience'] .err"
    assert "must lie between" in pg.inner_text(err) or "outside 0..100" in pg.inner_text(err)
    assert pg.input_value(sal) == before  # back to the saved value
    assert "refused" in pg.inner_text("#status")
    file = folder / key
    unflagged = file.read_bytes()
    assert pg.is_hidden("td[data-cell='USA--sma_term'] .ev .edited")
    type_in(p, box("USA--sma_term", "position"), "3")
    pg.wait_for_selector("td[data-cell='USA--sma_term'] .ev .edited:not([hidden])")
    assert "position was 1 when quoted" in pg.inner_text("td[data-cell='USA--sma_term'] .ev .edited")
    ev = load(file).stance("USA", "sma_term").evidence  # type: ignore[union-attr]
    assert ev is not None and ev.edited_after_quote == {"position": 1.0}
    pg.click("#undo")
    pg.wait_for_load_state()
    ready(p)
    assert file.read_bytes() == unflagged
    assert pg.input_value(box("USA--sma_term", "position")) == "1"


def test_two_sessions_lose_no_change(page: Page, browser: Any, folder: Path) -> None:
    p1 = page
    key = _korea_builder(p1)
    p2 = Page(browser, p1.base)
    try:
        p2.pg.goto(f"{p1.base}/scenarios/{key}/build")
        ready(p2)
        usa, rok = "#tbl-actors tr[data-key='USA'] .bf[data-name='capability'] input[name=point]", \
            "#tbl-actors tr[data-key='ROK'] .bf[data-name='capability'] input[name=point]"
        type_in(p1, usa, "95")
        type_in(p2, rok, "45")  # a different field: both kept
        sc = load(folder / key)
        assert point(sc.actor("USA").capability) == 95 and point(sc.actor("ROK").capability) == 45
        type_in(p2, usa, "80")  # the same field, from a page that still shows the old value
        msg = p2.pg.inner_text("#tbl-actors tr[data-key='USA'] .bf[data-name='capability'] .err")
        assert "another session changed this value to 90 – 95 – 100" in msg
        assert p2.pg.input_value(usa) == "95"
        assert point(load(folder / key).actor("USA").capability) == 95
    finally:
        p2.ctx.close()
    # Chromium logs the 409 answer itself as a console error; that is the conflict being reported
    assert [e for e in p2.errors if "status of 409" not in e] == [] and p2.foreign == []
