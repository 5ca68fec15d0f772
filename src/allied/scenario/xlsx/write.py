"""Write a scenario as an .xlsx workbook (``allied export FILE --to xlsx -o case.xlsx``).

Sheets: ``instructions``, ``scenario`` (one ``field``/``value`` row per single value, sections' settings as
dotted names such as ``alliance.patron``), one sheet per list (``actors``, ``issues``, ``stances``,
``sources``, ``outcomes``, ``alliance`` for ``alliance.items``, …) and ``evidence`` (one row per figure's
evidence, keyed by sheet and entry). The layout follows the model (:mod:`allied.scenario.xlsx.layout`).

Text is always stored as text: a quote that begins with ``=``, ``+``, ``-`` or ``@`` is written with the
quote-prefix flag, never as a formula.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from pydantic import BaseModel

from allied.scenario.fields import Evidence
from allied.scenario.model import Scenario
from allied.scenario.xlsx.layout import SHEET_ORDER, VALUE_PARTS, choose, entry_key, fields, key_scheme, sheet_name

#: numeric bounds checked by the scenario validator, offered to the spreadsheet as data validation
BOUNDS: dict[str, tuple[float | None, float | None]] = {"salience": (0, 100), "capability": (0, None)}
REF_SHEETS = {"actor": "actors", "issue": "issues", "source": "sources"}
FORMULA_START = ("=", "+", "-", "@")

INSTRUCTIONS = """\
Allied scenario workbook. Edit it in any spreadsheet program, then read it wherever Allied reads a
scenario: `allied validate case.xlsx`, `allied forecast case.xlsx`, or upload it in the web app.

Sheets
- scenario: one value per row (field, value); section settings use dotted names, e.g. alliance.patron.
- actors, issues, stances, sources, outcomes, alliance (the ledger items): one row per entry, one column
  per field. Leave a cell empty for "not given". Empty rows are ignored.
- evidence: the evidence behind figures. 'sheet' and 'key' name the row it supports: the id for actors,
  issues and sources; ACTOR/ISSUE for stances (e.g. USA/sanctions_relief); the item name for alliance items.

Numbers and ranges
- A column 'position' holds a plain number. For a range fill 'position.low' and 'position.high'
  (uniform); add 'position' as the most likely value (triangular). A normal range: 'position' is the mean
  and 'position.sd' its standard deviation.
- Lists and mappings (e.g. labels, aliases) are written as YAML flow text: [USA, ROK] or {0: none, 100: all}.

Checks
- Drop-downs offer the actor, issue and source ids; salience must lie in 0..100 and capability be 0 or more.
- Allied reports every problem with its place, e.g. case.xlsx!stances!D14, and the fix.
"""


@dataclass
class Sheet:
    name: str
    path: str
    model: type[BaseModel]
    entries: list[dict[str, Any]]
    columns: list[str] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)


def flow(v: Any) -> str:
    """YAML flow text of a list or mapping (one line)."""
    return yaml.safe_dump(v, default_flow_style=True, allow_unicode=True, width=10**9, sort_keys=False).strip()


def put_flat(cells: dict[str, Any], h: str, k: str, v: Any) -> None:
    """The cell(s) of one field ``h`` of kind ``k`` holding data ``v``."""
    if k == "value" and isinstance(v, dict):
        point = v.get("mode", v.get("mean"))
        if point is not None:
            cells[h] = point
        for part in VALUE_PARTS:
            if v.get(part) is not None:
                cells[f"{h}.{part}"] = v[part]
    elif k == "pair" and isinstance(v, list | tuple) and len(v) == 2:
        cells[f"{h}.low"], cells[f"{h}.high"] = v[0], v[1]
    elif k in ("value", "scalar") and not isinstance(v, dict | list | tuple):
        cells[h] = v
    else:
        cells[h] = flow(v)


def flatten(model: type[BaseModel], entry: dict[str, Any], prefix: str = "") -> tuple[dict[str, Any], Any]:
    """(cells by column, the entry's own evidence or None) of one row."""
    cells: dict[str, Any] = {}
    evidence = None
    for key, k, _, ann in fields(model):
        if key not in entry or entry[key] is None:
            continue
        v, h = entry[key], prefix + key
        if k == "evidence" and not prefix:
            evidence = v
        elif k in ("model", "evidence") and isinstance(v, dict):
            cells.update(flatten(choose(ann, v), v, h + ".")[0])
        else:
            put_flat(cells, h, k, v)
    return cells, evidence


def columns(model: type[BaseModel], prefix: str = "", top: bool = True) -> list[str]:
    """The columns a sheet of ``model`` rows offers (value fields with their low/high columns)."""
    out: list[str] = []
    for key, k, sub, _ in fields(model):
        h = prefix + key
        if k == "evidence" and top:
            continue
        if k in ("model", "evidence"):
            out += columns(sub, h + ".", top=False)
        elif k == "value":
            out += [h, f"{h}.low", f"{h}.high"]
        elif k == "pair":
            out += [f"{h}.low", f"{h}.high"]
        else:
            out.append(h)
    return out


def collect(model: type[BaseModel], data: dict[str, Any], prefix: str, kv: dict[str, Any],
            sheets: list[Sheet]) -> None:
    """Single values into ``kv`` (the scenario sheet) and lists of mappings into ``sheets``."""
    for key, k, sub, ann in fields(model):
        path = prefix + key
        if k == "rows":
            v = data.get(key)
            sheets.append(Sheet(sheet_name(path), path, sub, list(v) if isinstance(v, list) else []))
            if v is not None and not isinstance(v, list):  # the field's other form, e.g. a file name
                kv[path] = v if not isinstance(v, dict) else flow(v)
            continue
        if k == "model":
            v = data.get(key)
            sub = choose(ann, v) if isinstance(v, dict) else sub
            collect(sub, v if isinstance(v, dict) else {}, path + ".", kv, sheets)
            if v is not None and not isinstance(v, dict):
                kv[path] = flow(v)
            continue
        if key in data and data[key] is not None:
            put_flat(kv, path, k, data[key])


def _put(ws: Worksheet, row: int, col: int, v: Any) -> None:
    cell = ws.cell(row=row, column=col)
    if isinstance(v, str):
        cell.value = v
        cell.data_type = "s"  # never a formula, whatever the text starts with
        if v.startswith(FORMULA_START):
            cell.quotePrefix = True
    elif isinstance(v, dt.date):
        cell.value = v
        cell.number_format = "yyyy-mm-dd"
    else:
        cell.value = v


def _table(ws: Worksheet, header: list[str], rows: list[list[Any]]) -> None:
    for c, h in enumerate(header, 1):
        _put(ws, 1, c, h)
        ws.cell(row=1, column=c).font = Font(bold=True)
    for r, values in enumerate(rows, 2):
        for c, v in enumerate(values, 1):
            if v is not None:
                _put(ws, r, c, v)
    ws.freeze_panes = "A2"
    for c, h in enumerate(header, 1):
        longest = max([len(h)] + [len(str(v[c - 1])) for v in rows[:200] if v[c - 1] is not None])
        ws.column_dimensions[get_column_letter(c)].width = min(max(longest + 2, 8), 60)


def _validations(ws: Worksheet, header: list[str], model: type[BaseModel] | None, id_cols: dict[str, str],
                 last: int) -> None:
    """Drop-downs of ids and numeric bounds on a sheet's columns."""
    limits = {}
    if model is not None:
        for name, f in model.model_fields.items():
            lo = next((m.ge for m in f.metadata if getattr(m, "ge", None) is not None), None)
            hi = next((m.le for m in f.metadata if getattr(m, "le", None) is not None), None)
            if lo is not None or hi is not None:
                limits[f.alias or name] = (lo, hi)
    for c, h in enumerate(header, 1):
        col = get_column_letter(c)
        rng = f"{col}2:{col}{last}"
        base = h.split(".")[-2] if h.endswith((".low", ".high", ".sd")) else h.split(".")[-1]
        is_ref = base in ("actor", "issue") or (base == "source" and ws.title == "evidence")
        if is_ref and h == base and REF_SHEETS[base] in id_cols:
            dv = DataValidation(type="list", formula1=id_cols[REF_SHEETS[base]], allow_blank=True,
                                showErrorMessage=True, errorTitle=f"unknown {base}",
                                error=f"choose an id listed on the {REF_SHEETS[base]} sheet")
        elif base in BOUNDS or base in limits:
            lo, hi = BOUNDS.get(base) or limits[base]
            if h.endswith(".sd"):
                lo, hi = 0, None
            if lo is not None and hi is not None:
                dv = DataValidation(type="decimal", operator="between", formula1=str(lo), formula2=str(hi))
                dv.error = f"{base} is a number from {lo:g} to {hi:g}"
            else:
                dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1=str(lo))
                dv.error = f"{base} is a number, {lo:g} or more"
            dv.allow_blank, dv.showErrorMessage, dv.errorTitle = True, True, f"{base} out of bounds"
        else:
            continue
        ws.add_data_validation(dv)
        dv.add(rng)


def build(sc: Scenario) -> Workbook:
    from allied.scenario.writer import to_data

    data = to_data(sc, json_safe=False)
    kv: dict[str, Any] = {}
    sheets: list[Sheet] = []
    collect(Scenario, data, "", kv, sheets)
    ev_rows: list[dict[str, Any]] = []
    ev_model: type[BaseModel] = Evidence
    for sh in sheets:
        keys = {key for key, *_ in fields(sh.model)}
        scheme = key_scheme(sh.entries, keys)
        sh.columns = columns(sh.model)
        for n, entry in enumerate(sh.entries, 1):
            cells, ev = flatten(sh.model, entry)
            sh.rows.append(cells)
            key = entry_key(entry, scheme) if scheme else None
            if ev is not None:
                ev_rows.append({"sheet": sh.name, "key": key or f"#{n}", **flatten(ev_model, ev)[0]})
            for h in cells:
                if h not in sh.columns:
                    _insert(sh.columns, h)
        ev_model = next((sub for _, k, sub, _ in fields(sh.model) if k == "evidence"), ev_model)

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "instructions"
    for r, line in enumerate(INSTRUCTIONS.splitlines(), 1):
        _put(ws, r, 1, line)
    ws.column_dimensions["A"].width = 110
    ws["A1"].font = Font(bold=True, size=13)

    ws = wb.create_sheet("scenario")
    _table(ws, ["field", "value"], [[k, v] for k, v in kv.items()])
    for row in ws.iter_rows(min_row=2, min_col=2, max_col=2):
        row[0].alignment = Alignment(wrap_text=False)

    by_name = {sh.name: sh for sh in sheets}
    ev_cols = ["sheet", "key"] + [c for c in columns(ev_model, top=False)]
    for ev_row in ev_rows:
        for h in ev_row:
            if h not in ev_cols:
                ev_cols.append(h)
    order = [n for n in SHEET_ORDER if n in by_name or n == "evidence"]
    order += [sh.name for sh in sheets if sh.name not in order]
    id_cols: dict[str, str] = {}
    for name in ("actors", "issues", "sources"):
        ref = by_name.get(name)
        if ref is not None and "id" in ref.columns:
            col = get_column_letter(ref.columns.index("id") + 1)
            id_cols[name] = f"{quote_sheetname(name)}!${col}$2:${col}$2000"
    for name in order:
        ws = wb.create_sheet(name)
        if name == "evidence":
            _table(ws, ev_cols, [[r.get(h) for h in ev_cols] for r in ev_rows])
            _validations(ws, ev_cols, ev_model, id_cols, max(1000, len(ev_rows) + 500))
            sheet_list = ",".join(sh.name for sh in sheets)
            if len(sheet_list) < 250:
                dv = DataValidation(type="list", formula1=f'"{sheet_list}"', allow_blank=True)
                ws.add_data_validation(dv)
                dv.add(f"A2:A{max(1000, len(ev_rows) + 500)}")
            continue
        sh = by_name[name]
        _table(ws, sh.columns, [[cells.get(h) for h in sh.columns] for cells in sh.rows])
        _validations(ws, sh.columns, sh.model, id_cols, max(1000, len(sh.rows) + 500))
    return wb


def _insert(cols: list[str], h: str) -> None:
    """Put column ``h`` after its siblings (``position.sd`` after ``position.high``), else at the end."""
    base = h.rsplit(".", 1)[0]
    idx = [i for i, c in enumerate(cols) if c == base or c.startswith(base + ".")]
    cols.insert(idx[-1] + 1 if idx else len(cols), h)


def to_xlsx_bytes(sc: Scenario) -> bytes:
    buf = io.BytesIO()
    build(sc).save(buf)
    return buf.getvalue()


def write_xlsx(sc: Scenario, path: str | Path) -> None:
    Path(path).write_bytes(to_xlsx_bytes(sc))
