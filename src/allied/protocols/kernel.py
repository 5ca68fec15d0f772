"""Backward induction over stages on a belief grid, then the equilibrium path — batched over samples.

Model: ``protocol.md`` (tranche game between the US and a North Korea that is privately sincere or
stalling, after Schelling 1960, Watson 1999/2002, Kydd 2000/2005, Compte & Jehiel 2004). For each
sample the kernel

1. builds the breakdown values and per-stage flows from the parameter vector (layout ``P_*``);
2. solves the last stage exactly at every node of a ``G``-point belief grid (continuation: the post-deal
   choice of each type to keep the deal or renege), then each earlier stage down to stage 2, with the
   next stage's values interpolated (belief-weighted, see :mod:`allied.protocols.stage`);
3. solves stage 1 exactly at the prior ``mu0`` and follows the equilibrium path: on the path the
   belief after stage ``k`` is the posterior ``m_k``, and stage ``k + 1`` is solved exactly at it;
4. computes the path's outcome probabilities by type, and values by backward recursion along the path
   (exact for the selected strategies), the max regret of every stage solved on the path and the
   grid error (gap between the path's values and the interpolated continuation used to solve the
   stage before).

Samples are independent: :func:`solve_many` runs chunks of them on threads (the kernel releases the GIL).

The compiled functions here contain :mod:`allied.protocols.stage`'s compiled code; their numba cache
entries are keyed on ``stage.py``'s source as well as this file (:func:`allied._jit.njit`), so an edit of
either file recompiles them.
"""

from __future__ import annotations

import numpy as np

from allied._jit import njit
from allied.protocols import layout
from allied.protocols import stage as st
from allied.protocols.layout import (  # noqa: F401  (NPAR, the *_NAMES are re-exported; layout: no numba)
    NOUT,
    NPAR,
    NPATH,
    O_DENUC,
    O_GRID,
    O_KEEP_S,
    O_KEEP_T,
    O_NKX,
    O_P1,
    O_PFULL,
    O_PFULL_S,
    O_PFULL_T,
    O_POCKET,
    O_REG,
    O_RELIEF,
    O_STAGES,
    O_USX,
    O_USX_T,
    O_VK,
    O_VKS,
    O_VKT,
    O_VNS,
    O_VNT,
    O_VU,
    O_VUS,
    O_VUT,
    OUT_NAMES,
    P_AK,
    P_ALPHA_S,
    P_ALPHA_T,
    P_AU,
    P_BETA,
    P_BK,
    P_BU,
    P_DELTA,
    P_DIV,
    P_GAMMA_S,
    P_GAMMA_T,
    P_GK,
    P_GU,
    P_KAPPA,
    P_LEAK,
    P_MU0,
    P_RHO,
    P_SC,
    P_SIGMA,
    P_SU,
    P_TAU_K,
    P_TAU_N,
    P_TAU_U,
    P_XI,
    PARAM_NAMES,
    PATH_NAMES,
)

#: numba's njit, cached, with cache entries keyed also on stage.py's and layout.py's sources (compiled into
#: these kernels)
jit = njit(depends=[st, layout], nogil=True)



@jit
def _derived(par: np.ndarray) -> tuple[float, float]:
    beta_eff = par[P_BETA] * max(0.0, 1.0 - par[P_LEAK] * par[P_SU])
    sig = par[P_SIGMA] * (1.0 - par[P_XI] * par[P_DIV])
    return beta_eff, min(max(sig, 0.0), 1.0)


@jit
def _alive(par: np.ndarray, d: float, r: float, n: float, out: np.ndarray) -> None:
    """Per-stage flows while talks are alive: N-S, N-T, US, ROK."""
    beta_eff, _ = _derived(par)
    su, sc = par[P_SU], par[P_SC]
    out[0] = -par[P_ALPHA_S] * d + beta_eff * r + par[P_GAMMA_S] * n + su + sc
    out[1] = -par[P_ALPHA_T] * d + beta_eff * r + par[P_GAMMA_T] * n + su + sc
    out[2] = par[P_AU] * d - par[P_BU] * r + par[P_GU] * n
    out[3] = par[P_AK] * d - par[P_BK] * r + par[P_GK] * n - par[P_KAPPA] * (su + sc)


@jit
def _breakdown(par: np.ndarray, d: float, r: float, out: np.ndarray) -> None:
    """Absorbing breakdown values after (d, r): N rebuilds rho·d, sanctions snap back sigma_eff·r."""
    beta_eff, sig = _derived(par)
    k = 1.0 / (1.0 - par[P_DELTA])
    db = (1.0 - par[P_RHO]) * d
    rb = (1.0 - sig) * r
    su = par[P_SU]
    out[0] = k * (-par[P_ALPHA_S] * db + beta_eff * rb + su - par[P_TAU_N])
    out[1] = k * (-par[P_ALPHA_T] * db + beta_eff * rb + su - par[P_TAU_N])
    out[2] = k * (par[P_AU] * db - par[P_BU] * rb - par[P_TAU_U])
    out[3] = k * (par[P_AK] * db - par[P_BK] * rb - par[P_KAPPA] * su - par[P_TAU_K])


@jit
def _outcomes(par: np.ndarray, d0: float, r0: float, a: float, b: float, oc: np.ndarray,
              tmp: np.ndarray) -> None:
    """Breakdown constants of a stage from (d0, r0) with tranche (a, b): columns NX, UX, BB."""
    for col in range(3):
        if col == st.NX:
            _breakdown(par, d0 + a, r0, tmp)
        elif col == st.UX:
            _breakdown(par, d0, r0 + b, tmp)
        else:
            _breakdown(par, d0, r0, tmp)
        oc[0, col] = tmp[0]
        oc[1, col] = tmp[1]
        oc[2, col] = tmp[2]
        oc[3, col] = tmp[2]
        oc[4, col] = tmp[3]
        oc[5, col] = tmp[3]


@jit
def _terminal(par: np.ndarray, dt: float, rt: float, term: np.ndarray, tmp: np.ndarray) -> None:
    """Post-deal node: each type keeps the deal or reneges. term = [N-S, N-T, US|S, US|T, ROK|S, ROK|T,
    keep_S, keep_T]."""
    k = 1.0 / (1.0 - par[P_DELTA])
    _alive(par, dt, rt, dt, tmp)
    keep = tmp.copy() * k
    _breakdown(par, dt, rt, tmp)
    for th in range(2):
        kp = keep[th] >= tmp[th]
        term[th] = keep[th] if kp else tmp[th]
        term[2 + th] = keep[2] if kp else tmp[2]
        term[4 + th] = keep[3] if kp else tmp[3]
        term[6 + th] = 1.0 if kp else 0.0


@jit
def _continuation(par: np.ndarray, k: int, nst: int, cum_d: np.ndarray, cum_r: np.ndarray,
                  grid: np.ndarray, cont: np.ndarray, term: np.ndarray, tmp: np.ndarray) -> None:
    """Values after both sides carry out stage k, at every grid belief (rows as in ``stage``)."""
    g = cont.shape[1]
    h = 1.0 / (g - 1)
    if k == nst - 1:
        for j in range(g):
            mj = j * h
            cont[0, j] = term[0]
            cont[1, j] = term[1]
            cont[2, j] = mj * term[2]
            cont[3, j] = (1 - mj) * term[3]
            cont[4, j] = mj * term[4]
            cont[5, j] = (1 - mj) * term[5]
        return
    dl = par[P_DELTA]
    _alive(par, cum_d[k + 1], cum_r[k + 1], 0.0, tmp)
    for j in range(g):
        mj = j * h
        cont[0, j] = tmp[0] + dl * grid[k + 1, 0, j]
        cont[1, j] = tmp[1] + dl * grid[k + 1, 1, j]
        cont[2, j] = mj * tmp[2] + dl * grid[k + 1, 2, j]
        cont[3, j] = (1 - mj) * tmp[2] + dl * grid[k + 1, 3, j]
        cont[4, j] = mj * tmp[3] + dl * grid[k + 1, 4, j]
        cont[5, j] = (1 - mj) * tmp[3] + dl * grid[k + 1, 5, j]


@jit
def solve_one(par: np.ndarray, dd: np.ndarray, dr: np.ndarray, order: np.ndarray, g: int, sel: int,
              tol_rel: float, out: np.ndarray, path: np.ndarray) -> None:
    """Solve one protocol for one parameter vector. ``out[NOUT]``; ``path[K + 1, NPATH]`` (row K: the
    belief after the last stage if it is reached; unreached rows are NaN)."""
    nst = dd.shape[0]
    cum_d = np.zeros(nst + 1)
    cum_r = np.zeros(nst + 1)
    for k in range(nst):
        cum_d[k + 1] = cum_d[k] + dd[k]
        cum_r[k + 1] = cum_r[k] + dr[k]
    tmp = np.zeros(4)
    term = np.zeros(8)
    _terminal(par, float(cum_d[nst]), float(cum_r[nst]), term, tmp)
    grid = np.zeros((nst, 6, g))
    cont = np.zeros((6, g))
    oc = np.zeros((6, 3))
    pre = np.zeros((st.NPRE, g))
    roots = np.zeros(g)
    cand = np.zeros(st.NRES)
    best = np.zeros(st.NRES)
    h = 1.0 / (g - 1)
    # backward pass over the grid, stages nst-1 .. 1
    for k in range(nst - 1, 0, -1):
        _continuation(par, k, nst, cum_d, cum_r, grid, cont, term, tmp)
        _outcomes(par, cum_d[k], cum_r[k], dd[k], dr[k], oc, tmp)
        scale = st.prepare_stage(order[k], cont, oc, pre)  # the prior-free part, once per stage
        for j in range(g):
            st.solve_prepared(j * h, order[k], cont, oc, sel, tol_rel, pre, scale, roots, cand, best)
            grid[k, 0, j] = best[st.R_VNS]
            grid[k, 1, j] = best[st.R_VNT]
            grid[k, 2, j] = best[st.R_WUS]
            grid[k, 3, j] = best[st.R_WUT]
            grid[k, 4, j] = best[st.R_WKS]
            grid[k, 5, j] = best[st.R_WKT]
    # forward: the equilibrium path at the prior
    strat = np.zeros((nst, st.NRES))
    interp_next = np.zeros((nst, 3))  # interpolated continuation at the posterior: N-S, N-T, US expected
    m = par[P_MU0]
    reached = 0
    for k in range(nst):
        _continuation(par, k, nst, cum_d, cum_r, grid, cont, term, tmp)
        _outcomes(par, cum_d[k], cum_r[k], dd[k], dr[k], oc, tmp)
        scale = st.prepare_stage(order[k], cont, oc, pre)
        st.solve_prepared(m, order[k], cont, oc, sel, tol_rel, pre, scale, roots, cand, best)
        strat[k, :] = best
        path[k, 0] = m
        path[k, 1] = best[st.R_P]
        path[k, 2] = best[st.R_QS]
        path[k, 3] = best[st.R_QT]
        path[k, 4] = best[st.R_RU]
        path[k, 5] = best[st.R_AS]
        path[k, 6] = best[st.R_AT]
        reached = k + 1
        mn = best[st.R_M]
        if k < nst - 1:
            interp_next[k, 0] = st.interp(cont, 0, mn)
            interp_next[k, 1] = st.interp(cont, 1, mn)
            interp_next[k, 2] = st.interp(cont, 2, mn) + st.interp(cont, 3, mn)
        if best[st.R_P] * best[st.R_PC] <= 0.0:
            break
        m = mn
    for k in range(reached, nst + 1):
        for i in range(NPATH):
            path[k, i] = np.nan
    if reached == nst:
        path[nst, 0] = strat[nst - 1, st.R_M]
    # backward along the path: type-conditional values [N-S, N-T, US|S, US|T, ROK|S, ROK|T]
    val = np.zeros(6)
    nxt = np.zeros(6)
    grid_err = 0.0
    max_reg = 0.0
    kb = np.zeros(4)
    for k in range(reached - 1, -1, -1):
        s = strat[k]
        max_reg = max(max_reg, s[st.R_REG])
        p, qs, qt, ru, a_s, a_t = s[st.R_P], s[st.R_QS], s[st.R_QT], s[st.R_RU], s[st.R_AS], s[st.R_AT]
        # value of CC for each type at stage k
        if k == nst - 1:
            for i in range(6):
                nxt[i] = term[i]
        elif k == reached - 1:
            for i in range(6):
                nxt[i] = 0.0  # unreachable for every type with positive probability
        else:
            _alive(par, cum_d[k + 1], cum_r[k + 1], 0.0, kb)
            dl = par[P_DELTA]
            mn = s[st.R_M]
            ev_chain = mn * (kb[2] + dl * val[2]) + (1 - mn) * (kb[2] + dl * val[3])
            grid_err = max(grid_err, abs(kb[0] + dl * val[0] - interp_next[k, 0]))
            grid_err = max(grid_err, abs(kb[1] + dl * val[1] - interp_next[k, 1]))
            grid_err = max(grid_err, abs(ev_chain - interp_next[k, 2]))
            nxt[0] = kb[0] + dl * val[0]
            nxt[1] = kb[1] + dl * val[1]
            nxt[2] = kb[2] + dl * val[2]
            nxt[3] = kb[2] + dl * val[3]
            nxt[4] = kb[3] + dl * val[4]
            nxt[5] = kb[3] + dl * val[5]
        _outcomes(par, cum_d[k], cum_r[k], dd[k], dr[k], oc, tmp)
        for th in range(2):
            q = qs if th == 0 else qt
            a = a_s if th == 0 else a_t
            pnx, pux, pbb = _probs(order[k], p, q, ru, a)
            pcc = p * q
            val[th] = pcc * nxt[th] + pnx * oc[th, st.NX] + pux * oc[th, st.UX] + pbb * oc[th, st.BB]
            val[2 + th] = (pcc * nxt[2 + th] + pnx * oc[2 + th, st.NX] + pux * oc[2 + th, st.UX]
                           + pbb * oc[2 + th, st.BB])
            val[4 + th] = (pcc * nxt[4 + th] + pnx * oc[4 + th, st.NX] + pux * oc[4 + th, st.UX]
                           + pbb * oc[4 + th, st.BB])
    # outcome statistics by type, forward
    _beta_eff, sig = _derived(par)
    rho = par[P_RHO]
    mu0 = par[P_MU0]
    for i in range(NOUT):
        out[i] = 0.0
    pfull = np.zeros(2)
    usx = np.zeros(2)
    pocket = np.zeros(2)
    nkx = np.zeros(2)
    stages = np.zeros(2)
    den = np.zeros(2)
    rel = np.zeros(2)
    for th in range(2):
        reach = 1.0
        for k in range(reached):
            s = strat[k]
            p, ru = s[st.R_P], s[st.R_RU]
            q = s[st.R_QS] if th == 0 else s[st.R_QT]
            a = s[st.R_AS] if th == 0 else s[st.R_AT]
            pnx, pux, pbb = _probs(order[k], p, q, ru, a)
            d0, r0 = cum_d[k], cum_r[k]
            # N acted, US withheld
            den[th] += reach * pnx * (1 - rho) * (d0 + dd[k])
            rel[th] += reach * pnx * (1 - sig) * r0
            nkx[th] += reach * pnx
            # US delivered, N refused
            den[th] += reach * pux * (1 - rho) * d0
            rel[th] += reach * pux * (1 - sig) * (r0 + dr[k])
            if r0 + dr[k] > 0:
                usx[th] += reach * pux
                pocket[th] += reach * pux * (1 - sig) * (r0 + dr[k])
            # neither: N refusing while holding relief counts as exploitation (not after US-first withholding)
            den[th] += reach * pbb * (1 - rho) * d0
            rel[th] += reach * pbb * (1 - sig) * r0
            if r0 > 0 and order[k] != st.U_FIRST:
                usx[th] += reach * pbb
                pocket[th] += reach * pbb * (1 - sig) * r0
            reach *= p * q
            stages[th] += reach
        if reached == nst:
            keep = term[6 + th]
            pfull[th] = reach * keep
            den[th] += reach * (keep * cum_d[nst] + (1 - keep) * (1 - rho) * cum_d[nst])
            rel[th] += reach * (keep * cum_r[nst] + (1 - keep) * (1 - sig) * cum_r[nst])
            if cum_r[nst] > 0:
                usx[th] += reach * (1 - keep)
                pocket[th] += reach * (1 - keep) * (1 - sig) * cum_r[nst]
    w0, w1 = mu0, 1 - mu0
    out[O_PFULL] = w0 * pfull[0] + w1 * pfull[1]
    out[O_PFULL_S] = pfull[0]
    out[O_PFULL_T] = pfull[1]
    out[O_DENUC] = w0 * den[0] + w1 * den[1]
    out[O_RELIEF] = w0 * rel[0] + w1 * rel[1]
    out[O_USX] = w0 * usx[0] + w1 * usx[1]
    out[O_USX_T] = usx[1]
    out[O_POCKET] = w0 * pocket[0] + w1 * pocket[1]
    out[O_NKX] = w0 * nkx[0] + w1 * nkx[1]
    out[O_STAGES] = w0 * stages[0] + w1 * stages[1]
    out[O_VU] = w0 * val[2] + w1 * val[3]
    out[O_VK] = w0 * val[4] + w1 * val[5]
    out[O_VNS] = val[0]
    out[O_VNT] = val[1]
    out[O_REG] = max_reg
    out[O_GRID] = grid_err
    out[O_P1] = strat[0, st.R_P] * strat[0, st.R_PC]
    out[O_VUS] = val[2]
    out[O_VUT] = val[3]
    out[O_VKS] = val[4]
    out[O_VKT] = val[5]
    out[O_KEEP_S] = term[6]
    out[O_KEEP_T] = term[7]


@jit
def _probs(order: int, p: float, q: float, ru: float, a: float) -> tuple[float, float, float]:
    """Probabilities of NX, UX, BB for a type complying w.p. q (CC has p·q)."""
    if order == st.N_FIRST:
        return q * (1 - p), (1 - q) * ru, (1 - q) * (1 - ru)
    if order == st.SIMULTANEOUS:
        return q * (1 - p), (1 - q) * p, (1 - q) * (1 - p)
    return (1 - p) * a, p * (1 - q), (1 - p) * (1 - a)


@jit
def solve_serial(pars: np.ndarray, dd: np.ndarray, dr: np.ndarray, order: np.ndarray, g: int, sel: int,
                 tol_rel: float) -> tuple[np.ndarray, np.ndarray]:
    """Solve one protocol for every row of ``pars[B, NPAR]``: outputs ``[B, NOUT]``, path ``[B, K+1, NPATH]``.

    Releases the GIL: :func:`solve_many` runs chunks of rows on threads."""
    b = pars.shape[0]
    outs = np.zeros((b, NOUT))
    paths = np.zeros((b, dd.shape[0] + 1, NPATH))
    for i in range(b):
        solve_one(pars[i], dd, dr, order, g, sel, tol_rel, outs[i], paths[i])
    return outs, paths


def solve_many(pars: np.ndarray, dd: np.ndarray, dr: np.ndarray, order: np.ndarray, g: int, sel: int,
               tol_rel: float, threads: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """:func:`solve_serial` on ``threads`` threads (default: the CPUs numba may use), one chunk each."""
    import numba

    b = pars.shape[0]
    n = max(1, min(threads or numba.get_num_threads(), b // 32 or 1))
    if n == 1:
        return solve_serial(pars, dd, dr, order, g, sel, tol_rel)
    from concurrent.futures import ThreadPoolExecutor

    edges = np.linspace(0, b, n + 1).astype(np.int64)
    with ThreadPoolExecutor(n) as pool:
        parts = list(pool.map(lambda k: solve_serial(pars[edges[k]:edges[k + 1]], dd, dr, order, g, sel, tol_rel),
                              range(n)))
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])
