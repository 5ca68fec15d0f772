"""The two EUM engines (numpy for small runs, numba for large batches) give the same numbers, and the
kernels' building blocks keep the properties the equations promise."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from allied.models.eum._numpy import prob_paper, prob_scholz, risk_exponents, run_eum


def batch(b: int, a: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 100, (b, a)).round(0)  # rounded: shared positions and exact distance ties occur
    s = rng.uniform(0.05, 1.0, (b, a))
    c = rng.uniform(1, 100, (b, a))
    return x, s, c


@pytest.mark.parametrize("variant", ["scholz", "paper"])
@pytest.mark.parametrize("q", [1.0, 0.5])
def test_numba_and_numpy_engines_agree_exactly(variant: str, q: float) -> None:
    x, s, c = batch(60, 8, seed=11)
    p1, r1 = run_eum(x, s, c, 8, variant, q, engine="numpy")
    p2, r2 = run_eum(x, s, c, 8, variant, q, engine="numba")
    np.testing.assert_array_equal(p1, p2)
    np.testing.assert_array_equal(r1, r2)


def test_chunking_does_not_change_results() -> None:
    x, s, c = batch(9, 6, seed=3)
    whole, _ = run_eum(x, s, c, 5, "scholz", 1.0, engine="numpy")
    bits, _ = run_eum(x, s, c, 5, "scholz", 1.0, engine="numpy", chunk_elems=1)
    np.testing.assert_array_equal(whole, bits)


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 7), st.integers(0, 10_000))
def test_paper_probabilities_are_complementary(a: int, seed: int) -> None:
    x, s, c = batch(2, a, seed)
    p = prob_paper(x, c * s)
    distinct = x[:, :, None] != x[:, None, :]
    np.testing.assert_allclose((p + np.swapaxes(p, 1, 2))[distinct], 1.0, atol=1e-12)
    assert np.all((p >= 0) & (p <= 1))


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 7), st.integers(0, 10_000))
def test_scholz_probabilities_share_one_denominator(a: int, seed: int) -> None:
    # Σ_ij P_ij = 1/2: the denominator is the total |backing| over ordered pairs, twice the positive part
    x, s, c = batch(2, a, seed)
    spread = np.ptp(x, axis=1)
    p = prob_scholz(x, c * s, None, np.where(spread > 0, spread, 1.0))
    assert np.all(p >= 0) and np.all(p <= 0.5 + 1e-12)
    np.testing.assert_allclose(p.sum(axis=(1, 2))[spread > 0], 0.5, atol=1e-12)
    np.testing.assert_array_equal(p[spread == 0], 0.0)


def test_risk_exponents_span_half_to_two() -> None:
    r = risk_exponents(np.array([[3.0, -1.0, 1.0], [2.0, 2.0, 2.0]]))
    np.testing.assert_allclose(r[0], [0.5, 2.0, 1.0])  # most endangered 1/2, most secure 2
    np.testing.assert_array_equal(r[1], 1.0)  # all equally secure: risk neutral


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 6), st.integers(0, 10_000), st.sampled_from(["scholz", "paper"]),
       st.sampled_from([1.0, 0.5, 0.0]))
def test_moves_stay_between_the_actors(a: int, seed: int, variant: str, q: float) -> None:
    # every move is to another actor's position or part of the way toward it
    x, s, c = batch(3, a, seed)
    pos, risk = run_eum(x, s, c, 4, variant, q, engine="numpy")
    lo, hi = x.min(axis=1)[:, None, None], x.max(axis=1)[:, None, None]
    assert np.all(np.isfinite(pos)) and np.all((pos >= lo) & (pos <= hi))
    assert np.all((risk >= 0.5 - 1e-12) & (risk <= 2 + 1e-12))
