"""Items 1, 2, 4 and 14 of issue 20 in the web app: a bomb upload is refused while other requests are still
answered, a broken file never breaks the start page, the value form refuses NaN, and none of the probe's
requests answers 500."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from adversarial_helpers import BASE
from fastapi.testclient import TestClient
from test_items_01_08_yaml import BOMB

from allied.web import create_app

HOST = "http://127.0.0.1:8765"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    d = tmp_path / "scenarios"
    d.mkdir()
    return d


@pytest.fixture
def client(folder: Path) -> Iterator[TestClient]:
    with TestClient(create_app(folder), base_url=HOST, follow_redirects=False) as c:
        c.headers["Origin"] = HOST
        yield c


class _Server:
    def __init__(self, folder: Path) -> None:
        import uvicorn

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(create_app(folder), host="127.0.0.1", port=self.port,
                                                    log_level="warning", lifespan="off"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> _Server:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            assert time.monotonic() < deadline and self.thread.is_alive(), "test server did not start"
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def test_item01_static_answers_while_an_upload_is_validated(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from allied.web.store import Store

    real = Store.save_upload

    def slow(self: Store, filename: str, raw: bytes):  # type: ignore[no-untyped-def]
        time.sleep(2.0)  # validation as slow as the unbounded bomb once was
        return real(self, filename, raw)

    monkeypatch.setattr(Store, "save_upload", slow)
    with _Server(folder) as srv, ThreadPoolExecutor(1) as pool:
        up = pool.submit(httpx.post, srv.url + "/upload", files={"file": ("bomb.yaml", BOMB.encode())},
                         headers={"Origin": srv.url}, timeout=30)
        time.sleep(0.5)  # the upload is now being validated
        t0 = time.perf_counter()
        r = httpx.get(srv.url + "/static/htmx.min.js", timeout=10)
        waited = time.perf_counter() - t0
        assert not up.done(), "the upload finished too early for the check to mean anything"
        assert r.status_code == 200 and waited < 0.5, waited
        res = up.result()
    assert res.status_code == 422 and "aliases" in res.text
    assert not any(folder.glob("bomb*"))


def test_item01_bomb_upload_refused_quickly(client: TestClient, folder: Path) -> None:
    t0 = time.perf_counter()
    r = client.post("/upload", files={"file": ("bomb.yaml", BOMB.encode())})
    assert r.status_code == 422 and "aliases" in r.text
    assert time.perf_counter() - t0 < 5


def test_item02_broken_file_never_breaks_the_start_page(client: TestClient, folder: Path) -> None:
    (folder / "bad.yaml").write_text(BASE.replace("title: Base case", 'title: "\\ud800"'), encoding="utf-8")
    (folder / "worse.yaml").write_bytes(BASE.replace("Base case", "Base \udcff").encode("utf-8", "surrogateescape"))
    r = client.get("/")
    assert r.status_code == 200
    assert "bad.yaml" in r.text and "worse.yaml" in r.text


def test_item04_value_form_refuses_nan(client: TestClient, folder: Path) -> None:
    r = client.post("/scenarios/korea-2019/copy")
    key = r.headers["location"].split("/")[2]
    before = (folder / key).read_text()
    for value in (".nan", ".inf", "1e400"):
        r = client.post(f"/scenarios/{key}/set", data={"path": "actors.USA.capability", "value": value})
        assert r.status_code == 422, value
        assert "not a finite number" in r.text or "number out of range" in r.text
    assert (folder / key).read_text() == before


def test_item14_parallel_copies_all_succeed(client: TestClient, folder: Path) -> None:
    with ThreadPoolExecutor(20) as pool:
        codes = list(pool.map(lambda _: client.post("/scenarios/korea-2019/copy").status_code, range(20)))
    assert codes == [303] * 20
    assert len(list(folder.glob("korea-2019*.yaml"))) == 20


def test_item14_sweep_post_on_invalid_file_is_422(client: TestClient, folder: Path) -> None:
    (folder / "broken.yaml").write_text("allied: 1\nid: x\n", encoding="utf-8")
    r = client.post("/scenarios/broken.yaml/sweeps", data={"model": "mean", "samples": "10", "seed": "0"})
    assert r.status_code == 422


def test_item14_run_json_with_bad_types_is_not_a_500(client: TestClient, folder: Path) -> None:
    from allied.sweeps.store import allied_home

    run = allied_home() / "runs" / "korea-2019-mean-x"
    (run / "samples").mkdir(parents=True)
    (run / "run.json").write_text(json.dumps({"scenario": "korea-2019", "model": "mean", "samples": "lots",
                                              "chunk_size": -3, "keys": 5, "seconds": "slow"}))
    for url in ("/scenarios/korea-2019/sweeps", f"/sweeps/{run.name}", f"/sweeps/{run.name}/status"):
        r = client.get(url)
        assert r.status_code == 200, (url, r.status_code)
    assert "damaged" in client.get(f"/sweeps/{run.name}").text


def test_item21_web_sweeps_stored_under_allied_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("ALLIED_HOME", str(home))
    elsewhere = tmp_path / "my-scenarios"  # serve --scenarios DIR: runs still go where docs/web.md says
    elsewhere.mkdir()
    app = create_app(elsewhere)
    assert app.state.runs_dir == home / "runs"


def test_item21_protocol_sweep_summary_names_protocols(tmp_path: Path) -> None:
    from allied.api import load
    from allied.sweeps.runner import run_sweep
    from allied.web import engines
    from allied.web.sweeps import Manager

    out = tmp_path / "runs" / "proto"
    run_sweep(load("korea-2019"), "protocol", 4, out=out, workers=1, register=False)
    info = Manager(tmp_path / "runs").progress(out)
    assert info is not None
    sec = engines.sweep_results(out, info)
    titles = [t for t, _ in sec.tables]
    assert titles == ["Summary per protocol"]
    assert ">issue<" not in sec.tables[0][1] and ">protocol<" in sec.tables[0][1]


def test_item21_runs_of_a_file_and_its_copy_are_told_apart(client: TestClient, folder: Path) -> None:
    from allied.api import load
    from allied.sweeps.runner import run_sweep
    from allied.sweeps.store import allied_home

    runs = allied_home() / "runs"
    run_sweep(load("korea-2019"), "mean", 4, out=runs / "of-builtin", workers=1, register=False)
    key = client.post("/scenarios/korea-2019/copy").headers["location"].split("/")[2]
    r = client.post(f"/scenarios/{key}/set", data={"path": "actors.USA.capability", "value": "123"})
    assert r.status_code == 303
    page = client.get(f"/scenarios/{key}/sweeps").text
    assert "of-builtin" in page and "another version" in page
    assert "this version" in client.get("/scenarios/korea-2019/sweeps").text
