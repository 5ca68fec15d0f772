"""Numba kernel for the O(N³) part of a KTAB SMP turn: every actor's challenge of every other actor,
with every third party's vote (SMPState::probEduChlg for all pairs). Same arithmetic, in the same
order, as :func:`allied.models.smp._numpy.challenge_pairs`; used for large N, where it saves the
``[B, N², N]`` temporaries of the numpy version. Imported lazily (importing numba costs about a second).
"""

from __future__ import annotations

import numpy as np

from allied._jit import njit
from allied.models.smp import _fused
from allied.models.smp import params as K
from allied.models.smp._fused import _bs, _join_values, _vote

#: numba's njit, cached, with cache entries keyed also on params.py and _fused.py (the constants and the
#: utility, vote and third-party rules of ``_fused`` are compiled in)
jit = njit(depends=[K, _fused], nogil=True)

_MINC = K.MIN_CHALLENGE_COALITION


@jit
def _challenges(vd: np.ndarray, rest: np.ndarray, stot: np.ndarray, cap: np.ndarray, vr: int, tpc: int,
                both: bool, fixed_h: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    nb, n = stot.shape
    p_out = np.zeros((nb, n, n))
    di_out = np.zeros((nb, n, n))
    dj_out = np.zeros((nb, n, n)) if both else np.zeros((1, 1, 1))
    for b in range(nb):
        w = stot[b] * cap[b]
        for i in range(n):
            h = i if fixed_h < 0 else fixed_h
            for j in range(n):
                if i == j:
                    continue
                uij = _bs(vd[b, i, j], rest[b, h, i])
                uji = _bs(vd[b, j, i], rest[b, h, j])
                ci = _vote(vr, w[i], 1.0, uij)
                cj = _vote(vr, w[j], uji, 1.0)
                chij = _MINC + (ci if ci > 0 else 0.0) + (cj if cj > 0 else 0.0)
                chji = _MINC - (ci if ci < 0 else 0.0) - (cj if cj < 0 else 0.0)
                ci0, cj0 = chij, chji
                add_i = 0.0
                add_j = 0.0
                for m in range(n):
                    if m == i or m == j:  # noqa: SIM109
                        continue
                    r = rest[b, h, m]
                    uni = _bs(vd[b, m, i], r)
                    unj = _bs(vd[b, m, j], r)
                    v0 = _vote(vr, w[m], uni, unj)
                    cni = ci0 + v0 if v0 > 0 else ci0
                    cnj = cj0 - v0 if v0 < 0 else cj0
                    pin = cni / (cni + cnj)
                    pjn = 1.0 - pin
                    a, bb, c, d = _join_values(tpc, uni, unj)
                    vn = _vote(vr, w[m], pin * a + pjn * bb, pin * c + pjn * d)
                    if vn > 0:
                        add_i += vn
                    elif vn < 0:
                        add_j -= vn
                chij = chij + add_i
                chji = chji + add_j
                pij = chij / (chij + chji)
                pji = chji / (chij + chji)
                sj = stot[b, j]
                win = 2.0
                lose = uij + uij
                di_out[b, i, j] = ((1 - sj) * win + sj * (pij * win + pji * lose)) - (1.0 + uij)
                p_out[b, i, j] = pij
                if both:
                    win_j = uji + uji
                    dj_out[b, i, j] = ((1 - sj) * win_j + sj * (pij * win_j + pji * 2.0)) - (uji + 1.0)
    return p_out, di_out, dj_out


@jit
def _coalitions(u: np.ndarray, w: np.ndarray, vr: int, minc: float) -> np.ndarray:
    nb, na, no = u.shape
    c = np.empty((nb, no, no))
    for b in range(nb):
        for i in range(no):
            c[b, i, i] = minc
            for j in range(i):
                cij = minc
                cji = minc
                for k in range(na):
                    v = _vote(vr, w[b, k], u[b, k, i], u[b, k, j])
                    if v > 0:
                        cij = cij + v
                    if v < 0:
                        cji = cji - v
                c[b, i, j] = cij
                c[b, j, i] = cji
    return c


def coalitions(u: np.ndarray, w: np.ndarray, vr: int) -> np.ndarray:
    """Model::coalitions for options ``u[B, A, O]`` with weights ``w[B, A]`` → ``C[B, O, O]``."""
    return _coalitions(np.ascontiguousarray(u), np.ascontiguousarray(w), int(vr), K.MIN_COALITION)


def challenge_matrix(vd: np.ndarray, rest: np.ndarray, stot: np.ndarray, cap: np.ndarray, vr: int, tpc: int,
                     both: bool, fixed_h: int) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """``P^h[i > j]``, h's estimate of i's gain and (``both``) of j's gain, each ``[B, N, N]``
    (``h = i`` when ``fixed_h < 0``); the diagonal is 0."""
    p, di, dj = _challenges(np.ascontiguousarray(vd), np.ascontiguousarray(rest), np.ascontiguousarray(stot),
                            np.ascontiguousarray(cap), int(vr), int(tpc), bool(both), int(fixed_h))
    return p, di, dj if both else None
