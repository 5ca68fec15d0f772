"""Pins for the float exchange kernel's three tolerances (:mod:`allied.models.exchange._numba`).

Each constant gets a hand-built case just inside and just outside its 1e-9 band; the expected numbers are
hand calculations, written out beside each case. The tests call the kernel's source
(``_numba.run_batch``, numba's JIT) and never the ahead-of-time build, so an edited constant is what runs.
Where the package's rule and the kernel's agree, the decimal reference (``run_exact``, ``knife_edge=False``)
is checked too.

Mutations each test catches (each tried: constant edited, test run, edit reverted):

* ``_QUANT`` 1e9 -> 1e12: gains 0.3e-9 apart stop tying (``test_gain_quantum[inside]`` fails);
  1e9 -> 1e7: gains 3e-9 apart tie (``test_gain_quantum[outside]`` fails); ranking by "closer than
  1e-9 is a tie" instead of by rounded gain, or truncating instead of rounding (``floor(g * _QUANT)``),
  fails ``test_gain_quantum[straddle]`` (truncation tried).
* ``_EDGE`` 1e-9 -> 1e-12: a move 0.5e-9 past 100 (or below 0) is refused (``test_scale_edge[*-inside]``);
  1e-9 -> 1e-7: a move 5e-9 past the edge is allowed (``test_scale_edge[*-outside]``).
* ``_CAP_TOL`` 1e-9 -> 1e-12: an outcome 0.5e-9 past the partner is capped (``test_outcome_cap[inside]``);
  1e-9 -> 1e-7: an outcome 5e-9 past the partner is not (``test_outcome_cap[outside]``).
"""

from __future__ import annotations

import numpy as np
import pytest

from allied.models.exchange._decimal import run_exact
from allied.models.exchange._numba import run_batch

P, Q = 0, 1  # issue indices (the kernel pairs p < q)


def float_run(x: list[list[float]], s: list[list[float]]) -> tuple[np.ndarray, ...]:
    """One round of the float kernel on one sample; NaN in ``x`` marks an actor absent from an issue."""
    xa = np.array([x], dtype=float)
    present = ~np.isnan(xa[0])
    sa = np.where(present, np.array([s], dtype=float), 0.0)
    c = np.where(present, 1.0, 0.0)[None]
    return run_batch(xa, sa, np.ascontiguousarray(c), present, 1, False, 0)


def decimal_run(x: list[list[float]], s: list[list[float]]) -> tuple[np.ndarray, ...]:
    """The same round in the package's 28-digit decimals with the kernel's 1e-9 cap rule (scale 0..100)."""
    xa = np.array([x], dtype=float)
    present = ~np.isnan(xa[0])
    sa = np.where(present, np.array([s], dtype=float), 0.0)
    c = np.where(present, 1.0, 0.0)[None]
    n_d = xa.shape[2]
    return run_exact(xa, np.zeros(n_d), np.full(n_d, 100.0), sa, c, present, 1, knife_edge=False)


def traders(irec: np.ndarray) -> list[tuple[int, int]]:
    """(side-0 actor, side-1 actor) of each realised exchange, in the order they were realised."""
    return [(int(r[2]), int(r[4])) for r in irec]


def same_as_decimal(x: list[list[float]], s: list[list[float]]) -> None:
    _, fvotes, _, firec, *_ = float_run(x, s)
    _, dvotes, _, direc, *_ = decimal_run(x, s)
    assert traders(firec) == traders(direc)
    np.testing.assert_allclose(fvotes, dvotes, rtol=0, atol=1e-11)


# --- _QUANT: gains are ranked after rounding to the nearest 1e-9 -------------------------------------------
# Actors A=0, B=1, C=2, D=3 on issues p, q (capability 1):
#   A (90 + a, 90) s (.8, .5)   B (10, 10) s (.2, .5)   C (10 - c, 90) s (.8, .5)   D (90, 10) s (.2, .5).
# Outcomes (weighted means): p = (72 + 2 + 8 + 18) / 2 = 50, q = 200 / 4 = 50, so A is right of both,
# B left of both, C left on p and right on q, D the reverse: two candidates, A-B (kind a-d, listed first)
# and C-D (kind b-c, listed second), sharing no actor, so realising one leaves the other untouched.
# In each the actor with the higher s_p/s_q (A, C: 1.6 vs 0.4) supplies q; its partner moves all the way
# on p (80 points): dp = 80 * .2 / 2 = 8, dq = (.2 + .8) / (.5 + .5) * dp = 8, the supplier's move on q
# is dq * 2 / .5 = 32 < 80 (no overshoot), and no outcome passes a partner (p: 50 -> 58 or 42, q: 50 -> 42,
# partners at 90 / 10). Gain = |dq * .5 - dp * .8| = 2.4, the centre of a 1e-9 bucket. Widening a move by
# a (A-B) or c (C-D) scales its gain by (80 + a) / 80: 2.4 + 0.03 a. With gain offsets da, dc (x 1e-9):
#   inside:   da = 0,   dc = 0.3 -> both round to 2.4 -> tie, list order: A-B first;
#   outside:  da = 0,   dc = 3   -> C-D first;
#   straddle: da = 0.4, dc = 0.7 -> only 0.3 apart but on either side of 2.4 + 0.5e-9 -> C-D first
#             (the rule is rounding, not "closer than 1e-9": a |g1 - g2| < 1e-9 test would tie them).
# The package compares exact decimals, so it puts C-D first in all three (the kernel departs inside).


def quant_case(da: float, dc: float) -> tuple[list[list[float]], list[list[float]]]:
    x = [[90.0 + da / 0.03, 90.0], [10.0, 10.0], [10.0 - dc / 0.03, 90.0], [90.0, 10.0]]
    s = [[0.8, 0.5], [0.2, 0.5], [0.8, 0.5], [0.2, 0.5]]
    return x, s


@pytest.mark.parametrize(("da", "dc", "first"), [(0.0, 0.3e-9, (0, 1)), (0.0, 3e-9, (2, 3)),
                                                  (0.4e-9, 0.7e-9, (2, 3))], ids=["inside", "outside", "straddle"])
def test_gain_quantum(da: float, dc: float, first: tuple[int, int]) -> None:
    x, s = quant_case(da, dc)
    _, _, frec, irec, *_ = float_run(x, s)
    assert traders(irec) == [first, (2, 3) if first == (0, 1) else (0, 1)]
    gains = dict(zip(traders(irec), frec[:, 4], strict=True))
    assert gains[(0, 1)] == pytest.approx(2.4 + da, abs=1e-13)
    assert gains[(2, 3)] == pytest.approx(2.4 + dc, abs=1e-13)
    _, _, _, direc, *_ = decimal_run(x, s)
    assert traders(direc)[0] == (2, 3)  # exact gains: the larger one first in every case
    if first == (2, 3):
        same_as_decimal(x, s)


# --- _EDGE: a new position may pass 0 or 100 by up to 1e-9 ----------------------------------------------
# Two actors, A=0 and B=1, capability 1, on the "top" side:
#   A (100 + eps, 100) s (.9, .6)    B (10, 0) s (.3, .9).
# Outcomes: p = (.9 (100 + eps) + 3) / 1.2 = 77.5, q = 60 / 1.5 = 40: A right of both, B left of both, one
# candidate; A (s_p/s_q 1.5 vs 1/3) supplies q. B moves all the way on p to A's position: dist 90 + eps,
# dp = 90 * .3 / 1.2 = 22.5, dq = (.3 + .9) / (.9 + .6) * dp = 18, A's move on q = 18 * 1.5 / .6 = 45 < 100
# (no overshoot); outcome q 40 -> 22 stays above B's 0 and outcome p ends on A's position (both actors there),
# so no cap. Gain |18 * .6 - 22.5 * .9| = 9.45 (moves and gain all times (90 + eps) / 90). B's new position
# is 100 + eps: valid iff eps <= 1e-9 (the move itself, 90 + eps, stays below 100). The "bottom" side mirrors
# every position (x -> 100 - x), so B lands on -eps. The package tests [0, 100] exactly and refuses both
# (so does the decimal reference). In the model such positions come only from the 0-100 mapping's rounding
# (~1e-14) or from a ForecastInput built by hand with positions past its scale (scenarios refuse those).


def edge_case(eps: float, top: bool) -> tuple[list[list[float]], list[list[float]]]:
    x = [[100.0 + eps, 100.0], [10.0, 0.0]]
    if not top:
        x = [[100.0 - v for v in row] for row in x]
    return x, [[0.9, 0.6], [0.3, 0.9]]


@pytest.mark.parametrize("top", [True, False], ids=["top", "bottom"])
@pytest.mark.parametrize(("eps", "valid"), [(0.5e-9, True), (5e-9, False)], ids=["inside", "outside"])
def test_scale_edge(eps: float, valid: bool, top: bool) -> None:
    x, s = edge_case(eps, top)
    _, votes, frec, irec, *_ = float_run(x, s)
    if not valid:
        assert len(irec) == 0
        np.testing.assert_array_equal(votes[0, 1], votes[0, 0])
        same_as_decimal(x, s)
        return
    assert traders(irec) == [(0, 1)]
    grow = (90.0 + eps) / 90.0  # every move and the gain scale with B's distance
    assert frec[0, 4] == pytest.approx(9.45 * grow, abs=1e-12)
    assert votes[0, 1, 1, P] == pytest.approx(100.0 + eps if top else -eps, abs=1e-12)
    assert votes[0, 1, 0, Q] == pytest.approx(100.0 - 45.0 * grow if top else 45.0 * grow, abs=1e-12)
    assert len(decimal_run(x, s)[3]) == 0  # the package's exact [0, 100] test refuses it


# --- _CAP_TOL: an outcome within 1e-9 of the partner's position sits on it (no cap) ------------------------
# Actors A=0, B=1 on p and q, C=2 on p only (so C trades nothing), capability 1:
#   A (80, 100) s (.9, .6)    B (10, 0) s (.3, .9)    C (80 + eta, -) s (.5, -).
# Outcomes: p = (72 + 3 + 40 + .5 eta) / 1.7 = 67.6, q = 60 / 1.5 = 40: one candidate A-B, A supplies q.
# B moves all the way on p (70): dp = 70 * .3 / 1.7, A's move on q = .8 dp * 1.5 / .6 = 24.7 < 100, the q
# outcome (40 -> 30.1) stays above B's 0. On p the outcome goes 67.6 -> (72 + 24 + 40 + .5 eta) / 1.7
# = 80 + kappa with kappa = .5 eta / 1.7: it passes A's position 80 by kappa.
#   inside:  kappa = 0.5e-9 -> counts as on 80, no cap: B votes 80.
#   outside: kappa = 5e-9 -> capped so the outcome stops at 80: B moves (80 * 1.7 - 115 - .5 eta) / .3
#            = 70 - kappa * 1.7 / .3, i.e. votes 80 - (17 / 3) kappa; A's move on q shrinks in proportion
#            (it is set by B's: .8 * (B's move * .3 / 1.7) * 1.5 / .6).
# The decimal reference with knife_edge=False applies the same 1e-9 rule, so it must agree in both.


def cap_case(kappa: float) -> tuple[list[list[float]], list[list[float]]]:
    eta = kappa * 1.7 / 0.5
    return [[80.0, 100.0], [10.0, 0.0], [80.0 + eta, np.nan]], [[0.9, 0.6], [0.3, 0.9], [0.5, 0.0]]


@pytest.mark.parametrize(("kappa", "capped"), [(0.5e-9, False), (5e-9, True)], ids=["inside", "outside"])
def test_outcome_cap(kappa: float, capped: bool) -> None:
    x, s = cap_case(kappa)
    _, votes, frec, irec, *_ = float_run(x, s)
    assert traders(irec) == [(0, 1)]
    b_move = 70.0 - (kappa * 1.7 / 0.3 if capped else 0.0)
    a_move = 0.8 * (b_move * 0.3 / 1.7) * 1.5 / 0.6
    assert votes[0, 1, 1, P] == pytest.approx(10.0 + b_move, abs=1e-11)
    assert votes[0, 1, 0, Q] == pytest.approx(100.0 - a_move, abs=1e-11)
    assert frec[0, 8] - 80.0 == pytest.approx(0.0 if capped else kappa, abs=1e-11)  # p outcome after
    same_as_decimal(x, s)
