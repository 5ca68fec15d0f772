"""Interactive figures (plotly), one function per figure; each draws a frame from :mod:`allied.report.prep`.

The HTML report embeds them with the plotly.js bundled in the plotly wheel (no CDN); the paper figures in
:mod:`allied.report.paper` draw the same frames with matplotlib.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from allied.report.prep import end_labels, index_axis, share
from allied.report.style import (
    LENS_COLOURS,
    MODEL_SYMBOLS,
    PLAYER_COLOURS,
    actor_colour,
    model_colour,
    palette,
    pretty,
)
from allied.scenario.model import Scenario

_FONT = {"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 12}


def _layout(fig: go.Figure, height: int, title: str | None = None, legend_y: float = 1.0, **kw: Any) -> go.Figure:
    """Common look: white template, compact margins, title top left, legend in a row above the plot."""
    top = (70 if title else 40) + round((legend_y - 1.0) * height)
    fig.update_layout(height=height + 30, margin={"l": 10, "r": 10, "t": top, "b": 10},
                      font=_FONT, template="plotly_white",
                      title={"text": title, "x": 0.01, "y": 0.99, "yanchor": "top", "font": {"size": 14}}
                      if title else None,
                      legend={"orientation": "h", "y": legend_y, "yanchor": "bottom", "x": 0, "font": {"size": 11}},
                      **kw)
    return fig


def _clip(text: str, n: int = 30) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def positions_fig(sc: Scenario, pos: pd.DataFrame, highlight: Sequence[str] = ()) -> go.Figure:
    """Where each actor stands and where each model says each issue settles, every issue on its own scale
    (0 % = low end label, 100 % = high end label); the first two ``highlight`` actors are joined by a bar."""
    fig = go.Figure()
    issues = [i for i in sc.issues if i.id in set(pos["issue"])][::-1]
    ylab = {i.id: f"<b>{pretty(i.id)}</b><br><span style='font-size:10px'>{_clip(end_labels(i)[0])} ↔ "
                  f"{_clip(end_labels(i)[1])}</span>" for i in issues}
    if len(highlight) >= 2:
        xs: list[Any] = []
        ys: list[Any] = []
        for i in issues:
            sub = pos[(pos.issue == i.id) & (pos.kind == "actor")].set_index("who")["share"]
            if highlight[0] in sub and highlight[1] in sub:
                xs += [sub[highlight[0]], sub[highlight[1]], None]
                ys += [ylab[i.id], ylab[i.id], None]
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line={"color": "#f2b5ae", "width": 9},
                                 name=f"{highlight[0]}–{highlight[1]} gap", hoverinfo="skip"))
    actors = list(dict.fromkeys(pos.loc[pos.kind == "actor", "who"]))
    for k, a in enumerate(actors):
        sub = pos[(pos.kind == "actor") & (pos.who == a)]
        big = a in highlight[:2]
        fig.add_trace(go.Scatter(
            x=sub["share"], y=[ylab[i] for i in sub["issue"]], mode="markers+text" if big else "markers",
            text=[a] * len(sub) if big else None, textposition="top center", textfont={"size": 10},
            marker={"size": 13 if big else 8, "color": actor_colour(a, k), "line": {"width": 1, "color": "white"}},
            name=a, customdata=np.c_[sub["value"], sub["salience"]],
            hovertemplate=f"{a}: %{{customdata[0]:.4g}} (salience %{{customdata[1]:.0f}})<extra></extra>"))
    models = list(dict.fromkeys(pos.loc[pos.kind == "model", "who"]))
    for k, m in enumerate(models):
        sub = pos[(pos.kind == "model") & (pos.who == m)]
        fig.add_trace(go.Scatter(
            x=sub["share"], y=[ylab[i] for i in sub["issue"]], mode="markers", name=f"model: {m}",
            marker={"size": 12, "symbol": MODEL_SYMBOLS.get(m, "star"), "color": model_colour(m, k),
                    "line": {"width": 2, "color": model_colour(m, k)}}, customdata=sub["value"],
            hovertemplate=f"{m} forecast: %{{customdata:.4g}}<extra></extra>"))
    fig.update_xaxes(range=[-3, 103], title_text="position on each issue's scale (%)", zeroline=False)
    fig.update_yaxes(categoryorder="array", categoryarray=[ylab[i.id] for i in issues])
    fig = _layout(fig, 70 + 56 * len(issues))
    fig.update_layout(legend={"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom", "font": {"size": 10}},
                      margin={"t": 70})
    return fig


def forecast_comparison_fig(sc: Scenario, pos: pd.DataFrame) -> go.Figure:
    """Every model's final forecast per issue in the issue's own units, beside the actors' positions."""
    issues = [i for i in sc.issues if i.id in set(pos["issue"])]
    ncol = 2
    nrow = (len(issues) + 1) // ncol
    fig = make_subplots(rows=nrow, cols=ncol, subplot_titles=[
        f"{pretty(i.id)}" + (f" ({i.units})" if i.units else "") for i in issues],
        vertical_spacing=0.5 / max(nrow, 1), horizontal_spacing=0.12)
    shown: set[str] = set()
    for n, iss in enumerate(issues):
        r, c = n // ncol + 1, n % ncol + 1
        sub = pos[pos.issue == iss.id]
        for k, (_, row) in enumerate(sub.iterrows()):
            is_model = row["kind"] == "model"
            colour = model_colour(row["who"], k) if is_model else actor_colour(row["who"], k)
            fig.add_trace(go.Scatter(
                x=[row["value"]], y=[row["who"]], mode="markers", name=row["who"],
                legendgroup=row["who"], showlegend=row["who"] not in shown,
                marker={"size": 11 if is_model else 8, "color": colour,
                        "symbol": MODEL_SYMBOLS.get(row["who"], "star") if is_model else "circle"},
                hovertemplate=f"{row['who']}: %{{x:.4g}}<extra>{pretty(iss.id)}</extra>"), row=r, col=c)
            shown.add(row["who"])
        fig.update_xaxes(range=[iss.lo - 0.03 * (iss.hi - iss.lo), iss.hi + 0.03 * (iss.hi - iss.lo)], row=r, col=c)
    return _layout(fig, 60 + 190 * nrow, showlegend=False)


def trajectories_fig(traj: pd.DataFrame, issue: Any) -> go.Figure:
    """Each actor's position by round, one panel per model that moves actors, its forecast statistic
    dashed; one-round models (mean, median) appear as dotted reference lines in every panel."""
    rounds = traj.groupby("model")["round"].max()
    dynamic = [m for m in dict.fromkeys(traj["model"]) if rounds[m] > 0]
    static = [m for m in dict.fromkeys(traj["model"]) if rounds[m] == 0]
    panels = dynamic or static
    fig = make_subplots(rows=1, cols=max(len(panels), 1), subplot_titles=panels, shared_yaxes=True,
                        horizontal_spacing=0.03)
    actors = [a for a in dict.fromkeys(traj["actor"]) if a != "forecast"]
    xmax = int(traj["round"].max()) if len(traj) else 1
    for c, m in enumerate(panels, start=1):
        sub = traj[traj.model == m]
        for k, a in enumerate(actors):
            s = sub[sub.actor == a]
            fig.add_trace(go.Scatter(x=s["round"], y=s["position"], mode="lines+markers", name=a, legendgroup=a,
                                     showlegend=c == 1, line={"color": actor_colour(a, k), "width": 2},
                                     marker={"size": 4}, hovertemplate=f"{a} r%{{x}}: %{{y:.4g}}<extra>{m}</extra>"),
                          row=1, col=c)
        s = sub[sub.actor == "forecast"]
        fig.add_trace(go.Scatter(x=s["round"], y=s["position"], mode="lines", name="forecast", legendgroup="fc",
                                 showlegend=c == 1, line={"color": "black", "width": 2.5, "dash": "dash"},
                                 hovertemplate=f"forecast r%{{x}}: %{{y:.4g}}<extra>{m}</extra>"), row=1, col=c)
        if dynamic:
            for k, sm in enumerate(static):
                v = traj[(traj.model == sm) & (traj.actor == "forecast")]["position"]
                if len(v):
                    fig.add_trace(go.Scatter(x=[0, max(xmax, 1)], y=[v.iloc[0]] * 2, mode="lines", name=sm,
                                             legendgroup=sm, showlegend=c == 1,
                                             line={"color": model_colour(sm, k), "width": 1.5, "dash": "dot"},
                                             hovertemplate=f"{sm}: %{{y:.4g}}<extra></extra>"), row=1, col=c)
    fig.update_yaxes(range=[issue.lo - 0.03 * (issue.hi - issue.lo), issue.hi + 0.03 * (issue.hi - issue.lo)])
    fig.update_xaxes(title_text="round", title_standoff=2)
    title = f"{pretty(issue.id)}: positions by round" + (f" ({issue.units})" if issue.units else "")
    fig = _layout(fig, 320, title)
    fig.update_layout(legend={"orientation": "v", "x": 1.01, "y": 1, "yanchor": "top", "font": {"size": 10},
                              "tracegroupgap": 0}, margin={"t": 56}, height=320)
    return fig


def smp_probabilities_fig(probs: pd.DataFrame, issues: Sequence[str]) -> go.Figure:
    """SMP: the probability of each distinct outcome by turn (stacked), coloured by the actor whose position
    it is; hover shows the outcome's coordinates on every issue."""
    fig = go.Figure()
    order = list(dict.fromkeys(probs["outcome"]))
    for k, who in enumerate(order):
        s = probs[probs.outcome == who]
        cols = [c for c in issues if c in s]
        hover = [f"held by {row['actors']}<br>" + "<br>".join(f"{pretty(c)}: {row[c]:.3g}" for c in cols)
                 for _, row in s.iterrows()]
        fig.add_trace(go.Bar(x=s["turn"], y=s["probability"], name=f"{who}'s position", hovertext=hover,
                             marker_color=actor_colour(str(who), k),
                             hovertemplate="turn %{x}: p=%{y:.3f}<br>%{hovertext}<extra></extra>"))
    fig.update_layout(barmode="stack")
    fig.update_xaxes(title_text="turn", dtick=1)
    fig.update_yaxes(title_text="probability of being the outcome", range=[0, 1.01])
    return _layout(fig, 320, "SMP: which actor's position wins, turn by turn")


def exchanges_fig(trades: pd.DataFrame) -> go.Figure:
    """Exchange model: realised exchanges per pair of actors, split by the pair of issues traded."""
    fig = go.Figure()
    counts = trades.groupby(["pair", "issues"]).size().reset_index(name="n")
    order = counts.groupby("pair")["n"].sum().sort_values().index.tolist()
    top = counts.groupby("issues")["n"].sum().sort_values(ascending=False).index.tolist()
    for k, iss in enumerate(top):
        s = counts[counts.issues == iss]
        fig.add_trace(go.Bar(x=s["n"], y=s["pair"], orientation="h", name=pretty(str(iss)),
                             marker_color=palette(k), showlegend=k < 12,
                             hovertemplate="%{y}: %{x} trades of " + pretty(str(iss)) + "<extra></extra>"))
    fig.update_layout(barmode="stack")
    fig.update_yaxes(categoryorder="array", categoryarray=order)
    fig.update_xaxes(title_text="realised exchanges (all rounds)")
    fig = _layout(fig, 140 + 28 * len(order), "Exchange model: who trades with whom, over which issues")
    fig.update_layout(legend={"orientation": "v", "x": 1.01, "y": 1, "yanchor": "top", "font": {"size": 10}})
    return fig


def protocol_values_fig(frame: pd.DataFrame) -> go.Figure:
    """Each player's ex-ante value under each protocol, and the deal/exploitation probabilities."""
    fig = make_subplots(rows=1, cols=2, subplot_titles=["players' values (higher is better for them)",
                                                        "outcome probabilities"], horizontal_spacing=0.1)
    for k, col in enumerate(c for c in frame.columns if c.startswith("V ")):
        who = col[2:]
        fig.add_trace(go.Bar(x=frame["protocol"], y=frame[col], name=who, marker_color=PLAYER_COLOURS.get(who,
                             palette(k)), hovertemplate=f"{who}: %{{y:.3g}}<extra>%{{x}}</extra>"), row=1, col=1)
    for k, (key, label) in enumerate((("p_full", "P(full deal)"), ("us_exploitation", "US exploited"),
                                      ("nk_exploitation", "N. Korea exploited"))):
        if key in frame:
            fig.add_trace(go.Bar(x=frame["protocol"], y=frame[key], name=label,
                                 marker_color=["#333333", "#1f4e9c", "#c0392b"][k],
                                 marker_pattern_shape=["", "/", "x"][k],
                                 hovertemplate=f"{label}: %{{y:.3f}}<extra>%{{x}}</extra>"), row=1, col=2)
    fig.update_layout(barmode="group")
    fig.update_yaxes(range=[0, 1.02], row=1, col=2)
    return _layout(fig, 360, legend_y=1.1)


def beliefs_fig(beliefs: pd.DataFrame) -> go.Figure:
    """The on-path belief that North Korea is sincere, by stage, for each protocol."""
    fig = go.Figure()
    for k, (name, s) in enumerate(beliefs.groupby("protocol", sort=False)):
        fig.add_trace(go.Scatter(x=s["stage"], y=s["belief"], mode="lines+markers", name=str(name),
                                 line={"color": palette(k), "width": 2},
                                 hovertemplate=f"{name} stage %{{x}}: P(sincere)=%{{y:.3f}}<extra></extra>"))
    fig.update_xaxes(title_text="stage", dtick=1)
    fig.update_yaxes(title_text="belief P(sincere)", range=[0, 1.02])
    return _layout(fig, 300, "Belief paths: how each protocol screens North Korea's type")


def first_choice_fig(shares: pd.DataFrame, order: Sequence[str]) -> go.Figure:
    """How often each protocol is each player's first choice over the sampled parameters (stacked to 100 %)."""
    fig = go.Figure()
    players = list(dict.fromkeys(shares["player"]))[::-1]
    for k, proto in enumerate(order):
        s = shares[shares.protocol == proto].set_index("player").reindex(players)
        fig.add_trace(go.Bar(x=s["share"].fillna(0) * 100, y=players, orientation="h", name=proto,
                             marker_color=palette(k), text=[f"{v:.0%}" if v >= 0.06 else "" for v in
                                                            s["share"].fillna(0)], textposition="inside",
                             hovertemplate="%{y}: " + proto + " first in %{x:.0f} % of samples<extra></extra>"))
    fig.update_layout(barmode="stack", legend={"traceorder": "normal"})
    fig.update_xaxes(title_text="share of sampled parameter sets (%)", range=[0, 100])
    return _layout(fig, 90 + 40 * len(players), "Each player's first choice over the uncertain weights")


def ledger_fig(money: pd.DataFrame) -> go.Figure:
    """Money lines of the ledger: one row of panels per lens (each on its own scale, so a trade deficit does
    not flatten the cost-sharing figures), one column per member's viewpoint; cost < 0 < benefit."""
    viewpoints = list(dict.fromkeys(money["viewpoint"])) if "viewpoint" in money else ["all"]
    lenses = list(dict.fromkeys(money["lens"])) if "lens" in money else ["all"]
    counts = [max(1, int(money[money["lens"] == ln].groupby("viewpoint").size().max())) if "lens" in money
              else len(money) for ln in lenses]
    titles = [f"{vp}'s side · {ln}" for ln in lenses for vp in viewpoints]
    fig = make_subplots(rows=len(lenses), cols=len(viewpoints), subplot_titles=titles, horizontal_spacing=0.22,
                        vertical_spacing=0.28 / max(len(lenses), 1), row_heights=[float(c) for c in counts])
    for r, ln in enumerate(lenses, start=1):
        for c, vp in enumerate(viewpoints, start=1):
            sub = money
            if "lens" in money:
                sub = sub[sub["lens"] == ln]
            if "viewpoint" in money:
                sub = sub[sub["viewpoint"] == vp]
            labels = [f"{pretty(str(i))} ({y})" for i, y in zip(sub["item"], sub["year"], strict=True)]
            fig.add_trace(go.Bar(x=sub["amount"], y=labels, orientation="h", showlegend=False,
                                 marker_color=LENS_COLOURS.get(str(ln), "#888"), customdata=sub["amount_unit"],
                                 hovertemplate="%{y}: %{x:,.4g} %{customdata}<extra>" + str(ln) + "</extra>"),
                          row=r, col=c)
            span = float(money.loc[money["lens"] == ln, "amount"].abs().max()) if "lens" in money else 1.0
            fig.update_xaxes(range=[-1.1 * span, 1.1 * span], zeroline=True, zerolinecolor="#444", row=r, col=c)
    unit = money["amount_unit"].iloc[0] if len(money) else ""
    fig.update_xaxes(title_text=f"{unit}: cost (−) / benefit (+)", row=len(lenses))
    fig.update_yaxes(automargin=True, tickfont={"size": 10})
    return _layout(fig, 70 + 70 * len(lenses) + 26 * sum(counts))


def distribution_fig(sc: Scenario, sweep: pd.DataFrame) -> go.Figure:
    """Forecast distributions from the sweep, every issue on its own scale (%), one box per model."""
    fig = go.Figure()
    order = [i for i in sc.issues if i.id in set(sweep["issue"])][::-1]
    for k, (m, s) in enumerate(sweep.groupby("model", sort=False)):
        ys, xs, raw = [], [], []
        for iss in order:
            v = s.loc[s.issue == iss.id, "forecast"].to_numpy(dtype=float)
            xs.append(share(iss, v))
            ys += [pretty(iss.id)] * len(v)
            raw.append(v)
        fig.add_trace(go.Box(x=np.concatenate(xs) if xs else [], y=ys, name=str(m), orientation="h",
                             marker_color=model_colour(str(m), k), boxpoints=False,
                             customdata=np.concatenate(raw) if raw else [],
                             hovertemplate="%{y}: %{x:.1f} %<extra>" + str(m) + "</extra>"))
    fig.update_layout(boxmode="group")
    fig.update_xaxes(title_text="forecast as % of the issue's scale", range=[-2, 102])
    return _layout(fig, 120 + 60 * len(order), "Forecast distributions over the uncertain inputs")


def tornado_fig(idx: pd.DataFrame, title: str) -> go.Figure:
    """Sobol indices of one issue: total (ST) and first-order (S1) per input, largest on top."""
    df = idx.iloc[::-1]
    fig = go.Figure()
    ylab = df["label"] if "label" in df else df["input"]
    fig.add_trace(go.Bar(x=df["ST"], y=ylab, orientation="h", name="total (ST)", marker_color="#1f4e9c",
                         error_x={"type": "data", "array": df["ST_conf"].fillna(0), "thickness": 1},
                         customdata=df["input"], hovertemplate="%{customdata}<br>ST=%{x:.3f}<extra></extra>"))
    fig.add_trace(go.Bar(x=df["S1"], y=ylab, orientation="h", name="first order (S1)",
                         marker_color="#e08a1e", error_x={"type": "data", "array": df["S1_conf"].fillna(0),
                                                          "thickness": 1},
                         customdata=df["input"], hovertemplate="%{customdata}<br>S1=%{x:.3f}<extra></extra>"))
    fig.update_layout(barmode="group", bargap=0.25)
    lo, hi, note = index_axis(df)
    fig.update_xaxes(title_text="Sobol index", range=[lo, hi])
    if note:
        fig.add_annotation(text=note, xref="paper", yref="paper", x=1, y=1.02, showarrow=False, xanchor="right",
                           yanchor="bottom", font={"size": 10, "color": "#a33"})
    fig.update_yaxes(automargin=True, tickfont={"size": 10})
    return _layout(fig, 110 + 34 * len(df), title)


def outcomes_fig(sc: Scenario, outcomes: pd.DataFrame, models: Sequence[str]) -> go.Figure:
    """For each outcome with a number: what happened (black bar) beside each model's forecast."""
    fig = go.Figure()
    num = outcomes[pd.to_numeric(outcomes["actual"], errors="coerce").notna()]
    labels = [f"{pretty(str(r['issue']))} ({r['id']})" for _, r in num.iterrows()]
    iss = {i.id: i for i in sc.issues}
    actual = [float(share(iss[r["issue"]], r["actual"])) for _, r in num.iterrows()]
    fig.add_trace(go.Scatter(x=actual, y=labels, mode="markers", name="what happened",
                             marker={"symbol": "line-ns-open", "size": 26, "color": "black",
                                     "line": {"width": 4, "color": "black"}},
                             customdata=num["actual"], hovertemplate="actual: %{customdata:.4g}<extra></extra>"))
    for k, m in enumerate(models):
        if m not in num:
            continue
        vals = pd.to_numeric(num[m], errors="coerce")
        x = [float(share(iss[r["issue"]], v)) if np.isfinite(v) else None
             for (_, r), v in zip(num.iterrows(), vals, strict=True)]
        fig.add_trace(go.Scatter(x=x, y=labels, mode="markers", name=m, customdata=vals,
                                 marker={"size": 11, "symbol": MODEL_SYMBOLS.get(m, "star"),
                                         "color": model_colour(m, k)},
                                 hovertemplate=f"{m}: %{{customdata:.4g}}<extra></extra>"))
    shown = [v for v in actual if np.isfinite(v)]
    fig.update_xaxes(title_text="position on the issue's scale (%; beyond 100 = past the scale's top)",
                     range=[min(-3.0, *(v - 3 for v in shown)), max(103.0, *(v + 3 for v in shown))])
    return _layout(fig, 130 + 50 * len(labels), "Forecasts against what happened")


def to_json(fig: go.Figure) -> str:
    """The figure as JSON for ``Plotly.newPlot`` (the plotly wheel's own encoder)."""
    return str(fig.to_json())


def has_rows(frame: pd.DataFrame | Mapping[str, Any] | None) -> bool:
    return frame is not None and len(frame) > 0
