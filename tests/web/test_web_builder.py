"""The scenario builder over HTTP: every change validated and saved (or refused with the saved value back),
quotes flagged when their figure moves, kept versions with undo and diff, two sessions merged per field,
and the workbook download and upload."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from allied.scenario import load
from allied.scenario.writer import to_data

USA_HNS = ["stances", {"actor": "USA", "issue": "cost_sharing"}]


@pytest.fixture
def op(post: Callable[..., httpx.Response], work: str) -> Callable[..., httpx.Response]:
    def send(what: str, **body: Any) -> httpx.Response:
        return post(f"/scenarios/{work}/build/{what}", json=body)

    return send


def _quoted(sc: Any) -> Any:
    return next(s for s in sc.stances if s.evidence and s.evidence.quote and isinstance(s.position, float))


def test_refused_value_answers_the_saved_value_and_why(op: Callable[..., httpx.Response], folder: Path,
                                                      work: str) -> None:
    before = (folder / work).read_bytes()
    r = op("set", path=[*USA_HNS, "salience"], value=150)
    assert r.status_code == 422
    body = r.json()
    assert body["saved"] == to_data(load("korea-2019"))["stances"][0]["salience"]
    assert "outside 0..100" in body["problems"][0]["message"] and body["problems"][0]["fix"]
    assert (folder / work).read_bytes() == before  # nothing written


def test_moving_a_quoted_number_marks_its_evidence_until_confirmed(op: Callable[..., httpx.Response],
                                                                   folder: Path, work: str) -> None:
    st = _quoted(load(folder / work))
    path = ["stances", {"actor": st.actor, "issue": st.issue}]
    old = st.position if isinstance(st.position, float) else None
    assert old is not None
    r = op("set", path=[*path, "position"], value=old + 1, was=old)
    assert r.status_code == 200, r.text
    assert r.json()["evidence"]["edited_after_quote"] == {"position": old}
    saved = load(folder / work).stance(st.actor, st.issue)
    assert saved is not None and saved.evidence is not None
    assert saved.evidence.edited_after_quote == {"position": old}
    assert "edited_after_quote:" in (folder / work).read_text()
    # moving it back to the quoted value clears the mark
    r = op("set", path=[*path, "position"], value=old, was=old + 1)
    assert r.json()["evidence"].get("edited_after_quote") is None
    # moved again, then confirmed by the analyst
    op("set", path=[*path, "position"], value=old + 2, was=old)
    r = op("confirm", entry=path)
    assert r.status_code == 200 and "edited_after_quote" not in r.json()["evidence"]
    # moved again, then the quote replaced: the new quote is about the new value
    op("set", path=[*path, "position"], value=old + 3, was=old + 2)
    ev = load(folder / work).stance(st.actor, st.issue).evidence  # type: ignore[union-attr]
    r = op("set", path=[*path, "evidence", "quote"], value="a newer quote", was=ev.quote)  # type: ignore[union-attr]
    assert r.status_code == 200 and "edited_after_quote" not in r.json()["evidence"]


def test_undo_restores_the_previous_file_byte_for_byte(client: TestClient, post: Callable[..., httpx.Response],
                                                       op: Callable[..., httpx.Response], folder: Path,
                                                       work: str) -> None:
    first = (folder / work).read_bytes()
    assert op("set", path=["title"], value="Changed title").status_code == 200
    second = (folder / work).read_bytes()
    assert op("set", path=["actors", {"id": "USA"}, "capability"], value=90).status_code == 200
    assert post(f"/scenarios/{work}/undo").status_code == 303
    assert (folder / work).read_bytes() == second
    assert post(f"/scenarios/{work}/undo").status_code == 303
    assert (folder / work).read_bytes() == first
    r = client.get(f"/scenarios/{work}/history")
    assert r.status_code == 200


def test_history_keeps_n_versions_and_shows_a_diff(folder: Path) -> None:
    from allied.web import create_app

    app = create_app(folder, history=3)
    with TestClient(app, base_url="http://127.0.0.1:8765", follow_redirects=False) as c:
        h = {"Origin": "http://127.0.0.1:8765"}
        key = c.post("/scenarios/korea-2019/copy", headers=h).headers["location"].split("/")[2]
        for n in range(5):
            r = c.post(f"/scenarios/{key}/build/set", headers=h, json={"path": ["title"], "value": f"Title {n}"})
            assert r.status_code == 200
        versions = app.state.store.history.versions(key)
        assert len(versions) == 3
        r = c.get(f"/scenarios/{key}/history", params={"a": str(versions[-1].number), "b": "current"})
        assert "-title: Title 3" in r.text and "+title: Title 4" in r.text


def test_two_sessions_merge_per_field_and_see_conflicts(op: Callable[..., httpx.Response], folder: Path,
                                                        work: str) -> None:
    # both pages were opened when USA capability was 100 and ROK capability was its saved value
    actors = {a["id"]: a for a in to_data(load(folder / work))["actors"]}
    usa, rok = actors["USA"]["capability"], actors["ROK"]["capability"]
    a = op("set", path=["actors", {"id": "USA"}, "capability"], value=95, was=usa)
    b = op("set", path=["actors", {"id": "ROK"}, "capability"], value=45, was=rok)
    assert a.status_code == b.status_code == 200
    again = load(folder / work)
    assert again.actor("USA").capability == 95 and again.actor("ROK").capability == 45  # no change lost
    late = op("set", path=["actors", {"id": "USA"}, "capability"], value=80, was=usa)  # session B, stale page
    assert late.status_code == 409
    assert late.json()["saved"] == 95 and "another session changed this value to 95" in late.json()["problems"][0][
        "message"]
    assert load(folder / work).actor("USA").capability == 95


def test_build_from_nothing_then_remove_and_rename(client: TestClient, post: Callable[..., httpx.Response],
                                                   folder: Path) -> None:
    r = post("/new", data={"id": "talks", "title": "Talks", "as_of": "2024-05-01"})
    assert r.status_code == 303
    key = r.headers["location"].split("/")[2]

    def send(what: str, **body: Any) -> httpx.Response:
        return post(f"/scenarios/{key}/build/{what}", json=body)

    assert client.get(f"/scenarios/{key}/build").status_code == 200
    assert send("add", section="actors", entry={"id": "A", "name": "Alpha", "capability": 10}).status_code == 200
    assert send("add", section="actors", entry={"id": "B", "name": "Beta", "capability": 5}).status_code == 200
    r = send("add", section="issues", entry={"id": "x", "name": "X", "scale": [0, 10]})
    assert [p["message"] for p in r.json()["todo"]] == ["issue 'x' has no stances"]  # incomplete, still saved
    assert send("add", section="stances", entry={"actor": "A", "issue": "x"}).status_code == 200
    assert send("add", section="stances", entry={"actor": "B", "issue": "x"}).status_code == 200
    sc = load(folder / key)
    assert sc.stance("A", "x").position == 5  # type: ignore[union-attr]  # the scale's midpoint to start
    r = send("add", section="actors", entry={"id": "A", "name": "Again", "capability": 1})
    assert r.status_code == 422 and "more than once" in r.json()["problems"][0]["message"]
    r = send("remove", section="actors", selector={"id": "A"})
    assert r.json()["effects"] == ["the stance of A on x"]
    assert load(folder / key).actor("A")  # only asked
    assert send("rename", section="actors", old="B", new="Beta").status_code == 200
    assert load(folder / key).stance("Beta", "x") is not None
    assert send("remove", section="actors", selector={"id": "A"}, confirm=True).status_code == 200
    sc = load(folder / key)
    assert [a.id for a in sc.actors] == ["Beta"] and [(s.actor, s.issue) for s in sc.stances] == [("Beta", "x")]
    r = client.get(f"/scenarios/{key}/build/preview")
    assert r.status_code == 200


def test_a_source_cited_by_evidence_is_not_removed(op: Callable[..., httpx.Response]) -> None:
    r = op("remove", section="sources", selector={"id": "mishra2019"}, confirm=True)
    assert r.status_code == 422 and "cite this source" in r.json()["problems"][0]["message"]


def test_workbook_download_and_upload(client: TestClient, post: Callable[..., httpx.Response],
                                      folder: Path) -> None:
    r = client.get("/scenarios/korea-2019/download.xlsx")
    assert r.status_code == 200 and r.content[:4] == b"PK\x03\x04"
    book = folder.parent / "k.xlsx"
    book.write_bytes(r.content)
    assert to_data(load(book)) == to_data(load("korea-2019"))
    up = post("/upload", files={"file": ("case.xlsx", io.BytesIO(r.content), "application/octet-stream")})
    assert up.status_code == 303, up.text
    assert up.headers["location"] == "/scenarios/case.xlsx"
    assert client.get("/scenarios/case.xlsx").status_code == 200


def test_the_flag_shows_on_the_scenario_page_and_in_the_report(client: TestClient,
                                                               op: Callable[..., httpx.Response], folder: Path,
                                                               work: str) -> None:
    from allied.report.html import evidence_cell
    from allied.report.prep import stances_frame

    assert op("set", path=["stances", {"actor": "USA", "issue": "sma_term"}, "position"], value=3).status_code == 200
    page = client.get(f"/scenarios/{work}").text
    assert "edited after quote" in page and "position was 1 when quoted" in page
    row = stances_frame(load(folder / work)).set_index(["actor", "issue"]).loc[("USA", "sma_term")]
    assert row["edited"] == "position was 1 when quoted"
    cell = evidence_cell(row["quote"], row["source"], row["note"], {}, "", edited=row["edited"])
    assert "edited after quote</span> position was 1 when quoted" in cell


def test_preview_equals_whole_runs_after_an_edit() -> None:
    """The preview reruns only changed issues for one-issue models; its forecasts must equal whole runs."""
    from allied.models import run as run_models
    from allied.scenario import editing as ed
    from allied.scenario.validate import from_data
    from allied.web import engines
    from allied.web.builder import PREVIEW_PARAMS, preview_forecasts

    data = to_data(load("korea-2019"), json_safe=False)
    preview_forecasts(from_data(data, {}, "k"))  # fills the per-issue cache
    data = ed.set_value(data, ["stances", {"actor": "USA", "issue": "sanctions_relief"}, "position"], 60)
    sc = from_data(data, {}, "k")
    frame, errors = preview_forecasts(sc)
    table = engines.final_table(frame, sc)
    checked = 0
    for m in engines.model_names():
        if m in errors:
            continue
        run = run_models(sc, [m], params=PREVIEW_PARAMS.get(m, {})).runs[m]
        for iss in run.input.issues:
            assert table.loc[iss, m] == pytest.approx(run.final(iss), abs=1e-12), (m, iss)
            checked += 1
    assert checked >= 4 * len(sc.issues) - 2


def test_attach_a_source_file(post: Callable[..., httpx.Response], folder: Path, work: str) -> None:
    text = b"The US does not want to remove sanctions from North Korea until substantial progress is being made."
    r = post(f"/scenarios/{work}/build/source-file", data={"source": "mishra2019"},
             files={"file": ("../../article.txt", io.BytesIO(text), "text/plain")})
    assert r.status_code == 303, r.text
    src = next(s for s in load(folder / work).sources if s.id == "mishra2019")
    assert src.path == "sources/article.txt" and (folder / "sources" / "article.txt").read_bytes() == text
    r = post(f"/scenarios/{work}/build/source-file", data={"source": "mishra2019"},
             files={"file": ("run.sh", io.BytesIO(b"x"), "text/plain")})
    assert r.status_code == 422 and not (folder / "sources" / "run.sh").exists()


def test_builder_shows_each_quote_checked_against_its_attached_source(client: TestClient,
                                                                      post: Callable[..., httpx.Response],
                                                                      work: str) -> None:
    text = (b"The US does not want to remove sanctions from North Korea until substantial progress is being made "
            b"in the process of its denuclearisation.")
    post(f"/scenarios/{work}/build/source-file", data={"source": "mishra2019"},
         files={"file": ("article.txt", io.BytesIO(text), "text/plain")})
    page = client.get(f"/scenarios/{work}/build").text
    assert "tag quote-verified" in page and "tag quote-not_found" in page  # one quote is in it, others not


@pytest.mark.parametrize("name", ["korea-2019", "sma-2020", "us-allies-burden"])
def test_every_builtin_opens_in_the_builder(client: TestClient, post: Callable[..., httpx.Response],
                                            name: str) -> None:
    from allied.scenario import builtin_names

    if name not in builtin_names():
        pytest.skip(f"{name} is not built in here")
    key = post(f"/scenarios/{name}/copy").headers["location"].split("/")[2]
    r = client.get(f"/scenarios/{key}/build")
    assert r.status_code == 200 and 'id="grid"' in r.text
    assert client.get(f"/scenarios/{key}/build/preview").status_code == 200


def test_a_broken_workbook_upload_names_its_cells(post: Callable[..., httpx.Response], folder: Path) -> None:
    from openpyxl import load_workbook

    from allied.scenario.xlsx import write_xlsx

    book = folder.parent / "broken.xlsx"
    write_xlsx(load("korea-2019"), book)
    wb = load_workbook(book)
    wb["stances"]["F14"] = "about eighty"
    wb.save(book)
    r = post("/upload", files={"file": ("case.xlsx", io.BytesIO(book.read_bytes()), "application/octet-stream")})
    assert r.status_code == 422 and "case.xlsx!stances!F14" in r.text
    assert not list(folder.glob("case*"))
