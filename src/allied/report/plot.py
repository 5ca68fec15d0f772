"""``allied plot``: one paper figure by name, run only the engine it needs, save as PNG/SVG/PDF."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from matplotlib.figure import Figure

from allied.errors import ReportError
from allied.report import paper
from allied.report import prep as P
from allied.report import prep_engines as E
from allied.report.engines import collect_forecasts, collect_ledger, collect_protocol, collect_sensitivity
from allied.scenario.model import Scenario

FIGURES = ("trajectories", "forecast-comparison", "protocol-comparison", "tornado", "ledger", "outcomes")
FORMATS = (".png", ".svg", ".pdf")


class FigureUnavailable(ReportError):
    """The figure cannot be drawn (its engine is missing or failed, or an argument is wrong)."""


def normalise_name(name: str) -> str:
    """``forecast_comparison`` / ``Forecast comparison`` → ``forecast-comparison``; unknown names refused."""
    n = name.strip().lower().replace("_", "-").replace(" ", "-")
    if n not in FIGURES:
        raise FigureUnavailable(f"unknown figure '{name}'; choose one of {', '.join(FIGURES)}")
    return n


def _runs(sc: Scenario, models: list[str] | None) -> dict[str, Any]:
    parts = collect_forecasts(sc)
    runs = {m: p.value for m, p in parts.items() if p.ok and (not models or m in models)}
    if not runs:
        why = "; ".join(f"{m}: {p.error}" for m, p in parts.items() if not p.ok) or "no model matched"
        raise FigureUnavailable(f"no forecast model ran ({why})")
    return runs


def _issue(sc: Scenario, issue: str | None) -> Any:
    if issue is None:
        return sc.issues[0]
    try:
        return sc.issue(issue)
    except StopIteration:
        raise FigureUnavailable(f"unknown issue '{issue}'; choose one of {', '.join(i.id for i in sc.issues)}") \
            from None


def make_figure(sc: Scenario, name: str, issue: str | None = None, models: list[str] | None = None,
                samples: int = 64, seed: int = 0) -> Figure:
    """The named paper figure for ``sc`` (raises :class:`FigureUnavailable` with the reason)."""
    name = normalise_name(name)
    if name == "trajectories":
        iss = _issue(sc, issue)
        return paper.trajectories(P.trajectory_frame(_runs(sc, models), iss.id), iss)
    if name == "forecast-comparison":
        return paper.forecast_comparison(sc, P.positions_frame(sc, _runs(sc, models)))
    if name == "outcomes":
        runs = _runs(sc, models)
        return paper.outcomes(sc, P.outcomes_frame(sc, runs), list(runs))
    if name == "protocol-comparison":
        part = collect_protocol(sc)
        if not part.ok:
            raise FigureUnavailable(f"protocol engine not available: {part.error}")
        return paper.protocol_comparison(E.protocol_frame(part.value))
    if name == "ledger":
        part = collect_ledger(sc)
        if not part.ok:
            raise FigureUnavailable(f"ledger engine not available: {part.error}")
        money = E.money_lines(E.ledger_lines(part.value))
        if money.empty:
            raise FigureUnavailable("the ledger has no money lines to draw")
        return paper.ledger(money)
    # tornado
    iss = _issue(sc, issue)
    from allied.models.registry import available
    from allied.report.build import HEADLINE_ORDER

    names = available()
    model = (models or [next((m for m in HEADLINE_ORDER if m in names), names[0])])[0]
    part = collect_sensitivity(sc, model, samples, seed)
    if not part.ok:
        raise FigureUnavailable(f"sensitivity not available: {part.error}")
    idx = E.indices_frame(part.value, iss.id)
    if idx.empty:
        raise FigureUnavailable(f"no Sobol indices for issue {iss.id}")
    return paper.tornado(idx, f"{iss.id}: what drives the {model} forecast")


def save_figure(fig: Figure, out: str | Path) -> Path:
    path = Path(out)
    if path.suffix.lower() not in FORMATS:
        raise FigureUnavailable(f"-o must end in {', '.join(FORMATS)} (got '{path.name}')")
    fig.savefig(path, dpi=200 if path.suffix.lower() == ".png" else None)
    return path
