"""Read a scenario workbook (the layout :mod:`allied.scenario.xlsx.write` produces, edited in any spreadsheet
program) into plain scenario data, with every problem located as ``case.xlsx!stances!D14``.

Formulas are read through the value the spreadsheet program last computed; a formula never computed (a
workbook written by a script and not opened since) is an error naming its cell, never a silent blank.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from allied.errors import Problem, ScenarioError
from allied.scenario.fields import Evidence
from allied.scenario.model import Scenario
from allied.scenario.xlsx.layout import (
    KEY_SCHEMES,
    VALUE_PARTS,
    _flat_args,
    choose,
    entry_key,
    fields,
    sheet_name,
    wants_date,
    wants_text,
)

Cells = dict[str, tuple[Any, str]]  # column → (value, "sheet!A1")
_ZIP = b"PK\x03\x04"
_NUMBER_FIX = "type a number in the cell (for a range fill the '.low' and '.high' columns beside it)"


def is_workbook(path: str | Path) -> bool:
    """Whether ``path`` is an .xlsx workbook (a zip holding ``xl/workbook.xml``), whatever its name."""
    p = Path(path)
    try:
        if not p.is_file():
            return False
        with p.open("rb") as fh:
            if fh.read(4) != _ZIP:
                return False
        with zipfile.ZipFile(p) as z:
            return "xl/workbook.xml" in z.namelist()
    except (OSError, zipfile.BadZipFile):
        return False


#: the most a workbook may hold once unzipped (a scenario's workbook is well under 1 MB)
MAX_UNZIPPED = 50 * 1024 * 1024


def _refuse_zip_bomb(path: Path, shown: str) -> None:
    """A workbook is a zip: refuse one that would unpack to more than :data:`MAX_UNZIPPED`, from its own
    directory, before anything is decompressed (the 10 MB file cap counts compressed bytes only)."""
    try:
        with zipfile.ZipFile(path) as z:
            total = sum(max(0, i.file_size) for i in z.infolist())
    except (OSError, zipfile.BadZipFile):
        return  # load_workbook reports a damaged file with its own located message
    if total > MAX_UNZIPPED:
        raise ScenarioError([Problem(shown, "(file)", f"the workbook unpacks to {total / 2**20:,.0f} MB, more "
                                     f"than the {MAX_UNZIPPED // 2**20} MB a scenario workbook may hold",
                                     "export the scenario again with allied export --to xlsx, or check the file")])


class _Reader:
    def __init__(self, path: Path, shown: str) -> None:
        from openpyxl import load_workbook

        self.shown = shown
        self.problems: list[Problem] = []
        self.where: dict[str, str] = {}
        _refuse_zip_bomb(path, shown)
        try:
            self.wb = load_workbook(path, data_only=False)
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise ScenarioError([Problem(shown, "(file)", f"cannot open the workbook ({type(exc).__name__})",
                                         "save it again as .xlsx from your spreadsheet program")]) from None
        self._computed: Any = None
        self._path = path

    def add(self, ref: str, field: str, message: str, fix: str) -> None:
        self.problems.append(Problem(f"{self.shown}!{ref}", field, message, fix))

    # --- cells ----------------------------------------------------------------------------------
    def value(self, sheet: str, cell: Any) -> Any:
        v = cell.value
        if cell.data_type == "f" or (isinstance(v, str) and v.startswith("=") and not cell.quotePrefix
                                     and cell.data_type != "s"):
            if self._computed is None:
                from openpyxl import load_workbook

                self._computed = load_workbook(self._path, data_only=True)
            v = self._computed[sheet][cell.coordinate].value
            if v is None:
                self.add(f"{sheet}!{cell.coordinate}", "(formula)", "a formula whose value was never computed",
                         "open and save the workbook in a spreadsheet program, or type the value itself")
                return None
        if isinstance(v, dt.datetime):
            return v.date() if v.time() == dt.time(0) else v
        if isinstance(v, str) and not v.strip():
            return None
        return v

    def table(self, sheet: str) -> list[tuple[int, Cells]]:
        """(row number, cells by column) of every non-empty row below the header."""
        ws = self.wb[sheet]
        rows = list(ws.iter_rows())
        if not rows:
            return []
        header = [(c.column_letter, self.value(sheet, c)) for c in rows[0]]
        out = []
        for row in rows[1:]:
            cells: Cells = {}
            for (letter, h), c in zip(header, row, strict=False):
                v = self.value(sheet, c)
                if v is None:
                    continue
                if h is None:
                    self.add(f"{sheet}!{c.coordinate}", "(column)", "a value in a column without a header",
                             "give the column a header from the list on the instructions sheet, or clear it")
                    continue
                cells[str(h)] = (v, f"{sheet}!{letter}{c.row}")
            if cells:
                out.append((row[0].row, cells))
        return out

    # --- numbers, texts, lists ------------------------------------------------------------------
    def number(self, got: tuple[Any, str] | None, what: str) -> Any:
        if got is None:
            return None
        v, ref = got
        if isinstance(v, bool) or not isinstance(v, int | float):
            try:
                return float(str(v).strip().replace(",", ""))
            except ValueError:
                self.add(ref, what, f"expected a number, got the text {str(v)[:40]!r}", _NUMBER_FIX)
                return v  # validation reports it again at the same cell; the duplicate is dropped
        return v

    def unflatten(self, model: type[BaseModel], cells: Cells, prefix: str, path: str, used: set[str],
                  rows: Callable[[str, type[BaseModel]], list[dict[str, Any]]] | None = None) -> dict[str, Any]:
        """One entry of ``model`` from its cells (``rows`` reads list sections from their own sheets)."""
        out: dict[str, Any] = {}
        for key, k, sub, ann in fields(model):
            h, dp = prefix + key, f"{path}.{key}" if path else key
            if k == "rows" and rows is not None:
                entries = rows(dp, sub)
                if entries or type(None) not in _flat_args(ann):  # an optional list left empty stays absent
                    out[key] = entries
                if not entries and h in cells:  # the field's other form, e.g. a file name
                    used.add(h)
                    v = cells[h][0]
                    out[key] = self.flow(cells[h], dp) if isinstance(v, str) and v.lstrip()[:1] in "[{" else v
                    self.where[dp] = cells[h][1]
                continue
            if k == "evidence" and not prefix and rows is None:
                continue  # from the evidence sheet
            if k in ("model", "evidence"):
                keys = {c[len(h) + 1:].split(".")[0] for c in cells if c.startswith(h + ".")}
                nested = self.unflatten(choose(ann, keys), cells, h + ".", dp, used, rows)
                if any(v != [] for v in nested.values()):
                    out[key] = nested
                if h in cells:  # the whole section written as flow text
                    used.add(h)
                    out[key] = self.flow(cells[h], dp)
                continue
            if k == "value":
                parts = {p: cells.get(f"{h}.{p}") for p in VALUE_PARTS}
                got = [(n, x) for n, x in (("", cells.get(h)), *parts.items()) if x is not None]
                if not got:
                    continue
                used.update(f"{h}.{n}" if n else h for n, _ in got)
                if h in cells and isinstance(cells[h][0], str) and cells[h][0].lstrip().startswith("{"):
                    out[key] = self.flow(cells[h], dp)
                    self.where[dp] = cells[h][1]
                    continue
                nums = {n: self.number(x, h + (f".{n}" if n else "")) for n, x in got}
                pt = nums.get("")
                if nums.get("sd") is not None:
                    val: Any = {"mean": pt, "sd": nums["sd"]}
                    val.update({p: nums[p] for p in ("low", "high") if nums.get(p) is not None})
                elif "low" in nums or "high" in nums:
                    val = {"low": nums.get("low"), **({"mode": pt} if pt is not None else {}), "high": nums.get("high")}
                else:
                    val = pt
                out[key] = val
                self.where[dp] = got[0][1][1]
                for n, x in got:
                    self.where[f"{dp}.{n}" if n else dp] = x[1]
                    if n == "" and isinstance(val, dict):
                        self.where[f"{dp}.{'mean' if 'mean' in val else 'mode'}"] = x[1]
                continue
            if k == "pair":
                lo, hi = cells.get(f"{h}.low"), cells.get(f"{h}.high")
                if lo is None and hi is None:
                    if h in cells:
                        used.add(h)
                        out[key] = self.flow(cells[h], dp)
                    continue
                used.update(x for x in (f"{h}.low", f"{h}.high") if x in cells)
                out[key] = [self.number(lo, f"{h}.low"), self.number(hi, f"{h}.high")]
                self.where[dp] = (lo or hi)[1]  # type: ignore[index]
                for pos, got_pair in ((0, lo), (1, hi)):
                    if got_pair is not None:
                        self.where[f"{dp}[{pos}]"] = got_pair[1]
                continue
            if h not in cells:
                continue
            used.add(h)
            v, ref = cells[h]
            self.where[dp] = ref
            if k == "scalar":
                if isinstance(v, int | float) and not isinstance(v, bool) and wants_text(ann):
                    v = str(int(v)) if float(v).is_integer() else str(v)
                elif isinstance(v, dt.datetime) and wants_date(ann):
                    v = v.date()
                out[key] = v
            else:
                out[key] = self.flow(cells[h], dp)
        return out

    def flow(self, got: tuple[Any, str], field: str) -> Any:
        v, ref = got
        if not isinstance(v, str):
            return v
        import yaml  # here, not at the top: every load asks this module whether its file is a workbook

        try:
            return yaml.safe_load(v)
        except yaml.YAMLError:
            self.add(ref, field, f"cannot read {v[:40]!r} as a list or mapping",
                     "write a list as [a, b] and a mapping as {key: value, other: value}")
            return None

    def unknown(self, cells: Cells, used: set[str], sheet: str, known: Iterable[str]) -> None:
        for h, (_, ref) in cells.items():
            if h not in used:
                col = re.sub(r"\d+$", "1", ref)
                what = "field" if sheet == "scenario" else "column"
                self.add(col if sheet != "scenario" else ref, h, f"unknown {what} '{h}'",
                         "remove it or correct its spelling (unknown names are errors); the sheet's names: "
                         + ", ".join(list(known)[:30]))


def read_xlsx(path: str | Path, shown: str | None = None) -> tuple[dict[str, Any], dict[str, str]]:
    """Plain scenario data from a workbook, and where each value came from (dotted path → ``sheet!A1``).
    Raises ScenarioError (every problem located) when the workbook cannot be read as a scenario."""
    data, where, problems = _read(Path(path), shown or Path(path).name)
    if problems:
        raise ScenarioError(problems)
    return data, where


def _read(path: Path, shown: str) -> tuple[dict[str, Any], dict[str, str], list[Problem]]:
    rd = _Reader(path, shown)
    names = set(rd.wb.sheetnames)
    if "scenario" not in names:
        raise ScenarioError([Problem(f"{rd.shown}!scenario", "(sheet)", "the workbook has no 'scenario' sheet",
                                     "start from `allied export FILE --to xlsx -o case.xlsx` (it writes every sheet)")])
    kv: Cells = {}
    for r, cells in rd.table("scenario"):
        name = cells.get("field")
        if name is None:
            if "value" in cells:
                rd.add(cells["value"][1], "field", "a value without a field name", "name the field in column A")
            continue
        if str(name[0]) in kv:
            rd.add(name[1], str(name[0]), f"the field '{name[0]}' appears twice", "keep one of the two rows")
        if "value" in cells:
            kv[str(name[0])] = (cells["value"][0], cells["value"][1])
        rd.where.setdefault(str(name[0]), f"scenario!B{r}")
    sections: dict[str, tuple[str, type[BaseModel], list[dict[str, Any]], list[int]]] = {}

    def rows(path: str, model: type[BaseModel]) -> list[dict[str, Any]]:
        sheet = sheet_name(path)
        rd.where[path] = f"{sheet}!A1"
        entries: list[dict[str, Any]] = []
        lines: list[int] = []
        if sheet in names:
            known = [f"{key}" for key, *_ in fields(model)]
            for r, cells in rd.table(sheet):
                used: set[str] = set()
                k = len(entries)
                entry = rd.unflatten(model, cells, "", f"{path}[{k}]", used)
                rd.unknown(cells, used, sheet, known)
                rd.where[f"{path}[{k}]"] = f"{sheet}!A{r}"
                entries.append(entry)
                lines.append(r)
        sections[sheet] = (path, model, entries, lines)
        return entries

    used: set[str] = set()
    data = rd.unflatten(Scenario, kv, "", "", used, rows)
    rd.unknown(kv, used, "scenario", [k for k, kind_, *_ in fields(Scenario) if kind_ != "rows"])
    if "evidence" in names:
        _evidence(rd, sections)
    _references(rd, sections)
    return data, rd.where, rd.problems


def _references(rd: _Reader, sections: dict[str, tuple[str, type[BaseModel], list[dict[str, Any]], list[int]]]
                ) -> None:
    """The drop-downs' rule, checked here too (a cell typed over a drop-down, or another program): every
    actor, issue and source column names an id of its sheet. Found even when other cells are wrong, which
    the validator's own reference check would wait for."""
    from allied.scenario.xlsx.write import REF_SHEETS

    ids = {sheet: {str(e.get("id")) for e in entries} for sheet, (_, _, entries, _) in sections.items()}
    for _, (path, _, entries, _) in sections.items():
        for k, entry in enumerate(entries):
            targets: list[tuple[str, dict[str, Any], tuple[str, ...]]] = [(f"{path}[{k}]", entry, ("actor", "issue"))]
            if isinstance(entry.get("evidence"), dict):
                targets.append((f"{path}[{k}].evidence", entry["evidence"], ("source",)))
            for dp, obj, cols in targets:
                for col in cols:
                    sheet, v = REF_SHEETS[col], obj.get(col)
                    if sheet not in ids or v is None or str(v) in ids[sheet] or f"{dp}.{col}" not in rd.where:
                        continue
                    shown = ", ".join(sorted(ids[sheet])[:12]) or "none yet"
                    rd.add(rd.where[f"{dp}.{col}"], f"{dp}.{col}", f"unknown {col} '{v}'",
                           f"use one of the ids on the {sheet} sheet ({shown}) or add a row there")


def _evidence(rd: _Reader, sections: dict[str, tuple[str, type[BaseModel], list[dict[str, Any]], list[int]]]
              ) -> None:
    index: dict[str, list[dict[str, int]]] = {}
    for sheet, (_, model, entries, _) in sections.items():
        keys = {k for k, *_ in fields(model)}
        index[sheet] = []
        for scheme in KEY_SCHEMES:
            if set(scheme) <= keys:
                got = [entry_key(e, scheme) for e in entries]
                index[sheet].append({g: i for i, g in enumerate(got) if g is not None and got.count(g) == 1})
    taken: set[tuple[str, int]] = set()
    for r, cells in rd.table("evidence"):
        sheet_c, key_c = cells.pop("sheet", None), cells.pop("key", None)
        if sheet_c is None or str(sheet_c[0]) not in sections:
            rd.add(sheet_c[1] if sheet_c else f"evidence!A{r}", "sheet",
                   f"no sheet {str(sheet_c[0])!r} to attach evidence to" if sheet_c else "the sheet is not named",
                   f"name one of: {', '.join(sections)}")
            continue
        sheet = str(sheet_c[0])
        path, model, entries, _ = sections[sheet]
        raw = str(key_c[0]) if key_c else ""
        i = None
        if raw.startswith("#") and raw[1:].isdigit() and 0 < int(raw[1:]) <= len(entries):
            i = int(raw[1:]) - 1
        else:
            i = next((ix[raw] for ix in index[sheet] if raw in ix), None)
        if i is None:
            example = ", ".join(list(index[sheet][0])[:3]) if index[sheet] and index[sheet][0] else "#1"
            rd.add(key_c[1] if key_c else f"evidence!B{r}", "key", f"no row with key {raw!r} on the {sheet} sheet",
                   f"name the row as the {sheet} sheet does, e.g. {example}")
            continue
        if (sheet, i) in taken:
            rd.add(key_c[1] if key_c else f"evidence!B{r}", "key", f"a second evidence row for {sheet} {raw}",
                   "keep one evidence row per entry")
            continue
        taken.add((sheet, i))
        ev_model = next((sub for _, k, sub, _ in fields(model) if k == "evidence"), Evidence)
        used: set[str] = set()
        entries[i]["evidence"] = rd.unflatten(ev_model, cells, "", f"{path}[{i}].evidence", used)
        rd.unknown(cells, used, "evidence", ["sheet", "key", *(k for k, *_ in fields(ev_model))])
        rd.where[f"{path}[{i}].evidence"] = f"evidence!A{r}"


def locate(p: Problem, where: dict[str, str], shown: str) -> Problem:
    """A validation problem on workbook data, placed at its cell: ``case.xlsx!stances!D14``."""
    cand, ref = p.field, None
    while cand:
        if cand in where:
            ref = where[cand]
            break
        nxt = re.sub(r"(\.[^.\[\]]+|\[\d+\])$", "", cand)
        if nxt == cand:
            break
        cand = nxt
    fix = re.sub(r"under '([\w.]+):'", lambda m: f"on the {sheet_name(m.group(1).rstrip(':'))} sheet", p.fix)
    if "range such as" in fix:
        fix = _NUMBER_FIX
    return dataclasses.replace(p, file=f"{shown}!{ref or 'scenario!A1'}", fix=fix, line=None)


def load_xlsx(path: str | Path, overrides: Iterable[str] = (), shown: str | None = None) -> Scenario:
    """Read and validate a workbook scenario (``--set`` overrides applied), every problem at its cell."""
    from allied.scenario.overrides import apply_overrides
    from allied.scenario.validate import from_data

    shown = shown or Path(path).name
    data, where, problems = _read(Path(path), shown)
    sets = list(overrides)
    if sets and not problems:
        data = apply_overrides(data, sets, shown)
    try:
        sc = from_data(data, {}, shown)
    except ScenarioError as exc:
        seen = {p.file for p in problems}  # one problem per cell: the reader's own comes first
        problems += [q for q in (locate(p, where, shown) for p in exc.problems) if q.file not in seen]
    if problems:
        raise ScenarioError(problems)
    return sc
