"""Ledger engine timings: Nash equilibria over B samples (numba kernels vs a plain-Python reference loop) and
batched ledger totals over B samples of korea-2019's uncertain items. Prints a table; not a test."""

from __future__ import annotations

import time

import numpy as np


def _python_reference(Y: np.ndarray, a: float, tol: float = 1e-12) -> np.ndarray:
    """Plain-Python Gauss–Seidel best responses, one sample at a time (the baseline)."""
    out = np.zeros_like(Y)
    for b in range(Y.shape[0]):
        q = [0.0] * Y.shape[1]
        Q = 0.0
        for _ in range(100_000):
            delta = 0.0
            for i in range(Y.shape[1]):
                others = Q - q[i]
                new = max(0.0, a * Y[b, i] - (1 - a) * others)
                delta = max(delta, abs(new - q[i]))
                q[i], Q = new, others + new
            if delta <= tol * (1 + Q):
                break
        out[b] = q
    return out


def _time(fn, repeat: int = 3) -> float:
    best = np.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    from allied.ledgers import ledger, nash_joint_product, nash_public_good, plan
    from allied.scenario import load

    rng = np.random.default_rng(0)
    n = 30
    nash_public_good(rng.lognormal(3, 1, (2, n)))  # compile / load the numba cache
    nash_joint_product(rng.lognormal(3, 1, (2, n)), 0.3, 0.1)
    rows = []
    for B in (100, 10_000):
        Y = rng.lognormal(3, 1, (B, n))
        t_pg = _time(lambda Y=Y: nash_public_good(Y, 0.3))
        t_jp = _time(lambda Y=Y: nash_joint_product(Y, 0.3, 0.1))
        m = min(B, 1000)
        t_ref = _time(lambda Y=Y, m=m: _python_reference(Y[:m], 0.3), repeat=1) * (B / m)
        rows.append((f"Nash, pure public good, B={B}, n={n}", t_pg, t_ref))
        rows.append((f"Nash, joint product, B={B}, n={n}", t_jp, float("nan")))
    section = load("korea-2019").alliance
    p = plan(section)
    for B in (1_000, 100_000):
        u = rng.random((B, p.n_inputs))
        rows.append((f"korea-2019 ledger totals, B={B} ({p.n_inputs} inputs, {len(p.keys)} totals)",
                     _time(lambda u=u: p.totals(*p.draw(u))), float("nan")))
    rows.append(("korea-2019 full ledger (API, B=1)", _time(lambda: ledger("korea-2019")), float("nan")))
    print(f"{'case':<64} {'allied s':>10} {'python s':>10} {'speed-up':>9}")
    for name, t, ref in rows:
        sp = f"{ref / t:9.0f}" if ref == ref else f"{'':>9}"
        rs = f"{ref:10.4f}" if ref == ref else f"{'':>10}"
        print(f"{name:<64} {t:10.4f} {rs} {sp}")


if __name__ == "__main__":
    main()
