"""Sobol and Morris through our input machinery, checked on functions with known indices."""

from __future__ import annotations

import numpy as np
import pytest

from allied.errors import SweepError
from allied.scenario.uncertain import Uncertain
from allied.sweeps.indices import analyse, scenario_sensitivity
from allied.sweeps.inputs import Draw, Input, InputSpace


def ishigami(d: Draw, a: float = 7.0, b: float = 0.1) -> dict[str, np.ndarray]:
    x1, x2, x3 = (d.values[f"x{i}"] for i in (1, 2, 3))
    return {"y": np.sin(x1) + a * np.sin(x2) ** 2 + b * x3**4 * np.sin(x1)}


def ishigami_indices() -> tuple[list[float], list[float]]:
    """Ishigami & Homma (1990); analytic indices for a=7, b=0.1 (e.g. Saltelli et al. 2008, Global
    Sensitivity Analysis: The Primer, §4.7): V = a²/8 + b π⁴/5 + b² π⁸/18 + 1/2,
    V1 = (1 + b π⁴/5)²/2, V2 = a²/8, V13 = b² π⁸ (1/18 - 1/50)."""
    a, b = 7.0, 0.1
    v = a**2 / 8 + b * np.pi**4 / 5 + b**2 * np.pi**8 / 18 + 0.5
    v1, v2, v13 = (1 + b * np.pi**4 / 5) ** 2 / 2, a**2 / 8, b**2 * np.pi**8 * (1 / 18 - 1 / 50)
    return [v1 / v, v2 / v, 0.0], [(v1 + v13) / v, v2 / v, v13 / v]


#: 2^14 base samples (81,920 evaluations, about 2 s): the largest error over seeds 0-7 is 0.0013, so a
#: tolerance of 0.005 leaves room for the draw while a sampler that bends the quantiles by 5% fails
ISHIGAMI_SAMPLES = 1 << 14
ISHIGAMI_TOL = 0.005


def ishigami_error() -> tuple[float, dict]:
    s1, st = ishigami_indices()
    space = InputSpace([Input(f"x{i}", Uncertain(low=-np.pi, high=np.pi)) for i in (1, 2, 3)])
    res = analyse(space, ishigami, "sobol", samples=ISHIGAMI_SAMPLES, seed=7)
    idx = res.indices["y"]
    err = max(max(abs(idx[nm]["S1"] - s1[k]), abs(idx[nm]["ST"] - st[k])) for k, nm in enumerate(("x1", "x2", "x3")))
    return err, {"res": res, "idx": idx}


def test_ishigami_sobol_indices_match_the_analytic_values():
    s1, st = ishigami_indices()
    assert s1[0] == pytest.approx(0.314, abs=1e-3) and st[2] == pytest.approx(0.244, abs=1e-3)
    err, got = ishigami_error()
    assert err <= ISHIGAMI_TOL, got["idx"]
    for name in ("x1", "x2", "x3"):
        assert got["idx"][name]["S1_conf"] > 0 and got["idx"][name]["ST_conf"] > 0
    assert [n for n, _ in got["res"].ranked("y")] == ["x1", "x2", "x3"]
    assert got["res"].evaluations == ISHIGAMI_SAMPLES * 5


@pytest.mark.parametrize("bend", [lambda u: u**1.05, lambda u: np.clip(u, 0.02, 0.98)], ids=["power", "clip"])
def test_ishigami_check_catches_a_distorted_sampler(bend, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same check with the inverse CDF fed bent uniforms (u^1.05; the outer 2% cut off) fails it."""
    ppf = Uncertain.ppf
    monkeypatch.setattr(Uncertain, "ppf", lambda self, u, clip=None: ppf(self, bend(np.asarray(u)), clip))
    err, _ = ishigami_error()
    assert err > ISHIGAMI_TOL


def test_sobol_maps_quantiles_through_each_distribution():
    # y = x1 + x2 with x1 ~ U(0, 1) and x2 triangular(0, 0, 3): Var x1 = 1/12, Var x2 = 9/18 = 1/2
    space = InputSpace([Input("x1", Uncertain(low=0, high=1)), Input("x2", Uncertain(low=0, mode=0, high=3))])
    res = analyse(space, lambda d: {"y": d.values["x1"] + d.values["x2"]}, "sobol", samples=4096, seed=1)
    share = (1 / 12) / (1 / 12 + 1 / 2)
    assert res.indices["y"]["x1"]["S1"] == pytest.approx(share, abs=0.02)
    assert res.indices["y"]["x2"]["ST"] == pytest.approx(1 - share, abs=0.02)


def test_morris_mu_star_of_a_linear_function():
    # y = 3 x1 - 2 x2 + 0 x3 with x_i ~ U(0, 10): each elementary effect per unit of quantile is coef × 10
    space = InputSpace([Input(f"x{i}", Uncertain(low=0, high=10)) for i in (1, 2, 3)])
    res = analyse(space, lambda d: {"y": 3 * d.values["x1"] - 2 * d.values["x2"] + 0 * d.values["x3"]},
                  "morris", samples=20, seed=3)
    idx = res.indices["y"]
    assert idx["x1"]["mu_star"] == pytest.approx(30.0)
    assert idx["x2"]["mu_star"] == pytest.approx(20.0) and idx["x2"]["mu"] == pytest.approx(-20.0)
    assert idx["x3"]["mu_star"] == pytest.approx(0.0, abs=1e-12)
    assert idx["x1"]["sigma"] == pytest.approx(0.0, abs=1e-9)


def test_korea_sobol_reports_every_issue_and_finds_the_mover(korea):
    res = scenario_sensitivity(korea, "mean", "sobol", samples=128, seed=0)
    assert set(res.indices) == {i.id for i in korea.issues}
    for iss, idx in res.indices.items():
        # only that issue's stances and the actors' clout can move a one-issue model's forecast
        for name in idx:
            parts = name.split(".")
            assert parts[0] == "actors" or parts[2] == iss
        assert any((m["ST"] or 0) > 0.05 for m in idx.values()), iss
    out = res.to_json()
    assert set(out["issues"]["cost_sharing"]["indices"][next(iter(res.indices["cost_sharing"]))]) == \
        {"S1", "S1_conf", "ST", "ST_conf"}


def test_sensitivity_without_uncertain_inputs_says_so():
    with pytest.raises(SweepError, match="no uncertain inputs"):
        analyse(InputSpace([]), lambda d: {"y": np.zeros(d.n)}, "sobol", samples=8)
