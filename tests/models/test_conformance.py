"""Shared conformance checks run over every registered forecast model (cf. scikit-learn's
``parametrize_with_checks``). A model may exempt itself from a check only with a stated reason
(``conformance_exempt``); the exemption is shown as a skip with that reason."""

from __future__ import annotations

import numpy as np
import pytest

from allied.arrays import ForecastInput
from allied.models import available, get

MODELS = available()
ROUNDS = 4


def make_input(b: int = 3, a: int = 6, d: int = 1, seed: int = 0, lo: float = 0.0, hi: float = 100.0):
    rng = np.random.default_rng(seed)
    x = rng.uniform(lo, hi, size=(b, a, d)).round(1)
    s = rng.uniform(0.2, 1.0, size=(b, a, d)).round(2)
    if d > 1:  # keep per-actor salience sums <= 1 so multi-issue models need no rescaling
        s = s / s.sum(axis=2, keepdims=True) * 0.9
    c = rng.uniform(5, 100, size=(b, a, d)).round(0)
    return ForecastInput(x, s, c, np.full(d, lo), np.full(d, hi),
                         tuple(f"A{i}" for i in range(a)), tuple(f"I{k}" for k in range(d)))


def dims(name: str) -> int:
    return 2 if get(name).multidimensional else 1


def actors(name: str) -> int:
    """Two sides for a bilateral bargaining model, six actors for the collective-decision models."""
    return 2 if getattr(get(name), "bilateral", False) else 6


def run(name: str, inp: ForecastInput, seed: int = 7):
    model = get(name)
    return model.run(inp, rounds=ROUNDS, rng=np.random.default_rng(seed))


def exempt(name: str, check: str) -> None:
    reason = dict(getattr(get(name), "conformance_exempt", {})).get(check)
    if reason:
        pytest.skip(f"{name} exempt from {check}: {reason}")


@pytest.mark.parametrize("name", MODELS)
def test_declares_contract(name: str) -> None:
    model = get(name)
    assert model.name == name
    assert model.citation, "every model cites its paper"
    assert isinstance(dict(model.parameters), dict)


@pytest.mark.parametrize("name", MODELS)
def test_output_shapes(name: str) -> None:
    inp = make_input(a=actors(name), d=dims(name))
    out = run(name, inp)
    b, a, d = inp.shape
    assert out.positions.shape[0] == b and out.positions.shape[2:] == (a, d)
    r1 = out.positions.shape[1]
    assert out.forecast.shape == (b, r1, d) and out.mean.shape == (b, r1, d)
    np.testing.assert_allclose(out.positions[:, 0], inp.x)


@pytest.mark.parametrize("name", MODELS)
def test_deterministic_for_seed(name: str) -> None:
    inp = make_input(a=actors(name), d=dims(name), seed=1)
    o1, o2 = run(name, inp, seed=3), run(name, inp, seed=3)
    np.testing.assert_array_equal(o1.positions, o2.positions)
    np.testing.assert_array_equal(o1.forecast, o2.forecast)


@pytest.mark.parametrize("name", MODELS)
def test_forecast_inside_scale(name: str) -> None:
    inp = make_input(b=5, a=actors(name), d=dims(name), seed=2, lo=-20.0, hi=40.0)
    out = run(name, inp)
    assert np.all(np.isfinite(out.forecast))
    assert np.all(out.forecast >= -20.0 - 1e-9) and np.all(out.forecast <= 40.0 + 1e-9)
    assert np.all(out.positions >= -20.0 - 1e-9) and np.all(out.positions <= 40.0 + 1e-9)


@pytest.mark.parametrize("name", MODELS)
def test_actor_order_irrelevant(name: str) -> None:
    exempt(name, "actor_order")
    inp = make_input(b=2, a=actors(name), d=dims(name), seed=4)
    perm = np.random.default_rng(9).permutation(inp.shape[1])
    shuffled = ForecastInput(inp.x[:, perm], inp.s[:, perm], inp.c[:, perm], inp.lo, inp.hi,
                             tuple(inp.actors[i] for i in perm), inp.issues)
    o1, o2 = run(name, inp), run(name, shuffled)
    np.testing.assert_allclose(o1.forecast, o2.forecast, atol=1e-9)
    np.testing.assert_allclose(o1.positions[:, :, perm], o2.positions, atol=1e-9)


@pytest.mark.parametrize("name", MODELS)
def test_single_sample_equals_slice_of_batch(name: str) -> None:
    inp = make_input(b=4, a=actors(name), d=dims(name), seed=5)
    full = run(name, inp)
    one = run(name, inp.take(slice(2, 3)))
    n = one.positions.shape[1]
    np.testing.assert_allclose(one.forecast, full.forecast[2:3, :n], atol=1e-12)
    np.testing.assert_allclose(one.positions, full.positions[2:3, :n], atol=1e-12)


@pytest.mark.parametrize("name", MODELS)
def test_affine_rescaling_rescales_forecast(name: str) -> None:
    exempt(name, "affine")
    inp = make_input(b=2, a=actors(name), d=dims(name), seed=6)
    a, k = 3.0, -50.0
    scaled = ForecastInput(inp.x * a + k, inp.s, inp.c, inp.lo * a + k, inp.hi * a + k, inp.actors, inp.issues)
    o1, o2 = run(name, inp), run(name, scaled)
    np.testing.assert_allclose(o1.forecast * a + k, o2.forecast, atol=1e-6 * a * 100)


@pytest.mark.parametrize("name", MODELS)
def test_capability_scale_irrelevant(name: str) -> None:
    exempt(name, "capability_scale")
    inp = make_input(b=2, a=actors(name), d=dims(name), seed=8)
    scaled = ForecastInput(inp.x, inp.s, inp.c * 7.5, inp.lo, inp.hi, inp.actors, inp.issues)
    o1, o2 = run(name, inp), run(name, scaled)
    np.testing.assert_allclose(o1.forecast, o2.forecast, atol=1e-9)
