"""Rich tables for forecasts: models side by side per issue, with the issue's labels."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.table import Table

from allied.forecast.runner import ModelRun
from allied.scenario.model import Issue, Scenario


def nearest_label(issue: Issue, value: float) -> str:
    """The issue's label closest to ``value`` (within 15 % of the scale), to read a number in words."""
    if not issue.labels:
        return ""
    k = min(issue.labels, key=lambda p: abs(p - value))
    return issue.labels[k] if abs(k - value) <= 0.15 * (issue.hi - issue.lo) else ""


def forecast_tables(sc: Scenario, runs: Mapping[str, ModelRun]) -> list[Table]:
    names = list(runs)
    first = next(iter(runs.values()))
    t = Table(title=f"Forecasts — {sc.title}")
    t.add_column("issue", overflow="fold")
    t.add_column("scale", overflow="fold")
    for n in names:
        t.add_column(n, justify="right")
    t.add_column("reads as (first model)", overflow="fold")
    for iss_id in first.input.issues:
        issue = sc.issue(iss_id)
        vals = [runs[n].final(iss_id) for n in names]
        scale = f"{issue.lo:g}–{issue.hi:g}" + (f" {issue.units}" if issue.units else "")
        t.add_row(iss_id, scale, *[f"{v:.4g}" for v in vals], nearest_label(issue, vals[0]))
    tables = [t]
    for n, run in runs.items():
        notes = run.output.notes
        if notes:
            nt = Table(title=f"{n}: notes", show_header=False)
            for note in notes:
                nt.add_row(note)
            tables.append(nt)
        trades = _exchanges(run.output.extras)
        if trades:
            tables.append(_trade_table(n, trades))
    return tables


def _exchanges(extras: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    ex = extras.get("exchanges")
    return list(ex) if isinstance(ex, list) else []


def _trade_table(name: str, trades: list[Mapping[str, Any]]) -> Table:
    t = Table(title=f"{name}: realised exchanges (who trades what)")
    keys = [k for k in trades[0] if not isinstance(trades[0][k], dict | list)]
    for k in keys:
        t.add_column(str(k), overflow="fold")
    for tr in trades[:60]:
        t.add_row(*[f"{tr[k]:.4g}" if isinstance(tr[k], float) else str(tr[k]) for k in keys])
    if len(trades) > 60:
        t.caption = f"first 60 of {len(trades)} exchanges (all of them in --format json)"
    return t
