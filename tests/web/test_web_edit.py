"""The stance editor over HTTP: working copies, edits that round-trip through the file, every model's
forecast after an edit equal to the API's with the same ``--set`` override, errors next to the field."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from allied.api import forecast, load
from allied.scenario import Uncertain

HX = {"HX-Request": "true"}
ROW = "st-USA--sanctions_relief"


def cells(html: str) -> dict[tuple[str, str], str]:
    out = {}
    for row in re.finditer(r'<tr data-issue="([^"]+)"[^>]*>(.*?)</tr>', html, re.S):
        for cell in re.finditer(r'<td class="num" data-model="([^"]+)">([^<]*)</td>', row.group(2)):
            out[(row.group(1), cell.group(1))] = cell.group(2).strip()
    return out


def shown(v: float) -> str:
    return f"{v:,.0f}" if abs(v) >= 1000 else (f"{v:.1f}" if abs(v) >= 10 else f"{v:.2f}")


def test_working_copies_get_fresh_names(work: str, post: Callable[..., httpx.Response], folder: Path) -> None:
    assert work == "korea-2019.work.yaml"
    r = post("/scenarios/korea-2019/copy")
    assert r.headers["location"] == "/scenarios/korea-2019-2.work.yaml/forecast"
    r = post(f"/scenarios/{work}/copy")  # a copy of a copy is named after the original
    assert r.headers["location"] == "/scenarios/korea-2019-3.work.yaml/forecast"
    assert load(folder / work) == load("korea-2019")


def test_edit_round_trips_and_reruns_every_model(work: str, post: Callable[..., httpx.Response],
                                                 folder: Path, client: TestClient) -> None:
    form = {"actor": "USA", "issue": "sanctions_relief", "position_low": "40", "position": "50",
            "position_high": "60", "salience_low": "60", "salience": "70", "salience_high": "80"}
    r = post(f"/scenarios/{work}/stance", data=form, headers=HX)
    assert r.status_code == 200, r.text
    saved = load(folder / work).stance("USA", "sanctions_relief")
    assert saved is not None
    assert saved.position == Uncertain(low=40, mode=50, high=60)
    assert saved.salience == Uncertain(low=60, mode=70, high=80)
    # the same change made through the --set machinery on the built-in gives the numbers the page shows
    expected = forecast(load("korea-2019", ["stances.USA.sanctions_relief.position={low: 40, mode: 50, high: 60}",
                                            "stances.USA.sanctions_relief.salience={low: 60, mode: 70, high: 80}"]),
                        models=["all"]).frame()  # every model, each on the issues it fits
    last = expected.sort_values("round").groupby(["issue", "model"])["forecast"].last()
    got = cells(r.text)
    for (issue, model), v in last.items():
        assert got[(issue, model)] == shown(v), (issue, model)
    before = forecast(load("korea-2019"), models=["mean"]).frame()
    b = before[before["issue"] == "sanctions_relief"]["forecast"].iloc[-1]
    assert got[("sanctions_relief", "mean")] != shown(b)  # the edit moved the forecast
    assert f'id="err-{ROW}"' in r.text and 'hx-swap-oob="true"' in r.text  # clears the row's old error
    # the page reloads the edited values into the editor
    page = client.get(f"/scenarios/{work}/forecast").text
    row = page[page.index(f'id="{ROW}"'):]
    row = row[: row.index("</tr>")]
    assert 'name="position_low" aria-label="position low" inputmode="decimal" value="40"' in row
    assert 'name="position" aria-label="position" inputmode="decimal" class="point" value="50"' in row


def test_clearing_the_range_gives_a_plain_number(work: str, post: Callable[..., httpx.Response],
                                                 folder: Path) -> None:
    r = post(f"/scenarios/{work}/stance", data={"actor": "USA", "issue": "sanctions_relief", "position": "35",
                                                "position_low": "", "position_high": ""}, headers=HX)
    assert r.status_code == 200
    st = load(folder / work).stance("USA", "sanctions_relief")
    assert st is not None and st.position == 35.0
    assert st.salience == Uncertain(low=70, mode=80, high=90)  # not sent, so unchanged


def test_non_htmx_edit_redirects(work: str, post: Callable[..., httpx.Response]) -> None:
    r = post(f"/scenarios/{work}/stance", data={"actor": "ROK", "issue": "cost_sharing", "position": "1.1"})
    assert r.status_code == 303
    assert r.headers["location"] == f"/scenarios/{work}/forecast?issue=cost_sharing"


@pytest.mark.parametrize(("form", "message"), [
    ({"salience": "150"}, "salience 150..150 is outside 0..100"),
    ({"position": "abc"}, "'abc' is not a number"),
    ({"position": "nan"}, "'nan' is not a number"),
    ({"position": "120"}, "off the scale [0, 100]"),
    ({"position": "50", "position_low": "0", "position_high": "20"}, "must lie between low"),
    ({"position": "10", "position_low": "5"}, "needs both its low and its high end"),
    ({"position": ""}, "no value given"),
])
def test_invalid_edits_are_shown_next_to_the_field(work: str, post: Callable[..., httpx.Response], folder: Path,
                                                   form: dict[str, str], message: str) -> None:
    before = (folder / work).read_bytes()
    r = post(f"/scenarios/{work}/stance", data={"actor": "USA", "issue": "sanctions_relief", **form}, headers=HX)
    assert r.status_code == 422
    assert r.headers.get("hx-reswap") == "none"  # the forecast stays; only the row's error cell changes
    assert r.text.startswith(f'<div id="err-{ROW}" class="row-error" hx-swap-oob="true"')
    assert message in html.unescape(r.text), r.text
    assert r.text.count("<code>") == 1  # one problem, one message
    assert (folder / work).read_bytes() == before


def test_unknown_stance(work: str, post: Callable[..., httpx.Response]) -> None:
    r = post(f"/scenarios/{work}/stance", data={"actor": "ZZZ", "issue": "sanctions_relief", "position": "5"})
    assert r.status_code == 422 and "no stance of actor 'ZZZ'" in html.unescape(r.text)


def test_uploaded_originals_are_copied_not_edited(post: Callable[..., httpx.Response], folder: Path) -> None:
    csv = "actor,capability,position,salience\nA,10,20,50\nB,20,80,60\n"
    assert post("/upload", files={"file": ("mine.csv", csv.encode(), "text/csv")}).status_code == 303
    r = post("/scenarios/mine.csv/stance", data={"actor": "A", "issue": "mine", "position": "30"})
    assert r.status_code == 422 and "not a working copy" in r.text
    r = post("/scenarios/mine.csv/copy")
    assert r.headers["location"] == "/scenarios/mine.work.yaml/forecast"
    r = post("/scenarios/mine.work.yaml/stance", data={"actor": "A", "issue": "mine", "position": "30"},
             headers=HX)
    assert r.status_code == 200
    st = load(folder / "mine.work.yaml").stance("A", "mine")
    assert st is not None and st.position == 30.0
    assert (folder / "mine.csv").read_text() == csv


def test_delete_a_working_copy(work: str, post: Callable[..., httpx.Response], folder: Path,
                               client: TestClient) -> None:
    r = post(f"/scenarios/{work}/delete")
    assert r.status_code == 303 and not (folder / work).exists()
    assert client.get(f"/scenarios/{work}").status_code == 404


def test_editor_page_offers_inputs_only_on_working_copies(work: str, client: TestClient) -> None:
    built_in = client.get("/scenarios/korea-2019/forecast").text
    assert "hx-post" not in built_in.split('id="stance-editor"')[1]
    assert f'id="{ROW}"' in built_in and "disabled" in built_in
    page = client.get(f"/scenarios/{work}/forecast").text
    assert f'hx-post="/scenarios/{work}/stance"' in page
    assert client.get(f"/scenarios/{work}/edit").headers["location"] == f"/scenarios/{work}/forecast"


def test_set_any_value_with_the_cli_syntax(work: str, post: Callable[..., httpx.Response], folder: Path,
                                           client: TestClient) -> None:
    page = client.get(f"/scenarios/{work}/protocol").text
    assert 'id="set-path"' in page and '<option value="protocol.divergence">' in page
    r = post(f"/scenarios/{work}/set", data={"path": "protocol.divergence", "value": "0.9", "back": "protocol"})
    assert r.status_code == 303 and r.headers["location"] == f"/scenarios/{work}/protocol"
    sc = load(folder / work)
    assert sc.protocol is not None and sc.protocol.divergence == 0.9
    # the protocol page now shows what the engine computes for the edited scenario
    from allied.protocols import compare

    c = compare(sc.protocol)
    shown = html.unescape(client.get(r.headers["location"]).text)
    assert f"Chosen protocol ({c.chooser} decides): {c.chosen}." in shown
    r = post(f"/scenarios/{work}/set", data={"path": "stances.USA.sanctions_relief.position",
                                             "value": "{low: 20, high: 40}"})
    assert r.status_code == 303 and r.headers["location"] == f"/scenarios/{work}"
    st = load(folder / work).stance("USA", "sanctions_relief")
    assert st is not None and st.position == Uncertain(low=20, high=40)


@pytest.mark.parametrize(("path", "value", "message"), [
    ("protocol.nonsense", "1", "nonsense"),
    ("stances.USA.nowhere.position", "5", "no stance of actor 'USA' on issue 'nowhere'"),
    ("stances.USA.sanctions_relief.position", "250", "off the scale"),
    ("../../etc/passwd", "1", "a path names a value"),
    ("actors.USA.capability", "", "give one value on one line"),
    ("actors.USA.capability", "!!python/object/apply:os.system [ls]", "cannot read the value"),
])
def test_set_errors_are_shown_beside_the_form(work: str, post: Callable[..., httpx.Response], folder: Path,
                                              path: str, value: str, message: str) -> None:
    before = (folder / work).read_bytes()
    r = post(f"/scenarios/{work}/set", data={"path": path, "value": value, "back": "ledger"})
    assert r.status_code == 422
    text = html.unescape(r.text)
    assert text.index('id="set-value"') < text.index('id="set-error"') < text.index("</form>")
    assert message in text
    assert "Alliance ledger" in text  # back on the page the form was on
    assert (folder / work).read_bytes() == before


def test_set_on_a_built_in_is_refused(post: Callable[..., httpx.Response], client: TestClient) -> None:
    r = post("/scenarios/korea-2019/set", data={"path": "protocol.divergence", "value": "1", "back": "protocol"})
    assert r.status_code == 422 and "not a working copy" in r.text
    assert 'id="make-copy-set"' in client.get("/scenarios/korea-2019/protocol").text


def test_concurrent_edits_of_different_rows_all_land(work: str, client: TestClient, folder: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    store = client.app.state.store  # type: ignore[attr-defined]
    entry = store.get(work)
    sc = load(folder / work)
    targets = [(s.actor, s.issue, sc.issue(s.issue)) for s in sc.stances][:8]

    def edit(t: tuple[str, str, Any]) -> None:
        actor, issue, iss = t
        store.edit(entry, stances={(actor, issue): {"position": iss.lo + 0.25 * (iss.hi - iss.lo)}})

    with ThreadPoolExecutor(8) as ex:
        list(ex.map(edit, targets))
    after = load(folder / work)
    for actor, issue, iss in targets:
        st = after.stance(actor, issue)
        assert st is not None and st.position == iss.lo + 0.25 * (iss.hi - iss.lo), (actor, issue)
