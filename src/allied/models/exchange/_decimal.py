"""The equal-gain exchange model in 28-digit decimal arithmetic, operation for operation as
``decide-exchange-model`` computes it (``arithmetic="decimal"``).

Why a second implementation: a few of the package's branches turn on differences of about 1e-26
(an outcome already capped exactly at a partner's position, read as a hair above or below it) and on
exact ties between gains. Binary floating point cannot reproduce those, so the fast float kernel
(:mod:`allied.models.exchange._numba`) follows the package until the first such branch and then
drifts (typically by a few points after several rounds). This module keeps the package's decimal
context, its order of summation (actors in input order) and its list handling, so its rounds equal the
package's. It is plain Python: seconds, not milliseconds, for a case like COP21.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np

_W_SAL = Decimal(0.4)  # noqa: RUF032 - the package converts the float weights, keeping their binary error
_W_FIX = Decimal(0.1)  # noqa: RUF032
_TINY = 1e-10
#: the same bound as a decimal: a decimal compares with a float by their exact values, so this reads the same
#: without converting the float on every comparison
_TINY_D = Decimal(_TINY)
_CAP_TOL = Decimal("1e-9")


def _dec(v: float) -> Decimal:
    return Decimal(repr(float(v)))


class _Side:
    __slots__ = ("a", "dem", "eu_max", "move", "moves", "nbs_0", "pos", "start", "sup", "y")

    def __init__(self, a: int, sup: int, dem: int, pos: Decimal) -> None:
        self.a, self.sup, self.dem = a, sup, dem
        self.pos = pos
        self.start = pos
        self.move = Decimal(0)
        self.moves: list[Decimal] = []
        self.y = pos
        self.nbs_0 = Decimal(0)
        self.eu_max = Decimal(0)


class _Ex:
    __slots__ = ("gain", "i", "j", "kind", "upd", "valid")

    def __init__(self, i: _Side, j: _Side, kind: int) -> None:
        self.i, self.j, self.kind = i, j, kind
        self.gain = Decimal(0)
        self.valid = True
        self.upd: dict[int, dict[int, Decimal]] = {i.sup: {}, j.sup: {}}


class _Round:
    over = 0

    def __init__(self, x: list[list[Decimal | None]], s: list[list[Decimal]], c: list[list[Decimal]],
                 members: list[list[int]], knife_edge: bool = True, p: Decimal | None = None,
                 rng: np.random.Generator | None = None) -> None:
        self.x, self.s, self.c, self.members = x, s, c, members
        self.knife_edge = knife_edge
        self.p, self.rng = p, rng
        self.w: list[Decimal] = []
        for d, mem in enumerate(members):
            den = Decimal(0)
            for a in mem:
                den += s[a][d] * c[a][d]
            self.w.append(den)
        # each actor's x * s * c at its round-start position, multiplied in the package's order
        self.terms = [[(a, x[a][d] * s[a][d] * c[a][d]) for a in mem] for d, mem in enumerate(members)]  # type: ignore

    def mean(self, d: int, pos: dict[int, Decimal]) -> Decimal:
        if self.w[d] == 0:
            return Decimal(0)
        num = Decimal(0)
        s, c = self.s, self.c
        for a, base in self.terms[d]:
            v = pos.get(a)
            num += base if v is None else v * s[a][d] * c[a][d]
        return num / self.w[d]

    def adjust(self, e: _Ex, side: _Side, newpos: Decimal) -> Decimal:
        pos = dict(e.upd[side.sup])
        pos[side.a] = newpos
        return self.mean(side.sup, pos)

    def by_position(self, e: _Ex, side: _Side, target: Decimal) -> Decimal:
        d = side.sup
        pos = {side.a: side.pos}
        pos.update(e.upd[d])
        tot = Decimal(0)
        for a in self.members[d]:
            tot += pos.get(a, self.x[a][d]) * self.s[a][d] * self.c[a][d]  # type: ignore[operator]
        return (target * self.w[d] - tot) / (self.s[side.a][d] * self.c[side.a][d])

    @staticmethod
    def move_ok(side: _Side, move: Decimal) -> bool:
        if abs(move) > 100 or abs(move) <= _TINY_D:
            return False
        if side.pos + move < 0 or side.pos + move > 100:
            return False
        if sum(side.moves) > 100:
            return False
        lo, hi = min(side.moves), max(side.moves)
        return (lo < 0 and hi < 0) or (lo > 0 and hi > 0)

    def check_nbs(self, e: _Ex, a: _Side, o: _Side) -> None:
        n0 = self.adjust(e, a, a.pos)
        n1 = self.adjust(e, a, a.y)
        a.nbs_0 = n0
        xt = self.x[o.a][a.sup]
        assert xt is not None
        d0, d1 = xt - n0, xt - n1
        if not self.knife_edge:  # the float kernel's rule: distances within 1e-9 count as zero
            d0 = d0 if abs(d0) > _CAP_TOL else Decimal(0)
            d1 = d1 if abs(d1) > _CAP_TOL else Decimal(0)
        if (d0 >= 0 and d1 >= 0) or (d0 <= 0 and d1 <= 0):
            return
        self.cap(e, a, o, xt)

    def cap(self, e: _Ex, a: _Side, o: _Side, xt: Decimal) -> None:
        """Side ``a``'s move stops where its supply issue's outcome reaches ``xt`` (partner ``o``'s position there),
        and ``o``'s move and the gain follow at the same exchange rate."""
        x, s, c, w = self.x, self.s, self.c, self.w
        delta = abs(self.by_position(e, a, xt))
        r_s = (delta * s[a.a][a.sup] * c[a.a][a.sup]) / w[a.sup]
        r_t = ((s[a.a][a.sup] + s[o.a][a.sup]) / (s[a.a][a.dem] + s[o.a][a.dem])) * r_s
        o.move = abs((r_t * w[o.sup]) / (c[o.a][o.sup] * s[o.a][o.sup]))
        a.move = delta
        if o.pos > x[a.a][a.dem]:  # type: ignore[operator]
            o.move *= -1
        if a.pos > xt:
            a.move *= -1
        o.moves.pop()
        a.moves.pop()
        o.moves.append(o.move)
        a.moves.append(a.move)
        o.y = o.pos + o.move
        a.y = a.pos + a.move
        e.gain = abs(r_t * s[o.a][o.sup] - r_s * s[o.a][a.sup])

    def equal_gain_moves(self, e: _Ex) -> None:
        """The package's equal-gain moves of both sides of ``e`` (capped at the partner's position) and
        the exchange's gain; no validity checks."""
        x, s, c, w = self.x, self.s, self.c, self.w
        i, j = e.i, e.j
        q, p = i.sup, j.sup
        xi_dem, xj_dem = x[i.a][p], x[j.a][q]
        assert xi_dem is not None and xj_dem is not None
        dp = (abs(xi_dem - j.pos) * s[j.a][p] * c[j.a][p]) / w[p]
        dq = ((s[j.a][p] + s[i.a][p]) / (s[j.a][q] + s[i.a][q])) * dp
        i.move = (dq * w[q]) / (c[i.a][q] * s[i.a][q])
        j.move = abs(xi_dem - j.pos)
        self.over = int(abs(i.move) > abs(xj_dem - i.pos))  # 1: i's full move overshoots (read by the hybrid)
        if self.over:
            dq = (abs(xj_dem - i.pos) * s[i.a][q] * c[i.a][q]) / w[q]
            dp = ((s[i.a][q] + s[j.a][q]) / (s[i.a][p] + s[j.a][p])) * dq
            i.move = abs(xj_dem - i.pos)
            j.move = (dp * w[p]) / (c[j.a][p] * s[j.a][p])
        if i.pos > xj_dem:
            i.move *= -1
        if j.pos > xi_dem:
            j.move *= -1
        i.moves.append(i.move)
        j.moves.append(j.move)
        i.y = i.pos + i.move
        j.y = j.pos + j.move
        e.gain = abs(dq * s[i.a][q] - dp * s[i.a][p])

    def calculate(self, e: _Ex) -> None:
        self.equal_gain_moves(e)
        i, j = e.i, e.j
        e.valid = self.move_ok(i, i.move) and self.move_ok(j, j.move)
        if e.gain < _TINY_D:
            e.valid = False
        if e.valid:
            self.check_nbs(e, i, j)
            self.check_nbs(e, j, i)
            e.valid = self.move_ok(i, i.move) and self.move_ok(j, j.move)
        else:
            return
        if self.p is not None and self.p > 0 and self.rng is not None:
            u, v, z = self.rng.uniform(size=3)
            self.max_utility(e)
            if u < 0.5:
                self.random_gain(e, i, j, float(v), Decimal(float(z)))
            else:
                self.random_gain(e, j, i, float(v), Decimal(float(z)))

    # -- randomised exchange rates (Dijkstra, Van Assen, Stokman & Draaijer 2018), as in the package --
    def max_utility(self, e: _Ex) -> None:
        """Each side's largest possible gain (``eu_max``) given the partner's full move."""
        s = self.s
        i, j = e.i, e.j
        x_i_dem, x_j_dem = self.x[i.a][i.dem], self.x[j.a][j.dem]
        i_par, j_par = x_i_dem == i.y, x_j_dem == j.y
        n_i = self.adjust(e, i, i.y if i_par else x_j_dem)  # type: ignore[arg-type]
        n_j = self.adjust(e, j, j.y if j_par else x_i_dem)  # type: ignore[arg-type]
        d_i, d_j = abs(i.nbs_0 - n_i), abs(j.nbs_0 - n_j)
        loss_1 = d_j * s[j.a][j.sup]
        gain_2 = d_j * s[i.a][i.dem]
        loss_2 = d_i * s[i.a][i.sup]
        gain_1 = d_i * s[j.a][j.dem]
        over = None
        if i_par and gain_1 - loss_1 > 0:
            over = gain_2 - (loss_1 / s[j.a][j.dem]) * s[i.a][i.sup]
        if j_par and gain_2 - loss_2 > 0:
            over = gain_1 - (loss_2 / s[i.a][i.dem]) * s[j.a][j.sup]
        if gain_2 > gain_1:
            act, opp, gain, loss = j, i, gain_1, loss_2
        else:
            act, opp, gain, loss = i, j, gain_2, loss_1
        sh = s[act.a][act.sup] / (s[act.a][act.sup] + s[opp.a][opp.dem])
        d_u1 = loss / (sh * s[opp.a][opp.dem])
        d_u2 = gain / (sh * s[act.a][act.sup])
        opp.eu_max = over if over else sh * s[opp.a][opp.dem] * d_u2 - loss
        act.eu_max = gain - sh * s[act.a][act.sup] * d_u1

    def random_gain(self, e: _Ex, a: _Side, o: _Side, v: float, z: Decimal) -> None:
        """Split the exchange's gain unequally: side ``a`` wins (v < 0.5) or loses a random share."""
        x, s, c, w = self.x, self.s, self.c, self.w
        p = self.p
        assert p is not None
        eu = e.gain
        eui = eu + p * z * (a.eu_max - eu) if v < 0.5 else eu - p * z * eu
        x_o_dem, x_a_dem = x[o.a][a.sup], x[a.a][a.dem]
        assert x_o_dem is not None and x_a_dem is not None
        move_i = abs(a.pos - x_o_dem)
        r_q = (move_i * s[a.a][a.sup] * c[a.a][a.sup]) / w[a.sup]
        r_p = (eui + r_q * s[a.a][a.sup]) / s[a.a][a.dem]
        move_j = (r_p * w[o.sup]) / (c[o.a][o.sup] * s[o.a][o.sup])
        dist_j = abs(o.pos - x_a_dem)
        if abs(move_j) > dist_j:
            r_p = (dist_j * s[o.a][o.sup] * c[o.a][o.sup]) / w[o.sup]
            r_q = abs((eui - r_p * s[a.a][a.dem]) / s[a.a][a.sup])
            move_j = dist_j
            move_i = (r_q * w[a.sup]) / (c[a.a][a.sup] * s[a.a][a.sup])
        else:
            move_ia = -move_i if a.pos > x_o_dem else move_i
            n_adj = self.adjust(e, a, a.pos + move_ia)
            if not ((x_o_dem >= a.nbs_0 and x_o_dem >= n_adj) or (x_o_dem <= a.nbs_0 and x_o_dem <= n_adj)):
                delta = abs(self.by_position(e, a, x_o_dem))
                r_q = (delta * s[a.a][a.sup] * c[a.a][a.sup]) / w[a.sup]
                r_p = (eui + r_q * s[a.a][a.sup]) / s[a.a][a.dem]
                move_j = (r_p * w[o.sup]) / (c[o.a][o.sup] * s[o.a][o.sup])
                move_i = move_ia  # the package keeps the uncapped, already signed move here
        a.move, o.move = move_i, move_j
        if a.pos > x_o_dem:
            a.move *= -1
        if o.pos > x_a_dem:
            o.move *= -1
        a.moves.pop()
        a.moves.append(a.move)
        o.moves.pop()
        o.moves.append(o.move)
        a.y = a.pos + a.move
        o.y = o.pos + o.move
        e.valid = self.move_ok(a, a.move) and self.move_ok(o, o.move)

    def recalc(self, e: _Ex, r: _Ex) -> None:
        if e.i.a != r.i.a and e.i.a != r.j.a and e.j.a != r.i.a and e.j.a != r.j.a:
            return  # every rule below needs a shared actor
        re = False
        for side in (e.i, e.j):
            for rs in (r.i, r.j):
                if side.a == rs.a and side.sup == rs.sup:
                    side.pos = rs.y
                    side.moves.append(rs.moves[-1])
                    re = True
                    break
        if re:
            e.i.moves.pop()
            e.j.moves.pop()
        for dem, sup in ((r.j, r.i), (r.i, r.j)):
            if (dem.a == e.j.a and dem.dem == e.j.dem) or (dem.a == e.i.a and dem.dem == e.i.dem):
                upd = e.upd[dem.dem]
                if sup.a in upd:
                    cur = upd[sup.a]
                    if sup.start <= cur:
                        upd[sup.a] = cur if cur < sup.y else sup.y
                    else:
                        upd[sup.a] = cur if cur > sup.y else sup.y
                else:
                    upd[sup.a] = sup.y
                if not re:
                    e.i.moves.pop()
                    e.j.moves.pop()
                    re = True
        if re:
            self.calculate(e)


def _one_round(x: list[list[Decimal | None]], s: list[list[Decimal]], c: list[list[Decimal]],
               members: list[list[int]], present: np.ndarray, recs: list[tuple[Any, ...]], sample: int,
               rnd: int, knife_edge: bool, p_rate: Decimal | None = None,
               rng: np.random.Generator | None = None) -> tuple[list[list[Decimal | None]], list[list[Decimal | None]]]:
    n_a, n_d = present.shape
    st = _Round(x, s, c, members, knife_edge, p_rate, rng)
    nbs = [st.mean(d, {}) for d in range(n_d)]
    left = [[bool(present[a, d]) and x[a][d] <= nbs[d] for d in range(n_d)] for a in range(n_a)]  # type: ignore
    exchanges: list[_Ex] = []
    for p in range(n_d):
        for q in range(p + 1, n_d):
            grp = [int(left[a][p]) | int(left[a][q]) * 2 if present[a, p] and present[a, q] else -1
                   for a in range(n_a)]
            for kind, (g1, g2) in enumerate(((0, 3), (1, 2))):
                for i in (a for a in range(n_a) if grp[a] == g1):
                    for j in (a for a in range(n_a) if grp[a] == g2):
                        if any(s[a][d] * c[a][d] == 0 for a in (i, j) for d in (p, q)):
                            continue  # an actor without weight on an issue cannot trade on it (as the kernel)
                        if s[i][p] / s[i][q] < s[j][p] / s[j][q]:
                            ai, aj = j, i
                        else:
                            ai, aj = i, j
                        e = _Ex(_Side(ai, q, p, x[ai][q]), _Side(aj, p, q, x[aj][p]), kind)  # type: ignore
                        st.calculate(e)
                        exchanges.append(e)
    realised: list[_Ex] = []
    while exchanges:
        exchanges.sort(key=lambda e: e.gain, reverse=True)
        r = exchanges.pop(0)
        if not r.valid:
            continue
        o0 = [float(st.adjust(r, side, side.pos)) for side in (r.i, r.j)]
        o1 = [float(st.adjust(r, side, side.y)) for side in (r.i, r.j)]
        recs.append((sample, rnd, r, o0, o1, float(r.gain), float(r.i.pos), float(r.i.y), float(r.j.pos),
                     float(r.j.y), [row[:] for row in left]))
        keep = []
        ra, rb = r.i.a, r.j.a
        for e in exchanges:
            if e.valid:
                ei, ej = e.i.a, e.j.a
                if ei in (ra, rb) or ej in (ra, rb):  # every recalculation rule needs a shared actor
                    st.recalc(e, r)
                if e.valid:
                    keep.append(e)
        exchanges = keep
        realised.append(r)
    vote = [row[:] for row in x]
    for r in realised:
        vote[r.i.a][r.i.sup] = r.i.y
        vote[r.j.a][r.j.sup] = r.j.y
    pref = [row[:] for row in x]
    for r in realised:
        for side in (r.i, r.j):
            sal = s[side.a][side.sup]
            xs = side.start
            pref[side.a][side.sup] = ((1 - sal) * _W_SAL * side.y + _W_FIX * side.y
                                      + (1 - (1 - sal) * _W_SAL - _W_FIX) * xs)
    return vote, pref


def run_exact(x_units: np.ndarray, lo: np.ndarray, hi: np.ndarray, s: np.ndarray, c: np.ndarray,
              present: np.ndarray, rounds: int, knife_edge: bool = True, p: float | None = None,
              rng: np.random.Generator | None = None) -> tuple[np.ndarray, ...]:
    """Same contract as :func:`allied.models.exchange._numba.run_batch` (deterministic ties only), but
    positions come in issue units and are mapped to 0–100 in decimals as the package does.

    ``knife_edge=False`` reads outcome-to-position distances within 1e-9 as zero, the float kernel's rule,
    so that the two implementations can be checked against each other. ``p`` > 0 with ``rng`` gives the
    randomised exchange rates of Dijkstra et al. (2018) (the package's ``randomized_value``)."""
    pd = None if p is None else _dec(p)
    nb, n_a, n_d = x_units.shape
    steps = []
    for d in range(n_d):
        span = _dec(hi[d]) - _dec(lo[d])
        steps.append(Decimal(100) / span if span != 0 else Decimal(0))
    x = np.zeros_like(x_units, dtype=float)
    prefs = np.full((nb, rounds + 1, n_a, n_d), np.nan)
    votes = np.full((nb, rounds + 1, n_a, n_d), np.nan)
    recs: list[tuple[Any, ...]] = []
    members = [[a for a in range(n_a) if present[a, d]] for d in range(n_d)]
    for b in range(nb):
        xd: list[list[Decimal | None]] = [
            [(_dec(x_units[b, a, d]) - _dec(lo[d])) * steps[d] if present[a, d] else None for d in range(n_d)]
            for a in range(n_a)]
        x[b] = [[np.nan if v is None else float(v) for v in row] for row in xd]
        sd = [[_dec(s[b, a, d]) for d in range(n_d)] for a in range(n_a)]
        cd = [[_dec(c[b, a, d]) for d in range(n_d)] for a in range(n_a)]
        prefs[b, 0] = votes[b, 0] = x[b]
        for r in range(rounds):
            vote, xd = _one_round(xd, sd, cd, members, present, recs, b, r + 1, knife_edge, pd, rng)
            votes[b, r + 1] = [[np.nan if v is None else float(v) for v in row] for row in vote]
            prefs[b, r + 1] = [[np.nan if v is None else float(v) for v in row] for row in xd]
    n = len(recs)
    frec = np.zeros((n, 13))
    irec = np.zeros((n, 7), dtype=np.int64)
    ext = np.full((n, n_a), np.nan)
    inner = np.zeros((n, n_a), dtype=bool)
    sf = s.astype(float)
    for k, (b, rnd, r, o0, o1, g, pi, yi, pj, yj, left) in enumerate(recs):
        irec[k] = (b, rnd, r.i.a, r.i.sup, r.j.a, r.j.sup, r.kind)
        xi_ = float(prefs[b, rnd - 1, r.i.a, r.j.sup])
        xj_ = float(prefs[b, rnd - 1, r.j.a, r.i.sup])
        qi, pi_ = r.i.sup, r.j.sup
        si = sf[b]
        frec[k] = (pi, yi, pj, yj, g, o0[0], o1[0], o0[1], o1[1], xi_, xj_,
                   si[r.i.a, pi_] * abs(o1[1] - o0[1]) - si[r.i.a, qi] * abs(o1[0] - o0[0]),
                   si[r.j.a, qi] * abs(o1[0] - o0[0]) - si[r.j.a, pi_] * abs(o1[1] - o0[1]))
        lo_, hi_ = min(pi_, qi), max(pi_, qi)
        g1, g2 = (0, 3) if r.kind == 0 else (1, 2)
        for a in range(n_a):
            if not (present[a, pi_] and present[a, qi]):
                continue
            if a in (r.i.a, r.j.a):
                ext[k, a] = g
                inner[k, a] = True
                continue
            ga = int(left[a][lo_]) | int(left[a][hi_]) * 2
            inner[k, a] = ga in (g1, g2)
            xa = prefs[b, rnd - 1, a]
            ext[k, a] = (si[a, qi] * (abs(o0[0] - xa[qi]) - abs(o1[0] - xa[qi]))
                         + si[a, pi_] * (abs(o0[1] - xa[pi_]) - abs(o1[1] - xa[pi_])))
    return prefs, votes, frec, irec, ext, inner
