"""The fused SMP kernels (:mod:`allied.models.smp._fused`, JIT and ahead-of-time build) against the numpy
reference (:mod:`allied.models.smp._numpy`): the same numbers bit for bit (``assert_array_equal``, not
closeness), for every output of a run, every enumeration parameter, on data hypothesis draws (grid positions so
that ties and shared positions occur, zero saliences, one to forty-odd actors across the pairwise-summation
block sizes of numpy)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from allied.arrays import ForecastInput
from allied.models.registry import get
from allied.models.smp import _aot, _fused
from allied.models.smp import params as K


def _inputs(b: int, a: int, d: int, seed: int, grid: bool) -> ForecastInput:
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 11, (b, a, d)) * 10.0 if grid else rng.uniform(0, 100, (b, a, d))
    s = rng.uniform(0.05, 1.0, (b, a, d)) * (rng.uniform(size=(b, a, d)) < 0.8)
    s[:, :, 0] = np.where(s.sum(-1) > 0, s[:, :, 0], 0.5)
    s = s / s.sum(-1, keepdims=True) * rng.uniform(0.3, 1.0, (b, a, 1))
    c = np.repeat(rng.uniform(1, 200, (b, a, 1)), d, axis=2)
    return ForecastInput(x, s, c, np.zeros(d), np.full(d, 100.0), tuple(f"A{i}" for i in range(a)),
                         tuple(f"I{k}" for k in range(d)))


def _run(inp: ForecastInput, kern: Any, monkeypatch: pytest.MonkeyPatch, **params: Any) -> Any:
    monkeypatch.setattr(_aot, "kernels", lambda b, n, d: kern)
    return get("smp").run(inp, **params)


def _same(fast: Any, slow: Any) -> None:
    np.testing.assert_array_equal(fast.rounds_run, slow.rounds_run)
    np.testing.assert_array_equal(fast.positions, slow.positions)
    np.testing.assert_array_equal(fast.forecast, slow.forecast)
    np.testing.assert_array_equal(fast.mean, slow.mean)
    for key in ("position_prob", "risk", "fractional_change", "distinct"):
        np.testing.assert_array_equal(fast.extras[key], slow.extras[key], err_msg=key)
    for key, val in slow.extras.get("details", {}).items():
        if key != "perspective":
            np.testing.assert_array_equal(fast.extras["details"][key], val, err_msg=key)


def _kernel_sets() -> list[Any]:
    out = [_aot._jit()]
    if _aot.load() is not None:
        out.append(_aot.load())
    return out


@pytest.mark.parametrize("n", [*range(1, 20), 23, 31, 39, 40, 64, 100, 127, 128])
def test_pairwise_sum_is_numpys(n: int) -> None:
    rng = np.random.default_rng(n)
    a = rng.standard_normal((50, n)) * 10.0 ** rng.integers(-9, 9, (50, n))
    expect = a.sum(-1)
    got = np.array([_fused._pwsum(row, n) for row in a])
    np.testing.assert_array_equal(got, expect)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(b=st.integers(1, 3), a=st.integers(2, 12), d=st.integers(1, 10), seed=st.integers(0, 10**6),
       grid=st.booleans(), rule=st.sampled_from(K.CHOICES["VotingRule"]),
       commit=st.sampled_from(K.CHOICES["ThirdPartyCommit"]), vpm=st.sampled_from(K.CHOICES["VictoryProbModel"]),
       bargain=st.sampled_from(K.CHOICES["BargnModel"]), ivb=st.sampled_from(K.CHOICES["InterVecBrgn"]),
       details=st.booleans(), rounds=st.sampled_from([None, 1, 3]))
def test_fused_equals_numpy(monkeypatch: pytest.MonkeyPatch, b: int, a: int, d: int, seed: int, grid: bool,
                            rule: str, commit: str, vpm: str, bargain: str, ivb: str, details: bool,
                            rounds: int | None) -> None:
    inp = _inputs(b, a, d, seed, grid)
    params = {"VotingRule": rule, "ThirdPartyCommit": commit, "VictoryProbModel": vpm, "BargnModel": bargain,
              "InterVecBrgn": ivb, "details": details}
    slow = _run(inp, None, monkeypatch, rounds=rounds, **params)
    for kern in _kernel_sets():
        _same(_run(inp, kern, monkeypatch, rounds=rounds, **params), slow)


@pytest.mark.parametrize(("a", "d", "params"), [
    (2, 1, {}), (9, 2, {}), (17, 3, {"PCEModel": "MarkovIncentive"}), (30, 2, {}),
    (39, 9, {"PCEModel": "MarkovUniform", "StateTransitions": "Stochastic"}),
    (25, 2, {"perspective": 3, "details": True}),
])
def test_fused_equals_numpy_to_convergence(monkeypatch: pytest.MonkeyPatch, a: int, d: int,
                                           params: dict[str, Any]) -> None:
    """Larger sizes (numpy's eight-accumulator sums from nine actors on), run to KTAB's stopping rule."""
    inp = _inputs(2, a, d, 1000 + a, grid=a % 2 == 0)
    rng_params = {"rng": np.random.default_rng(5)} if params.get("StateTransitions") else {}
    slow = _run(inp, None, monkeypatch, **params, **rng_params)
    for kern in _kernel_sets():
        rng_params = {"rng": np.random.default_rng(5)} if params.get("StateTransitions") else {}
        _same(_run(inp, kern, monkeypatch, **params, **rng_params), slow)


def test_kernel_choice() -> None:
    """Past 39 actors the model keeps the numba kernels of :mod:`allied.models.smp._numba` (their own sum
    order); a small batch without a build stays on numpy rather than import numba."""
    assert _aot.kernels(1000, 40, 2) is None
    assert _aot.kernels(1, 5, 2) is _aot.load()


def test_a_thirty_actor_forecast_imports_no_numba() -> None:
    """One forecast runs on the ahead-of-time build, or on numpy where there is none: importing numba would
    cost more than the whole model."""
    import subprocess
    import sys

    code = ("import sys, numpy as np\nfrom allied.arrays import ForecastInput\nfrom allied.models.registry import get\n"
            "rng = np.random.default_rng(1)\nx = rng.uniform(0, 100, (1, 30, 2))\n"
            "s = rng.uniform(0.1, 0.5, (1, 30, 2))\nc = np.repeat(rng.uniform(1, 200, (1, 30, 1)), 2, axis=2)\n"
            "inp = ForecastInput(x, s, c, np.zeros(2), np.full(2, 100.0), tuple(f'A{i}' for i in range(30)),"
            " ('p', 'q'))\nget('smp').run(inp)\nprint('numba' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("vpm", range(len(K.CHOICES["VictoryProbModel"])))
def test_victory_probabilities_kernel(vpm: int) -> None:
    """Coalition pairs on both sides of, and exactly at, the Binary model's 10 % threshold."""
    from allied.models.smp import _numpy as sk

    rng = np.random.default_rng(vpm)
    c = rng.uniform(1e-8, 5.0, (40, 6, 6))
    c[:10, 1, 0] = c[:10, 0, 1] * K.BINARY_VP_THRESHOLD
    c[10:20, 0, 2] = c[10:20, 2, 0] * K.BINARY_VP_THRESHOLD
    c[20:30, 3, 4] = c[20:30, 4, 3] * rng.uniform(0.95, 1.15, 10)
    for kern in _kernel_sets():
        np.testing.assert_array_equal(kern.victory_probs(c, vpm), sk.victory_probs(c, vpm))


@pytest.mark.parametrize(("gap", "distinct"), [(0.09, [True, False, True]), (0.11, [True, True, True])])
def test_positions_closer_than_a_thousandth_are_one(monkeypatch: pytest.MonkeyPatch, gap: float,
                                                    distinct: list[bool]) -> None:
    """KTAB's ueIndices: positions less than 1e-3 of the scale apart (Euclidean) are one position, which the
    first actor holding it represents and whose probability every holder is shown. Hand-built: on a 0-100
    issue, actors 0.09 apart share a position, 0.11 apart do not; numpy and every fused kernel set."""
    x = np.array([[[10.0], [10.0 + gap], [60.0]]])
    inp = ForecastInput(x, np.full((1, 3, 1), 0.8), np.array([[[1.0], [2.0], [3.0]]]), np.zeros(1),
                        np.full(1, 100.0), ("A", "B", "C"), ("I",))
    for kern in [None, *_kernel_sets()]:
        out = _run(inp, kern, monkeypatch, rounds=1)
        np.testing.assert_array_equal(out.extras["distinct"][0, 0], distinct)
        shown = out.extras["position_prob"][0, 0]
        assert (shown[0] == shown[1]) == (not distinct[1])
        assert shown.sum() == pytest.approx(1.0 if distinct[1] else 1.0 + shown[0])
