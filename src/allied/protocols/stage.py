"""Exact equilibrium of one protocol stage, given continuation values on a belief grid.

One stage of the tranche game (spec ``protocol.md``): North Korea (type S or T, public belief
``mu = P(S)``) may carry out its denuclearisation tranche; the United States may deliver its relief
tranche. ``order`` says who is exposed first:

* ``N_FIRST`` — N moves, the US sees the move and then delivers (probability ``p``) or withholds;
  the reassurance game of Kydd (2000, 2005) with N as the truster's counterpart;
* ``U_FIRST`` — the US delivers first, N then complies or pockets the tranche;
* ``SIMULTANEOUS`` — action for action, neither sees the other's move.

Four outcomes end a stage: both act (``CC``: talks go on with posterior ``m'``), N acts and the US
withholds (``NX``), the US delivers and N refuses (``UX``), neither acts (``BB``). ``NX``, ``UX`` and
``BB`` are breakdown outcomes whose values are constants; ``CC``'s value is the continuation, a
piecewise-linear function of ``m'`` given at ``G`` equally spaced beliefs.

Continuation rows (``cont[6, G]``): N-sincere's value, N-stalling's value, and the US's and South
Korea's values *weighted by the type's belief* (``m·V(S | m)`` and ``(1 - m)·V(T | m)``). Weighting
makes the interpolant exact wherever the next stage stays in one regime (pooling, separating or
semi-separating), because there the weighted values are linear in the belief; it also makes every
US indifference condition piecewise linear, so each root is found exactly, cell by cell.

Candidates: every pure profile; every semi-separating profile in which one type mixes while the other
complies, with the US mixing (its indifference condition) or delivering (the mixing type's
indifference condition); in simultaneous play also the profiles where one type mixes and the other
refuses. Off-path beliefs (both types refuse) are tried sceptical first (``m' = 0``), then 1, then the
prior. Each candidate's regret — the largest gain any player or type could get by a one-shot
deviation at any of its information sets — is computed from the payoffs, not assumed.

Selection (documented in ``docs/protocols.md``): candidates whose regret is at rounding level
(<= ``NOISE_REL`` of the stage's payoff scale) are exact equilibria and come first; candidates with
regret <= ``tol`` only when no exact one exists (a near-indifference of, say, 1e-10 of the scale is a
strict preference, not a tie). Among equals the rule picks, by default (``SEL_TALKS``), the highest
probability that talks continue, then the highest US value. ``SEL_US`` puts the US value first;
``SEL_STALL`` picks the lowest probability that talks continue (a pessimistic rule). If no candidate
passes, the lowest-regret candidate is returned and its regret reported.

Assumption: in ``N_FIRST`` the US's payoffs after a refusal do not depend on N's type (true in the
protocol model: breakdown values are type-free for the US); its reply to a refusal uses the prior.
"""

from __future__ import annotations

import numpy as np

from allied._jit import njit as keyed_njit
from allied.protocols import layout
from allied.protocols.layout import N_FIRST, SEL_TALKS, SEL_US, SIMULTANEOUS, U_FIRST
from allied.protocols.layout import ORDERS as ORDERS  # re-exported
from allied.protocols.layout import SEL_STALL as SEL_STALL  # re-exported
from allied.protocols.layout import SELECTIONS as SELECTIONS  # re-exported

#: numba's njit, cached, with cache entries keyed also on layout.py's source (its codes are compiled in).
#: The solver's functions allocate nothing, so they are compiled without numba's reference counting
#: (``_nrt=False``): with it, every call passing arrays paid atomic increments and decrements of their
#: reference counts, about 20 % of the kernel's time. Only :func:`solve_stage` allocates (``jit_nrt``).
jit = keyed_njit(depends=[layout], nogil=True, _nrt=False)
jit_nrt = keyed_njit(depends=[layout], nogil=True)

# continuation rows and outcome-constant rows
CN_S, CN_T, WU_S, WU_T, WK_S, WK_T = 0, 1, 2, 3, 4, 5
NX, UX, BB = 0, 1, 2

# regret, relative to the stage's payoff scale, below which a candidate is an exact equilibrium: rounding
# only (the regrets below are computed without cancellation, so an exact one is ~1e-16 of the scale)
NOISE_REL = 1e-13

# result layout
(R_P, R_QS, R_QT, R_M, R_RU, R_AS, R_AT, R_REG, R_PC, R_VNS, R_VNT, R_WUS, R_WUT, R_WKS, R_WKT,
 R_OK) = range(16)
NRES = 16


@jit
def interp(cont: np.ndarray, row: int, m: float) -> float:
    """Linear interpolation of ``cont[row]`` (values at ``G`` equally spaced beliefs) at belief ``m``."""
    g = cont.shape[1]
    x = m * (g - 1)
    j = int(np.floor(x))
    if j < 0:
        j = 0
    if j > g - 2:
        j = g - 2
    t = x - j
    return cont[row, j] * (1.0 - t) + cont[row, j + 1] * t


@jit
def _roots(vals: np.ndarray, lo: float, hi: float, out: np.ndarray) -> int:
    """Roots in the open interval (lo, hi) of the piecewise-linear function with node values ``vals``."""
    return _roots_in(vals, lo, hi, out, 0, vals.shape[0] - 1)


@jit
def _cell_root(vals: np.ndarray, j: int, h: float) -> float:
    """The root of the piecewise-linear function with node values ``vals`` that its cell ``j`` (width ``h``)
    holds: its left node when that is zero, else the crossing of a sign change; -1.0 when it holds none."""
    m0 = j * h
    m1 = (j + 1) * h
    f0 = vals[j]
    f1 = vals[j + 1]
    if f0 == 0.0:
        return m0
    if f0 * f1 < 0.0:
        return m0 + (m1 - m0) * f0 / (f0 - f1)
    return -1.0


@jit
def _take(r: float, lo: float, hi: float, out: np.ndarray, n: int) -> int:
    """Append root ``r`` to ``out[:n]`` when it lies in (lo, hi) and is more than 1e-15 past the previous one
    (the crossing near a cell's right node and a zero at that node are one root); returns the new count."""
    if lo < r < hi and (n == 0 or r - out[n - 1] > 1e-15):
        out[n] = r
        return n + 1
    return n


@jit
def _gain(x: float, y: float, w: float) -> float:
    """Gain from the best pure action for a player who plays action x w.p. ``w`` and y otherwise:
    ``max(x, y) - (w·x + (1 - w)·y)``, written without cancellation (0 exactly when it should be)."""
    d = x - y
    if d > 0.0:
        return (1.0 - w) * d
    return w * (-d)


@jit
def evaluate(mu: float, order: int, p: float, qs: float, qt: float, m: float, ru: float, a_s: float,
             a_t: float, cont: np.ndarray, oc: np.ndarray, res: np.ndarray) -> None:
    """Payoffs, probability of continuing and max regret of one strategy profile (fills ``res``)."""
    _evaluate(mu, order, p, qs, qt, m, ru, a_s, a_t, cont, oc, res)
    _values(mu, order, p, qs, qt, m, ru, a_s, a_t, cont, oc, res)


@jit
def _type_probs(order: int, p: float, qs: float, qt: float, ru: float, a_s: float,
                a_t: float) -> tuple[float, float, float, float, float, float]:
    """Each type's probabilities of the outcomes NX, UX, BB (sincere, then stalling)."""
    if order == N_FIRST:
        return qs * (1 - p), (1 - qs) * ru, (1 - qs) * (1 - ru), qt * (1 - p), (1 - qt) * ru, (1 - qt) * (1 - ru)
    if order == SIMULTANEOUS:
        return qs * (1 - p), (1 - qs) * p, (1 - qs) * (1 - p), qt * (1 - p), (1 - qt) * p, (1 - qt) * (1 - p)
    return (1 - p) * a_s, p * (1 - qs), (1 - p) * (1 - a_s), (1 - p) * a_t, p * (1 - qt), (1 - p) * (1 - a_t)


@jit
def _values(mu: float, order: int, p: float, qs: float, qt: float, m: float, ru: float, a_s: float,
            a_t: float, cont: np.ndarray, oc: np.ndarray, res: np.ndarray) -> None:
    """The values :func:`_evaluate` leaves out (N's, and South Korea's belief-weighted): they are read only
    from the selected candidate, so :func:`_consider` computes them for a candidate it keeps."""
    cn_s = interp(cont, CN_S, m)
    cn_t = interp(cont, CN_T, m)
    wks = interp(cont, WK_S, m)
    wkt = interp(cont, WK_T, m)
    pc = mu * qs + (1.0 - mu) * qt
    nx_s, ux_s, bb_s, nx_t, ux_t, bb_t = _type_probs(order, p, qs, qt, ru, a_s, a_t)
    res[R_VNS] = p * qs * cn_s + nx_s * oc[0, NX] + ux_s * oc[0, UX] + bb_s * oc[0, BB]
    res[R_VNT] = p * qt * cn_t + nx_t * oc[1, NX] + ux_t * oc[1, UX] + bb_t * oc[1, BB]
    res[R_WKS] = p * pc * wks + mu * (nx_s * oc[4, NX] + ux_s * oc[4, UX] + bb_s * oc[4, BB])
    res[R_WKT] = p * pc * wkt + (1 - mu) * (nx_t * oc[5, NX] + ux_t * oc[5, UX] + bb_t * oc[5, BB])


@jit
def _evaluate(mu: float, order: int, p: float, qs: float, qt: float, m: float, ru: float, a_s: float,
              a_t: float, cont: np.ndarray, oc: np.ndarray, res: np.ndarray) -> None:
    """What the selection rule reads of a profile: strategy, continuation probability, max regret and the
    US's belief-weighted values (the rest: :func:`_values`)."""
    cn_s = interp(cont, CN_S, m)
    cn_t = interp(cont, CN_T, m)
    wus = interp(cont, WU_S, m)
    wut = interp(cont, WU_T, m)
    evu = wus + wut
    pc = mu * qs + (1.0 - mu) * qt
    reg = 0.0
    # outcome probabilities per type (NX, UX, BB) and the types' regrets
    if order == N_FIRST:
        nx_s, ux_s, bb_s = qs * (1 - p), (1 - qs) * ru, (1 - qs) * (1 - ru)
        nx_t, ux_t, bb_t = qt * (1 - p), (1 - qt) * ru, (1 - qt) * (1 - ru)
        for th in range(2):
            cn = cn_s if th == 0 else cn_t
            q = qs if th == 0 else qt
            c = p * cn + (1 - p) * oc[th, NX]
            r = ru * oc[th, UX] + (1 - ru) * oc[th, BB]
            reg = max(reg, _gain(c, r, q))
        d = evu
        w = m * oc[2, NX] + (1 - m) * oc[3, NX]
        reg = max(reg, _gain(d, w, p))
        pr = mu * (1 - qs) + (1 - mu) * (1 - qt)
        mr = mu * (1 - qs) / pr if pr > 0 else mu
        dr = mr * oc[2, UX] + (1 - mr) * oc[3, UX]
        wr = mr * oc[2, BB] + (1 - mr) * oc[3, BB]
        reg = max(reg, _gain(dr, wr, ru))
    elif order == SIMULTANEOUS:
        nx_s, ux_s, bb_s = qs * (1 - p), (1 - qs) * p, (1 - qs) * (1 - p)
        nx_t, ux_t, bb_t = qt * (1 - p), (1 - qt) * p, (1 - qt) * (1 - p)
        for th in range(2):
            cn = cn_s if th == 0 else cn_t
            q = qs if th == 0 else qt
            c = p * cn + (1 - p) * oc[th, NX]
            r = p * oc[th, UX] + (1 - p) * oc[th, BB]
            reg = max(reg, _gain(c, r, q))
        d = pc * evu + mu * (1 - qs) * oc[2, UX] + (1 - mu) * (1 - qt) * oc[3, UX]
        w = (mu * qs * oc[2, NX] + (1 - mu) * qt * oc[3, NX] + mu * (1 - qs) * oc[2, BB]
             + (1 - mu) * (1 - qt) * oc[3, BB])
        reg = max(reg, _gain(d, w, p))
    else:  # U_FIRST
        nx_s, ux_s, bb_s = (1 - p) * a_s, p * (1 - qs), (1 - p) * (1 - a_s)
        nx_t, ux_t, bb_t = (1 - p) * a_t, p * (1 - qt), (1 - p) * (1 - a_t)
        for th in range(2):
            cn = cn_s if th == 0 else cn_t
            q = qs if th == 0 else qt
            a = a_s if th == 0 else a_t
            reg = max(reg, _gain(cn, oc[th, UX], q))
            reg = max(reg, _gain(oc[th, NX], oc[th, BB], a))
        d = pc * evu + mu * (1 - qs) * oc[2, UX] + (1 - mu) * (1 - qt) * oc[3, UX]
        w = (mu * (a_s * oc[2, NX] + (1 - a_s) * oc[2, BB])
             + (1 - mu) * (a_t * oc[3, NX] + (1 - a_t) * oc[3, BB]))
        reg = max(reg, _gain(d, w, p))
    res[R_P] = p
    res[R_QS] = qs
    res[R_QT] = qt
    res[R_M] = m
    res[R_RU] = ru
    res[R_AS] = a_s
    res[R_AT] = a_t
    res[R_REG] = reg
    res[R_PC] = pc
    # belief-weighted US and ROK values: mu·p·qS·C(S | m') = p·Pc·(m'·C(S | m'))
    res[R_WUS] = p * pc * wus + mu * (nx_s * oc[2, NX] + ux_s * oc[2, UX] + bb_s * oc[2, BB])
    res[R_WUT] = p * pc * wut + (1 - mu) * (nx_t * oc[3, NX] + ux_t * oc[3, UX] + bb_t * oc[3, BB])


@jit
def _tier(reg: float, noise: float, tol: float) -> float:
    """2: exact equilibrium (regret at rounding level), 1: within ``tol``, 0: not an equilibrium."""
    if reg <= noise:
        return 2.0
    return 1.0 if reg <= tol else 0.0


@jit
def _better(cand: np.ndarray, best: np.ndarray, noise: float, tol: float, sel: int) -> bool:
    """The selection rule: exact equilibria first, then those within ``tol``, then talks / US value /
    pessimism among equals; lowest regret when nothing is an equilibrium."""
    if best[R_REG] > 1e300:
        return True
    tier_c = _tier(cand[R_REG], noise, tol)
    tier_b = best[R_OK]
    if tier_c != tier_b:
        return tier_c > tier_b
    if tier_c == 0.0:
        return cand[R_REG] < best[R_REG]
    cont_c = cand[R_P] * cand[R_PC]
    cont_b = best[R_P] * best[R_PC]
    us_c = cand[R_WUS] + cand[R_WUT]
    us_b = best[R_WUS] + best[R_WUT]
    eps = 1e-12 * (1.0 + abs(us_c) + abs(us_b))
    if sel == SEL_US:
        if abs(us_c - us_b) > eps:
            return us_c > us_b
        return cont_c > cont_b + 1e-12
    if abs(cont_c - cont_b) > 1e-12:
        return cont_c > cont_b if sel == SEL_TALKS else cont_c < cont_b
    return us_c > us_b + eps


@jit
def _consider(mu: float, order: int, p: float, qs: float, qt: float, m: float, ru: float, a_s: float,
              a_t: float, cont: np.ndarray, oc: np.ndarray, noise: float, tol: float, sel: int,
              cand: np.ndarray, best: np.ndarray) -> None:
    if not (-1e-12 <= p <= 1 + 1e-12 and -1e-12 <= qs <= 1 + 1e-12 and -1e-12 <= qt <= 1 + 1e-12):
        return
    p = min(max(p, 0.0), 1.0)
    qs = min(max(qs, 0.0), 1.0)
    qt = min(max(qt, 0.0), 1.0)
    m = min(max(m, 0.0), 1.0)
    _evaluate(mu, order, p, qs, qt, m, ru, a_s, a_t, cont, oc, cand)
    if _better(cand, best, noise, tol, sel):
        _values(mu, order, p, qs, qt, m, ru, a_s, a_t, cont, oc, cand)
        for i in range(NRES):  # element by element: a slice copy needs numba's runtime
            best[i] = cand[i]
        best[R_OK] = _tier(cand[R_REG], noise, tol)


@jit
def _us_gap(mu: float, order: int, qs: float, qt: float, m: float, a_s: float, a_t: float,
            cont: np.ndarray, oc: np.ndarray) -> float:
    """US gain from delivering rather than withholding, given N's strategy (p-independent)."""
    evu = interp(cont, WU_S, m) + interp(cont, WU_T, m)
    if order == N_FIRST:
        return evu - (m * oc[2, NX] + (1 - m) * oc[3, NX])
    pc = mu * qs + (1 - mu) * qt
    d = pc * evu + mu * (1 - qs) * oc[2, UX] + (1 - mu) * (1 - qt) * oc[3, UX]
    if order == SIMULTANEOUS:
        w = (mu * qs * oc[2, NX] + (1 - mu) * qt * oc[3, NX] + mu * (1 - qs) * oc[2, BB]
             + (1 - mu) * (1 - qt) * oc[3, BB])
    else:
        w = (mu * (a_s * oc[2, NX] + (1 - a_s) * oc[2, BB])
             + (1 - mu) * (a_t * oc[3, NX] + (1 - a_t) * oc[3, BB]))
    return d - w


@jit
def _pure_p(mu: float, order: int, qs: float, qt: float, m: float, ru: float, a_s: float, a_t: float,
            cont: np.ndarray, oc: np.ndarray, noise: float, tol: float, sel: int, cand: np.ndarray,
            best: np.ndarray) -> None:
    """Consider the US's pure best replies (both when it is indifferent)."""
    gap = _us_gap(mu, order, qs, qt, m, a_s, a_t, cont, oc)
    if gap >= -tol:
        _consider(mu, order, 1.0, qs, qt, m, ru, a_s, a_t, cont, oc, noise, tol, sel, cand, best)
    if gap <= tol:
        _consider(mu, order, 0.0, qs, qt, m, ru, a_s, a_t, cont, oc, noise, tol, sel, cand, best)


@jit
def _post(mu: float, qs: float, qt: float) -> float:
    pc = mu * qs + (1 - mu) * qt
    return mu * qs / pc if pc > 0 else -1.0


@jit
def _q_mix(mu: float, m: float, mixing_t: bool) -> float:
    """Mixing probability that yields posterior ``m`` when the other type complies for sure."""
    if mixing_t:
        return mu * (1 - m) / ((1 - mu) * m)
    return m * (1 - mu) / (mu * (1 - m))


# rows of the per-stage table built by :func:`prepare_stage` (``pre[NPRE, G]``)
# Root lists: the cells of a piecewise-linear function that hold a root, in increasing order (row PRE_CELL + f)
# and the root _roots would take from each (row PRE_ROOT + f), their number in column G - 1 of the root row.
# Functions f: 0 the US's gap (PRE_WORK); 1 + 2·th + ru: cont[th] - target for a mixing type th given the US's
# reply ru (0 or 1) to a refusal (N-first; other orders: ru = 0).
PRE_WORK = 0  # node values of the US's gap in N-first (also the core of the simultaneous conditions)
PRE_VALS = 1  # scratch: node values of the simultaneous conditions
PRE_ROOT = 2  # rows 2..6
PRE_CELL = 7  # rows 7..11
NPRE = 12


@jit
def _cell_roots(vals: np.ndarray, root: np.ndarray, cell: np.ndarray) -> None:
    """The cells ``j`` where :func:`_roots` would find a root, in order, and that root (same arithmetic);
    their number goes to ``root[G - 1]``."""
    g = vals.shape[0]
    h = 1.0 / (g - 1)
    n = 0
    for j in range(g - 1):
        r = _cell_root(vals, j, h)
        if r < 0.0:
            continue
        root[n] = r
        cell[n] = j
        n += 1
    root[g - 1] = n


@jit
def _cells(lo: float, hi: float, g: int) -> tuple[int, int]:
    """Cells ``[a, b)`` that can meet ``[lo, hi]`` (a margin of one cell: :func:`_roots` tests each anyway)."""
    a = int(lo * (g - 1)) - 1
    b = int(hi * (g - 1)) + 2
    return max(a, 0), min(b, g - 1)


@jit
def _roots_from(root: np.ndarray, cell: np.ndarray, lo: float, hi: float, out: np.ndarray) -> int:
    """:func:`_roots` from the root list of :func:`_cell_roots`: the same roots, in the same order (the cells
    without a root, which _roots passes over, are not visited)."""
    g = root.shape[0]
    h = 1.0 / (g - 1)
    n = 0
    for i in range(int(root[g - 1])):
        j = int(cell[i])
        m0 = j * h
        m1 = (j + 1) * h
        if m1 < lo or m0 > hi:
            continue
        n = _take(root[i], lo, hi, out, n)
    return n


@jit
def _roots_in(vals: np.ndarray, lo: float, hi: float, out: np.ndarray, a: int, b: int) -> int:
    """:func:`_roots` restricted to cells ``[a, b)`` (from :func:`_cells`; the others hold no root)."""
    g = vals.shape[0]
    h = 1.0 / (g - 1)
    n = 0
    for j in range(a, b):
        if (j + 1) * h < lo or j * h > hi:
            continue
        r = _cell_root(vals, j, h)
        if r >= 0.0:
            n = _take(r, lo, hi, out, n)
    return n


@jit
def prepare_stage(order: int, cont: np.ndarray, oc: np.ndarray, pre: np.ndarray) -> float:
    """The part of :func:`solve_stage` that does not depend on the prior: fills ``pre[NPRE, G]`` and
    returns the stage's payoff scale. Solving many priors of one stage (the backward pass) prepares once."""
    g = cont.shape[1]
    scale = 1.0
    for i in range(6):
        for j in range(g):
            scale = max(scale, abs(cont[i, j]))
        for j in range(3):
            scale = max(scale, abs(oc[i, j]))
    h = 1.0 / (g - 1)
    work = pre[PRE_WORK]
    for j in range(g):
        mj = j * h
        work[j] = cont[WU_S, j] + cont[WU_T, j] - (mj * oc[2, NX] + (1 - mj) * oc[3, NX])
    _cell_roots(work, pre[PRE_ROOT], pre[PRE_CELL])
    vals = pre[PRE_VALS]
    for th in range(2):
        for v in range(2):
            if order == N_FIRST:
                ru = float(v)
                target = ru * oc[th, UX] + (1 - ru) * oc[th, BB]
            else:
                target = oc[th, UX]
            for j in range(g):
                vals[j] = cont[th, j] - target
            f = 1 + 2 * th + v
            _cell_roots(vals, pre[PRE_ROOT + f], pre[PRE_CELL + f])
    return scale


@jit_nrt
def solve_stage(mu: float, order: int, cont: np.ndarray, oc: np.ndarray, sel: int, tol_rel: float,
                work: np.ndarray, roots: np.ndarray, cand: np.ndarray, best: np.ndarray) -> None:
    """Select an equilibrium of the stage at prior ``mu``; the result (layout ``R_*``) goes to ``best``.

    ``oc[6, 3]``: breakdown values (rows N-S, N-T, US|S, US|T, ROK|S, ROK|T; columns NX, UX, BB).
    ``work``, ``roots``: scratch arrays of length ``G``; ``cand``, ``best``: length ``NRES``.
    """
    pre = np.empty((NPRE, cont.shape[1]))
    scale = prepare_stage(order, cont, oc, pre)
    work[:] = pre[PRE_WORK]
    solve_prepared(mu, order, cont, oc, sel, tol_rel, pre, scale, roots, cand, best)


@jit
def solve_prepared(mu: float, order: int, cont: np.ndarray, oc: np.ndarray, sel: int, tol_rel: float,
                   pre: np.ndarray, scale: float, roots: np.ndarray, cand: np.ndarray, best: np.ndarray) -> None:
    """:func:`solve_stage` with the stage's table and scale from :func:`prepare_stage` (same results)."""
    g = cont.shape[1]
    tol = max(tol_rel, NOISE_REL) * scale
    noise = NOISE_REL * scale
    best[:] = 0.0
    best[R_REG] = 1e301
    h = 1.0 / (g - 1)
    # US reply to a refusal in N-first (type-free payoffs), N's reply to withholding in U-first
    ru = 0.0
    if order == N_FIRST:
        dref = mu * (oc[2, UX] - oc[2, BB]) + (1 - mu) * (oc[3, UX] - oc[3, BB])
        ru = 1.0 if dref > noise else 0.0
    a_s = 1.0 if (order == U_FIRST and oc[0, NX] > oc[0, BB] + noise) else 0.0
    a_t = 1.0 if (order == U_FIRST and oc[1, NX] > oc[1, BB] + noise) else 0.0

    # 1. pure N profiles, US best reply (off-path belief: sceptical, then 1, then the prior)
    for qs_i in range(2):
        for qt_i in range(2):
            qs = float(qs_i)
            qt = float(qt_i)
            m = _post(mu, qs, qt)
            if m >= 0:
                _pure_p(mu, order, qs, qt, m, ru, a_s, a_t, cont, oc, noise, tol, sel, cand, best)
            else:
                for moff in (0.0, 1.0, mu):
                    _pure_p(mu, order, qs, qt, moff, ru, a_s, a_t, cont, oc, noise, tol, sel, cand, best)

    # node values of the US's gap in N-first (also the core of the simultaneous conditions)
    work = pre[PRE_WORK]

    for th in range(2):  # th = the mixing type; the other complies for sure
        mixing_t = th == 1
        lo, hi = (mu, 1.0) if mixing_t else (0.0, mu)
        if hi - lo <= 0:
            continue
        # (a) US mixes
        if order == N_FIRST:
            n = _roots_from(pre[PRE_ROOT], pre[PRE_CELL], lo, hi, roots)
            r_th = ru * oc[th, UX] + (1 - ru) * oc[th, BB]
            for i in range(n):
                m = roots[i]
                cn = interp(cont, th, m)
                den = cn - oc[th, NX]
                if den != 0.0:
                    p = (r_th - oc[th, NX]) / den
                    q = _q_mix(mu, m, mixing_t)
                    qs, qt = (1.0, q) if mixing_t else (q, 1.0)
                    _consider(mu, order, p, qs, qt, m, ru, a_s, a_t, cont, oc, noise, tol, sel, cand, best)
        elif order == SIMULTANEOUS:
            c_o = oc[2 + th, UX] - oc[2 + th, BB]
            a, b = _cells(lo, hi, g)
            vals = pre[PRE_VALS]
            for j in range(a, b + 1):
                mj = j * h
                if mixing_t:
                    vals[j] = mu * work[j] + (mj - mu) * c_o
                else:
                    vals[j] = (1 - mu) * work[j] + (mu - mj) * c_o
            n = _roots_in(vals, lo, hi, roots, a, b)
            for i in range(n):
                m = roots[i]
                cn = interp(cont, th, m)
                den = cn - oc[th, NX] - oc[th, UX] + oc[th, BB]
                if den != 0.0:
                    p = (oc[th, BB] - oc[th, NX]) / den
                    q = _q_mix(mu, m, mixing_t)
                    qs, qt = (1.0, q) if mixing_t else (q, 1.0)
                    _consider(mu, order, p, qs, qt, m, ru, a_s, a_t, cont, oc, noise, tol, sel, cand, best)
        # (b) the mixing type indifferent given sure delivery (US-first: in the subgame after delivery);
        # its target is oc[th, UX], or in N-first the value of refusing given the US's reply ru (0 or 1)
        v = int(ru) if order == N_FIRST else 0
        f = 1 + 2 * th + v
        n = _roots_from(pre[PRE_ROOT + f], pre[PRE_CELL + f], lo, hi, roots)
        for i in range(n):
            m = roots[i]
            q = _q_mix(mu, m, mixing_t)
            qs, qt = (1.0, q) if mixing_t else (q, 1.0)
            if order == U_FIRST:
                _pure_p(mu, order, qs, qt, m, ru, a_s, a_t, cont, oc, noise, tol, sel, cand, best)
            else:
                _consider(mu, order, 1.0, qs, qt, m, ru, a_s, a_t, cont, oc, noise, tol, sel, cand, best)

    # simultaneous: one type mixes, the other refuses, the US mixes (posterior 0 or 1)
    if order == SIMULTANEOUS and 0.0 < mu < 1.0:
        c_s = oc[2, UX] - oc[2, BB]
        c_t = oc[3, UX] - oc[3, BB]
        g0 = work[0]
        g1 = work[g - 1]
        if g0 - c_t != 0.0:  # T mixes, S refuses, m' = 0
            qt = -(mu * c_s / (1 - mu) + c_t) / (g0 - c_t)
            den = cont[CN_T, 0] - oc[1, NX] - oc[1, UX] + oc[1, BB]
            if 0 < qt < 1 and den != 0.0:
                p = (oc[1, BB] - oc[1, NX]) / den
                _consider(mu, order, p, 0.0, qt, 0.0, ru, a_s, a_t, cont, oc, noise, tol, sel, cand, best)
        if g1 - c_s != 0.0:  # S mixes, T refuses, m' = 1
            qs = -((1 - mu) * c_t / mu + c_s) / (g1 - c_s)
            den = cont[CN_S, g - 1] - oc[0, NX] - oc[0, UX] + oc[0, BB]
            if 0 < qs < 1 and den != 0.0:
                p = (oc[0, BB] - oc[0, NX]) / den
                _consider(mu, order, p, qs, 0.0, 1.0, ru, a_s, a_t, cont, oc, noise, tol, sel, cand, best)
