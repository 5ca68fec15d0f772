"""Array kernels of KTAB's spatial model of politics (SMP), batched over a leading sample axis ``B``.

Every function works on positions and saliences already mapped to KTAB's internal ``[0, 1]`` scale.
Notation follows ``shared/specs/smp.md``: ``vd[b, i, j]`` is actor i's salience-weighted distance from
its ideal (= its position) to actor j's position, ``R[b, i]`` the inferred risk attitudes,
``Rest[b, h, i]`` actor h's estimate of i's risk attitude. Operation order follows KTAB's code where it
is cheap to do so, so that results agree with KTAB's logs to the printed precision.

The per-turn cost is O(N³) per sample (challenges with third parties, coalitions over bargains); KTAB's
O(N⁴) logging tables (every actor's view of every challenge) are only computed on request
(:func:`challenge_pairs` with a fixed perspective, used by ``details=True``).
"""

from __future__ import annotations

import numpy as np

from allied.errors import ModelError
from allied.models.smp import params as K

Array = np.ndarray

# enum codes (index in params.CHOICES)
VR_BINARY, VR_PROPBIN, VR_PROP, VR_PROPCBC, VR_CUBIC, VR_ASYM = range(6)
VPM_LINEAR, VPM_SQUARE, VPM_QUARTIC, VPM_OCTIC, VPM_BINARY = range(5)
PCE_CONDITIONAL, PCE_MARKOV_INCENTIVE, PCE_MARKOV_UNIFORM = range(3)
TPC_NO, TPC_SEMI, TPC_FULL = range(3)
IVB_S1P1, IVB_S2P2, IVB_S2PMAX = range(3)
BM_INIT_ONLY, BM_INIT_RCVR, BM_PW_COMP = range(3)


#: from this many actors on, the O(N³) kernels run in numba (:mod:`allied.models.smp._numba`); below it
#: numpy is faster than importing numba (about a second)
NUMBA_MIN_ACTORS = 40


def use_numba(n_actors: int) -> bool:
    """Whether to run the numba kernels for ``n_actors`` actors (numba is imported lazily)."""
    if n_actors < NUMBA_MIN_ACTORS:
        return False
    try:
        import numba  # noqa: F401
    except ImportError:  # pragma: no cover - numba is a declared dependency
        return False
    return True


class KernelError(ModelError):
    """A KTAB consistency check failed (e.g. a Markov PCE that does not converge)."""


# ----------------------------------------------------------------------------- utilities and votes

def distances(x: Array, s: Array) -> Array:
    """``vd[b, i, j] = sqrt(Σ_k (s_ik (x_ik − x_jk))² / Σ_k s_ik²)`` for ``x, s`` of shape ``[B, N, D]``."""
    diff = x[:, :, None, :] - x[:, None, :, :]
    ds = diff * s[:, :, None, :]
    num = (ds * ds).sum(-1)
    den = (s * s).sum(-1)
    return np.sqrt(num / den[:, :, None])


def point_distances(x: Array, s: Array, y: Array) -> Array:
    """Distance from each actor's ideal ``x[b, a]`` to points ``y[b, o]``: ``[B, A, O]``."""
    diff = x[:, :, None, :] - y[:, None, :, :]
    ds = diff * s[:, :, None, :]
    num = (ds * ds).sum(-1)
    den = (s * s).sum(-1)
    return np.sqrt(num / den[:, :, None])


def bs_util(d: Array, r: Array | float) -> Array:
    """KTAB's scalar utility of distance ``d`` with normalised risk attitude ``r``."""
    near = (1.0 - d) * (1.0 + d * r)
    if np.all(d <= 1.0):  # always, unless a bargain rule has put a position outside [0, 1]
        return near
    return np.where(d <= 1.0, near, (1.0 - d) * (1.0 + r))


def vote(vr: int, w: Array, u1: Array, u2: Array) -> Array:
    """Vote of weight ``w`` for option 1 over option 2 under voting rule ``vr`` (Model::vote)."""
    du = u1 - u2
    if vr == VR_PROP:
        return w * du
    if vr == VR_CUBIC:
        return w * (du * du * du)
    if vr == VR_PROPCBC:
        return w * ((1 - K.PROPCBC_MIX) * du + K.PROPCBC_MIX * (du * du * du))
    if vr == VR_ASYM:
        return np.where(du < 0.0, w * du, np.where(du > 0.0, (2.0 * w * du) / 3.0, 0.0))
    rbin = np.clip(du / K.BIN_TOL, -1.0, 1.0)
    if vr == VR_BINARY:
        return w * rbin
    if vr == VR_PROPBIN:
        return w * ((1 - K.PROPBIN_MIX) * du + K.PROPBIN_MIX * rbin)
    raise ValueError(f"unknown voting rule code {vr}")


def est_nra(rh: Array, ri: Array, ra: int) -> Array:
    """Actor h's estimate of actor i's risk attitude under BigRAdjust ``ra`` (Model::estNRA)."""
    if ra == 4:
        return ri + 0.0 * rh
    if ra == 3:
        return (rh + (2.0 * ri)) / 3.0
    if ra == 2:
        return (rh + ri) / 2
    if ra == 1:
        return ((2.0 * rh) + ri) / 3.0
    return rh + 0.0 * ri


def big_r(p: Array, rr: int) -> Array:
    """Risk attitudes from the probabilities ``p[B, N]`` of the actors' positions (bigRfromProb)."""
    pmin = np.minimum(p.min(-1, keepdims=True), 1.0)
    pmax = np.maximum(p.max(-1, keepdims=True), 0.0)
    span = pmax - pmin
    flat = span <= 0.0  # every position equally likely (e.g. all actors agree): risk neutral
    span = np.where(flat, 1.0, span)
    if rr == 0:
        r = (p - pmin) / span
    elif rr == 1:
        r = (3 * p - (pmax + 2 * pmin)) / (2 * span)
    else:
        r = (2 * p - (pmax + pmin)) / span
    return np.where(flat, 0.0, r)


# ----------------------------------------------------------------------------- coalitions and PCE

def coalitions(u: Array, w: Array, vr: int) -> Array:
    """Coalition strengths ``C[b, a, o]`` between options from utilities ``u[B, A, O]`` and weights ``w[B, A]``.

    As in Model::coalitions only the lower-left pairs ``a > o`` are voted on; ``C[o, a]`` collects the
    negative votes of that pair (this matters only for the asymmetric ASymProsp rule).
    """
    if use_numba(u.shape[1]):
        from allied.models.smp import _numba as smp_numba

        return smp_numba.coalitions(u, w, vr)
    n_opt = u.shape[-1]
    lo_a, lo_o = np.tril_indices(n_opt, -1)
    v = vote(vr, w[:, :, None], u[:, :, lo_a], u[:, :, lo_o])  # [B, A, pairs]: v_k(a:o), a > o
    pos = np.maximum(v, 0.0).sum(1)
    neg = -np.minimum(v, 0.0).sum(1)
    c = np.full((u.shape[0], n_opt, n_opt), K.MIN_COALITION)
    c[:, lo_a, lo_o] = K.MIN_COALITION + pos
    c[:, lo_o, lo_a] = K.MIN_COALITION + neg
    return c


def victory_probs(c: Array, vpm: int) -> Array:
    """``P[b, a, o]`` = probability that option a beats option o, from coalition strengths (Model::vProb)."""
    n_opt = c.shape[-1]
    ct = np.swapaxes(c, -1, -2)
    eye = np.eye(n_opt, dtype=bool)
    if vpm != VPM_BINARY:
        if vpm == VPM_LINEAR:
            x1, x2 = c, ct
        elif vpm == VPM_SQUARE:
            x1, x2 = c * c, ct * ct
        elif vpm == VPM_QUARTIC:
            x1, x2 = (c * c) * (c * c), (ct * ct) * (ct * ct)
        else:
            q1, q2 = (c * c) * (c * c), (ct * ct) * (ct * ct)
            x1, x2 = q1 * q1, q2 * q2
        return np.where(eye, 0.5, x1 / (x1 + x2))
    # Binary: decided from the lower-left pair (s1 = C[a, o], s2 = C[o, a], a > o)
    s1, s2 = c, ct
    thr = K.BINARY_VP_THRESHOLD
    r12 = s1 / (s1 + s2)
    p12 = (r12 * (thr + 1.0) - 1.0) / (thr - 1.0)
    x1 = np.where(s1 >= thr * s2, 1.0, np.where(s2 >= thr * s1, K.BINARY_VP_MIN, p12))
    x2 = np.where(s1 >= thr * s2, K.BINARY_VP_MIN, np.where(s2 >= thr * s1, 1.0, 1 - p12))
    p1 = x1 / (x1 + x2)
    p2 = x2 / (x1 + x2)
    lower = np.tri(n_opt, k=-1, dtype=bool)
    return np.where(eye, 0.5, np.where(lower, p1, np.swapaxes(p2, -1, -2)))


def pce(c: Array, p: Array, mask: Array, pcem: int) -> Array:
    """Probabilistic Condorcet election in each queue.

    ``c, p``: ``[B, O, O]`` coalitions and victory probabilities over all options; ``mask[B, Q, O]``
    says which options are in queue q. Returns ``[B, Q, O]`` probabilities (0 outside the queue).
    """
    m = mask.astype(bool)
    mf = m.astype(float)
    if pcem == PCE_CONDITIONAL:
        # p_a ∝ Π_{b in queue} P[a > b], in logs: Σ_b m_b log P[a, b] for every queue at once
        with np.errstate(divide="ignore"):
            logp = np.log(p)
        # einsum rather than matmul: multithreaded BLAS is many times slower on a busy machine
        lq = np.einsum("zqb,zab->zqa", mf, logp)  # [B, Q, O]
        lq = np.where(m, lq, -np.inf)
        q = np.exp(lq - lq.max(-1, keepdims=True))
        return q / q.sum(-1, keepdims=True)
    n = mf.sum(-1, keepdims=True)
    prob = mf / n
    active = np.ones(m.shape[:2], dtype=bool)
    if pcem == PCE_MARKOV_UNIFORM:
        tol = K.MARKOV_UNIFORM_TOL
        pmask = p[:, None, :, :] * mf[:, :, None, :]  # [B, Q, O, O], columns outside the queue zeroed
        for _ in range(K.MARKOV_MAX_ITER):
            # q_a = (1/n) Σ_b P[a,b] (p_a + p_b)
            q = (pmask.sum(-1) * prob + np.einsum("zqab,zqb->zqa", pmask, prob)) / n
            q = q * mf
            change = np.abs(q - prob).max(-1)
            prob = np.where(active[..., None], (prob + q) / 2.0, prob)
            active &= change > tol
            if not active.any():
                return prob
        raise KernelError("Markov-uniform PCE did not converge in 1000 iterations")
    # Markov incentive
    tol = K.MARKOV_INCENTIVE_TOL
    o = p.shape[-1]
    inc = c * p + K.MARKOV_INCENTIVE_EPS * np.eye(o)  # n(a -> b)
    incq = inc[:, None, :, :] * mf[:, :, :, None]  # only challengers in the queue
    chlg = incq / np.where(m[:, :, None, :], incq.sum(-2, keepdims=True), 1.0)  # π(a -> b)
    pq = p[:, None, :, :] * mf[:, :, None, :] * mf[:, :, :, None]
    for _ in range(K.MARKOV_MAX_ITER):
        ct = prob[:, :, :, None] * np.swapaxes(chlg, -1, -2)  # ct[a, b] = p_a π(b -> a)
        q = (pq * (ct + np.swapaxes(ct, -1, -2))).sum(-1)
        change = np.abs(q - prob).max(-1)
        prob = np.where(active[..., None], (prob + q) / 2.0, prob)
        active &= change > tol
        if not active.any():
            return prob
    raise KernelError("Markov-incentive PCE did not converge in 1000 iterations")


def scalar_pce(u: Array, w: Array, mask: Array, vr: int, vpm: int, pcem: int) -> Array:
    """KTAB's scalarPCE over options ``u[B, A, O]`` for queues ``mask[B, Q, O]`` → ``[B, Q, O]``."""
    c = coalitions(u, w, vr)
    p = victory_probs(c, vpm)
    return pce(c, p, mask, pcem)


# ----------------------------------------------------------------------------- risk attitudes

def risk_attitudes(vd: Array, cap: Array, codes: dict[str, int]) -> Array:
    """Inferred risk attitudes ``R[B, N]`` of the current state (SMPState::setAllAUtil, steps 1–3)."""
    u0 = bs_util(vd, 0.0)
    full = np.ones((*vd.shape[:1], 1, vd.shape[-1]), dtype=bool)
    p = scalar_pce(u0, cap, full, codes["VotingRule"], codes["VictoryProbModel"], codes["PCEModel"])[:, 0]
    return big_r(p, codes["BigRRange"])


# ----------------------------------------------------------------------------- challenges

def challenge_pairs(
    vd: Array,
    rest: Array,
    sal_tot: Array,
    cap: Array,
    ii: Array,
    jj: Array,
    hh: Array,
    vr: int,
    tpc: int,
    both: bool = False,
) -> tuple[Array, Array, Array | None]:
    """Expected utility of challenges (SMPState::probEduChlg) for pairs ``(i, j)`` seen by ``h``.

    ``ii, jj, hh``: ``[B, P]`` actor indices. Returns ``P^h[i > j]``, h's estimate of the change in i's
    utility (``k = i``) and, when ``both``, in j's utility (``k = j``), each ``[B, P]``.
    """
    w = sal_tot * cap
    vdt = np.swapaxes(vd, -1, -2)  # vdt[b, m, n] = vd[b, n, m]
    rr = np.take_along_axis(rest, hh[:, :, None], axis=1)  # [B, P, N]: r^h_n
    vd_ni = np.take_along_axis(vdt, ii[:, :, None], axis=1)  # d_n(x_i)
    vd_nj = np.take_along_axis(vdt, jj[:, :, None], axis=1)  # d_n(x_j)
    uni = bs_util(vd_ni, rr)
    unj = bs_util(vd_nj, rr)
    uij = np.take_along_axis(unj, ii[:, :, None], axis=2)[..., 0]  # U^h(i, j)
    uji = np.take_along_axis(uni, jj[:, :, None], axis=2)[..., 0]  # U^h(j, i)
    uii = np.ones_like(uij)  # d_i(x_i) = 0 exactly, so u = 1 whatever the risk attitude
    ujj = uii
    wi = np.take_along_axis(w, ii, axis=1)
    wj = np.take_along_axis(w, jj, axis=1)
    sj = np.take_along_axis(sal_tot, jj, axis=1)
    ci = vote(vr, wi, uii, uij)
    cj = vote(vr, wj, uji, ujj)
    chij = K.MIN_CHALLENGE_COALITION + np.where(ci > 0, ci, 0.0) + np.where(cj > 0, cj, 0.0)
    chji = K.MIN_CHALLENGE_COALITION - np.where(ci < 0, ci, 0.0) - np.where(cj < 0, cj, 0.0)
    # third parties: the "little contest" with the principals only, then their vote
    wn = w[:, None, :]
    v0 = vote(vr, wn, uni, unj)
    c_i, c_j = chij[..., None], chji[..., None]
    cni = np.where(v0 > 0, c_i + v0, c_i)
    cnj = np.where(v0 < 0, c_j - v0, c_j)
    pin = cni / (cni + cnj)
    pjn = 1.0 - pin
    a, b_, c_, d_ = third_party_values(tpc, uni, unj)
    vn = vote(vr, wn, pin * a + pjn * b_, pin * c_ + pjn * d_)
    n_idx = np.arange(vd.shape[-1])
    third = (n_idx != ii[:, :, None]) & (n_idx != jj[:, :, None])
    chij = chij + np.where(third & (vn > 0), vn, 0.0).sum(-1)
    chji = chji + np.where(third & (vn < 0), -vn, 0.0).sum(-1)
    p_ij = chij / (chij + chji)
    p_ji = chji / (chij + chji)
    du_i = _edu(uii + uij, uii + uii, uij + uij, p_ij, p_ji, sj)
    du_j = _edu(uji + ujj, uji + uji, ujj + ujj, p_ij, p_ji, sj) if both else None
    return p_ij, du_i, du_j


def third_party_values(tpc: int, uni: Array, unj: Array) -> tuple[Array, Array, Array, Array]:
    """A third party's summed utility over the three positions after each contest outcome (spec §5
    ThirdPartyCommit table): (ik beats j, j beats ik, i beats jk, jk beats i); ``U(n, n) = 1``."""
    if tpc == TPC_FULL:
        a = uni + uni + uni
        b_ = unj + unj + unj
        return a, b_, a, b_
    if tpc == TPC_SEMI:
        return uni + uni + 1.0, unj + unj + unj, uni + uni + uni, unj + unj + 1.0
    a = uni + uni + 1.0
    b_ = unj + unj + 1.0
    return a, b_, a, b_


def challenge_own(vd: Array, rest: Array, sal_tot: Array, cap: Array, vr: int, tpc: int,
                  both: bool = False) -> tuple[Array, Array, Array | None]:
    """:func:`challenge_pairs` for every pair (i, j) seen by the initiator (h = i), as ``[B, N, N]``.

    Broadcasts over ``[B, I, J, N]`` instead of gathering, so only the terms that depend on j and the
    third party n are N³; the diagonal (i = j) is meaningless.
    """
    w = sal_tot * cap
    vdt = np.swapaxes(vd, -1, -2)
    uni = bs_util(vdt, rest)[:, :, None, :]  # [B, I, 1, N]: U^i(n, i)
    unj = bs_util(vdt[:, None, :, :], rest[:, :, None, :])  # [B, I, J, N]: U^i(n, j)
    r_ii = np.diagonal(rest, axis1=1, axis2=2)[:, :, None]
    uij = bs_util(vd, r_ii)  # U^i(i, j)
    uji = bs_util(vdt, rest)  # U^i(j, i) = bs(d_j(x_i), r^i_j)
    ones = np.ones_like(uij)
    ci = vote(vr, w[:, :, None], ones, uij)
    cj = vote(vr, w[:, None, :], uji, ones)
    chij = K.MIN_CHALLENGE_COALITION + np.where(ci > 0, ci, 0.0) + np.where(cj > 0, cj, 0.0)
    chji = K.MIN_CHALLENGE_COALITION - np.where(ci < 0, ci, 0.0) - np.where(cj < 0, cj, 0.0)
    wn = w[:, None, None, :]
    v0 = vote(vr, wn, uni, unj)
    c_i, c_j = chij[..., None], chji[..., None]
    cni = c_i + np.maximum(v0, 0.0)  # adding an exact 0 leaves c_i unchanged, as KTAB's branch does
    cnj = c_j - np.minimum(v0, 0.0)
    pin = cni / (cni + cnj)
    pjn = 1.0 - pin
    a, b_, c_, d_ = third_party_values(tpc, uni, unj)
    vn = vote(vr, wn, pin * a + pjn * b_, pin * c_ + pjn * d_)
    n = vd.shape[-1]
    eye = np.eye(n, dtype=bool)
    vn = vn * ~(eye[:, None, :] | eye[None, :, :])  # only third parties (n is neither i nor j) vote
    chij = chij + np.maximum(vn, 0.0).sum(-1)
    chji = chji - np.minimum(vn, 0.0).sum(-1)
    p_ij = chij / (chij + chji)
    p_ji = chji / (chij + chji)
    du_i = _edu(ones + uij, ones + ones, uij + uij, p_ij, p_ji, sal_tot[:, None, :])
    du_j = _edu(uji + ones, uji + uji, ones + ones, p_ij, p_ji, sal_tot[:, None, :]) if both else None
    return p_ij, du_i, du_j


def _edu(eu_sq: Array, u_win: Array, u_lose: Array, p_ij: Array, p_ji: Array, sj: Array) -> Array:
    eu_contest = p_ij * u_win + p_ji * u_lose
    eu_chlg = (1 - sj) * u_win + sj * eu_contest
    return eu_chlg - eu_sq


def all_pairs(b: int, n: int) -> tuple[Array, Array]:
    """Index arrays ``[B, N*N]`` for every ordered pair (i, j)."""
    ii = np.repeat(np.arange(n), n)
    jj = np.tile(np.arange(n), n)
    return np.broadcast_to(ii, (b, n * n)), np.broadcast_to(jj, (b, n * n))


# ----------------------------------------------------------------------------- bargains

def _round4(x: Array) -> Array:
    return np.trunc(0.5 + x * K.BARGAIN_ROUND) / K.BARGAIN_ROUND


def interpolate(ti: Array, si: Array, pi: Array, tj: Array, sj: Array, pj: Array, ivb: int) -> tuple[Array, Array]:
    """Bargain positions for initiator and receiver (SMPActor::interpolateBrgn), per dimension.

    ``ti, si, tj, sj``: ``[..., D]``; ``pi, pj``: ``[..., 1]``.
    """
    mw = K.BARGAIN_MIN_W
    if ivb == IVB_S2PMAX:
        di = np.where(pj > pi, pj - pi, 0.0)
        dj = np.where(pi > pj, pi - pj, 0.0)
        si2, sj2 = si * si, sj * sj
        dik = (di * sj2) / ((di * sj2) + mw + ((1 - di) * si2))
        djk = (dj * si2) / ((dj * si2) + mw + ((1 - dj) * sj2))
        return ti + dik * (tj - ti), tj + djk * (ti - tj)
    if ivb == IVB_S1P1:
        wik, wjk = si * pi, sj * pj
    else:
        wik, wjk = (si * si) * (pi * pi), (sj * sj) * (pj * pj)
    bi = _round4(((wik + mw) * ti + wjk * tj) / (wik + mw + wjk))
    bj = _round4((wik * ti + (mw + wjk) * tj) / (wik + mw + wjk))
    return bi, bj
