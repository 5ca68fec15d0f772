"""Data preparation for the protocol, ledger and sweep results (their JSON contracts, DESIGN §5) → frames."""

from __future__ import annotations

from collections.abc import Mapping
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
    "stages": "stages",
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
    """Totals per year × viewpoint × lens (accepts a list of rows or nested mappings)."""
    tot = lj.get("totals")
    if isinstance(tot, list):
        return pd.DataFrame(tot)
    if isinstance(tot, Mapping):
        rows: list[dict[str, Any]] = []
        _flatten(tot, [], rows)
        return pd.DataFrame(rows)
    return pd.DataFrame()


def _flatten(node: Any, keys: list[str], rows: list[dict[str, Any]]) -> None:
    if isinstance(node, Mapping) and not any(k in node for k in ("total", "value")):
        for k, v in node.items():
            _flatten(v, [*keys, str(k)], rows)
    elif isinstance(node, Mapping):
        rows.append({**{f"key{i}": k for i, k in enumerate(keys)}, **{k: v for k, v in node.items()
                                                                      if not isinstance(v, Mapping | list)}})
    else:
        rows.append({**{f"key{i}": k for i, k in enumerate(keys)}, "total": node})


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
        return df
    return df.sort_values("ST", ascending=False, na_position="last").head(top).reset_index(drop=True)
