"""KTAB's SMP CSV (``smpc --csv``; KAPSARC/KTAB ``examples/smp/libsrc/smpread.cpp``), read and written.

Layout (comma separated, a trailing comma allowed, quoted fields trimmed)::

    <ScenarioName>,<ScenarioDesc>,<numActors>,<numDims>,
    Actor,Description,Power,<Dim1 name>,<Sal1 header>,<Dim2 name>,<Sal2 header>,...
    <name>,<description>,<capability>,<pos1>,<sal1>,<pos2>,<sal2>,...

Each dimension becomes an issue on the scale 0–100 (its id and name from the position column header);
saliences are 0–100 and an actor's saliences may not sum over 100; capability ("Power") is the actor's
clout. We check what KTAB checks (3–250 actors, at least one dimension, positions and saliences in
[0, 100], capability in [0, 1e8], salience sums <= 100) and also that the counts on the first line match
the file, reporting every problem with its line and field.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from allied.errors import Problem, ScenarioError
from allied.scenario.table import StanceTable, TableActor, TableIssue, TableRow, make_id
from allied.serialise import spreadsheet_text

MIN_ACTORS, MAX_ACTORS = 3, 250  # KTAB's Model::minNumActor / maxNumActor
MAX_CAPABILITY = 1e8  # KTAB's sanity limit
MAX_NAME = 25  # KTAB's maxActNameLen
MAX_ACTOR_DESC, MAX_DIM_NAME, MAX_SCEN_TEXT = 256, 256, 512  # maxActDescLen, maxDimDescLen, maxScen*Len
_SUM_TOL = 1e-9


def _fields(line: str) -> list[str]:
    row = next(csv.reader([line], skipinitialspace=True), [])
    row = [c.strip().strip('"').strip() for c in row]
    while row and row[-1] == "":
        row.pop()  # KTAB's files end every line with a comma
    return row


def read(text: str, file: str) -> StanceTable:
    """Parse KTAB SMP CSV ``text`` (from ``file``) into a :class:`StanceTable` or raise located problems."""
    problems: list[Problem] = []

    def bad(line: int, field: str, message: str, fix: str) -> None:
        problems.append(Problem(file, field, message, fix, line))

    lines = [(n, ln) for n, ln in enumerate(text.splitlines(), start=1) if ln.strip()]
    if len(lines) < 2:
        raise ScenarioError([Problem(file, "(file)", "a KTAB CSV needs a scenario line, a header line and actor rows",
                                     "see KTAB's dummyData_3Dim.csv for the layout", 1)])
    (n1, l1), (n2, l2) = lines[0], lines[1]
    head = _fields(l1)
    n_act = n_dim = None
    if len(head) < 4:
        bad(n1, "line 1", f"{len(head)} fields where KTAB expects 4 (name, description, actors, dimensions)",
            "write '<name>,<description>,<number of actors>,<number of dimensions>,'")
    else:
        n_act = _count(head[2], n1, "number of actors", bad)
        n_dim = _count(head[3], n1, "number of dimensions", bad)
        if n_act is not None and not MIN_ACTORS <= n_act <= MAX_ACTORS:
            bad(n1, "line 1, number of actors", f"{n_act} actors; KTAB takes {MIN_ACTORS} to {MAX_ACTORS}",
                "give between 3 and 250 actors")
        if n_dim is not None and n_dim < 1:
            bad(n1, "line 1, number of dimensions", f"{n_dim} dimensions", "give at least one dimension")
    title = head[0] if head else Path(file).stem
    desc = head[1] if len(head) > 1 else ""
    cols = _fields(l2)
    dims: list[str] = []
    if len(cols) < 5 or (len(cols) - 3) % 2:
        bad(n2, "line 2 (header)", f"{len(cols)} columns; KTAB expects Actor, Description, Power and then "
            "a position and a salience column per dimension", "name two columns (position, salience) per dimension")
    else:
        dims = [cols[3 + 2 * k] or f"Dim{k + 1}" for k in range((len(cols) - 3) // 2)]
        if n_dim is not None and n_dim >= 1 and len(dims) != n_dim:
            bad(n2, "line 2 (header)", f"the header has {len(dims)} dimension(s) but line 1 says {n_dim}",
                "make the dimension count on line 1 match the position/salience column pairs")
    if problems:
        raise ScenarioError(problems)
    d = len(dims)
    rows_in = lines[2:]
    if n_act is not None and len(rows_in) != n_act:
        where = rows_in[n_act][0] if len(rows_in) > n_act else (rows_in[-1][0] if rows_in else n2)
        bad(where, "actor rows", f"line 1 says {n_act} actors but the file has {len(rows_in)} actor row(s)",
            "make the actor count on line 1 match the rows (the file may be truncated)")
    issue_ids: list[str] = []
    for k, name in enumerate(dims):
        issue_ids.append(make_id(name, issue_ids, f"dim{k + 1}"))
    actors: list[TableActor] = []
    rows: list[TableRow] = []
    caps: dict[str, float] = {}
    notes = [f"KTAB scenario {title!r}" + (f": {desc}" if desc else "")]
    for n, ln in rows_in:
        f = _fields(ln)
        if len(f) < 3 + 2 * d:
            bad(n, f"line {n}", f"{len(f)} fields where the header has {3 + 2 * d}",
                "give name, description, power and a position and salience per dimension (row truncated?)")
            continue
        if len(f) > 3 + 2 * d:
            bad(n, f"line {n}", f"{len(f)} fields where the header has {3 + 2 * d}",
                "remove the extra fields or add the dimension to the header and line 1")
            continue
        name = f[0]
        if not name:
            bad(n, f"line {n}, column Actor", "empty actor name", "name the actor")
            continue
        if any(a.name == name for a in actors):
            bad(n, f"line {n}, column Actor", f"actor {name!r} appears twice", "give each actor one row")
            continue
        aid = make_id(name, [a.id for a in actors], f"actor{n}")
        if len(name) > MAX_NAME:
            notes.append(f"actor name {name!r} is longer than KTAB's {MAX_NAME} characters")
        cap = _number(f[2], n, cols[2] or "Power", bad)
        if cap is not None and not 0 <= cap <= MAX_CAPABILITY:
            bad(n, f"line {n}, column {cols[2] or 'Power'}", f"capability {cap:g} outside 0..1e8",
                "give a capability of 0 or more (KTAB's upper limit is 1e8)")
        vals: list[tuple[float, float]] = []
        total = 0.0
        ok = cap is not None
        for k in range(d):
            pos = _number(f[3 + 2 * k], n, cols[3 + 2 * k] or f"position {k + 1}", bad)
            sal = _number(f[4 + 2 * k], n, cols[4 + 2 * k] or f"salience {k + 1}", bad)
            if pos is None or sal is None:
                ok = False
                continue
            if not 0 <= pos <= 100:
                bad(n, f"line {n}, column {cols[3 + 2 * k]}", f"position {pos:g} outside 0..100",
                    "KTAB positions are on 0–100")
                ok = False
            if not 0 <= sal <= 100:
                bad(n, f"line {n}, column {cols[4 + 2 * k]}", f"salience {sal:g} outside 0..100",
                    "KTAB saliences are on 0–100")
                ok = False
            total += sal
            vals.append((pos, sal))
        if ok and total > 100 + _SUM_TOL:
            bad(n, f"line {n}, saliences", f"the saliences of {name} sum to {total:g}, over 100",
                "an actor's saliences across dimensions may sum to at most 100; scale them down")
            ok = False
        if not ok or cap is None:
            continue
        actors.append(TableActor(aid, name, f[1]))
        caps[aid] = cap
        for k, (pos, sal) in enumerate(vals):
            rows.append(TableRow(aid, issue_ids[k], pos, sal, None, n))
    if not problems and not actors:
        bad(n2, "actor rows", "the file has no actor rows", "add one row per actor")
    if problems:
        raise ScenarioError(problems)
    issues = [TableIssue(iid, name, 0.0, 100.0) for iid, name in zip(issue_ids, dims, strict=True)]
    return StanceTable(source=file, format="ktab-csv", title=title or Path(file).stem, actors=actors,
                       issues=issues, rows=rows, capability=caps, notes=notes)


def _count(text: str, line: int, what: str, bad: Any) -> int | None:
    try:
        v = float(text)
    except ValueError:
        bad(line, f"line 1, {what}", f"{text!r} is not a whole number", f"write the {what} as a whole number")
        return None
    if not v.is_integer():
        bad(line, f"line 1, {what}", f"{text!r} is not a whole number", f"write the {what} as a whole number")
        return None
    return int(v)


def _number(text: str, line: int, col: str, bad: Any) -> float | None:
    try:
        v = float(text)
    except ValueError:
        bad(line, f"line {line}, column {col}", f"{text!r} is not a number", "write a plain number")
        return None
    if not math.isfinite(v):
        bad(line, f"line {line}, column {col}", f"{text!r} is not a finite number", "write a finite number")
        return None
    return v


# ----------------------------------------------------------------------------- writing

def _cell(text: str, limit: int = MAX_SCEN_TEXT) -> str:
    """A text field KTAB reads back: no commas (its reader splits on every one), at most ``limit`` bytes."""
    text = str(text).replace("\n", " ").replace('"', "'").replace(",", ";").strip()
    raw = text.encode("utf-8")
    text = raw[:limit].decode("utf-8", "ignore").strip() if len(raw) > limit else text
    return spreadsheet_text(text)  # a spreadsheet opening the file must not run '=cmd|…' as a formula


def write_ktab_csv(
    title: str,
    description: str,
    actors: Sequence[str],
    dims: Sequence[str],
    capability: Sequence[float],
    positions: Sequence[Sequence[float]],
    saliences: Sequence[Sequence[float]],
    descriptions: Sequence[str] | None = None,
) -> str:
    """KTAB SMP CSV text from arrays: ``positions`` and ``saliences`` are ``[actor][dim]`` on 0–100.

    Saliences of an actor that sum over 100 are scaled to sum 100 (KTAB refuses such rows), positions are
    clipped to 0–100, and texts are cut to KTAB's limits (actor names 25 bytes, descriptions and dimension
    names 256, scenario name and description 512) with commas replaced by semicolons.
    """
    n, d = len(actors), len(dims)
    if n == 0 or d == 0:
        raise ValueError("a KTAB CSV needs at least one actor and one dimension")
    out = [f"{_cell(title)},{_cell(description)},{n},{d},"]
    head = ["Actor", "Description", "Power"]
    for k, name in enumerate(dims):
        head += [_cell(name, MAX_DIM_NAME), f"Sal{k + 1}"]
    out.append(",".join(head) + ",")
    for i, name in enumerate(actors):
        sal = _saliences([min(100.0, max(0.0, float(v))) for v in saliences[i]])
        cells = [_cell(name, MAX_NAME), _cell(descriptions[i] if descriptions else "", MAX_ACTOR_DESC),
                 f"{float(capability[i]):.6g}"]
        for k in range(d):
            pos = min(100.0, max(0.0, float(positions[i][k])))
            cells += [f"{pos:.6g}", f"{sal[k]:.10g}"]
        out.append(",".join(cells) + ",")
    return "\n".join(out) + "\n"


def _saliences(sal: list[float]) -> list[float]:
    """Saliences on a 4-decimal grid whose sum, as KTAB adds them up, is at most 100."""
    out = [round(v, 4) for v in sal]
    total = 0.0
    for v in out:
        total += v
    if total > 100.0:  # scale just under 100 and round down, so KTAB's check passes
        scale = 99.9999 / sum(sal)
        out = [math.floor(v * scale * 1e4 + 1e-6) / 1e4 for v in sal]
    return out


def table_to_csv(t: StanceTable) -> str:
    """KTAB SMP CSV of a :class:`StanceTable` (positions rescaled from each issue's scale to 0–100;
    an actor missing from an issue gets the issue's mid-point with salience 0)."""
    by = {(r.actor, r.issue): r for r in t.rows}
    pos, sal, cap = [], [], []
    for a in t.actors:
        prow, srow = [], []
        for iss in t.issues:
            r = by.get((a.id, iss.id))
            span = iss.hi - iss.lo
            prow.append(50.0 if r is None else 100.0 * (r.position - iss.lo) / span)
            srow.append(0.0 if r is None else r.salience)
        pos.append(prow)
        sal.append(srow)
        caps = [r.capability for r in t.rows if r.actor == a.id and r.capability is not None]
        cap.append(t.capability.get(a.id, sum(caps) / len(caps) if caps else 1.0))
    return write_ktab_csv(t.title, "; ".join(t.notes), [a.name for a in t.actors], [i.name for i in t.issues],
                          cap, pos, sal, [a.description for a in t.actors])


def scenario_to_csv(sc: Any) -> str:
    """KTAB SMP CSV of an Allied scenario (point values; per-issue capabilities averaged, as model smp does)."""
    from allied.scenario.uncertain import point

    def pt(v: Any) -> float:
        val = point(v)
        return 0.0 if val is None else float(val)

    pos, sal, cap = [], [], []
    for a in sc.actors:
        prow, srow, crow = [], [], []
        for iss in sc.issues:
            st = sc.stance(a.id, iss.id)
            lo, hi = float(iss.scale[0]), float(iss.scale[1])
            if st is None:
                prow.append(50.0)
                srow.append(0.0)
                continue
            prow.append(100.0 * (pt(st.position) - lo) / (hi - lo))
            srow.append(pt(st.salience))
            crow.append(sc.capability(st))
        pos.append(prow)
        sal.append(srow)
        cap.append(sum(crow) / len(crow) if crow else pt(a.capability))
    return write_ktab_csv(sc.title, sc.description or "", [a.id for a in sc.actors], [i.id for i in sc.issues],
                          cap, pos, sal, [a.description or a.name for a in sc.actors])
