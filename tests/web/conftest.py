"""Fixtures of the web tests: an app over a temporary scenarios folder, and a client that talks to it as a
browser on this machine would (Host 127.0.0.1:8765, and its Origin on every POST via ``post``)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from allied.web import create_app

BASE = "http://127.0.0.1:8765"


@pytest.fixture
def folder() -> Path:
    """The scenarios folder inside this test's ``ALLIED_HOME`` (set by the root conftest)."""
    return Path(os.environ["ALLIED_HOME"]) / "scenarios"


@pytest.fixture
def client(folder: Path) -> Iterator[TestClient]:
    app = create_app(folder)
    with TestClient(app, base_url=BASE, follow_redirects=False) as c:
        yield c


@pytest.fixture
def post(client: TestClient) -> Callable[..., httpx.Response]:
    """POST as a page of this server does (with the server's own Origin)."""

    def send(url: str, headers: dict[str, str] | None = None, **kwargs: Any) -> httpx.Response:
        return client.post(url, headers={"Origin": BASE, **(headers or {})}, **kwargs)

    return send


@pytest.fixture
def work(client: TestClient, post: Callable[..., httpx.Response], folder: Path) -> str:
    """Key of a fresh working copy of korea-2019."""
    r = post("/scenarios/korea-2019/copy")
    assert r.status_code == 303, r.text
    key = r.headers["location"].split("/")[2]
    assert (folder / key).is_file()
    return key


class LiveServer:
    """uvicorn serving the app on 127.0.0.1 and a free port, in a thread of this process."""

    def __init__(self, folder: Path) -> None:
        import socket
        import threading

        import uvicorn

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(create_app(folder), host="127.0.0.1", port=self.port, log_level="warning",
                                lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="allied-test-server", daemon=True)

    def __enter__(self) -> LiveServer:
        import time

        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture
def live_server(folder: Path) -> Iterator[LiveServer]:
    from allied.api import load
    from allied.web import engines

    engines.forecasts(load("korea-2019"))  # compile the models before a page waits on them
    with LiveServer(folder) as srv:
        yield srv
