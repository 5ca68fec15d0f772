"""Input files of the ``decide-exchange-model`` package (github.com/foarsitter/decide-exchange-model).

* :func:`read_tsv` — its tagged file, tab-separated with ``'`` as quote character: ``#A`` actor key,
  name, comment; ``#P`` issue key, name, comment; ``#M`` issue key, position value, optional label
  (the least and greatest ``#M`` values of an issue are its scale, 0–100 without them); ``#D`` actor
  key, issue key, position, salience, power; ``#0``, ``#/`` and ``#O`` rows are comments.
* :func:`read_long` — the long CSV ``actor,issue,position,salience,power`` (scale = 0–100 unless the
  positions go beyond it, then their range).

Salience on 0–1 (every value <= 1) is scaled to the scenario's 0–100 and the table notes it; power is
the per-issue capability. Every problem is collected and raised together with its line.
"""

from __future__ import annotations

import csv
import math

from allied.errors import Problem, ScenarioError
from allied.scenario.table import StanceTable, TableActor, TableIssue, TableRow, make_id

_FIELDS = {"#A": 1, "#P": 1, "#M": 2, "#D": 5}
_COMMENTS = ("#0", "#/", "#O")
_D_COLS = ("actor", "issue", "position", "salience", "power")


def _number(text: str, file: str, line: int, field: str, problems: list[Problem]) -> float | None:
    t = text.strip()
    try:
        v = float(t)
    except ValueError:
        problems.append(Problem(file, field, f"'{t}' is not a number", "write a plain number such as 42 or 0.5", line))
        return None
    if not math.isfinite(v):
        problems.append(Problem(file, field, f"'{t}' is not a finite number", "write a finite number", line))
        return None
    return v


def _ident(key: str, taken: set[str]) -> str:
    """A scenario id for a package key (letters, digits, ``_ . -``; spaces and the like become ``_``)."""
    out = make_id(key, taken)
    taken.add(out)
    return out


def _split(text: str) -> list[tuple[int, list[str]]]:
    """Rows with their 1-based line numbers; the delimiter is a tab, else ``;`` or ``,`` as found."""
    text = text.lstrip("\ufeff")
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    delim = "\t" if "\t" in first else (";" if ";" in first else ",")
    out: list[tuple[int, list[str]]] = []
    for n, ln in enumerate(text.splitlines(), start=1):
        if not ln.strip():
            continue
        row = next(csv.reader([ln], delimiter=delim, quotechar="'"))
        out.append((n, [c.strip() for c in row]))
    return out


def _finish(file: str, fmt: str, actors: list[TableActor], issues: list[TableIssue], rows: list[TableRow],
            problems: list[Problem]) -> StanceTable:
    if not rows and not problems:
        problems.append(Problem(file, "rows", "no actor-issue rows (#D / data rows) found",
                                "add one row per actor and issue: actor, issue, position, salience, power", None))
    for r in rows:
        if r.salience < 0 or r.salience > 100:
            problems.append(Problem(file, "salience", f"salience {r.salience:g} outside 0..1 (or 0..100)",
                                    "give salience on 0–1 as the package does", r.line))
        if r.capability is not None and r.capability < 0:
            problems.append(Problem(file, "power", f"negative power {r.capability:g}", "power is 0 or more", r.line))
    if problems:
        raise ScenarioError(problems)
    notes = []
    if max(r.salience for r in rows) <= 1.0:
        for r in rows:
            r.salience *= 100.0
        notes.append("salience read as 0–1 and scaled to 0–100")
    else:
        notes.append("salience read as 0–100")
    notes.append("power read as per-issue capability")
    title = file.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return StanceTable(source=file, format=fmt, title=title, actors=actors, issues=issues, rows=rows, notes=notes)


def read_tsv(text: str, file: str) -> StanceTable:
    """Parse the package's tagged ``#A/#P/#M/#D`` file."""
    problems: list[Problem] = []
    actors: dict[str, TableActor] = {}
    issues: dict[str, TableIssue] = {}
    marks: dict[str, list[tuple[float, str, int]]] = {}
    data: list[tuple[int, list[str]]] = []
    taken_a: set[str] = set()
    taken_i: set[str] = set()
    for n, row in _split(text):
        tag = row[0].strip("'").upper()
        if tag in _COMMENTS or tag.startswith("#/"):
            continue
        if tag not in _FIELDS:
            problems.append(Problem(file, "tag", f"unknown row tag '{row[0]}'",
                                    "start each row with #A, #P, #M or #D (#/ for comments)", n))
            continue
        need = _FIELDS[tag]
        if len(row) - 1 < need or any(not c for c in row[1 : need + 1]):
            problems.append(Problem(file, f"{tag} row", f"{len(row) - 1} field(s), {tag} needs at least {need}",
                                    "complete the row (the file may be truncated)", n))
            continue
        if tag == "#A":
            key = row[1]
            if key in actors:
                problems.append(Problem(file, f"#A {key}", f"actor '{key}' declared twice",
                                        "declare each actor once", n))
                continue
            actors[key] = TableActor(_ident(key, taken_a), row[2] if len(row) > 2 and row[2] else key,
                                     row[3] if len(row) > 3 else "", line=n)
        elif tag == "#P":
            key = row[1]
            if key in issues:
                problems.append(Problem(file, f"#P {key}", f"issue '{key}' declared twice",
                                        "declare each issue once", n))
                continue
            issues[key] = TableIssue(_ident(key, taken_i), row[2] if len(row) > 2 and row[2] else key, line=n)
        elif tag == "#M":
            v = _number(row[2], file, n, f"#M {row[1]} position", problems)
            if v is not None:
                marks.setdefault(row[1], []).append((v, row[3] if len(row) > 3 else "", n))
        else:
            data.append((n, row))
    for key, ms in marks.items():
        if key not in issues:
            problems.append(Problem(file, f"#M {key}", f"scale mark for undeclared issue '{key}'",
                                    f"add a '#P' row for '{key}' or fix the key", ms[0][2]))
            continue
        marks_v = [m[0] for m in ms]
        iss = issues[key]
        iss.lo, iss.hi = min(marks_v), max(marks_v)
        iss.labels = {v: lab for v, lab, _ in ms if lab}
        if iss.lo == iss.hi:
            problems.append(Problem(file, f"#M {key}", f"the scale of '{key}' has zero width ({iss.lo:g})",
                                    "give two #M rows with the lowest and highest position", ms[0][2]))
    rows: list[TableRow] = []
    seen: dict[tuple[str, str], int] = {}
    for n, row in data:
        actor, issue = row[1], row[2]
        ok = True
        if actor not in actors:
            problems.append(Problem(file, f"#D {actor}", f"actor '{actor}' is not declared",
                                    f"add an '#A' row for '{actor}' or fix the key", n))
            ok = False
        if issue not in issues:
            problems.append(Problem(file, f"#D {actor} {issue}", f"issue '{issue}' is not declared",
                                    f"add a '#P' row for '{issue}' or fix the key", n))
            ok = False
        if (actor, issue) in seen:
            problems.append(Problem(file, f"#D {actor} {issue}",
                                    f"duplicate row (first on line {seen[(actor, issue)]})", "keep one row", n))
            ok = False
        vals = [_number(row[k], file, n, f"#D {actor} {issue} {_D_COLS[k - 1]}", problems) for k in (3, 4, 5)]
        if not ok or vals[0] is None or vals[1] is None or vals[2] is None:
            continue
        seen[(actor, issue)] = n
        pos, sal, power = (float(v) for v in vals)  # type: ignore[arg-type]
        iss = issues[issue]
        if not iss.lo <= pos <= iss.hi:
            problems.append(Problem(file, f"#D {actor} {issue} position",
                                    f"position {pos:g} outside the issue's scale [{iss.lo:g}, {iss.hi:g}]",
                                    "move the position inside the #M range or widen the range", n))
            continue
        rows.append(TableRow(actors[actor].id, iss.id, pos, sal, power, n))
    return _finish(file, "exchange-tsv", list(actors.values()), list(issues.values()), rows, problems)


def read_long(text: str, file: str) -> StanceTable:
    """Parse the long CSV ``actor,issue,position,salience,power`` (one row per actor and issue)."""
    problems: list[Problem] = []
    lines = [(n, ln) for n, ln in enumerate(text.splitlines(), start=1) if ln.strip()]
    if not lines:
        raise ScenarioError([Problem(file, "header", "empty file", "start with the header "
                                     + ",".join(_D_COLS), 1)])
    header = [c.strip().strip('"').lower() for c in next(csv.reader([lines[0][1].lstrip("\ufeff")]))]
    missing = [c for c in _D_COLS if c not in header]
    if missing:
        raise ScenarioError([Problem(file, "header", f"missing column(s) {', '.join(missing)}",
                                     "the header must name " + ",".join(_D_COLS), lines[0][0])])
    idx = {c: header.index(c) for c in _D_COLS}
    actors: dict[str, TableActor] = {}
    issues: dict[str, TableIssue] = {}
    rows: list[TableRow] = []
    seen: dict[tuple[str, str], int] = {}
    taken_a: set[str] = set()
    taken_i: set[str] = set()
    for n, ln in lines[1:]:
        row = [c.strip() for c in next(csv.reader([ln]))]
        if len(row) < len(header):
            problems.append(Problem(file, f"row {n}", f"{len(row)} fields where the header has {len(header)}",
                                    "complete the row (the file may be truncated)", n))
            continue
        actor, issue = row[idx["actor"]], row[idx["issue"]]
        if not actor or not issue:
            problems.append(Problem(file, f"row {n}", "empty actor or issue", "name both", n))
            continue
        vals = [_number(row[idx[c]], file, n, f"row {n}, column {c}", problems) for c in _D_COLS[2:]]
        if (actor, issue) in seen:
            problems.append(Problem(file, f"row {n}", f"duplicate row for {actor} on {issue} (first on line "
                                    f"{seen[(actor, issue)]})", "keep one row", n))
            continue
        if any(v is None for v in vals):
            continue
        seen[(actor, issue)] = n
        if actor not in actors:
            actors[actor] = TableActor(_ident(actor, taken_a), actor)
        if issue not in issues:
            issues[issue] = TableIssue(_ident(issue, taken_i), issue)
        pos, sal, power = (float(v) for v in vals)  # type: ignore[arg-type]
        rows.append(TableRow(actors[actor].id, issues[issue].id, pos, sal, power, n))
    for iss in issues.values():
        ps = [r.position for r in rows if r.issue == iss.id]
        iss.lo, iss.hi = min(0.0, *ps), max(100.0, *ps)
    return _finish(file, "exchange-long", list(actors.values()), list(issues.values()), rows, problems)
