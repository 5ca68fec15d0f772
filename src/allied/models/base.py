"""The one interface every collective-decision forecaster implements.

A model is an object with a ``name``, a ``parameters`` mapping of defaults, a
``multidimensional`` flag and a pure ``run`` kernel. The kernel works on arrays
with a leading sample axis ``B`` (DESIGN §3):

* ``x[B, A, D]`` positions in each issue's own units,
* ``s[B, A, D]`` salience in ``[0, 1]``,
* ``c[B, A, D]`` capability (``>= 0``; only ratios matter to every model),
* ``lo[D]``, ``hi[D]`` the issue scales, ``present[A, D]`` which actor takes part in which issue.

One-dimensional models (``multidimensional = False``) are handed one issue at a
time (``D = 1``, every actor present); :func:`run_model` does that split, so a
model author only writes the one-issue kernel.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol, runtime_checkable

import numpy as np

from allied.arrays import FloatArray, ForecastInput
from allied.errors import ModelError


@dataclass
class ForecastOutput:
    """What every model returns; arrays keep the sample axis first.

    ``positions[B, R+1, A, D]``: round 0 is the input. ``forecast[B, R+1, D]``: the model's own
    statistic per round (EUM: median voter; SMP: most probable position; exchange: voting mean).
    ``mean[B, R+1, D]``: the c·s-weighted mean of the positions. Models that stop early (SMP) pad
    with their last state and report the real count in ``rounds_run[B]``. Absent actors (``present``
    false) hold NaN positions.
    """

    positions: FloatArray
    forecast: FloatArray
    mean: FloatArray
    rounds_run: np.ndarray | None = None
    extras: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


@runtime_checkable
class Forecaster(Protocol):
    """One collective-decision model."""

    @property
    def name(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def citation(self) -> str: ...
    @property
    def multidimensional(self) -> bool: ...
    @property
    def parameters(self) -> Mapping[str, Any]: ...
    @property
    def stochastic(self) -> bool: ...

    def run(
        self,
        inp: ForecastInput,
        *,
        rounds: int | None = None,
        rng: np.random.Generator | None = None,
        **params: Any,
    ) -> ForecastOutput:
        """Run the kernel on a batch; ``params`` override ``parameters``."""
        ...


class BaseForecaster:
    """Shared helpers for model classes (optional to inherit)."""

    name: ClassVar[str] = ""
    title: ClassVar[str] = ""
    citation: ClassVar[str] = ""
    multidimensional: ClassVar[bool] = False
    stochastic: ClassVar[bool] = False
    parameters: ClassVar[Mapping[str, Any]] = {}
    #: a model of two sides bargaining (the conformance suite hands it two actors)
    bilateral: ClassVar[bool] = False
    #: conformance checks that do not apply, with the reason (shown in the test report)
    conformance_exempt: ClassVar[Mapping[str, str]] = {}

    def resolve(self, params: Mapping[str, Any]) -> dict[str, Any]:
        unknown = set(params) - set(self.parameters)
        if unknown:
            raise ModelError(
                f"model '{self.name}' has no parameter(s) {sorted(unknown)}; "
                f"it takes {sorted(self.parameters)}"
            )
        out = dict(self.parameters)
        out.update({k: v for k, v in params.items() if v is not None})
        return out


def applicable(model: Forecaster, inp: ForecastInput) -> tuple[list[int], dict[str, str]]:
    """Indices of the issues the model fits, and ``{issue: why not}`` for the others (a model says so with an
    ``applies(one_issue_input) -> reason | None`` method; models without one fit every issue)."""
    check = getattr(model, "applies", None)
    if check is None or model.multidimensional:
        return list(range(inp.shape[2])), {}
    ok: list[int] = []
    skipped: dict[str, str] = {}
    for d in range(inp.shape[2]):
        reason = check(inp.issue(d))
        if reason is None:
            ok.append(d)
        else:
            skipped[inp.issues[d]] = reason
    return ok, skipped


def weighted_mean(x: FloatArray, w: FloatArray) -> FloatArray:
    """c·s-weighted mean over the actor axis (``axis=-2`` of ``[..., A, D]``); NaN-safe for absent actors."""
    ok = ~np.isnan(x)
    wx = np.where(ok, w, 0.0)
    tot = wx.sum(axis=-2)
    num = np.where(ok, x, 0.0) * wx
    with np.errstate(invalid="ignore", divide="ignore"):
        m = num.sum(axis=-2) / tot
        # all weights zero: fall back to the plain mean of present actors (what np.nanmean computes, without
        # its warning for an issue no actor holds: that mean is NaN, as it should be)
        plain = np.where(ok, x, 0.0).sum(axis=-2) / ok.sum(axis=-2) if np.any(tot == 0) else m
    return np.where(tot > 0, m, plain)


def run_model(
    model: Forecaster,
    inp: ForecastInput,
    *,
    rounds: int | None = None,
    rng: np.random.Generator | None = None,
    **params: Any,
) -> ForecastOutput:
    """Run ``model`` on ``inp``: whole for multi-dimensional models, one issue at a time otherwise.

    One-issue results are stitched back into ``[B, R+1, A, D]`` arrays (NaN where an actor does not
    take part; shorter runs padded with their last round); per-issue extras go under
    ``extras["per_issue"][issue_id]``.
    """
    from allied.models.limits import check_run

    check_run(model.name, inp, rounds)
    if model.multidimensional:
        return model.run(inp, rounds=rounds, rng=rng, **params)
    b, a, d = inp.shape
    parts = [model.run(inp.issue(k), rounds=rounds, rng=rng, **params) for k in range(d)]
    r1 = max(p.positions.shape[1] for p in parts)
    pos = np.full((b, r1, a, d), np.nan)
    fc = np.empty((b, r1, d))
    mn = np.empty((b, r1, d))
    run = np.zeros((b, d), dtype=np.int64)
    mask = inp.mask
    extras: dict[str, Any] = {"per_issue": {}}
    notes: list[str] = []
    for k, p in enumerate(parts):
        n = p.positions.shape[1]
        keep = np.flatnonzero(mask[:, k])
        pos[:, :n, keep, k] = p.positions[:, :, :, 0]
        pos[:, n:, keep, k] = p.positions[:, -1:, :, 0]
        fc[:, :n, k] = p.forecast[:, :, 0]
        fc[:, n:, k] = p.forecast[:, -1:, 0]
        mn[:, :n, k] = p.mean[:, :, 0]
        mn[:, n:, k] = p.mean[:, -1:, 0]
        run[:, k] = p.rounds_run if p.rounds_run is not None else n - 1
        extras["per_issue"][inp.issues[k]] = p.extras
        notes += [f"{inp.issues[k]}: {m}" for m in p.notes]
    return ForecastOutput(pos, fc, mn, rounds_run=run.max(axis=1), extras=extras, notes=notes)
