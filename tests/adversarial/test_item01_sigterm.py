"""Item 1 of issue 20: the real `allied serve` obeys SIGTERM while an alias-bomb upload is being refused
(it once blocked its event loop for 20+ s and ignored the signal)."""

from __future__ import annotations

import contextlib
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from test_items_01_08_yaml import BOMB


def test_item01_serve_stops_on_sigterm_during_a_bomb_upload(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([sys.executable, "-c", "from allied.cli import main; main()", "serve", "--port",
                             str(port), "--scenarios", str(tmp_path / "sc")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(url + "/static/htmx.min.js", timeout=5)
                break
            except httpx.TransportError:
                assert proc.poll() is None and time.monotonic() < deadline, "allied serve did not start"
                time.sleep(0.2)
        with ThreadPoolExecutor(1) as pool:
            up = pool.submit(httpx.post, url + "/upload", files={"file": ("bomb.yaml", BOMB.encode())},
                             headers={"Origin": url}, timeout=30)
            time.sleep(0.2)  # the upload is on its way or being refused
            t0 = time.monotonic()
            proc.send_signal(signal.SIGTERM)
            code = proc.wait(timeout=15)
            stopped = time.monotonic() - t0
            with contextlib.suppress(httpx.TransportError):  # the server may go mid-request: it was told to stop
                up.result()
        assert stopped < 10, stopped
        assert code in (0, -signal.SIGTERM, 128 + signal.SIGTERM), code
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
