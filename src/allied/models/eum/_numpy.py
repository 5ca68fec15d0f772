"""Array kernels of the expected-utility model (see :mod:`allied.models.eum` for the model and its sources).

Every function works on a chunk of ``b`` samples at once: positions ``x[b, A]``, salience ``s[b, A]`` in
``[0, 1]``, weights ``w = c·s`` ``[b, A]`` and the fixed normalising range ``R[b]``. Pair quantities are
``[b, A, A]`` matrices; the voter sums of the probabilities run over the voter axis in actor order, one
``[b, A, A]`` slab at a time, so memory stays ``O(b·A²)`` and the floating-point sums are added in the
same order as the reference code adds them.

Only numpy is used: numba would be faster on huge batches, but importing it costs about a second on the
target machine, more than the whole-process budget of a 46-actor run (benchmarks/bench_eum.py).
"""

from __future__ import annotations

import math

import numpy as np

from allied.models.mean import weighted_median

Array = np.ndarray


def libm_pow(base: Array, exp: Array) -> Array:
    """``base ** exp`` elementwise through the C library's ``pow`` (as CPython's ``float.__pow__`` does).

    NumPy's SIMD ``power`` differs from libm in the last bit for about one value in twenty; the model's
    offer rules compare expected utilities with strict inequalities, and a last-bit difference in a risk
    exponent has flipped a near-tie in two of the thirteen reference runs. Using libm keeps our numbers
    bit-identical to the reference code's.
    """
    b, e = np.broadcast_arrays(base, exp)
    out = np.fromiter(map(math.pow, b.ravel().tolist(), e.ravel().tolist()), dtype=float, count=b.size)
    return out.reshape(b.shape)


def _dist(x: Array, R: Array) -> Array:
    """``|x_a − x_b| / R`` as ``[b, A, A]``."""
    return np.abs(x[:, :, None] - x[:, None, :]) / R[:, None, None]


def prob_scholz(x: Array, w: Array, r: Array | None, R: Array) -> Array:
    """Scholz-code probability ``P[b, i, j]`` that ``x_i`` beats ``x_j`` (jmckib reading).

    Voter ``k`` backs ``x_i`` over ``x_j`` with ``w_k [(|x_k−x_j|/R)^{r_k} − (|x_k−x_i|/R)^{r_k}]``; the
    numerator adds the positive backings, the denominator is one constant per system: the sum of
    ``|backing|`` over every voter and every ordered pair of actor positions (``= 2 Σ_ij numerator``, since
    the backing is antisymmetric in ``i, j``). ``r = None`` means ``r_k = 1``. Equal positions give 0,
    and so does a system where no voter has weight (the reference divides by zero there).
    """
    d = _dist(x, R)  # [b, k, a]
    if r is not None:
        d = libm_pow(d, r[:, :, None])
    b, n = x.shape
    num = np.zeros((b, n, n))
    tot = np.zeros(b)
    for k in range(n):  # the voter axis, summed in actor order
        row = d[:, k, :]  # [b, a]
        v = w[:, k, None, None] * (row[:, None, :] - row[:, :, None])
        num += np.maximum(v, 0.0)
        flat = np.abs(v).reshape(b, n * n)
        flat[:, 0] += tot
        tot = np.cumsum(flat, axis=1)[:, -1]  # a plain running sum, term by term as the reference adds
    ok = tot > 0
    p = num / np.where(ok, tot, 1.0)[:, None, None]
    p[~ok] = 0.0
    p[x[:, :, None] == x[:, None, :]] = 0.0
    return p


def prob_paper(x: Array, w: Array) -> Array:
    """Printed per-pair probability ``P_ij = Σ_{k: v_k>0} v_k / Σ_k |v_k|``, ``v_k = w_k(|x_k−x_j|−|x_k−x_i|)``.

    ``P_ij + P_ji = 1``; a pair no voter separates (equal positions, or no weight) gets 1/2.
    """
    b, n = x.shape
    pos = np.zeros((b, n, n))
    tot = np.zeros((b, n, n))
    for k in range(n):
        dk = np.abs(x[:, k, None] - x)  # [b, a]
        v = w[:, k, None, None] * (dk[:, None, :] - dk[:, :, None])
        pos += np.maximum(v, 0.0)
        tot += np.abs(v)
    ok = tot > 0
    return np.where(ok, pos / np.where(ok, tot, 1.0), 0.5)


def utilities(r: Array | None, d: Array) -> tuple[Array, Array, Array]:
    """``U_s, U_f, U_sq`` (Scholz eqs. 15, 16, 24) for normalised distance ``d`` and risk exponent ``r``."""
    lo = 0.5 - 0.5 * d
    hi = 0.5 + 0.5 * d
    if r is None:
        return 2.0 - 4.0 * lo, 2.0 - 4.0 * hi, np.zeros_like(d)
    r = np.broadcast_to(r, d.shape)
    return 2.0 - 4.0 * libm_pow(lo, r), 2.0 - 4.0 * libm_pow(hi, r), 2.0 - 4.0 * libm_pow(np.full_like(d, 0.5), r)


def eu_challenge(r: Array | None, p: Array, d: Array, s_target: Array, q: float) -> Array:
    """``s_j [P U_s + (1−P) U_f] + (1−s_j) U_s − q U_sq`` (Scholz eq. 25a with Q = q, no U_b/U_w term)."""
    us, uf, usq = utilities(r, d)
    return s_target * (p * us + (1.0 - p) * uf) + (1.0 - s_target) * us - q * usq


def risk_exponents(security: Array) -> Array:
    """Scholz eqs. 32–34: scale the security sums ``S[b, A]`` to ``R_i ∈ [−1, 1]``, ``r_i = (1−R_i/3)/(1+R_i/3)``.

    When every actor is equally secure (``max S = min S``, e.g. all positions converged) the scaling is
    undefined (the reference codes divide by zero): every actor then gets ``r = 1`` (risk neutral).
    """
    hi = security.max(axis=1, keepdims=True)
    lo = security.min(axis=1, keepdims=True)
    spread = hi - lo
    ok = spread > 1e-12 * np.maximum(np.abs(hi), np.abs(lo))
    ra = (2.0 * security - hi - lo) / np.where(ok, spread, 1.0)
    ra = np.where(ok, ra, 0.0)
    return (1.0 - ra / 3.0) / (1.0 + ra / 3.0)


def _pick(mask: Array, key1: Array, key2: Array, key3: Array) -> tuple[Array, Array]:
    """Per row ``[b, i]``: any candidate in ``mask[b, i, :]``, and the lexicographic argmin of the keys."""
    inf = np.inf
    k1 = np.where(mask, key1, inf)
    c = mask & (k1 == k1.min(axis=2, keepdims=True))
    k2 = np.where(c, key2, inf)
    c &= k2 == k2.min(axis=2, keepdims=True)
    k3 = np.where(c, key3, inf)
    return np.asarray(mask.any(axis=2)), np.argmin(k3, axis=2)


def _first_min(mask: Array, key: Array) -> tuple[Array, Array]:
    """Per row: any candidate, and the first (lowest actor index) candidate with the smallest key."""
    return np.asarray(mask.any(axis=2)), np.argmin(np.where(mask, key, np.inf), axis=2)


def _take(a: Array, idx: Array) -> Array:
    return np.take_along_axis(a, idx[:, :, None], axis=2)[:, :, 0]


def _security(eu_on: Array) -> Array:
    """``S_i = Σ_{j≠i} E(U_ji)`` from ``eu_on[b, j, i]`` (challenger j, target i), summed in actor order."""
    n = eu_on.shape[1]
    off = ~np.eye(n, dtype=bool)
    return np.where(off[None], eu_on, 0.0).sum(axis=1)


def scholz_round(x: Array, s: Array, w: Array, R: Array, q: float) -> tuple[Array, Array]:
    """One simultaneous round of the Scholz-code reading; returns the new positions and the risk exponents."""
    dx = np.abs(x[:, :, None] - x[:, None, :])
    d = dx / R[:, None, None]
    # pass 1: everyone risk neutral; S_i adds what each j expects from challenging i
    p1 = prob_scholz(x, w, None, R)
    e1 = eu_challenge(None, p1, d, s[:, None, :], q)  # e1[j, i]: j challenges i
    r = risk_exponents(_security(e1))
    # pass 2: every value as the receiver i perceives it, with i's own exponent
    p2 = prob_scholz(x, w, r, R)
    ri = r[:, :, None]
    eu_ij = eu_challenge(ri, p2, d, s[:, None, :], q)  # i challenges j
    eu_ji = eu_challenge(ri, np.swapaxes(p2, 1, 2), d, s[:, :, None], q)  # j challenges i
    valid = x[:, :, None] != x[:, None, :]
    xi = np.broadcast_to(x[:, :, None], dx.shape)
    xj = np.broadcast_to(x[:, None, :], dx.shape)
    conf = valid & (eu_ji > eu_ij) & (eu_ij > 0)
    comp = valid & ~conf & (eu_ji > 0) & (eu_ij < 0) & (eu_ji > np.abs(eu_ij))
    with np.errstate(divide="ignore", invalid="ignore"):
        comp_pos = xi + (xj - xi) * np.abs(eu_ij / eu_ji)
        a, b = np.abs(eu_ij), np.abs(eu_ji)
        comp_key = (a * xi + b * xj) / (a + b)
    has_c, jc = _first_min(conf, dx)
    has_m, jm = _first_min(comp, comp_key)
    new = np.where(has_c, _take(xj, jc), np.where(has_m, _take(comp_pos, jm), x))
    return new, r


def eu_paper(r: Array | None, p: Array, d: Array, dmu: Array, s_target: Array, q: float) -> Array:
    """Scholz eq. 25a as printed, with the (1−Q)[T U_b + (1−T) U_w] term; ``dmu = |x_i − μ| / R``."""
    us, uf, usq = utilities(r, d)
    out = s_target * (p * us + (1.0 - p) * uf) + (1.0 - s_target) * us - q * usq
    if q != 1.0:
        g = 0.25 * (dmu + d)
        lo, hi = 0.5 - g, 0.5 + g
        ub = 2.0 - 4.0 * (lo if r is None else libm_pow(lo, r))
        uw = 2.0 - 4.0 * (hi if r is None else libm_pow(hi, r))
        t = dmu < d
        out = out - (1.0 - q) * np.where(t, ub, uw)
    return out


def paper_round(x: Array, s: Array, w: Array, R: Array, q: float) -> tuple[Array, Array]:
    """One simultaneous round of the printed model; returns the new positions and the risk exponents."""
    dx = np.abs(x[:, :, None] - x[:, None, :])
    d = dx / R[:, None, None]
    mu = weighted_median(x, w)
    dmu = (np.abs(x - mu[:, None]) / R[:, None])[:, :, None]  # from the challenger's (row's) view
    p = prob_paper(x, w)  # p[i, j]: i beats j
    e1 = eu_paper(None, p, d, dmu, s[:, None, :], q)  # E^i(U_ij), r = 1
    r = risk_exponents(_security(e1))  # S_i = Σ_j E^j(U_ji) = column sums
    e = eu_paper(r[:, :, None], p, d, dmu, s[:, None, :], q)  # E^i(U_ij) with i's own r
    # receiver m (row), proposer k (column): a = E^k(U_km), b = E^m(U_mk)
    a = np.swapaxes(e, 1, 2)
    b = e
    valid = x[:, :, None] != x[:, None, :]
    xm = np.broadcast_to(x[:, :, None], dx.shape)
    xk = np.broadcast_to(x[:, None, :], dx.shape)
    lost = valid & (a > 0) & (b > 0) & (a > b)
    comp = valid & (a > 0) & (b <= 0) & (a >= -b)
    capit = valid & (a > 0) & (b < 0) & (-b > a)
    with np.errstate(divide="ignore", invalid="ignore"):
        comp_pos = xm + (xk - xm) * np.abs(b / a)
    has_l, jl = _pick(lost, dx, -a, xk)
    move_c = np.abs(comp_pos - xm)
    has_c, jc = _pick(comp, move_c, -a, comp_pos)
    has_k, jk = _pick(capit, dx, -a, xk)
    new = np.where(has_l, _take(xk, jl),
                   np.where(has_c, _take(comp_pos, jc), np.where(has_k, _take(xk, jk), x)))
    return new, r


ROUNDS = {"scholz": scholz_round, "paper": paper_round}


#: above this many pair evaluations (B·A²·rounds) the compiled kernel repays numba's import (~1 s)
NUMBA_ABOVE = 200_000


def run_eum(x0: Array, s: Array, c: Array, rounds: int, variant: str, q: float,
            engine: str = "auto", chunk_elems: int = 1 << 18) -> tuple[Array, Array]:
    """Run ``rounds`` rounds on ``[B, A]`` inputs; returns positions ``[B, R+1, A]`` and risk ``[B, R, A]``.

    ``R`` (the normalising range) is each sample's initial position range, fixed for the run. A sample
    whose actors all start at one position has nothing to bargain over: it keeps its positions (and
    ``r = 1``). ``engine``: ``"numpy"`` (this module, chunks of about ``chunk_elems / A²`` samples),
    ``"numba"`` (:mod:`allied.models.eum._numba`, one sample at a time) or ``"auto"`` (numba for large
    batches); both give the same numbers.
    """
    bsz, n = x0.shape
    if engine == "numba" or (engine == "auto" and bsz * n * n * rounds > NUMBA_ABOVE):
        from allied.models.eum import _numba as eum_numba

        return eum_numba.run(x0, s, c, rounds, variant, q)
    step = ROUNDS[variant]
    pos = np.empty((bsz, rounds + 1, n))
    risk = np.ones((bsz, rounds, n))
    pos[:, 0] = x0
    w = c * s
    per = max(1, chunk_elems // max(1, n * n))
    for lo in range(0, bsz, per):
        sl = slice(lo, min(bsz, lo + per))
        x = x0[sl].astype(float, copy=True)
        rng = x.max(axis=1) - x.min(axis=1)
        live = rng > 0
        R = np.where(live, rng, 1.0)
        for t in range(rounds):
            new, r = step(x, s[sl], w[sl], R, q)
            x = np.where(live[:, None], new, x)
            risk[sl, t] = np.where(live[:, None], r, 1.0)
            pos[sl, t + 1] = x
    return pos, risk
