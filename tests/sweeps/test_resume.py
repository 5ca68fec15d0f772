"""A sweep killed with SIGKILL and rerun with --resume loses nothing and duplicates nothing."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from allied.sweeps.runner import run_sweep

N, CHUNK = 4000, 20
CLI = [sys.executable, "-c", "from allied.cli import main; main()"]


def _args(out: Path, *extra: str) -> list[str]:
    return [*CLI, "sweep", "korea-2019", "--model", "mean", "--samples", str(N), "--seed", "5",
            "--chunk-size", str(CHUNK), "--workers", "1", "--out", str(out), "--format", "json", *extra]


def _parts(out: Path) -> list[Path]:
    d = out / "samples"
    return sorted(d.glob("part-*.parquet")) if d.is_dir() else []


@pytest.mark.skipif(not hasattr(os, "killpg"), reason="needs POSIX process groups")
def test_sigkill_then_resume_gives_every_sample_once(korea, tmp_path: Path):
    out = tmp_path / "killed"
    env = dict(os.environ)
    proc = subprocess.Popen(_args(out), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                            start_new_session=True)
    deadline = time.monotonic() + 120
    rnd = random.Random()
    target = rnd.randint(2, 40)  # kill after a random number of finished chunks …
    while len(_parts(out)) < target and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    time.sleep(rnd.uniform(0.0, 0.05))  # … plus a random moment, possibly in the middle of a write
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    killed_with = len(_parts(out))
    assert killed_with < N // CHUNK, "the sweep finished before it could be killed; make it longer"
    from allied.sweeps.registry import list_runs

    (rec,) = [r for r in list_runs() if r["out"] == str(out.resolve())]
    assert rec["status"] == "stopped" and rec["samples_done"] == killed_with * CHUNK

    done = subprocess.run(_args(out, "--resume"), capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    assert '"samples_done": 4000' in done.stdout
    assert not list((out / "samples").glob("*.tmp*"))
    resumed = pd.concat([pd.read_parquet(p) for p in _parts(out)], ignore_index=True)
    assert len(_parts(out)) == N // CHUNK
    per_sample = resumed.groupby("sample").size()
    assert per_sample.index.nunique() == N and set(per_sample.index) == set(range(N))
    assert (per_sample == len(korea.issues)).all()  # no sample written twice

    clean = run_sweep(korea, "mean", N, seed=5, out=tmp_path / "clean", workers=1, chunk_size=CHUNK).frame()
    resumed = resumed.sort_values(["sample"], kind="stable").reset_index(drop=True)
    pd.testing.assert_frame_equal(resumed, clean, check_exact=True)


def test_resume_refuses_a_changed_scenario(korea, tmp_path: Path):
    out = tmp_path / "r"
    run_sweep(korea, "mean", 10, seed=1, out=out, workers=1)
    r = subprocess.run(_args(out, "--resume", "--set", "stances.USA.sanctions_relief.salience=11"),
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2
    assert "refusing to resume" in r.stderr and "scenario changed" in r.stderr
    assert "Traceback" not in r.stderr
