"""Numba kernel of the equal-gain exchange model (see :mod:`allied.models.exchange` for the model).

Positions are on the internal 0–100 scale. One call runs every round of every sample in the batch;
exchanges within a round are sequential by nature, so the loops are scalar (numba). The state of a
candidate exchange ``e`` is kept in flat arrays indexed by ``e`` and a side ``k``: side 0 is the
package's actor *i* (the one with the higher salience ratio s_p/s_q, who supplies on q), side 1 its
actor *j* (supplies on p). Each side supplies on ``sup[e, k]`` and demands on ``sup[e, 1 - k]``.

Quirks kept on purpose, because the reference outputs depend on them (all from decide-exchange-model,
``decide/model/base.py`` and ``equalgain.py``):

* the outcome an exchange sees is the round-start weighted mean, corrected only by the voting
  positions recorded in that exchange's own ``updates`` (positions of suppliers of realised
  exchanges that shared a demanding actor-issue with it), not by every exchange realised so far;
* each side keeps a history of computed moves; a move is valid only if every move in that history
  has the same sign, the signed sum stays <= 100 and the position stays inside [0, 100];
* the outcome cap (``check_nbs``) rescales an exchange so that the outcome stops exactly at the
  demanding actor's position;
* the order among exactly tied gains is the order of a stable sort repeated after every realised
  exchange (``ALLOW_RANDOM = False``), which :func:`_run_round` reproduces without re-sorting.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

#: gains are ranked after rounding to the nearest 1 / _QUANT = 1e-9, and gains that round alike tie (list
#: order decides): gains under 1e-9 apart usually tie, but not across a rounding boundary (k + 0.5) 1e-9
_QUANT = 1e9
#: tolerance for "the new position stays inside [0, 100]" (the package computes in 28-digit decimals)
_EDGE = 1e-9
#: distance from the partner's position below which an outcome counts as sitting on it
_CAP_TOL = 1e-9
#: number of float fields per realised exchange record
NREC = 13
#: number of int fields per realised exchange record
NIREC = 7


@njit(cache=True, nogil=True, inline="always")
def _adj(newpos, cur, x_ad, s0_d, updd_ek, cs_ad, w_d):  # pragma: no cover - numba
    """Weighted mean of a side's supply issue ``d`` as its exchange ``e`` sees it, with that side (actor
    ``a``) at ``newpos``: ``cur`` is ``upd[e, k, a]``, ``updd_ek`` is ``updd[e, k]``, the rest are the
    issue's and actor's entries (scalars, so the inlined helper passes no arrays)."""
    if w_d == 0.0:
        return 0.0
    if math.isnan(cur):
        cur = x_ad
    return (s0_d + updd_ek + cs_ad * (newpos - cur)) / w_d


@njit(cache=True, nogil=True, inline="always")
def _move_ok(m, pos_ek, hsum_ek, hmin_ek, hmax_ek):  # pragma: no cover - numba
    """Whether move ``m`` is valid for a side at ``pos_ek`` with that history (sum, min, max)."""
    am = abs(m)
    if am > 100.0 or am <= 1e-10:
        return False
    p = pos_ek + m
    if p < -_EDGE or p > 100.0 + _EDGE:
        return False
    if hsum_ek + m > 100.0:
        return False
    lo = min(hmin_ek, m)
    hi = max(hmax_ek, m)
    return (lo < 0.0 and hi < 0.0) or (lo > 0.0 and hi > 0.0)


@njit(cache=True, nogil=True, inline="always")
def _calculate(e, act, sup, pos, y, mv, has, hsum, hmin, hmax, gain, valid, upd, updd,
               x, s, cs, s0, w):  # pragma: no cover - numba
    """Equal-gain moves of exchange ``e`` from its sides' current supply positions."""
    ai = act[e, 0]
    aj = act[e, 1]
    q = sup[e, 0]
    p = sup[e, 1]
    s_iq = s[ai, q]
    s_ip = s[ai, p]
    s_jq = s[aj, q]
    s_jp = s[aj, p]
    cs_i = cs[ai, q]
    cs_j = cs[aj, p]
    x_idem = x[ai, p]
    x_jdem = x[aj, q]
    pos_i = pos[e, 0]
    pos_j = pos[e, 1]
    dist_j = abs(x_idem - pos_j)
    dist_i = abs(x_jdem - pos_i)
    # j moves all the way to i's position on p; i's move on q follows from equal gain
    dp = dist_j * cs_j / w[p]
    dq = ((s_jp + s_ip) / (s_jq + s_iq)) * dp
    m_i = dq * w[q] / cs_i
    m_j = dist_j
    if abs(m_i) > dist_i:  # i would overshoot j: i moves all the way instead
        dq = dist_i * cs_i / w[q]
        dp = ((s_iq + s_jq) / (s_ip + s_jp)) * dq
        m_i = dist_i
        m_j = dp * w[p] / cs_j
    if pos_i > x_jdem:
        m_i = -m_i
    if pos_j > x_idem:
        m_j = -m_j
    # append each side's move to its history (written out, not _push: an inlined helper's array arguments
    # cost an atomic reference count each, which dominated the kernel)
    for k in range(2):
        if has[e, k]:
            last = mv[e, k]
            hsum[e, k] += last
            hmin[e, k] = min(hmin[e, k], last)
            hmax[e, k] = max(hmax[e, k], last)
        mv[e, k] = m_i if k == 0 else m_j
        has[e, k] = True
    y[e, 0] = pos_i + m_i
    y[e, 1] = pos_j + m_j
    g = abs(dq * s_iq - dp * s_ip)
    gain[e] = g
    ok = (_move_ok(m_i, pos[e, 0], hsum[e, 0], hmin[e, 0], hmax[e, 0])
          and _move_ok(m_j, pos[e, 1], hsum[e, 1], hmin[e, 1], hmax[e, 1]))
    if g < 1e-10:
        ok = False
    if ok:
        # cap each side's move (side 0, then side 1) so the outcome does not pass the partner's
        # (demanding) position (written out, not a helper: see the history above)
        for k in range(2):
            o = 1 - k
            a = act[e, k]
            b = act[e, o]
            si = sup[e, k]
            ti = sup[e, o]
            cur = upd[e, k, a]
            n0 = _adj(pos[e, k], cur, x[a, si], s0[si], updd[e, k], cs[a, si], w[si])
            n1 = _adj(y[e, k], cur, x[a, si], s0[si], updd[e, k], cs[a, si], w[si])
            xt = x[b, si]
            d0 = xt - n0
            d1 = xt - n1
            # the package tests (d0 >= 0 and d1 >= 0) or (d0 <= 0 and d1 <= 0) in 28-digit decimals; a distance
            # within _CAP_TOL counts as zero here (exact arithmetic), so only a clear crossing is capped
            if not ((d0 > _CAP_TOL and d1 < -_CAP_TOL) or (d0 < -_CAP_TOL and d1 > _CAP_TOL)):
                continue
            # the move that puts the outcome exactly on the partner's position (the package sums every actor
            # here, the mover included at its current position, so this is a move and not a position)
            tot = s0[si] + updd[e, k]
            if math.isnan(upd[e, k, a]):
                tot += cs[a, si] * (pos[e, k] - x[a, si])
            delta = abs((xt * w[si] - tot) / cs[a, si])
            r_s = delta * cs[a, si] / w[si]
            r_t = ((s[a, si] + s[b, si]) / (s[a, ti] + s[b, ti])) * r_s
            m_o = abs(r_t * w[ti] / cs[b, ti])
            m_a = delta
            if pos[e, o] > x[a, ti]:
                m_o = -m_o
            if pos[e, k] > xt:
                m_a = -m_a
            mv[e, o] = m_o
            mv[e, k] = m_a
            y[e, o] = pos[e, o] + m_o
            y[e, k] = pos[e, k] + m_a
            gain[e] = abs(r_t * s[b, ti] - r_s * s[b, si])
        ok = (_move_ok(mv[e, 0], pos[e, 0], hsum[e, 0], hmin[e, 0], hmax[e, 0])
              and _move_ok(mv[e, 1], pos[e, 1], hsum[e, 1], hmin[e, 1], hmax[e, 1]))
    valid[e] = ok


@njit(cache=True, nogil=True, inline="always")
def _set_update(e, slot, a, val, sup, upd, updd, x, cs):  # pragma: no cover - numba
    d = sup[e, slot]
    cur = upd[e, slot, a]
    if math.isnan(cur):
        cur = x[a, d]
    updd[e, slot] += cs[a, d] * (val - cur)
    upd[e, slot, a] = val


@njit(cache=True, nogil=True, inline="always")
def _recalc(e, r, act, sup, pos, y, mv, has, hsum, hmin, hmax, gain, valid, upd, updd,
            x, s, cs, s0, w):  # pragma: no cover - numba
    """Bring exchange ``e`` up to date after exchange ``r`` was realised; True when it was recomputed."""
    matched = e - e - 1  # a plain int64 (a literal would make numba compile extra versions)
    for k in range(2):
        for kr in range(2):
            if act[e, k] == act[r, kr] and sup[e, k] == sup[r, kr]:
                pos[e, k] = y[r, kr]
                matched = k
                break
    re = False
    if matched >= 0:
        # the package appends the realised move to the matched side and pops the last move of both
        # sides: the matched side's history is unchanged, the other side loses its last move
        has[e, 1 - matched] = False
        re = True
    for kr in (1, 0):
        dem_actor = act[r, kr]
        dem_issue = sup[r, 1 - kr]
        if (dem_actor == act[e, 1] and dem_issue == sup[e, 0]) or (dem_actor == act[e, 0] and dem_issue == sup[e, 1]):
            slot = 0 if dem_issue == sup[e, 0] else 1
            sa = act[r, 1 - kr]
            ys = y[r, 1 - kr]
            cur = upd[e, slot, sa]
            if math.isnan(cur):
                val = ys
            elif x[sa, dem_issue] <= cur:
                val = cur if cur < ys else ys
            else:
                val = cur if cur > ys else ys
            _set_update(e, slot, sa, val, sup, upd, updd, x, cs)
            if not re:
                has[e, 0] = False
                has[e, 1] = False
                re = True
    if re:
        _calculate(e, act, sup, pos, y, mv, has, hsum, hmin, hmax, gain, valid, upd, updd, x, s, cs, s0, w)
    return re


@njit(cache=True, nogil=True, inline="always")
def _qgain(g):  # pragma: no cover - numba
    return np.int64(math.floor(g * _QUANT + 0.5))


@njit(cache=True, nogil=True)
def _sort_entrants(idx, n, oldq, oldtb):  # pragma: no cover - numba
    """Insertion sort of ``idx[:n]`` into old list order: old gain descending, then old tie rank."""
    for i in range(1, n):
        v = idx[i]
        j = i - 1
        while j >= 0 and (oldq[idx[j]] < oldq[v] or (oldq[idx[j]] == oldq[v] and oldtb[idx[j]] > oldtb[v])):
            idx[j + 1] = idx[j]
            j -= 1
        idx[j + 1] = v


@njit(cache=True, nogil=True)
def _run_round(x, s, cs, present, random_ties, frec, irec, ext, inner, nrec, sample, rnd):  # pragma: no cover
    """One round: candidates, sequential exchanges, voting positions. Returns voting, new preferences,
    record buffers (possibly grown) and the record count."""
    n_a, n_d = x.shape
    w = np.zeros(n_d)
    s0 = np.zeros(n_d)
    for d in range(n_d):
        for a in range(n_a):
            if present[a, d]:
                w[d] += cs[a, d]
                s0[d] += cs[a, d] * x[a, d]
    nbs = np.zeros(n_d)
    for d in range(n_d):
        nbs[d] = s0[d] / w[d] if w[d] != 0.0 else 0.0
    left = np.zeros((n_a, n_d), dtype=np.int64)
    for a in range(n_a):
        for d in range(n_d):
            if present[a, d] and x[a, d] <= nbs[d]:
                left[a, d] = 1
    # count candidates, then fill them in the package's order
    grp = np.full(n_a, -1, dtype=np.int64)
    n = 0
    for p in range(n_d):
        for q in range(p + 1, n_d):
            cnt = np.zeros(4, dtype=np.int64)
            for a in range(n_a):
                if present[a, p] and present[a, q]:
                    cnt[left[a, p] | (left[a, q] * 2)] += 1
            n += cnt[0] * cnt[3] + cnt[1] * cnt[2]
    act = np.zeros((n, 2), dtype=np.int64)
    sup = np.zeros((n, 2), dtype=np.int64)
    kind = np.zeros(n, dtype=np.int64)
    pos = np.zeros((n, 2))
    y = np.zeros((n, 2))
    mv = np.zeros((n, 2))
    has = np.zeros((n, 2), dtype=np.bool_)
    hsum = np.zeros((n, 2))
    hmin = np.full((n, 2), np.inf)
    hmax = np.full((n, 2), -np.inf)
    gain = np.zeros(n)
    valid = np.zeros(n, dtype=np.bool_)
    upd = np.full((n, 2, n_a), np.nan)
    updd = np.zeros((n, 2))
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
                        # the actor with the higher s_p/s_q demands p and supplies q (side 0)
                        ri = s[i, p] * s[j, q]
                        rj = s[j, p] * s[i, q]
                        if ri < rj - 1e-12 * max(abs(ri), abs(rj)):
                            act[ne, 0] = j
                            act[ne, 1] = i
                        else:
                            act[ne, 0] = i
                            act[ne, 1] = j
                        sup[ne, 0] = q
                        sup[ne, 1] = p
                        kind[ne] = kd
                        pos[ne, 0] = x[act[ne, 0], q]
                        pos[ne, 1] = x[act[ne, 1], p]
                        ok = True
                        for k in range(2):
                            if cs[act[ne, k], sup[ne, k]] <= 0.0 or cs[act[ne, k], sup[ne, 1 - k]] <= 0.0:
                                ok = False
                        if ok:
                            _calculate(ne, act, sup, pos, y, mv, has, hsum, hmin, hmax, gain, valid, upd, updd,
                                       x, s, cs, s0, w)
                        ne += 1
    # the list: active candidates ordered by (quantised gain desc, tie rank asc)
    active = valid.copy()
    qg = np.zeros(n, dtype=np.int64)
    tb = np.arange(n).astype(np.int64)
    for e in range(n):
        qg[e] = _qgain(gain[e])
    lo_ctr = np.int64(0)
    hi_ctr = np.int64(n)
    oldq = qg.copy()
    oldtb = tb.copy()
    front = np.zeros(n, dtype=np.int64)
    back = np.zeros(n, dtype=np.int64)
    realised = np.zeros(n, dtype=np.int64)
    n_real = 0
    o0 = np.zeros(2)  # outcomes of the realised exchange's two issues before and after (overwritten each time)
    o1 = np.zeros(2)
    while True:
        best = n - n - 1
        second = n - n - 1
        for e in range(n):
            if not active[e]:
                continue
            if best < 0 or qg[e] > qg[best] or (qg[e] == qg[best] and tb[e] < tb[best]):
                second = best
                best = e
            elif second < 0 or qg[e] > qg[second] or (qg[e] == qg[second] and tb[e] < tb[second]):
                second = e
        if best < 0:
            break
        if random_ties and second >= 0 and qg[second] == qg[best] and np.random.random() >= 0.5:
            tb[best] = hi_ctr  # the package puts the passed-over exchange at the end of its list
            hi_ctr += 1
            best = second
        active[best] = False
        r = best
        realised[n_real] = r
        n_real += 1
        # record it before the others change
        if nrec >= frec.shape[0]:
            cap = 2 * frec.shape[0] + 16
            f2 = np.zeros((cap, frec.shape[1]))
            i2 = np.zeros((cap, irec.shape[1]), dtype=np.int64)
            e2 = np.full((cap, n_a), np.nan)
            in2 = np.zeros((cap, n_a), dtype=np.bool_)
            f2[:nrec] = frec[:nrec]
            i2[:nrec] = irec[:nrec]
            e2[:nrec] = ext[:nrec]
            in2[:nrec] = inner[:nrec]
            frec, irec, ext, inner = f2, i2, e2, in2
        for k in range(2):
            ak = act[r, k]
            dk = sup[r, k]
            o0[k] = _adj(pos[r, k], upd[r, k, ak], x[ak, dk], s0[dk], updd[r, k], cs[ak, dk], w[dk])
            o1[k] = _adj(y[r, k], upd[r, k, ak], x[ak, dk], s0[dk], updd[r, k], cs[ak, dk], w[dk])
        irec[nrec, 0] = sample
        irec[nrec, 1] = rnd
        irec[nrec, 2] = act[r, 0]
        irec[nrec, 3] = sup[r, 0]
        irec[nrec, 4] = act[r, 1]
        irec[nrec, 5] = sup[r, 1]
        irec[nrec, 6] = kind[r]
        frec[nrec, 0] = pos[r, 0]
        frec[nrec, 1] = y[r, 0]
        frec[nrec, 2] = pos[r, 1]
        frec[nrec, 3] = y[r, 1]
        frec[nrec, 4] = gain[r]
        frec[nrec, 5] = o0[0]
        frec[nrec, 6] = o1[0]
        frec[nrec, 7] = o0[1]
        frec[nrec, 8] = o1[1]
        frec[nrec, 9] = x[act[r, 0], sup[r, 1]]  # side 0's own (demand) position
        frec[nrec, 10] = x[act[r, 1], sup[r, 0]]
        frec[nrec, 11] = s[act[r, 0], sup[r, 1]] * abs(o1[1] - o0[1]) - s[act[r, 0], sup[r, 0]] * abs(o1[0] - o0[0])
        frec[nrec, 12] = s[act[r, 1], sup[r, 0]] * abs(o1[0] - o0[0]) - s[act[r, 1], sup[r, 1]] * abs(o1[1] - o0[1])
        pi_ = sup[r, 1]
        qi_ = sup[r, 0]
        p_lo = min(pi_, qi_)
        q_hi = max(pi_, qi_)
        ig1 = 0 if kind[r] == 0 else 1
        ig2 = 3 if kind[r] == 0 else 2
        for a in range(n_a):
            if not (present[a, pi_] and present[a, qi_]):
                continue
            if a == act[r, 0] or a == act[r, 1]:
                ext[nrec, a] = gain[r]
                inner[nrec, a] = True
                continue
            ga = left[a, p_lo] | (left[a, q_hi] * 2)
            inner[nrec, a] = ga in (ig1, ig2)
            ext[nrec, a] = (s[a, qi_] * (abs(o0[0] - x[a, qi_]) - abs(o1[0] - x[a, qi_]))
                            + s[a, pi_] * (abs(o0[1] - x[a, pi_]) - abs(o1[1] - x[a, pi_])))
        nrec += 1
        # recalculate every exchange that shares an actor-issue with the realised one
        nf = 0
        nb = 0
        ri0 = act[r, 0]
        ri1 = act[r, 1]
        for e in range(n):
            if not active[e]:
                continue
            # cheap test first: only exchanges sharing a supplying or demanding actor-issue change
            touch = False
            for k in range(2):
                ak = act[e, k]
                if ak == ri0:
                    if sup[e, k] == sup[r, 0] or sup[e, 1 - k] == sup[r, 1]:
                        touch = True
                elif ak == ri1 and (sup[e, k] == sup[r, 1] or sup[e, 1 - k] == sup[r, 0]):
                    touch = True
            if not touch:
                continue
            oldq[e] = qg[e]
            oldtb[e] = tb[e]
            if _recalc(e, r, act, sup, pos, y, mv, has, hsum, hmin, hmax, gain, valid, upd, updd, x, s, cs, s0, w):
                if not valid[e]:
                    active[e] = False
                    continue
                nq = _qgain(gain[e])
                qg[e] = nq
                if nq < oldq[e]:
                    front[nf] = e
                    nf += 1
                elif nq > oldq[e]:
                    back[nb] = e
                    nb += 1
        # a stable re-sort puts an exchange whose gain fell before its new equals and one whose gain rose
        # after them, in their old list order
        if nf > 0:
            _sort_entrants(front, nf, oldq, oldtb)
            for i in range(nf):
                tb[front[i]] = lo_ctr - nf + i
            lo_ctr -= nf
        if nb > 0:
            _sort_entrants(back, nb, oldq, oldtb)
            for i in range(nb):
                tb[back[i]] = hi_ctr + i
            hi_ctr += nb
    # voting positions and the preference update (x' = (1 - w) x + w y, w = 0.4 (1 - s) + 0.1)
    vote = x.copy()
    pref = x.copy()
    for i in range(n_real):
        r = realised[i]
        for k in range(2):
            a = act[r, k]
            d = sup[r, k]
            vote[a, d] = y[r, k]
            wt = 0.4 * (1.0 - s[a, d]) + 0.1
            pref[a, d] = (1.0 - wt) * x[a, d] + wt * y[r, k]
    return vote, pref, frec, irec, ext, inner, nrec


@njit(cache=True, nogil=True)
def run_batch(x, s, c, present, rounds, random_ties, seed):  # pragma: no cover - numba
    """All rounds for every sample. ``x[B, A, D]`` on 0–100 (NaN where absent), ``s``, ``c`` as given.

    Returns preferences ``[B, R+1, A, D]`` (round r = after r rounds), voting positions ``[B, R+1, A, D]``
    (round 0 = input), and the realised-exchange records (float fields, int fields, externalities by
    actor, inner-group flags, count).
    """
    nb, n_a, n_d = x.shape
    if random_ties:
        np.random.seed(seed)
    prefs = np.full((nb, rounds + 1, n_a, n_d), np.nan)
    votes = np.full((nb, rounds + 1, n_a, n_d), np.nan)
    frec = np.zeros((64, NREC))
    irec = np.zeros((64, NIREC), dtype=np.int64)
    ext = np.full((64, n_a), np.nan)
    inner = np.zeros((64, n_a), dtype=np.bool_)
    nrec = nb - nb
    for b in range(nb):
        cs = np.zeros((n_a, n_d))
        for a in range(n_a):
            for d in range(n_d):
                if present[a, d]:
                    cs[a, d] = c[b, a, d] * s[b, a, d]
        cur = x[b].copy()
        prefs[b, 0] = cur
        votes[b, 0] = cur
        for r in range(rounds):
            vote, pref, frec, irec, ext, inner, nrec = _run_round(
                cur, s[b], cs, present, random_ties, frec, irec, ext, inner, nrec, b, r + 1)
            votes[b, r + 1] = vote
            prefs[b, r + 1] = pref
            cur = pref
    return prefs, votes, frec[:nrec], irec[:nrec], ext[:nrec], inner[:nrec]
