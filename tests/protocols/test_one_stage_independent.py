"""An independent check of one-stage protocols in every order: the engine's strategies must be best
replies when payoffs are rebuilt here from the spec's formulas (breakdown with rebuilding and snapback,
the post-deal choice to keep or renege), with Bayes' rule for the US's belief."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from allied.protocols import kernel as K

TOL = 1e-9


def _payoffs(v: dict[str, float], a: float, b: float) -> dict[str, dict[str, float]]:
    """Values of each outcome for N-S, N-T, US (all discounted sums), written from protocol.md."""
    k = 1 / (1 - v["delta"])
    beta = v["beta"] * max(0.0, 1 - v["leak"] * v["s_uncond"])
    sig = min(max(v["sigma"] * (1 - v["xi"] * v["divergence"]), 0.0), 1.0)

    def brk(d: float, r: float) -> dict[str, float]:
        db, rb = (1 - v["rho"]) * d, (1 - sig) * r
        return {"S": k * (-v["alpha.S"] * db + beta * rb + v["s_uncond"] - v["tension.N"]),
                "T": k * (-v["alpha.T"] * db + beta * rb + v["s_uncond"] - v["tension.N"]),
                "U": k * (v["A_U"] * db - v["B_U"] * rb - v["tension.U"])}

    done = brk(a, b)
    cc: dict[str, float] = {}
    for th in ("S", "T"):
        keep = k * (-v[f"alpha.{th}"] * a + beta * b + v[f"gamma.{th}"] * a + v["s_uncond"] + v["s_cond"])
        kept = keep >= done[th]
        cc[th] = keep if kept else done[th]
        cc["U" + th] = k * (v["A_U"] * a - v["B_U"] * b + v["G_U"] * a) if kept else done["U"]
    return {"CC": cc, "NX": brk(a, 0.0), "UX": brk(0.0, b), "BB": brk(0.0, 0.0)}


def _check_best(q: float, gain: float) -> None:
    """q = probability of complying, gain = payoff(comply) - payoff(refuse)."""
    if q > 1e-12:
        assert gain >= -TOL, (q, gain)
    if q < 1 - 1e-12:
        assert gain <= TOL, (q, gain)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.floats(0.0, 1.0), min_size=K.NPAR, max_size=K.NPAR), st.floats(0.05, 1.0),
       st.floats(0.05, 1.0), st.sampled_from([0, 1, 2]))
def test_one_stage_strategies_are_best_replies(u: list[float], a: float, b: float, order: int) -> None:
    from allied.scenario.sections.protocol import PARAMETERS

    v = {}
    for x, doc in zip(u, PARAMETERS, strict=True):
        lo = max(doc.lo_bound, doc.low - 0.3)
        hi = min(doc.hi_bound, doc.high + 0.3)
        v[doc.path] = lo + x * (hi - lo)
    par = np.array([v[n] for n in K.PARAM_NAMES])
    _, paths = K.solve_serial(par[None, :], np.array([a]), np.array([b]), np.array([order]), 81, 0, 1e-10)
    mu, p, qs, qt, ru, a_s, a_t = paths[0, 0]
    pay = _payoffs(v, a, b)
    cc, nx, ux, bb = pay["CC"], pay["NX"], pay["UX"], pay["BB"]
    pc = mu * qs + (1 - mu) * qt
    m = mu * qs / pc if pc > 0 else None
    if order == 0:  # N-first
        for th, q in (("S", qs), ("T", qt)):
            refuse = ru * ux[th] + (1 - ru) * bb[th]
            _check_best(q, p * cc[th] + (1 - p) * nx[th] - refuse)
        if m is not None:
            _check_best(p, m * cc["US"] + (1 - m) * cc["UT"] - nx["U"])
        _check_best(ru, ux["U"] - bb["U"])
    elif order == 1:  # US-first
        for th, q, reply in (("S", qs, a_s), ("T", qt, a_t)):
            _check_best(q, cc[th] - ux[th])
            _check_best(reply, nx[th] - bb[th])
        deliver = mu * (qs * cc["US"] + (1 - qs) * ux["U"]) + (1 - mu) * (qt * cc["UT"] + (1 - qt) * ux["U"])
        withhold = mu * (a_s * nx["U"] + (1 - a_s) * bb["U"]) + (1 - mu) * (a_t * nx["U"] + (1 - a_t) * bb["U"])
        _check_best(p, deliver - withhold)
    else:  # simultaneous
        for th, q in (("S", qs), ("T", qt)):
            _check_best(q, p * cc[th] + (1 - p) * nx[th] - (p * ux[th] + (1 - p) * bb[th]))
        deliver = mu * (qs * cc["US"] + (1 - qs) * ux["U"]) + (1 - mu) * (qt * cc["UT"] + (1 - qt) * ux["U"])
        withhold = mu * (qs * nx["U"] + (1 - qs) * bb["U"]) + (1 - mu) * (qt * nx["U"] + (1 - qt) * bb["U"])
        _check_best(p, deliver - withhold)
