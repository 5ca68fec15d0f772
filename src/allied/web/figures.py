"""Plotly figures for the pages, and their safe embedding.

The report package (``allied.report``) owns the figures; where it offers one, the page uses it. The few
figures here are the web app's fallbacks while an engine's report figure is missing — plain plots of
numbers an engine already returned, no model logic.
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import plotly.graph_objects as go

_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026", 0x2028: "\\u2028", 0x2029: "\\u2029"}


def embed(fig: Any) -> str:
    """A figure as JSON for a ``data-figure`` attribute (the template escapes it; ``<``, ``>`` and ``&`` are
    also written as ``\\u`` escapes, so the text is inert anywhere in a page)."""
    from plotly.utils import PlotlyJSONEncoder

    data = fig.to_plotly_json() if hasattr(fig, "to_plotly_json") else fig
    return json.dumps(data, cls=PlotlyJSONEncoder).translate(_ESCAPES)


def _layout(fig: go.Figure, title: str, height: int = 360) -> go.Figure:
    fig.update_layout(title={"text": title, "x": 0.01, "font": {"size": 15}}, height=height,
                      margin={"l": 56, "r": 16, "t": 44, "b": 44}, template="plotly_white",
                      legend={"orientation": "h", "y": -0.22})
    return fig


def trajectories(frame: pd.DataFrame, issue: str, scale: tuple[float, float], title: str,
                 status_quo: float | None = None) -> go.Figure:
    """Each model's forecast by round on one issue (``frame`` as from ``allied.forecast``)."""
    fig = go.Figure()
    sub = frame[frame["issue"] == issue]
    for model, g in sub.groupby("model", sort=False):
        fig.add_trace(go.Scatter(x=g["round"], y=g["forecast"], mode="lines+markers", name=str(model)))
    if status_quo is not None:
        fig.add_hline(y=status_quo, line_dash="dot", line_color="#888", annotation_text="status quo")
    fig.update_yaxes(range=[scale[0], scale[1]], title=None)
    fig.update_xaxes(title="round", dtick=1 if sub["round"].max() <= 20 else None)
    return _layout(fig, title)


def finals(table: pd.DataFrame, scales: dict[str, tuple[float, float]]) -> go.Figure:
    """Final forecasts of every model on every issue, as a share of each issue's scale (0–100 %)."""
    fig = go.Figure()
    issues = list(table.index)
    for model in table.columns:
        y = [100 * (table.loc[i, model] - scales[i][0]) / (scales[i][1] - scales[i][0])
             if pd.notna(table.loc[i, model]) else None for i in issues]
        fig.add_trace(go.Scatter(x=y, y=issues, mode="markers", name=str(model), marker={"size": 10}))
    fig.update_xaxes(range=[-2, 102], title="forecast, % of the issue's scale")
    fig.update_yaxes(autorange="reversed")
    return _layout(fig, "Final forecasts, every model", height=80 + 34 * len(issues))


def bars(frame: pd.DataFrame, x: str, y: str, title: str, color: str | None = None) -> go.Figure:
    """A grouped bar chart of two columns of an engine's DataFrame."""
    fig = go.Figure()
    if color and color in frame:
        for name, g in frame.groupby(color, sort=False):
            fig.add_trace(go.Bar(x=g[x], y=g[y], name=str(name)))
        fig.update_layout(barmode="group")
    else:
        fig.add_trace(go.Bar(x=frame[x], y=frame[y]))
    return _layout(fig, title)


def histogram(values: pd.Series, title: str) -> go.Figure:
    fig = go.Figure(go.Histogram(x=values, nbinsx=40))
    return _layout(fig, title, height=280)


def distributions(frame: pd.DataFrame, order: list[str] | None = None, what: str = "forecast") -> go.Figure:
    """One histogram per issue of a sweep's values (columns ``issue``, ``value``)."""
    from plotly.subplots import make_subplots

    issues = [i for i in (order or list(dict.fromkeys(frame["issue"]))) if i in set(frame["issue"])][:12]
    cols = min(3, max(1, len(issues)))
    rows = -(-len(issues) // cols)
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=issues, vertical_spacing=0.12)
    for k, issue in enumerate(issues):
        fig.add_trace(go.Histogram(x=frame.loc[frame["issue"] == issue, "value"], nbinsx=40, name=issue,
                                   showlegend=False), row=k // cols + 1, col=k % cols + 1)
    return _layout(fig, f"Distribution of {what} over the samples", height=60 + 230 * rows)
