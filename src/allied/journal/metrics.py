"""Scores of one forecast against one outcome, and of many against naive baselines.

* absolute error in the issue's units; as a share of the actual value where that is meaningful (the issue
  has real ``units``, a scale that starts at or above zero and a non-zero actual); as a share of the scale;
* interval coverage: whether the actual lies inside the sample p05–p95 and p25–p75 intervals;
* CRPS (continuous ranked probability score) of the sample distribution, Gneiting & Raftery (2007),
  *JASA* 102:359, eq. 20: ``CRPS(F, y) = E|X − y| − ½ E|X − X'|`` with the empirical distribution of
  the ``n`` samples (all ``n²`` pairs, the form ``properscoring.crps_ensemble`` computes), in issue units;
  :func:`crps_normal` is the closed form for a normal forecast (their eq. 21), used to check it;
* skill against a baseline: ``1 − Σ e_model / Σ e_baseline`` over the same outcomes, where ``e`` is the
  absolute error as a share of each issue's scale, so that outcomes in different units can be summed; on
  one outcome it is ``1 − |error| / |baseline error|`` whatever the units. 1 is perfect, 0 is no better
  than the baseline, negative is worse.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


def quantiles(samples: np.ndarray) -> dict[str, float]:
    """``p05 p25 p50 p75 p95``, ``mean`` and ``sd`` of a sample (NaNs dropped)."""
    x = np.asarray(samples, dtype=float)
    x = x[np.isfinite(x)]
    q = np.quantile(x, QUANTILES)
    out = {f"p{round(p * 100):02d}": float(v) for p, v in zip(QUANTILES, q, strict=True)}
    out["mean"] = float(x.mean())
    out["sd"] = float(x.std(ddof=1)) if x.size > 1 else 0.0
    return out


def crps_samples(samples: np.ndarray, y: float) -> float:
    """CRPS of the empirical distribution of ``samples`` at ``y``; O(n log n) through the sorted sample.

    ``½ E|X − X'|`` over all ``n²`` ordered pairs equals ``Σ_i (2i − n + 1) x_(i) / n²`` for the sorted
    sample ``x_(0) ≤ … ≤ x_(n−1)``.
    """
    x = np.sort(np.asarray(samples, dtype=float).ravel())
    x = x[np.isfinite(x)]
    n = x.size
    if n == 0:
        raise ValueError("CRPS needs at least one finite sample")
    first = float(np.mean(np.abs(x - y)))
    k = np.arange(n, dtype=float)
    half_spread = float(np.sum((2.0 * k - n + 1.0) * x)) / (n * n)
    return first - half_spread


def crps_normal(mu: float, sigma: float, y: float) -> float:
    """Closed-form CRPS of N(mu, sigma²) at ``y`` (Gneiting & Raftery 2007, eq. 21)."""
    z = (y - mu) / sigma
    pdf = math.exp(-0.5 * z * z) / math.sqrt(2.0 * math.pi)
    cdf = 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))
    return sigma * (z * (2.0 * cdf - 1.0) + 2.0 * pdf - 1.0 / math.sqrt(math.pi))


def inside(samples: np.ndarray, y: float, lo_q: float, hi_q: float) -> bool:
    """Whether ``y`` lies in the closed sample interval between quantiles ``lo_q`` and ``hi_q``."""
    x = np.asarray(samples, dtype=float)
    lo, hi = np.quantile(x[np.isfinite(x)], (lo_q, hi_q))
    return bool(lo <= y <= hi)


def pct_of_actual_meaningful(units: str | None, scale_lo: float, actual: float) -> bool:
    """A ratio to the actual value means something only on a real quantity with a natural zero."""
    return bool(units) and scale_lo >= 0 and actual != 0


def skill(model_errors: Sequence[float] | np.ndarray, baseline_errors: Sequence[float] | np.ndarray) -> float | None:
    """``1 − Σ model / Σ baseline`` over paired errors (None when there are none, or the baseline is exact)."""
    m = np.asarray(model_errors, dtype=float)
    b = np.asarray(baseline_errors, dtype=float)
    if m.shape != b.shape:
        raise ValueError("skill needs the model's and the baseline's errors on the same outcomes")
    if m.size == 0 or float(b.sum()) == 0.0:
        return None
    return 1.0 - float(m.sum()) / float(b.sum())


def paired_bootstrap(diff: Sequence[float], *, reps: int = 2000, seed: int = 0,
                     level: float = 0.90) -> tuple[float, float] | None:
    """Percentile bootstrap interval of the mean of paired differences (resampling the pairs)."""
    d = np.asarray(diff, dtype=float)
    if d.size < 2:
        return None
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, d.size, size=(reps, d.size))
    means = d[idx].mean(axis=1)
    a = (1.0 - level) / 2.0
    lo, hi = np.quantile(means, (a, 1.0 - a))
    return float(lo), float(hi)
