"""Data preparation for the protocol, ledger and sweep results (their JSON contracts, DESIGN §5) → frames."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

PLAYERS = ("USA", "ROK", "PRK-sincere", "PRK-stalling")

#: protocol metrics shown in the comparison table, with their headers
PROTOCOL_METRICS = {
    "p_full": "P(full deal)",
    "p_full_sincere": "P(full | sincere)",
    "p_full_stalling": "P(full | stalling)",
    "denuclearisation": "denuclearisation",
    "relief": "relief given",
    "us_exploitation": "US exploited",
    "nk_exploitation": "N. Korea exploited",
    "stages": "expected stages",
    "max_regret": "max regret",
}


def _num(v: Any) -> float:
    try:
        return float(v)
    except (TypeError, ValueError):
        return np.nan


# --- protocol ------------------------------------------------------------------------------------
def protocol_frame(pj: Mapping[str, Any]) -> pd.DataFrame:
    """One row per protocol: the outcome metrics and each player's value (``V USA`` …)."""
    rows = []
    for name, p in (pj.get("protocols") or {}).items():
        row: dict[str, Any] = {"protocol": name}
        by_type = p.get("p_full_by_type") or {}
        for key in PROTOCOL_METRICS:
            if key == "p_full_sincere":
                row[key] = _num(by_type.get("sincere"))
            elif key == "p_full_stalling":
                row[key] = _num(by_type.get("stalling"))
            else:
                v = p.get(key)
                row[key] = _num(v) if not isinstance(v, list) else float(len(v))
        for player, v in (p.get("values") or {}).items():
            row[f"V {player}"] = _num(v)
        rows.append(row)
    return pd.DataFrame(rows)


def beliefs_frame(pj: Mapping[str, Any]) -> pd.DataFrame:
    """``protocol, stage, belief`` — the on-path belief that North Korea is sincere, stage by stage."""
    rows = []
    for name, p in (pj.get("protocols") or {}).items():
        for k, b in enumerate(p.get("beliefs") or []):
            if isinstance(b, Mapping):
                stage = b.get("stage", k)
                mu = next((b[key] for key in ("mu", "belief", "posterior", "p_sincere") if key in b), np.nan)
            else:
                stage, mu = k, b
            rows.append({"protocol": name, "stage": _num(stage), "belief": _num(mu)})
    return pd.DataFrame(rows, columns=["protocol", "stage", "belief"])


def path_frame(pj: Mapping[str, Any]) -> pd.DataFrame:
    """The equilibrium path of every protocol, stage by stage (tranches, order, belief, each side's play)."""
    rows = []
    for name, p in (pj.get("protocols") or {}).items():
        for st in p.get("path") or []:
            if isinstance(st, Mapping):
                rows.append({"protocol": name, **{k: v for k, v in st.items() if not isinstance(v, Mapping | list)}})
    return pd.DataFrame(rows)


def first_choices(sweep: pd.DataFrame, players: Sequence[str] = ("USA", "ROK")) -> pd.DataFrame:
    """Per sample, each player's best protocol (highest value ``V_<player>``; ties go to the first listed):
    columns ``sample`` and one per player."""
    out = pd.DataFrame({"sample": sorted(sweep["sample"].unique())}).set_index("sample")
    for who in players:
        col = f"V_{who.replace('-', '_')}"
        if col not in sweep:
            continue
        wide = sweep.pivot_table(index="sample", columns="issue", values=col, aggfunc="first", sort=False)
        out[who] = wide.idxmax(axis=1)
    return out.reset_index()


def first_choice_shares(choices: pd.DataFrame) -> pd.DataFrame:
    """``player, protocol, share``: how often each protocol is each player's first choice over the sweep."""
    rows = []
    for who in [c for c in choices.columns if c != "sample"]:
        counts = choices[who].value_counts(normalize=True)
        rows += [{"player": who, "protocol": p, "share": float(v)} for p, v in counts.items()]
    return pd.DataFrame(rows, columns=["player", "protocol", "share"])


def rankings(pj: Mapping[str, Any]) -> dict[str, list[str]]:
    """Each ally's ranking of the protocols, best first."""
    out = {}
    for who, order in (pj.get("rankings") or {}).items():
        if isinstance(order, list):
            out[str(who)] = [str(x) if not isinstance(x, Mapping) else str(x.get("protocol", x)) for x in order]
    return out


# --- ledger --------------------------------------------------------------------------------------
def ledger_lines(lj: Mapping[str, Any]) -> pd.DataFrame:
    """The ledger's lines, flattened (evidence → ``source``, ``quote``)."""
    rows = []
    for line in lj.get("lines") or []:
        row = {k: v for k, v in line.items() if not isinstance(v, Mapping)}
        ev = line.get("evidence")
        if isinstance(ev, Mapping):
            row.setdefault("source", ev.get("source"))
            row.setdefault("quote", ev.get("quote"))
            row.setdefault("note", ev.get("note"))
        rows.append(row)
    return pd.DataFrame(rows)


def ledger_totals(lj: Mapping[str, Any]) -> pd.DataFrame:
    """Totals as rows ``year, viewpoint, lens, unit, total, lines, missing, complete``.

    Reads the ledger JSON's ``{year: {viewpoint: {lens: {"values": {unit: total}, "lines", "missing",
    "complete"}}}}``; a lens with no values gives one row with ``unit`` and ``total`` empty.
    """
    tot = lj.get("totals")
    if isinstance(tot, list):
        return pd.DataFrame(tot)
    rows: list[dict[str, Any]] = []
    for year, vps in (tot or {}).items():
        for vp, lenses in (vps or {}).items():
            for lens, cell in (lenses or {}).items():
                if not isinstance(cell, Mapping):
                    rows.append({"year": year, "viewpoint": vp, "lens": lens, "unit": None, "total": _num(cell)})
                    continue
                base = {"year": year, "viewpoint": vp, "lens": lens, "lines": cell.get("lines"),
                        "missing": cell.get("missing"), "complete": cell.get("complete")}
                values = cell.get("values") or ({cell.get("unit"): cell["total"]} if "total" in cell else {})
                if not values:
                    rows.append({**base, "unit": None, "total": np.nan})
                for unit, v in values.items():
                    rows.append({**base, "unit": unit, "total": _num(v)})
    return pd.DataFrame(rows, columns=["year", "viewpoint", "lens", "unit", "total", "lines", "missing",
                                       "complete"])


def totals_matrix(tot: pd.DataFrame, show_missing: bool = True) -> pd.DataFrame:
    """Viewpoint × lens rows, one column per year: each cell the totals with units, and ``n missing``."""
    if tot.empty:
        return tot
    rows: dict[tuple[str, str], dict[str, str]] = {}
    for (vp, lens, year), g in tot.groupby(["viewpoint", "lens", "year"], sort=False):
        vals = [f"{v:+,.6g} {u}" for u, v in zip(g["unit"], g["total"], strict=True) if pd.notna(v)]
        miss = int(pd.to_numeric(g["missing"], errors="coerce").fillna(0).max()) if "missing" in g else 0
        text = "; ".join(vals)
        if miss and show_missing:
            text = (text + "; " if text else "") + f"{miss} missing"
        rows.setdefault((str(vp), str(lens)), {})[str(year)] = text or "–"
    years = sorted({str(y) for y in tot["year"]})
    return pd.DataFrame([{"viewpoint": vp, "lens": lens, **{y: cells.get(y, "–") for y in years}}
                         for (vp, lens), cells in rows.items()])


def ledger_warnings(lj: Mapping[str, Any]) -> list[str]:
    """Every ``warning``/``warnings`` text anywhere in the ledger's tests and burden results."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, Mapping):
            for k, v in node.items():
                if k in ("warning", "warnings", "refusal") and v:
                    found.extend([v] if isinstance(v, str) else [str(x) for x in v])
                else:
                    walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(lj.get("tests"))
    walk(lj.get("burden"))
    walk(lj.get("warnings"))
    return list(dict.fromkeys(found))


def both_sides(lines: pd.DataFrame) -> pd.DataFrame:
    """One row per item and year with each member's side of it (``cost`` / ``benefit``) in its own column."""
    if lines.empty or "viewpoint" not in lines:
        return lines
    keys = [c for c in ("year", "item") if c in lines]
    first = lines.drop_duplicates(keys).set_index(keys)
    sides = lines.pivot_table(index=keys, columns="viewpoint", values="effect", aggfunc="first")
    sides.columns = [f"side {c}" for c in sides.columns]
    out = first.drop(columns=[c for c in ("viewpoint", "effect") if c in first]).join(sides)
    return out.reset_index().sort_values(keys).reset_index(drop=True)


def money_lines(lines: pd.DataFrame) -> pd.DataFrame:
    """Lines that carry money in the reporting unit, signed from each viewpoint (cost < 0 < benefit)."""
    if lines.empty:
        return lines
    df = lines.copy()
    val = "value_reporting" if "value_reporting" in df else "value"
    if "signed" in df and df["signed"].notna().any():
        df["amount"] = pd.to_numeric(df["signed"], errors="coerce")
    else:
        sign = np.where(df.get("effect", pd.Series("benefit", index=df.index)).astype(str).str.startswith("cost"),
                        -1.0, 1.0)
        df["amount"] = pd.to_numeric(df[val], errors="coerce") * sign
    unit_col = "reporting_unit" if "reporting_unit" in df else "unit"
    df["amount_unit"] = df[unit_col]
    if "additive" in df:
        df = df[df["additive"].fillna(True).astype(bool)]
    money = df["amount_unit"].astype(str).str.contains(r"\$|USD|EUR|KRW|won|dollar", case=False, regex=True)
    return df[money & df["amount"].notna()]


# --- sweep and sensitivity -----------------------------------------------------------------------
def sweep_summary(df: pd.DataFrame) -> pd.DataFrame:
    """mean, sd, p05, p50, p95 of the forecast per model and issue."""
    if df.empty:
        return df
    g = df.groupby(["model", "issue"])["forecast"]
    out = pd.DataFrame({"mean": g.mean(), "sd": g.std(), "p05": g.quantile(0.05), "p50": g.quantile(0.5),
                        "p95": g.quantile(0.95), "samples": g.size()})
    return out.reset_index()


def input_label(path: str, issue: str | None = None) -> str:
    """A short name for an input path within one issue's chart: ``stances.USA.x.position`` → ``USA position``,
    ``actors.CHN.capability`` → ``CHN capability``; other paths unchanged."""
    parts = path.split(".")
    if parts[0] == "stances" and len(parts) == 4:
        return f"{parts[1]} {parts[3]}" if parts[2] == issue else f"{parts[1]} {parts[2]} {parts[3]}"
    if parts[0] == "actors" and len(parts) == 3:
        return f"{parts[1]} {parts[2]}"
    return path


def indices_frame(sj: Mapping[str, Any], issue: str, top: int = 10) -> pd.DataFrame:
    """Sobol indices of one issue, the ``top`` inputs by total index (Morris ``mu_star`` accepted)."""
    idx = ((sj.get("issues") or {}).get(issue) or {}).get("indices") or {}
    rows = []
    for name, d in idx.items():
        if not isinstance(d, Mapping):
            continue
        rows.append({"input": name, "S1": _num(d.get("S1", d.get("mu_star"))),
                     "S1_conf": _num(d.get("S1_conf", d.get("mu_star_conf"))),
                     "ST": _num(d.get("ST", d.get("mu_star"))), "ST_conf": _num(d.get("ST_conf", d.get("sigma")))})
    df = pd.DataFrame(rows, columns=["input", "S1", "S1_conf", "ST", "ST_conf"])
    if df.empty:
        return df.assign(label=[])
    df["label"] = [input_label(n, issue) for n in df["input"]]
    df = df.sort_values("ST", ascending=False, na_position="last").head(top)
    big = df["ST"].fillna(0).max()
    keep = (df["ST"].fillna(0) >= 0.01 * big) | (np.arange(len(df)) < 3)
    return df[keep].reset_index(drop=True)
