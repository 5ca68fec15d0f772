"""Backtests over a case library: record and score every scenario that has scorable outcomes.

The library is every built-in scenario with at least one scorable outcome (an outcome with a number,
dated after ``as_of``), plus any files or folders given. Every case is forecast by every chosen model and
both naive baselines, with ``samples`` draws of the uncertain inputs for intervals and CRPS; the
``ensemble`` is scored leave-one-case-out: its weights for a case are fitted on the other cases only.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from allied.errors import JournalError
from allied.journal.forecasts import BASELINES, COMBINERS, ForecastSet, IssueForecast, make, model_names
from allied.journal.outcomes import scorable
from allied.journal.scores import ModelTotal, ScoreRow, score, totals
from allied.scenario.model import Scenario

SUFFIXES = (".yaml", ".yml", ".csv", ".txt")


@dataclass
class Case:
    """One scenario of the library with its forecasts and scores."""

    name: str
    scenario: Scenario
    forecasts: ForecastSet
    rows: list[ScoreRow]


@dataclass
class Backtest:
    """The result of a backtest: cases, every score row, per-model totals, what was skipped and why."""

    cases: list[Case]
    rows: list[ScoreRow]
    totals: list[ModelTotal]
    skipped: list[tuple[str, str]] = field(default_factory=list)
    ensemble_weights: dict[str, dict[str, float]] = field(default_factory=dict)
    unscored: dict[str, str] = field(default_factory=dict)  # model -> why it has no score
    samples: int = 0
    seconds: float = 0.0

    def frame(self) -> Any:
        from allied.journal.scores import frame

        return frame(self.rows)

    def to_json(self) -> dict[str, Any]:
        from allied.serialise import jsonable

        return jsonable({
            "cases": [{"case": c.name, "scenario": c.scenario.id, "title": c.scenario.title,
                       "as_of": c.scenario.as_of, "outcomes": len({r.outcome for r in c.rows})} for c in self.cases],
            "samples": self.samples,
            "totals": [t.as_dict() for t in self.totals],
            "rows": [r.as_dict() for r in self.rows],
            "ensemble_weights": self.ensemble_weights,
            "skipped": [{"source": s, "reason": why} for s, why in self.skipped],
            "unscored_models": self.unscored,
            "seconds": round(self.seconds, 2),
        })


def library_names() -> list[str]:
    """Built-in scenarios with at least one scorable outcome (any new one joins automatically)."""
    from allied.scenario import builtin_names, load

    return [n for n in builtin_names() if scorable(load(n))]


def expand(sources: Sequence[str]) -> list[str]:
    """Files, folders (their scenario files, sorted) and built-in names; none given: the library."""
    if not sources:
        return library_names()
    out: list[str] = []
    for s in sources:
        p = Path(s)
        if p.is_dir():
            found = sorted(str(f) for f in p.iterdir() if f.suffix.lower() in SUFFIXES and f.is_file())
            if not found:
                raise JournalError(f"{p}: no scenario files (*.yaml, *.csv) in this folder; "
                                   "give files or another folder")
            out += found
        else:
            out.append(s)
    return out


def members(models: Sequence[str] | None) -> tuple[list[str], list[str]]:
    """``(plain models, combiners)`` among the chosen ones."""
    names = model_names(models)
    return [n for n in names if n not in COMBINERS], [n for n in names if n in COMBINERS]


def run(sources: Sequence[str] = (), models: Sequence[str] | None = None, *, samples: int = 200, seed: int = 0,
        ensemble_weights: str = "library", params: Mapping[str, Mapping[str, Any]] | None = None) -> Backtest:
    """Forecast and score every case; ``ensemble`` (when chosen) leave-one-case-out."""
    from allied.scenario import load

    t0 = time.perf_counter()
    plain, combiners = members(models)
    cases: list[Case] = []
    skipped: list[tuple[str, str]] = []
    for src in expand(sources):
        sc = load(src)
        if not scorable(sc):
            skipped.append((src, "no scorable outcome (a number on an issue, dated after as_of)"))
            continue
        fs = make(sc, plain, samples=samples, seed=seed, params=params)
        cases.append(Case(src, sc, fs, score(sc, fs, case=src)))
    weights: dict[str, dict[str, float]] = {}
    if combiners and cases:
        from allied.models.ensemble import fold_weights

        member_rows = [r for c in cases for r in c.rows if r.model in plain]
        for c in cases:
            w = fold_weights(member_rows, plain, leave_out=c.name, method=ensemble_weights)
            weights[c.name] = w
            c.forecasts.models["ensemble"] = combine(c.forecasts, w)
            c.forecasts.params["ensemble"] = {"weights": ensemble_weights, "exclude": c.name}
            c.rows = score(c.scenario, _ordered(c.forecasts, [*plain, "ensemble"]), case=c.name)
    rows = [r for c in cases for r in c.rows]
    scored = {r.model for r in rows}
    unscored = {m: "no scored outcome lies on an issue it fits" for m in [*plain, *combiners] if m not in scored}
    return Backtest(cases, rows, totals(rows, seed=seed), skipped, weights, unscored, samples,
                    time.perf_counter() - t0)


def _ordered(fs: ForecastSet, names: Sequence[str]) -> ForecastSet:
    """Models in ``names`` order, then the baselines."""
    models: dict[str, dict[str, IssueForecast]] = {n: fs.models[n] for n in names if n in fs.models}
    models.update({b: fs.models[b] for b in BASELINES if b in fs.models})
    return ForecastSet(models, fs.params, fs.samples, fs.seed)


def combine(fs: ForecastSet, weights: Mapping[str, float]) -> dict[str, IssueForecast]:
    """The ensemble's per-issue forecasts from its members' forecasts in ``fs`` (:func:`allied.models.ensemble.
    combine`: ``Σ w_m f_m`` over the members with weight that forecast the issue, renormalised); samples
    combined draw by draw when all those members have the same number of them."""
    from allied.models.ensemble import combine as weighted

    issues = dict.fromkeys(iss for m in weights if m in fs.models for iss in fs.models[m])
    out = {}
    for iss in issues:
        got = {m: fs.models[m][iss] for m in weights if iss in fs.models.get(m, {})}
        pt = weighted(weights, {m: f.point for m, f in got.items()})
        if pt is None:
            continue
        used = {m: f for m, f in got.items() if weights[m] > 0}
        draws = [f.samples for f in used.values()]
        smp: np.ndarray | None = None
        if all(s is not None for s in draws) and len({len(s) for s in draws if s is not None}) == 1:
            smp = weighted(weights, {m: np.asarray(f.samples) for m, f in used.items()})
        out[iss] = IssueForecast(float(pt), smp)
    return out
