"""Score a set of forecasts against a scenario's scorable outcomes (one definition, used by ``allied score``,
``allied backtest``, the report's "What happened next" and its "Track record").

Rows are per case × model × outcome; :func:`totals` sums them per model with skill against both
baselines. Scale-free measures come first in every frame.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from allied.journal import metrics as M
from allied.journal.forecasts import BASELINES, CS_MEAN, STATUS_QUO, ForecastSet, IssueForecast
from allied.journal.outcomes import err_pct_scale, scorable
from allied.scenario.model import Outcome, Scenario

#: column order of score frames: scale-free measures first
COLUMNS = ("case", "model", "issue", "outcome", "skill_vs_status_quo", "skill_vs_cs_mean", "err_pct_actual",
           "err_pct_scale", "in_p25_p75", "in_p05_p95", "crps_pct_scale", "abs_error", "crps", "forecast", "actual",
           "units", "baseline")


@dataclass
class ScoreRow:
    """One model's forecast of one outcome, scored."""

    case: str
    model: str
    issue: str
    outcome: str
    forecast: float
    actual: float
    abs_error: float
    err_pct_scale: float
    err_pct_actual: float | None
    in_p05_p95: bool | None
    in_p25_p75: bool | None
    crps: float
    crps_pct_scale: float
    skill_vs_status_quo: float | None
    skill_vs_cs_mean: float | None
    units: str
    baseline: bool

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        return {k: d[k] for k in COLUMNS}


def score_one(case: str, model: str, sc: Scenario, o: Outcome, f: IssueForecast) -> ScoreRow:
    """Every measure of one forecast against one outcome (skills are filled in by :func:`score`)."""
    assert o.issue is not None and o.value is not None
    iss = sc.issue(o.issue)
    width = iss.hi - iss.lo
    y = float(o.value)
    err = abs(f.point - y)
    pct_actual = 100.0 * err / abs(y) if M.pct_of_actual_meaningful(iss.units, iss.lo, y) else None
    if f.samples is not None and np.isfinite(f.samples).any():
        crps = M.crps_samples(f.samples, y)
        in90: bool | None = M.inside(f.samples, y, 0.05, 0.95)
        in50: bool | None = M.inside(f.samples, y, 0.25, 0.75)
    else:  # a point forecast is a point mass: its CRPS is its absolute error; it has no intervals
        crps, in90, in50 = err, None, None
    return ScoreRow(case, model, o.issue, o.id, f.point, y, err, err_pct_scale(f.point, y, iss.lo, iss.hi),
                    pct_actual, in90, in50, crps, 100.0 * crps / width, None, None, iss.units or "",
                    model in BASELINES)


def score(sc: Scenario, fs: ForecastSet, case: str | None = None) -> list[ScoreRow]:
    """Score every model of ``fs`` on the scorable outcomes of ``sc``: only those dated after ``as_of``
    (no look-ahead; to score against other outcomes, put them in the scenario, as ``allied score
    --outcomes`` does, so they pass the same rule)."""
    case = case or sc.id
    rows: list[ScoreRow] = []
    for o in scorable(sc):
        assert o.issue is not None
        by_model = {m: fs.models[m][o.issue] for m in fs.models if o.issue in fs.models[m]}
        base = {b: score_one(case, b, sc, o, by_model[b]) for b in BASELINES if b in by_model}
        for m, f in by_model.items():
            r = base[m] if m in base else score_one(case, m, sc, o, f)
            if STATUS_QUO in base:
                r.skill_vs_status_quo = M.skill([r.err_pct_scale], [base[STATUS_QUO].err_pct_scale])
            if CS_MEAN in base:
                r.skill_vs_cs_mean = M.skill([r.err_pct_scale], [base[CS_MEAN].err_pct_scale])
            rows.append(r)
    return rows


@dataclass
class ModelTotal:
    """One model's record over many outcomes."""

    model: str
    outcomes: int
    cases: int
    skill_vs_status_quo: float | None
    skill_vs_cs_mean: float | None
    mean_err_pct_scale: float
    mean_err_pct_actual: float | None
    coverage_p25_p75: float | None
    coverage_p05_p95: float | None
    mean_crps_pct_scale: float
    vs_status_quo: dict[str, Any]
    vs_cs_mean: dict[str, Any]
    baseline: bool

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _rate(vals: Iterable[bool | None]) -> float | None:
    v = [x for x in vals if x is not None]
    return None if not v else float(np.mean(v))


def _mean(vals: Iterable[float | None]) -> float | None:
    v = [x for x in vals if x is not None]
    return None if not v else float(np.mean(v))


def versus(rows: Sequence[ScoreRow], model: str, baseline: str, *, seed: int = 0) -> dict[str, Any]:
    """Wins, losses and ties of ``model`` against ``baseline`` over the outcomes both forecast, the skill,
    and a 90 % paired bootstrap interval of the difference in mean error (% of scale; negative = better)."""
    mine = {(r.case, r.outcome): r for r in rows if r.model == model}
    base = {(r.case, r.outcome): r for r in rows if r.model == baseline}
    keys = [k for k in mine if k in base]
    m = np.array([mine[k].err_pct_scale for k in keys])
    b = np.array([base[k].err_pct_scale for k in keys])
    tol = 1e-9
    diff = m - b
    ci = M.paired_bootstrap(diff, seed=seed)
    return {"n": len(keys), "wins": int((diff < -tol).sum()), "losses": int((diff > tol).sum()),
            "ties": int((np.abs(diff) <= tol).sum()), "skill": M.skill(m, b),
            "mean_diff_pct_scale": float(diff.mean()) if len(keys) else None,
            "ci90": list(ci) if ci is not None else None}


def totals(rows: Sequence[ScoreRow], *, seed: int = 0) -> list[ModelTotal]:
    """Per-model totals over every row, models first in order of appearance, baselines last."""
    names = list(dict.fromkeys(r.model for r in rows))
    names = [n for n in names if n not in BASELINES] + [n for n in BASELINES if n in names]
    out = []
    for name in names:
        mine = [r for r in rows if r.model == name]
        vs_sq = versus(rows, name, STATUS_QUO, seed=seed)
        vs_cm = versus(rows, name, CS_MEAN, seed=seed)
        out.append(ModelTotal(
            model=name, outcomes=len(mine), cases=len({r.case for r in mine}),
            skill_vs_status_quo=vs_sq["skill"], skill_vs_cs_mean=vs_cm["skill"],
            mean_err_pct_scale=float(np.mean([r.err_pct_scale for r in mine])),
            mean_err_pct_actual=_mean(r.err_pct_actual for r in mine),
            coverage_p25_p75=_rate(r.in_p25_p75 for r in mine), coverage_p05_p95=_rate(r.in_p05_p95 for r in mine),
            mean_crps_pct_scale=float(np.mean([r.crps_pct_scale for r in mine])),
            vs_status_quo=vs_sq, vs_cs_mean=vs_cm, baseline=name in BASELINES))
    return out


def frame(rows: Sequence[ScoreRow]) -> Any:
    """Score rows as a DataFrame with the columns of :data:`COLUMNS` (scale-free first)."""
    import pandas as pd

    return pd.DataFrame([r.as_dict() for r in rows], columns=list(COLUMNS))
