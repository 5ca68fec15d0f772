"""``allied ledger FILE``: the alliance ledger, burden measures and exploitation tests (DESIGN §5)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from allied.cli import UsageError, check_format, console, guarded, load_scenario, print_json
from allied.cli.options import FormatOpt, SetOpt, ShortFileArg
from allied.cli.safe import safe


def register(app: typer.Typer) -> None:
    app.command("ledger")(ledger)


def _num(v: Any) -> str:
    if v is None or (isinstance(v, float) and v != v):
        return "—"
    return f"{v:,.4g}" if abs(v) < 1e4 else f"{v:,.0f}"


@guarded
def ledger(
    file: ShortFileArg,
    year: Annotated[int | None, typer.Option("--year", "-y", help="only this year")] = None,
    set_: SetOpt = None,
    format: FormatOpt = "table",
) -> None:
    """What the alliance costs and yields to each member, by year and lens (cash, economic, strategic,
    transactional); burden measures; exploitation tests (refused below 8 members).

    Example: allied ledger korea-2019 --year 2019
    """
    from allied.ledgers import run as run_ledger

    check_format(format, ("table", "json"))
    sc = load_scenario(file, set_)
    base = Path(file).parent if Path(file).exists() else None
    years = sorted({it.year for it in sc.alliance.items}) if sc.alliance is not None else []
    if year is not None and years and year not in years:
        raise UsageError(f"--year {year}: the alliance section has no items that year; years present: "
                         f"{', '.join(map(str, years))}")
    res = run_ledger(sc, year=year, base_dir=base)
    data = res.to_json()
    if format == "json":
        print_json(data)
        return
    t = Table(title=f"Alliance ledger: {sc.id} (− cost, + benefit to the viewpoint; * contested)")
    for col in ("year", "view", "lens", "item", "±value", "unit", f"{res.tables.reporting_unit}"):
        t.add_column(col, overflow="fold")
    for ln in data["lines"]:
        sign = ("−" if ln["effect"] == "cost" else "+") if ln["additive"] else ""
        t.add_row(str(ln["year"]), safe(ln["viewpoint"]), safe(ln["lens"]),
                  safe(ln["item"]) + (" *" if ln["contested"] else ""), sign + _num(ln["value"]), safe(ln["unit"]),
                  "" if ln["value_reporting"] is None else sign + _num(ln["value_reporting"]))
    console.print(t)
    tt = Table(title="Totals per year × viewpoint × lens (additive lines only)")
    for col in ("year", "viewpoint", "lens", "total", "unit", "lines", "missing"):
        tt.add_column(col)
    for r in res.totals.to_dict("records"):
        tt.add_row(str(r["year"]), safe(r["viewpoint"]), safe(r["lens"]), _num(r["total"]), safe(r["unit"] or ""),
                   str(r["lines"]), str(r["missing"]) if r["missing"] else "")
    console.print(tt)
    if len(res.missing):
        console.print("[bold]Missing (listed, never counted as zero):[/]")
        for r in res.missing.to_dict("records"):
            console.print(safe(f"  {r['year']} {r['member']}: {r['item']} — {r['reason']}"), highlight=False)
    for ln in data["lines"]:
        if ln["contested"] and ln["effect"] == "cost":
            console.print(safe(f"* {ln['item']}: {ln['contested']}"), highlight=False)
    for r in data["burden"]["from_items"]:
        console.print(safe(f"Host-nation support per hosted soldier, {r['year']} ({r['member']}): "
                           f"{_num(r['hns_per_soldier'])} {r['per_soldier_unit']}"), highlight=False)
    if data["burden"].get("warning"):
        console.print(f"[yellow]burden:[/] {safe(data['burden']['warning'])}", highlight=False)
    tests = data["tests"]
    if "warning" in tests:
        console.print(f"[yellow]exploitation tests:[/] {safe(tests['warning'])}", highlight=False)
    for y, res_y in tests.get("by_year", {}).items():
        if "warning" in res_y:
            console.print(f"[yellow]{y}:[/] {safe(res_y['warning'])}", highlight=False)
            continue
        parts = []
        for name in ("spearman", "kendall", "partial_spearman", "wilcoxon"):
            r = res_y.get(name, {})
            parts.append(f"{name} " + (f"{r['statistic']:.3f} (p={r['pvalue']:.3g})" if "statistic" in r
                                       else f"— {r.get('warning', '')}"))
        console.print(safe(f"{y} (n={res_y['n']}): " + "; ".join(parts)), highlight=False)
