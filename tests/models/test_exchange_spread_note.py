"""What the exchange model says about weights many orders of magnitude apart (docs/limits.md): the exact
default runs such samples in decimal and says so; float arithmetic warns that it may drift."""

from __future__ import annotations

import numpy as np
import pytest

from allied.arrays import ForecastInput
from allied.models.exchange import SPREAD_NOTE, ExchangeModel, weight_spread


def _case(c_small: float) -> ForecastInput:
    """Two traders and a third actor whose capability is ``c_small`` on both issues (the hypothesis case of
    tests/models/test_exchange_exact.py, cut down)."""
    x = np.array([[[24.2, 2.4], [61.9, 68.4], [80.0, 94.5], [87.3, 53.0]]])
    s = np.array([[[0.27, 0.96], [0.41, 0.50], [0.84, 0.54], [0.09, 0.07]]])
    c = np.array([[[1e-9, 1e-9], [1.5e-11, 1.5e-11], [c_small, c_small], [0.24, 0.24]]])
    return ForecastInput(x, s, c, np.zeros(2), np.full(2, 100.0), ("A", "B", "C", "D"), ("p", "q"))


def test_spread_by_hand() -> None:
    w = np.array([[[100.0, 0.0], [1e-10, 5.0], [0.0, 0.5]]])
    assert weight_spread(w) == pytest.approx(12.0)  # issue 0: 100 / 1e-10; issue 1: 5 / 0.5
    assert weight_spread(np.zeros((1, 3, 2))) == 0.0
    assert weight_spread(np.array([[[3.0], [0.0]]])) == 0.0  # one positive weight: no spread
    assert SPREAD_NOTE == 6.0


def test_float_arithmetic_warns_only_when_weights_are_far_apart() -> None:
    far = ExchangeModel().run(_case(1e-12), arithmetic="float")
    assert any("orders of magnitude" in n for n in far.notes), far.notes
    near = _case(1e-12)
    near = ForecastInput(near.x, near.s, np.ones_like(near.c), near.lo, near.hi, near.actors, near.issues)
    assert not any("orders of magnitude" in n for n in ExchangeModel().run(near, arithmetic="float").notes)
    # the exact default does not warn about drift: it computes such a sample in decimal
    assert not any("float arithmetic can drift" in n for n in ExchangeModel().run(_case(1e-12)).notes)


@pytest.mark.parametrize("arithmetic", ["exact", "float", "decimal"])
@pytest.mark.parametrize("bad", ["nan_salience", "inf_capability", "nan_capability", "overflowing_weights"])
def test_non_finite_weights_are_a_model_error(bad: str, arithmetic: str) -> None:
    """Through the Python API a NaN or infinite salience or capability, or weights whose sum overflows, used to
    reach a decimal InvalidOperation traceback (exact) or NaN/inf forecasts (float); now a ModelError says what
    the model needs."""
    from allied.errors import ModelError

    inp = _case(0.5)
    s, c = inp.s.copy(), inp.c.copy()
    if bad == "nan_salience":
        s[0, 0, 0] = np.nan
    elif bad == "inf_capability":
        c[0, 1, :] = np.inf
    elif bad == "nan_capability":
        c[0, 2, 1] = np.nan
    else:  # finite, but 100 x the weight (a position times it) overflows: the forecast came out inf
        c[0, 0, :] = 1e308
    broken = ForecastInput(inp.x, s, c, inp.lo, inp.hi, inp.actors, inp.issues)
    with pytest.raises(ModelError, match="finite"):
        ExchangeModel().run(broken, arithmetic=arithmetic)
