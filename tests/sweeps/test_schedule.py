"""In-process or forked workers: the cost rule of allied.sweeps.schedule, and what a sweep loads.

The rule is checked on a fake engine and a fake clock (no timings); the numbers written must not depend on
the choice; a mean sweep must not load scipy, numba or pandas (a fresh interpreter, as a user's command)."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest

from allied.sweeps import registry, schedule
from allied.sweeps.inputs import scenario_inputs
from allied.sweeps.runner import run_sweep
from allied.sweeps.schedule import CHUNK_HANDOFF_S, POOL_START_S, Cost, choose_workers, pool_seconds

ROOT = Path(__file__).resolve().parents[2]


def test_pool_seconds_by_hand() -> None:
    # chunks 1000, 1000, 500 at 1 ms a sample on 2 workers, with the measured costs docs/performance.md
    # states (0.03 s to start a worker, 5 ms to hand over a chunk): 1.0 s each for the first two, the third
    # follows the first worker to finish: 1.005 + 0.505; plus each worker's start, 2 x 0.03
    got = pool_seconds(Cost(0.001), [1000, 1000, 500], 2)
    assert got == pytest.approx(0.06 + 1.005 + 0.505)
    assert got == pytest.approx(2 * POOL_START_S + (1.0 + CHUNK_HANDOFF_S) + (0.5 + CHUNK_HANDOFF_S))


def test_constants_are_the_documented_measurements() -> None:
    """The rule's constants are measurements (docs/performance.md, "Sweeps"; docs/scaling.md): a change to
    one must come with the measurement, so both documents are held to the same figures."""
    assert (schedule.PROBE_MIN_S, POOL_START_S, CHUNK_HANDOFF_S) == (0.005, 0.03, 0.005)
    perf = " ".join((ROOT / "docs" / "performance.md").read_text(encoding="utf-8").split())
    scaling = " ".join((ROOT / "docs" / "scaling.md").read_text(encoding="utf-8").split())
    assert "shorter than 5 ms" in perf and "0.03 s per forked worker" in perf and "5 ms per chunk" in perf
    assert "(under 5 ms)" in scaling and "0.03 s to start each, 5 ms to hand over each chunk" in scaling


def test_cheap_work_stays_in_process_and_costly_work_is_spread() -> None:
    assert choose_workers(Cost(2e-6), [1000, 1000], 2) == 1  # a mean sweep: 4 ms in all
    assert choose_workers(Cost(5e-4), [1000, 1000], 2) == 2  # an SMP sweep: 1 s in all
    assert choose_workers(Cost(5e-4), [1000, 1000], 8) == 2  # never more workers than chunks
    assert choose_workers(Cost(5e-4), [2000], 2) == 1  # one chunk: nothing to spread
    # just below the break-even point the pool's start-up is not worth it
    even = (2 * POOL_START_S + 2 * CHUNK_HANDOFF_S) / 1000
    assert choose_workers(Cost(even * 0.9), [1000, 1000], 2) == 1
    assert choose_workers(Cost(even * 1.1), [1000, 1000], 2) == 2


@dataclass
class FakeEngine:
    """Takes ``fixed + n * per`` seconds of a fake clock per call on n samples."""

    fixed: float
    per: float
    clock: list[float] = field(default_factory=lambda: [0.0])
    calls: list[int] = field(default_factory=list)

    def evaluate(self, sc, draw):
        self.calls.append(draw.n)
        self.clock[0] += self.fixed + draw.n * self.per


@pytest.mark.parametrize(("fixed", "per", "calls", "workers"), [
    (1e-3, 1e-6, [1, 1, 8, 64], 1),  # a short call grows until the estimate says the work is cheap
    (0.02, 4e-4, [1, 1], 2),  # a call long enough to time: decided at once
    (0.006, 4e-4, [1, 1], 2),  # 6.4 ms: just over PROBE_MIN_S (5 ms), so decided at once
    (0.0, 7e-5, [1, 1, 8, 64, 500], 2),  # grows up to the first chunk, then decides
])
def test_probe_warms_up_then_times_growing_batches(korea, monkeypatch, fixed, per, calls, workers) -> None:
    eng = FakeEngine(fixed, per)
    monkeypatch.setattr(schedule.time, "perf_counter", lambda: eng.clock[0])
    space = scenario_inputs(korea)
    sizes = [500] * 8
    cost = schedule.probe(eng, korea, space, seed=0, start=0, stop=500, sizes=sizes, max_workers=2)
    assert eng.calls == calls
    assert cost is not None and cost.per_sample == pytest.approx(fixed / calls[-1] + per)
    assert choose_workers(cost, sizes, 2) == workers


def test_explicit_workers_warm_up_only(korea) -> None:
    eng = FakeEngine(0.0, 0.0)
    assert schedule.probe(eng, korea, scenario_inputs(korea), 0, 0, 500) is None
    assert eng.calls == [1]


def test_same_numbers_in_process_or_on_forked_workers(korea, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(schedule, "choose_workers", lambda cost, sizes, n: 1)
    here = run_sweep(korea, "mean", 120, seed=5, out=tmp_path / "a", chunk_size=40).frame()
    assert registry.list_runs()[0]["workers"] == 1
    monkeypatch.setattr(schedule, "choose_workers", lambda cost, sizes, n: 2)
    forked = run_sweep(korea, "mean", 120, seed=5, out=tmp_path / "b", chunk_size=40).frame()
    assert registry.list_runs()[0]["workers"] == 2
    pd.testing.assert_frame_equal(here, forked, check_exact=True)


HEAVY = ("scipy", "numba", "pandas", "SALib", "plotly")


@pytest.mark.parametrize("model", ["mean", "ledger"])
def test_a_sweep_loads_only_what_its_engine_needs(tmp_path: Path, model: str) -> None:
    """korea-2019 has ledger and protocol sections: listing their uncertain inputs must not load the
    ledger's statistics (scipy, pandas) or the protocol solver (numba)."""
    out = tmp_path / "run"
    code = ("import sys, json, contextlib, io\nfrom allied.cli import app\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    try:\n"
            f"        app(['sweep', 'korea-2019', '--model', '{model}', '--samples', '2000', '--out', {str(out)!r}, "
            "'--format', 'json'], standalone_mode=False)\n"
            "    except SystemExit as exc:\n        assert not exc.code\n"
            f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout.strip().splitlines()[-1]) == []
    assert (out / "samples" / "part-00001.parquet").exists()
