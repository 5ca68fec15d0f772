"""Publication figures (matplotlib, PNG/SVG/PDF), one function per figure, drawing the same frames as the
interactive figures in :mod:`allied.report.figures`. No pyplot state: each function returns a ``Figure``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import wraps
from typing import Any, TypeVar

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from allied.report.prep import end_labels, index_axis
from allied.report.style import LENS_COLOURS, MPL_MARKERS, PLAYER_COLOURS, actor_colour, model_colour, palette, pretty
from allied.scenario.model import Scenario

_RC: dict[str, Any] = {"font.size": 9, "axes.spines.top": False, "axes.spines.right": False}
F = TypeVar("F", bound=Callable[..., Figure])


def _styled(fn: F) -> F:
    """Build the figure inside the report's matplotlib style (no global state changed)."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Figure:
        import matplotlib

        with matplotlib.rc_context(_RC):  # type: ignore[arg-type]
            return fn(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _t(text: object) -> str:
    """Text safe for matplotlib (a ``$`` would start mathtext: ``US$ million``)."""
    return str(text).replace("$", r"\$")


def _figure(w: float, h: float) -> Figure:
    return Figure(figsize=(w, h), layout="constrained")


@_styled
def trajectories(traj: pd.DataFrame, issue: Any) -> Figure:
    """Each actor's position by round, one panel per model that moves actors (static models dotted)."""
    rounds = traj.groupby("model")["round"].max()
    dynamic = [m for m in dict.fromkeys(traj["model"]) if rounds[m] > 0]
    static = [m for m in dict.fromkeys(traj["model"]) if rounds[m] == 0]
    panels = dynamic or static
    fig = _figure(2.6 * len(panels) + 1.2, 2.8)
    axes = fig.subplots(1, len(panels), sharey=True, squeeze=False)[0]
    actors = [a for a in dict.fromkeys(traj["actor"]) if a != "forecast"]
    for ax, m in zip(axes, panels, strict=True):
        sub = traj[traj.model == m]
        for k, a in enumerate(actors):
            s = sub[sub.actor == a]
            ax.plot(s["round"], s["position"], "-o", ms=2.5, lw=1.4, color=actor_colour(a, k), label=a)
        s = sub[sub.actor == "forecast"]
        ax.plot(s["round"], s["position"], "--", lw=2, color="black", label="forecast")
        if dynamic:
            for k, sm in enumerate(static):
                v = traj[(traj.model == sm) & (traj.actor == "forecast")]["position"]
                if len(v):
                    ax.axhline(v.iloc[0], ls=":", lw=1.2, color=model_colour(sm, k), label=sm)
        ax.set_title(m)
        ax.set_xlabel("round")
        ax.set_ylim(issue.lo - 0.03 * (issue.hi - issue.lo), issue.hi + 0.03 * (issue.hi - issue.lo))
    axes[0].set_ylabel(_t(f"{pretty(issue.id)}" + (f" ({issue.units})" if issue.units else "")))
    axes[-1].legend(loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False, fontsize=8)
    fig.suptitle(f"{pretty(issue.id)}: positions by round", fontsize=10)
    return fig


@_styled
def forecast_comparison(sc: Scenario, pos: pd.DataFrame) -> Figure:
    """Actors' positions and every model's final forecast, each issue on its own scale (0–100 %)."""
    issues = [i for i in sc.issues if i.id in set(pos["issue"])]
    fig = _figure(7.5, 0.55 * len(issues) + 1.4)
    ax = fig.subplots()
    y = {iss.id: len(issues) - 1 - n for n, iss in enumerate(issues)}
    for n, (who, s) in enumerate(pos[pos.kind == "actor"].groupby("who", sort=False)):
        ax.scatter(s["share"], [y[i] for i in s["issue"]], s=26, color=actor_colour(str(who), n), label=str(who),
                   zorder=3)
    for n, (who, s) in enumerate(pos[pos.kind == "model"].groupby("who", sort=False)):
        ax.scatter(s["share"], [y[i] for i in s["issue"]], s=60, marker=MPL_MARKERS.get(str(who), "*"),
                   facecolors="none" if MPL_MARKERS.get(str(who)) in ("D", "s", "^") else None,
                   color=model_colour(str(who), n), linewidths=1.6, label=f"model: {who}", zorder=4)
    ax.set_yticks(list(y.values()), [_t(f"{pretty(i.id)}\n{end_labels(i)[0][:22]} ↔ {end_labels(i)[1][:22]}")
                                     for i in issues], fontsize=7.5)
    ax.set_xlim(-3, 103)
    ax.set_xlabel("position on each issue's scale (%)")
    ax.grid(axis="x", alpha=0.3)
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False, fontsize=7.5)
    ax.set_title(_t(f"{sc.title}: positions and forecasts"), fontsize=10)
    return fig


@_styled
def protocol_comparison(frame: pd.DataFrame) -> Figure:
    """Players' values and the deal / exploitation probabilities under each protocol."""
    fig = _figure(9, 3.2)
    ax1, ax2 = fig.subplots(1, 2)
    x = np.arange(len(frame))
    vcols = [c for c in frame.columns if c.startswith("V ")]
    w = 0.8 / max(len(vcols), 1)
    for k, c in enumerate(vcols):
        ax1.bar(x + (k - (len(vcols) - 1) / 2) * w, frame[c], w, label=c[2:],
                color=PLAYER_COLOURS.get(c[2:], palette(k)))
    ax1.axhline(0, color="#444", lw=0.8)
    ax1.set_xticks(x, [_t(p) for p in frame["protocol"]], rotation=20, ha="right")
    ax1.set_title("players' values")
    ax1.legend(frameon=False, fontsize=7)
    keys = [(k, lab) for k, lab in (("p_full", "P(full deal)"), ("us_exploitation", "US exploited"),
                                    ("nk_exploitation", "N. Korea exploited")) if k in frame]
    w = 0.8 / max(len(keys), 1)
    for k, (key, lab) in enumerate(keys):
        ax2.bar(x + (k - (len(keys) - 1) / 2) * w, frame[key], w, label=lab, color=["#333", "#1f4e9c", "#c0392b"][k],
                hatch=["", "//", "xx"][k], edgecolor="white")
    ax2.set_ylim(0, 1)
    ax2.set_xticks(x, [_t(p) for p in frame["protocol"]], rotation=20, ha="right")
    ax2.set_title("outcome probabilities")
    ax2.legend(frameon=False, fontsize=7)
    return fig


@_styled
def tornado(idx: pd.DataFrame, title: str) -> Figure:
    """Sobol total (ST) and first-order (S1) indices of one issue's forecast, largest on top."""
    df = idx.iloc[::-1]
    fig = _figure(7, 0.32 * len(df) + 1.2)
    ax = fig.subplots()
    y = np.arange(len(df))
    ax.barh(y + 0.2, df["ST"], 0.4, xerr=df["ST_conf"].fillna(0), color="#1f4e9c", label="total (ST)")
    ax.barh(y - 0.2, df["S1"], 0.4, xerr=df["S1_conf"].fillna(0), color="#e08a1e", label="first order (S1)")
    ax.set_yticks(y, [_t(x) for x in (df["label"] if "label" in df else df["input"])], fontsize=7.5)
    ax.set_xlabel("Sobol index")
    lo, hi, note = index_axis(df)
    ax.set_xlim(lo, hi)
    if note:
        ax.text(1.0, 1.01, note, transform=ax.transAxes, ha="right", va="bottom", fontsize=7, color="#a33")
    ax.legend(frameon=False, fontsize=8)
    ax.set_title(_t(title), fontsize=10)
    return fig


@_styled
def ledger(money: pd.DataFrame) -> Figure:
    """Money lines of the alliance ledger: a row of panels per lens (own scale), a column per viewpoint."""
    viewpoints = list(dict.fromkeys(money["viewpoint"])) if "viewpoint" in money else ["all"]
    lenses = list(dict.fromkeys(money["lens"])) if "lens" in money else ["all"]
    counts = [max(1, int(money[money["lens"] == ln].groupby("viewpoint").size().max())) if "lens" in money
              else len(money) for ln in lenses]
    fig = _figure(4.0 * len(viewpoints) + 1.0, 0.32 * sum(counts) + 0.9 * len(lenses) + 0.6)
    axes = fig.subplots(len(lenses), len(viewpoints), squeeze=False, gridspec_kw={"height_ratios": counts})
    for r, ln in enumerate(lenses):
        span = float(money.loc[money["lens"] == ln, "amount"].abs().max()) if "lens" in money else 1.0
        for c, vp in enumerate(viewpoints):
            ax = axes[r][c]
            sub = money
            if "lens" in money:
                sub = sub[sub["lens"] == ln]
            if "viewpoint" in money:
                sub = sub[sub["viewpoint"] == vp]
            labels = [_t(f"{pretty(str(i))} ({y})") for i, y in zip(sub["item"], sub["year"], strict=True)]
            ax.barh(np.arange(len(sub)), sub["amount"], color=LENS_COLOURS.get(str(ln), "#888"))
            ax.set_yticks(np.arange(len(sub)), labels, fontsize=7.5)
            ax.set_xlim(-1.1 * span, 1.1 * span)
            ax.axvline(0, color="#444", lw=0.8)
            ax.set_title(_t(f"{vp}'s side · {ln}"), fontsize=9)
            if r == len(lenses) - 1:
                unit = sub["amount_unit"].iloc[0] if len(sub) else ""
                ax.set_xlabel(_t(f"{unit}: cost (−) / benefit (+)"))
    return fig


@_styled
def outcomes(sc: Scenario, frame: pd.DataFrame, models: Sequence[str]) -> Figure:
    """What happened beside each model's forecast, for outcomes with a number (issue scale %)."""
    num = frame[pd.to_numeric(frame["actual"], errors="coerce").notna()]
    fig = _figure(7, 0.45 * len(num) + 1.3)
    ax = fig.subplots()
    iss = {i.id: i for i in sc.issues}
    y = np.arange(len(num))[::-1]

    def pct(r: Any, v: float) -> float:
        i = iss[r["issue"]]
        return (float(v) - i.lo) / (i.hi - i.lo) * 100

    ax.scatter([pct(r, r["actual"]) for _, r in num.iterrows()], y, marker="|", s=300, color="black",
               label="what happened")
    for k, m in enumerate(models):
        if m in num:
            ax.scatter([pct(r, r[m]) for _, r in num.iterrows()], y, marker=MPL_MARKERS.get(m, "*"),
                       color=model_colour(m, k), label=m)
    ax.set_yticks(y, [f"{pretty(str(r['issue']))} ({r['id']})" for _, r in num.iterrows()], fontsize=7.5)
    ax.set_xlim(-3, 103)
    ax.set_xlabel("issue scale (%)")
    ax.legend(frameon=False, fontsize=7.5, loc="center left", bbox_to_anchor=(1.01, 0.5))
    return fig
