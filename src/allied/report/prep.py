"""Data preparation shared by the interactive (plotly) and paper (matplotlib) figures and the HTML tables.

Every function here turns a scenario or an engine result into a tidy :class:`pandas.DataFrame`; the figure
functions only draw what these return, so the HTML and the PNG/SVG/PDF paths show the same numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from allied.scenario.model import Issue, Scenario
from allied.scenario.uncertain import Uncertain, point


def nearest_label(issue: Issue, value: float | None) -> str:
    """The issue's label nearest ``value`` (within 15 % of the scale), to read a number in words."""
    if value is None or not np.isfinite(value) or not issue.labels:
        return ""
    k = min(issue.labels, key=lambda p: abs(p - value))
    return issue.labels[k] if abs(k - value) <= 0.15 * (issue.hi - issue.lo) else ""


def end_labels(issue: Issue) -> tuple[str, str]:
    """Words for the low and high ends of an issue's scale (its labels, else the numbers)."""
    unit = f" {issue.units}" if issue.units else ""
    lo = issue.labels.get(issue.lo) or f"{issue.lo:g}{unit}"
    hi = issue.labels.get(issue.hi) or f"{issue.hi:g}{unit}"
    return lo, hi


def share(issue: Issue, value: Any) -> Any:
    """A value in issue units as a percentage of the issue's scale (0 = low end, 100 = high end)."""
    return (np.asarray(value, dtype=float) - issue.lo) / (issue.hi - issue.lo) * 100.0


def fmt(v: Any, digits: int = 4) -> str:
    """A number for a table: ``g`` format, thousands separated from 10,000 (so years stay 2019), ``–`` when
    missing."""
    if v is None or (isinstance(v, float) and not np.isfinite(v)):
        return "–"
    if isinstance(v, bool | np.bool_):
        return "yes" if v else "no"
    if isinstance(v, int | np.integer):
        return f"{int(v):,}" if abs(int(v)) >= 10_000 else str(int(v))
    if isinstance(v, float | np.floating):
        f = float(v)
        if abs(f) >= 10_000:
            return f"{f:,.0f}"
        if abs(f) >= 10 ** digits:
            return f"{f:.0f}"
        return f"{f:.{digits}g}"
    return str(v)


def range_text(v: Any) -> str:
    """``low–mode–high`` / ``low–high`` / ``N(mean, sd)`` for an uncertain value, the number otherwise."""
    if isinstance(v, Uncertain):
        if v.kind == "normal":
            return f"N({v.mean:g}, {v.sd:g})"
        if v.kind == "triangular":
            return f"{v.low:g}–{v.mode:g}–{v.high:g}"
        return f"{v.low:g}–{v.high:g}"
    return "" if v is None else f"{float(v):g}"


# --- scenario ------------------------------------------------------------------------------------
def edited_text(ev: Any) -> str:
    """``position was 1 when quoted`` for figures edited away from their quote (empty when none)."""
    marks = getattr(ev, "edited_after_quote", None) or {}
    return "; ".join(f"{f} was {range_text(v) if isinstance(v, Uncertain) else f'{v:g}'} when quoted"
                     for f, v in marks.items())


def actors_frame(sc: Scenario) -> pd.DataFrame:
    rows = []
    for a in sc.actors:
        ev = a.evidence
        rows.append({"id": a.id, "name": a.name, "capability": point(a.capability),
                     "range": range_text(a.capability) if isinstance(a.capability, Uncertain) else "",
                     "source": ev.source if ev else None, "quote": ev.quote if ev else None,
                     "note": ev.note if ev else (a.description or None), "edited": edited_text(ev)})
    return pd.DataFrame(rows)


def issues_frame(sc: Scenario) -> pd.DataFrame:
    rows = []
    for i in sc.issues:
        ev = i.evidence
        rows.append({"id": i.id, "name": i.name, "low": i.lo, "high": i.hi, "units": i.units or "",
                     "labels": "; ".join(f"{k:g}: {v}" for k, v in sorted(i.labels.items())),
                     "status_quo": point(i.status_quo) if i.status_quo is not None else None,
                     "source": ev.source if ev else None, "quote": ev.quote if ev else None,
                     "note": ev.note if ev else None, "edited": edited_text(ev)})
    return pd.DataFrame(rows)


def stances_frame(sc: Scenario) -> pd.DataFrame:
    """One row per stance with point values, ranges, and its evidence (quote + source, or estimate)."""
    rows = []
    for st in sc.stances:
        ev = st.evidence
        quote = ev.quote if ev else None
        rows.append({"issue": st.issue, "actor": st.actor, "position": point(st.position),
                     "position_range": range_text(st.position) if isinstance(st.position, Uncertain) else "",
                     "salience": point(st.salience),
                     "salience_range": range_text(st.salience) if isinstance(st.salience, Uncertain) else "",
                     "capability": sc.capability(st), "source": ev.source if ev else None, "quote": quote,
                     "note": ev.note if ev else None, "estimate": not quote, "edited": edited_text(ev)})
    return pd.DataFrame(rows)


def source_titles(sc: Scenario) -> dict[str, str]:
    return {s.id: s.title for s in sc.sources}


def allies(sc: Scenario) -> list[str]:
    """The alliance members (patron first) when the scenario has an alliance, else the ``delegation:``
    principals, else the two largest actors."""
    al = sc.alliance
    members = list(getattr(al, "members", None) or (al.get("members", []) if isinstance(al, dict) else []))
    patron = getattr(al, "patron", None) or (al.get("patron") if isinstance(al, dict) else None)
    if patron in members:
        members = [patron] + [m for m in members if m != patron]
    if len(members) >= 2:
        return members
    if sc.delegation and len(sc.delegation) >= 2:  # principals stand for their parts
        return list(sc.delegation)
    caps = sorted(sc.actors, key=lambda a: -(point(a.capability) or 0))
    return [a.id for a in caps[:2]]


def principal_view(sc: Scenario, who: str, issue: str) -> tuple[Any, float, float] | None:
    """``(stance shown as evidence, position, salience)`` of an actor or of a ``delegation:`` principal (the
    weighted mean over its parts with a stance; the evidence is the heaviest part's), None without one."""
    parts = (sc.delegation or {}).get(who)
    if not parts:
        st = sc.stance(who, issue)
        if st is None:
            return None
        return st, float(point(st.position) or 0.0), float(point(st.salience) or 0.0)
    have = [(w, st) for a, w in parts.items() if (st := sc.stance(a, issue)) is not None]
    if not have:
        return None
    tot = sum(w for w, _ in have)
    pos = sum(w * float(point(st.position) or 0.0) for w, st in have) / tot
    sal = sum(w * float(point(st.salience) or 0.0) for w, st in have) / tot
    return max(have, key=lambda t: t[0])[1], pos, sal


def widest_split(sc: Scenario) -> dict[str, Any] | None:
    """The issue that divides the first two allies most: the gap between their positions (share of the
    scale) times both saliences (0–1), so a dispute needs a wide gap on an issue both sides care about.
    An ally may be a ``delegation:`` principal (its parts' weighted mean)."""
    pair = allies(sc)[:2]
    best: dict[str, Any] | None = None
    for iss in sc.issues:
        va, vb = principal_view(sc, pair[0], iss.id), principal_view(sc, pair[1], iss.id)
        if va is None or vb is None:
            continue
        (a, pa, sa), (b, pb, sb) = va, vb
        gap = abs(float(share(iss, pa) - share(iss, pb)))
        score = gap * (sa / 100.0) * (sb / 100.0)
        if best is None or score > best["score"]:
            best = {"issue": iss, "gap": gap, "score": score, "actors": pair, "stances": [a, b], "positions": [pa, pb]}
    return best


# --- forecasts -----------------------------------------------------------------------------------
def final_frame(sc: Scenario, runs: Mapping[str, Any]) -> pd.DataFrame:
    """Final forecast per issue (rows) and model (columns), in issue units."""
    rows = []
    for iss in sc.issues:
        row: dict[str, Any] = {"issue": iss.id}
        for name, run in runs.items():
            try:
                row[name] = run.final(iss.id) if iss.id in run.input.issues else np.nan
            except Exception:
                row[name] = np.nan
        rows.append(row)
    return pd.DataFrame(rows).set_index("issue")


def trajectory_frame(runs: Mapping[str, Any], issue: str) -> pd.DataFrame:
    """Long frame ``model, round, actor, position`` plus rows with actor ``forecast`` for the statistic."""
    rows = []
    for name, run in runs.items():
        if issue not in run.input.issues:
            continue
        for r in run.trajectory(issue):
            for actor, pos in r["positions"].items():
                rows.append({"model": name, "round": r["round"], "actor": actor, "position": pos})
            rows.append({"model": name, "round": r["round"], "actor": "forecast", "position": r["forecast"]})
    return pd.DataFrame(rows, columns=["model", "round", "actor", "position"])


def positions_frame(sc: Scenario, runs: Mapping[str, Any]) -> pd.DataFrame:
    """Every actor's input position and every model's final forecast per issue, in units and as scale %."""
    rows = []
    final = final_frame(sc, runs) if runs else pd.DataFrame()
    for iss in sc.issues:
        for st in sc.stances:
            if st.issue == iss.id:
                v = point(st.position)
                rows.append({"issue": iss.id, "kind": "actor", "who": st.actor, "value": v,
                             "share": float(share(iss, v)), "salience": point(st.salience)})
        for name in final.columns:
            v = final.loc[iss.id, name]
            if np.isfinite(v):
                rows.append({"issue": iss.id, "kind": "model", "who": name, "value": float(v),
                             "share": float(share(iss, v)), "salience": np.nan})
    return pd.DataFrame(rows, columns=["issue", "kind", "who", "value", "share", "salience"])


def smp_probabilities(run: Any, sample: int = 0) -> pd.DataFrame:
    """SMP's per-turn outcome probabilities: ``turn, outcome, actors, probability, <issue>...``.

    SMP's extras give ``position_prob[B, T, A]`` (the probability that actor k's position at turn t is the
    outcome) and ``distinct[B, T, A]`` (false where a position repeats an earlier actor's); each distinct
    position is one outcome, named by the actors who hold it. Empty when the run carries neither.
    """
    ex = run.output.extras
    prob, uniq = ex.get("position_prob"), ex.get("distinct")
    if not isinstance(prob, np.ndarray) or prob.ndim != 3:
        return pd.DataFrame()
    p = prob[sample]
    u = uniq[sample] if isinstance(uniq, np.ndarray) else np.ones_like(p, dtype=bool)
    pos = run.output.positions[sample]
    actors, issues = list(run.input.actors), list(run.input.issues)
    rows: list[dict[str, Any]] = []
    for t in range(min(p.shape[0], pos.shape[0])):
        for k in range(p.shape[1]):
            if not u[t, k] or not np.isfinite(p[t, k]):
                continue
            same = [actors[j] for j in range(p.shape[1])
                    if np.allclose(pos[t, j], pos[t, k], atol=1e-6, equal_nan=True)]
            row: dict[str, Any] = {"turn": t, "outcome": actors[k], "actors": "+".join(same),
                                   "probability": float(p[t, k])}
            row.update({iss: float(pos[t, k, d]) for d, iss in enumerate(issues)})
            rows.append(row)
    return pd.DataFrame(rows)


def exchanges_frame(run: Any, sample: int = 0) -> pd.DataFrame:
    """The exchange model's realised exchanges, one row each: who moves on which issue for what, and the gain.

    Reads ``extras["exchanges"]`` as a dict of equal-length arrays (actor/issue indices resolved to ids) or
    a list of records.
    """
    ex = run.output.extras.get("exchanges")
    if isinstance(ex, Mapping) and ex:
        df = pd.DataFrame({k: np.asarray(v) for k, v in ex.items()})
    elif isinstance(ex, list) and ex:
        df = pd.DataFrame([e for e in ex if isinstance(e, Mapping)])
    else:
        return pd.DataFrame()
    if "sample" in df:
        df = df[df["sample"] == sample].drop(columns="sample")
    actors = list(run.output.extras.get("actors") or run.input.actors)
    issues = list(run.output.extras.get("issues") or run.input.issues)
    for col, names in (("actor_i", actors), ("actor_j", actors), ("issue_i", issues), ("issue_j", issues)):
        if col in df and pd.api.types.is_integer_dtype(df[col]):
            df[col] = [names[int(k)] for k in df[col]]
    return df.reset_index(drop=True)


def trades_frame(ex: pd.DataFrame) -> pd.DataFrame:
    """Readable trades: ``round, trade`` text, the two moves, and the gain (from :func:`exchanges_frame`)."""
    need = {"actor_i", "issue_i", "from_i", "to_i", "actor_j", "issue_j", "from_j", "to_j"}
    if ex.empty or not need <= set(ex.columns):
        return ex
    out = pd.DataFrame({
        "round": ex.get("round"),
        "pair": ex["actor_i"].astype(str) + " ↔ " + ex["actor_j"].astype(str),
        "move_i": [f"{a} moves {i}: {fmt(f)} → {fmt(t)}" for a, i, f, t in
                   zip(ex["actor_i"], ex["issue_i"], ex["from_i"], ex["to_i"], strict=True)],
        "move_j": [f"{a} moves {i}: {fmt(f)} → {fmt(t)}" for a, i, f, t in
                   zip(ex["actor_j"], ex["issue_j"], ex["from_j"], ex["to_j"], strict=True)],
        "issues": ex["issue_i"].astype(str) + " × " + ex["issue_j"].astype(str),
    })
    if "gain" in ex:
        out["gain"] = ex["gain"].astype(float)
    return out


# --- outcomes ------------------------------------------------------------------------------------
def outcomes_frame(sc: Scenario, runs: Mapping[str, Any]) -> pd.DataFrame:
    """Each recorded outcome beside each model's final forecast on its issue (and the error when numeric)."""
    final = final_frame(sc, runs) if runs else pd.DataFrame()
    rows = []
    for o in sc.outcomes:
        row: dict[str, Any] = {"id": o.id, "issue": o.issue, "date": str(o.date) if o.date else "",
                               "what happened": o.description, "actual": o.value, "source": o.source}
        for name in final.columns:
            f = final.loc[o.issue, name] if o.issue in final.index else np.nan
            row[name] = f
        rows.append(row)
    return pd.DataFrame(rows)


def index_axis(df: pd.DataFrame) -> tuple[float, float, str]:
    """Range of a Sobol index axis: never past 1 (an index is a share of variance); when a bar or its
    interval reaches past 1, the note that says why it is cut there."""
    vals = [df[c] + df[f"{c}_conf"].fillna(0) for c in ("ST", "S1")]
    hi = float(max(v.max() for v in vals)) if len(df) else 1.0
    low = [df[c] - df[f"{c}_conf"].fillna(0) for c in ("ST", "S1")]
    lo = min(0.0, float(min(v.min() for v in low))) if len(df) else 0.0
    if hi > 1.0:
        return lo, 1.0, ("cut at 1: an index above 1 (or an interval reaching past it) is sampling error at "
                         "this sample size; rerun with more samples")
    return lo, min(1.0, max(0.05, 1.1 * hi)), ""
