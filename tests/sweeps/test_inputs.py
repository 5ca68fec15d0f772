"""Named uncertain inputs and per-sample streams."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from allied.scenario.uncertain import Uncertain
from allied.sweeps.inputs import Input, InputSpace, scenario_inputs


def test_korea_inputs_are_named_by_scenario_path(korea):
    space = scenario_inputs(korea)
    names = space.names
    assert len(names) == len(set(names)) > 10
    assert "stances.USA.sanctions_relief.position" in names or any(
        n.startswith("stances.") and n.endswith(".position") for n in names)
    for n in names:
        assert n.split(".")[0] in {"actors", "stances", "alliance", "protocol"}


def test_sample_i_uses_its_own_stream(korea):
    space = scenario_inputs(korea)
    k = len(space)
    d = space.sample(seed=11, start=5, stop=9)
    # independent of our code: numpy's documented generator seeded by [seed, i]
    expected = np.vstack([np.random.default_rng([11, i]).random(k) for i in range(5, 9)])
    np.testing.assert_array_equal(d.u, expected)
    np.testing.assert_array_equal(d.sample_ids, [5, 6, 7, 8])


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**31), st.integers(0, 40), st.integers(1, 40))
def test_chunking_never_changes_a_sample(seed, start, length):
    space = InputSpace([Input("a", Uncertain(low=0, high=1)), Input("b", Uncertain(mean=5, sd=2), (0.0, 8.0)),
                        Input("c", Uncertain(low=1, mode=2, high=6))])
    whole = space.sample(seed, 0, start + length)
    part = space.sample(seed, start, start + length)
    for name in space.names:
        np.testing.assert_array_equal(whole.values[name][start:], part.values[name])
    assert np.all((part.values["b"] >= 0) & (part.values["b"] <= 8))
    assert np.all((part.values["c"] >= 1) & (part.values["c"] <= 6))


def test_ppf_maps_quantiles_through_each_distribution():
    space = InputSpace([Input("u", Uncertain(low=10, high=20)), Input("t", Uncertain(low=0, mode=0, high=1))])
    vals = space.map(np.array([[0.25, 0.25]]))
    assert vals["u"][0] == 12.5
    # triangular with mode at low: F(x) = 1 - (1 - x)^2  =>  x = 1 - sqrt(1 - u)
    assert abs(vals["t"][0] - (1 - np.sqrt(0.75))) < 1e-12


def test_inverse_cdf_equals_scipy():
    """Our closed-form inverse CDFs against scipy.stats (an independent implementation)."""
    from scipy import stats

    def reference(d: Uncertain, u: np.ndarray, clip: tuple[float, float] | None) -> np.ndarray:
        if d.mean is not None:
            v = d.mean + d.sd * stats.norm.ppf(np.clip(u, 1e-12, 1 - 1e-12))
            lo, hi = (d.low, d.high) if d.low is not None else (-np.inf, np.inf)
            if clip is not None:
                lo, hi = max(lo, clip[0]), min(hi, clip[1])
            return np.clip(v, lo, hi)
        if d.mode is None:
            return d.low + (d.high - d.low) * u
        return stats.triang.ppf(u, (d.mode - d.low) / (d.high - d.low), loc=d.low, scale=d.high - d.low)

    u = np.random.default_rng(0).random(5000)
    u[:3] = [0.0, 1.0, 0.5]
    cases = [(Uncertain(low=1, mode=2, high=7), None), (Uncertain(low=1, mode=1, high=7), None),
             (Uncertain(low=1, mode=7, high=7), None), (Uncertain(mean=3, sd=2), (0.0, 5.0)),
             (Uncertain(mean=3, sd=2, low=1, high=4), None), (Uncertain(low=2, high=3), None)]
    for d, clip in cases:
        np.testing.assert_allclose(d.ppf(u, clip), reference(d, u, clip), rtol=0, atol=1e-12)
