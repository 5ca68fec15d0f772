"""The alliance ledger: one line per item × viewpoint, grouped by year and lens, with totals and missing items.

The article's "cost-benefit framework" of alliances (Mishra 2019) made explicit and shown from each member's
side: an item given by ``from`` to ``to`` is a *cost* on the giver's ledger and a *benefit* on the receiver's.
Four lenses: ``cash`` (money paid for the alliance: host-nation support, stationing cost), ``economic``
(arms purchases, in-kind support, tariff threats), ``strategic`` (troops, defence and theatre spending) and
``transactional`` (what only a transactional accounting counts as a cost — a bilateral trade deficit, which
trade economics does not treat as a loss; such lines carry a ``contested`` note). Totals sum additive lines
per year × viewpoint × lens × unit, money converted to the reporting unit with the exchange rates given in
the file. Unknown values, unconvertible money and expected items that are absent are listed as missing,
never counted as zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from allied.ledgers.money import to_reporting
from allied.scenario.sections.alliance import DEFAULT_LENS, AllianceItem, AllianceSection, parse_money_unit
from allied.scenario.uncertain import Uncertain, point

if TYPE_CHECKING:  # pandas loads with the tables, not with resolve() (a sweep's batched ledger needs none)
    import pandas as pd

#: kinds each ally (non-patron member) is expected to report per year when the section names a patron
DEFAULT_EXPECTED: tuple[str, ...] = ("host_nation_support", "troops", "arms_purchases", "trade_balance")

LINE_COLUMNS = ["year", "item", "kind", "from", "to", "viewpoint", "effect", "lens", "value", "low", "high",
                "unit", "value_reporting", "reporting_unit", "signed", "total_unit", "additive",
                "source", "quote", "note", "contested"]
TOTAL_COLUMNS = ["year", "viewpoint", "lens", "unit", "total", "lines", "missing", "complete"]
MISSING_COLUMNS = ["year", "member", "counterpart", "item", "kind", "lens", "reason"]


@dataclass(frozen=True)
class Resolved:
    """An item with its kind, lens, money scale and exchange rate resolved (or why not)."""

    index: int
    item: AllianceItem
    kind: str
    lens: str
    additive: bool
    scale: float | None  # magnitude of the item's money unit, None when not money
    currency: str | None
    rate: float | Uncertain | None  # units of currency per reporting unit; None = same currency or not money
    problem: str | None  # why the value cannot be counted (missing value or rate)


def resolve(section: AllianceSection) -> list[Resolved]:
    """Resolve every item of the section (kind, lens, money, exchange rate, missing reasons)."""
    rep = parse_money_unit(section.reporting_unit)
    assert rep is not None
    out: list[Resolved] = []
    for n, it in enumerate(section.items):
        money = it.money
        rate: float | Uncertain | None = None
        problem = None
        if it.value is None:
            problem = "value unknown (null in the file)"
        if money is not None and money[0] != section.reporting_currency:
            rate = it.exchange_rate if it.exchange_rate is not None else section.rate(money[0], it.year)
            if rate is None and problem is None:
                problem = (f"no exchange rate for {money[0]} in {it.year}: add 'exchange_rate' to the item or "
                           f"to alliance.exchange_rates")
        out.append(Resolved(n, it, it.resolved_kind, it.resolved_lens, it.is_additive,
                            money[1] if money else None, money[0] if money else None, rate, problem))
    return out


@dataclass
class LedgerTables:
    """Ledger lines, totals and missing items as DataFrames (columns: LINE/TOTAL/MISSING_COLUMNS)."""

    lines: pd.DataFrame
    totals: pd.DataFrame
    missing: pd.DataFrame
    reporting_unit: str
    notes: list[str] = field(default_factory=list)


def _bounds(v: Any) -> tuple[float, float]:
    if isinstance(v, Uncertain):
        return v.bounds()
    return (float(v), float(v)) if v is not None else (np.nan, np.nan)


def build_ledger(section: AllianceSection, year: int | None = None,
                 expected: tuple[str, ...] | list[str] | None = None) -> LedgerTables:
    """Lines per item × viewpoint, totals per year × viewpoint × lens × unit, and the missing items."""
    rep = parse_money_unit(section.reporting_unit)
    assert rep is not None
    rows: list[dict[str, Any]] = []
    missing: list[dict[str, Any]] = []
    for r in resolve(section):
        it = r.item
        if year is not None and it.year != year:
            continue
        v = point(it.value)
        lo, hi = _bounds(it.value)
        value_rep = np.nan
        if r.problem is None and r.scale is not None and v is not None:
            value_rep = float(to_reporting(v, r.scale, point(r.rate), rep[1]))
        money = r.scale is not None
        counted = r.problem is None and r.additive
        for viewpoint, effect, sign in ((it.from_, "cost", -1.0), (it.to, "benefit", 1.0)):
            base = value_rep if money else (v if v is not None else np.nan)
            rows.append({
                "year": it.year, "item": it.item, "kind": r.kind, "from": it.from_, "to": it.to,
                "viewpoint": viewpoint, "effect": effect, "lens": r.lens,
                "value": v if v is not None else np.nan, "low": lo, "high": hi, "unit": it.unit,
                "value_reporting": value_rep, "reporting_unit": section.reporting_unit if money else None,
                "signed": sign * base if counted else np.nan,
                "total_unit": (section.reporting_unit if money else it.unit) if r.additive else None,
                "additive": r.additive,
                "source": it.evidence.source if it.evidence else None,
                "quote": it.evidence.quote if it.evidence else None,
                "note": it.evidence.note if it.evidence else None,
                "contested": it.contested,
            })
        if r.problem is not None:
            missing.append({"year": it.year, "member": it.from_, "counterpart": it.to, "item": it.item,
                            "kind": r.kind, "lens": r.lens, "reason": r.problem})
    missing.extend(_absent(section, year, expected))
    import pandas as pd

    lines = pd.DataFrame(rows, columns=LINE_COLUMNS)
    miss = pd.DataFrame(missing, columns=MISSING_COLUMNS)
    return LedgerTables(lines, _totals(lines, miss), miss, section.reporting_unit)


def _absent(section: AllianceSection, year: int | None,
            expected: tuple[str, ...] | list[str] | None) -> list[dict[str, Any]]:
    """Expected kinds with no item for an ally-year (only when a patron or an explicit list is given)."""
    kinds = list(expected) if expected is not None else (
        list(section.expected) if section.expected is not None else
        (list(DEFAULT_EXPECTED) if section.patron else []))
    if not kinds:
        return []
    years = [year] if year is not None else section.years
    allies = [m for m in section.all_members if m != section.patron]
    present = {(it.year, who, it.resolved_kind) for it in section.items for who in (it.from_, it.to)}
    out = []
    for y in years:
        for m in allies:
            for k in kinds:
                if (y, m, k) not in present:
                    out.append({"year": y, "member": m, "counterpart": section.patron, "item": k, "kind": k,
                                "lens": DEFAULT_LENS[k], "reason": f"no {k} item for {m} in {y}"})
    return out


def _totals(lines: pd.DataFrame, missing: pd.DataFrame) -> pd.DataFrame:
    """Sum counted lines per year × viewpoint × lens × unit; count missing items touching each group."""
    import pandas as pd

    counted = lines[lines["signed"].notna()]
    if counted.empty:
        tot = pd.DataFrame(columns=["year", "viewpoint", "lens", "unit", "total", "lines"])
    else:
        tot = (counted.groupby(["year", "viewpoint", "lens", "total_unit"], sort=True)["signed"]
               .agg(["sum", "count"]).reset_index()
               .rename(columns={"total_unit": "unit", "sum": "total", "count": "lines"}))
    groups = {(y, v, ln) for y, v, ln in zip(lines["year"], lines["viewpoint"], lines["lens"], strict=True)}
    for y, m, c, ln in zip(missing["year"], missing["member"], missing["counterpart"], missing["lens"],
                           strict=True):
        groups.add((y, m, ln))
        if c is not None:
            groups.add((y, c, ln))
    have = set(zip(tot["year"], tot["viewpoint"], tot["lens"], strict=True))
    extra = [{"year": y, "viewpoint": v, "lens": ln, "unit": None, "total": np.nan, "lines": 0}
             for (y, v, ln) in sorted(groups - have)]
    if extra:
        tot = pd.concat([tot, pd.DataFrame(extra)], ignore_index=True) if len(tot) else pd.DataFrame(extra)
    n_missing = []
    for y, v, ln in zip(tot["year"], tot["viewpoint"], tot["lens"], strict=True):
        sel = (missing["year"] == y) & (missing["lens"] == ln) & (
            (missing["member"] == v) | (missing["counterpart"] == v))
        n_missing.append(int(sel.sum()))
    tot["missing"] = n_missing
    tot["complete"] = tot["missing"] == 0
    tot["lines"] = tot["lines"].astype(int)
    return tot.sort_values(["year", "viewpoint", "lens"], kind="stable").reset_index(drop=True)[TOTAL_COLUMNS]
