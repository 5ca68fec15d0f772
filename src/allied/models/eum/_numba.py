"""Compiled (numba) kernels of the expected-utility model, for large sample batches.

The same arithmetic as :mod:`allied.models.eum._numpy`, term by term and in the same order, one sample
at a time inside a compiled loop over the sample axis; ``tests/models/test_eum_kernels.py`` checks that
both give identical numbers. Imported only when a batch is large enough to repay numba's import time.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from numba import njit

_TOL = 1e-12


@njit(cache=True, nogil=True)
def _eu(r: float, linear: bool, p: float, dd: float, R: float, s_t: float, q: float, half: float) -> float:
    """Scholz eq. 25a with Q = q and no U_b/U_w: s_t [P U_s + (1−P) U_f] + (1−s_t) U_s − q U_sq.

    ``half`` is 0.5 passed at run time: with a literal base LLVM rewrites ``0.5 ** r`` as ``exp2(-r)``,
    which differs from the C library's ``pow`` in the last bit.
    """
    lo = 0.5 - 0.5 * (dd / R)
    hi = 0.5 + 0.5 * (dd / R)
    if linear:
        us = 2.0 - 4.0 * lo
        uf = 2.0 - 4.0 * hi
        usq = 0.0
    else:
        us = 2.0 - 4.0 * lo**r
        uf = 2.0 - 4.0 * hi**r
        usq = 2.0 - 4.0 * half**r
    return s_t * (p * us + (1.0 - p) * uf) + (1.0 - s_t) * us - q * usq


@njit(cache=True, nogil=True)
def _risk(sec: np.ndarray, r: np.ndarray) -> None:
    """Risk exponents from security sums; all equally secure -> r = 1."""
    hi = sec.max()
    lo = sec.min()
    spread = hi - lo
    ok = spread > _TOL * max(abs(hi), abs(lo))
    for i in range(sec.shape[0]):
        ra = (2.0 * sec[i] - hi - lo) / spread if ok else 0.0
        r[i] = (1.0 - ra / 3.0) / (1.0 + ra / 3.0)


@njit(cache=True, nogil=True)
def _prob_scholz(x: np.ndarray, w: np.ndarray, r: np.ndarray, linear: bool, R: float,
                 D: np.ndarray, P: np.ndarray) -> None:
    n = x.shape[0]
    for k in range(n):
        for a in range(n):
            v = abs(x[k] - x[a]) / R
            D[k, a] = v if linear else v ** r[k]
    tot = 0.0
    for k in range(n):
        for a1 in range(n):
            for a2 in range(n):
                tot += abs(w[k] * (D[k, a2] - D[k, a1]))
    for i in range(n):
        for j in range(n):
            if x[i] == x[j] or not tot > 0:
                P[i, j] = 0.0
                continue
            num = 0.0
            for k in range(n):
                v = w[k] * (D[k, j] - D[k, i])
                if v > 0:
                    num += v
            P[i, j] = num / tot


@njit(cache=True, nogil=True)
def _scholz_sample(x0, s, c, rounds, q, half, pos, risk):  # type: ignore[no-untyped-def]
    n = x0.shape[0]
    w = c * s
    R = x0.max() - x0.min()
    for t in range(rounds + 1):
        pos[t, :] = x0
    if not R > 0:
        return
    x = x0.copy()
    ones = np.ones(n)
    r = np.ones(n)
    sec = np.zeros(n)
    new = np.empty(n)
    D = np.empty((n, n))
    P = np.empty((n, n))
    for t in range(rounds):
        _prob_scholz(x, w, ones, True, R, D, P)
        for i in range(n):
            acc = 0.0
            for j in range(n):
                if j != i:
                    acc += _eu(1.0, True, P[j, i], abs(x[j] - x[i]), R, s[i], q, half)
            sec[i] = acc
        _risk(sec, r)
        _prob_scholz(x, w, r, False, R, D, P)
        for i in range(n):
            conf_key = np.inf
            conf_pos = x[i]
            comp_key = np.inf
            comp_pos = x[i]
            usq = 2.0 - 4.0 * half ** r[i]
            for j in range(n):
                if x[j] == x[i]:
                    continue
                # both values as i sees them: same distance and exponent, so one pair of utilities
                dd = abs(x[i] - x[j])
                us = 2.0 - 4.0 * (0.5 - 0.5 * (dd / R)) ** r[i]
                uf = 2.0 - 4.0 * (0.5 + 0.5 * (dd / R)) ** r[i]
                pij = P[i, j]
                pji = P[j, i]
                eij = s[j] * (pij * us + (1.0 - pij) * uf) + (1.0 - s[j]) * us - q * usq
                eji = s[i] * (pji * us + (1.0 - pji) * uf) + (1.0 - s[i]) * us - q * usq
                if eji > eij and eij > 0:
                    if dd < conf_key:
                        conf_key = dd
                        conf_pos = x[j]
                elif eji > 0 and eij < 0 and eji > abs(eij):
                    a = abs(eij)
                    b = abs(eji)
                    key = (a * x[i] + b * x[j]) / (a + b)
                    if key < comp_key:
                        comp_key = key
                        comp_pos = x[i] + (x[j] - x[i]) * abs(eij / eji)
            if conf_key < np.inf:
                new[i] = conf_pos
            elif comp_key < np.inf:
                new[i] = comp_pos
            else:
                new[i] = x[i]
        x[:] = new
        pos[t + 1, :] = x
        risk[t, :] = r


@njit(cache=True, nogil=True)
def _wmedian(x: np.ndarray, w: np.ndarray) -> float:
    """c·s-weighted median with the midpoint on an exact mid split (as ``mean.weighted_median``)."""
    order = np.argsort(x, kind="mergesort")
    n = x.shape[0]
    total = w.sum()
    ws = np.empty(n)
    for a in range(n):
        ws[a] = w[order[a]] if total > 0 else 1.0
    total = ws.sum()
    cum = np.cumsum(ws)
    mid = 0.5 * total
    tol = 1e-12 * total
    lower = n - 1
    for a in range(n):
        if cum[a] >= mid - tol:
            lower = a
            break
    upper = min(lower + 1, n - 1)
    if abs(cum[lower] - mid) <= tol:
        return 0.5 * (x[order[lower]] + x[order[upper]])
    return x[order[lower]]


@njit(cache=True, nogil=True)
def _eu_paper(r: float, linear: bool, p: float, dd: float, dmu: float, R: float, s_t: float,
              q: float, half: float) -> float:
    out = _eu(r, linear, p, dd, R, s_t, q, half)
    if q != 1.0:
        g = 0.25 * (dmu + dd / R)
        lo = 0.5 - g
        hi = 0.5 + g
        ub = 2.0 - 4.0 * (lo if linear else lo**r)
        uw = 2.0 - 4.0 * (hi if linear else hi**r)
        out = out - (1.0 - q) * (ub if dmu < dd / R else uw)
    return out


@njit(cache=True, nogil=True)
def _paper_sample(x0, s, c, rounds, q, half, pos, risk):  # type: ignore[no-untyped-def]
    n = x0.shape[0]
    w = c * s
    R = x0.max() - x0.min()
    for t in range(rounds + 1):
        pos[t, :] = x0
    if not R > 0:
        return
    x = x0.copy()
    r = np.ones(n)
    sec = np.zeros(n)
    new = np.empty(n)
    P = np.empty((n, n))
    E = np.empty((n, n))
    dmu = np.empty(n)
    for t in range(rounds):
        mu = _wmedian(x, w)
        for i in range(n):
            dmu[i] = abs(x[i] - mu) / R
        for i in range(n):
            for j in range(n):
                pp = 0.0
                tt = 0.0
                for k in range(n):
                    v = w[k] * (abs(x[k] - x[j]) - abs(x[k] - x[i]))
                    pp += max(v, 0.0)
                    tt += abs(v)
                P[i, j] = pp / tt if tt > 0 else 0.5
        for i in range(n):
            for j in range(n):
                E[i, j] = _eu_paper(1.0, True, P[i, j], abs(x[i] - x[j]), dmu[i], R, s[j], q, half)
        for i in range(n):
            acc = 0.0
            for j in range(n):
                if j != i:
                    acc += E[j, i]
            sec[i] = acc
        _risk(sec, r)
        for i in range(n):
            for j in range(n):
                E[i, j] = _eu_paper(r[i], False, P[i, j], abs(x[i] - x[j]), dmu[i], R, s[j], q, half)
        for m in range(n):  # receiver m, proposer k
            best_cls = 3
            best_key = np.inf
            best_a = -np.inf
            best_pos = x[m]
            for k in range(n):
                if x[k] == x[m]:
                    continue
                a = E[k, m]
                b = E[m, k]
                if not a > 0:
                    continue
                if b > 0:
                    if not a > b:
                        continue
                    cls = 0
                    to = x[k]
                elif a >= -b:
                    cls = 1
                    to = x[m] + (x[k] - x[m]) * abs(b / a)
                else:
                    cls = 2
                    to = x[k]
                key = abs(to - x[m]) if cls == 1 else abs(x[k] - x[m])
                better = cls < best_cls or (cls == best_cls and (
                    key < best_key or (key == best_key and (a > best_a or (a == best_a and to < best_pos)))))
                if better:
                    best_cls = cls
                    best_key = key
                    best_a = a
                    best_pos = to
            new[m] = best_pos
        x[:] = new
        pos[t + 1, :] = x
        risk[t, :] = r


@njit(cache=True, nogil=True)
def run_batch(x0, s, c, rounds, q, paper, half, pos, risk):  # type: ignore[no-untyped-def]
    """Fill ``pos[B, R+1, A]`` and ``risk[B, R, A]`` for every sample of ``x0[B, A]``."""
    for b in range(x0.shape[0]):
        if paper:
            _paper_sample(x0[b], s[b], c[b], rounds, q, half, pos[b], risk[b])
        else:
            _scholz_sample(x0[b], s[b], c[b], rounds, q, half, pos[b], risk[b])


def _threads() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def run(x0: np.ndarray, s: np.ndarray, c: np.ndarray, rounds: int, variant: str,
        q: float) -> tuple[np.ndarray, np.ndarray]:
    """Positions ``[B, R+1, A]`` and risk exponents ``[B, R, A]`` (see :func:`allied.models.eum._numpy.run_eum`).

    The kernel releases the GIL, so large batches are split over one thread per available core; each
    sample is independent, so the split does not change any number.
    """
    bsz, n = x0.shape
    pos = np.empty((bsz, rounds + 1, n))
    risk = np.ones((bsz, rounds, n))
    x0, s, c = (np.ascontiguousarray(a, dtype=np.float64) for a in (x0, s, c))
    paper = variant == "paper"
    parts = min(_threads(), max(1, bsz // 256))
    edges = np.linspace(0, bsz, parts + 1).astype(int)

    def work(k: int) -> None:
        sl = slice(edges[k], edges[k + 1])
        run_batch(x0[sl], s[sl], c[sl], int(rounds), float(q), paper, 0.5, pos[sl], risk[sl])

    if parts == 1:
        work(0)
    else:
        with ThreadPoolExecutor(parts) as ex:
            list(ex.map(work, range(parts)))
    return pos, risk

