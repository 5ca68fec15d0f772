"""Item 5 of issue 20: huge capabilities. The models use capability ratios only, so scaling every capability
by the same factor must leave every forecast unchanged (an invariant); a capability too large to compute
with is refused up front instead of giving null forecasts."""

from __future__ import annotations

import numpy as np
from adversarial_helpers import BASE, cli

from allied.api import forecast
from allied.scenario import load
from allied.scenario.uncertain import point


def test_item05_capability_1e308_refused(write) -> None:  # type: ignore[no-untyped-def]
    r = cli("forecast", write(BASE.replace("capability: 10", "capability: 1e308")))
    assert r.code == 2 and "number out of range" in r.err
    csv = write("actor,capability,position,salience\nA,1e308,10,50\nB,1,90,60\n", "big.csv")
    r = cli("forecast", csv, "--format", "json")
    assert r.code == 2 and "number out of range" in r.err and "null" not in r.out


def test_item05_forecasts_invariant_to_capability_scale() -> None:
    base = load("korea-2019")
    factor = 1e12  # every capability of korea-2019 is below 1000, so the scaled ones stay under the 1e15 cap
    big = load("korea-2019", [f"actors.{a.id}.capability={point(a.capability) * factor!r}" for a in base.actors])
    r0 = forecast(base, issues=["cost_sharing"]).runs
    r1 = forecast(big, issues=["cost_sharing"]).runs
    for m in r0:
        a, b = r0[m].final("cost_sharing"), r1[m].final("cost_sharing")
        assert np.isfinite(b) and abs(a - b) <= 1e-9 * max(1.0, abs(a)), m
