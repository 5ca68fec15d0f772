"""The turn loop of KTAB's SMP (Bargain–Challenge–Negotiate, ``SMPState::doBCN``) on ``[0, 1]`` arrays.

:func:`simulate` runs a batch of samples until each meets KTAB's stopping rule (or ``max_iter``);
samples that stop earlier hold their last state. Per state it records the inferred risk attitudes and
the probability of every distinct position (KTAB's "History of actors' winning probabilities").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from allied.models.smp import _numpy as sk
from allied.models.smp import params as K

Array = np.ndarray
Kernels = Any  # the fused kernels (allied.models.smp._fused, or their ahead-of-time build); None: numpy


@dataclass
class Trace:
    """Per-state records of one batch of B samples, lists over states. State t is recorded only for the
    samples still running at t (``rows[t]``, the samples whose final state is t or later): a sample that
    stopped holds its final state, which :func:`expand` repeats."""

    rows: list[Array] = field(default_factory=list)  # [n_t] sample indices
    positions: list[Array] = field(default_factory=list)  # [n_t, N, D]
    risk: list[Array] = field(default_factory=list)  # [n_t, N]
    prob: list[Array] = field(default_factory=list)  # [n_t, N]: probability of each actor's position
    unique: list[Array] = field(default_factory=list)  # [n_t, N] bool: first actor of a distinct position
    forecast: list[Array] = field(default_factory=list)  # [n_t, D]
    frac_rows: list[Array] = field(default_factory=list)  # per turn t -> t+1: the samples that moved
    frac: list[Array] = field(default_factory=list)  # ... and their step over the first step
    details: list[dict[str, Array]] = field(default_factory=list)  # per turn (state t -> t+1), all B samples


def state_index(rows: list[Array], last: Array, states: int) -> Array:
    """Row of the concatenated per-state records that holds ``out[b, t]``, the record of state
    ``min(t, last[b])`` (``rows[t]`` lists, in order, the samples whose final state is t or later)."""
    b = last.shape[0]
    counts = np.array([len(rw) for rw in rows])
    offset = np.concatenate([[0], np.cumsum(counts)[:-1]])
    t = np.minimum(np.arange(states)[None, :], last[:, None])  # [B, states]
    alive = last[None, :] >= np.arange(len(rows))[:, None]  # [T, B]: sample b recorded at state t
    rank = np.cumsum(alive, axis=1) - 1  # position of b among the samples recorded at t
    return offset[t] + rank[t, np.arange(b)[:, None]]


def expand(rows: list[Array], vals: list[Array], last: Array, states: int, index: Array | None = None) -> Array:
    """``[B, states, ...]`` from per-state records: ``out[b, t]`` is the record of state ``min(t, last[b])``."""
    if index is None:
        index = state_index(rows, last, states)
    return np.concatenate(vals)[index]


def expand_frac(tr: Trace, b: int, states: int) -> Array:
    """``[B, states]`` fractional changes (NaN for state 0 and after a sample stopped)."""
    out = np.full((b, states), np.nan)
    for k, (rw, val) in enumerate(zip(tr.frac_rows, tr.frac, strict=True)):
        if k + 1 < states:
            out[rw, k + 1] = val
    return out


def _scalar_pce(u: Array, w: Array, mask: Array, codes: dict[str, int], kern: Kernels) -> Array:
    """:func:`allied.models.smp._numpy.scalar_pce`, with the coalitions from the fused kernel if given."""
    vr, vpm, pcem = codes["VotingRule"], codes["VictoryProbModel"], codes["PCEModel"]
    if kern is None:
        return sk.scalar_pce(u, w, mask, vr, vpm, pcem)
    c = kern.coalitions(np.ascontiguousarray(u), np.ascontiguousarray(w), vr)
    return sk.pce(c, kern.victory_probs(c, vpm), mask, pcem)


def state_view(x: Array, s: Array, cap: Array, codes: dict[str, int],
               kern: Kernels = None) -> tuple[Array, Array, Array]:
    """Distances, risk attitudes and every actor's estimate of everyone's risk attitude."""
    if kern is None:
        vd = sk.distances(x, s)
        r = sk.risk_attitudes(vd, cap, codes)
    else:
        vd = kern.distances(x, s)
        full = np.ones((x.shape[0], 1, x.shape[1]), dtype=bool)
        r = sk.big_r(_scalar_pce(sk.bs_util(vd, 0.0), cap, full, codes, kern)[:, 0], codes["BigRRange"])
    rest = sk.est_nra(r[:, :, None], r[:, None, :], codes["BigRAdjust"])
    return vd, r, rest


def own_utils(vd: Array, rest: Array, kern: Kernels = None) -> Array:
    """``U^a(a, n)``: each actor's utility of every actor's position, with its own risk attitude."""
    if kern is not None:
        return kern.own_utils(vd, rest)
    return sk.bs_util(vd, np.diagonal(rest, axis1=1, axis2=2)[:, :, None])


def report(x: Array, vd: Array, rest: Array, cap: Array, codes: dict[str, int],
           kern: Kernels = None, own: Array | None = None) -> tuple[Array, Array, Array]:
    """PCE over distinct positions using each actor's own utilities (SMPState::pDist(-1)).

    Returns each actor's displayed probability (of the position it occupies), the mask of distinct
    positions (first actor of each), and the coordinates of the most probable position.
    """
    b, n, _ = x.shape
    if kern is None:
        gap = x[:, :, None, :] - x[:, None, :, :]
        equiv = np.sqrt((gap * gap).sum(-1)) < K.POS_TOL
        uniq = np.zeros((b, n), dtype=bool)
        for i in range(n):  # KTAB's greedy first-appearance rule (ueIndices)
            uniq[:, i] = ~(equiv[:, i, :i] & uniq[:, :i]).any(-1)
    else:
        equiv, uniq = kern.unique_positions(x)
    if own is None:
        own = own_utils(vd, rest, kern)
    p = _scalar_pce(own, cap, uniq[:, None, :], codes, kern)[:, 0]
    # an actor is shown the probability of the *last* distinct position it is equivalent to (posProb)
    cand = equiv & uniq[:, None, :]
    last = n - 1 - np.argmax(cand[:, :, ::-1], axis=-1)
    shown = np.take_along_axis(p, last, axis=1)
    best = np.argmax(p, axis=-1)
    fc = np.take_along_axis(x, best[:, None, None], axis=1)[:, 0]
    return shown, uniq, fc


def _challenges(vd: Array, rest: Array, stot: Array, cap: Array, hh_mode: str, codes: dict[str, int],
                both: bool, fixed_h: int = 0, kern: Kernels = None) -> tuple[Array, Array, Array | None]:
    b, n = stot.shape
    if kern is not None and hh_mode == "own":
        p, di, dj = kern.challenge_own(vd, rest, np.ascontiguousarray(stot), cap, codes["VotingRule"],
                                       codes["ThirdPartyCommit"], both)
        return p, di, dj if both else None
    if sk.use_numba(n):
        from allied.models.smp import _numba as smp_numba

        return smp_numba.challenge_matrix(vd, rest, stot, cap, codes["VotingRule"],
                                          codes["ThirdPartyCommit"], both,
                                          -1 if hh_mode == "own" else fixed_h)
    if hh_mode == "own":
        return sk.challenge_own(vd, rest, stot, cap, codes["VotingRule"], codes["ThirdPartyCommit"], both)
    ii, jj = sk.all_pairs(b, n)
    hh = np.full_like(ii, fixed_h)
    p, di, dj = sk.challenge_pairs(vd, rest, stot, cap, np.ascontiguousarray(ii), np.ascontiguousarray(jj),
                                   np.ascontiguousarray(hh), codes["VotingRule"],
                                   codes["ThirdPartyCommit"], both=both)
    shape = (b, n, n)
    return p.reshape(shape), di.reshape(shape), None if dj is None else dj.reshape(shape)


def bcn_step(
    x: Array,
    s: Array,
    cap: Array,
    vd: Array,
    r: Array,
    rest: Array,
    codes: dict[str, int],
    rng: np.random.Generator | None,
    details: bool = False,
    perspective: int | None = None,
    kern: Kernels = None,
    own: Array | None = None,
) -> tuple[Array, dict[str, Array]]:
    """One Bargain–Challenge–Negotiate turn for a batch; returns new positions (and detail tables)."""
    b, n, d = x.shape
    stot = s.sum(-1)
    vr, bm = codes["VotingRule"], codes["BargnModel"]
    own_view = perspective is None
    if kern is not None and bm == sk.BM_INIT_ONLY and codes["StateTransitions"] == 0 and not details:
        return _bcn_fused(x, s, cap, vd, r, rest, stot, codes, kern, own), {}
    p_ij, du, du_j = _challenges(vd, rest, stot, cap, "own", codes, both=details and own_view, kern=kern)
    eye = np.eye(n, dtype=bool)
    masked = np.where(eye, -np.inf, du)
    tgt = np.argmax(masked, axis=-1)  # first best target, as KTAB scans j in order
    best = np.take_along_axis(masked, tgt[:, :, None], axis=-1)[..., 0]
    has = best > K.MIN_SIG_EDU
    p_i = np.take_along_axis(p_ij, tgt[:, :, None], axis=-1)  # [B, N, 1]: P^i[i > j*]
    xi, si = x, s
    xj = np.take_along_axis(x, tgt[:, :, None], axis=1)
    sj = np.take_along_axis(s, tgt[:, :, None], axis=1)
    ivb = codes["InterVecBrgn"]
    init_i, rcvr_i = sk.interpolate(xi, si, p_i, xj, sj, 1 - p_i, ivb)
    if bm != sk.BM_INIT_ONLY:
        # KTAB takes j's estimate of i's *gain* where it means j's estimate of P[i > j] (kept as is)
        ar = np.broadcast_to(np.arange(n), (b, n))
        _, p_jq, _ = sk.challenge_pairs(vd, rest, stot, cap, np.ascontiguousarray(ar),
                                        np.ascontiguousarray(tgt), np.ascontiguousarray(tgt), vr,
                                        codes["ThirdPartyCommit"])
        p_j = p_jq[:, :, None]
        init_j, rcvr_j = sk.interpolate(xi, si, p_j, xj, sj, 1 - p_j, ivb)
    if bm == sk.BM_INIT_RCVR:
        pos_init = np.stack([init_i, init_j], axis=2).reshape(b, 2 * n, d)
        pos_rcvr = np.stack([rcvr_i, rcvr_j], axis=2).reshape(b, 2 * n, d)
        who = np.repeat(np.arange(n), 2)
        o_tgt = np.repeat(tgt, 2, axis=1)
        o_has = np.repeat(has, 2, axis=1)
    else:
        if bm == sk.BM_PW_COMP:
            wi = (cap * stot)[:, :, None]
            wj = cap[:, :, None] * np.take_along_axis(stot, tgt, axis=1)[:, :, None]  # KTAB: c_i·S_j
            pos_init = (wi * init_i + wj * init_j) / (wi + wj)
            pos_rcvr = (wi * rcvr_i + wj * rcvr_j) / (wi + wj)
        else:
            pos_init, pos_rcvr = init_i, rcvr_i
        who = np.arange(n)
        o_tgt, o_has = tgt, has
    # utility to every actor of the state after each bargain (option 0 = status quo)
    if own is None:
        own = own_utils(vd, rest, kern)  # U^a(a, n)
    rowsum = own.sum(-1)
    if kern is None:
        u_init = sk.bs_util(sk.point_distances(x, s, pos_init), r[:, :, None])
        u_rcvr = sk.bs_util(sk.point_distances(x, s, pos_rcvr), r[:, :, None])
    else:
        u_init = kern.point_utils(x, s, np.ascontiguousarray(pos_init), r)
        u_rcvr = kern.point_utils(x, s, np.ascontiguousarray(pos_rcvr), r)
    own_i = own[:, :, who]
    own_j = np.take_along_axis(own, np.broadcast_to(o_tgt[:, None, :], own_i.shape), axis=2)
    u_brg = (u_init + u_rcvr + (rowsum[:, :, None] - own_i - own_j)) / n
    u_sq = rowsum / n
    u_opt = np.concatenate([u_sq[:, :, None], np.where(o_has[:, None, :], u_brg, u_sq[:, :, None])], axis=2)
    # each actor's queue: the status quo, the bargain it proposed, the bargains proposed to it
    k_idx = np.arange(n)[None, :, None]
    member = o_has[:, None, :] & ((who[None, None, :] == k_idx) | (o_tgt[:, None, :] == k_idx))
    queue = np.concatenate([np.ones((b, n, 1), dtype=bool), member], axis=2)
    prob = _scalar_pce(u_opt, cap, queue, codes, kern)
    if codes["StateTransitions"] == 1:
        if rng is None:
            raise ValueError("stochastic state transitions need a random generator")
        u = rng.random((b, n))
        cum = np.cumsum(prob, axis=-1)
        hit = cum >= u[:, :, None]
        last_valid = queue.shape[-1] - 1 - np.argmax(queue[:, :, ::-1], axis=-1)
        choice = np.where(hit.any(-1), np.argmax(hit, axis=-1), last_valid)
    else:
        choice = np.argmax(np.where(queue, prob, -1.0), axis=-1)
    opt = choice - 1  # -1 = status quo
    safe = np.maximum(opt, 0)
    p_init = np.take_along_axis(pos_init, safe[:, :, None], axis=1)
    p_rcvr = np.take_along_axis(pos_rcvr, safe[:, :, None], axis=1)
    is_init = (who[safe] == np.arange(n))[:, :, None]
    new = np.where((opt < 0)[:, :, None], x, np.where(is_init, p_init, p_rcvr))
    det: dict[str, Array] = {}
    if details:
        if own_view:
            assert du_j is not None
            det = {"p_win": p_ij, "gain_initiator": du, "gain_receiver": du_j}
        else:
            h = 0 if perspective is None else int(perspective)
            pp, gi, gj = _challenges(vd, rest, stot, cap, "fixed", codes, both=True, fixed_h=h)
            assert gj is not None
            det = {"p_win": pp, "gain_initiator": gi, "gain_receiver": gj}
        for key in ("p_win", "gain_initiator", "gain_receiver"):
            det[key] = np.where(eye, np.nan, det[key])
        det.update(
            target=np.where(has, tgt, -1),
            bargain_initiator=np.broadcast_to(who, o_tgt.shape).copy(),
            bargain_receiver=np.where(o_has, o_tgt, -1),
            bargain_init_pos=pos_init,
            bargain_rcvr_pos=pos_rcvr,
            chosen=opt,
            option_prob=prob[:, :, 1:],
            status_quo_prob=prob[:, :, 0],
        )
    return new, det


def _bcn_fused(x: Array, s: Array, cap: Array, vd: Array, r: Array, rest: Array, stot: Array,
               codes: dict[str, int], kern: Kernels, own: Array | None) -> Array:
    """:func:`bcn_step` for one bargain per initiator and deterministic transitions, in four fused kernels
    around the numpy election (the same numbers)."""
    p_ij, du, _ = kern.challenge_own(vd, rest, np.ascontiguousarray(stot), cap, codes["VotingRule"],
                                     codes["ThirdPartyCommit"], False)
    tgt, has, pos_init, pos_rcvr = kern.bargains(du, p_ij, x, s, codes["InterVecBrgn"])
    if own is None:
        own = own_utils(vd, rest, kern)
    u_opt, queue = kern.option_utils(x, s, pos_init, pos_rcvr, r, own, tgt, has)
    prob = _scalar_pce(u_opt, cap, queue, codes, kern)
    return kern.choose(np.ascontiguousarray(prob), queue, x, pos_init, pos_rcvr)


def simulate(
    x: Array,
    s: Array,
    cap: Array,
    codes: dict[str, int],
    max_iter: int = K.MAX_ITER,
    rng: np.random.Generator | None = None,
    details: bool = False,
    perspective: int | None = None,
    kern: Kernels = None,
) -> tuple[Trace, Array]:
    """Run KTAB's SMP on ``x[B, N, D]`` (``[0, 1]`` scale). Returns the trace and ``rounds_run[B]``.

    ``kern``: the fused kernels (:func:`kernels`), which give the same numbers as numpy, faster."""
    b = x.shape[0]
    last = np.full(b, -1)  # final state index once known
    cur = np.array(x, dtype=float)
    d01 = np.zeros(b)
    tr = Trace()
    t = 0
    while True:
        alive = np.flatnonzero((last < 0) | (last >= t))
        xs = cur[alive]
        vd, r, rest = state_view(xs, s[alive], cap[alive], codes, kern)
        own = own_utils(vd, rest, kern)
        shown, uniq, fc = report(xs, vd, rest, cap[alive], codes, kern, own)
        tr.rows.append(alive)
        tr.positions.append(xs)
        tr.risk.append(r)
        tr.prob.append(shown)
        tr.unique.append(uniq)
        tr.forecast.append(fc)
        moving_local = np.flatnonzero(last[alive] < 0)
        if t >= max_iter:
            last[alive[moving_local]] = t
            moving_local = moving_local[:0]
        if moving_local.size == 0:
            break
        mv = alive[moving_local]
        sl = moving_local
        new, det = bcn_step(xs[sl], s[mv], cap[mv], vd[sl], r[sl], rest[sl], codes, rng, details, perspective,
                            kern, own[sl])
        step = np.sqrt(((new - cur[mv]) ** 2).sum(-1)).sum(-1)
        if t == 0:
            d01[mv] = step + K.MIN_SIG_DELTA
        ratio = step / d01[mv]
        t += 1
        cur[mv] = new
        tr.frac_rows.append(mv)
        tr.frac.append(ratio)
        if details:
            tr.details.append(_pad_details(det, b, mv))
        stop = (t >= max_iter) | ((t >= K.MIN_ITER) & (ratio < K.STOP_RATIO))
        last[mv[stop]] = t
    return tr, last


def _pad_details(det: dict[str, Any], b: int, rows: Array) -> dict[str, Array]:
    out: dict[str, Array] = {}
    for key, val in det.items():
        val = np.asarray(val)
        fill: Any = -1 if val.dtype.kind in "iu" else np.nan
        full = np.full((b, *val.shape[1:]), fill, dtype=val.dtype if val.dtype.kind in "iu" else float)
        full[rows] = val
        out[key] = full
    return out
