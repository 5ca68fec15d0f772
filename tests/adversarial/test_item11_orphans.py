"""Item 11 of issue 20: after ``kill -9`` of a running sweep, none of its worker processes is alive 5 s
later (each worker watches its parent and exits when it is gone)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest


def _children(pid: int) -> set[int]:
    out = set()
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                stat = (d / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.add(int(d.name))
    return out


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process table from /proc")
def test_item11_workers_exit_after_parent_sigkill(tmp_path: Path) -> None:
    code = "import sys; from allied.cli import main; sys.argv[0] = 'allied'; main()"
    proc = subprocess.Popen([sys.executable, "-c", code, "sweep", "korea-2019", "-m", "eum", "--samples", "400000",
                             "--chunk-size", "2000", "--workers", "2", "--out", str(tmp_path / "run")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: set[int] = set()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(workers) < 2:
        workers = _children(proc.pid)
        time.sleep(0.2)
    assert len(workers) >= 2, "the sweep never started its two workers"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    end = time.monotonic() + 5  # the acceptance bound; the watchdog needs about half a second
    while time.monotonic() < end and any(_alive(w) for w in workers):
        time.sleep(0.1)
    alive = [w for w in workers if _alive(w)]
    for w in alive:  # do not leave them behind if the test fails
        os.kill(w, signal.SIGKILL)
    assert not alive, f"workers {alive} outlived their sweep"
