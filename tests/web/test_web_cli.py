"""``allied serve``: binds 127.0.0.1 unless ``--host`` is given, and then warns; bad arguments exit 2."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from allied.cli import app


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Capture what ``uvicorn.run`` would have been given (no server is started)."""
    import uvicorn

    from allied.cli import web

    seen: dict[str, Any] = {}

    def fake_run(asgi: Any, **kwargs: Any) -> None:
        seen["app"] = asgi
        seen.update(kwargs)

    monkeypatch.setattr(uvicorn, "run", fake_run)
    monkeypatch.setattr(web, "_warm_up", lambda: None)
    seen["_check_free"] = web._check_free
    monkeypatch.setattr(web, "_check_free", lambda host, port: None)  # 8765 may be busy on this machine
    return seen


def test_default_binds_loopback_only(served: dict[str, Any], tmp_path: Path) -> None:
    r = CliRunner().invoke(app, ["serve", "--scenarios", str(tmp_path / "sc")])
    assert r.exit_code == 0, r.output
    assert served["host"] == "127.0.0.1" and served["port"] == 8765
    assert "warning" not in r.output
    assert "http://127.0.0.1:8765" in r.output
    assert (tmp_path / "sc").is_dir()
    assert served["app"].state.store.folder == (tmp_path / "sc").resolve()


def test_default_folder_is_under_allied_home(served: dict[str, Any], tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALLIED_HOME", str(tmp_path / "home"))
    r = CliRunner().invoke(app, ["serve", "--port", "9000"])
    assert r.exit_code == 0, r.output
    assert served["port"] == 9000
    assert served["app"].state.store.folder == (tmp_path / "home" / "scenarios").resolve()


def test_other_address_only_explicitly_and_with_a_warning(served: dict[str, Any], tmp_path: Path) -> None:
    r = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0", "--scenarios", str(tmp_path)])
    assert r.exit_code == 0, r.output
    assert served["host"] == "0.0.0.0"
    assert "warning" in r.output and "other machines" in r.output


def test_explicit_loopback_needs_no_warning(served: dict[str, Any], tmp_path: Path) -> None:
    r = CliRunner().invoke(app, ["serve", "--host", "127.0.0.1", "--scenarios", str(tmp_path)])
    assert r.exit_code == 0 and "warning" not in r.output


@pytest.mark.parametrize("args", [["--port", "0"], ["--port", "70000"]])
def test_bad_port(served: dict[str, Any], args: list[str]) -> None:
    r = CliRunner().invoke(app, ["serve", *args])
    assert r.exit_code == 2 and "--port" in r.output
    assert "app" not in served


def test_scenarios_must_be_a_folder(served: dict[str, Any], tmp_path: Path) -> None:
    f = tmp_path / "file.txt"
    f.write_text("x")
    r = CliRunner().invoke(app, ["serve", "--scenarios", str(f)])
    assert r.exit_code == 2 and "not a folder" in r.output
    assert "app" not in served


def test_port_in_use_is_a_clear_error(served: dict[str, Any], tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    from allied.cli import web

    monkeypatch.setattr(web, "_check_free", served.pop("_check_free"))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        r = CliRunner().invoke(app, ["serve", "--port", str(port), "--scenarios", str(tmp_path)])
    assert r.exit_code == 2 and f"cannot listen on 127.0.0.1:{port}" in r.output
    assert "app" not in served


def test_allied_serve_end_to_end(tmp_path: Path) -> None:
    """The real command in a subprocess: it listens on 127.0.0.1 only and the start page lists korea-2019."""
    import socket
    import subprocess
    import sys
    import time

    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-c", "from allied.cli import main; main()", "serve", "--port", str(port),
                             "--scenarios", str(tmp_path / "sc")], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/", timeout=5)
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.stdout.read().decode() if proc.stdout else ""
                assert time.monotonic() < deadline, "allied serve did not start"
                time.sleep(0.2)
        assert r.status_code == 200 and 'href="/scenarios/korea-2019"' in r.text
        assert "US–South Korea alliance" in r.text
        out = subprocess.run(["ss", "-ltn"], capture_output=True, text=True).stdout if Path("/usr/bin/ss").exists() \
            else ""
        if out:
            listening = [ln for ln in out.splitlines() if f":{port} " in ln]
            assert listening and all("127.0.0.1:" in ln for ln in listening), listening
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
