"""Python API of the ledger engine: one call from a scenario (or its ``alliance:`` section) to DataFrames.

``ledger("korea-2019")`` returns a :class:`LedgerResult` with ``lines``, ``totals``, ``missing`` (DataFrames),
``burden`` (panel measures and measures from the items), ``tests`` (exploitation tests, or a warning when
the alliance is too small) and :meth:`LedgerResult.to_json` (the ``allied ledger --format json`` object of
DESIGN §5).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from allied.errors import fail
from allied.ledgers.exploitation import MIN_MEMBERS, ExploitationWarning, exploitation_tests, refusal
from allied.ledgers.lines import LedgerTables, build_ledger
from allied.ledgers.loaders import panel_frame, read_panel_csv
from allied.ledgers.measures import Burden, burden_measures
from allied.scenario.sections.alliance import AllianceSection, parse_money_unit
from allied.serialise import jsonable


@dataclass
class LedgerResult:
    """Everything ``allied ledger`` shows, as DataFrames and dicts."""

    scenario: str | None
    members: list[str]
    patron: str | None
    tables: LedgerTables
    burden: Burden | None
    item_measures: pd.DataFrame
    tests: dict[str, Any]
    notes: list[str] = field(default_factory=list)

    @property
    def lines(self) -> pd.DataFrame:
        return self.tables.lines

    @property
    def totals(self) -> pd.DataFrame:
        return self.tables.totals

    @property
    def missing(self) -> pd.DataFrame:
        return self.tables.missing

    def frame(self) -> pd.DataFrame:
        """Tidy DataFrame, one row per ledger line (year × item × viewpoint × lens): ``year, item, from, to,
        viewpoint, lens, effect, value, unit, value_reporting, reporting_unit, signed, contested, quote``."""
        return self.lines.copy()

    def to_json(self) -> dict[str, Any]:
        """The JSON object of DESIGN §5 (NaN written as null)."""
        lines = [{
            "year": int(r["year"]), "item": r["item"], "kind": r["kind"], "from": r["from"], "to": r["to"],
            "value": _f(r["value"]), "unit": r["unit"], "range": _range(r), "lens": r["lens"],
            "viewpoint": r["viewpoint"], "effect": r["effect"], "value_reporting": _f(r["value_reporting"]),
            "reporting_unit": r["reporting_unit"], "signed": _f(r["signed"]), "additive": bool(r["additive"]),
            "evidence": {"source": r["source"], "quote": r["quote"], "note": r["note"]},
            "contested": r["contested"] if isinstance(r["contested"], str) else None,
        } for r in self.lines.to_dict("records")]
        totals: dict[str, Any] = {}
        for r in self.totals.to_dict("records"):
            slot = totals.setdefault(str(int(r["year"])), {}).setdefault(r["viewpoint"], {}).setdefault(
                r["lens"], {"values": {}, "lines": 0, "missing": int(r["missing"]), "complete": bool(r["complete"])})
            if isinstance(r["unit"], str):
                slot["values"][r["unit"]] = _f(r["total"])
            slot["lines"] += int(r["lines"])
        burden: dict[str, Any] = {"from_items": _records(self.item_measures)}
        if self.burden is None:
            burden["panel"] = None
            burden["warning"] = ("no ally-year panel (alliance.panel): defence/GDP, shares and broad burden "
                                 "need GDP and defence per ally and year")
        else:
            burden["panel"] = _records(self.burden.table)
            burden["missing"] = _records(self.burden.missing)
            burden["notes"] = self.burden.notes
        return jsonable({"scenario": self.scenario, "members": self.members, "patron": self.patron,
                "reporting_unit": self.tables.reporting_unit, "lines": lines, "totals": totals,
                "missing": _records(self.missing), "burden": burden, "tests": self.tests, "notes": self.notes})




def _f(x: Any) -> float | None:
    if x is None:
        return None
    v = float(x)
    return None if math.isnan(v) else v


def _range(r: dict[str, Any]) -> dict[str, float] | None:
    lo, hi = _f(r["low"]), _f(r["high"])
    if lo is None or hi is None or lo == hi:
        return None
    return {"low": lo, "high": hi}


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for rec in df.to_dict("records"):
        out.append({k: (None if isinstance(v, float) and math.isnan(v) else
                        int(v) if isinstance(v, np.integer) else float(v) if isinstance(v, np.floating) else v)
                    for k, v in rec.items()})
    return out


def alliance_of(source: Any) -> tuple[AllianceSection, str | None, Path | None]:
    """(section, scenario id, folder for relative panel paths) from a Scenario, section, dict, path or name."""
    if isinstance(source, AllianceSection):
        return source, None, None
    if isinstance(source, dict | list):
        return AllianceSection.model_validate(source), None, None
    base = None
    if isinstance(source, str | Path):
        from allied.scenario import load

        p = Path(source)
        base = p.parent if p.exists() else None
        source = load(source)
    section = getattr(source, "alliance", None)
    return (section if section is not None else AllianceSection()), getattr(source, "id", None), base


def load_panel(section: AllianceSection, base_dir: Path | None = None) -> pd.DataFrame | None:
    """The section's panel as a DataFrame (CSV path resolved against ``base_dir``), or None."""
    if section.panel is None:
        return None
    if isinstance(section.panel, str):
        p = Path(section.panel)
        if not p.is_absolute() and base_dir is not None:
            p = base_dir / p
        if not p.exists():
            raise fail(str(p), "alliance.panel", "panel CSV not found",
                       "give a path relative to the scenario file, or inline rows")
        return read_panel_csv(p, section.panel_unit)
    return panel_frame(section.panel)


def item_measures(tables: LedgerTables) -> pd.DataFrame:
    """Measures the items alone support: host-nation support per hosted soldier (reporting currency units)."""
    ln = tables.lines
    money = parse_money_unit(tables.reporting_unit)
    assert money is not None
    rows = []
    hns = ln[(ln["kind"] == "host_nation_support") & ln["signed"].notna() & (ln["effect"] == "cost")]
    troops = ln[(ln["kind"] == "troops") & ln["value"].notna()]
    for (year, payer), g in hns.groupby(["year", "viewpoint"]):
        t = troops[(troops["year"] == year) & ((troops["from"] == payer) | (troops["to"] == payer))]
        if t.empty:
            continue
        n = float(t.drop_duplicates("item")["value"].sum())
        total = float(g["value_reporting"].sum())
        cur, scale = money
        rows.append({"year": int(year), "member": payer, "hns": total, "unit": tables.reporting_unit,
                     "troops_hosted": n, "hns_per_soldier": total * scale / n,
                     "per_soldier_unit": f"{cur} per soldier"})
    return pd.DataFrame(rows, columns=["year", "member", "hns", "unit", "troops_hosted", "hns_per_soldier",
                                      "per_soldier_unit"])


def ledger(source: Any, year: int | None = None, base_dir: str | Path | None = None,
           min_members: int = MIN_MEMBERS, patron_spending: str = "total") -> LedgerResult:
    """Ledger lines, totals, missing items, burden measures and exploitation tests for ``source``."""
    section, sid, base = alliance_of(source)
    base_path = Path(base_dir) if base_dir is not None else base
    tables = build_ledger(section, year)
    members = section.all_members
    panel = load_panel(section, base_path)
    burden = None
    tests: dict[str, Any] = {"min_members": min_members, "members": len(members)}
    if panel is not None:
        if year is not None:
            panel = panel[panel["year"] == year]
        burden = burden_measures(panel, section.benefit_weights.model_dump(), section.patron, patron_spending)
    if len(members) < min_members:
        tests["warning"] = refusal(len(members), members, min_members)
    elif panel is None:
        tests["warning"] = "no ally-year panel (alliance.panel): the tests need GDP and defence per ally and year"
    else:
        assert burden is not None
        by_year = {}
        for y, g in panel.groupby("year", sort=True):
            ben = burden.table[burden.table["year"] == y].set_index("member")["benefit_share"]
            with warnings.catch_warnings():  # the refusal is carried in the result itself
                warnings.simplefilter("ignore", ExploitationWarning)
                by_year[str(int(y))] = exploitation_tests(g.set_index("member", drop=False), ben,
                                                          min_members=min_members)
        tests["by_year"] = by_year
    return LedgerResult(sid, members, section.patron, tables, burden, item_measures(tables), tests)
