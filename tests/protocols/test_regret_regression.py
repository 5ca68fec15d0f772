"""Regression cases for the max-regret bound (issue 6: every result is an exact equilibrium, regret <= 1e-9).

Found by hypothesis in ``test_properties.py``: in the last stage (US-first, a tranche of 1e-5 that is
99.999% reversible) the stalling type gains alpha_T/(1 - delta)·(1 - rho)·dd = 1.5·8·1e-5·9.9999e-6
= 1.19999e-9 by pocketing the relief rather than complying — a strict preference. The selection once
took the complying profile anyway, because 1.2e-9 is below 1e-10 of the stage's payoff scale (12)."""

from __future__ import annotations

import numpy as np

from allied.protocols import kernel as K
from allied.protocols import stage as st

PAR = np.array([0.5, 0.875, 0.0, 1.5, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.5, 0.99999, 0.5, 0.0, 0.0, 0.0, 0.0,
                0.0, 0.0, 0.0, 1.0, 0.0])
DD = np.array([7.499925e-01, 2.499975e-01, 9.999900e-06])
DR = np.array([0.0, 0.0, 1.0])
ORDER = np.array([0, 0, 1])


def test_near_indifference_is_not_a_tie() -> None:
    outs, paths = K.solve_serial(PAR[None, :], DD, DR, ORDER, 5, 0, 1e-10)
    out = dict(zip(K.OUT_NAMES, outs[0], strict=True))
    assert out["max_regret"] <= 1e-9, out
    # the stalling type pockets the last tranche (hand-derived: complying loses 1.19999e-9)
    gain = PAR[K.P_ALPHA_T] / (1 - PAR[K.P_DELTA]) * (1 - PAR[K.P_RHO]) * DD[2]
    assert abs(gain / 1.19999e-9 - 1) < 1e-5
    assert paths[0, 2, 3] == 0.0  # q_stalling in stage 3
    assert paths[0, 2, 2] == 1.0  # q_sincere
    assert paths[0, 3, 0] == 1.0  # posterior after the deal: sincere for sure
    assert out["p_full_stalling"] == 0.0 and out["p_full"] == 0.5


def test_exact_regret_is_zero_for_pure_and_cancellation_free_for_mixed() -> None:
    """A mathematically zero regret evaluates to (near) zero: a pure best reply exactly, a mix at rounding."""
    assert st._gain(5.0, 5.0, 0.3) == 0.0
    assert st._gain(12.0, 3.0, 1.0) == 0.0  # plays the better action for sure
    assert st._gain(3.0, 12.0, 1.0) == 9.0
    assert st._gain(12.0, 3.0, 0.25) == 0.75 * 9.0
    # indifference: no rounding residue from forming w·x + (1 - w)·y
    x = 1e3 + 1 / 3
    assert st._gain(x, x, 0.1) == 0.0
