"""Baseline models: the capability × salience weighted mean and the weighted median.

* ``mean``: x̄ = Σ c_i s_i x_i / Σ c_i s_i — the "weighted compromise" used as a baseline throughout the
  expected-utility literature (e.g. Achen 2006, "Institutional realism and bargaining models", in
  Thomson et al., *The European Union Decides*, where it is the best-performing simple model).
* ``median``: the c·s-weighted median. In one dimension with single-peaked, symmetric preferences it is
  the Condorcet winner among the actors' positions (Black 1948), which is the "median voter" μ of Bueno
  de Mesquita's model before any bargaining. When the cumulative weight hits exactly one half between two
  positions both beat every other position and tie each other; we return their midpoint.

Both are static: ``rounds`` only repeats the input state, so every round equals round 0.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from allied.arrays import ForecastInput
from allied.models.base import BaseForecaster, ForecastOutput, weighted_mean
from allied.models.registry import register


def weighted_median(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted median over axis -1 of ``x[..., A]`` with weights ``w[..., A]`` (midpoint on exact ties)."""
    order = np.argsort(x, axis=-1, kind="stable")
    xs = np.take_along_axis(x, order, axis=-1)
    ws = np.take_along_axis(w, order, axis=-1)
    total = ws.sum(axis=-1, keepdims=True)
    ws = np.where(total > 0, ws, 1.0)
    total = ws.sum(axis=-1, keepdims=True)
    cum = np.cumsum(ws, axis=-1)
    half = 0.5 * total
    tol = 1e-12 * total
    lower = np.argmax(cum >= half - tol, axis=-1)
    exact = np.abs(np.take_along_axis(cum, lower[..., None], axis=-1)[..., 0] - half[..., 0]) <= tol[..., 0]
    upper = np.minimum(lower + 1, x.shape[-1] - 1)
    lo_x = np.take_along_axis(xs, lower[..., None], axis=-1)[..., 0]
    up_x = np.take_along_axis(xs, upper[..., None], axis=-1)[..., 0]
    out = np.where(exact, 0.5 * (lo_x + up_x), lo_x)
    return out


class _Static(BaseForecaster):
    parameters: ClassVar[dict[str, Any]] = {}

    def statistic(self, x: np.ndarray, w: np.ndarray) -> np.ndarray:  # [B, A] -> [B]
        raise NotImplementedError

    def run(
        self,
        inp: ForecastInput,
        *,
        rounds: int | None = None,
        rng: np.random.Generator | None = None,
        **params: Any,
    ) -> ForecastOutput:
        self.resolve(params)
        n = 0 if rounds is None else int(rounds)
        x = inp.x[:, :, 0]
        w = inp.c[:, :, 0] * inp.s[:, :, 0]
        stat = self.statistic(x, w)
        mean = weighted_mean(inp.x, inp.c * inp.s)[:, 0]
        pos = np.repeat(inp.x[:, None], n + 1, axis=1)
        return ForecastOutput(
            positions=pos,
            forecast=np.repeat(stat[:, None, None], n + 1, axis=1),
            mean=np.repeat(mean[:, None, None], n + 1, axis=1),
            rounds_run=np.zeros(inp.shape[0], dtype=np.int64),
        )


class WeightedMean(_Static):
    name = "mean"
    title = "Weighted mean (capability × salience)"
    citation = "Achen (2006), in Thomson, Stokman, Achen & König (eds), The European Union Decides"

    def statistic(self, x: np.ndarray, w: np.ndarray) -> np.ndarray:
        return weighted_mean(x[..., None], w[..., None])[..., 0]


class WeightedMedian(_Static):
    name = "median"
    title = "Weighted median (Condorcet winner in one dimension)"
    citation = "Black (1948), J. Political Economy 56(1); Bueno de Mesquita (1994)"

    def statistic(self, x: np.ndarray, w: np.ndarray) -> np.ndarray:
        return weighted_median(x, w)


register(WeightedMean())
register(WeightedMedian())
