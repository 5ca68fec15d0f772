"""Rich tables for forecasts: models side by side per issue, with the issue's labels."""

from __future__ import annotations

from collections.abc import Mapping

from rich.table import Table

from allied.cli.safe import safe
from allied.models.runner import ModelRun
from allied.scenario.model import Issue, Scenario


def nearest_label(issue: Issue, value: float) -> str:
    """The issue's label closest to ``value`` (within 15 % of the scale), to read a number in words; on a
    numeric scale without labels, the value in its units and where it lies on the scale."""
    if not issue.labels:
        from allied.cli.render import fmt_num

        where = 100 * (value - issue.lo) / (issue.hi - issue.lo)
        units = f" {issue.units}" if issue.units else ""
        return f"{fmt_num(value)}{units} ({where:.0f}% of the way from {fmt_num(issue.lo)} to {fmt_num(issue.hi)})"
    k = min(issue.labels, key=lambda p: abs(p - value))
    return issue.labels[k] if abs(k - value) <= 0.15 * (issue.hi - issue.lo) else ""


def forecast_tables(sc: Scenario, runs: Mapping[str, ModelRun]) -> list[Table]:
    names = list(runs)
    first = max(runs.values(), key=lambda r: len(r.input.issues))
    t = Table(title=f"Forecasts — {safe(sc.title)}")
    t.add_column("issue", overflow="fold")
    t.add_column("scale", overflow="fold")
    for n in names:
        t.add_column(n, justify="right")
    t.add_column("reads as (first model)", overflow="fold")
    for iss_id in first.input.issues:
        issue = sc.issue(iss_id)
        vals = [runs[n].final(iss_id) if iss_id in runs[n].input.issues else None for n in names]
        scale = f"{issue.lo:g}–{issue.hi:g}" + (f" {safe(issue.units)}" if issue.units else "")
        shown = next((v for v in vals if v is not None), None)
        t.add_row(iss_id, scale, *["—" if v is None else f"{v:.4g}" for v in vals],
                  "" if shown is None else safe(nearest_label(issue, shown)))
    tables = [t]
    for n, run in runs.items():
        notes = run.output.notes
        if notes:
            nt = Table(title=f"{n}: notes", show_header=False)
            for note in notes:
                nt.add_row(safe(note))
            tables.append(nt)
    return tables

