"""Fused numba kernels for the per-turn work of KTAB's SMP, batched over the leading sample axis ``B``.

Each kernel computes exactly what a group of :mod:`allied.models.smp._numpy` array expressions computes, with
the same floating-point operations in the same order, so results are bit-for-bit those of the numpy reference
(``tests/models/test_smp_fused.py`` checks equality, not closeness). Where numpy sums along the last,
contiguous axis it uses pairwise summation (eight accumulators from eight terms on); :func:`_pwsum` repeats
that order. Sums along other axes are plain left-to-right folds. What stays in numpy between kernels are the
logarithms and exponentials of the Condorcet election (numpy's vectorised ``exp``/``log`` round differently
from the C library's in a few per cent of cases) and cheap ``[B, N]`` bookkeeping.

The kernels replace the numpy temporaries of the O(N³) steps (challenges with third parties, coalitions over
bargains, utilities of bargains). They are compiled ahead of time by :mod:`allied.models.smp._aot` when a C
compiler is present, so a forecast needs no numba import; otherwise numba compiles them (cached on disk).
"""

from __future__ import annotations

import numpy as np

from allied._jit import njit
from allied.models.smp import params as K

jit = njit(depends=[K], nogil=True)

_MINC = K.MIN_COALITION
_MINCC = K.MIN_CHALLENGE_COALITION
_BIN_TOL = K.BIN_TOL
_PB = K.PROPBIN_MIX
_PC = K.PROPCBC_MIX
_POS_TOL = K.POS_TOL
_MIN_SIG_EDU = K.MIN_SIG_EDU
_MW = K.BARGAIN_MIN_W
_ROUND = K.BARGAIN_ROUND
_THR = K.BINARY_VP_THRESHOLD
_VP_MIN = K.BINARY_VP_MIN

@jit
def _pwsum(a: np.ndarray, n: int) -> float:
    """``a[:n].sum()`` in numpy's order for a contiguous axis of ``n <= 128``: a fold below 8 terms, else
    eight interleaved accumulators combined as ((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7)), then the remainder."""
    if n < 8:
        res = 0.0
        for i in range(n):
            res += a[i]
        return res
    r0, r1, r2, r3, r4, r5, r6, r7 = a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]
    i = 8
    top = n - (n % 8)
    while i < top:
        r0 += a[i]
        r1 += a[i + 1]
        r2 += a[i + 2]
        r3 += a[i + 3]
        r4 += a[i + 4]
        r5 += a[i + 5]
        r6 += a[i + 6]
        r7 += a[i + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res += a[i]
        i += 1
    return res


@jit
def _bs(d: float, r: float) -> float:
    """KTAB's utility of a point at distance ``d`` to an actor with risk attitude ``r`` (``bs_util``; shared
    with :mod:`allied.models.smp._numba`)."""
    if d <= 1.0:
        return (1.0 - d) * (1.0 + d * r)
    return (1.0 - d) * (1.0 + r)


@jit
def _vote(vr: int, w: float, u1: float, u2: float) -> float:
    """The vote of weight ``w`` for ``u1`` over ``u2`` under voting rule ``vr`` (``VotingRule`` codes;
    shared with :mod:`allied.models.smp._numba`)."""
    du = u1 - u2
    if vr == 2:
        return w * du
    if vr == 4:
        return w * (du * du * du)
    if vr == 3:
        return w * ((1 - _PC) * du + _PC * (du * du * du))
    if vr == 5:
        if du < 0.0:
            return w * du
        if du > 0.0:
            return (2.0 * w * du) / 3.0
        return 0.0
    rb = du / _BIN_TOL
    if rb > 1.0:
        rb = 1.0
    if rb < -1.0:
        rb = -1.0
    if vr == 0:
        return w * rb
    return w * ((1 - _PB) * du + _PB * rb)


@jit
def _join_values(tpc: int, uni: float, unj: float) -> tuple[float, float, float, float]:
    """A third party's value of the state after a challenge (``SMPState::probEduChlg``, ``ThirdPartyCommit``
    code ``tpc``; ``uni``, ``unj``: its utilities of i's and j's positions): joining i if i wins, joining i if
    j wins, joining j if i wins, joining j if j wins. Shared with :mod:`allied.models.smp._numba`."""
    if tpc == 2:
        a = uni + uni + uni
        bb = unj + unj + unj
        return a, bb, a, bb
    if tpc == 1:
        return uni + uni + 1.0, unj + unj + unj, uni + uni + uni, unj + unj + 1.0
    a = uni + uni + 1.0
    bb = unj + unj + 1.0
    return a, bb, a, bb


@jit
def _sq_norms(s: np.ndarray) -> np.ndarray:
    """``(s * s).sum(-1)`` for ``s[B, N, D]``."""
    nb, n, d = s.shape
    out = np.empty((nb, n))
    buf = np.empty(d)
    for b in range(nb):
        for i in range(n):
            for k in range(d):
                buf[k] = s[b, i, k] * s[b, i, k]
            out[b, i] = _pwsum(buf, d)
    return out


@jit
def _point_distances(x: np.ndarray, s: np.ndarray, y: np.ndarray) -> np.ndarray:
    """:func:`allied.models.smp._numpy.point_distances`: actor a's salience-weighted distance to ``y[b, o]``."""
    nb, n, d = x.shape
    no = y.shape[1]
    den = _sq_norms(s)
    out = np.empty((nb, n, no))
    buf = np.empty(d)
    for b in range(nb):
        for a in range(n):
            for o in range(no):
                for k in range(d):
                    ds = (x[b, a, k] - y[b, o, k]) * s[b, a, k]
                    buf[k] = ds * ds
                out[b, a, o] = np.sqrt(_pwsum(buf, d) / den[b, a])
    return out


@jit
def distances(x: np.ndarray, s: np.ndarray) -> np.ndarray:
    """:func:`allied.models.smp._numpy.distances` (``vd[B, N, N]``)."""
    return _point_distances(x, s, x)


@jit
def point_utils(x: np.ndarray, s: np.ndarray, y: np.ndarray, r: np.ndarray) -> np.ndarray:
    """``bs_util(point_distances(x, s, y), r[:, :, None])``: utility to actor a of point ``y[b, o]``."""
    out = _point_distances(x, s, y)
    nb, n, no = out.shape
    for b in range(nb):
        for a in range(n):
            for o in range(no):
                out[b, a, o] = _bs(out[b, a, o], r[b, a])
    return out


@jit
def own_utils(vd: np.ndarray, rest: np.ndarray) -> np.ndarray:
    """``bs_util(vd, diag(rest)[:, :, None])``: each actor's utility of every actor's position."""
    nb, n, _ = vd.shape
    out = np.empty((nb, n, n))
    for b in range(nb):
        for a in range(n):
            ra = rest[b, a, a]
            for j in range(n):
                out[b, a, j] = _bs(vd[b, a, j], ra)
    return out


@jit
def coalitions(u: np.ndarray, w: np.ndarray, vr: int) -> np.ndarray:
    """:func:`allied.models.smp._numpy.coalitions`: ``C[B, O, O]`` from ``u[B, A, O]`` and ``w[B, A]``.

    numpy's fancy index ``u[:, :, pairs]`` lays the votes out with the actor axis innermost, so it sums each
    pair's votes over the actors pairwise (:func:`_pwsum`)."""
    nb, na, no = u.shape
    c = np.empty((nb, no, no))
    pos = np.empty(na)
    neg = np.empty(na)
    for b in range(nb):
        for i in range(no):
            c[b, i, i] = _MINC
            for j in range(i):
                for k in range(na):
                    v = _vote(vr, w[b, k], u[b, k, i], u[b, k, j])
                    pos[k] = v if v > 0.0 else 0.0
                    neg[k] = v if v < 0.0 else 0.0
                sp = _pwsum(pos, na)
                sn = _pwsum(neg, na)
                c[b, i, j] = _MINC + sp
                c[b, j, i] = _MINC + (-sn)
    return c


@jit
def challenge_own(vd: np.ndarray, rest: np.ndarray, stot: np.ndarray, cap: np.ndarray, vr: int, tpc: int,
                  both: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`allied.models.smp._numpy.challenge_own`: ``P^i[i > j]``, i's expected gain and (``both``)
    j's, each ``[B, N, N]`` (the diagonal is 0, as it is never used)."""
    nb, n = stot.shape
    p_out = np.zeros((nb, n, n))
    di_out = np.zeros((nb, n, n))
    dj_out = np.zeros((nb, n, n)) if both else np.zeros((1, 1, 1))
    pos = np.zeros(n)
    neg = np.zeros(n)
    w = np.empty(n)
    for b in range(nb):
        for m in range(n):
            w[m] = stot[b, m] * cap[b, m]
        for i in range(n):
            rii = rest[b, i, i]
            for j in range(n):
                if i == j:
                    continue
                uij = _bs(vd[b, i, j], rii)
                uji = _bs(vd[b, j, i], rest[b, i, j])
                ci = _vote(vr, w[i], 1.0, uij)
                cj = _vote(vr, w[j], uji, 1.0)
                chij = (_MINCC + (ci if ci > 0 else 0.0)) + (cj if cj > 0 else 0.0)
                chji = (_MINCC - (ci if ci < 0 else 0.0)) - (cj if cj < 0 else 0.0)
                for m in range(n):
                    if m == i or m == j:  # noqa: SIM109
                        pos[m] = 0.0
                        neg[m] = 0.0
                        continue
                    r = rest[b, i, m]
                    uni = _bs(vd[b, m, i], r)
                    unj = _bs(vd[b, m, j], r)
                    v0 = _vote(vr, w[m], uni, unj)
                    cni = chij + (v0 if v0 > 0.0 else 0.0)
                    cnj = chji - (v0 if v0 < 0.0 else 0.0)
                    pin = cni / (cni + cnj)
                    pjn = 1.0 - pin
                    a, bb, c, d = _join_values(tpc, uni, unj)
                    vn = _vote(vr, w[m], pin * a + pjn * bb, pin * c + pjn * d)
                    pos[m] = vn if vn > 0.0 else 0.0
                    neg[m] = vn if vn < 0.0 else 0.0
                chij = chij + _pwsum(pos, n)
                chji = chji - _pwsum(neg, n)
                pij = chij / (chij + chji)
                pji = chji / (chij + chji)
                sj = stot[b, j]
                lose = uij + uij
                di_out[b, i, j] = ((1 - sj) * 2.0 + sj * (pij * 2.0 + pji * lose)) - (1.0 + uij)
                p_out[b, i, j] = pij
                if both:
                    win_j = uji + uji
                    dj_out[b, i, j] = ((1 - sj) * win_j + sj * (pij * win_j + pji * 2.0)) - (uji + 1.0)
    return p_out, di_out, dj_out


@jit
def unique_positions(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions closer than ``POS_TOL`` (``equiv[B, N, N]``) and KTAB's first-appearance mask ``[B, N]``."""
    nb, n, d = x.shape
    equiv = np.empty((nb, n, n), dtype=np.bool_)
    uniq = np.empty((nb, n), dtype=np.bool_)
    buf = np.empty(d)
    for b in range(nb):
        for i in range(n):
            for j in range(n):
                for k in range(d):
                    g = x[b, i, k] - x[b, j, k]
                    buf[k] = g * g
                equiv[b, i, j] = np.sqrt(_pwsum(buf, d)) < _POS_TOL
        for i in range(n):
            first = True
            for j in range(i):
                if equiv[b, i, j] and uniq[b, j]:
                    first = False
                    break
            uniq[b, i] = first
    return equiv, uniq


@jit
def _round4(v: float) -> float:
    return np.trunc(0.5 + v * _ROUND) / _ROUND


@jit
def bargains(du: np.ndarray, p_ij: np.ndarray, x: np.ndarray, s: np.ndarray,
             ivb: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each actor's best target, whether the challenge is worth making, and the bargain positions for the
    initiator and the receiver (``bcn_step`` with ``BargnModel=InitOnlyInterp``: the target scan of
    ``argmax`` and :func:`allied.models.smp._numpy.interpolate` with ``P^i[i > j]``)."""
    nb, n, d = x.shape
    tgt = np.empty((nb, n), dtype=np.int64)
    has = np.empty((nb, n), dtype=np.bool_)
    pos_i = np.empty((nb, n, d))
    pos_r = np.empty((nb, n, d))
    for b in range(nb):
        for i in range(n):
            best = -np.inf
            jb = 0
            for j in range(n):  # numpy's argmax: the first maximum, or the first NaN
                v = -np.inf if j == i else du[b, i, j]
                if np.isnan(v):
                    best = v
                    jb = j
                    break
                if v > best:
                    best = v
                    jb = j
            tgt[b, i] = jb
            has[b, i] = best > _MIN_SIG_EDU
            pi = p_ij[b, i, jb]
            pj = 1 - pi
            for k in range(d):
                ti = x[b, i, k]
                tj = x[b, jb, k]
                si = s[b, i, k]
                sj = s[b, jb, k]
                if ivb == 2:
                    di = pj - pi if pj > pi else 0.0
                    dj = pi - pj if pi > pj else 0.0
                    si2 = si * si
                    sj2 = sj * sj
                    dik = (di * sj2) / ((di * sj2) + _MW + ((1 - di) * si2))
                    djk = (dj * si2) / ((dj * si2) + _MW + ((1 - dj) * sj2))
                    pos_i[b, i, k] = ti + dik * (tj - ti)
                    pos_r[b, i, k] = tj + djk * (ti - tj)
                else:
                    if ivb == 0:
                        wik = si * pi
                        wjk = sj * pj
                    else:
                        wik = (si * si) * (pi * pi)
                        wjk = (sj * sj) * (pj * pj)
                    pos_i[b, i, k] = _round4(((wik + _MW) * ti + wjk * tj) / (wik + _MW + wjk))
                    pos_r[b, i, k] = _round4((wik * ti + (_MW + wjk) * tj) / (wik + _MW + wjk))
    return tgt, has, pos_i, pos_r


@jit
def option_utils(x: np.ndarray, s: np.ndarray, pos_i: np.ndarray, pos_r: np.ndarray, r: np.ndarray,
                 own: np.ndarray, tgt: np.ndarray, has: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every actor's utility of the status quo and of the state after each bargain ``u_opt[B, N, 1 + N]``,
    and each actor's queue (status quo, its own bargain, the bargains proposed to it) ``[B, N, 1 + N]``
    (``bcn_step`` with one bargain per initiator)."""
    nb, n, _ = x.shape
    u_i = point_utils(x, s, pos_i, r)
    u_r = point_utils(x, s, pos_r, r)
    u_opt = np.empty((nb, n, n + 1))
    queue = np.empty((nb, n, n + 1), dtype=np.bool_)
    for b in range(nb):
        for a in range(n):
            rowsum = _pwsum(own[b, a], n)
            u_sq = rowsum / n
            u_opt[b, a, 0] = u_sq
            queue[b, a, 0] = True
            for k in range(n):
                if has[b, k]:
                    rest_sq = (rowsum - own[b, a, k]) - own[b, a, tgt[b, k]]
                    u_opt[b, a, k + 1] = (u_i[b, a, k] + u_r[b, a, k] + rest_sq) / n
                else:
                    u_opt[b, a, k + 1] = u_sq
                queue[b, a, k + 1] = has[b, k] and (k == a or tgt[b, k] == a)
    return u_opt, queue


@jit
def choose(prob: np.ndarray, queue: np.ndarray, x: np.ndarray, pos_i: np.ndarray,
           pos_r: np.ndarray) -> np.ndarray:
    """Deterministic transitions: each actor takes the most probable option of its queue (the first of
    equals; option 0, the status quo, keeps its position) and moves to its side of that bargain."""
    nb, n, d = x.shape
    new = np.empty((nb, n, d))
    for b in range(nb):
        for k in range(n):
            best = -np.inf
            ob = 0
            for o in range(n + 1):  # numpy's argmax: the first maximum, or the first NaN
                v = prob[b, k, o] if queue[b, k, o] else -1.0
                if np.isnan(v):
                    ob = o
                    break
                if v > best:
                    best = v
                    ob = o
            for m in range(d):
                if ob == 0:
                    new[b, k, m] = x[b, k, m]
                elif ob - 1 == k:
                    new[b, k, m] = pos_i[b, ob - 1, m]
                else:
                    new[b, k, m] = pos_r[b, ob - 1, m]
    return new


@jit
def victory_probs(c: np.ndarray, vpm: int) -> np.ndarray:
    """:func:`allied.models.smp._numpy.victory_probs`: ``P[b, a, o]``, option a beats option o."""
    nb, no, _ = c.shape
    p = np.empty((nb, no, no))
    for b in range(nb):
        for a in range(no):
            for o in range(no):
                if a == o:
                    p[b, a, o] = 0.5
                    continue
                if vpm != 4:
                    x1 = c[b, a, o]
                    x2 = c[b, o, a]
                    if vpm == 1:
                        x1 = x1 * x1
                        x2 = x2 * x2
                    elif vpm == 2:
                        x1 = (x1 * x1) * (x1 * x1)
                        x2 = (x2 * x2) * (x2 * x2)
                    elif vpm == 3:
                        q1 = (x1 * x1) * (x1 * x1)
                        q2 = (x2 * x2) * (x2 * x2)
                        x1 = q1 * q1
                        x2 = q2 * q2
                    p[b, a, o] = x1 / (x1 + x2)
                    continue
                # Binary: the lower-left pair decides; above the diagonal, the loser's share of (o, a)
                hi, lo = (a, o) if a > o else (o, a)
                s1 = c[b, hi, lo]
                s2 = c[b, lo, hi]
                r12 = s1 / (s1 + s2)
                p12 = (r12 * (_THR + 1.0) - 1.0) / (_THR - 1.0)
                if s1 >= _THR * s2:
                    y1 = 1.0
                    y2 = _VP_MIN
                elif s2 >= _THR * s1:
                    y1 = _VP_MIN
                    y2 = 1.0
                else:
                    y1 = p12
                    y2 = 1 - p12
                p[b, a, o] = y1 / (y1 + y2) if a > o else y2 / (y1 + y2)
    return p
