"""Theory engine: Nash provision of alliance defence as a public good, and its joint-product variant.

* Olson & Zeckhauser (1966), "An Economic Theory of Alliances", REStat 48(3): each ally i splits income
  ``Y_i`` between a private good ``x_i = Y_i - q_i`` and defence ``q_i``; alliance defence ``Q = Σ q`` is a
  pure public good. Variant here: Cobb–Douglas ``u_i = x_i^(1-a_i) Q^(a_i)``, whose best response is the
  closed form ``q_i = max(0, a_i Y_i - (1 - a_i) Q_-i)``. The Nash equilibrium is reached by iterating best
  responses Gauss–Seidel style (one ally after another, each seeing the others' latest choice) to the fixed
  point; simultaneous (Jacobi) updates diverge when ``(1-a)(n-1) > 1``. The equilibrium is unique
  (Bergstrom, Blume & Varian 1986, J Public Econ 29). Many near-equal allies make the sweeps crawl (the
  contraction factor nears 1); those samples are finished exactly through the aggregate condition
  ``Q = Σ max(0, Y_i - Q (1-a_i)/a_i)`` and confirmed as best-response fixed points. Samuelson check: the
  sum over allies of the marginal rate of substitution of Q for the private good at the Nash point; > 1
  means under-provision.
* Joint products (Sandler 1993, JCR 37(3); Sandler & Hartley 2001, JEL 39): defence also yields an
  ally-specific private benefit, ``u_i = x_i^(1-a_i-c_i) Q^(a_i) (pi q_i)^(c_i)``. The best response solves
  ``c/q + a/(q + Q_-i) = (1-a-c)/(Y-q)`` numerically (safeguarded Newton on (0, Y), where the left minus the
  right side falls strictly, so the root stays bracketed); with ``c > 0`` every ally contributes. ``pi``
  scales utility only and does not move choices.
* Comparative statics: equilibria over a grid of private shares ``c``, solved as one batch.

Every solver is batched over a leading sample axis ``B`` (incomes and shares ``[B, n]``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numba import njit
from scipy import stats


@njit(cache=True, nogil=True)
def _pure_gs(Y: np.ndarray, a: np.ndarray, tol: float, max_iter: int) -> tuple[np.ndarray, np.ndarray]:
    B, n = Y.shape
    q = np.zeros((B, n))
    iters = np.zeros(B, np.int64)
    for b in range(B):
        Q = 0.0
        for it in range(max_iter):
            delta = 0.0
            for i in range(n):
                others = Q - q[b, i]
                new = a[b, i] * Y[b, i] - (1.0 - a[b, i]) * others
                if new < 0.0:
                    new = 0.0
                d = abs(new - q[b, i])
                if d > delta:
                    delta = d
                q[b, i] = new
                Q = others + new
            iters[b] = it + 1
            if delta <= tol * (1.0 + Q):
                break
    return q, iters


@njit(cache=True, nogil=True)
def _pure_aggregate(Y: np.ndarray, a: np.ndarray) -> np.ndarray:
    """Exact Nash point through the aggregate: ``Q = Σ max(0, Y_i - k_i Q)``, ``k_i = (1-a_i)/a_i``.

    Contributors are the allies whose threshold ``Y_i / k_i`` exceeds Q; with the m highest thresholds
    contributing, ``Q = Σ_m Y / (1 + Σ_m k)``. Used when best-response sweeps converge slowly."""
    B, n = Y.shape
    q = np.zeros((B, n))
    for b in range(B):
        k = (1.0 - a[b]) / a[b]
        thr = Y[b] / k
        order = np.argsort(-thr)
        sy = 0.0
        sk = 0.0
        Q = 0.0
        for m in range(n):
            i = order[m]
            sy += Y[b, i]
            sk += k[i]
            Q = sy / (1.0 + sk)
            if m == n - 1 or thr[order[m + 1]] <= Q:
                break
        for i in range(n):
            v = Y[b, i] - k[i] * Q
            q[b, i] = v if v > 0.0 else 0.0
    return q


@njit(cache=True, nogil=True)
def _jp_best(Y: float, a: float, c: float, R: float, guess: float, tol: float) -> float:
    """Root of f(q) = c/q + a/(q+R) - (1-a-c)/(Y-q) on (0, Y) (0 when f <= 0 as q -> 0).

    f falls strictly on (0, Y), so the root is bracketed; Newton steps from ``guess`` (the previous sweep's
    choice), falling back to bisection whenever a step leaves the bracket."""
    k = 1.0 - a - c
    if c <= 0.0:
        if R <= 0.0:
            return a * Y
        if a / R - k / Y <= 0.0:
            return 0.0
    lo = 0.0
    hi = Y
    x = guess
    if not (0.0 < x < Y):
        x = 0.5 * Y
    for _ in range(200):
        f = a / (x + R) - k / (Y - x)
        df = -a / ((x + R) * (x + R)) - k / ((Y - x) * (Y - x))
        if c > 0.0:
            f += c / x
            df -= c / (x * x)
        if f > 0.0:
            lo = x
        else:
            hi = x
        step = -f / df
        nxt = x + step
        if not (lo < nxt < hi):
            nxt = 0.5 * (lo + hi)
        if abs(nxt - x) <= tol * Y or hi - lo <= tol * Y:
            return nxt
        x = nxt
    return x


@njit(cache=True, nogil=True)
def _joint_gs(Y: np.ndarray, a: np.ndarray, c: np.ndarray, tol: float,
              max_iter: int) -> tuple[np.ndarray, np.ndarray]:
    B, n = Y.shape
    q = np.zeros((B, n))
    iters = np.zeros(B, np.int64)
    for b in range(B):
        Q = 0.0
        for it in range(max_iter):
            delta = 0.0
            for i in range(n):
                others = Q - q[b, i]
                new = _jp_best(Y[b, i], a[b, i], c[b, i], others, q[b, i], tol * 1e-3)
                d = abs(new - q[b, i])
                if d > delta:
                    delta = d
                q[b, i] = new
                Q = others + new
            iters[b] = it + 1
            if delta <= tol * (1.0 + Q):
                break
    return q, iters


@dataclass
class Equilibrium:
    """A batch of Nash equilibria: contributions ``q[B, n]`` and diagnostics."""

    q: np.ndarray  # [B, n] defence provided by each ally
    Y: np.ndarray  # [B, n] incomes
    a: np.ndarray  # [B, n] public-good taste
    c: np.ndarray  # [B, n] private (joint-product) share; zeros for a pure public good
    iterations: np.ndarray  # [B] best-response sweeps used
    converged: np.ndarray  # [B] bool

    @property
    def total(self) -> np.ndarray:
        """Alliance defence Q ``[B]``."""
        return self.q.sum(axis=-1)

    @property
    def burden(self) -> np.ndarray:
        """Defence over income ``q / Y`` ``[B, n]``."""
        return self.q / self.Y

    @property
    def contributors(self) -> np.ndarray:
        """Whether each ally contributes a positive amount ``[B, n]``."""
        return self.q > 1e-9 * self.Y

    def mrs_public(self) -> np.ndarray:
        """Each ally's marginal rate of substitution of alliance defence for the private good ``[B, n]``."""
        x = self.Y - self.q
        return self.a * x / ((1.0 - self.a - self.c) * self.total[..., None])

    def samuelson(self) -> np.ndarray:
        """Samuelson sum ``Σ_i MRS_i`` of the public characteristic ``[B]``; > 1 means under-provision.

        With joint products each ally's own private benefit adds to the condition for its own q
        (see :meth:`samuelson_by_ally`)."""
        return self.mrs_public().sum(axis=-1)

    def samuelson_by_ally(self) -> np.ndarray:
        """``Σ_i MRS_i(Q) + MRS_j(own private benefit)`` for each ally j's defence ``[B, n]``: 1 when efficient."""
        x = self.Y - self.q
        k = 1.0 - self.a - self.c
        with np.errstate(divide="ignore", invalid="ignore"):
            own = np.where(self.q > 0, self.c * x / (k * self.q), np.inf * (self.c > 0))
        return self.samuelson()[..., None] + np.nan_to_num(own, nan=0.0)


def _prep(Y: np.ndarray | list[float], *shares: np.ndarray | float | list[float]) -> list[np.ndarray]:
    y = np.atleast_2d(np.asarray(Y, dtype=float))
    if np.any(y <= 0):
        raise ValueError("incomes must be > 0")
    out = [np.ascontiguousarray(y)]
    for s in shares:
        out.append(np.ascontiguousarray(np.broadcast_to(np.asarray(s, dtype=float), y.shape).copy()))
    return out


def nash_public_good(Y: np.ndarray | list[float], a: np.ndarray | float | list[float] = 0.3,
                     tol: float = 1e-12, max_iter: int = 2_000) -> Equilibrium:
    """Olson–Zeckhauser Nash provision with Cobb–Douglas tastes ``a`` (scalar, ``[n]`` or ``[B, n]``).

    Best responses are iterated (Gauss–Seidel) for up to ``max_iter`` sweeps; samples still moving then
    are solved through the aggregate condition (Cornes & Hartley 2007, J Public Econ Theory 9(2)) and every
    result is confirmed to be a fixed point of the closed-form best responses (``converged``)."""
    y, aa = _prep(Y, a)
    if np.any((aa <= 0) | (aa >= 1)):
        raise ValueError("each taste a must lie in (0, 1)")
    q, it = _pure_gs(y, aa, tol, max_iter)
    slow = it >= max_iter
    if slow.any():  # many near-equal allies: sweeps crawl; finish through the aggregate, then confirm
        q[slow] = _pure_aggregate(y[slow], aa[slow])
    Q_others = q.sum(axis=-1, keepdims=True) - q
    gap = np.abs(best_response_public(y, aa, Q_others) - q).max(axis=-1)
    converged = gap <= 1e-9 * (1.0 + q.sum(axis=-1))
    return Equilibrium(q, y, aa, np.zeros_like(y), it, converged)


def nash_joint_product(Y: np.ndarray | list[float], a: np.ndarray | float | list[float] = 0.3,
                       c: np.ndarray | float | list[float] = 0.1, tol: float = 1e-12,
                       max_iter: int = 100_000) -> Equilibrium:
    """Joint-product Nash provision, best responses solved numerically (``a > 0``, ``c >= 0``, ``a + c < 1``)."""
    y, aa, cc = _prep(Y, a, c)
    if np.any(aa <= 0) or np.any(cc < 0) or np.any(aa + cc >= 1):
        raise ValueError("need a > 0, c >= 0 and a + c < 1")
    q, it = _joint_gs(y, aa, cc, tol, max_iter)
    return Equilibrium(q, y, aa, cc, it, it < max_iter)


def best_response_public(Y: np.ndarray, a: np.ndarray, Q_others: np.ndarray) -> np.ndarray:
    """The closed-form Olson–Zeckhauser best response ``max(0, a Y - (1-a) Q_-i)`` (broadcasts)."""
    return np.maximum(0.0, np.asarray(a) * np.asarray(Y) - (1.0 - np.asarray(a)) * np.asarray(Q_others))


def comparative_statics(Y: np.ndarray | list[float], a: float = 0.3,
                        c_grid: np.ndarray | list[float] | None = None) -> pd.DataFrame:
    """Equilibria as the private share ``c`` grows (all allies share ``a`` and ``c``), solved as one batch.

    Columns: c, total (Σ q), contributors, burden_max/burden_min (q/Y), spearman_income_burden
    (the exploitation signature: > 0 when richer allies carry more), samuelson (public MRS sum).
    """
    y = np.asarray(Y, dtype=float).ravel()
    grid = np.asarray(c_grid if c_grid is not None else np.linspace(0.0, 0.6, 13), dtype=float)
    if np.any(grid + a >= 1):
        raise ValueError(f"every c must stay below 1 - a = {1 - a:g}")
    B = grid.size
    eq = nash_joint_product(np.tile(y, (B, 1)), a, np.repeat(grid[:, None], y.size, axis=1))
    burden = eq.burden
    rho = [float(stats.spearmanr(y, burden[b]).statistic) if np.ptp(burden[b]) > 0 else np.nan
           for b in range(B)]
    return pd.DataFrame({"c": grid, "total": eq.total, "contributors": eq.contributors.sum(axis=1),
                         "burden_max": burden.max(axis=1), "burden_min": burden.min(axis=1),
                         "spearman_income_burden": rho, "samuelson": eq.samuelson()})
