"""Rich tables shared by CLI commands (presentation only, no model logic)."""

from __future__ import annotations

from rich.table import Table

from allied.cli.safe import safe
from allied.scenario.model import Scenario
from allied.scenario.uncertain import Uncertain


def fmt_num(v: float, digits: int = 4) -> str:
    """A number as an analyst writes it: 28,500 (never 2.85e+04), 0.35, 12.5."""
    if abs(v) >= 10**digits:
        return f"{v:,.0f}"
    return f"{v:.{digits}g}"


def fmt_value(v: float | Uncertain | None, digits: int = 4) -> str:
    if v is None:
        return "—"
    if isinstance(v, Uncertain):
        p = v.point()
        lo, hi = v.bounds()
        return f"{fmt_num(p, digits)} [{fmt_num(lo, digits)}–{fmt_num(hi, digits)}]"
    return fmt_num(v, digits)


def scenario_tables(sc: Scenario) -> list[Table]:
    title = f"{safe(sc.title)} ({sc.id}" + (f", as of {safe(sc.as_of)}" if sc.as_of else "") + ")"
    # the width of the title itself: without a description the table would otherwise be two characters wide
    head = Table(title=title, show_header=False, box=None, min_width=len(f"{sc.title} ({sc.id}, as of {sc.as_of})"))
    head.add_column(overflow="fold")
    if sc.description:
        head.add_row(safe(sc.description))
    actors = Table(title="Actors")
    for col in ("id", "name", "capability"):
        actors.add_column(col)
    for a in sc.actors:
        actors.add_row(a.id, safe(a.name), fmt_value(a.capability))
    issues = Table(title="Issues")
    for col in ("id", "name", "scale", "status quo", "labels"):
        issues.add_column(col)
    for i in sc.issues:
        labels = safe("; ".join(f"{k:g}: {v}" for k, v in sorted(i.labels.items())))
        scale = f"{fmt_num(i.lo)}–{fmt_num(i.hi)}" + (f" {safe(i.units)}" if i.units else "")
        issues.add_row(i.id, safe(i.name), scale, fmt_value(i.status_quo), labels)
    stances = Table(title="Stances (quoted evidence or analyst estimate)")
    for col in ("issue", "actor", "position", "salience", "evidence"):
        stances.add_column(col, overflow="fold")
    for s in sorted(sc.stances, key=lambda s: ([i.id for i in sc.issues].index(s.issue), s.actor)):
        ev = s.evidence
        if ev and ev.quote:
            text = f"[green]“{safe(ev.quote)}”[/] ({safe(ev.source)})"
            if ev.note:  # the analyst's reading of the quote (e.g. how a figure was derived from it)
                text += f"\n[yellow]note:[/] {safe(ev.note)}"
        elif ev and ev.note:
            text = f"[yellow]estimate:[/] {safe(ev.note)}"
        else:
            text = "[red]no evidence[/]"
        stances.add_row(s.issue, s.actor, fmt_value(s.position), fmt_value(s.salience), text)
    return [head, actors, issues, stances]
