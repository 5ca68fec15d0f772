"""From a scenario to the ``[B, A, D]`` arrays of DESIGN §3, and the list of its uncertain inputs.

Each uncertain figure has a path (the ``--set`` syntax): ``actors.USA.capability``,
``stances.USA.sanctions_relief.position``, ``stances.USA.sanctions_relief.salience``,
``stances.USA.sanctions_relief.capability``. A sweep passes sampled values for any of these paths as
arrays of length ``B``; every other figure takes its point value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np

from allied.arrays import ForecastInput
from allied.errors import Problem, ScenarioError
from allied.scenario.model import Scenario
from allied.scenario.uncertain import Uncertain, point


def stance_inputs(sc: Scenario) -> dict[str, tuple[Uncertain, tuple[float, float]]]:
    """Uncertain actor and stance figures: path -> (range, clip bounds)."""
    out: dict[str, tuple[Uncertain, tuple[float, float]]] = {}
    for a in sc.actors:
        if isinstance(a.capability, Uncertain):
            out[f"actors.{a.id}.capability"] = (a.capability, (0.0, np.inf))
    for st in sc.stances:
        iss = sc.issue(st.issue)
        base = f"stances.{st.actor}.{st.issue}"
        if isinstance(st.position, Uncertain):
            out[f"{base}.position"] = (st.position, (iss.lo, iss.hi))
        if isinstance(st.salience, Uncertain):
            out[f"{base}.salience"] = (st.salience, (0.0, 100.0))
        if isinstance(st.capability, Uncertain):
            out[f"{base}.capability"] = (st.capability, (0.0, np.inf))
        if isinstance(st.reservation, Uncertain):
            out[f"{base}.reservation"] = (st.reservation, (iss.lo, iss.hi))
    return out


def forecast_input(
    sc: Scenario,
    issues: Sequence[str] | None = None,
    values: Mapping[str, np.ndarray] | None = None,
    samples: int | None = None,
) -> ForecastInput:
    """Arrays for the forecast engines. ``values`` maps input paths to ``[B]`` samples (``B`` from them
    or from ``samples``; 1 when neither is given)."""
    values = dict(values or {})
    sizes = {len(np.atleast_1d(v)) for v in values.values()}
    if len(sizes) > 1:
        raise ValueError(f"sampled values have different lengths {sorted(sizes)}")
    b = sizes.pop() if sizes else (samples or 1)
    ids = list(issues) if issues else [i.id for i in sc.issues]
    known = {i.id for i in sc.issues}
    bad = [i for i in ids if i not in known]
    if bad:
        raise ScenarioError([Problem(sc.id, "--issue", f"unknown issue {', '.join(bad)}",
                                     f"choose from {', '.join(i.id for i in sc.issues)}")])
    actors = [a.id for a in sc.actors if any(s.actor == a.id and s.issue in ids for s in sc.stances)]
    a_ix = {a: k for k, a in enumerate(actors)}
    d_ix = {d: k for k, d in enumerate(ids)}
    shape = (b, len(actors), len(ids))
    x = np.zeros(shape)
    s = np.zeros(shape)
    c = np.zeros(shape)
    res = np.full(shape, np.nan)
    present = np.zeros(shape[1:], dtype=bool)

    def val(path: str, v: float | Uncertain | None) -> np.ndarray | float:
        if path in values:
            return np.asarray(values[path], dtype=float)
        p = point(v)
        return 0.0 if p is None else p

    clout = {a.id: val(f"actors.{a.id}.capability", a.capability) for a in sc.actors}
    for st in sc.stances:
        if st.issue not in d_ix:
            continue
        i, k = a_ix[st.actor], d_ix[st.issue]
        base = f"stances.{st.actor}.{st.issue}"
        present[i, k] = True
        x[:, i, k] = val(f"{base}.position", st.position)
        s[:, i, k] = np.asarray(val(f"{base}.salience", st.salience)) / 100.0
        c[:, i, k] = val(f"{base}.capability", st.capability) if st.capability is not None else clout[st.actor]
        if st.reservation is not None:
            res[:, i, k] = val(f"{base}.reservation", st.reservation)
    lo = np.array([sc.issue(d).lo for d in ids])
    hi = np.array([sc.issue(d).hi for d in ids])
    weights = sc.part_weights()
    return ForecastInput(x, s, c, lo, hi, tuple(actors), tuple(ids), None if present.all() else present,
                         reservation=None if np.isnan(res).all() else res,
                         principals=tuple(sc.principal_of(a) for a in actors) if sc.delegation else None,
                         part_weights=np.array([weights[a] for a in actors]) if sc.delegation else None)


class IssueArrays(NamedTuple):
    """One issue's ``[B, A]`` arrays over the actors who take part in it."""

    x: np.ndarray
    s: np.ndarray
    c: np.ndarray
    actors: tuple[str, ...]
    lo: float
    hi: float


def issue_arrays(sc: Scenario, issue: str, values: Mapping[str, np.ndarray] | None = None) -> IssueArrays:
    one = forecast_input(sc, [issue], values).issue(0)
    return IssueArrays(one.x[:, :, 0], one.s[:, :, 0], one.c[:, :, 0], one.actors, float(one.lo[0]), float(one.hi[0]))


def to_frame(sc: Scenario) -> Any:
    """One row per stance: actor, issue, position, salience, capability (point values), ranges, evidence
    (a pandas DataFrame; pandas is imported here so forecasts need not load it)."""
    import pandas as pd

    rows = []
    for st in sc.stances:
        iss = sc.issue(st.issue)
        ev = st.evidence
        rows.append({
            "actor": st.actor,
            "issue": st.issue,
            "position": point(st.position),
            "salience": point(st.salience),
            "capability": sc.capability(st),
            "scale_low": iss.lo,
            "scale_high": iss.hi,
            "reservation": point(st.reservation),
            "demand": point(st.demand),
            "position_range": _range_text(st.position),
            "salience_range": _range_text(st.salience),
            "source": ev.source if ev else None,
            "quote": ev.quote if ev else None,
            "note": ev.note if ev else None,
            "estimate": not (ev and ev.quote),
        })
    return pd.DataFrame(rows)


def _range_text(v: float | Uncertain) -> str | None:
    if not isinstance(v, Uncertain):
        return None
    if v.kind == "normal":
        return f"N({v.mean:g}, {v.sd:g})"
    if v.kind == "triangular":
        return f"{v.low:g}–{v.mode:g}–{v.high:g}"
    return f"{v.low:g}–{v.high:g}"
