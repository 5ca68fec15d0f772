"""The bargaining kernels against hand-derived closed forms (each case's derivation is in its docstring).

Throughout: surplus S = 1, the high side H and the low side L; a share is H's share of the surplus."""

from __future__ import annotations

import math

import numpy as np
import pytest

from allied.arrays import ForecastInput
from allied.models import get
from allied.models.bargain import _kernel as K

D_H, D_L = 0.9, 0.8  # per-period discount factors of the unequal-discounting cases


def one(x, r, c=(1.0, 1.0), lo=0.0, hi=10.0, b=1):
    """A one-issue input: actors H and L with positions x, reservations r, capabilities c."""
    arr = lambda v: np.tile(np.asarray(v, dtype=float).reshape(1, 2, 1), (b, 1, 1))  # noqa: E731
    return ForecastInput(arr(x), np.full((b, 2, 1), 0.5), arr(c), np.array([lo]), np.array([hi]), ("H", "L"),
                         ("money",), reservation=None if r is None else arr(r))


def bargain(inp, **params):
    out = get("bargain").run(inp, **params)
    return float(out.forecast[0, -1, 0]), out


def test_symmetric_nash_and_alternating_split_the_zone_in_half() -> None:
    """Equal capability: Nash power 1/2; alternating offers with equal delta averaged over both openings:
    (1/(1+d) + d/(1+d)) / 2 = 1/2. Zone [2, 4] -> 3."""
    inp = one(x=(8, 1), r=(2, 4))
    assert bargain(inp, solution="nash")[0] == pytest.approx(3.0, abs=1e-12)
    assert bargain(inp, solution="alternating")[0] == pytest.approx(3.0, abs=1e-12)


def test_asymmetric_power_nash_is_capability_share() -> None:
    """c_H = 3, c_L = 1: rates rho_i = rate cbar / c_i, power rho_L/(rho_H+rho_L) = (1/1)/(1/3+1) = 3/4;
    zone [2, 4] -> 2 + 0.75 * 2 = 3.5."""
    assert bargain(one(x=(8, 1), r=(2, 4), c=(3, 1)), solution="nash")[0] == pytest.approx(3.5, abs=1e-12)


def test_rubinstein_unequal_discounting() -> None:
    """Rubinstein (1982): proposer i gets (1-d_j)/(1-d_i d_j). d_H = .9, d_L = .8: H first 0.2/0.28 = 5/7;
    L first H gets 1 - 0.1/0.28 = 9/14."""
    assert K.rubinstein_share(D_H, D_L, True) == pytest.approx(5 / 7)
    assert K.rubinstein_share(D_H, D_L, False) == pytest.approx(9 / 14)
    # through the model: period 1 year, rates -ln(d); zone [0, 1] on the scale; H opens
    rates = {"H": -math.log(D_H), "L": -math.log(D_L)}
    z, _ = bargain(one(x=(8, 0), r=(0, 1)), rates=rates, period=1.0, first="H")
    assert z == pytest.approx(5 / 7)
    z, _ = bargain(one(x=(8, 0), r=(0, 1)), rates=rates, period=1.0)  # average of both openings
    assert z == pytest.approx((5 / 7 + 9 / 14) / 2)


def test_deadline_not_binding_without_lapse_cost() -> None:
    """With no lapse cost the game after the deadline is Rubinstein's again, so any deadline gives 5/7."""
    for n in (1, 2, 5, 12):
        assert K.deadline_share(1.0, D_H, D_L, n, 0.0, 0.0, True) == pytest.approx(5 / 7)
        assert K.deadline_share(1.0, D_H, D_L, n, 0.0, 0.0, False) == pytest.approx(9 / 14)


def test_stahl_finite_horizon_with_prohibitive_lapse() -> None:
    """Ståhl (1972): lapse worse than any wait, so the last proposer takes everything. H opens.
    N=1: H gets 1. N=2: L takes all at t=1, offers H 0 ... H offers L d_L: H gets 1-d_L = 0.2.
    N=3: t=2 H takes all; t=1 L gives H d_H -> L keeps 0.1; t=0 H gives L d_L * 0.1 -> H gets 0.92.
    L opens, N=2: H takes all at t=1, so L must offer H d_H = 0.9 at t=0."""
    big = 100.0
    assert K.deadline_share(1.0, D_H, D_L, 1, big, big, True) == pytest.approx(1.0)
    assert K.deadline_share(1.0, D_H, D_L, 2, big, big, True) == pytest.approx(0.2)
    assert K.deadline_share(1.0, D_H, D_L, 3, big, big, True) == pytest.approx(0.92)
    assert K.deadline_share(1.0, D_H, D_L, 2, big, big, False) == pytest.approx(0.9)


def test_deadline_binding_with_lapse_cost_on_one_side() -> None:
    """L pays 0.05 per period of lapse, H nothing. Lapse game (interior case): m_L = (d_L(1-d_H) S - L_L
    + d_L L_H)/(1 - d_H d_L) = (0.08 - 0.05)/0.28 = 3/28; m_H = (0.18 + 0.9*0.05)/0.28 = 0.225/0.28.
    One offer before the deadline, H opens: L accepts d_L (S - m_H) - L_L = 3/28, so H gets 25/28 > 5/7.
    With L_L = 0.1 the interior case fails (m_L < 0): L's outside option binds, m_L = 0, m_H = d_H S = 0.9
    (Binmore-Rubinstein-Wolinsky), and at the deadline L accepts max(0, 0.8*0.1 - 0.1) = 0: H gets 1."""
    m_h, m_l = K.lapse_shares(1.0, D_H, D_L, 0.0, 0.05)
    assert m_l == pytest.approx(3 / 28) and m_h == pytest.approx(0.225 / 0.28)
    assert K.deadline_share(1.0, D_H, D_L, 1, 0.0, 0.05, True) == pytest.approx(25 / 28)
    m_h, m_l = K.lapse_shares(1.0, D_H, D_L, 0.0, 0.1)
    assert m_l == pytest.approx(0.0) and m_h == pytest.approx(0.9)
    assert K.deadline_share(1.0, D_H, D_L, 1, 0.0, 0.1, True) == pytest.approx(1.0)


def test_empty_zone_is_no_deal() -> None:
    """H will not go below 1.4, L not above 1.2: no zone; P(no deal) = 1."""
    z, out = bargain(one(x=(5, 1), r=(1.4, 1.2)))
    assert out.extras["p_no_deal"] == 1.0
    assert not out.extras["deal"][0]
    assert 1.2 <= z <= 1.4


def test_rubinstein_limit_is_asymmetric_nash() -> None:
    """Binmore, Rubinstein & Wolinsky (1986): as the time between offers goes to 0, the alternating-offers
    share tends to rho_L/(rho_H+rho_L), the asymmetric Nash power; error O(period)."""
    inp = one(x=(8, 1), r=(2, 4), c=(3, 1))
    nash, _ = bargain(inp, solution="nash")
    errs = []
    for period in (1.0, 0.1, 0.01, 0.001):
        for first in ("H", "L"):
            z, _ = bargain(inp, solution="alternating", period=period, first=first)
            errs.append(abs(z - nash))
    assert errs[-1] < 1e-3 and errs[-2] < 1e-3
    assert errs[0] > 10 * errs[-1]  # it converges rather than being equal by construction


def test_probability_of_no_deal_over_uncertain_reservations() -> None:
    """r_H ~ U(1.0, 1.2), r_L = 1.15: no deal when r_H > 1.15, probability 0.05/0.2 = 0.25."""
    rng = np.random.default_rng(1)
    b = 40_000
    inp = one(x=(5, 1), r=(1.1, 1.15), b=b)
    res = inp.reservation.copy()
    res[:, 0, 0] = rng.uniform(1.0, 1.2, b)
    inp = ForecastInput(inp.x, inp.s, inp.c, inp.lo, inp.hi, inp.actors, inp.issues, reservation=res)
    out = get("bargain").run(inp)
    assert out.extras["p_no_deal"] == pytest.approx(0.25, abs=0.01)
    deal = out.extras["deal"]
    f = out.forecast[:, 0, 0]
    assert np.all((f[deal] >= res[deal, 0, 0] - 1e-12) & (f[deal] <= 1.15 + 1e-12))
