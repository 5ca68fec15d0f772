"""Hypothesis invariants over random parameters and random protocols: probabilities in [0, 1], beliefs
that follow Bayes' rule on the path, max regret <= 1e-9 (every stage result is an exact equilibrium)
and no NaN in any output."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from allied.protocols import kernel as K
from allied.scenario.sections.protocol import PARAMETERS

PROB_OUTPUTS = ("p_full", "p_full_sincere", "p_full_stalling", "us_exploitation", "us_exploitation_stalling",
                "nk_exploitation", "p_first_stage", "keep_sincere", "keep_stalling")


@st.composite
def params(draw: st.DrawFn) -> np.ndarray:
    vals = []
    for doc in PARAMETERS:
        lo = max(doc.lo_bound, doc.low - 0.5 * abs(doc.high - doc.low) - 0.2)
        hi = min(doc.hi_bound, doc.high + 0.5 * abs(doc.high - doc.low) + 0.2)
        vals.append(draw(st.floats(lo, hi, allow_nan=False)))
    return np.array(vals)


@st.composite
def protocols(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    k = draw(st.integers(1, 4))
    dd = np.array([draw(st.floats(0.0, 1.0)) for _ in range(k)])
    dr = np.array([draw(st.floats(0.0, 1.0)) for _ in range(k)])
    dd = dd / max(1.0, dd.sum())
    dr = dr / max(1.0, dr.sum())
    order = np.array([draw(st.integers(0, 2)) for _ in range(k)], dtype=np.int64)
    return dd, dr, order


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(params(), protocols(), st.sampled_from([0, 1, 2]), st.sampled_from([5, 21, 81]))
def test_equilibrium_invariants(par: np.ndarray, proto: tuple[np.ndarray, np.ndarray, np.ndarray], sel: int,
                                grid: int) -> None:
    dd, dr, order = proto
    outs, paths = K.solve_serial(par[None, :], dd, dr, order, grid, sel, 1e-10)
    out = dict(zip(K.OUT_NAMES, outs[0], strict=True))
    assert np.isfinite(outs).all(), out
    for name in PROB_OUTPUTS:
        assert -1e-12 <= out[name] <= 1 + 1e-12, (name, out[name])
    assert out["max_regret"] <= 1e-9, out
    assert -1e-12 <= out["denuclearisation"] <= 1 + 1e-12
    assert -1e-12 <= out["relief"] <= 1 + 1e-12
    path = paths[0]
    reached = [k for k in range(len(dd)) if np.isfinite(path[k, 1])]
    assert reached == list(range(len(reached)))  # the path is a prefix of the stages
    assert path[0, 0] == par[K.P_MU0]
    for k in reached:
        m, p, qs, qt = path[k, :4]
        for x in (m, p, qs, qt):
            assert 0.0 <= x <= 1.0
        pc = m * qs + (1 - m) * qt
        if k + 1 < len(dd) + 1 and np.isfinite(path[k + 1, 0]) and pc > 1e-12:
            # Bayes' rule on the path: the next stage's belief is the posterior after compliance
            assert abs(path[k + 1, 0] - m * qs / pc) <= 1e-9
