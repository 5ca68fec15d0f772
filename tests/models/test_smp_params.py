"""Every value of KTAB's nine SMP parameters changes what ``shared/specs/smp.md`` §9 says it changes.

Kernel-level checks use hand-computed numbers; model-level checks run KTAB's dummyData_3Dim one turn and
look at the quantity the parameter enters (and, where the spec says so, at one it must leave alone).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from allied.arrays import ForecastInput
from allied.models import get
from allied.models.smp import _numpy as sk
from allied.models.smp.params import CHOICES, DEFAULTS, resolve_codes
from allied.scenario.readers import ktab

DATA = Path(__file__).resolve().parents[1] / "data"


def ktab_input(path: Path) -> ForecastInput:
    t = ktab.read(path.read_text(), str(path))
    ids, iss = [a.id for a in t.actors], [i.id for i in t.issues]
    x, s, c = (np.zeros((1, len(ids), len(iss))) for _ in range(3))
    for r in t.rows:
        i, k = ids.index(r.actor), iss.index(r.issue)
        x[0, i, k], s[0, i, k], c[0, i, k] = r.position, r.salience / 100.0, t.capability[r.actor]
    return ForecastInput(x, s, c, np.zeros(len(iss)), np.full(len(iss), 100.0), tuple(ids), tuple(iss))


@pytest.fixture(scope="module")
def dummy():
    return ktab_input(DATA / "dummyData_3Dim.csv")


def one_turn(inp, **params):
    return get("smp").run(inp, rounds=1, details=True, **params)


def test_defaults_and_names() -> None:
    assert DEFAULTS == {
        "VictoryProbModel": "Linear", "PCEModel": "Conditional", "StateTransitions": "Deterministic",
        "VotingRule": "Proportional", "BigRAdjust": "OneThird", "BigRRange": "Mid",
        "ThirdPartyCommit": "SemiCommit", "InterVecBrgn": "S2P2", "BargnModel": "InitOnlyInterp",
    }
    assert resolve_codes({"VotingRule": "Prop"})["VotingRule"] == 2  # KTAB's own spelling
    assert resolve_codes({"BigRAdjust": 0})["BigRAdjust"] == 0
    assert set(get("smp").parameters) >= set(CHOICES)


# ---------------------------------------------------------------------------------------------- VictoryProbModel

def test_victory_prob_model_kernel() -> None:
    c = np.array([[[1e-8, 2.0], [1.0, 1e-8]]])  # option 0 has twice option 1's coalition
    expect = {0: 2 / 3, 1: 4 / 5, 2: 16 / 17, 3: 256 / 257, 4: 1 / (1 + 1e-6)}
    for vpm, p in expect.items():
        pv = sk.victory_probs(c, vpm)
        assert pv[0, 0, 1] == pytest.approx(p, rel=1e-12) and pv[0, 1, 0] == pytest.approx(1 - p, rel=1e-9)
        assert pv[0, 0, 0] == 0.5
    close = np.array([[[1e-8, 1.05], [1.0, 1e-8]]])  # under the 10% threshold: linear ramp
    r = 1.0 / 2.05  # lower-left pair: s1 = C[1, 0] = 1.0, s2 = 1.05
    assert sk.victory_probs(close, 4)[0, 1, 0] == pytest.approx((r * 2.1 - 1) / 0.1, rel=1e-9)


@pytest.mark.parametrize("value", CHOICES["VictoryProbModel"][1:])
def test_victory_prob_model_changes_pce(dummy, value: str) -> None:
    base, alt = one_turn(dummy), one_turn(dummy, VictoryProbModel=value)
    assert not np.allclose(base.extras["risk"][0, 0], alt.extras["risk"][0, 0])  # risk inference
    assert not np.allclose(base.extras["position_prob"][0, 0], alt.extras["position_prob"][0, 0])


# ---------------------------------------------------------------------------------------------- PCEModel

def test_pce_models_kernel() -> None:
    p = np.array([[[0.5, 0.7, 0.6], [0.3, 0.5, 0.8], [0.4, 0.2, 0.5]]])
    c = p / (1 - p + 1e-300)
    mask = np.ones((1, 1, 3), dtype=bool)
    cond = sk.pce(c, p, mask, 0)[0, 0]
    rows = np.array([0.5 * 0.7 * 0.6, 0.3 * 0.5 * 0.8, 0.4 * 0.2 * 0.5])
    np.testing.assert_allclose(cond, rows / rows.sum())
    uni = sk.pce(c, p, mask, 2)[0, 0]
    q = np.array([sum(p[0, a, b] * (uni[a] + uni[b]) for b in range(3)) / 3 for a in range(3)])
    np.testing.assert_allclose(q, uni, atol=3e-6)  # fixed point of the uniform Markov chain
    inc = sk.pce(c, p, mask, 1)[0, 0]
    n = c[0] * p[0] + 1e-10 * np.eye(3)
    pi = n / n.sum(0, keepdims=True)
    t = inc[:, None] * pi.T
    q = (p[0] * (t + t.T)).sum(1)
    np.testing.assert_allclose(q, inc, atol=1e-7)  # fixed point of the incentive chain
    assert abs(inc.sum() - 1) < 1e-9 and not np.allclose(inc, uni, atol=1e-3)


@pytest.mark.parametrize("value", CHOICES["PCEModel"][1:])
def test_pce_model_changes_distribution(dummy, value: str) -> None:
    base, alt = one_turn(dummy), one_turn(dummy, PCEModel=value)
    assert not np.allclose(base.extras["position_prob"][0, 0], alt.extras["position_prob"][0, 0])


# ---------------------------------------------------------------------------------------------- StateTransitions

def test_stochastic_transitions_use_the_rng(dummy) -> None:
    run = get("smp").run
    det1 = run(dummy, rounds=3, rng=np.random.default_rng(1))
    det2 = run(dummy, rounds=3, rng=np.random.default_rng(2))
    np.testing.assert_array_equal(det1.positions, det2.positions)  # Deterministic ignores the rng
    paths = [run(dummy, rounds=3, rng=np.random.default_rng(s), StateTransitions="Stochastic",
                 details=True) for s in range(12)]
    again = run(dummy, rounds=3, rng=np.random.default_rng(0), StateTransitions="Stochastic")
    np.testing.assert_array_equal(paths[0].positions, again.positions)
    assert any(not np.array_equal(p.positions, paths[0].positions) for p in paths[1:])
    # the first turn draws each actor's bargain from its PCE distribution, not always the most likely one
    det = [p.extras["details"] for p in paths]
    argmax_choice = one_turn(dummy).extras["details"]["chosen"][0, 0]
    assert any(not np.array_equal(d["chosen"][0, 0], argmax_choice) for d in det)


# ---------------------------------------------------------------------------------------------- VotingRule

def test_voting_rules_kernel() -> None:
    w, du = 2.0, np.array([0.1, -0.1, 0.0])
    u1, u2 = 0.5 + du, np.full(3, 0.5)
    sign = np.array([1.0, -1.0, 0.0])
    np.testing.assert_allclose(sk.vote(0, w, u1, u2), w * sign)
    np.testing.assert_allclose(sk.vote(1, w, u1, u2), w * (0.8 * du + 0.2 * sign))
    np.testing.assert_allclose(sk.vote(2, w, u1, u2), w * du)
    np.testing.assert_allclose(sk.vote(3, w, u1, u2), w * (0.5 * du + 0.5 * du**3))
    np.testing.assert_allclose(sk.vote(4, w, u1, u2), w * du**3)
    np.testing.assert_allclose(sk.vote(5, w, u1, u2), [2 * w * 0.1 / 3, -w * 0.1, 0.0])


def test_binary_votes_ramp_below_a_utility_difference_of_1e_8() -> None:
    """KTAB's Binary vote is a full vote only from a utility difference of 1e-8 on; below that it is
    du / 1e-8 of one, and PropBin mixes 0.2 of it with 0.8 du. Hand values at du = ±5e-9, -2.5e-9, ±2e-8 and
    -4e-8, for the numpy rule and the numba one (``_fused._vote``, also used by the >= 40-actor kernel)."""
    from allied.models.smp import _fused

    w = 3.0
    du = np.array([5e-9, -5e-9, -2.5e-9, 2e-8, -4e-8])
    ramp = np.array([0.5, -0.5, -0.25, 1.0, -1.0])
    for rule, expect in ((0, w * ramp), (1, w * (0.8 * du + 0.2 * ramp))):
        np.testing.assert_allclose(sk.vote(rule, w, du, np.zeros(5)), expect, rtol=1e-12)
        np.testing.assert_allclose([_fused._vote(rule, w, float(v), 0.0) for v in du], expect, rtol=1e-12)


@pytest.mark.parametrize("value", [v for v in CHOICES["VotingRule"] if v != "Proportional"])
def test_voting_rule_changes_votes(dummy, value: str) -> None:
    base, alt = one_turn(dummy), one_turn(dummy, VotingRule=value)
    assert not np.allclose(base.extras["risk"][0, 0], alt.extras["risk"][0, 0])
    assert not np.allclose(base.extras["details"]["p_win"][0, 0], alt.extras["details"]["p_win"][0, 0],
                           equal_nan=True)


# ---------------------------------------------------------------------------------------------- BigRAdjust

def test_big_r_adjust_kernel() -> None:
    rh, ri = 0.9, -0.3
    expect = [rh, (2 * rh + ri) / 3, (rh + ri) / 2, (rh + 2 * ri) / 3, ri]
    for ra, v in enumerate(expect):
        assert sk.est_nra(np.array(rh), np.array(ri), ra) == pytest.approx(v)


@pytest.mark.parametrize("value", [v for v in CHOICES["BigRAdjust"] if v != "OneThird"])
def test_big_r_adjust_changes_perceived_utilities_only(dummy, value: str) -> None:
    base, alt = one_turn(dummy), one_turn(dummy, BigRAdjust=value)
    np.testing.assert_array_equal(base.extras["risk"][0, 0], alt.extras["risk"][0, 0])
    g0, g1 = base.extras["details"]["gain_initiator"][0, 0], alt.extras["details"]["gain_initiator"][0, 0]
    assert not np.allclose(g0, g1, equal_nan=True)


# ---------------------------------------------------------------------------------------------- BigRRange

@pytest.mark.parametrize(("value", "lo"), [("Min", 0.0), ("Mid", -0.5), ("Max", -1.0)])
def test_big_r_range_sets_the_range(dummy, value: str, lo: float) -> None:
    r = one_turn(dummy, BigRRange=value).extras["risk"][0, 0]
    assert r.min() == pytest.approx(lo) and r.max() == pytest.approx(1.0)


# ---------------------------------------------------------------------------------------------- ThirdPartyCommit

@pytest.mark.parametrize("value", ["NoCommit", "FullCommit"])
def test_third_party_commit_changes_challenges_only(dummy, value: str) -> None:
    base, alt = one_turn(dummy), one_turn(dummy, ThirdPartyCommit=value)
    np.testing.assert_array_equal(base.extras["risk"][0, 0], alt.extras["risk"][0, 0])
    assert not np.allclose(base.extras["details"]["p_win"][0, 0], alt.extras["details"]["p_win"][0, 0],
                           equal_nan=True)


def test_third_party_commit_kernel() -> None:
    """Actors at 0 and 1 (equal weight), a third party at 0.2. In KTAB's code a third party's two options
    have equal value under NoCommit and FullCommit (it abstains: P stays the principals' 1/2); under
    SemiCommit (joining i's side keeps its own position if i wins) it votes, here for j."""
    x = np.array([[[0.0], [1.0], [0.2]]])
    s = np.full((1, 3, 1), 0.8)
    vd = sk.distances(x, s)
    rest = np.zeros((1, 3, 3))
    ii, jj = np.array([[0]]), np.array([[1]])
    p = [sk.challenge_pairs(vd, rest, s.sum(-1), np.ones((1, 3)), ii, jj, ii, 2, t)[0][0, 0] for t in range(3)]
    assert p[0] == p[2] == pytest.approx(0.5)
    # semi: join i = pin(2u_ni + 1) + pjn 3u_nj, join j = pin 3u_ni + pjn(2u_nj + 1); u_ni = .8, u_nj = .2
    w = 0.8  # total salience x capability; principals' votes are w (u_ii - u_ij) = w
    pin = (w + w * 0.6) / (2 * w + w * 0.6)
    v = w * ((pin * 2.6 + (1 - pin) * 0.6) - (pin * 2.4 + (1 - pin) * 1.4))
    assert v < 0 and p[1] == pytest.approx(w / (2 * w - v))


def test_no_and_full_commit_agree(dummy) -> None:
    a, b = one_turn(dummy, ThirdPartyCommit="NoCommit"), one_turn(dummy, ThirdPartyCommit="FullCommit")
    np.testing.assert_array_equal(a.extras["details"]["p_win"], b.extras["details"]["p_win"])


# ---------------------------------------------------------------------------------------------- InterVecBrgn

def test_inter_vec_bargains(dummy) -> None:
    s2p2 = one_turn(dummy).extras["details"]
    s1p1 = one_turn(dummy, InterVecBrgn="S1P1").extras["details"]
    smax = one_turn(dummy, InterVecBrgn="S2PMax").extras["details"]
    x, s = dummy.x[0] / 100, dummy.s[0]
    i, j = 0, int(s2p2["target"][0, 0, 0])
    p = s2p2["p_win"][0, 0, i, j]
    wi, wj = s[i] * p, s[j] * (1 - p)
    hand = np.trunc(0.5 + 1e4 * ((wi + 1e-6) * x[i] + wj * x[j]) / (wi + 1e-6 + wj)) / 1e4
    np.testing.assert_allclose(s1p1["bargain_init_pos"][0, 0, i], 100 * hand, atol=1e-9)
    assert not np.allclose(s1p1["bargain_init_pos"][0, 0], s2p2["bargain_init_pos"][0, 0], equal_nan=True)
    grid = s2p2["bargain_init_pos"][0, 0][s2p2["target"][0, 0] >= 0] / 100 * 1e4
    np.testing.assert_allclose(grid, np.round(grid), atol=1e-6)  # S1P1/S2P2 round to 4 decimals
    # S2PMax: only the side less likely to win moves
    for i in np.flatnonzero(smax["target"][0, 0] >= 0):
        j = smax["target"][0, 0, i]
        pi = smax["p_win"][0, 0, i, j]
        moved_i = not np.allclose(smax["bargain_init_pos"][0, 0, i], dummy.x[0, i])
        moved_j = not np.allclose(smax["bargain_rcvr_pos"][0, 0, i], dummy.x[0, j])
        assert (moved_i, moved_j) == ((False, True) if pi > 0.5 else (True, False))


# ---------------------------------------------------------------------------------------------- BargnModel

def test_bargain_models(dummy) -> None:
    only = one_turn(dummy).extras["details"]
    both = one_turn(dummy, BargnModel="InitRcvrInterp").extras["details"]
    pw = one_turn(dummy, BargnModel="PWCompInterp").extras["details"]
    n = 7
    assert only["bargain_init_pos"].shape[2] == n and both["bargain_init_pos"].shape[2] == 2 * n
    # InitRcvrInterp: bargain 2i is the initiator's interpolation (as InitOnly), 2i+1 the receiver's view
    np.testing.assert_allclose(both["bargain_init_pos"][0, 0, ::2], only["bargain_init_pos"][0, 0])
    cap, stot = dummy.c[0, :, 0], dummy.s[0].sum(-1)
    for i in np.flatnonzero(only["target"][0, 0] >= 0):
        j = only["target"][0, 0, i]
        wi, wj = cap[i] * stot[i], cap[i] * stot[j]  # KTAB weighs the receiver with the initiator's capability
        iij, jij = both["bargain_init_pos"][0, 0, 2 * i], both["bargain_init_pos"][0, 0, 2 * i + 1]
        np.testing.assert_allclose(pw["bargain_init_pos"][0, 0, i], (wi * iij + wj * jij) / (wi + wj))
    assert not np.allclose(pw["bargain_init_pos"][0, 0], only["bargain_init_pos"][0, 0], equal_nan=True)
