"""Invariants of the bargaining kernels (hypothesis): shares in [0, 1], the lapse game's values are its
fixed point, a deadline without lapse cost is Rubinstein's, a longer horizon converges to Rubinstein."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from allied.models.bargain import _kernel as K

disc = st.floats(0.05, 0.99)
cost = st.floats(0.0, 2.0)


@given(disc, disc, cost, cost, st.integers(1, 30), st.booleans())
def test_shares_are_in_unit_interval(dh: float, dl: float, ch: float, cl: float, n: int, first: bool) -> None:
    h = float(K.deadline_share(1.0, dh, dl, n, ch, cl, first))
    assert -1e-12 <= h <= 1 + 1e-12


@given(disc, disc, cost, cost, st.floats(0.0, 5.0))
def test_lapse_values_are_the_fixed_point(dh: float, dl: float, ch: float, cl: float, s: float) -> None:
    mh, ml = K.lapse_shares(s, dh, dl, ch, cl)
    np.testing.assert_allclose(mh, max(0.0, dh * (s - ml) - ch), atol=1e-9)
    np.testing.assert_allclose(ml, max(0.0, dl * (s - mh) - cl), atol=1e-9)


@given(disc, disc, st.integers(1, 40), st.booleans())
def test_no_lapse_cost_means_the_deadline_does_not_bind(dh: float, dl: float, n: int, first: bool) -> None:
    np.testing.assert_allclose(K.deadline_share(1.0, dh, dl, n, 0.0, 0.0, first),
                               K.rubinstein_share(dh, dl, first), atol=1e-9)


@given(disc, disc, cost, cost, st.booleans())
def test_distant_deadline_converges_to_rubinstein(dh: float, dl: float, ch: float, cl: float, first: bool) -> None:
    n = 2 * int(np.ceil(np.log(1e-12) / np.log(dh * dl))) + 2
    np.testing.assert_allclose(K.deadline_share(1.0, dh, dl, n, ch, cl, first),
                               K.rubinstein_share(dh, dl, first), atol=1e-9)
