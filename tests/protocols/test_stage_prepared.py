"""The stage solver's per-stage preparation (allied.protocols.stage.prepare_stage) finds exactly the roots the
plain scan (``_roots``) finds, in the same order, for any interval: the backward pass relies on it to give the
same equilibria bit for bit."""

from __future__ import annotations

import numpy as np
import pytest

from allied.protocols import stage as st


def _cases(seed: int, n: int):
    rng = np.random.default_rng(seed)
    for _ in range(n):
        g = int(rng.choice([3, 4, 9, 81]))
        vals = rng.normal(size=g)
        vals[rng.random(g) < 0.2] = 0.0  # roots exactly on nodes
        if rng.random() < 0.2:
            vals[:] = 0.0  # a root in every cell
        nodes = np.arange(g) / (g - 1)
        # interval ends on grid nodes (the backward pass's priors), at 0 / 1, or anywhere
        ends = [float(rng.choice(nodes)), float(rng.random()), 0.0, 1.0]
        mu = ends[int(rng.integers(0, 4))]
        yield vals, mu


def _scan(vals: np.ndarray, lo: float, hi: float) -> list[float]:
    """The plain scan from its definition, in Python (independent of the kernel's shared helpers): in each
    cell meeting [lo, hi], the left node when it is zero, else the crossing of a sign change; kept when
    inside (lo, hi) and more than 1e-15 past the previous root."""
    g = vals.shape[0]
    h = 1.0 / (g - 1)
    out: list[float] = []
    for j in range(g - 1):
        m0, m1 = j * h, (j + 1) * h
        if m1 < lo or m0 > hi:
            continue
        f0, f1 = float(vals[j]), float(vals[j + 1])
        if f0 == 0.0:
            r = m0
        elif f0 * f1 < 0.0:
            r = m0 + (m1 - m0) * f0 / (f0 - f1)
        else:
            continue
        if lo < r < hi and (not out or r - out[-1] > 1e-15):
            out.append(r)
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_root_lists_and_cell_ranges_equal_the_plain_scan(seed: int) -> None:
    for vals, mu in _cases(seed, 400):
        g = vals.shape[0]
        root = np.zeros(g)
        cell = np.zeros(g)
        st._cell_roots(vals, root, cell)
        for lo, hi in ((0.0, mu), (mu, 1.0)):
            want = np.zeros(g)
            n = st._roots(vals, lo, hi, want)
            assert want[:n].tolist() == _scan(vals, lo, hi)
            got = np.zeros(g)
            assert st._roots_from(root, cell, lo, hi, got) == n
            np.testing.assert_array_equal(got[:n], want[:n])
            a, b = st._cells(lo, hi, g)
            got2 = np.zeros(g)
            assert st._roots_in(vals, lo, hi, got2, a, b) == n
            np.testing.assert_array_equal(got2[:n], want[:n])

