"""The web app's calls into the engines. Thin: each function calls a public API and shapes its result for
a template; an engine that is missing or fails gives a :class:`Section` marked "not available" with the
reason, never an error page.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from allied.errors import Cancelled
from allied.scenario import Scenario, ScenarioError
from allied.scenario.writer import to_yaml
from allied.web import figures


@dataclass
class Section:
    """What a page shows for one engine."""

    available: bool = True
    message: str = ""  # why not available, or a note
    tables: list[tuple[str, str]] = field(default_factory=list)  # (caption, HTML of a DataFrame)
    figures: list[tuple[str, str]] = field(default_factory=list)  # (title, plotly JSON)
    notes: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)


def unavailable(what: str, exc: BaseException | None = None) -> Section:
    why = f"{what} is not available in this installation"
    if exc is not None:
        why = f"{what} is not available: {type(exc).__name__}: {exc}"
    return Section(available=False, message=why)


def html_table(df: pd.DataFrame, float_format: str = "{:,.4g}", index: bool = False) -> str:
    """A DataFrame as an escaped HTML table."""
    return str(df.to_html(index=index, escape=True, border=0, classes="data", na_rep="–",
                          float_format=lambda v: float_format.format(v)))


# --- forecast ---------------------------------------------------------------------------------------
class _Cache:
    """A small LRU cache of engine results by scenario content (the pages rerun nothing they ran)."""

    def __init__(self, size: int = 32) -> None:
        self.size = size
        self._d: OrderedDict[tuple[str, str], Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str], make: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._d:
                self._d.move_to_end(key)
                return self._d[key]
        value = make()
        with self._lock:
            self._d[key] = value
            while len(self._d) > self.size:
                self._d.popitem(last=False)
        return value


_cache = _Cache()


def digest(sc: Scenario) -> str:
    return hashlib.sha256(to_yaml(sc).encode()).hexdigest()


def model_names() -> list[str]:
    from allied.models.registry import available

    return available()


def _run_forecasts(sc: Scenario, stop: Callable[[], bool] | None = None
                   ) -> tuple[pd.DataFrame, dict[str, str], dict[str, Any]]:
    from allied.models import run

    res = run(sc, model_names(), keep_going=True, stop=stop)  # one failing model does not hide the others
    return res.frame(), res.errors, res.runs


def forecasts(sc: Scenario, stop: Callable[[], bool] | None = None) -> tuple[pd.DataFrame, dict[str, str]]:
    """Every registered model's forecast by round (``ForecastResult.frame()``), and the models that failed
    with why. ``stop`` abandons the run between models (:class:`~allied.errors.Cancelled`); nothing is cached
    then."""
    frame, errors, _ = _cache.get(("forecast", digest(sc)), lambda: _run_forecasts(sc, stop))
    return frame, errors


def forecast_runs(sc: Scenario) -> dict[str, Any]:
    """The ``ModelRun`` objects behind :func:`forecasts` (for the report's figures)."""
    return _cache.get(("forecast", digest(sc)), lambda: _run_forecasts(sc))[2]  # type: ignore[no-any-return]


def final_table(frame: pd.DataFrame, sc: Scenario) -> pd.DataFrame:
    """Issue × model table of final forecasts (the last round each model ran)."""
    issues = [i.id for i in sc.issues]
    if frame.empty:
        return pd.DataFrame(index=issues)
    last = frame.sort_values("round").groupby(["issue", "model"], sort=False)["forecast"].last()
    table = last.unstack("model")
    models = list(dict.fromkeys(frame["model"]))
    return table.reindex(index=issues, columns=models)


def forecast_section(sc: Scenario, issue: str | None = None, stop: Callable[[], bool] | None = None) -> Section:
    """The forecast table, the chosen issue's trajectories and the overview of every issue."""
    try:
        frame, errors = forecasts(sc, stop)
    except Cancelled:
        raise
    except Exception as exc:
        return unavailable("Forecasting", exc)
    table = final_table(frame, sc)
    ids = [i.id for i in sc.issues]
    chosen = issue if issue in ids else ids[0]
    iss = sc.issue(chosen)
    from allied.scenario.uncertain import point

    sq = point(iss.status_quo) if iss.status_quo is not None else None
    rows = []
    for i in sc.issues:
        vals = {m: (None if pd.isna(table.loc[i.id, m]) else float(table.loc[i.id, m])) for m in table.columns}
        rows.append({"id": i.id, "name": i.name, "units": i.units or "", "scale": i.scale, "values": vals,
                     "status_quo": point(i.status_quo) if i.status_quo is not None else None})
    sec = Section(notes=[f"{m}: failed — {e}" for m, e in errors.items()])
    sec.data = {"models": list(table.columns), "rows": rows, "issue": chosen, "issues": ids}
    if frame.empty:
        return sec
    sec.figures.append((f"{iss.name}: forecast by round",
                        figures.embed(figures.trajectories(frame, chosen, iss.scale,
                                                           f"{iss.name} — forecast by round", sq))))
    runs = forecast_runs(sc)

    def actor_paths() -> Any:
        from allied.report.figures import trajectories_fig
        from allied.report.prep import trajectory_frame

        return trajectories_fig(trajectory_frame(runs, chosen), iss)

    def comparison() -> Any:
        from allied.report.figures import forecast_comparison_fig
        from allied.report.prep import positions_frame

        return forecast_comparison_fig(sc, positions_frame(sc, runs))

    embedded = _report_figure(actor_paths, sec.notes, "The actor-trajectory figure")
    if embedded:
        sec.figures.append((f"{iss.name}: every actor's position by round", embedded))
    embedded = _report_figure(comparison, sec.notes, "The comparison figure")
    if not embedded:
        embedded = figures.embed(figures.finals(table, {i.id: i.scale for i in sc.issues}))
    sec.figures.append(("Final forecasts beside the actors' positions", embedded))

    def smp_fig() -> Any:
        from allied.report.figures import smp_probabilities_fig
        from allied.report.prep import smp_probabilities

        probs = smp_probabilities(runs["smp"])
        return None if probs.empty else smp_probabilities_fig(probs, list(runs["smp"].input.issues))

    def exchange_fig() -> Any:
        from allied.report.figures import exchanges_fig
        from allied.report.prep import exchanges_frame, trades_frame

        ex = exchanges_frame(runs["exchange"])
        trades = None if ex.empty else trades_frame(ex)
        return exchanges_fig(trades) if trades is not None and "pair" in trades else None

    for name, title, build in (("smp", "SMP outcome probabilities by turn", smp_fig),
                               ("exchange", "Exchange model: who trades with whom", exchange_fig)):
        if name in runs:
            embedded = _report_figure(build, sec.notes, f"The {title} figure")
            if embedded:
                sec.figures.append((title, embedded))
    return sec


# --- ledger -----------------------------------------------------------------------------------------
_LINE_COLUMNS = ["year", "item", "from", "to", "viewpoint", "lens", "effect", "value", "unit", "contested", "quote",
                 "note"]


def _report_figure(build: Callable[[], Any], notes: list[str] | None = None, what: str = "a figure") -> str | None:
    """A figure from the report package, embedded; None (and a note saying why) when it cannot be drawn."""
    try:
        fig = build()
        if fig is None:
            return None
        fig.update_layout(margin={"t": max(int(fig.layout.margin.t or 0), 56)})  # room for subplot titles
    except Exception as exc:
        if notes is not None:
            notes.append(f"{what} is not available: {type(exc).__name__}: {exc}")
        return None
    return figures.embed(fig)


def ledger_section(sc: Scenario) -> Section:
    """Ledger lines per year, viewpoint and lens, totals, missing items, burden measures and tests."""
    if sc.alliance is None:
        return Section(available=False, message="This scenario has no alliance: section, so there is no ledger.")
    try:
        from allied.ledgers import run

        res = run(sc)
    except ScenarioError as exc:
        return Section(available=False, message="; ".join(str(p) for p in exc.problems))
    except Exception as exc:
        return unavailable("The alliance ledger", exc)
    sec = Section(message=f"Members: {', '.join(res.members)}" + (f"; patron {res.patron}" if res.patron else ""))
    warning = res.tests.get("warning") if isinstance(res.tests, dict) else None
    if warning:
        sec.notes.append(f"Exploitation tests: {warning}")
    sec.notes.extend(str(n) for n in res.notes)

    def ledger_fig() -> Any:
        from allied.report.figures import ledger_fig as fig
        from allied.report.prep_engines import ledger_lines, money_lines

        money = money_lines(ledger_lines(res.to_json()))
        return fig(money) if len(money) else None

    embedded = _report_figure(ledger_fig, sec.notes, "The ledger figure")
    if embedded:
        sec.figures.append(("Ledger: costs and benefits by viewpoint", embedded))
    lines = res.lines[[c for c in _LINE_COLUMNS if c in res.lines.columns]]
    sec.tables.append(("Ledger lines (each member's viewpoint, each lens)", html_table(lines)))
    sec.tables.append(("Totals per year, viewpoint and lens", html_table(res.totals)))
    if len(res.missing):
        sec.tables.append(("Missing items (listed, never counted as zero)", html_table(res.missing)))
    if len(res.item_measures):
        sec.tables.append(("Measures from the items", html_table(res.item_measures)))
    if res.burden is not None:
        sec.tables.append(("Burden measures from the ally-year panel", html_table(res.burden.table)))
    return sec


# --- report -----------------------------------------------------------------------------------------
def report_html(sc: Scenario, samples: int | None = None) -> str:
    """The self-contained HTML report."""
    from allied.report import build_report

    return str(build_report(sc) if samples is None else build_report(sc, samples=samples))


# --- protocol ---------------------------------------------------------------------------------------
_PROTOCOL_COLUMNS = ["p_full", "p_full_sincere", "p_full_stalling", "denuclearisation", "relief", "us_exploitation",
                     "nk_exploitation", "V_USA", "V_ROK", "V_PRK_sincere", "V_PRK_stalling", "engagement",
                     "max_regret"]


def protocol_section(sc: Scenario) -> Section:
    """Every protocol compared at the scenario's point values: outcomes, values, rankings, the path."""
    try:
        from allied.protocols import run as run_protocols

        res = run_protocols(sc)
    except ScenarioError as exc:
        return Section(available=False, message="; ".join(str(p) for p in exc.problems))
    except Exception as exc:
        return unavailable("The protocol engine", exc)
    sec = Section(message=f"Chosen protocol ({res.chooser} decides): {res.chosen}.")
    sec.notes.extend(str(n) for n in res.notes)

    def values_fig() -> Any:
        from allied.report.figures import protocol_values_fig
        from allied.report.prep_engines import protocol_frame

        return protocol_values_fig(protocol_frame(res.to_json()))

    def beliefs_fig() -> Any:
        from allied.report.figures import beliefs_fig as fig
        from allied.report.prep_engines import beliefs_frame

        return fig(beliefs_frame(res.to_json()))

    figs = [("Each player's value under each protocol", values_fig)]
    if getattr(res, "family", "denuclearisation") == "denuclearisation":  # cost-sharing has no beliefs
        figs.append(("Belief paths", beliefs_fig))
    for title, build in figs:
        embedded = _report_figure(build, sec.notes, title)
        if embedded:
            sec.figures.append((title, embedded))
    if getattr(res, "family", "denuclearisation") == "cost-sharing":
        table = res.frame()
        table["dominated_by"] = [", ".join(v) or "—" for v in table["dominated_by"]]
    else:
        table = res.table[[c for c in _PROTOCOL_COLUMNS if c in res.table.columns]].reset_index()
    sec.tables.append(("Protocols compared (equilibrium outcomes and values)", html_table(table)))
    ranks = pd.DataFrame({actor: pd.Series(order, index=range(1, len(order) + 1))
                          for actor, order in res.rankings.items()})
    ranks.index.name = "rank"
    sec.tables.append(("Each player's ranking, best first", html_table(ranks, index=True)))
    sec.tables.append(("Equilibrium path, stage by stage", html_table(res.stages)))
    from allied.protocols import parameter_table
    from allied.scenario.sections import ProtocolSection

    if sc.protocol is None or isinstance(sc.protocol, ProtocolSection):  # the denuclearisation game's table
        with contextlib.suppress(Exception):  # the parameter listing is a courtesy, never a failure
            sec.tables.append(("Parameters", html_table(parameter_table(sc.protocol), index=True)))
    return sec


# --- sweeps -----------------------------------------------------------------------------------------
def sweep_models() -> list[str]:
    """What a sweep can run: every forecast model and every other engine the sweep layer knows."""
    from allied.sweeps.engines import engine_names

    return list(engine_names())


def key_name(target: str) -> str:
    """What one row of a sweep's summary is, by the engine's target column (as ``allied sweep`` says)."""
    return {"p_full": "protocol", "total": "ledger line"}.get(target, "issue")


def sweep_results(folder: Any, info: dict[str, Any]) -> Section:
    """Summary (mean, sd, p05, p50, p95 per issue) and distributions of a sweep's stored samples."""
    import re

    from allied.sweeps.runner import summarise

    target = str(info.get("target") or "forecast")
    keys = [str(k) for k in info.get("keys") or []]
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", target):
        return unavailable("Reading sweep results", ValueError(f"the run names an odd output column {target!r}"))
    try:
        summary = summarise(folder, target, keys)
        import duckdb

        glob = str(folder / "samples" / "part-*.parquet").replace("'", "''")
        frame = duckdb.connect().sql(f"SELECT issue, {target} AS value FROM read_parquet('{glob}')").df()
    except Exception as exc:
        return unavailable("Reading sweep results", exc)
    what = key_name(target)  # a protocol sweep's rows are protocols, a ledger sweep's are total lines
    table = pd.DataFrame([{what: k, **v} for k, v in summary.items()])
    sec = Section(message=f"{info['done']:,} samples of {info['model']} ({target}), seed {info['seed']}")
    sec.tables.append((f"Summary per {what}", html_table(table)))
    if len(frame):
        sec.figures.append(("Distributions", figures.embed(figures.distributions(frame, keys or None, target))))
    return sec
