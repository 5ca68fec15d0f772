"""Run several forecast models on one scenario side by side and shape the results (DESIGN §5 JSON)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from allied.arrays import ForecastInput
from allied.errors import ModelError
from allied.models.base import ForecastOutput, run_model
from allied.models.registry import available, get


@dataclass
class ModelRun:
    """One model's result on one scenario (sample 0 of the batch is what tables and JSON show)."""

    model: str
    input: ForecastInput
    output: ForecastOutput
    params: dict[str, Any] = field(default_factory=dict)

    def trajectory(self, issue: str, sample: int = 0) -> list[dict[str, Any]]:
        d = self.input.issues.index(issue)
        out = self.output
        rounds = out.positions.shape[1]
        n_run = out.rounds_run
        if n_run is not None:
            rounds = min(rounds, int(np.max(np.atleast_1d(n_run)[sample])) + 1) if np.ndim(n_run) else rounds
        rows = []
        for r in range(rounds):
            pos = {a: _num(out.positions[sample, r, k, d]) for k, a in enumerate(self.input.actors)
                   if self.input.mask[k, d]}
            rows.append({"round": r, "forecast": _num(out.forecast[sample, r, d]),
                         "mean": _num(out.mean[sample, r, d]), "positions": pos})
        return rows

    def final(self, issue: str, sample: int = 0) -> float:
        traj = self.trajectory(issue, sample)
        return float(traj[-1]["forecast"])


def _num(v: float) -> float | None:
    return None if not np.isfinite(v) else round(float(v), 10)


def resolve_models(names: Sequence[str]) -> list[str]:
    """Expand 'all' and check names; the default is every registered model."""
    if not names or "all" in names:
        return available()
    for n in names:
        get(n)
    return list(dict.fromkeys(names))


def split_params(models: Sequence[str], params: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Give each model the parameters it declares; a parameter no chosen model takes is an error."""
    out: dict[str, dict[str, Any]] = {m: {} for m in models}
    for key, value in params.items():
        takers = [m for m in models if key in get(m).parameters]
        if not takers:
            known = sorted({p for m in models for p in get(m).parameters})
            raise ModelError(f"no chosen model takes the parameter '{key}'; parameters of "
                                f"{', '.join(models)}: {', '.join(known) or 'none'}")
        for m in takers:
            out[m][key] = value
    return out


def run_forecasts(
    inp: ForecastInput,
    models: Sequence[str],
    *,
    rounds: int | None = None,
    seed: int = 0,
    params: Mapping[str, Any] | None = None,
) -> dict[str, ModelRun]:
    """Run every model in ``models`` on ``inp``."""
    names = resolve_models(models)
    per_model = split_params(names, params or {})
    runs = {}
    for name in names:
        model = get(name)
        rng = np.random.default_rng(seed)
        out = run_model(model, inp, rounds=rounds, rng=rng, **per_model[name])
        runs[name] = ModelRun(name, inp, out, per_model[name])
    return runs


def to_json(scenario_id: str, runs: Mapping[str, ModelRun]) -> dict[str, Any]:
    """The ``forecast --format json`` object of DESIGN §5."""
    models: dict[str, Any] = {}
    for name, run in runs.items():
        issues = {}
        for issue in run.input.issues:
            traj = run.trajectory(issue)
            issues[issue] = {"forecast": traj[-1]["forecast"], "rounds": traj}
        entry: dict[str, Any] = {"issues": issues}
        if run.params:
            entry["parameters"] = {k: _jsonable(v) for k, v in run.params.items()}
        if run.output.notes:
            entry["notes"] = list(run.output.notes)
        extra = _json_extras(run.output.extras)
        if extra:
            entry["extras"] = extra
        models[name] = entry
    return {"scenario": scenario_id, "models": models}


def _jsonable(v: Any) -> Any:
    if isinstance(v, np.ndarray):
        return [_jsonable(x) for x in v.tolist()]
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, float) and not np.isfinite(v):
        return None
    if isinstance(v, Mapping):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_jsonable(x) for x in v]
    if isinstance(v, str | int | float | bool) or v is None:
        return v
    return str(v)


def _json_extras(extras: Mapping[str, Any]) -> dict[str, Any]:
    """Extras that are plain data (lists/dicts/numbers); large arrays are left out of the JSON."""
    out: dict[str, Any] = {}
    for k, v in extras.items():
        if isinstance(v, np.ndarray) and v.size > 10_000:
            continue
        out[k] = _jsonable(v)
    if isinstance(out.get("per_issue"), dict):
        out["per_issue"] = {k: v for k, v in out["per_issue"].items() if v}
    return {k: v for k, v in out.items() if v not in ({}, [], None)}
