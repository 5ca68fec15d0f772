"""Certified float kernel of the equal-gain exchange model: float speed, the package's exact decisions.

Twin of :mod:`allied.models.exchange._decimal` (the 28-digit decimal reference) and of
:mod:`allied.models.exchange._numba` (plain float). Every float quantity that a decision reads carries a
running absolute error bound (Higham, *Accuracy and Stability of Numerical Algorithms*, 2nd ed., §3.3:
for ``r = fl(a op b)`` with inputs known to ``±ea``, ``±eb`` the bound grows by the propagated input
errors plus ``u|r|``, u = 2⁻⁵³; the helpers ``_mul``, ``_div``, ``_add``, ``_sub`` apply it operation by
operation, so the bound is derived from the actual operation count). Inputs start with the error of
their binary representation (``u|v|``: the package reads ``repr(v)`` as a decimal). A comparison
``a > b`` is decided in float only when ``|a − b| > 2 (ea + eb + u|a − b|) + 1e-20``; the factor 2 also
covers the package's own 28-digit rounding (≤ 5e-28 relative per operation, below 1e-10 of ``u``).
Anything closer is *too close to call*: the kernel stops and hands the question to
:mod:`allied.models.exchange._hybrid`, which recomputes just the quantities involved in ``decimal`` from
their provenance and writes the exact answer back. Gains that were settled exactly are kept as a
double-double ``(gain, glo)``; two such pairs compare exactly (distinct 28-digit decimals differ by far more
than the pair's 1e-32 relative error, and the rounding to the pair is monotone).

State of one round (one sample) lives in flat arrays that the Python driver holds between calls, so the
kernel can stop at a question and resume: ``ci``/``cf`` per candidate (columns below), ``uv``/``ue``/``us``
the values, errors and sources of each candidate's recorded outcome updates, ``gs`` the round's counters.
A source ``src >= 0`` is side ``src % 2`` of the round's realised exchange ``src // 2``; ``-1`` is the
actor's round-start position.
"""

from __future__ import annotations

import math

import numpy as np

from allied._jit import njit
from allied.models.exchange import _state
from allied.models.exchange._state import (
    A0,
    A1,
    ACTIVE,
    CAP,
    EGAIN,
    EHSUM,
    EMV,
    EPOS,
    EUPDD,
    EXACT,
    EY,
    FAC,
    FULL_ERR,
    G_HI,
    G_LO,
    G_N,
    G_NNEED,
    G_NREC,
    G_NT,
    G_PHASE,
    GAIN,
    GLO,
    HAS0,
    HAS1,
    HMAX,
    HMIN,
    HSUM,
    KIND,
    MV,
    NDEF,
    NF,
    NI,
    OCAP,
    OEG,
    OEXACT,
    OG,
    OGLO,
    OOVER,
    OVER,
    PEND,
    PH_CLASSIFY,
    PH_END,
    PH_SELECT,
    POS,
    PS0,
    PS1,
    Q_CALC,
    Q_LEFT,
    Q_OLD,
    Q_ORDER,
    S0,
    S1,
    SLACK,
    TB,
    TINY,
    TOUCHED,
    UPDD,
    VALID,
    U,
    Y,
)

#: numba's njit, cached, with cache entries keyed also on _state.py (its constants are compiled in)
_jit = njit(depends=[_state], nogil=True)
#: the same, substituted into each caller by numba (``inline="always"``): the error-bounded arithmetic and the
#: outcome helpers that ``_calculate`` calls on every candidate. A call between compiled functions passes every
#: array argument as its unpacked descriptor and checks a status code on return, which cost about as much as
#: the arithmetic itself here; inlined, the Korea sweep's kernel time falls by about a fifth (issue 19). The
#: floating-point operations are the same, in the same order: numba copies the callee's code, and without
#: fastmath flags LLVM may neither reorder nor fuse IEEE operations, so every value and bound is bit for bit
#: what the calls computed. (The price: the ahead-of-time build takes about 25 s longer.)
_inl = njit(depends=[_state], nogil=True, inline="always")


@_inl
def _mul(a, ea, b, eb):  # pragma: no cover - numba
    r = a * b
    return r, abs(a) * eb + abs(b) * ea + ea * eb + U * abs(r)


@_inl
def _div(a, ea, b, eb):  # pragma: no cover - numba
    r = a / b
    den = abs(b) - eb
    if den <= 0.0:
        return r, np.inf
    return r, (ea + abs(r) * eb) / den + U * abs(r)


@_inl
def _exact_int_sum(a, b, r):  # pragma: no cover - numba
    """r = fl(a + b) of two exact inputs is exact in decimal too: integers below 2**50 (TwoSum residual 0)."""
    if abs(r) >= 1e15 or r != math.floor(r):
        return False
    bb = r - a
    return (a - (r - bb)) + (b - bb) == 0.0


@_inl
def _add(a, ea, b, eb):  # pragma: no cover - numba
    r = a + b
    if ea == 0.0 and eb == 0.0 and _exact_int_sum(a, b, r):
        return r, 0.0
    return r, ea + eb + U * abs(r)


@_inl
def _sub(a, ea, b, eb):  # pragma: no cover - numba
    r = a - b
    if ea == 0.0 and eb == 0.0 and _exact_int_sum(a, -b, r):
        return r, 0.0
    return r, ea + eb + U * abs(r)


@_inl
def _sign(v, ev):  # pragma: no cover - numba
    """1 or -1 when the sign of the exact value is certain, 0 when it is too close to call."""
    t = FAC * ev + SLACK
    if v > t:
        return 1
    if v < -t:
        return -1
    return 0


@_inl
def _gt(a, ea, b, eb):  # pragma: no cover - numba
    """a > b: 1 true, 0 false, -1 too close to call."""
    d, e = _sub(a, ea, b, eb)
    if e == 0.0 and d == 0.0:  # both exact (see _add) and equal
        return 0
    sg = _sign(d, e)
    if sg > 0:
        return 1
    if sg < 0:
        return 0
    return -1


@_jit
def _all_zero(e, k, a, d, uv, ue, x, ex):  # pragma: no cover - numba
    """Is every other member of issue d, as exchange e's side k sees it, exactly at 0? Then the package's
    weighted mean with actor ``a`` at an exact 0 is exactly 0 (0·s·c = 0, a sum of zeros, 0 / w)."""
    for b in range(x.shape[0]):
        if b == a:
            continue
        v = uv[e, k, b]
        ev = ue[e, k, b]
        if math.isnan(v):
            v = x[b, d]
            ev = ex[b, d]
        if math.isnan(v):
            continue  # not a member of the issue
        if v != 0.0 or ev != 0.0:
            return False
    return True


@_inl
def _adj(e, k, newpos, enew, ci, cf, uv, ue, x, ex, cs, ecs, s0, es0, w, ew):  # pragma: no cover - numba
    """Weighted mean of side k's supply issue as exchange e sees it, with that side at ``newpos``."""
    d = ci[e, S0 + k]
    a = ci[e, A0 + k]
    if w[d] == 0.0:
        return 0.0, 0.0
    cur = uv[e, k, a]
    ecur = ue[e, k, a]
    if math.isnan(cur):
        cur = x[a, d]
        ecur = ex[a, d]
    if newpos == 0.0 and enew == 0.0 and _all_zero(e, k, a, d, uv, ue, x, ex):
        return 0.0, 0.0
    dv, edv = _sub(newpos, enew, cur, ecur)
    t, et = _mul(cs[a, d], ecs[a, d], dv, edv)
    num, enum = _add(s0[d], es0[d], cf[e, UPDD + k], cf[e, EUPDD + k])
    num, enum = _add(num, enum, t, et)
    return _div(num, enum, w[d], ew[d])


@_jit
def _push(e, k, m, em, ci, cf):  # pragma: no cover - numba
    """Append a move to side k's history (the previous last move joins the folded history)."""
    if ci[e, HAS0 + k]:
        last = cf[e, MV + k]
        cf[e, HSUM + k], cf[e, EHSUM + k] = _add(cf[e, HSUM + k], cf[e, EHSUM + k], last, cf[e, EMV + k])
        cf[e, HMIN + k] = min(cf[e, HMIN + k], last)
        cf[e, HMAX + k] = max(cf[e, HMAX + k], last)
    cf[e, MV + k] = m
    cf[e, EMV + k] = em
    ci[e, HAS0 + k] = 1


@_jit
def _full_err(xa, exa):  # pragma: no cover - numba
    """Error bound of a full move's landing point P + (A − P) against A: exactly A when A is an exact 0
    (0 − P and P + (−P) are exact in decimal), else within FULL_ERR (see _state)."""
    if xa == 0.0 and exa == 0.0:
        return 0.0
    return exa + FULL_ERR


@_jit
def _move_ok(e, k, m, em, cf, full, xa, exa):  # pragma: no cover - numba
    """The package's ``move_ok``: 1 valid, 0 invalid, < 0 too close to call. ``full``: the move takes the
    side all the way to the partner's position ``xa`` (see :func:`_full_y`)."""
    am = abs(m)
    c1 = _gt(am, em, 100.0, 0.0)
    c2 = _gt(am, em, TINY, 0.0)
    if c1 == 1 or c2 == 0:
        return 0
    unsure = 0
    if c1 < 0 or c2 < 0:
        unsure = -1
    if full:
        p, ep = xa, exa + FULL_ERR
        lo = 0 if (xa == 0.0 and exa == 0.0) else _gt(0.0, 0.0, p, ep)
        hi = 0 if (xa == 100.0 and exa == 0.0) else _gt(p, ep, 100.0, 0.0)
    else:
        p, ep = _add(cf[e, POS + k], cf[e, EPOS + k], m, em)
        lo = _gt(0.0, 0.0, p, ep)
        hi = _gt(p, ep, 100.0, 0.0)
    if lo == 1 or hi == 1:
        return 0
    if lo < 0:
        unsure = -2
    if hi < 0:
        unsure = -3
    hs, ehs = _add(cf[e, HSUM + k], cf[e, EHSUM + k], m, em)
    c3 = _gt(hs, ehs, 100.0, 0.0)
    if c3 == 1:
        return 0
    if c3 < 0:
        unsure = -4
    # signs of moves are exact (decided by certified comparisons, magnitudes > 1e-10)
    mlo = min(cf[e, HMIN + k], m)
    mhi = max(cf[e, HMAX + k], m)
    if not ((mlo < 0.0 and mhi < 0.0) or (mlo > 0.0 and mhi > 0.0)):
        return 0
    return unsure if unsure < 0 else 1


@_inl
def _check_nbs(e, k, ci, cf, uv, ue, x, ex, s, es, cs, ecs, s0, es0, w, ew):  # pragma: no cover - numba
    """Cap side k's move so the outcome does not pass the partner's position; False if too close to call."""
    o = 1 - k
    a = ci[e, A0 + k]
    b = ci[e, A0 + o]
    si = ci[e, S0 + k]
    ti = ci[e, S0 + o]
    n0, en0 = _adj(e, k, cf[e, POS + k], cf[e, EPOS + k], ci, cf, uv, ue, x, ex, cs, ecs, s0, es0, w, ew)
    n1, en1 = _adj(e, k, cf[e, Y + k], cf[e, EY + k], ci, cf, uv, ue, x, ex, cs, ecs, s0, es0, w, ew)
    xt = x[b, si]
    ext = ex[b, si]
    d0, ed0 = _sub(xt, ext, n0, en0)
    d1, ed1 = _sub(xt, ext, n1, en1)
    if (d0 == 0.0 and ed0 == 0.0) or (d1 == 0.0 and ed1 == 0.0):
        return True  # an exact zero distance satisfies the package's "both >= 0 or both <= 0"
    g0 = _sign(d0, ed0)
    g1 = _sign(d1, ed1)
    if g0 == 0 or g1 == 0:
        return False
    if g0 == g1:
        return True
    # the move that puts the outcome exactly on the partner's position
    tot, etot = _add(s0[si], es0[si], cf[e, UPDD + k], cf[e, EUPDD + k])
    if math.isnan(uv[e, k, a]):
        dv, edv = _sub(cf[e, POS + k], cf[e, EPOS + k], x[a, si], ex[a, si])
        t, et = _mul(cs[a, si], ecs[a, si], dv, edv)
        tot, etot = _add(tot, etot, t, et)
    tw, etw = _mul(xt, ext, w[si], ew[si])
    num, enum = _sub(tw, etw, tot, etot)
    delta, edelta = _div(num, enum, cs[a, si], ecs[a, si])
    delta = abs(delta)
    t, et = _mul(delta, edelta, cs[a, si], ecs[a, si])
    r_s, er_s = _div(t, et, w[si], ew[si])
    nu, enu = _add(s[a, si], es[a, si], s[b, si], es[b, si])
    de, ede = _add(s[a, ti], es[a, ti], s[b, ti], es[b, ti])
    rat, erat = _div(nu, enu, de, ede)
    r_t, er_t = _mul(rat, erat, r_s, er_s)
    t, et = _mul(r_t, er_t, w[ti], ew[ti])
    m_o, em_o = _div(t, et, cs[b, ti], ecs[b, ti])
    m_o = abs(m_o)
    m_a = delta
    c1 = _gt(cf[e, POS + o], cf[e, EPOS + o], x[a, ti], ex[a, ti])
    c2 = _gt(cf[e, POS + k], cf[e, EPOS + k], xt, ext)
    if c1 < 0 or c2 < 0:
        return False
    if c1 == 1:
        m_o = -m_o
    if c2 == 1:
        m_a = -m_a
    ci[e, CAP] |= 1 << k
    cf[e, MV + o] = m_o
    cf[e, EMV + o] = em_o
    cf[e, MV + k] = m_a
    cf[e, EMV + k] = edelta
    cf[e, Y + o], cf[e, EY + o] = _add(cf[e, POS + o], cf[e, EPOS + o], m_o, em_o)
    cf[e, Y + k], cf[e, EY + k] = _add(cf[e, POS + k], cf[e, EPOS + k], m_a, edelta)
    g1_, eg1 = _mul(r_t, er_t, s[b, ti], es[b, ti])
    g2_, eg2 = _mul(r_s, er_s, s[b, si], es[b, si])
    g, eg = _sub(g1_, eg1, g2_, eg2)
    cf[e, GAIN] = abs(g)
    cf[e, EGAIN] = eg
    return True


@_jit
def _calculate(e, ci, cf, uv, ue, x, ex, s, es, cs, ecs, s0, es0, w, ew):  # pragma: no cover - numba
    """Equal-gain moves of exchange e; sets VALID, or PEND when a decision is too close to call."""
    ci[e, EXACT] = 0
    ci[e, PEND] = 0
    ci[e, CAP] = 0
    ai = ci[e, A0]
    aj = ci[e, A1]
    q = ci[e, S0]
    p = ci[e, S1]
    pos_i, epos_i = cf[e, POS], cf[e, EPOS]
    pos_j, epos_j = cf[e, POS + 1], cf[e, EPOS + 1]
    dj, edj = _sub(x[ai, p], ex[ai, p], pos_j, epos_j)
    dj = abs(dj)
    di, edi = _sub(x[aj, q], ex[aj, q], pos_i, epos_i)
    di = abs(di)
    t, et = _mul(dj, edj, cs[aj, p], ecs[aj, p])
    dp, edp = _div(t, et, w[p], ew[p])
    nu, enu = _add(s[aj, p], es[aj, p], s[ai, p], es[ai, p])
    de, ede = _add(s[aj, q], es[aj, q], s[ai, q], es[ai, q])
    rat, erat = _div(nu, enu, de, ede)
    dq, edq = _mul(rat, erat, dp, edp)
    t, et = _mul(dq, edq, w[q], ew[q])
    m_i, em_i = _div(t, et, cs[ai, q], ecs[ai, q])
    m_j, em_j = dj, edj
    over = _gt(abs(m_i), em_i, di, edi)
    sg_i = _gt(pos_i, epos_i, x[aj, q], ex[aj, q])
    sg_j = _gt(pos_j, epos_j, x[ai, p], ex[ai, p])
    unsure = over < 0
    ci[e, OVER] = over
    if over == 1:
        t, et = _mul(di, edi, cs[ai, q], ecs[ai, q])
        dq, edq = _div(t, et, w[q], ew[q])
        nu, enu = _add(s[ai, q], es[ai, q], s[aj, q], es[aj, q])
        de, ede = _add(s[ai, p], es[ai, p], s[aj, p], es[aj, p])
        rat, erat = _div(nu, enu, de, ede)
        dp, edp = _mul(rat, erat, dq, edq)
        m_i, em_i = di, edi
        t, et = _mul(dp, edp, w[p], ew[p])
        m_j, em_j = _div(t, et, cs[aj, p], ecs[aj, p])
    if sg_i == 1:
        m_i = -m_i
    if sg_j == 1:
        m_j = -m_j
    k0 = e - e
    _push(e, k0, m_i, em_i, ci, cf)
    _push(e, k0 + 1, m_j, em_j, ci, cf)
    if unsure:
        ci[e, PEND] = 1
        return
    g1, eg1 = _mul(dq, edq, s[ai, q], es[ai, q])
    g2, eg2 = _mul(dp, edp, s[ai, p], es[ai, p])
    g, eg = _sub(g1, eg1, g2, eg2)
    cf[e, GAIN] = abs(g)
    cf[e, EGAIN] = eg
    # a move of at most 1e-10 (or over 100), or a gain below 1e-10, fails whatever the signs and history
    if (_gt(abs(m_i), em_i, TINY, 0.0) == 0 or _gt(abs(m_j), em_j, TINY, 0.0) == 0
            or _gt(abs(m_i), em_i, 100.0, 0.0) == 1 or _gt(abs(m_j), em_j, 100.0, 0.0) == 1
            or _gt(TINY, 0.0, cf[e, GAIN], eg) == 1):
        ci[e, VALID] = 0
        return
    if sg_i < 0 or sg_j < 0:
        ci[e, PEND] = 2
        return
    full_i = over == 1
    full_j = over == 0
    if full_i:
        cf[e, Y], cf[e, EY] = x[aj, q], _full_err(x[aj, q], ex[aj, q])
    else:
        cf[e, Y], cf[e, EY] = _add(pos_i, epos_i, m_i, em_i)
    if full_j:
        cf[e, Y + 1], cf[e, EY + 1] = x[ai, p], _full_err(x[ai, p], ex[ai, p])
    else:
        cf[e, Y + 1], cf[e, EY + 1] = _add(pos_j, epos_j, m_j, em_j)
    ok0 = _move_ok(e, k0, m_i, em_i, cf, full_i, x[aj, q], ex[aj, q])
    ok1 = _move_ok(e, k0 + 1, m_j, em_j, cf, full_j, x[ai, p], ex[ai, p])
    small = _gt(TINY, 0.0, cf[e, GAIN], eg)
    if ok0 == 0 or ok1 == 0 or small == 1:
        ci[e, VALID] = 0
        return
    if ok0 < 0 or ok1 < 0 or small < 0:
        ci[e, PEND] = 30 - min(ok0, ok1) if small >= 0 else 3
        return
    if not _check_nbs(e, k0, ci, cf, uv, ue, x, ex, s, es, cs, ecs, s0, es0, w, ew):
        ci[e, PEND] = 4
        return
    if not _check_nbs(e, k0 + 1, ci, cf, uv, ue, x, ex, s, es, cs, ecs, s0, es0, w, ew):
        ci[e, PEND] = 4
        return
    full_i = full_i and ci[e, CAP] == 0
    full_j = full_j and ci[e, CAP] == 0
    ok0 = _move_ok(e, k0, cf[e, MV], cf[e, EMV], cf, full_i, x[aj, q], ex[aj, q])
    ok1 = _move_ok(e, k0 + 1, cf[e, MV + 1], cf[e, EMV + 1], cf, full_j, x[ai, p], ex[ai, p])
    if ok0 == 0 or ok1 == 0:
        ci[e, VALID] = 0
    elif ok0 < 0 or ok1 < 0:
        ci[e, PEND] = 5
    else:
        ci[e, VALID] = 1


@_jit
def weights(s, c, present):  # pragma: no cover - numba
    """Per-sample constants: s with its representation error, c·s and Σ c·s per issue, with errors."""
    n_a, n_d = s.shape
    es = np.zeros((n_a, n_d))
    cs = np.zeros((n_a, n_d))
    ecs = np.zeros((n_a, n_d))
    w = np.zeros(n_d)
    ew = np.zeros(n_d)
    for d in range(n_d):
        for a in range(n_a):
            if present[a, d]:
                es[a, d] = U * abs(s[a, d])
                cs[a, d], ecs[a, d] = _mul(c[a, d], U * abs(c[a, d]), s[a, d], es[a, d])
                w[d], ew[d] = _add(w[d], ew[d], cs[a, d], ecs[a, d])
    return es, cs, ecs, w, ew


@_jit
def _ask(need, gs, kind, a, b):  # pragma: no cover - numba
    k = gs[G_NNEED]
    if k < need.shape[0]:
        need[k, 0] = kind
        need[k, 1] = a
        need[k, 2] = b
    gs[G_NNEED] = k + 1


@_jit
def round_begin(x, ex, s, es, cs, ecs, w, ew, present, left_in, order, need, gs):  # pragma: no cover - numba
    """Outcomes, sides and candidates of a round. Returns (s0, es0, left, ci, cf, uv, ue, us); ``gs[G_NNEED] > 0``
    means questions (sides too close to call: Q_LEFT; salience ratios: Q_ORDER) came first."""
    n_a, n_d = x.shape
    s0 = np.zeros(n_d)
    es0 = np.zeros(n_d)
    for d in range(n_d):
        for a in range(n_a):
            if present[a, d]:
                t, et = _mul(cs[a, d], ecs[a, d], x[a, d], ex[a, d])
                s0[d], es0[d] = _add(s0[d], es0[d], t, et)
    gs[:] = 0
    left = np.zeros((n_a, n_d), dtype=np.int64)
    for d in range(n_d):
        if w[d] == 0.0:
            nbs, enbs = 0.0, 0.0
        else:
            nbs, enbs = _div(s0[d], es0[d], w[d], ew[d])
        for a in range(n_a):
            if present[a, d]:
                g = _gt(x[a, d], ex[a, d], nbs, enbs)
                if g == 0:
                    left[a, d] = 1
                elif g < 0:
                    if left_in[a, d] < 0:
                        _ask(need, gs, Q_LEFT, a, d)
                    left[a, d] = left_in[a, d]
    grp = np.full(n_a, -1, dtype=np.int64)
    n = 0
    for p in range(n_d):
        for q in range(p + 1, n_d):
            cnt = np.zeros(4, dtype=np.int64)
            for a in range(n_a):
                if present[a, p] and present[a, q]:
                    cnt[left[a, p] | (left[a, q] * 2)] += 1
            n += cnt[0] * cnt[3] + cnt[1] * cnt[2]
    ci = np.zeros((n, NI), dtype=np.int64)
    cf = np.zeros((n, NF))
    uv = np.full((n, 2, n_a), np.nan)
    ue = np.zeros((n, 2, n_a))
    us = np.full((n, 2, n_a), -2, dtype=np.int64)
    ne = n - n
    for p in range(n_d):
        for q in range(p + 1, n_d):
            for a in range(n_a):
                grp[a] = left[a, p] | (left[a, q] * 2) if (present[a, p] and present[a, q]) else -1
            for kd in range(2):
                g1 = 0 if kd == 0 else 1
                g2 = 3 if kd == 0 else 2
                for i in range(n_a):
                    if grp[i] != g1:
                        continue
                    for j in range(n_a):
                        if grp[j] != g2:
                            continue
                        # the actor with the higher s_p/s_q demands p and supplies q (side 0); the package
                        # compares 28-digit quotients, which keep the order of cross products that are
                        # certainly apart, and the Python side settles the rest
                        ri, eri = _mul(s[i, p], es[i, p], s[j, q], es[j, q])
                        rj, erj = _mul(s[j, p], es[j, p], s[i, q], es[i, q])
                        lt = _gt(rj, erj, ri, eri)
                        if lt < 0:
                            o = order[i, j, p, q]
                            if o == 0:
                                _ask(need, gs, Q_ORDER, i * n_a + j, p * n_d + q)
                            lt = 1 if o == 1 else 0
                        if lt == 1:
                            ci[ne, A0] = j
                            ci[ne, A1] = i
                        else:
                            ci[ne, A0] = i
                            ci[ne, A1] = j
                        ci[ne, S0] = q
                        ci[ne, S1] = p
                        ci[ne, KIND] = kd
                        ci[ne, PS0] = -1
                        ci[ne, PS1] = -1
                        ci[ne, TB] = ne
                        for k in range(2):
                            cf[ne, POS + k] = x[ci[ne, A0 + k], ci[ne, S0 + k]]
                            cf[ne, EPOS + k] = ex[ci[ne, A0 + k], ci[ne, S0 + k]]
                            cf[ne, HMIN + k] = np.inf
                            cf[ne, HMAX + k] = -np.inf
                        ne += 1
    if gs[G_NNEED] > 0:
        return s0, es0, left, ci, cf, uv, ue, us
    for e in range(n):
        ok = True
        for k in range(2):
            if cs[ci[e, A0 + k], ci[e, S0 + k]] <= 0.0 or cs[ci[e, A0 + k], ci[e, S0 + 1 - k]] <= 0.0:
                ok = False
        if ok:
            _calculate(e, ci, cf, uv, ue, x, ex, s, es, cs, ecs, s0, es0, w, ew)
            ci[e, ACTIVE] = 1 if (ci[e, VALID] or ci[e, PEND]) else 0
    gs[G_N] = n
    gs[G_HI] = n
    gs[G_PHASE] = PH_SELECT
    return s0, es0, left, ci, cf, uv, ue, us


@_jit
def _ranks_before(e1, e2, ci, cf, g1, eg1, lo1, x1, g2, eg2, lo2, x2):  # pragma: no cover - numba
    """Does e1 come before e2 in the package's list (gain desc, then list order)? 1/0, -1 too close."""
    if x1 and x2:
        if g1 != g2:
            return 1 if g1 > g2 else 0
        if lo1 != lo2:
            return 1 if lo1 > lo2 else 0
        return 1 if ci[e1, TB] < ci[e2, TB] else 0
    c = _gt(g1, eg1, g2, eg2)
    if c == 1:
        return 1
    c2 = _gt(g2, eg2, g1, eg1)
    if c2 == 1:
        return 0
    return -1


@_jit
def _set_update(e, slot, a, val, eval_, src, ci, cf, uv, ue, us, x, ex, cs, ecs):  # pragma: no cover - numba
    d = ci[e, S0 + slot]
    cur = uv[e, slot, a]
    ecur = ue[e, slot, a]
    if math.isnan(cur):
        cur = x[a, d]
        ecur = ex[a, d]
    dv, edv = _sub(val, eval_, cur, ecur)
    t, et = _mul(cs[a, d], ecs[a, d], dv, edv)
    cf[e, UPDD + slot], cf[e, EUPDD + slot] = _add(cf[e, UPDD + slot], cf[e, EUPDD + slot], t, et)
    uv[e, slot, a] = val
    ue[e, slot, a] = eval_
    us[e, slot, a] = src


@_jit
def _recalc(e, r, rnum, ci, cf, uv, ue, us, dfr, x, ex, s, es, cs, ecs, s0, es0, w, ew):  # pragma: no cover
    """Bring e up to date after realised exchange r (record rnum); True when it was recalculated."""
    matched = e - e - 1
    for k in range(2):
        for kr in range(2):
            if ci[e, A0 + k] == ci[r, A0 + kr] and ci[e, S0 + k] == ci[r, S0 + kr]:
                cf[e, POS + k] = cf[r, Y + kr]
                cf[e, EPOS + k] = cf[r, EY + kr]
                ci[e, PS0 + k] = 2 * rnum + kr
                matched = k
                break
    re = False
    if matched >= 0:
        ci[e, HAS0 + 1 - matched] = 0
        re = True
    for kr in (1, 0):
        dem_actor = ci[r, A0 + kr]
        dem_issue = ci[r, S0 + 1 - kr]
        if ((dem_actor == ci[e, A1] and dem_issue == ci[e, S0])
                or (dem_actor == ci[e, A0] and dem_issue == ci[e, S1])):
            slot = 0 if dem_issue == ci[e, S0] else 1
            sa = ci[r, A0 + 1 - kr]
            ys = cf[r, Y + 1 - kr]
            eys = cf[r, EY + 1 - kr]
            src = 2 * rnum + 1 - kr
            cur = uv[e, slot, sa]
            ecur = ue[e, slot, sa]
            if math.isnan(cur):
                _set_update(e, slot, sa, ys, eys, src, ci, cf, uv, ue, us, x, ex, cs, ecs)
            else:
                up = _gt(cur, ecur, x[sa, dem_issue], ex[sa, dem_issue])  # the package: start <= cur
                c = _gt(ys, eys, cur, ecur)
                if up < 0 or c < 0:  # settled in decimal before e is used again
                    nd = ci[e, NDEF]
                    dfr[e, nd, 0] = slot
                    dfr[e, nd, 1] = sa
                    dfr[e, nd, 2] = us[e, slot, sa]
                    dfr[e, nd, 3] = src
                    ci[e, NDEF] = nd + 1
                    ci[e, PEND] = 1
                elif (c == 0) if up == 1 else (c == 1):  # start <= cur keeps the lower, else the higher
                    _set_update(e, slot, sa, ys, eys, src, ci, cf, uv, ue, us, x, ex, cs, ecs)
            if not re:
                ci[e, HAS0] = 0
                ci[e, HAS1] = 0
                re = True
    if re:
        pend = ci[e, PEND]
        ci[e, VALID] = 0
        _calculate(e, ci, cf, uv, ue, x, ex, s, es, cs, ecs, s0, es0, w, ew)
        if pend:
            ci[e, PEND] = 6
    return re


@_jit
def _record(r, rnum, ci, cf, uv, ue, x, ex, s, cs, ecs, s0, es0, w, ew, left, present, frec, irec, ext, inner,
            rprov, rus, us, sample, rnd):  # pragma: no cover - numba
    """Write realised exchange r as record ``rnum`` (report fields and its provenance)."""
    n_a = x.shape[0]
    o0 = np.zeros(2)
    o1 = np.zeros(2)
    for k in range(2):
        o0[k] = _adj(r, k, cf[r, POS + k], 0.0, ci, cf, uv, ue, x, ex, cs, ecs, s0, es0, w, ew)[0]
        o1[k] = _adj(r, k, cf[r, Y + k], 0.0, ci, cf, uv, ue, x, ex, cs, ecs, s0, es0, w, ew)[0]
    irec[rnum, 0] = sample
    irec[rnum, 1] = rnd
    irec[rnum, 2] = ci[r, A0]
    irec[rnum, 3] = ci[r, S0]
    irec[rnum, 4] = ci[r, A1]
    irec[rnum, 5] = ci[r, S1]
    irec[rnum, 6] = ci[r, KIND]
    frec[rnum, 0] = cf[r, POS]
    frec[rnum, 1] = cf[r, Y]
    frec[rnum, 2] = cf[r, POS + 1]
    frec[rnum, 3] = cf[r, Y + 1]
    frec[rnum, 4] = cf[r, GAIN] + cf[r, GLO]
    frec[rnum, 5] = o0[0]
    frec[rnum, 6] = o1[0]
    frec[rnum, 7] = o0[1]
    frec[rnum, 8] = o1[1]
    a0 = ci[r, A0]
    a1 = ci[r, A1]
    q = ci[r, S0]
    p = ci[r, S1]
    frec[rnum, 9] = x[a0, p]
    frec[rnum, 10] = x[a1, q]
    frec[rnum, 11] = s[a0, p] * abs(o1[1] - o0[1]) - s[a0, q] * abs(o1[0] - o0[0])
    frec[rnum, 12] = s[a1, q] * abs(o1[0] - o0[0]) - s[a1, p] * abs(o1[1] - o0[1])
    p_lo = min(p, q)
    q_hi = max(p, q)
    ig1 = 0 if ci[r, KIND] == 0 else 1
    ig2 = 3 if ci[r, KIND] == 0 else 2
    for a in range(n_a):
        if not (present[a, p] and present[a, q]):
            continue
        if a in (a0, a1):
            ext[rnum, a] = frec[rnum, 4]
            inner[rnum, a] = True
            continue
        ga = left[a, p_lo] | (left[a, q_hi] * 2)
        inner[rnum, a] = ga in (ig1, ig2)
        ext[rnum, a] = (s[a, q] * (abs(o0[0] - x[a, q]) - abs(o1[0] - x[a, q]))
                        + s[a, p] * (abs(o0[1] - x[a, p]) - abs(o1[1] - x[a, p])))
    rprov[rnum, 0] = r
    rprov[rnum, 1] = ci[r, PS0]
    rprov[rnum, 2] = ci[r, PS1]
    rprov[rnum, 3] = ci[r, CAP]
    rus[rnum] = us[r]


@_jit
def _sort_entrants(idx, n, ci, cf, need, gs):  # pragma: no cover - numba
    """Insertion sort of ``idx[:n]`` into old list order (old gain desc, old rank); False if too close."""
    ok = True
    for i in range(1, n):
        v = idx[i]
        j = i - 1
        while j >= 0:
            u_ = idx[j]
            b = _ranks_before(v, u_, ci, cf, cf[v, OG], cf[v, OEG], cf[v, OGLO], ci[v, OEXACT],
                              cf[u_, OG], cf[u_, OEG], cf[u_, OGLO], ci[u_, OEXACT])
            if b < 0:
                ok = False
                if not ci[v, OEXACT]:
                    _ask(need, gs, Q_OLD, v, 0)
                if not ci[u_, OEXACT]:
                    _ask(need, gs, Q_OLD, u_, 0)
                break
            if b == 0:
                break
            idx[j + 1] = u_
            j -= 1
        idx[j + 1] = v
    return ok


@_jit
def _same_gain(e, t, ci, us, tl):  # pragma: no cover - numba
    """Is the package's gain of e certainly the same number as before its recalculation?

    The uncapped gain is a function of one side's position (j's when i's full move would not overshoot,
    OVER 0, else i's); a capped gain of the last capped side's position and the outcome updates on its
    supply issue. With those from the same sources, the same branch and the same caps, the package
    performs the same decimal operations on the same decimal numbers."""
    if ci[e, PEND] or ci[e, CAP] != ci[e, OCAP] or ci[e, OVER] < 0 or ci[e, OVER] != ci[e, OOVER]:
        return False
    cap = ci[e, CAP]
    if cap == 0:
        k = 0 if ci[e, OVER] == 1 else 1
        return ci[e, PS0 + k] == tl[t, 1 + k]
    k = 0 if cap == 1 else 1
    if ci[e, PS0 + k] != tl[t, 1 + k]:
        return False
    n_a = us.shape[2]
    for a in range(n_a):  # noqa: SIM110 - numba compiles loops, not generators
        if us[e, k, a] != tl[t, 3 + k * n_a + a]:
            return False
    return True


@_jit
def advance(ci, cf, uv, ue, us, dfr, x, ex, s, es, cs, ecs, s0, es0, w, ew, left, present,
            frec, irec, ext, inner, rprov, rus, tl, front, back, need, gs, sample, rnd):  # pragma: no cover
    """Run the round's exchanges until it ends (returns 0) or a question is too close to call (1: the
    questions are in ``need[:gs[G_NNEED]]``; settle them and call again)."""
    n = gs[G_N]
    while True:
        gs[G_NNEED] = 0
        if gs[G_PHASE] == PH_END:
            return 0
        if gs[G_PHASE] == PH_SELECT:
            for e in range(n):
                if ci[e, ACTIVE] and ci[e, PEND]:
                    _ask(need, gs, Q_CALC, e, 10 + ci[e, PEND])
            if gs[G_NNEED] > 0:
                return 1
            best = n - n - 1
            for e in range(n):
                if not ci[e, ACTIVE]:
                    continue
                if best < 0:
                    best = e
                    continue
                b = _ranks_before(e, best, ci, cf, cf[e, GAIN], cf[e, EGAIN], cf[e, GLO], ci[e, EXACT],
                                  cf[best, GAIN], cf[best, EGAIN], cf[best, GLO], ci[best, EXACT])
                if b == 1:
                    best = e
                elif b < 0:
                    if not ci[e, EXACT]:
                        _ask(need, gs, Q_CALC, e, 1)
                    if not ci[best, EXACT]:
                        _ask(need, gs, Q_CALC, best, 1)
            if gs[G_NNEED] > 0:
                return 1
            if best < 0:
                gs[G_PHASE] = PH_END
                return 0
            r = best
            ci[r, ACTIVE] = 0
            rnum = gs[G_NREC]
            _record(r, rnum, ci, cf, uv, ue, x, ex, s, cs, ecs, s0, es0, w, ew, left, present, frec, irec, ext,
                    inner, rprov, rus, us, sample, rnd)
            gs[G_NREC] = rnum + 1
            nt = 0
            ri0 = ci[r, A0]
            ri1 = ci[r, A1]
            for e in range(n):
                ci[e, TOUCHED] = 0
                if not ci[e, ACTIVE]:
                    continue
                touch = False
                for k in range(2):
                    ak = ci[e, A0 + k]
                    if ak == ri0:
                        if ci[e, S0 + k] == ci[r, S0] or ci[e, S0 + 1 - k] == ci[r, S1]:
                            touch = True
                    elif ak == ri1 and (ci[e, S0 + k] == ci[r, S1] or ci[e, S0 + 1 - k] == ci[r, S0]):
                        touch = True
                if not touch:
                    continue
                cf[e, OG] = cf[e, GAIN]
                cf[e, OEG] = cf[e, EGAIN]
                cf[e, OGLO] = cf[e, GLO]
                ci[e, OEXACT] = ci[e, EXACT]
                ci[e, OCAP] = ci[e, CAP]
                ci[e, OOVER] = ci[e, OVER]
                tl[nt, 0] = e
                tl[nt, 1] = ci[e, PS0]
                tl[nt, 2] = ci[e, PS1]
                tl[nt, 3:] = us[e].ravel()
                if _recalc(e, r, rnum, ci, cf, uv, ue, us, dfr, x, ex, s, es, cs, ecs, s0, es0, w, ew):
                    ci[e, TOUCHED] = nt + 1
                    cf[e, GLO] = 0.0
                    nt += 1
                    if not ci[e, VALID] and not ci[e, PEND]:
                        ci[e, ACTIVE] = 0
            gs[G_NT] = nt
            gs[G_PHASE] = PH_CLASSIFY
        # classify the recalculated exchanges: gain fell (front of its new equals), rose (back) or same
        nt = gs[G_NT]
        for t in range(nt):
            e = tl[t, 0]
            if ci[e, ACTIVE] and ci[e, PEND]:
                _ask(need, gs, Q_CALC, e, 20 + ci[e, PEND])
        if gs[G_NNEED] > 0:
            return 1
        nf = 0
        nb = 0
        for t in range(nt):
            e = tl[t, 0]
            if not ci[e, ACTIVE]:
                continue
            if _same_gain(e, t, ci, us, tl):
                if ci[e, OEXACT] and not ci[e, EXACT]:
                    cf[e, GAIN] = cf[e, OG]
                    cf[e, GLO] = cf[e, OGLO]
                    cf[e, EGAIN] = cf[e, OEG]
                    ci[e, EXACT] = 1
                continue
            up = _ranks_before(e, e, ci, cf, cf[e, GAIN], cf[e, EGAIN], cf[e, GLO], ci[e, EXACT],
                               cf[e, OG], cf[e, OEG], cf[e, OGLO], ci[e, OEXACT])
            if ci[e, EXACT] and ci[e, OEXACT]:
                same = cf[e, GAIN] == cf[e, OG] and cf[e, GLO] == cf[e, OGLO]
                up = 1 if (not same and (cf[e, GAIN] > cf[e, OG] or (cf[e, GAIN] == cf[e, OG]
                                                                      and cf[e, GLO] > cf[e, OGLO]))) else 0
                if same:
                    continue
            if up < 0:
                if not ci[e, EXACT]:
                    _ask(need, gs, Q_CALC, e, 3 + 100 * ci[e, CAP] + 1000 * ci[e, OCAP])
                if not ci[e, OEXACT]:
                    _ask(need, gs, Q_OLD, e, t)
                continue
            if up == 1:
                back[nb] = e
                nb += 1
            else:
                front[nf] = e
                nf += 1
        if gs[G_NNEED] > 0:
            return 1
        if not _sort_entrants(front, nf, ci, cf, need, gs):
            return 1
        if not _sort_entrants(back, nb, ci, cf, need, gs):
            return 1
        for i in range(nf):
            ci[front[i], TB] = gs[G_LO] - nf + i
        gs[G_LO] -= nf
        for i in range(nb):
            ci[back[i], TB] = gs[G_HI] + i
        gs[G_HI] += nb
        gs[G_PHASE] = PH_SELECT


@_jit
def round_end(x, ex, s, es, ci, cf, rprov, nrec):  # pragma: no cover - numba
    """Voting positions and next-round preferences x' = (1 − w) x + w y, w = 0.4 (1 − s) + 0.1, with errors."""
    vote = x.copy()
    pref = x.copy()
    epref = ex.copy()
    for i in range(nrec):
        r = rprov[i, 0]
        for k in range(2):
            a = ci[r, A0 + k]
            d = ci[r, S0 + k]
            y, ey = cf[r, Y + k], cf[r, EY + k]
            vote[a, d] = y
            om, eom = _sub(1.0, 0.0, s[a, d], es[a, d])
            wsal, ewsal = _mul(om, eom, 0.4, 0.0)
            t1, et1 = _mul(wsal, ewsal, y, ey)
            t2, et2 = _mul(0.1, 0.0, y, ey)
            c3, ec3 = _sub(1.0, 0.0, wsal, ewsal)
            c3, ec3 = _sub(c3, ec3, 0.1, 0.0)
            t3, et3 = _mul(c3, ec3, x[a, d], ex[a, d])
            v, ev = _add(t1, et1, t2, et2)
            pref[a, d], epref[a, d] = _add(v, ev, t3, et3)
    return vote, pref, epref
