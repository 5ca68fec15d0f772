"""Closed-form bilateral bargaining solutions, batched over the sample axis ``B``.

Every function works on the *surplus* ``S = r_low_side - r_high_side`` of the zone of agreement and
returns the high side's share ``h`` of it, so the agreement is ``r_high_side + h * S`` (payoffs are
measured as surplus over each side's reservation point, which is also its outside option). Inputs are
``[B]`` arrays (or scalars that broadcast). Nothing here loops over samples; the finite-horizon solver
loops over the offer periods before the deadline only (numba would add nothing: the work is ``O(B N)``
vector arithmetic).

* :func:`nash_share` — asymmetric Nash bargaining solution (Nash 1950; Kalai 1977): maximise
  ``u_H^a u_L^(1-a)`` over the zone, giving ``h = a``.
* :func:`rubinstein_share` — alternating offers, infinite horizon (Rubinstein 1982): the proposer ``i``
  gets ``(1 - d_j) / (1 - d_i d_j)``.
* :func:`lapse_shares` — the stationary game after a deadline has passed, with a lapse cost per period
  and outside options (Binmore, Rubinstein & Wolinsky 1986): a responder gets
  ``max(0, d_i M_i - L_i)``, its outside option when the costly wait is worth less.
* :func:`deadline_share` — Ståhl's (1972) finite horizon: ``N`` offer periods before the deadline,
  solved by backward induction from the lapse game's values.
"""

from __future__ import annotations

import numpy as np

Array = np.ndarray


def nash_share(a_high: Array) -> Array:
    """High side's share of the surplus in the asymmetric Nash solution with bargaining power ``a_high``."""
    return np.asarray(a_high, dtype=float)


def rubinstein_share(d_high: Array, d_low: Array, high_first: bool) -> Array:
    """High side's share in Rubinstein's subgame-perfect equilibrium (agreement at once)."""
    d_h, d_l = np.asarray(d_high, dtype=float), np.asarray(d_low, dtype=float)
    den = 1.0 - d_h * d_l
    if high_first:
        return (1.0 - d_l) / den
    return 1.0 - (1.0 - d_h) / den


def lapse_shares(surplus: Array, d_high: Array, d_low: Array, cost_high: Array, cost_low: Array) -> tuple[Array, Array]:
    """What each side gets *as responder* in the stationary game after the deadline, ``(m_H, m_L)``.

    Rejecting an offer costs the responder one period of lapse ``L_i`` and discounting ``d_i`` before it
    proposes; at any time it may take its outside option (0 surplus). The unique fixed point of
    ``m_H = max(0, d_H (S - m_L) - L_H)``, ``m_L = max(0, d_L (S - m_H) - L_L)`` (a contraction with modulus
    ``d_H d_L < 1``) is one of four linear cases; the one that satisfies both equations is returned.
    """
    s = np.asarray(surplus, dtype=float)
    dh, dl = np.broadcast_arrays(np.asarray(d_high, dtype=float), np.asarray(d_low, dtype=float))
    lh, ll = np.asarray(cost_high, dtype=float), np.asarray(cost_low, dtype=float)
    den = 1.0 - dh * dl
    cands = [
        ((dh * (1 - dl) * s - lh + dh * ll) / den, (dl * (1 - dh) * s - ll + dl * lh) / den),  # interior
        (np.zeros_like(s), np.maximum(0.0, dl * s - ll)),  # high side's option binds
        (np.maximum(0.0, dh * s - lh), np.zeros_like(s)),  # low side's option binds
    ]
    best_h = np.zeros_like(s)
    best_l = np.zeros_like(s)
    best_err = np.full(np.shape(s), np.inf)
    for mh, ml in cands:
        err = (np.abs(mh - np.maximum(0.0, dh * (s - ml) - lh))
               + np.abs(ml - np.maximum(0.0, dl * (s - mh) - ll)))
        take = err < best_err
        best_h = np.where(take, mh, best_h)
        best_l = np.where(take, ml, best_l)
        best_err = np.where(take, err, best_err)
    return np.maximum(best_h, 0.0), np.maximum(best_l, 0.0)


def deadline_share(surplus: Array, d_high: Array, d_low: Array, periods: int, cost_high: Array, cost_low: Array,
                   high_first: bool) -> Array:
    """High side's share with ``periods`` offers before a deadline, then a costly lapse (Ståhl 1972).

    Offers alternate from period 0; the responder at the last period before the deadline weighs the
    lapse game's value ``max(0, d_i M_i - L_i)``; earlier responders weigh ``d_i`` times what they get as
    the next proposer. With no lapse cost the deadline does not bind (the answer is Rubinstein's); with a
    prohibitive one the last proposer takes the whole surplus (Ståhl's finite game).
    """
    s = np.asarray(surplus, dtype=float)
    dh = np.broadcast_to(np.asarray(d_high, dtype=float), np.shape(s))
    dl = np.broadcast_to(np.asarray(d_low, dtype=float), np.shape(s))
    safe = np.maximum(s, 0.0)
    m_h, m_l = lapse_shares(safe, dh, dl, cost_high, cost_low)
    if periods < 1:
        raise ValueError("a deadline needs at least one offer period before it")
    last_high = (periods - 1) % 2 == 0 if high_first else (periods - 1) % 2 == 1
    # responder's threshold at the last period: its value as the lapse game's first proposer
    if last_high:
        q = np.maximum(0.0, dl * (safe - m_h) - np.asarray(cost_low, dtype=float))
    else:
        q = np.maximum(0.0, dh * (safe - m_l) - np.asarray(cost_high, dtype=float))
    p = safe - q  # proposer's payoff at period N-1
    proposer_high = last_high
    for _ in range(periods - 1):
        proposer_high = not proposer_high  # the proposer one period earlier
        q = (dl if proposer_high else dh) * p  # the responder then proposes next period
        p = safe - q
    share_first = np.divide(p, safe, out=np.zeros_like(safe), where=safe > 0)
    return share_first if proposer_high else 1.0 - share_first
