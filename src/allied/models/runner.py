"""Run several forecast models on one scenario side by side and shape the results (DESIGN §5 JSON)."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from allied.arrays import ForecastInput
from allied.errors import Cancelled, ModelError
from allied.models.base import ForecastOutput, applicable, run_model
from allied.models.registry import available, get
from allied.serialise import jsonable


@dataclass
class ModelRun:
    """One model's result on one scenario (sample 0 of the batch is what tables and JSON show)."""

    model: str
    input: ForecastInput
    output: ForecastOutput
    params: dict[str, Any] = field(default_factory=dict)
    #: issues the model does not fit, with the reason (only when run leniently, e.g. as part of 'all')
    skipped: dict[str, str] = field(default_factory=dict)

    def _rounds(self, sample: int) -> int:
        """Rounds of ``sample`` to show: the padded batch's length, cut after the sample's last round."""
        out = self.output
        rounds = out.positions.shape[1]
        n_run = out.rounds_run
        if n_run is not None:
            rounds = min(rounds, int(np.max(np.atleast_1d(n_run)[sample])) + 1) if np.ndim(n_run) else rounds
        return int(rounds)

    def trajectory(self, issue: str, sample: int = 0) -> list[dict[str, Any]]:
        d = self.input.issues.index(issue)
        out = self.output
        rounds = self._rounds(sample)
        rows = []
        for r in range(rounds):
            pos = {a: _num(out.positions[sample, r, k, d]) for k, a in enumerate(self.input.actors)
                   if self.input.mask[k, d]}
            rows.append({"round": r, "forecast": _num(out.forecast[sample, r, d]),
                         "mean": _num(out.mean[sample, r, d]), "positions": pos})
        return rows

    def final(self, issue: str, sample: int = 0) -> float:
        """The forecast of the last round of :meth:`trajectory`, read without building the trajectory (every
        actor's position in every round: ≈ 2 ms a table of the 30-actor case)."""
        d = self.input.issues.index(issue)
        last = self._rounds(sample) - 1
        if last < 0:
            raise IndexError(f"no round of '{issue}' to read")
        return float(_num(self.output.forecast[sample, last, d]))  # type: ignore[arg-type]


def _num(v: float) -> float | None:
    return None if not np.isfinite(v) else round(float(v), 10)


def resolve_models(names: Sequence[str]) -> list[str]:
    """Expand 'all' and check names; the default is every registered model."""
    if not names or "all" in names:
        return available()
    for n in names:
        get(n)
    return list(dict.fromkeys(names))


def fits_any(name: str, inp: ForecastInput) -> bool:
    """Whether the model fits at least one issue of ``inp`` (front ends leave out models that fit none)."""
    return bool(applicable(get(name), inp)[0])


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
    skip_inapplicable: bool | None = None,
) -> dict[str, ModelRun]:
    """Run every model in ``models`` on ``inp``.

    A model that does not fit some issues (``bargain`` on a multi-actor issue) is refused with its reason
    when named explicitly; with ``skip_inapplicable`` (default: when ``models`` is empty or 'all') it runs
    on the issues it fits, lists the others in ``ModelRun.skipped``, and is left out if it fits none."""
    names = resolve_models(models)
    lenient = (not models or "all" in models) if skip_inapplicable is None else skip_inapplicable
    per_model = split_params(names, params or {})
    runs = {}
    refused: list[str] = []
    for name in names:
        model = get(name)
        ok, skipped = applicable(model, inp)
        if skipped and not lenient:
            raise ModelError(_refusal(name, skipped))
        if not ok:
            refused.append(_refusal(name, skipped))
            continue
        sub = inp if not skipped else inp.select(ok)
        rng = np.random.default_rng(seed)
        out = run_model(model, sub, rounds=rounds, rng=rng, **per_model[name])
        runs[name] = ModelRun(name, sub, out, per_model[name], skipped)
    if not runs:
        raise ModelError("; ".join(refused))
    return runs


@dataclass
class ForecastResult:
    """Every chosen model's forecast of one scenario: what ``allied.forecast`` returns.

    ``runs`` holds each model's raw arrays (:class:`ModelRun`); ``errors`` the models that could not run
    and why (only when run with ``keep_going``). :meth:`frame` and :meth:`to_json` are the only places a
    forecast is turned into a table or the DESIGN §5 object.
    """

    scenario: str
    runs: dict[str, ModelRun]
    errors: dict[str, str] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)  # per model, when run with keep_going

    @property
    def models(self) -> list[str]:
        return list(self.runs)

    @property
    def issues(self) -> list[str]:
        """Every issue some model forecast (a model may skip issues it does not fit)."""
        return list(dict.fromkeys(i for run in self.runs.values() for i in run.input.issues))

    def frame(self, actors: bool = False) -> Any:
        """Tidy DataFrame, one row per model × issue × round: ``model, issue, round, forecast, mean``
        (``round`` 0 is the input state). With ``actors``, one row per actor too, adding ``actor, position``."""
        import pandas as pd

        cols = ["model", "issue", "round", "forecast", "mean"] + (["actor", "position"] if actors else [])
        rows: list[tuple[Any, ...]] = []
        for name, run in self.runs.items():
            for iss in run.input.issues:
                for r in run.trajectory(iss):
                    head = (name, iss, r["round"], r["forecast"], r["mean"])
                    if actors:
                        rows.extend((*head, a, x) for a, x in r["positions"].items())
                    else:
                        rows.append(head)
        return pd.DataFrame(rows, columns=cols)

    def finals(self) -> dict[str, dict[str, float | None]]:
        """``{model: {issue: forecast after the last round}}``."""
        return {m: {i: run.trajectory(i)[-1]["forecast"] for i in run.input.issues} for m, run in self.runs.items()}

    def to_json(self) -> dict[str, Any]:
        """The ``allied forecast --format json`` object of DESIGN §5."""
        out = to_json(self.scenario, self.runs)
        if self.errors:
            out["errors"] = dict(self.errors)
        return out

    def _repr_html_(self) -> str:  # notebooks show the final forecasts
        last = self.frame().sort_values("round").groupby(["issue", "model"], sort=False)["forecast"].last()
        return str(last.unstack("model").to_html())


def run_on(
    inp: ForecastInput,
    scenario: str,
    models: Sequence[str] = ("all",),
    *,
    rounds: int | None = None,
    seed: int = 0,
    params: Mapping[str, Any] | None = None,
    keep_going: bool = False,
    stop: Callable[[], bool] | None = None,
) -> ForecastResult:
    """Run ``models`` on ``inp``. With ``keep_going`` each model runs on its own and a model that fails is
    reported in ``errors`` instead of stopping the others (the report and the web app use this); a model
    then runs only on the issues it fits, and one that fits none is left out. ``stop``, asked before each
    model, abandons the run with :class:`~allied.errors.Cancelled` when it says so."""
    if not keep_going:
        return ForecastResult(scenario, run_forecasts(inp, models, rounds=rounds, seed=seed, params=params))
    runs: dict[str, ModelRun] = {}
    errors: dict[str, str] = {}
    seconds: dict[str, float] = {}
    names = available() if not models or "all" in models else list(dict.fromkeys(models))
    for name in names:  # an unknown name is reported like a failing model
        if stop is not None and stop():
            raise Cancelled(f"forecast of {scenario} abandoned before {name}: nobody is waiting for it")
        t0 = time.perf_counter()
        try:
            if name in available() and not fits_any(name, inp):  # e.g. bargain with no bilateral issue
                continue
            runs.update(run_forecasts(inp, [name], rounds=rounds, seed=seed, params=params,
                                      skip_inapplicable=True))
        except Exception as exc:  # one failing model must not hide the others
            errors[name] = _reason(exc)
        seconds[name] = time.perf_counter() - t0
    return ForecastResult(scenario, runs, errors, seconds)


def _reason(exc: Exception) -> str:
    from allied.errors import ScenarioError

    if isinstance(exc, ScenarioError):
        return "; ".join(p.message for p in exc.problems)
    if isinstance(exc, ModelError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


def _refusal(model: str, skipped: Mapping[str, str]) -> str:
    """The first issue's reason, then the other issues the model does not fit."""
    first, *rest = skipped
    more = f" (nor does '{model}' fit {', '.join(rest)}: use --issue to choose)" if rest else ""
    return skipped[first] + more


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
            entry["parameters"] = dict(run.params)
        if run.output.notes:
            entry["notes"] = list(run.output.notes)
        if run.skipped:
            entry["skipped"] = dict(run.skipped)
        extra = _json_extras(run.output.extras)
        if extra:
            entry["extras"] = extra
        models[name] = entry
    return jsonable({"scenario": scenario_id, "models": models})  # type: ignore[no-any-return]


def _json_extras(extras: Mapping[str, Any]) -> dict[str, Any]:
    """Extras that are plain data (lists/dicts/numbers); large arrays are left out of the JSON."""
    out: dict[str, Any] = {}
    for k, v in extras.items():
        if isinstance(v, np.ndarray) and v.size > 10_000:
            continue
        out[k] = jsonable(v)
    if isinstance(out.get("per_issue"), dict):
        out["per_issue"] = {k: v for k, v in out["per_issue"].items() if v}
    return {k: v for k, v in out.items() if v not in ({}, [], None)}
