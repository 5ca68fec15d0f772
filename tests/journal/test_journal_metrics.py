"""CRPS against its closed form and properscoring, coverage and skill by hand, the paired bootstrap."""

from __future__ import annotations

import numpy as np
import pytest

from allied.journal import metrics as M


def test_crps_of_two_point_sample_by_hand() -> None:
    # samples {0, 1}, y = 0.5: E|X − y| = 0.5; ½E|X − X'| over 4 pairs = ½ · (0 + 1 + 1 + 0)/4 = 0.25
    assert M.crps_samples(np.array([0.0, 1.0]), 0.5) == pytest.approx(0.25)
    # a point mass: the absolute error
    assert M.crps_samples(np.array([2.0, 2.0, 2.0]), 5.0) == pytest.approx(3.0)


@pytest.mark.parametrize(("mu", "sigma", "y"), [(0.0, 1.0, 0.0), (1.0, 2.0, 4.0), (-3.0, 0.5, -2.0)])
def test_crps_of_normal_samples_matches_closed_form(mu: float, sigma: float, y: float) -> None:
    rng = np.random.default_rng(42)
    n = 40_000
    x = rng.normal(mu, sigma, n)
    got = M.crps_samples(x, y)
    # standard error of the estimator is about sigma/sqrt(n); allow 6 of them plus the O(1/n) bias
    assert got == pytest.approx(M.crps_normal(mu, sigma, y), abs=6 * sigma / np.sqrt(n) + sigma / n)


def test_crps_closed_form_known_value() -> None:
    # CRPS(N(0,1), 0) = 2φ(0) − 1/√π = (√2 − 1)/√π
    assert M.crps_normal(0.0, 1.0, 0.0) == pytest.approx((np.sqrt(2) - 1) / np.sqrt(np.pi))


def test_crps_matches_properscoring() -> None:
    ps = pytest.importorskip("properscoring")
    rng = np.random.default_rng(3)
    for _ in range(5):
        x = rng.gamma(2.0, 3.0, size=257)
        y = float(rng.uniform(0, 15))
        assert M.crps_samples(x, y) == pytest.approx(float(ps.crps_ensemble(y, x)), rel=1e-12, abs=1e-12)


def test_intervals_and_skill_by_hand() -> None:
    x = np.arange(101.0)  # numpy's linear quantiles: p05 = 5, p25 = 25, p75 = 75, p95 = 95
    assert M.inside(x, 5.0, 0.05, 0.95) and not M.inside(x, 4.99, 0.05, 0.95)
    assert M.inside(x, 75.0, 0.25, 0.75) and not M.inside(x, 75.01, 0.25, 0.75)
    assert M.skill([1.0, 2.0], [2.0, 2.0]) == pytest.approx(1 - 3 / 4)
    assert M.skill([1.0], [0.0]) is None


def test_pct_of_actual_only_on_real_quantities() -> None:
    assert M.pct_of_actual_meaningful("years", 1.0, 6.0)
    assert not M.pct_of_actual_meaningful(None, 0.0, 60.0)  # an abstract 0–100 scale
    assert not M.pct_of_actual_meaningful("%", 0.0, 0.0)


def test_paired_bootstrap_brackets_the_mean() -> None:
    d = np.array([-3.0, -1.0, 0.5, -2.0, -0.5, -1.5])
    lo, hi = M.paired_bootstrap(d, reps=4000, seed=1)
    assert lo < d.mean() < hi and hi < 0.5
    assert M.paired_bootstrap([1.0]) is None
