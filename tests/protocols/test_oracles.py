"""Oracles: the spec's one-stage reassurance game and a two-stage game derived by hand below."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from protocol_cases import TWO_STAGE

from allied.protocols import compare
from allied.protocols import stage as st


def _reassurance(selection: int) -> np.ndarray:
    """The spec's one-stage oracle (protocol.md): prior P(S) = 0.3, North Korea moves first.

    N-sincere gets 3 (comply, delivered), -1 (comply, withheld), 0 (renege); N-stalling 1, -1, 0.5.
    The US after compliance gets 2 / 0.5 if S and -2 / 0.2 if T (deliver / withhold); after a refusal
    it withholds (delivering to a refuser is set to cost it 1)."""
    g = 81
    m = np.linspace(0.0, 1.0, g)
    cont = np.zeros((6, g))
    cont[st.CN_S] = 3.0
    cont[st.CN_T] = 1.0
    cont[st.WU_S] = m * 2.0  # belief-weighted: m * U(deliver | S)
    cont[st.WU_T] = (1 - m) * -2.0
    oc = np.zeros((6, 3))  # columns NX (complied, withheld), UX, BB (refused)
    oc[0] = [-1.0, 0.0, 0.0]
    oc[1] = [-1.0, 0.5, 0.5]
    oc[2] = [0.5, -1.0, 0.0]
    oc[3] = [0.2, -1.0, 0.0]
    best = np.zeros(st.NRES)
    st.solve_stage(0.3, st.N_FIRST, cont, oc, selection, 1e-10, np.zeros(g), np.zeros(g), np.zeros(st.NRES),
                   best)
    return best


@pytest.mark.parametrize("selection", [st.SEL_TALKS, st.SEL_US])
def test_reassurance_oracle_exact(selection: int) -> None:
    best = _reassurance(selection)
    assert best[st.R_QS] == 1.0  # the sincere type complies
    assert best[st.R_QT] == pytest.approx(45 / 154, abs=1e-12)  # stalling complies w.p. 45/154
    assert best[st.R_P] == pytest.approx(3 / 4, abs=1e-12)  # the US delivers w.p. 3/4
    assert best[st.R_M] == pytest.approx(22 / 37, abs=1e-12)  # posterior after compliance
    assert best[st.R_REG] <= 1e-12
    # hand check of the indifference conditions that define it
    p, m = 3 / 4, 22 / 37
    assert p * 1 + (1 - p) * -1 == pytest.approx(0.5)  # stalling: comply = renege
    assert m * 2 + (1 - m) * -2 == pytest.approx(m * 0.5 + (1 - m) * 0.2)  # US: deliver = withhold


def test_reassurance_no_talks_profile_is_what_the_pessimistic_rule_picks() -> None:
    """With sceptical off-path beliefs, 'both refuse' is also sequentially rational; the default rule
    (talks first) discards it, the pessimistic rule selects it. Documented in docs/protocols.md."""
    best = _reassurance(st.SEL_STALL)
    assert best[st.R_QS] == 0.0 and best[st.R_QT] == 0.0
    assert best[st.R_REG] <= 1e-12


# ---------------------------------------------------------------------------------------------------
# Two-stage oracle, derived by hand.
#
# Parameters: mu0 = 1/2, delta = 1/2 (so 1/(1 - delta) = 2), alpha_S = 0, alpha_T = 2, beta = 1,
# gamma_S = 1, gamma_T = 0, A_U = 3, B_U = 3/2, G_U = 0, rho = 1/2, sigma = 1/4, divergence = 0,
# tension N = 1/2, U = 0; South Korea and transfers all zero. Protocol: stage 1 (dd, dr) = (1/2, 4/5),
# stage 2 = (1/2, 1/5), both N-first.
#
# Breakdown after (d, r): d_b = d/2, r_b = 3r/4, so N_theta = 2(-alpha d/2 + 3r/4 - 1/2) = -alpha d + 3r/2 - 1
# and US = 2(3 d/2 - (3/2)(3r/4)) = 3d - 9r/4.
# After the deal (d = r = 1, n = 1): S keeps (2(0 + 1 + 1) = 4 > 1/2 from reneging); T reneges
# (-2 + 3/2 - 1 = -3/2 > keep 2(-2 + 1) = -2). US: 2(3 - 3/2) = 3 if S, 3 - 9/4 = 3/4 if T.
#
# Stage 2 (from (1/2, 4/5)): NX = breakdown(1, 4/5): S 1/5, T -9/5, US 6/5; UX = (1/2, 1): US -3/4;
# BB = (1/2, 4/5): S 1/5, T -4/5, US -3/10. The US withholds after a refusal (-3/10 > -3/4).
# T: complying yields at most -3/2 < -4/5, so T refuses; S complies; posterior 1; the US delivers
# (3 > 6/5). Stage-2 values at any belief: N_S = 4, N_T = -4/5, US|S = 3, US|T = -3/10.
#
# Stage 1 (from (0, 0)): flows at (1/2, 4/5): N_S 4/5, N_T -1 + 4/5 = -1/5, US 3/2 - 6/5 = 3/10.
# Continuation after compliance: C_S = 4/5 + 4/2 = 14/5, C_T = -1/5 - 2/5 = -3/5,
# US|S = 3/10 + 3/2 = 9/5, US|T = 3/10 - 3/20 = 3/20.
# NX = breakdown(1/2, 0): S -1, T -2, US 3/2. BB = (0, 0): N -1, US 0. UX: US -9/5 (so it withholds).
# US indifferent after compliance: m 9/5 + (1 - m) 3/20 = 3/2  ->  m = 9/11.
# T indifferent: p(-3/5) + (1 - p)(-2) = -1  ->  p = 5/7. S: -1 + (19/5)(5/7) = 12/7 > -1: complies.
# Prior 1/2 < 9/11, so T mixes: (1/2)/(1/2 + q/2) = 9/11  ->  q_T = 2/9.
# Values: N_S = 12/7, N_T = -1, US|S = (5/7)(9/5) + (2/7)(3/2) = 12/7,
# US|T = (2/9)((5/7)(3/20) + (2/7)(3/2)) = 5/42, V_US = (12/7 + 5/42)/2 = 11/12.
# P(full) = (1/2)(5/7) = 5/14. US exploited (T refuses at stage 2 holding 4/5 of relief):
# (1/2)(2/9)(5/7) = 5/63. NK exploited (complied, withheld): (1/2)(2/7 + (2/9)(2/7)) = 11/63.
# Denuclearisation kept: S (5/7)1 + (2/7)(1/4) = 11/14; T ((2/9)(2/7) + (2/9)(5/7))(1/4) = 1/18;
# expected (11/14 + 1/18)/2 = 53/126.
# ---------------------------------------------------------------------------------------------------
def test_two_stage_hand_derived_oracle() -> None:
    res = compare(TWO_STAGE, ["two"])
    row = res.table.loc["two"]
    path = res.stages[res.stages["protocol"] == "two"].reset_index(drop=True)
    f = float
    assert path.loc[0, "p"] == pytest.approx(f(Fraction(5, 7)), abs=1e-12)
    assert path.loc[0, "q_sincere"] == 1.0
    assert path.loc[0, "q_stalling"] == pytest.approx(f(Fraction(2, 9)), abs=1e-12)
    assert path.loc[1, "belief"] == pytest.approx(f(Fraction(9, 11)), abs=1e-12)
    assert path.loc[1, "q_stalling"] == 0.0 and path.loc[1, "p"] == 1.0
    expected = {"V_USA": Fraction(11, 12), "V_PRK_sincere": Fraction(12, 7), "V_PRK_stalling": Fraction(-1),
                "V_USA_stalling": Fraction(5, 42), "p_full": Fraction(5, 14), "p_full_stalling": Fraction(0),
                "us_exploitation": Fraction(5, 63), "nk_exploitation": Fraction(11, 63),
                "denuclearisation": Fraction(53, 126)}
    for key, val in expected.items():
        assert row[key] == pytest.approx(f(val), abs=1e-12), key
    assert row["max_regret"] <= 1e-12
    assert row["grid_error"] <= 1e-12
