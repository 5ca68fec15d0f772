"""The report's "What happened next" and "Track record" sections, scored by the journal's one scorer.

"What happened next" scores only outcomes dated after the scenario's ``as_of`` (with both naive baselines
beside the models) and shows earlier outcomes as context, never as hits. "Track record" shows the case
library's backtest: every model's skill against the baselines, interval coverage against its nominal
level, the ensemble's leave-one-case-out weights, guidance per issue and the journal's records of this
scenario.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from allied.report import prep as P
from allied.report.html import Page, esc, table, unavailable
from allied.report.style import model_colour, pretty

if TYPE_CHECKING:
    from allied.report.build import Results

#: draws per library case for the report's backtest (intervals and CRPS); small, the report must stay quick
TRACK_SAMPLES = 40

_SCORE_COLS = {"model": "model", "skill_vs_status_quo": "skill vs status quo", "skill_vs_cs_mean": "skill vs cs-mean",
               "err_pct_actual": "error % of actual", "err_pct_scale": "error % of scale",
               "in_p25_p75": "in p25–p75", "in_p05_p95": "in p05–p95", "abs_error": "abs. error (units)"}


def forecast_set(res: Results) -> Any:
    """The report's forecasts as a journal ForecastSet: each model's final forecast (with its sweep samples
    when the sweep ran) and both naive baselines."""
    from allied.journal.forecasts import ForecastSet, IssueForecast, baselines

    sc = res.sc
    sweep = res.sweep.value if res.sweep.ok else None
    models: dict[str, dict[str, Any]] = {}
    for name, run in res.runs.items():
        per: dict[str, Any] = {}
        for iss in run.input.issues:
            smp = None
            if isinstance(sweep, pd.DataFrame) and {"model", "issue", "forecast"} <= set(sweep.columns):
                s = sweep[(sweep["model"] == name) & (sweep["issue"] == iss)]["forecast"].to_numpy(float)
                smp = s if s.size else None
            per[iss] = IssueForecast(run.final(iss), smp)
        models[name] = per
    fs = ForecastSet(models, samples=res.samples)
    if "ensemble" in models:  # scoring: the ensemble's weights never see this scenario's own outcomes
        from allied.journal.backtest import combine
        from allied.models.ensemble import library_fit, same_case

        # the library case this scenario is (by its actors and issues, as the ensemble itself decides, so a
        # renamed copy of a library case is caught too), else its id
        w = library_fit(exclude=same_case([a.id for a in sc.actors], [i.id for i in sc.issues]) or sc.id)["weights"]
        if all(m in models for m in w):
            models["ensemble"] = combine(fs, w)
    models.update(baselines(sc))
    return fs


def _fmt_bool(v: Any, row: pd.Series) -> str:
    return "–" if v is None or (isinstance(v, float) and np.isnan(v)) else ("yes" if v else "no")


def _fmt(spec: str) -> Any:
    def render(v: Any, row: pd.Series) -> str:
        return "–" if v is None or (isinstance(v, float) and np.isnan(v)) else esc(spec.format(v))
    return render


_RENDER = {"skill_vs_status_quo": _fmt("{:+.2f}"), "skill_vs_cs_mean": _fmt("{:+.2f}"),
           "err_pct_actual": _fmt("{:.1f}"), "err_pct_scale": _fmt("{:.1f}"), "in_p25_p75": _fmt_bool,
           "in_p05_p95": _fmt_bool, "abs_error": _fmt("{:.4g}")}


# --- what happened next --------------------------------------------------------------------------
def outcomes(res: Results, page: Page) -> str:
    from allied.journal import resolve, score

    sc, runs = res.sc, res.runs
    out = ['<section id="outcomes"><h2>What happened next</h2>'
           f"<p class='lead'>Outcomes dated after the scenario's as_of ({esc(sc.as_of or 'not given')}) are scored "
           "against each model and the two naive baselines (the status quo carried forward; the capability × "
           "salience weighted mean), by the same scorer as <code>allied score</code>. Outcomes dated on or before "
           "as_of were known at the time: they are context, never hits. An outcome without a number is text only."
           "</p>"]
    if not sc.outcomes:
        return "".join([*out, unavailable("Outcomes", "the scenario records none"), "</section>"])
    status = {r.outcome.id: r for r in resolve(sc)}
    frame = P.outcomes_frame(sc, runs)
    frame["status"] = [status[i].status for i in frame["id"]]
    scored = frame[frame["status"] == "scorable"].copy()
    cols = {"date": "date", "issue": "issue", "what happened": "what happened", "actual": "actual",
            **{m: m for m in runs}, "source": "source"}
    render = {"issue": lambda v, r: f"<b>{esc(pretty(str(v)))}</b>"}
    if len(scored):
        from allied.report.sections import _closest

        scored["closest"] = [_closest(r, list(runs)) for _, r in scored.iterrows()]
        out.append("<h3>Scored (dated after as_of)</h3>")
        out.append(table(scored, {**cols, "closest": "closest model"}, render=render))
        if runs:
            from allied.report import figures as F

            try:
                out.append(page.figure(F.outcomes_fig(sc, scored, list(runs)), "outcomes",
                                       "forecasts against outcomes"))
            except Exception as exc:  # a drawing bug leaves a box, never a failed report
                out.append(unavailable("Outcomes figure", f"could not be drawn ({type(exc).__name__}: {exc})"))
            rows = score(sc, forecast_set(res))
            df = pd.DataFrame([r.as_dict() for r in rows])
            if len(df):
                out.append("<h3>Scores (scale-free measures first)</h3>")
                out.append(table(df, {"outcome": "outcome", **_SCORE_COLS}, render=_RENDER))
                out.append("<p class='small'>Skill = 1 − error / the baseline's error (1 perfect, 0 no better than "
                           "the baseline, below 0 worse). Error % of actual only where the issue has real units and "
                           "a natural zero. Intervals come from the report's sweep of the uncertain inputs.</p>")
    else:
        out.append("<p>No outcome can be scored yet: none has a number and a date after as_of.</p>")
    context = frame[frame["status"] != "scorable"].copy()
    if len(context):
        context["why not scored"] = [status[i].reason for i in context["id"]]
        out.append("<h3>Context: known at the time, or text only</h3>")
        out.append(table(context, {"date": "date", "issue": "issue", "what happened": "what happened",
                                   "actual": "actual", "why not scored": "why not scored", "source": "source"},
                         render=render))
    out.append("</section>")
    return "".join(out)


# --- track record --------------------------------------------------------------------------------
def collect_track(samples: int = TRACK_SAMPLES, seed: int = 0) -> Any:
    """The case library's backtest for the report."""
    from allied.journal.backtest import run

    return run((), None, samples=samples, seed=seed)


def calibration_fig(totals: list[Any]) -> go.Figure:
    """Observed coverage of the p25–p75 and p05–p95 intervals against their nominal 50 % and 90 %."""
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=[0, 100], y=[0, 100], mode="lines", name="perfect calibration",
                             line={"dash": "dot", "color": "#888"}))
    for k, t in enumerate(totals):
        if t.coverage_p25_p75 is None or t.coverage_p05_p95 is None:
            continue
        fig.add_trace(go.Scatter(x=[50, 90], y=[100 * t.coverage_p25_p75, 100 * t.coverage_p05_p95],
                                 mode="lines+markers", name=t.model, marker={"color": model_colour(t.model, k)},
                                 hovertemplate=f"{t.model}: nominal %{{x}} %, observed %{{y:.0f}} %<extra></extra>"))
    fig.update_xaxes(title_text="nominal interval coverage (%)", range=[0, 100])
    fig.update_yaxes(title_text="outcomes inside (%)", range=[-3, 103])
    fig.update_layout(height=360, margin={"l": 10, "r": 10, "t": 60, "b": 10}, template="plotly_white",
                      title={"text": "Calibration of the intervals over the case library", "x": 0.01},
                      legend={"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 0})
    return fig


def track_record(res: Results, page: Page) -> str:
    out = ['<section id="track"><h2>Track record</h2>'
           "<p class='lead'>How each model has done on the case library: the built-in scenarios whose outcomes "
           "are on record, scored as in <code>allied backtest</code>. Every model must beat two naive baselines. "
           "A handful of cases stands behind every figure here: read it as a record, not a verdict.</p>"]
    part = res.track
    if part is None or not part.ok:
        why = "not run" if part is None else part.error
        return "".join([*out, unavailable("Track record", str(why)), "</section>"])
    bt = part.value
    n_out = len({(r.case, r.outcome) for r in bt.rows})
    out.append(f"<p>{len(bt.cases)} cases ({esc(', '.join(c.scenario.id for c in bt.cases))}), {n_out} scored "
               f"outcomes, {bt.samples} draws per case.</p>")
    pct = _fmt("{:.0%}")
    out.append(table(totals_frame(bt.totals), {
        "model": "model", "skill_vs_status_quo": "skill vs status quo", "skill_vs_cs_mean": "skill vs cs-mean",
        "err_pct_actual": "error % of actual", "err_pct_scale": "error % of scale", "in_p25_p75": "in p25–p75",
        "in_p05_p95": "in p05–p95", "wl_sq": "W/L/T vs status quo", "wl_cm": "W/L/T vs cs-mean",
        "outcomes": "outcomes"}, render={**_RENDER, "in_p25_p75": pct, "in_p05_p95": pct}))
    try:
        out.append(page.figure(calibration_fig(bt.totals), "track", "calibration of the intervals"))
    except Exception as exc:  # a drawing bug leaves a box, never a failed report
        out.append(unavailable("Calibration figure", f"could not be drawn ({type(exc).__name__}: {exc})"))
    if bt.ensemble_weights:
        w = pd.DataFrame([{"left out": case, **ws} for case, ws in bt.ensemble_weights.items()])
        out.append("<h3>Ensemble weights, fitted leave-one-case-out</h3>"
                   f"<p class='small'>Each row: the weights used to forecast that case, fitted on the other "
                   f"{len(bt.cases) - 1} cases only. So few cases make the weights fragile.</p>")
        out.append(table(w, render={c: _fmt("{:.2f}") for c in w.columns if c != "left out"}))
    out.append(_guidance(res))
    out.append(_journal(res))
    out.append("</section>")
    return "".join(out)


def _guidance(res: Results) -> str:
    try:
        from allied.journal.guidance import for_scenario

        items = for_scenario(res.sc)
    except Exception as exc:  # guidance is a courtesy: its absence must not break the report
        return unavailable("Guidance", f"could not be computed ({type(exc).__name__}: {exc})")
    lis = "".join(f"<li>{esc(g.sentence())}</li>" for g in items)
    return ("<h3>Which models the library scores best on issues of each kind</h3>"
            f"<ul class='small'>{lis}</ul>")


def _journal(res: Results) -> str:
    try:
        df = journal_frame(res.sc.id)
    except Exception as exc:  # an unreadable journal is reported, not raised
        return unavailable("Journal", f"could not be read ({type(exc).__name__}: {exc})")
    if not len(df):
        return ("<h3>Journal</h3><p class='small'>No record of this scenario in the journal yet "
                f"(<code>allied record {esc(res.sc.id)} --samples 200</code>).</p>")
    return "<h3>Journal records of this scenario</h3>" + table(df)


def totals_frame(totals: list[Any]) -> pd.DataFrame:
    """The backtest's per-model totals as one table row each (the report's and the web tab's)."""
    return pd.DataFrame([{"model": t.model + (" (baseline)" if t.baseline else ""),
                          "skill_vs_status_quo": t.skill_vs_status_quo, "skill_vs_cs_mean": t.skill_vs_cs_mean,
                          "err_pct_actual": t.mean_err_pct_actual, "err_pct_scale": t.mean_err_pct_scale,
                          "in_p25_p75": t.coverage_p25_p75, "in_p05_p95": t.coverage_p05_p95,
                          "wl_sq": f"{t.vs_status_quo['wins']}/{t.vs_status_quo['losses']}/{t.vs_status_quo['ties']}",
                          "wl_cm": f"{t.vs_cs_mean['wins']}/{t.vs_cs_mean['losses']}/{t.vs_cs_mean['ties']}",
                          "outcomes": t.outcomes} for t in totals])


def journal_frame(scenario_id: str) -> pd.DataFrame:
    """The default journal's records of a scenario, one row each (empty when there are none)."""
    from allied.journal import Journal

    recs = [r for r in Journal().records() if r.scenario_id == scenario_id]
    return pd.DataFrame([{"id": r.id, "created": r.created, "hash": r.scenario_hash[:12], "as of": r.as_of,
                          "models": ", ".join(r.models), "samples": r.samples, "note": r.note or ""} for r in recs])
