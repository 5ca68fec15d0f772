"""One-issue table ``actor,capability,position,salience`` (the expected-utility literature's form).

The issue id is the file's stem. Salience may be on 0–1 or 0–100: when every salience is <= 1 it is read
as 0–1 and scaled to 0–100, and the table says so in its notes. The scale is the range of the positions
(the fixed range R of Scholz et al. 2011); edit the scale in the YAML the table converts to if the
issue's real scale is wider."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from allied.errors import Problem, ScenarioError
from allied.scenario.table import StanceTable, TableActor, TableIssue, TableRow, make_id

COLUMNS = ("actor", "capability", "position", "salience")


def looks_like(first_line: str) -> bool:
    cols = [c.strip().strip('"').lower() for c in first_line.split(",")]
    return set(COLUMNS) <= set(cols) and "issue" not in cols


def _num(text: str, file: str, line: int, col: str, problems: list[Problem]) -> float | None:
    try:
        v = float(text)
    except ValueError:
        problems.append(Problem(file, f"row {line}, column {col}", f"'{text}' is not a number",
                                "write a plain number", line))
        return None
    if v != v or v in (float("inf"), float("-inf")):
        problems.append(Problem(file, f"row {line}, column {col}", f"'{text}' is not a finite number",
                                "write a finite number", line))
        return None
    return v


def read(text: str, file: str) -> StanceTable:
    reader = csv.reader(io.StringIO(text))
    rows = [r for r in reader]
    header = [c.strip().lower() for c in rows[0]]
    idx = {c: header.index(c) for c in COLUMNS}
    problems: list[Problem] = []
    data: list[tuple[int, str, float, float, float]] = []
    for n, row in enumerate(rows[1:], start=2):
        if not row or all(not c.strip() for c in row):
            continue
        if len(row) < len(header):
            problems.append(Problem(file, f"row {n}", f"{len(row)} fields where the header has {len(header)}",
                                    "complete the row (the file may be truncated)", n))
            continue
        name = row[idx["actor"]].strip()
        if not name:
            problems.append(Problem(file, f"row {n}, column actor", "empty actor name", "name the actor", n))
            continue
        vals = [_num(row[idx[c]].strip(), file, n, c, problems) for c in ("capability", "position", "salience")]
        if any(v is None for v in vals):
            continue
        cap, pos, sal = (float(v) for v in vals)  # type: ignore[arg-type]
        if cap < 0:
            problems.append(Problem(file, f"row {n}, column capability", f"negative capability {cap:g}",
                                    "capability is clout, 0 or more", n))
        if sal < 0 or sal > 100:
            problems.append(Problem(file, f"row {n}, column salience", f"salience {sal:g} outside 0..100",
                                    "give salience on 0–1 or 0–100", n))
        data.append((n, name, cap, pos, sal))
    if not data and not problems:
        problems.append(Problem(file, "rows", "the table has a header but no actors",
                                "add one row per actor", 2))
    if problems:
        raise ScenarioError(problems)
    notes = []
    if max(d[4] for d in data) <= 1.0:
        data = [(n, a, c, p, s * 100.0) for n, a, c, p, s in data]
        notes.append("salience read as 0–1 and scaled to 0–100")
    else:
        notes.append("salience read as 0–100")
    # names may repeat (the litigation case): suffix #2, #3 as the reference runners do
    seen: dict[str, int] = {}
    actors: list[TableActor] = []
    out_rows: list[TableRow] = []
    stem = make_id(Path(file).stem, None, "issue")
    for n, name, cap, pos, sal in data:
        seen[name] = seen.get(name, 0) + 1
        label = name if seen[name] == 1 else f"{name} #{seen[name]}"
        aid = make_id(label, [a.id for a in actors], f"actor{n}")
        actors.append(TableActor(aid, label))
        out_rows.append(TableRow(aid, stem, pos, sal, cap, n))
    positions = [r.position for r in out_rows]
    lo, hi = min(positions), max(positions)
    if lo == hi:
        lo, hi = lo - 1.0, hi + 1.0
    notes.append(f"scale [{lo:g}, {hi:g}] taken from the range of the positions")
    return StanceTable(source=file, format="eum-table", title=Path(file).stem, actors=actors,
                       issues=[TableIssue(stem, Path(file).stem, lo, hi)], rows=out_rows,
                       capability={r.actor: r.capability or 0.0 for r in out_rows}, notes=notes)
