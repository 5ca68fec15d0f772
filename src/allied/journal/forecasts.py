"""The forecasts a record holds: every chosen model's final forecast per issue, the two naive baselines,
and (with samples) each one's distribution over the scenario's uncertain inputs.

Baselines, always computed beside the models:

* ``status-quo``: the issue's status quo carried forward (no forecast where the issue has none);
* ``cs-mean``: the capability × salience weighted mean of the actors' stated positions, before any
  bargaining.

Samples draw every uncertain actor and stance figure with the sweeps' seeding (sample ``i`` from
``default_rng([seed, i])``), so a record is reproducible from its seed; each model runs on the whole batch.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from allied.scenario.model import Scenario
from allied.scenario.uncertain import point

STATUS_QUO = "status-quo"
CS_MEAN = "cs-mean"
BASELINES = (STATUS_QUO, CS_MEAN)
#: models that combine the others; they are run after them
COMBINERS = ("ensemble",)


@dataclass
class IssueForecast:
    """One model's forecast of one issue: the point value and, when sampled, its distribution."""

    point: float
    samples: np.ndarray | None = None


@dataclass
class ForecastSet:
    """Every model's (and baseline's) forecasts of a scenario's issues."""

    models: dict[str, dict[str, IssueForecast]]
    params: dict[str, dict[str, Any]] = field(default_factory=dict)
    samples: int = 0
    seed: int = 0

    def names(self) -> list[str]:
        return list(self.models)


def model_names(models: Sequence[str] | None) -> list[str]:
    """Registered models to run ('all' or none given: every registered one)."""
    from allied.models.runner import resolve_models

    return resolve_models(list(models or ["all"]))


def _point_runs(sc: Scenario, names: Sequence[str], seed: int,
                params: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, float]]:
    from allied.models.base import applicable, run_model
    from allied.models.registry import get

    inp = sc.forecast_input()
    out: dict[str, dict[str, float]] = {}
    for name in names:
        model = get(name)
        ok, _ = applicable(model, inp)  # a model that does not fit an issue (bargain: bilateral only) skips it
        if not ok:
            out[name] = {}
            continue
        sub = inp if len(ok) == inp.shape[2] else inp.select(ok)
        res = run_model(model, sub, rng=np.random.default_rng(seed), **dict(params.get(name, {})))
        out[name] = {iss: float(res.forecast[0, -1, d]) for d, iss in enumerate(sub.issues)}
    return out


def draw_values(sc: Scenario, n: int, seed: int) -> dict[str, np.ndarray]:
    """``n`` draws of every uncertain actor and stance figure, by path; sample ``i`` takes its uniforms from
    ``default_rng([seed, i])`` (the sweeps' seeding), mapped through each range's inverse CDF."""
    from allied.scenario.arrays import stance_inputs

    inputs = stance_inputs(sc)
    k = len(inputs)
    u = np.empty((n, k))
    for i in range(n):
        u[i] = np.random.default_rng([seed, i]).random(k)
    return {path: dist.ppf(u[:, j], clip) for j, (path, (dist, clip)) in enumerate(inputs.items())}


def _sample_runs(sc: Scenario, names: Sequence[str], n: int, seed: int, params: Mapping[str, Mapping[str, Any]],
                 fits: Mapping[str, list[str]]) -> tuple[dict[str, dict[str, np.ndarray]], dict[str, np.ndarray]]:
    from allied.models.base import run_model
    from allied.models.registry import get

    # forecasts depend on actor and stance figures only: draw those (the ledger and protocol ones never matter)
    values = draw_values(sc, n, seed)
    out: dict[str, dict[str, np.ndarray]] = {}
    for name in names:
        if not fits.get(name):
            continue
        inp = sc.forecast_input(fits[name], values=dict(values), samples=n)
        res = run_model(get(name), inp, rng=np.random.default_rng(seed), **dict(params.get(name, {})))
        out[name] = {iss: np.asarray(res.forecast[:, -1, d], dtype=float) for d, iss in enumerate(inp.issues)}
    return out, values


def cs_mean(sc: Scenario, values: Mapping[str, np.ndarray] | None = None,
            n: int | None = None) -> dict[str, np.ndarray]:
    """The c·s-weighted mean of stated positions per issue, ``[B]`` (B = 1 without sampled values)."""
    inp = sc.forecast_input(values=dict(values) if values is not None else None, samples=n)
    mask = inp.mask[None, :, :]
    w = np.where(mask, inp.s * inp.c, 0.0)
    x = np.where(mask, inp.x, 0.0)
    tot = w.sum(axis=1)
    plain = np.where(mask, inp.x, 0.0).sum(axis=1) / np.maximum(mask.sum(axis=1), 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        m = np.where(tot > 0, (w * x).sum(axis=1) / np.where(tot > 0, tot, 1.0), plain)
    return {iss: m[:, d] for d, iss in enumerate(inp.issues)}


def baselines(sc: Scenario, values: Mapping[str, np.ndarray] | None = None,
              n: int | None = None) -> dict[str, dict[str, IssueForecast]]:
    """The two naive baselines; ``cs-mean`` carries samples when ``values`` are given."""
    sq: dict[str, IssueForecast] = {}
    for iss in sc.issues:
        v = point(iss.status_quo) if iss.status_quo is not None else None
        if v is not None:
            sq[iss.id] = IssueForecast(float(v))
    pts = cs_mean(sc)
    smp = cs_mean(sc, values, n) if values is not None else None
    cm = {k: IssueForecast(float(v[0]), None if smp is None else smp[k]) for k, v in pts.items()}
    return {STATUS_QUO: sq, CS_MEAN: cm}


def make(sc: Scenario, models: Sequence[str] | None = None, *, samples: int = 0, seed: int = 0,
         params: Mapping[str, Mapping[str, Any]] | None = None) -> ForecastSet:
    """Run the chosen models (and the baselines) on ``sc``; ``samples`` > 0 adds distributions."""
    names = model_names(models)
    given: dict[str, dict[str, Any]] = {k: dict(v) for k, v in (params or {}).items()}
    for c in COMBINERS:  # a combiner scoring a library case leaves that case out of its fit
        if c in names:
            given.setdefault(c, {}).setdefault("exclude", sc.id)
    points = _point_runs(sc, names, seed, given)
    sampled: dict[str, dict[str, np.ndarray]] = {}
    vals: dict[str, np.ndarray] | None = None
    if samples > 0:
        sampled, vals = _sample_runs(sc, names, samples, seed, given, {m: list(points[m]) for m in names})
    out: dict[str, dict[str, IssueForecast]] = {}
    for name in names:
        out[name] = {iss: IssueForecast(v, sampled.get(name, {}).get(iss)) for iss, v in points[name].items()}
    out.update(baselines(sc, vals, samples if samples > 0 else None))
    return ForecastSet(out, {n: given.get(n, {}) for n in names}, samples, seed)
