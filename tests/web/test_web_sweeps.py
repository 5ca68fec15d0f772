"""Sweeps from the web app: started in the background, progress polled, results read from the run store
and equal to the same sweep run through the Python API."""

from __future__ import annotations

import html
import re
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient


def wait_done(client: TestClient, url: str, timeout: float = 120) -> str:
    deadline = time.monotonic() + timeout
    while True:
        r = client.get(url + "/status")
        assert r.status_code == 200
        if 'data-status="running"' not in r.text:
            return r.text
        assert time.monotonic() < deadline, "the sweep did not finish"
        time.sleep(0.3)


def summary_rows(text: str) -> dict[str, list[str]]:
    table = text[text.index("Summary per issue"):]
    table = table[: table.index("</table>")]
    rows = {}
    for tr in re.findall(r"<tr>(.*?)</tr>", table, re.S):
        cells = [html.unescape(c).strip() for c in re.findall(r"<td>(.*?)</td>", tr, re.S)]
        if cells:
            rows[cells[0]] = cells[1:]
    return rows


def test_start_a_sweep_and_read_its_results(client: TestClient, post: Callable[..., httpx.Response],
                                            folder: Path, tmp_path: Path) -> None:
    page = client.get("/scenarios/korea-2019/sweeps")
    assert page.status_code == 200 and 'id="start-sweep"' in page.text
    assert '<option value="mean"' in page.text
    r = post("/scenarios/korea-2019/sweeps", data={"model": "mean", "samples": "240", "seed": "7"})
    assert r.status_code == 303
    url = r.headers["location"]
    assert re.fullmatch(r"/sweeps/korea-2019-mean-\d{8}-\d{6}-[0-9a-f]{4}", url)
    first = client.get(url)
    assert first.status_code == 200 and 'id="sweep-status"' in first.text
    text = wait_done(client, url)
    assert 'data-status="done"' in text and "240 of 240 samples" in text
    assert "data-figure=" in text
    rows = summary_rows(text)

    from allied.api import load
    from allied.sweeps.runner import run_sweep

    ref = run_sweep(load("korea-2019"), "mean", 240, seed=7, out=tmp_path / "ref", workers=1, register=False)
    assert set(rows) == set(ref.summary)
    for issue, stats in ref.summary.items():
        n, mean = rows[issue][0], float(rows[issue][1].replace(",", ""))
        assert int(n) == stats["n"] == 240
        assert mean == pytest.approx(stats["mean"], rel=1e-3)
    # the run is stored in the run store under ALLIED_HOME and listed on the scenario's sweeps page
    run_dir = folder.parent / "runs" / url.rsplit("/", 1)[1]
    assert (run_dir / "run.json").is_file() and list((run_dir / "samples").glob("part-*.parquet"))
    assert url in client.get("/scenarios/korea-2019/sweeps").text


@pytest.mark.parametrize(("form", "field", "message"), [
    ({"model": "nope", "samples": "10", "seed": "0"}, "model", "unknown model 'nope'"),
    ({"model": "mean", "samples": "0", "seed": "0"}, "samples", "is not a whole number from 1"),
    ({"model": "mean", "samples": "1e9", "seed": "0"}, "samples", "is not a whole number from 1"),
    ({"model": "mean", "samples": "10", "seed": "-1"}, "seed", "is not a whole number >= 0"),
])
def test_bad_sweep_settings_are_shown_beside_their_field(post: Callable[..., httpx.Response], folder: Path,
                                                         form: dict[str, str], field: str, message: str) -> None:
    r = post("/scenarios/korea-2019/sweeps", data=form)
    assert r.status_code == 422
    text = html.unescape(r.text)
    at = text.index(f'id="{field}"')
    err = text.index(f'id="error-{field}"')
    assert at < err < text.index("</div>", at)
    assert message in text
    runs = folder.parent / "runs"
    assert not runs.exists() or not any(runs.iterdir())


@pytest.mark.parametrize("name", ["..%2f..%2fetc", "%2e%2e", "nope", "..%2fscenarios"])
def test_unknown_or_traversing_run_names(client: TestClient, name: str) -> None:
    for suffix in ("", "/status"):
        r = client.get(f"/sweeps/{name}{suffix}")
        assert r.status_code == 404, (name, suffix)


def test_at_most_two_sweeps_run_at_once(client: TestClient, post: Callable[..., httpx.Response]) -> None:
    from allied.web.sweeps import MAX_RUNNING, Job

    jobs = client.app.state.sweeps.jobs  # type: ignore[attr-defined]
    for k in range(MAX_RUNNING):
        jobs[f"busy-{k}"] = Job(f"busy-{k}", Path("/nonexistent"), "korea-2019", "mean", 10, 0)
    r = post("/scenarios/korea-2019/sweeps", data={"model": "mean", "samples": "10", "seed": "0"})
    assert r.status_code == 422 and "2 sweeps are already running" in r.text
    jobs.clear()
