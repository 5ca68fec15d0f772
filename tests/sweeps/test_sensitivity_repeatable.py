"""Sensitivity indices and their bootstrap confidences repeat exactly for a seed (seed 0 included)."""

from __future__ import annotations

import allied


def test_sobol_confidences_repeat_for_seed_zero() -> None:
    a = allied.sensitivity("korea-2019", "mean", method="sobol", samples=16, seed=0, issues=["sma_term"]).to_json()
    b = allied.sensitivity("korea-2019", "mean", method="sobol", samples=16, seed=0, issues=["sma_term"]).to_json()
    assert a == b
    confs = [m["S1_conf"] for m in a["issues"]["sma_term"]["indices"].values() if m["S1_conf"] is not None]
    assert confs and any(c > 0 for c in confs)  # the bootstrap ran (a constant zero would hide the problem)
