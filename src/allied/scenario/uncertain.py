"""Uncertain values: a plain number or a distribution an expert gives as a range.

* ``{low, high}``: uniform on [low, high]; point value = midpoint.
* ``{low, mode, high}``: triangular; point value = mode.
* ``{mean, sd}``: normal, clipped to the issue scale (or to ``[low, high]`` when also given);
  point value = mean.

Deterministic runs use :meth:`Uncertain.point`; sweeps draw with :meth:`Uncertain.sample`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, model_validator

from allied.errors import invalid


class Uncertain(BaseModel):
    """A range an analyst gives instead of one number."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    low: float | None = None
    mode: float | None = None
    high: float | None = None
    mean: float | None = None
    sd: float | None = None

    @model_validator(mode="after")
    def _check(self) -> Uncertain:
        if self.mean is not None or self.sd is not None:
            if self.mean is None or self.sd is None:
                raise invalid("range_shape", "a normal range needs both 'mean' and 'sd'")
            if self.sd < 0:
                raise invalid("range_shape", f"sd must be >= 0, got {self.sd}")
            if self.mode is not None:
                raise invalid("range_shape", "give either {mean, sd} or {low, mode, high}, not both")
            if (self.low is None) != (self.high is None):
                raise invalid("range_shape", "clip bounds for {mean, sd} need both 'low' and 'high'")
            if self.low is not None and self.high is not None and self.low > self.high:
                raise invalid("range_order", f"low ({self.low:g}) is above high ({self.high:g}); swap them")
            return self
        if self.low is None or self.high is None:
            raise invalid("range_shape", "a range needs 'low' and 'high' (and optionally 'mode'), or 'mean' and 'sd'")
        if self.low > self.high:
            raise invalid("range_order", f"low ({self.low:g}) is above high ({self.high:g}); swap them")
        if self.mode is not None and not (self.low <= self.mode <= self.high):
            raise invalid("range_shape", f"mode ({self.mode}) must lie between low ({self.low}) and high ({self.high})")
        return self

    @property
    def kind(self) -> str:
        if self.mean is not None:
            return "normal"
        return "triangular" if self.mode is not None else "uniform"

    def point(self) -> float:
        if self.mean is not None:
            return float(self.mean)
        if self.mode is not None:
            return float(self.mode)
        assert self.low is not None and self.high is not None
        return 0.5 * (self.low + self.high)

    def bounds(self, clip: tuple[float, float] | None = None) -> tuple[float, float]:
        """Support of the distribution (normal: ±3 sd, clipped)."""
        if self.mean is not None and self.sd is not None:
            lo, hi = self.mean - 3 * self.sd, self.mean + 3 * self.sd
            if self.low is not None and self.high is not None:
                lo, hi = max(lo, self.low), min(hi, self.high)
        else:
            assert self.low is not None and self.high is not None
            lo, hi = self.low, self.high
        if clip is not None:
            lo, hi = max(lo, clip[0]), min(hi, clip[1])
        return float(lo), float(hi)

    def ppf(self, u: np.ndarray, clip: tuple[float, float] | None = None) -> np.ndarray:
        """Inverse CDF at uniforms ``u`` (so one uniform stream drives any distribution): uniform,
        triangular in closed form, normal via ``ndtri``, clipped to ``clip`` (and to ``[low, high]`` for a
        normal that gives them). Vectorised, without scipy.stats' per-call argument checks."""
        u = np.asarray(u, dtype=float)
        if self.mean is not None and self.sd is not None:
            from scipy.special import ndtri

            if self.sd > 0:
                vals = self.mean + self.sd * ndtri(np.clip(u, 1e-12, 1 - 1e-12))
            else:
                vals = np.full_like(u, self.mean)
            lo, hi = (self.low, self.high) if self.low is not None and self.high is not None else (-np.inf, np.inf)
            if clip is not None:
                lo, hi = max(lo, clip[0]), min(hi, clip[1])
            return np.clip(vals, lo, hi)
        assert self.low is not None and self.high is not None
        a, b = self.low, self.high
        if b == a:
            return np.full_like(u, a)
        if self.mode is None:
            return a + (b - a) * u
        c = (self.mode - a) / (b - a)
        x = np.where(u < c, np.sqrt(c * u), 1.0 - np.sqrt((1.0 - c) * (1.0 - u)))
        return a + (b - a) * x

    def sample(self, rng: np.random.Generator, n: int, clip: tuple[float, float] | None = None) -> np.ndarray:
        return self.ppf(rng.random(n), clip)


#: a scenario figure: a plain number or an :class:`Uncertain` range
Value = float | Uncertain


def point(v: Value | None) -> float | None:
    """Deterministic value of a number or range."""
    if v is None:
        return None
    return v.point() if isinstance(v, Uncertain) else float(v)


def is_uncertain(v: Any) -> bool:
    return isinstance(v, Uncertain)
