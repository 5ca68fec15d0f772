"""Every twin kernel against its reference twin, on data that hypothesis draws itself.

* EUM: the numba kernel (:mod:`allied.models.eum._numba`) against the numpy kernel
  (:mod:`allied.models.eum._numpy`), both variants, Q = 1 and Q < 1: bit for bit.
* SMP: the numba kernels (:mod:`allied.models.smp._numba`) against numpy (:mod:`allied.models.smp._numpy`)
  at sizes far below the 40 actors from which the model switches to numba (``NUMBA_MIN_ACTORS`` is
  lowered for the numba run and raised for the numpy one), every voting rule and third-party commitment.
* Exchange: the float kernel (:mod:`allied.models.exchange._numba`, or its ahead-of-time build) against
  the decimal implementation (:mod:`allied.models.exchange._decimal`) with the float kernel's reading of
  knife-edge distances (``knife_edge=False``), on instances without exact gain ties.

The strategies draw positions (on a coarse grid, so shared positions and equal distances occur, or
anywhere on the scale), saliences (zeros included) and capabilities (zeros included where the model
allows them), several sizes; a failing example shrinks to the smallest data that shows the difference.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from allied.arrays import ForecastInput
from allied.models import get
from allied.models.eum._numpy import run_eum
from allied.models.smp import _aot as smp_aot
from allied.models.smp import _numpy as smp_kernel
from allied.models.smp import params as smp_params


def parity(examples: int) -> settings:
    return settings(max_examples=examples, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


# --- strategies: the data itself -------------------------------------------------------------------------
def position() -> st.SearchStrategy[float]:
    """A position on 0–100: on a ten-point grid (ties and equal distances) or anywhere."""
    return st.one_of(st.integers(0, 10).map(lambda k: 10.0 * k),
                     st.floats(0.0, 100.0, allow_nan=False, allow_subnormal=False))


def salience() -> st.SearchStrategy[float]:
    """A salience in [0, 1]; zero (no interest) and one (all in) are drawn often. Positive saliences start at
    1e-6 (0.0001 %): below about 1e-154 a salience's square underflows to zero, and SMP's salience-weighted
    distance is then 0/0 (a separate finding, not a kernel difference)."""
    return st.one_of(st.sampled_from([0.0, 1.0]), st.floats(1e-6, 1.0))


def capability(zero: bool = True, smallest: float = 0.0) -> st.SearchStrategy[float]:
    """A capability; zero when ``zero``, else from 0.5. Positive values start at ``smallest``."""
    lo = 0.0 if zero else 0.5
    return st.one_of(st.sampled_from([lo, 1.0, 10.0]), st.floats(max(lo, smallest), 100.0, allow_subnormal=False))


@st.composite
def eum_batch(draw: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``x, s, c`` of shape ``[B, A]``: 1–3 samples, 1–9 actors, zero saliences and capabilities included."""
    b = draw(st.integers(1, 3))
    a = draw(st.integers(1, 9))

    def mat(elem: st.SearchStrategy[float]) -> np.ndarray:
        return np.array(draw(st.lists(st.lists(elem, min_size=a, max_size=a), min_size=b, max_size=b)), dtype=float)

    return mat(position()), mat(salience()), mat(capability())


@st.composite
def smp_input(draw: Any) -> ForecastInput:
    """2–7 actors, 1–3 issues, 1–2 samples; some saliences zero (never all of one actor's), capability > 0."""
    b = draw(st.integers(1, 2))
    a = draw(st.integers(2, 7))
    d = draw(st.integers(1, 3))
    x = np.array(draw(st.lists(position(), min_size=b * a * d, max_size=b * a * d))).reshape(b, a, d)
    s = np.array(draw(st.lists(salience(), min_size=b * a * d, max_size=b * a * d))).reshape(b, a, d)
    s[:, :, 0] = np.where(s.sum(-1) > 0, s[:, :, 0], 0.5)  # KTAB needs every actor to care about something
    cap = np.array(draw(st.lists(capability(zero=False), min_size=b * a, max_size=b * a))).reshape(b, a, 1)
    c = np.repeat(cap, d, axis=2)
    return ForecastInput(x, s, c, np.zeros(d), np.full(d, 100.0), tuple(f"A{i}" for i in range(a)),
                         tuple(f"I{k}" for k in range(d)))


@st.composite
def exchange_input(draw: Any) -> ForecastInput:
    """2–7 actors, 2–4 issues, one sample; zero saliences and capabilities; some actors absent from issues.
    Positive capabilities start at 1e-6: the float kernel counts gains below 1e-10 as none, where the
    package's decimals still see one (hypothesis found a capability of 1.5e-18 doing that); that knife edge
    is the float arithmetic's documented departure, and the exact default is tested on it
    (tests/models/test_exchange_exact.py)."""
    a = draw(st.integers(2, 7))
    d = draw(st.integers(2, 4))
    n = a * d
    x = np.array(draw(st.lists(st.floats(0.0, 100.0, allow_subnormal=False), min_size=n, max_size=n)))
    s = np.array(draw(st.lists(salience(), min_size=n, max_size=n)))
    c = np.array(draw(st.lists(capability(smallest=1e-6), min_size=n, max_size=n)))
    present = np.array(draw(st.lists(st.sampled_from([True, True, True, False]), min_size=n, max_size=n)))
    shape = (1, a, d)
    return ForecastInput(x.reshape(shape), s.reshape(shape), c.reshape(shape), np.zeros(d), np.full(d, 100.0),
                         tuple(f"A{i}" for i in range(a)), tuple(f"I{k}" for k in range(d)), present.reshape(a, d))


# --- EUM ---------------------------------------------------------------------------------------------------
@parity(60)
@given(data=eum_batch(), variant=st.sampled_from(["scholz", "paper"]), q=st.sampled_from([1.0, 0.5, 0.0]),
       rounds=st.integers(1, 5))
def test_eum_numba_equals_numpy(data: tuple[np.ndarray, np.ndarray, np.ndarray], variant: str, q: float,
                                rounds: int) -> None:
    x, s, c = data
    p1, r1 = run_eum(x, s, c, rounds, variant, q, engine="numpy")
    p2, r2 = run_eum(x, s, c, rounds, variant, q, engine="numba")
    np.testing.assert_array_equal(p2, p1)
    np.testing.assert_array_equal(r2, r1)


@pytest.mark.parametrize("variant", ["scholz", "paper"])
def test_eum_twins_agree_on_ties_and_zero_weights(variant: str) -> None:
    """Hand-made corner cases: three actors at one position, equal distances on both sides, a weightless
    actor, a zero-salience actor, and a sample in which nobody has any weight."""
    x = np.array([[10.0, 10.0, 10.0, 50.0, 90.0, 30.0], [0.0, 20.0, 40.0, 60.0, 80.0, 100.0],
                  [5.0, 5.0, 60.0, 60.0, 95.0, 95.0]])
    s = np.array([[0.5, 0.0, 1.0, 0.7, 0.7, 0.2], [0.6] * 6, [0.0] * 6])
    c = np.array([[10.0, 20.0, 0.0, 30.0, 30.0, 5.0], [40.0, 0.0, 40.0, 40.0, 0.0, 40.0], [10.0] * 6])
    for q in (1.0, 0.3):
        p1, r1 = run_eum(x, s, c, 6, variant, q, engine="numpy")
        p2, r2 = run_eum(x, s, c, 6, variant, q, engine="numba")
        np.testing.assert_array_equal(p2, p1)
        np.testing.assert_array_equal(r2, r1)


# --- SMP ---------------------------------------------------------------------------------------------------
def _smp(inp: ForecastInput, min_actors: int, **params: Any) -> Any:
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(smp_aot, "kernels", lambda b, n, d: None)  # the fused kernels: tests/models/test_smp_fused.py
        mp.setattr(smp_kernel, "NUMBA_MIN_ACTORS", min_actors)
        assert smp_kernel.use_numba(inp.shape[1]) == (min_actors <= inp.shape[1])
        return get("smp").run(inp, **params)


#: tolerance of the twins' agreement: sums in another order differ by a few ulps of utilities in [0, 1];
#: the Binary and PropBin votes divide utility differences by BIN_TOL (1e-8), so there those ulps grow by
#: 1e8 (16 ulps of 1.0 become ~3.6e-7) before they reach coalitions and probabilities, and on inputs built
#: to tie (hypothesis' grid of 0, 20, 40 and saliences of 1/2) they can flip a choice: those rules are
#: checked on continuous random inputs instead (test_smp_twins_agree_under_ramp_votes)
RAMP_RULES = ("Binary", "PropBin")
SMOOTH_ATOL = 1e-12
RAMP_ATOL = 16 * np.finfo(float).eps / smp_params.BIN_TOL
#: a challenge's win probability divides coalitions that may be as weak as MIN_CHALLENGE_COALITION (1e-10):
#: ulps of their sums grow by 1e10 there (details only: the p_win matrix and the gains built on it)
CHALLENGE_ATOL = 16 * np.finfo(float).eps / smp_params.MIN_CHALLENGE_COALITION


def _same_smp(fast: Any, slow: Any, rule: str | None = None) -> None:
    atol = RAMP_ATOL if rule in RAMP_RULES else SMOOTH_ATOL
    np.testing.assert_array_equal(fast.rounds_run, slow.rounds_run)
    np.testing.assert_allclose(fast.positions, slow.positions, rtol=0, atol=atol)
    np.testing.assert_allclose(fast.forecast, slow.forecast, rtol=0, atol=atol)
    for key in ("position_prob", "risk", "fractional_change"):
        np.testing.assert_allclose(fast.extras[key], slow.extras[key], rtol=0, atol=atol, err_msg=key)
    if "details" not in slow.extras:
        return
    tied = _tied_principals(slow)
    for key in ("p_win", "gain_initiator", "gain_receiver"):
        f, s = fast.extras["details"][key], slow.extras["details"][key]
        if key == "p_win":
            f, s = np.where(tied, np.nan, f), np.where(tied, np.nan, s)
        np.testing.assert_allclose(f, s, rtol=0, atol=max(atol, CHALLENGE_ATOL), err_msg=key)


def _tied_principals(out: Any) -> np.ndarray:
    """``[B, R, N, N]``: challenges whose two principals sit within 1e-7 (of a 0–100 scale) on every issue. Their
    win probability is noise, not a number: the principals' votes are ulps of utility differences (~1e-16),
    the MIN_CHALLENGE_COALITION floor (1e-10) turns them into third parties' odds ~1e-6 off a half, and those
    odds decide the third parties' votes (hypothesis found p_win 0.998 against 0.0009 for positions 100 and
    100 − 1 ulp). Winning and losing then mean the same outcome, so the gains agree and are still compared."""
    p_win = out.extras["details"]["p_win"]
    pos = out.positions[:, :p_win.shape[1]]  # [B, R, N, D]: the positions each turn's challenges start from
    gap = np.abs(pos[:, :, :, None, :] - pos[:, :, None, :, :]).max(axis=-1)
    return np.asarray(gap <= 1e-7)


@parity(40)
@given(inp=smp_input(), rule=st.sampled_from([r for r in smp_params.CHOICES["VotingRule"] if r not in RAMP_RULES]),
       commit=st.sampled_from(smp_params.CHOICES["ThirdPartyCommit"]), details=st.booleans(),
       rounds=st.integers(1, 4))
def test_smp_numba_equals_numpy_below_forty_actors(inp: ForecastInput, rule: str, commit: str, details: bool,
                                                   rounds: int) -> None:
    params = {"VotingRule": rule, "ThirdPartyCommit": commit, "details": details, "rounds": rounds}
    fast = _smp(inp, 2, **params)
    slow = _smp(inp, 10**9, **params)
    _same_smp(fast, slow, rule)


@pytest.mark.parametrize("rule", RAMP_RULES)
@pytest.mark.parametrize("commit", smp_params.CHOICES["ThirdPartyCommit"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_smp_twins_agree_under_ramp_votes(rule: str, commit: str, seed: int) -> None:
    """Binary and PropBin votes on continuous random inputs (no engineered ties), several rounds."""
    rng = np.random.default_rng(seed)
    n, d = 9, 2
    x = rng.uniform(0, 100, (1, n, d))
    s = rng.uniform(0.05, 0.95, (1, n, d))
    c = np.repeat(rng.uniform(10, 200, (1, n, 1)), d, axis=2)
    inp = ForecastInput(x, s, c, np.zeros(d), np.full(d, 100.0), tuple(f"A{i}" for i in range(n)), ("p", "q"))
    params = {"VotingRule": rule, "ThirdPartyCommit": commit, "details": True, "rounds": 4}
    _same_smp(_smp(inp, 2, **params), _smp(inp, 10**9, **params), rule)


@pytest.mark.parametrize("n", [3, 12, 41])
def test_smp_twins_agree_to_convergence(n: int) -> None:
    """Several sizes on both sides of the threshold, run until KTAB's stopping rule (not a fixed count),
    with positions rounded to a grid (ties) and one zero salience per actor."""
    rng = np.random.default_rng(n)
    x = rng.integers(0, 11, (1, n, 2)).astype(float) * 10.0
    s = rng.uniform(0.1, 0.9, (1, n, 2))
    s[0, np.arange(n), np.arange(n) % 2] = 0.0
    c = np.repeat(rng.uniform(10, 200, (1, n, 1)), 2, axis=2)
    inp = ForecastInput(x, s, c, np.zeros(2), np.full(2, 100.0), tuple(f"A{i}" for i in range(n)), ("p", "q"))
    _same_smp(_smp(inp, 2), _smp(inp, 10**9))


# --- exchange ----------------------------------------------------------------------------------------------
def _no_gain_ties(out: Any) -> bool:
    """No two candidate gains within float noise of each other in any round (the knife edge on which the
    float and decimal tie orders may legitimately differ): judged from the realised gains."""
    gains = np.asarray(out.extras["exchanges"]["gain"], dtype=float)
    rounds = np.asarray(out.extras["exchanges"]["round"])
    for r in np.unique(rounds):
        g = np.sort(gains[rounds == r])
        if len(g) > 1 and np.any(np.diff(g) <= 1e-9 * np.maximum(1.0, g[1:])):
            return False
    return True


def _same_exchange(inp: ForecastInput, rounds: int) -> None:
    from allied.models.exchange import from_internal
    from allied.models.exchange._decimal import run_exact

    f = get("exchange").run(inp, rounds=rounds, arithmetic="float")
    prefs, votes, _frec, irec, *_ = run_exact(inp.x, inp.lo, inp.hi, np.where(inp.mask, inp.s, 0.0),
                                             np.where(inp.mask, inp.c, 0.0), inp.mask, rounds, knife_edge=False)
    np.testing.assert_array_equal(f.extras["n_exchanges"][0, 1:], np.bincount(irec[:, 1], minlength=rounds + 1)[1:])
    np.testing.assert_allclose(f.positions, np.where(inp.mask, from_internal(prefs, inp.lo, inp.hi), np.nan),
                               rtol=0, atol=1e-7)
    np.testing.assert_allclose(f.extras["voting_positions"],
                               np.where(inp.mask, from_internal(votes, inp.lo, inp.hi), np.nan), rtol=0, atol=1e-7)


@parity(30)
@given(inp=exchange_input(), rounds=st.integers(1, 3))
def test_exchange_float_equals_decimal(inp: ForecastInput, rounds: int) -> None:
    assume(_no_gain_ties(get("exchange").run(inp, rounds=rounds, arithmetic="float")))
    _same_exchange(inp, rounds)


@pytest.mark.parametrize(("a", "d"), [(2, 2), (5, 3), (9, 4)])
def test_exchange_twins_agree_with_zero_weights_and_shared_positions(a: int, d: int) -> None:
    """Several sizes; one actor with no salience anywhere, one with no capability on one issue, two actors
    sharing every position."""
    rng = np.random.default_rng(a * 10 + d)
    x = rng.uniform(0, 100, (1, a, d))
    x[0, -1] = x[0, 0]
    s = rng.uniform(0.1, 1.0, (1, a, d))
    c = rng.uniform(0.2, 1.0, (1, a, d))
    s[0, 0, :] = 0.0
    c[0, 1 % a, 0] = 0.0
    inp = ForecastInput(x, s, c, np.zeros(d), np.full(d, 100.0), tuple(f"A{i}" for i in range(a)),
                        tuple(f"I{k}" for k in range(d)))
    _same_exchange(inp, 4)
