"""Exact decisions at float speed: the certified kernel plus decimal answers to the close questions.

The model is run by :mod:`allied.models.exchange._certified` in float with a running error bound on every
quantity a decision reads. When a decision is too close to call (an exact tie between gains, an outcome
sitting on a partner's position up to the package's 28-digit rounding noise, ...), the kernel stops with
a list of questions; this module answers each by recomputing just the quantities involved in ``decimal``
with the package's context (:mod:`allied.models.exchange._decimal` supplies the arithmetic), from their
provenance: every position an exchange holds is either its actor's round-start position or the voting
position of an exchange realised earlier in the round, and those are recomputed (once, memoised) the same
way. Round-start positions of later rounds are recomputed in decimal only when a question needs them.
The result has the package's decisions bit for bit: the same exchanges, in the same order, every round;
positions are the float evaluation of the same operations, and the kernel's running error bound on every
voting position and next-round preference holds them within :data:`DRIFT` (1e-9 on the model's 0–100
scale) of the decimal ones: a sample whose bound exceeds it in any round is run by the decimal reference
instead. That happens when an issue's capability × salience weights are many orders of magnitude apart
(from about 6): a move is an outcome shift times the issue's total weight over the actor's own, so the
float rounding of the total is multiplied by their ratio (docs/limits.md). Real cases sit within 4 orders.

When a question cannot be settled either (a history of moves summing to 100 within rounding, never seen
on real data), the sample is likewise run by the decimal reference (``stats["bail"]`` counts both).
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

import numpy as np

from allied.models.exchange import _state as K
from allied.models.exchange._decimal import _TINY_D, _W_FIX, _W_SAL, _dec, _Ex, _Round, _Side, run_exact

_U = K.U
# the reference's comparison constants as decimals: a decimal compares with a float or an int by their exact
# values, so these read the same, without converting the float (about 1 us) or the int on every comparison
_ZERO, _HUNDRED = Decimal(0), Decimal(100)
# _settle writes a settled exchange's columns as two slices
assert (K.EY, K.MV, K.EMV, K.EGAIN, K.GLO) == (K.Y + 2, K.Y + 4, K.Y + 6, K.GAIN + 1, K.GAIN + 2)


def _kernel() -> Any:
    """The certified kernel: the ahead-of-time build for this source when there is one (no numba import),
    else numba's JIT (cached on disk)."""
    from allied.models.exchange import _aot

    mod = _aot.load("certified")
    if mod is not None:
        return mod
    from allied.models.exchange import _certified

    return _certified


#: largest error bound (FAC × running error + SLACK, in the model's 0–100 units) a voting position or a
#: next-round preference may carry; above it the sample is run in decimal (the values' guarantee)
DRIFT = 1e-9


class _Bail(Exception):
    """A question the hybrid cannot settle: run the sample in decimal."""


def _fl(v: Decimal) -> tuple[float, float]:
    hi = float(v)
    return hi, float(v - Decimal(hi))


def _fe(v: Decimal) -> tuple[float, float]:
    """float(v) and its error bound against v (0 when the float is v exactly).

    ``float(v)`` of a decimal is ``float(str(v))`` (that is how the decimal module converts), so the text is
    at hand for a quick test of exactness first: a float's exact value m / 2^j (m odd, j >= 1 when it is not
    an integer) is m·5^j / 10^j, whose shortest decimal form ends in the digit 5. A decimal written without
    an exponent, with a fraction whose last digit is neither 0 nor 5, is therefore no float; only the others
    are converted back and compared (about 0.5 us each)."""
    t = str(v)
    f = float(t)
    if "." in t and "E" not in t and t[-1] not in "05":
        return f, 2 * _U * abs(f)
    return f, (0.0 if Decimal(f) == v else 2 * _U * abs(f))


def _err(v: Decimal) -> float:
    """Error bound of float(v) against v: 0 when the float is v exactly (see :func:`_fe`)."""
    return _fe(v)[1]


class _Hist(_Round):
    """A round whose ``move_ok`` reads the float history of moves the kernel kept (exact signs, a sum with
    its error bound) instead of the package's list; ``hist`` maps a side's actor-issue to that history.
    ``over`` (set by the package's calculation) says whether i's full move overshot."""

    hist: dict[tuple[int, int], tuple[float, float, float, float]] | None = None
    capped = 0
    real = False  # True: the package's own list of moves (a full replay)

    def __init__(self, x: list[list[Decimal | None]], s: list[list[Decimal]], c: list[list[Decimal]],
                 members: list[list[int]], w: list[Decimal]) -> None:
        """``_Round.__init__`` (deterministic, knife-edge) with the sample's issue weights ``w`` (the same sums,
        computed once per sample) and each issue's x·s·c terms computed when a mean first needs them."""
        self.x, self.s, self.c, self.members = x, s, c, members
        self.knife_edge, self.p, self.rng = True, None, None
        self.w = w
        self.terms = _Terms(x, s, c, members)  # type: ignore[assignment]

    def move_ok(self, side: _Side, move: Decimal) -> bool:  # type: ignore[override]
        am = abs(move)
        if am > _HUNDRED or am <= _TINY_D:
            return False
        to = side.pos + move
        if to < _ZERO or to > _HUNDRED:
            return False
        if self.hist is None:
            return True if not self.real else _Round.move_ok(side, move)
        hsum, ehsum, hmin, hmax = self.hist[(side.a, side.sup)]
        if hmin == math.inf:
            # no earlier move: the package's list is this move alone, its sum at most 100 (|move| <= 100 above)
            # and its least and greatest element the move itself, not 0 (|move| > 1e-10): the same sign
            return True
        mf = float(move)
        tot = hsum + mf
        err = ehsum + _U * abs(mf) + _U * abs(tot)
        bound = K.FAC * err + K.SLACK
        if tot - 100.0 > bound:
            return False
        if not 100.0 - tot > bound:
            raise _Bail("history of moves sums to 100 within rounding")
        lo, hi = min(hmin, mf), max(hmax, mf)
        return (lo < 0 and hi < 0) or (lo > 0 and hi > 0)

    def basic(self, e: _Ex) -> None:
        """The package's calculation for an exchange known to be valid and uncapped: the equal-gain moves,
        without the validity checks and the outcome cap (the same operations, so the same numbers)."""
        self.equal_gain_moves(e)

    # -- the reference's calculation (``_Round``), the same decimal operations in the same order, with fewer
    # Python steps: no copy of the outcome updates per weighted mean and both outcomes of a side in one pass
    # over the members (``calculate`` is the reference's: p is None here, so deterministic ties only)
    def mean(self, d: int, pos: dict[int, Decimal]) -> Decimal:
        if self.w[d] == 0:
            return Decimal(0)
        num = Decimal(0)
        for a, base, sa, ca in self.terms[d]:  # type: ignore[misc]  # a _Terms: 4-tuples
            v = pos.get(a)
            num += base if v is None else v * sa * ca
        return num / self.w[d]

    def _outcomes(self, e: _Ex, side: _Side) -> tuple[Decimal, Decimal]:
        """``_Round.adjust(e, side, side.pos)`` and ``adjust(e, side, side.y)``: the weighted means of side's supply
        issue with e's outcome updates and side at either position, in one pass over the members (reading the
        updates in place of a copy of them)."""
        d = side.sup
        if self.w[d] == 0:
            return Decimal(0), Decimal(0)
        upd, me, p0, p1 = e.upd[d], side.a, side.pos, side.y
        n0 = n1 = Decimal(0)
        for a, base, sa, ca in self.terms[d]:  # type: ignore[misc]  # a _Terms: 4-tuples
            if a == me:
                n0 += p0 * sa * ca
                n1 += p1 * sa * ca
            else:
                v = upd.get(a)
                t = base if v is None else v * sa * ca
                n0 += t
                n1 += t
        return n0 / self.w[d], n1 / self.w[d]

    def check_nbs(self, e: _Ex, a: _Side, o: _Side) -> None:
        """``_Round.check_nbs`` (knife-edge), recording in ``capped`` which side was capped."""
        n0, n1 = self._outcomes(e, a)
        a.nbs_0 = n0
        xt = self.x[o.a][a.sup]
        assert xt is not None
        d0, d1 = xt - n0, xt - n1
        if (d0 >= _ZERO and d1 >= _ZERO) or (d0 <= _ZERO and d1 <= _ZERO):
            return
        self.cap(e, a, o, xt)
        self.capped |= 1 << (0 if a is e.i else 1)


class _Terms(dict):  # type: ignore[type-arg]
    """``_Round.terms`` computed per issue on first use: (actor, x·s·c at the round-start position, s, c)."""

    def __init__(self, x: list[list[Decimal | None]], s: list[list[Decimal]], c: list[list[Decimal]],
                 members: list[list[int]]) -> None:
        super().__init__()
        self.x, self.s, self.c, self.members = x, s, c, members

    def __missing__(self, d: int) -> list[tuple[int, Decimal, Decimal, Decimal]]:
        x, s, c = self.x, self.s, self.c
        out = [(a, x[a][d] * s[a][d] * c[a][d], s[a][d], c[a][d]) for a in self.members[d]]  # type: ignore[operator]
        self[d] = out
        return out


class _Inputs:
    """What the samples of one batch share: each issue's lower end and 0–100 step in decimal (the package's
    ``Issue.normalize``), and each issue's members in order."""

    def __init__(self, lo: np.ndarray, hi: np.ndarray, present: np.ndarray) -> None:
        n_a, n_d = present.shape
        self.mask = np.ascontiguousarray(present, dtype=np.bool_)
        self.present = self.mask.tolist()
        self.lo = [_dec(v) for v in lo.tolist()]
        self.steps = []
        for d, v in enumerate(hi.tolist()):
            span = _dec(v) - self.lo[d]
            self.steps.append(Decimal(100) / span if span != 0 else Decimal(0))
        self.members = [[a for a in range(n_a) if self.present[a][d]] for d in range(n_d)]


class _Sample:
    """One sample: decimal inputs, memoised decimal round-start positions and realised voting positions."""

    def __init__(self, x_units: np.ndarray, s: np.ndarray, c: np.ndarray, inp: _Inputs) -> None:
        present = inp.present
        n_a, n_d = len(present), len(inp.lo)
        self.n_a, self.n_d = n_a, n_d
        lo, steps = inp.lo, inp.steps
        # _dec of a Python float (tolist), the same decimal as _dec of the array's element
        xd0: list[list[Decimal | None]] = [
            [(Decimal(repr(v)) - lo[d]) * steps[d] if pres[d] else None for d, v in enumerate(row)]
            for row, pres in zip(x_units.tolist(), present, strict=True)]
        self.sd = [[Decimal(repr(v)) for v in row] for row in s.tolist()]
        self.cd = [[Decimal(repr(v)) for v in row] for row in c.tolist()]
        self.members = inp.members
        fe = [[(math.nan, 0.0) if v is None else _fe(v) for v in row] for row in xd0]
        self.x0 = np.array([[f for f, _ in row] for row in fe])
        self.ex0 = np.array([[e for _, e in row] for row in fe])
        self.xd: list[list[list[Decimal | None]] | None] = [xd0]
        self.st: list[_Hist | None] = [None]
        self.recs: list[dict[str, Any]] = []  # per finished round: irec, rprov, rus
        self.ydec: list[dict[int, tuple[Decimal, Decimal]]] = [{}]
        self.rex: list[dict[int, _Ex]] = [{}]
        self.cur: dict[str, Any] = {}
        # per-sample constants of the package's formulas: w_d = Σ s·c (members in order), the salience ratio
        # of a pair on two issues, and each cell's preference-update weights (1 − s)·0.4 and 1 − that − 0.1
        self.w: list[Decimal] = []
        for d, mem in enumerate(self.members):
            den = Decimal(0)
            for a in mem:
                den += self.sd[a][d] * self.cd[a][d]
            self.w.append(den)
        self.ratios: dict[tuple[int, int, int, int], Decimal] = {}
        self.pw: dict[tuple[int, int], tuple[Decimal, Decimal]] = {}

    # -- decimal state, computed on demand ------------------------------------------------------------
    def state(self, t: int) -> _Hist:
        st = self.st[t]
        if st is None:
            st = _Hist(self.xdec(t), self.sd, self.cd, self.members, self.w)
            self.st[t] = st
        return st

    def xdec(self, t: int) -> list[list[Decimal | None]]:
        xd = self.xd[t]
        if xd is None:
            prev = self.xdec(t - 1)
            rec = self.recs[t - 1]
            last: dict[tuple[int, int], tuple[int, int]] = {}
            for k, (a0, d0, a1, d1) in enumerate(rec["irec"][:, 2:6].tolist()):
                last[(a0, d0)] = (k, 0)
                last[(a1, d1)] = (k, 1)
            xd = [row[:] for row in prev]
            pw = self.pw
            for (a, d), (k, side) in last.items():
                y = self.yrec(t - 1, k)[side]
                xs = prev[a][d]
                assert xs is not None
                ws = pw.get((a, d))
                if ws is None:
                    wsal = (1 - self.sd[a][d]) * _W_SAL
                    ws = pw[(a, d)] = (wsal, 1 - wsal - _W_FIX)
                # the package's (1 − s)·0.4·y + 0.1·y + (1 − (1 − s)·0.4 − 0.1)·x, left to right
                xd[a][d] = ws[0] * y + _W_FIX * y + ws[1] * xs
            self.xd[t] = xd
        return xd

    def value(self, t: int, src: int, a: int, d: int) -> Decimal:
        if src < 0:
            v = self.xdec(t)[a][d]
            assert v is not None
            return v
        return self.yrec(t, src // 2)[src % 2]

    def _rec(self, t: int) -> dict[str, Any]:
        return self.recs[t] if t < len(self.recs) else self.cur

    def yrec(self, t: int, k: int) -> tuple[Decimal, Decimal]:
        """Decimal voting positions of round t's realised exchange k, from its recorded provenance."""
        memo = self.ydec[t]
        if k not in memo:
            rec = self._rec(t)
            ir, pv = rec["irec"][k].tolist(), rec["rprov"][k].tolist()
            if pv[3] == 0:  # no outcome cap: the equal-gain formula alone
                memo[k] = self.basic_y(t, ir[2], ir[4], ir[3], ir[5], pv[1], pv[2])
            else:
                memo[k] = self.full_y(t, k)
        return memo[k]

    def full_y(self, t: int, k: int) -> tuple[Decimal, Decimal]:
        """Round t's realised exchange k recalculated in decimal as the package does (with its outcome
        updates and caps); kept in ``rex`` for :meth:`replay`."""
        rec = self._rec(t)
        ir, pv, us = rec["irec"][k].tolist(), rec["rprov"][k].tolist(), rec["rus"][k]
        e = self.dec_exchange(t, ir[2], ir[4], ir[3], ir[5], pv[1], pv[2], us)
        st = self.state(t)
        st.hist = None
        if pv[3] == 0:
            st.basic(e)
        else:
            st.calculate(e)
        self.rex[t][k] = e
        return e.i.y, e.j.y

    def basic_y(self, t: int, ai: int, aj: int, q: int, p: int, ps0: int, ps1: int) -> tuple[Decimal, Decimal]:
        """Voting positions of an uncapped exchange: the package's equal-gain moves
        (``_Round.equal_gain_moves``), the same decimal operations in the same order, without building the
        exchange (its outcome updates play no part when nothing is capped)."""
        xd = self.xdec(t)
        memo = self.ydec[t]
        pi = xd[ai][q] if ps0 < 0 else (memo.get(ps0 >> 1) or self.yrec(t, ps0 >> 1))[ps0 & 1]
        pj = xd[aj][p] if ps1 < 0 else (memo.get(ps1 >> 1) or self.yrec(t, ps1 >> 1))[ps1 & 1]
        xi_dem, xj_dem = xd[ai][p], xd[aj][q]
        assert pi is not None and pj is not None and xi_dem is not None and xj_dem is not None
        s, c, w = self.sd, self.cd, self.w
        ratios = self.ratios
        dj = abs(xi_dem - pj)
        dp = (dj * s[aj][p] * c[aj][p]) / w[p]
        dq = (ratios.get((aj, ai, p, q)) or self.ratio(aj, ai, p, q)) * dp
        mi = (dq * w[q]) / (c[ai][q] * s[ai][q])
        mj = dj
        di = abs(xj_dem - pi)
        if abs(mi) > di:
            dq = (di * s[ai][q] * c[ai][q]) / w[q]
            dp = (ratios.get((ai, aj, q, p)) or self.ratio(ai, aj, q, p)) * dq
            mi = di
            mj = (dp * w[p]) / (c[aj][p] * s[aj][p])
        if pi > xj_dem:
            mi *= -1
        if pj > xi_dem:
            mj *= -1
        return pi + mi, pj + mj

    def ratio(self, a: int, b: int, d: int, e: int) -> Decimal:
        """The package's salience ratio of the pair (a, b) on issues d and e, ``(s_ad + s_bd) / (s_ae + s_be)``,
        memoised per sample."""
        key = (a, b, d, e)
        rat = self.ratios.get(key)
        if rat is None:
            s = self.sd
            rat = self.ratios[key] = (s[a][d] + s[b][d]) / (s[a][e] + s[b][e])
        return rat

    def replay(self, t: int, ai: int, aj: int, q: int, p: int, nrec: int) -> _Ex:
        """Candidate (ai supplies q, aj supplies p) replayed in decimal from the round start through the
        round's first ``nrec`` realised exchanges, exactly as the package's list does it."""
        xd = self.xdec(t)
        st = self.state(t)
        e = _Ex(_Side(ai, q, p, xd[ai][q]), _Side(aj, p, q, xd[aj][p]), 0)  # type: ignore[arg-type]
        st.hist, st.real = None, True
        try:
            st.calculate(e)
            for k in range(nrec):
                if k not in self.rex[t]:
                    self.full_y(t, k)
                r = self.rex[t][k]
                if not e.valid:
                    break
                if e.i.a in (r.i.a, r.j.a) or e.j.a in (r.i.a, r.j.a):
                    st.recalc(e, r)
        finally:
            st.real = False
        return e

    def dec_exchange(self, t: int, ai: int, aj: int, q: int, p: int, ps0: int, ps1: int, us: np.ndarray) -> _Ex:
        xd = self.xdec(t)
        memo = self.ydec[t]
        xi, xj = xd[ai][q], xd[aj][p]
        assert xi is not None and xj is not None
        i = _Side(ai, q, p, xi if ps0 < 0 else (memo.get(ps0 >> 1) or self.yrec(t, ps0 >> 1))[ps0 & 1])
        j = _Side(aj, p, q, xj if ps1 < 0 else (memo.get(ps1 >> 1) or self.yrec(t, ps1 >> 1))[ps1 & 1])
        i.start, j.start = xi, xj
        e = _Ex(i, j, 0)
        for d, srcs in zip((q, p), us.tolist(), strict=True):
            upd = e.upd[d]
            for a, src in enumerate(srcs):
                if src >= 0:
                    upd[a] = (memo.get(src >> 1) or self.yrec(t, src >> 1))[src & 1]
        return e


def _settle(smp: _Sample, t: int, need: np.ndarray, nneed: int, arrs: dict[str, Any], stats: dict[str, int]) -> None:
    """Answer the kernel's questions in decimal and write the answers into its arrays."""
    got: list[Any] = [arrs.get(k) for k in ("ci", "cf", "uv", "ue", "us", "dfr", "x", "ex", "cs", "ecs")]
    ci, cf, uv, ue, us, dfr, x, ex, cs, ecs = got
    done: set[tuple[int, int]] = set()
    for kind, a, b in need[:nneed].tolist():
        if (kind, a) in done:
            continue
        done.add((kind, a))
        stats["questions"] += 1
        if kind == K.Q_CALC:
            e = a
            row = ci[e].tolist()
            ai, aj, q, p = row[K.A0], row[K.A1], row[K.S0], row[K.S1]
            for nd in range(row[K.NDEF]):
                slot, sa, cur_src, new_src = dfr[e, nd].tolist()
                d = row[K.S0 + slot]
                cur = smp.value(t, cur_src, sa, d)
                ys = smp.value(t, new_src, sa, d)
                start = smp.value(t, -1, sa, d)
                take_new = not (cur < ys) if start <= cur else not (cur > ys)
                if take_new:
                    v, src = ys, new_src
                else:
                    v, src = cur, cur_src
                uv[e, slot, sa] = float(v)
                ue[e, slot, sa] = _err(v)
                us[e, slot, sa] = src
                # the running sum of this slot's corrections, rebuilt with its bound
                tot, etot = 0.0, 0.0
                for aa in np.flatnonzero(~np.isnan(uv[e, slot])):
                    dv = uv[e, slot, aa] - x[aa, d]
                    edv = ue[e, slot, aa] + ex[aa, d] + _U * abs(dv)
                    tt = cs[aa, d] * dv
                    ett = abs(cs[aa, d]) * edv + abs(dv) * ecs[aa, d] + _U * abs(tt)
                    tot += tt
                    etot += ett + _U * abs(tot)
                cf[e, K.UPDD + slot] = tot
                cf[e, K.EUPDD + slot] = etot
            ci[e, K.NDEF] = 0
            ex_ = smp.dec_exchange(t, ai, aj, q, p, row[K.PS0], row[K.PS1], us[e])
            st = smp.state(t)
            h = cf[e, K.HSUM:K.HMAX + 2].tolist()  # HSUM, EHSUM, HMIN, HMAX of both sides, interleaved
            st.hist = {(ai, q): (h[0], h[2], h[4], h[6]), (aj, p): (h[1], h[3], h[5], h[7])}
            st.capped = 0
            try:
                st.calculate(ex_)
            except _Bail:
                stats["replays"] += 1
                st.hist = None
                ex_ = smp.replay(t, ai, aj, q, p, int(arrs["gs"][K.G_NREC]))
                st.capped = 3  # unknown: never reuse this gain as unchanged
                st.over = -1
            st.hist = None
            ci[e, K.PEND] = 0
            ci[e, K.CAP] = st.capped
            ci[e, K.OVER] = st.over
            if not ex_.valid:
                ci[e, K.VALID] = 0
                ci[e, K.ACTIVE] = 0
                continue
            ci[e, K.VALID] = 1
            ci[e, K.EXACT] = 1
            g, glo = _fl(ex_.gain)
            cf[e, K.GAIN:K.GLO + 1] = (g, abs(glo), glo)
            yi, eyi = _fe(ex_.i.y)
            yj, eyj = _fe(ex_.j.y)
            mi, emi = _fe(ex_.i.move)
            mj, emj = _fe(ex_.j.move)
            cf[e, K.Y:K.EMV + 2] = (yi, yj, eyi, eyj, mi, mj, emi, emj)
        elif kind == K.Q_OLD:
            e = a
            tix = int(ci[e, K.TOUCHED]) - 1
            row = arrs["tl"][tix]
            ai, aj, q, p = (int(v) for v in ci[e, :4])
            ex_ = smp.dec_exchange(t, ai, aj, q, p, int(row[1]), int(row[2]), row[3:].reshape(2, -1))
            st = smp.state(t)
            st.hist = None
            if ci[e, K.OCAP] == 0:
                st.basic(ex_)
            else:
                st.calculate(ex_)
            cf[e, K.OG], cf[e, K.OGLO] = _fl(ex_.gain)
            cf[e, K.OEG] = abs(cf[e, K.OGLO])
            ci[e, K.OEXACT] = 1
        elif kind == K.Q_LEFT:
            st = smp.state(t)
            xv = smp.xdec(t)[a][b]
            assert xv is not None
            arrs["left_in"][a, b] = 1 if xv <= st.mean(b, {}) else 0
        elif kind == K.Q_ORDER:
            i, j = divmod(a, smp.n_a)
            p, q = divmod(b, smp.n_d)
            sd = smp.sd
            arrs["order"][i, j, p, q] = 1 if sd[i][p] / sd[i][q] < sd[j][p] / sd[j][q] else 2
        else:  # pragma: no cover - the kernel asks nothing else
            raise AssertionError(kind)


#: records and candidates the kernel's arrays hold at first (doubled when needed)
_ROWS = 512


class _Buffers:
    """The kernel's per-round arrays, allocated once per batch and reused: the round's records are written
    into rows ``off:`` of one sample-long table (so a finished round's rows are its history, with no copy),
    the scratch arrays are overwritten before they are read."""

    frec: np.ndarray
    irec: np.ndarray
    ext: np.ndarray
    inner: np.ndarray
    rprov: np.ndarray
    rus: np.ndarray

    def __init__(self, n_a: int, n_d: int, rows: int) -> None:
        self.n_a = n_a
        self.rows = 0
        self.grow(rows)
        self.need = np.zeros((4096, 3), dtype=np.int64)
        self.gs = np.zeros(K.NG, dtype=np.int64)
        self.order = np.zeros((n_a, n_a, n_d, n_d), dtype=np.int8)
        self.left_in = np.full((n_a, n_d), -1, dtype=np.int64)

    def grow(self, rows: int, keep: int = 0) -> None:
        """Room for ``rows`` records (sample-long tables, keeping their first ``keep`` rows) and candidates."""
        n_a = self.n_a
        old = (self.frec, self.irec, self.ext, self.inner, self.rprov, self.rus) if self.rows else None
        self.frec = np.zeros((rows, K.NREC))
        self.irec = np.zeros((rows, K.NIREC), dtype=np.int64)
        self.ext = np.full((rows, n_a), np.nan)
        self.inner = np.zeros((rows, n_a), dtype=np.bool_)
        self.rprov = np.zeros((rows, 4), dtype=np.int64)
        self.rus = np.zeros((rows, 2, n_a), dtype=np.int64)
        if old is not None:
            for new, prev in zip((self.frec, self.irec, self.ext, self.inner, self.rprov, self.rus), old,
                                 strict=True):
                new[:keep] = prev[:keep]
        self.tl = np.zeros((rows, 3 + 2 * n_a), dtype=np.int64)
        self.front = np.zeros(rows, dtype=np.int64)
        self.back = np.zeros(rows, dtype=np.int64)
        self.dfr = np.zeros((rows, 2, 4), dtype=np.int64)
        self.rows = rows

    def reset(self, used: int) -> None:
        """Back to the state of fresh tables for the next sample (the rows a sample wrote, ``:used``)."""
        self.ext[:used] = np.nan
        self.inner[:used] = False
        self.order[...] = 0


def _drift(epref: np.ndarray, cf: np.ndarray, rprov: np.ndarray, nrec: int) -> float:
    """The error bound of this round's least certain position: a next-round preference (``epref``; an actor
    that did not trade keeps its bound) or a realised exchange's voting position."""
    err = float(np.max(epref, initial=0.0, where=~np.isnan(epref)))
    if nrec:
        err = max(err, float(cf[rprov[:nrec, 0], K.EY:K.EY + 2].max()))
    return K.FAC * err + K.SLACK


def _run_sample(x_units: np.ndarray, s: np.ndarray, c: np.ndarray, inp: _Inputs, buf: _Buffers,
                prefs: np.ndarray, votes: np.ndarray, b: int, stats: dict[str, int]) -> tuple[np.ndarray, ...]:
    """One sample's rounds into ``prefs`` and ``votes`` (``[R+1, A, D]``); returns its records."""
    kern = _kernel()
    smp = _Sample(x_units, s, c, inp)
    rounds = prefs.shape[0] - 1
    present = inp.mask
    sf = np.ascontiguousarray(np.where(present, s, 0.0), dtype=float)
    cf_ = np.ascontiguousarray(np.where(present, c, 0.0), dtype=float)
    es, cs, ecs, w, ew = kern.weights(sf, cf_, present)
    x = smp.x0
    ex = smp.ex0
    # absent cells are NaN in x0 and never written by the kernel (an exchange's actors are on both issues)
    prefs[0] = votes[0] = x
    order, need, gs, left_in = buf.order, buf.need, buf.gs, buf.left_in
    off = 0
    for t in range(rounds):
        left_in.fill(-1)
        while True:
            s0, es0, left, ci, cf, uv, ue, us = kern.round_begin(x, ex, sf, es, cs, ecs, w, ew, present, left_in, order,
                                                                 need, gs)
            if gs[K.G_NNEED] == 0:
                break
            _settle(smp, t, need, min(int(gs[K.G_NNEED]), len(need)),
                    {"left_in": left_in, "order": order}, stats)
        n = len(ci)
        if off + n > buf.rows:
            buf.grow(max(2 * buf.rows, off + n), off)
        end = off + n
        frec, irec, ext, inner = buf.frec[off:end], buf.irec[off:end], buf.ext[off:end], buf.inner[off:end]
        rprov, rus = buf.rprov[off:end], buf.rus[off:end]
        tl, dfr = buf.tl[:n], buf.dfr[:n]
        smp.cur = {"irec": irec, "rprov": rprov, "rus": rus}
        arrs = {"gs": gs, "ci": ci, "cf": cf, "uv": uv, "ue": ue, "us": us, "dfr": dfr, "x": x, "ex": ex, "cs": cs,
                "ecs": ecs, "tl": tl}
        while kern.advance(ci, cf, uv, ue, us, dfr, x, ex, sf, es, cs, ecs, s0, es0, w, ew, left, present,
                           frec, irec, ext, inner, rprov, rus, tl, buf.front, buf.back, need, gs, b, t + 1):
            stats["stops"] += 1
            _settle(smp, t, need, min(int(gs[K.G_NNEED]), len(need)), arrs, stats)
        nrec = int(gs[K.G_NREC])
        vote, pref, epref = kern.round_end(x, ex, sf, es, ci, cf, rprov, nrec)
        if _drift(epref, cf, rprov, nrec) > DRIFT:
            raise _Bail("float positions may be further than DRIFT from the decimal ones")
        smp.recs.append({"irec": irec[:nrec], "rprov": rprov[:nrec], "rus": rus[:nrec]})
        smp.xd.append(None)
        smp.st.append(None)
        smp.ydec.append({})
        smp.rex.append({})
        votes[t + 1] = vote
        prefs[t + 1] = pref
        x = pref
        ex = epref
        off += nrec
    out = (buf.frec[:off].copy(), buf.irec[:off].copy(), buf.ext[:off].copy(), buf.inner[:off].copy())
    buf.reset(off)
    return out


def run_hybrid(x_units: np.ndarray, lo: np.ndarray, hi: np.ndarray, s: np.ndarray, c: np.ndarray,
               present: np.ndarray, rounds: int, stats: dict[str, int] | None = None) -> tuple[np.ndarray, ...]:
    """Same contract as :func:`allied.models.exchange._decimal.run_exact` (deterministic ties), same decisions."""
    st = stats if stats is not None else {}
    for k in ("questions", "stops", "bail", "replays"):
        st.setdefault(k, 0)
    nb, n_a, n_d = x_units.shape
    prefs = np.full((nb, rounds + 1, n_a, n_d), np.nan)
    votes = np.full((nb, rounds + 1, n_a, n_d), np.nan)
    parts: list[tuple[np.ndarray, ...]] = []
    inp = _Inputs(lo, hi, present)
    buf = _Buffers(n_a, n_d, _ROWS)  # grown (doubled) when a sample's records or a round's candidates need more
    for b in range(nb):
        try:
            res = _run_sample(x_units[b], s[b], c[b], inp, buf, prefs[b], votes[b], b, st)
        except _Bail:
            st["bail"] += 1
            buf.reset(buf.rows)  # whatever the failed sample wrote
            one = run_exact(x_units[b:b + 1], lo, hi, s[b:b + 1], c[b:b + 1], present, rounds)
            one[3][:, 0] = b
            prefs[b], votes[b] = one[0][0], one[1][0]
            res = one[2:]
        parts.append(res)
    cat = [np.concatenate([p[k] for p in parts]) for k in range(4)]
    return prefs, votes, cat[0], cat[1], cat[2], cat[3]
