"""Burden-sharing measures per ally-year from a panel (Sandler & Hartley 2001, JEL 39; Sandler & Shimizu 2014).

* ``defence_gdp``: defence / GDP.
* ``defence_share`` and ``gdp_share``: an ally's share of the alliance's defence spending and GDP that year;
  ``share_ratio`` = defence_share / gdp_share (> 1: carries more than its economic weight).
* ``broad_burden``: (defence + host-nation support cash + in kind + peacekeeping + aid) / GDP, over the
  components the panel has (a component column absent from the whole panel is named in ``notes``; a value
  missing for one ally makes that ally's broad burden missing, never zero).
* ``benefit_share``: user-weighted mean of GDP, population and exposure shares (the benefit principle).
* ``hns_per_soldier``: host-nation support (cash + in kind) per foreign soldier hosted;
  ``hns_stationing_share``: host-nation support over the patron's stationing cost.

When the patron's ``theatre_spending`` is given, ``patron_spending="theatre"`` uses it instead of its
total defence spending (an explicit assumption: only the theatre share defends these allies).
All shares within a year sum to 1 over the allies with data.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

PANEL_COLUMNS = ["member", "year", "gdp", "defence", "population", "exposure", "hns_cash", "hns_in_kind",
                 "troops_hosted", "arms_purchases", "trade_balance", "peacekeeping", "aid", "stationing_cost",
                 "theatre_spending"]
BROAD = ["defence", "hns_cash", "hns_in_kind", "peacekeeping", "aid"]


@dataclass
class Burden:
    """Per ally-year measures and what could not be computed."""

    table: pd.DataFrame
    missing: pd.DataFrame
    notes: list[str] = field(default_factory=list)


def shares(values: np.ndarray) -> np.ndarray:
    """Each entry's share of its row total along the last axis (NaN entries excluded and stay NaN)."""
    v = np.asarray(values, dtype=float)
    tot = np.nansum(v, axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return v / tot


def burden_measures(panel: pd.DataFrame, weights: dict[str, float] | None = None, patron: str | None = None,
                    patron_spending: str = "total") -> Burden:
    """Burden measures for every ally-year of ``panel`` (columns of :data:`PANEL_COLUMNS`; extras ignored)."""
    p = panel.copy()
    for col in PANEL_COLUMNS:
        if col not in p:
            p[col] = np.nan
    notes: list[str] = []
    absent = [c for c in PANEL_COLUMNS[2:] if c not in panel.columns or panel[c].isna().all()]
    if absent:
        notes.append("not in the panel: " + ", ".join(absent))
    if patron_spending == "theatre" and patron is not None:
        sel = (p["member"] == patron) & p["theatre_spending"].notna()
        p.loc[sel, "defence"] = p.loc[sel, "theatre_spending"]
        notes.append(f"{patron}'s defence is its theatre-allocated spending (assumption)")
    w = {"gdp": 1.0, "population": 1.0, "exposure": 1.0, **(weights or {})}
    rows = []
    for _, g in p.groupby("year", sort=True):
        g = g.copy()
        g["defence_gdp"] = g["defence"] / g["gdp"]
        g["defence_share"] = shares(g["defence"].to_numpy(float))
        g["gdp_share"] = shares(g["gdp"].to_numpy(float))
        g["share_ratio"] = g["defence_share"] / g["gdp_share"]
        present = [c for c in BROAD if c not in absent]
        g["broad_burden"] = g[present].sum(axis=1, min_count=len(present)).where(
            g[present].notna().all(axis=1)) / g["gdp"]
        parts: np.ndarray | float = 0.0
        wsum = 0.0
        for key, col in (("gdp", "gdp"), ("population", "population"), ("exposure", "exposure")):
            if w[key] > 0 and col not in absent:
                parts = parts + w[key] * shares(g[col].to_numpy(float))
                wsum += w[key]
        g["pop_share"] = shares(g["population"].to_numpy(float))
        g["exposure_share"] = shares(g["exposure"].to_numpy(float))
        g["benefit_share"] = parts / wsum if wsum > 0 else np.nan
        hns = g["hns_cash"] if "hns_in_kind" in absent else g["hns_cash"] + g["hns_in_kind"]
        g["hns_per_soldier"] = hns / g["troops_hosted"].where(g["troops_hosted"] > 0)
        g["hns_stationing_share"] = hns / g["stationing_cost"].where(g["stationing_cost"] > 0)
        rows.append(g)
    cols = ["member", "year", "defence_gdp", "defence_share", "gdp_share", "share_ratio", "broad_burden",
            "pop_share", "exposure_share", "benefit_share", "hns_per_soldier", "hns_stationing_share"]
    table = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=cols)
    miss = []
    for col in ("gdp", "defence"):
        for m, y in zip(p.loc[p[col].isna(), "member"], p.loc[p[col].isna(), "year"], strict=True):
            miss.append({"year": y, "member": m, "field": col, "reason": f"{col} missing for {m} in {y}"})
    return Burden(table[cols].reset_index(drop=True),
                  pd.DataFrame(miss, columns=["year", "member", "field", "reason"]), notes)
