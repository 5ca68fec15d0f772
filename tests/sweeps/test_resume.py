"""A sweep killed with SIGKILL and rerun with --resume loses nothing and duplicates nothing.

Two ways to kill it: from outside at a seeded moment (a real process group, killed after a seeded number
of parts plus a seeded delay), and from inside, at seeded points, in the middle of writing a part (the
child's parquet writer writes part of the file and the process then SIGKILLs itself). The second is
deterministic: a part store that writes parts in place instead of atomically leaves a half-written part
under its final name, and these tests fail every time (checked by that mutation of ``RunStore.write_part``).
"""

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
@pytest.mark.parametrize("seed", [5])
def test_sigkill_then_resume_gives_every_sample_once(korea, tmp_path: Path, seed: int):
    out = tmp_path / "killed"
    env = dict(os.environ)
    proc = subprocess.Popen(_args(out), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                            start_new_session=True)
    deadline = time.monotonic() + 120
    rnd = random.Random(seed)
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


# --- killed inside a part write, at seeded points ------------------------------------------------------
SMALL, SMALL_CHUNK = 200, 20  # ten parts


def _kill_points() -> list[tuple[int, float]]:
    """(part write to die in, fraction of its bytes on disk): the first and last part, with nothing and
    with all but the last byte written, and two seeded points in between."""
    rnd = random.Random(13)
    n = SMALL // SMALL_CHUNK
    return [(1, 0.0), (n, 0.999), *[(rnd.randint(2, n - 1), round(rnd.uniform(0.05, 0.95), 2)) for _ in range(2)]]


@pytest.fixture(scope="module")
def clean_small(korea, tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ALLIED_HOME", str(tmp_path_factory.mktemp("home")))
        out = tmp_path_factory.mktemp("clean") / "run"
        return run_sweep(korea, "mean", SMALL, seed=5, out=out, workers=1, chunk_size=SMALL_CHUNK).frame()


def _die_inside_write(korea, out: Path, kill_at: int, keep: float) -> int:
    """Fork a child that runs the sweep and SIGKILLs itself inside its ``kill_at``-th parquet write, with
    ``keep`` of that file's bytes on disk; returns the child's wait status."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child never returns
        try:
            import pyarrow.parquet as pq

            real = pq.write_table
            calls = [0]

            def write_table(table, where, *args, **kwargs):  # type: ignore[no-untyped-def]
                calls[0] += 1
                real(table, where, *args, **kwargs)
                if calls[0] == kill_at:
                    size = os.path.getsize(where)
                    with open(where, "r+b") as fh:
                        fh.truncate(int(size * keep))
                    os.kill(os.getpid(), signal.SIGKILL)

            pq.write_table = write_table
            run_sweep(korea, "mean", SMALL, seed=5, out=out, workers=1, chunk_size=SMALL_CHUNK)
        finally:
            os._exit(3)  # reached only if the kill did not happen
    return os.waitpid(pid, 0)[1]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
@pytest.mark.parametrize(("kill_at", "keep"), _kill_points(), ids=lambda v: str(v))
def test_killed_inside_a_part_write_then_resume(korea, tmp_path: Path, clean_small: pd.DataFrame, kill_at: int,
                                                keep: float) -> None:
    out = tmp_path / "run"
    status = _die_inside_write(korea, out, kill_at, keep)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, f"child ended with status {status}"
    # only the parts finished before the one being written count as done; the one in flight is not
    assert len(_parts(out)) == kill_at - 1, [p.name for p in _parts(out)]
    for p in _parts(out):
        pd.read_parquet(p)  # every part under its final name is whole
    from allied.sweeps.registry import list_runs

    (rec,) = [r for r in list_runs() if r["out"] == str(out.resolve())]
    assert rec["status"] == "stopped" and rec["samples_done"] == (kill_at - 1) * SMALL_CHUNK

    res = run_sweep(korea, "mean", SMALL, seed=5, out=out, workers=1, chunk_size=SMALL_CHUNK, resume=True)
    assert not list((out / "samples").glob("*.tmp*"))
    assert len(_parts(out)) == SMALL // SMALL_CHUNK
    resumed = res.frame().sort_values(["sample"], kind="stable").reset_index(drop=True)
    pd.testing.assert_frame_equal(resumed, clean_small, check_exact=True)
