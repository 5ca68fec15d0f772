"""CRPS against its closed form and properscoring, coverage and skill by hand, the paired bootstrap."""

from __future__ import annotations

from typing import Any

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


def test_quantiles_sd_is_the_sample_sd_by_hand() -> None:
    # {1, 2, 3, 4}: mean 2.5, squared deviations 2.25 + 0.25 + 0.25 + 2.25 = 5, over n − 1 = 3
    q = M.quantiles(np.array([1.0, 2.0, 3.0, 4.0, np.nan]))
    assert q["mean"] == 2.5 and q["sd"] == pytest.approx((5.0 / 3.0) ** 0.5)


def _one_outcome_rows(samples: np.ndarray | None, point: float, y: float, base: float) -> list[Any]:
    """Score rows of model 'm' (``point``, ``samples``) and the status-quo baseline (``base``) against one outcome
    ``y`` on a 0–10 scale dated after as_of."""
    from allied.journal.forecasts import STATUS_QUO, ForecastSet, IssueForecast
    from allied.journal.scores import score
    from allied.scenario.model import Scenario

    sc = Scenario.model_validate({
        "allied": 1, "id": "hand", "title": "Hand", "as_of": "2020-01-01",
        "actors": [{"id": "A", "name": "A", "capability": 1}, {"id": "B", "name": "B", "capability": 1}],
        "issues": [{"id": "x", "name": "X", "scale": [0, 10]}],
        "stances": [{"actor": a, "issue": "x", "position": 5, "salience": 50, "evidence": {"note": "hand"}}
                    for a in ("A", "B")],
        "outcomes": [{"id": "o", "issue": "x", "value": y, "date": "2021-01-01", "description": "d", "source": "s"}]})
    fs = ForecastSet({"m": {"x": IssueForecast(point, samples)}, STATUS_QUO: {"x": IssueForecast(base)}})
    return score(sc, fs)


def test_point_forecast_scores_by_hand() -> None:
    # forecast 6, actual 9, scale 0–10: error 3 = 30 % of scale; a point mass's CRPS is its absolute error,
    # so 30 % of scale too; no intervals. Status quo 1: error 8, skill 1 − 3/8.
    m = _one_outcome_rows(None, 6.0, 9.0, 1.0)[0]
    assert (m.abs_error, m.err_pct_scale, m.crps, m.crps_pct_scale) == pytest.approx((3.0, 30.0, 3.0, 30.0))
    assert m.in_p25_p75 is None and m.in_p05_p95 is None
    assert m.skill_vs_status_quo == pytest.approx(1.0 - 3.0 / 8.0)


def test_interval_coverage_uses_p25_p75_and_p05_p95_by_hand() -> None:
    # samples 0, 0.1, …, 10 (101 values): p25 = 2.5, p75 = 7.5, p05 = 0.5, p95 = 9.5 (numpy's linear rule,
    # exact on an evenly spaced grid). y = 2.2 lies outside p25–p75 but inside p05–p95.
    m = _one_outcome_rows(np.linspace(0.0, 10.0, 101), 5.0, 2.2, 5.0)[0]
    assert m.in_p25_p75 is False and m.in_p05_p95 is True
    # CRPS % of scale is 100 · CRPS / 10
    assert m.crps_pct_scale == pytest.approx(10.0 * M.crps_samples(np.linspace(0.0, 10.0, 101), 2.2))


def test_a_small_win_is_a_win_not_a_tie() -> None:
    from allied.journal.scores import versus

    # model error 3 = 30.00 % of scale, status quo 9 − 5.999 = 3.001 = 30.01 %: better by 0.01 point of scale,
    # a win (only differences within 1e-9 are ties)
    rows = _one_outcome_rows(None, 6.0, 9.0, 5.999)
    v = versus(rows, "m", "status-quo")
    assert (v["wins"], v["losses"], v["ties"]) == (1, 0, 0)
