"""Loaders for ally-year data: the project's panel CSV, SIPRI military-expenditure and World Bank downloads.

* Panel CSV: one row per ally-year, columns ``member, year`` and any of ``gdp, defence, population, exposure,
  hns_cash, hns_in_kind, troops_hosted, arms_purchases, trade_balance, peacekeeping, aid, stationing_cost,
  theatre_spending``; optional ``currency`` and ``exchange_rate`` (units of that currency per reporting unit)
  convert a row's money columns. Empty cells are missing (never zero); lines starting with ``#`` are comments.
* SIPRI Military Expenditure Database (https://www.sipri.org/databases/milex): the XLSX as shipped (one
  sheet per measure — "Constant (YYYY) US$", "Current US$", "Share of GDP", …; a few title rows, then a
  header row starting ``Country``, sometimes a ``Notes`` column, one column per year; region headings as rows
  without values; ``...``/``. .`` for not available and ``xxx`` for a country that did not exist), or a CSV
  saved from such a sheet.
* World Bank indicators: the ``API_<indicator>_DS2_…`` CSV/XLSX of data.worldbank.org (preamble lines
  "Data Source", "Last Updated Date", then ``Country Name, Country Code, Indicator Name, Indicator Code,
  1960, …``) and the DataBank export (``Country Name, Country Code, Series Name, Series Code,
  2019 [YR2019], …`` with ``..`` for missing and source lines at the end).

Each loader returns a long DataFrame (``country, code, year, value, variable, unit``); :func:`to_panel` maps
countries to scenario member ids. Bad files raise :class:`~allied.errors.ScenarioError` naming
the file, the row and what to do.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from allied.errors import Problem, ScenarioError, fail
from allied.scenario.sections.alliance import PanelRow, parse_money_unit

LONG_COLUMNS = ["country", "code", "year", "value", "variable", "unit"]
PANEL_NUMERIC = [f for f in PanelRow.model_fields if f not in ("member", "year", "evidence")]
PANEL_MONEY = ["gdp", "defence", "hns_cash", "hns_in_kind", "arms_purchases", "trade_balance", "peacekeeping",
               "aid", "stationing_cost", "theatre_spending"]
_NA = {"", "..", "...", ". .", ". . .", "xxx", "xx", "nan", "n/a", "na", "-"}
_YEAR = re.compile(r"^\s*((?:18|19|20|21)\d\d)(?:\.0)?(?:\s*\[YR\d{4}\])?\s*$")


def _num(cell: object) -> float:
    if cell is None:
        return np.nan
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        return float(cell)
    text = str(cell).strip().replace(",", "")
    if text.lower() in _NA:
        return np.nan
    try:
        return float(text)
    except ValueError:
        return np.nan


def _is_blank(cell: object) -> bool:
    return cell is None or (isinstance(cell, float) and np.isnan(cell)) or str(cell).strip() == ""


def _year(cell: object) -> int | None:
    if isinstance(cell, int | float) and not isinstance(cell, bool) and not np.isnan(cell) and cell == int(cell):
        y = int(cell)
        return y if 1800 <= y <= 2199 else None
    m = _YEAR.match(str(cell)) if cell is not None else None
    return int(m.group(1)) if m else None


def _grids(path: Path, sheet: str | int | None = None) -> dict[str, list[list[object]]]:
    """Every sheet of an XLSX (or the one CSV) as a list of rows of raw cells."""
    if not path.exists():
        raise fail(str(path), "(file)", "file not found", "check the path")
    head = path.read_bytes()[:8]
    if head.startswith(b"PK"):
        try:
            book = pd.read_excel(path, sheet_name=sheet if sheet is not None else None, header=None, dtype=object)
        except Exception as exc:  # openpyxl raises many types on corrupt files
            raise fail(str(path), "(file)", f"cannot read the spreadsheet: {exc}",
                       "download the file again or save it as .xlsx") from None
        if isinstance(book, pd.DataFrame):
            book = {str(sheet): book}
        return {str(k): v.astype(object).where(v.notna(), None).values.tolist() for k, v in book.items()}
    if b"\x00" in path.read_bytes()[:4096]:
        raise fail(str(path), "(file)", "binary content that is neither XLSX nor CSV",
                   "give the CSV or XLSX exactly as downloaded")
    text = path.read_text(encoding="utf-8-sig", errors="replace")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        delim = dialect.delimiter
    except csv.Error:
        delim = ","
    return {"csv": [list(r) for r in csv.reader(io.StringIO(text), delimiter=delim)]}


def _header(rows: list[list[object]], first: str) -> int | None:
    for k, r in enumerate(rows[:60]):
        cells = [str(c).strip().lower() for c in r if not _is_blank(c)]
        if cells and cells[0] == first.lower() and sum(_year(c) is not None for c in r) >= 1:
            return k
    return None


# --- SIPRI ---------------------------------------------------------------------------------------
def _sipri_unit(sheet: str, title: str) -> str:
    s = sheet.lower()
    if "share of gdp" in s:
        return "share of GDP"
    if "share of govt" in s or "government" in s:
        return "share of government spending"
    if "per capita" in s:
        return "US$ per capita"
    if "local currency" in s:
        return "local currency million"
    m = re.search(r"constant\s*\((\d{4})\)", s)
    if m:
        return f"US$ million (constant {m.group(1)} prices)"
    if "current" in s:
        return "US$ million"
    return title.strip()[:80] or sheet


def read_sipri(path: str | Path, sheet: str | None = None) -> pd.DataFrame:
    """SIPRI military expenditure (XLSX as shipped, or a CSV of one sheet) → long DataFrame.

    ``sheet``: which sheet of the XLSX (default: every sheet whose header row starts with ``Country``).
    """
    p = Path(path)
    grids = _grids(p, sheet)
    frames = []
    for name, rows in grids.items():
        h = _header(rows, "Country")
        if h is None:
            continue
        hdr = rows[h]
        cols = [(j, _year(c)) for j, c in enumerate(hdr)]
        year_cols = [(j, y) for j, y in cols if y is not None]
        title = next((str(r[0]) for r in rows[:h] if r and not _is_blank(r[0])), "")
        unit = _sipri_unit(name, title)
        recs = []
        for r in rows[h + 1:]:
            if not r or _is_blank(r[0]):
                continue
            cells = [r[j] if j < len(r) else None for j, _ in year_cols]
            if all(_is_blank(c) for c in cells):
                continue  # a region heading or a footnote
            country = str(r[0]).strip()
            for (_, y), c in zip(year_cols, cells, strict=True):
                recs.append((country, None, y, _num(c), "military_expenditure", unit))
        frames.append(pd.DataFrame(recs, columns=LONG_COLUMNS))
    if not frames:
        raise fail(str(p), "(header)", "no header row starting with 'Country' followed by year columns",
                   "give the SIPRI Milex XLSX as downloaded (or a CSV of one of its sheets)")
    return pd.concat(frames, ignore_index=True)


# --- World Bank ----------------------------------------------------------------------------------
def read_world_bank(path: str | Path) -> pd.DataFrame:
    """World Bank indicator download (API CSV/XLSX or DataBank CSV) → long DataFrame (one or more indicators)."""
    p = Path(path)
    grids = _grids(p)
    for name, rows in grids.items():
        h = _header(rows, "Country Name")
        if h is None:
            continue
        hdr = [str(c).strip() if not _is_blank(c) else "" for c in rows[h]]
        low = [c.lower() for c in hdr]
        try:
            i_code = low.index("country code")
        except ValueError:
            raise fail(str(p), f"{name} row {h + 1}", "header has 'Country Name' but no 'Country Code'",
                       "give the file as downloaded from the World Bank") from None
        i_name = next((low.index(k) for k in ("indicator name", "series name") if k in low), None)
        i_ind = next((low.index(k) for k in ("indicator code", "series code") if k in low), None)
        year_cols = [(j, y) for j, c in enumerate(hdr) if (y := _year(c)) is not None]
        recs = []
        problems = []
        for k, r in enumerate(rows[h + 1:], start=h + 2):
            if not r or all(_is_blank(c) for c in r):
                continue
            if len(r) <= i_code or _is_blank(r[i_code]):
                continue  # DataBank footer lines ("Data from database: …", "Last Updated: …")
            if len(r) < len(hdr) - 1 and len(r) <= max(j for j, _ in year_cols):
                problems.append(Problem(str(p), f"row {k}", f"row has {len(r)} cells, the header {len(hdr)}",
                                        "the file looks truncated: download it again", k))
                continue
            variable = str(r[i_ind]).strip() if i_ind is not None and i_ind < len(r) else name
            unit = str(r[i_name]).strip() if i_name is not None and i_name < len(r) else ""
            for j, y in year_cols:
                recs.append((str(r[0]).strip(), str(r[i_code]).strip(), y, _num(r[j] if j < len(r) else None),
                             variable, unit))
        if problems:
            raise ScenarioError(problems)
        return pd.DataFrame(recs, columns=LONG_COLUMNS)
    raise fail(str(p), "(header)", "no header row 'Country Name, Country Code, …' with year columns",
               "give the World Bank CSV/XLSX as downloaded (API_… file or DataBank export)")


def to_panel(long: pd.DataFrame, column: str, members: dict[str, str], scale: float = 1.0) -> pd.DataFrame:
    """One loader's long frame → panel rows ``member, year, <column>``.

    ``members`` maps a member id to the country name or code used in the file (e.g. ``{"ROK": "KOR"}``,
    ``{"ROK": "Korea, South"}``); ``scale`` multiplies values (e.g. ``1e-6`` for US$ → US$ million).
    """
    if column not in PANEL_NUMERIC:
        raise ValueError(f"unknown panel column {column!r}; use one of {', '.join(PANEL_NUMERIC)}")
    out = []
    for member, key in members.items():
        sel = (long["country"] == key) | (long["code"] == key)
        if not sel.any():
            raise KeyError(f"{key!r} (for {member}) is not in the file; names present include "
                           f"{', '.join(sorted(long['country'].unique())[:8])}")
        g = long[sel]
        out.append(pd.DataFrame({"member": member, "year": g["year"].to_numpy(int),
                                 column: g["value"].to_numpy(float) * scale}))
    return pd.concat(out, ignore_index=True)


# --- panel CSV -----------------------------------------------------------------------------------
def read_panel_csv(path: str | Path, panel_unit: str = "US$ million") -> pd.DataFrame:
    """The project's ally-year panel CSV → DataFrame (member, year and the numeric panel columns)."""
    p = Path(path)
    grids = _grids(p)
    rows = [r for r in next(iter(grids.values())) if not (r and str(r[0]).lstrip().startswith("#"))]
    if not rows or all(_is_blank(c) for c in rows[0]):
        raise fail(str(p), "(header)", "empty file", "write a header row: member,year,gdp,defence,…", 1)
    hdr = [str(c).strip().lower() for c in rows[0]]
    problems: list[Problem] = []
    for need in ("member", "year"):
        if need not in hdr:
            problems.append(Problem(str(p), "(header)", f"no '{need}' column", f"add a '{need}' column", 1))
    allowed = {"member", "year", "currency", "exchange_rate", *PANEL_NUMERIC}
    for c in hdr:
        if c not in allowed:
            problems.append(Problem(str(p), f"column {c}", f"unknown column '{c}'",
                                    f"use only {', '.join(sorted(allowed))}", 1))
    if problems:
        raise ScenarioError(problems)
    rep = parse_money_unit(panel_unit)
    recs = []
    seen: set[tuple[str, int]] = set()
    for k, r in enumerate(rows[1:], start=2):
        if not r or all(_is_blank(c) for c in r):
            continue
        if len(r) != len(hdr):
            problems.append(Problem(str(p), f"row {k}", f"{len(r)} cells for {len(hdr)} columns",
                                    "give one cell per column (leave unknown values empty)", k))
            continue
        cell = dict(zip(hdr, r, strict=True))
        rec: dict[str, object] = {"member": str(cell["member"]).strip()}
        y = _year(cell["year"])
        if y is None or not rec["member"]:
            problems.append(Problem(str(p), f"row {k}", f"member {cell['member']!r} / year {cell['year']!r}",
                                    "give a member id and a four-digit year", k))
            continue
        rec["year"] = y
        for c in PANEL_NUMERIC:
            raw = cell.get(c)
            v = _num(raw)
            if not _is_blank(raw) and np.isnan(v) and str(raw).strip().lower() not in _NA:
                problems.append(Problem(str(p), f"row {k}, column {c}", f"{raw!r} is not a number",
                                        "write a plain number or leave the cell empty", k))
            rec[c] = v
        cur = str(cell.get("currency") or "").strip().upper()
        if cur and rep and cur != rep[0]:
            rate = _num(cell.get("exchange_rate"))
            if np.isnan(rate) or rate <= 0:
                problems.append(Problem(str(p), f"row {k}, column exchange_rate",
                                        f"money in {cur} needs an exchange rate (units per {rep[0]})",
                                        "fill in exchange_rate > 0", k))
                continue
            for c in PANEL_MONEY:
                rec[c] = float(rec[c]) / rate  # type: ignore[arg-type]
        if (rec["member"], y) in seen:  # type: ignore[comparison-overlap]
            problems.append(Problem(str(p), f"row {k}", f"a second row for {rec['member']} in {y}",
                                    "keep one row per member and year", k))
        seen.add((str(rec["member"]), y))
        recs.append(rec)
    if problems:
        raise ScenarioError(problems)
    return pd.DataFrame(recs, columns=["member", "year", *PANEL_NUMERIC])


def panel_frame(rows: list[PanelRow]) -> pd.DataFrame:
    """Inline ``panel:`` rows (point values of uncertain entries) → DataFrame."""
    from allied.scenario.uncertain import point

    recs = [{"member": r.member, "year": r.year, **{c: (point(getattr(r, c)) if getattr(r, c) is not None
                                                        else np.nan) for c in PANEL_NUMERIC}} for r in rows]
    return pd.DataFrame(recs, columns=["member", "year", *PANEL_NUMERIC])


def merge_panel(*frames: pd.DataFrame) -> pd.DataFrame:
    """Outer-join panel pieces (e.g. ``to_panel`` of SIPRI defence and World Bank GDP) on ``member, year``.

    A column given by two pieces for the same member-year must agree (else ValueError); gaps stay missing."""
    out: pd.DataFrame | None = None
    for f in frames:
        if out is None:
            out = f.copy()
            continue
        both = [c for c in f.columns if c in out.columns and c not in ("member", "year")]
        merged = out.merge(f, on=["member", "year"], how="outer", suffixes=("", "__new"))
        for c in both:
            a, b = merged[c], merged[c + "__new"]
            clash = a.notna() & b.notna() & ~np.isclose(a.fillna(0), b.fillna(0))
            if clash.any():
                r = merged[clash].iloc[0]
                raise ValueError(f"two sources disagree on {c} for {r['member']} in {r['year']}")
            merged[c] = a.fillna(b)
            merged = merged.drop(columns=c + "__new")
        out = merged
    if out is None:
        return pd.DataFrame(columns=["member", "year", *PANEL_NUMERIC])
    for c in PANEL_NUMERIC:
        if c not in out:
            out[c] = np.nan
    return out[["member", "year", *PANEL_NUMERIC]].sort_values(["year", "member"]).reset_index(drop=True)
