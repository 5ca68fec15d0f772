"""``ModelRun.final`` reads the last round's forecast directly; it must be the last row of ``trajectory``
(what the JSON output shows), for every model and issue, including models that stop early (SMP) and
issues a model leaves out."""

from __future__ import annotations

from pathlib import Path

import pytest

from allied.models import run
from allied.scenario import load

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.mark.parametrize(("case", "models"), [("korea-2019", ["all"]), (str(DATA / "dummyData_3Dim.csv"), ["smp"]),
                                              (str(DATA / "dummyData_3Dim.csv"), ["all"])])
def test_final_is_the_last_round_of_the_trajectory(case: str, models: list[str]) -> None:
    res = run(load(case), models)
    checked = 0
    for name, mrun in res.runs.items():
        for issue in mrun.input.issues:
            traj = mrun.trajectory(issue)
            assert len(traj) >= 2 or name != "smp"  # SMP starts from round 0 and moves
            assert mrun.final(issue) == traj[-1]["forecast"], (name, issue)
            checked += 1
    assert checked >= 2


def test_final_of_each_sample_of_a_batch_is_its_own_last_round() -> None:
    """In a batch (samples of different lengths, the shorter padded), ``final`` of each sample is the last
    row of that sample's own trajectory."""
    import dataclasses

    import numpy as np

    from allied.models import get
    from allied.models.base import run_model
    from allied.models.runner import ModelRun

    inp = load(str(DATA / "dummyData_3Dim.csv")).forecast_input()
    rng = np.random.default_rng(7)
    b = 12
    x = np.repeat(inp.x, b, axis=0) + rng.uniform(-20, 20, (b, *inp.x.shape[1:]))
    batch = dataclasses.replace(inp, x=np.clip(x, inp.lo, inp.hi), s=np.repeat(inp.s, b, axis=0),
                                c=np.repeat(inp.c, b, axis=0))
    mrun = ModelRun("smp", batch, run_model(get("smp"), batch))
    lengths = {len(mrun.trajectory(i, k)) for i in batch.issues for k in range(b)}
    assert len(lengths) > 1
    for k in range(b):
        for issue in batch.issues:
            assert mrun.final(issue, k) == mrun.trajectory(issue, k)[-1]["forecast"], (k, issue)
