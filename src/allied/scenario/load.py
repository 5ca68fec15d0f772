"""Load a scenario from a built-in name or a file whose format is detected from its content.

Formats: Allied YAML; an .xlsx workbook (:mod:`allied.scenario.xlsx`);
a one-issue table ``actor,capability,position,salience``; KTAB's SMP CSV; the
exchange-model package's tab-separated ``#A/#P/#M/#D`` file and its long CSV
``actor,issue,position,salience,power``. Every format becomes plain scenario data first, so ``--set``
overrides and validation work the same on all of them.
"""

from __future__ import annotations

import csv
import importlib.resources
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from allied.errors import Problem, ScenarioError
from allied.scenario.model import FORMAT_VERSION, Scenario
from allied.scenario.overrides import apply_overrides
from allied.scenario.paths import Loc
from allied.scenario.table import MAX_ID, StanceTable, TableActor, TableIssue, TableRow
from allied.scenario.validate import MAX_ITEMS, from_data

#: the largest scenario file read (bytes actually read, so streams such as /dev/zero are capped too); a
#: scenario at the size limits below (DESIGN: 1,000 actors, 200 issues, 20,000 stances) is under 5 MB
MAX_BYTES = 10 * 1024 * 1024


def builtin_names() -> list[str]:
    """Names of the scenarios shipped with Allied."""
    root = importlib.resources.files("allied.scenario") / "builtin"
    return sorted(p.name[:-5] for p in root.iterdir() if p.name.endswith(".yaml"))


def builtin_text(name: str) -> str:
    return (importlib.resources.files("allied.scenario") / "builtin" / f"{name}.yaml").read_text("utf-8")


def detect(text: str) -> str:
    """Name of the format of ``text``: yaml, eum-table, ktab-csv, exchange-tsv or exchange-long."""
    from allied.scenario.readers import eum_table

    lines = [ln for ln in text.splitlines() if ln.strip()]
    first = lines[0].lstrip("\ufeff") if lines else ""
    if re.match(r"^'?#[APMD0/]'?(\t|,|;|\s)", first) or any(re.match(r"^'?#[APD]'?\t", ln) for ln in lines[:20]):
        return "exchange-tsv"
    header = [c.strip().strip('"').lower() for c in first.split(",")]
    if header[:5] == ["actor", "issue", "position", "salience", "power"] or (
        {"actor", "issue", "position", "salience", "power"} <= set(header)
    ):
        return "exchange-long"
    if eum_table.looks_like(first):
        return "eum-table"
    fields = [c.strip() for c in first.split(",")]
    if len(fields) >= 4 and _whole(fields[2]) and _whole(fields[3]):
        return "ktab-csv"
    return "yaml"


def _whole(text: str) -> bool:
    """``3``, ``3.0`` or ``2e0``: a count as a spreadsheet may write it."""
    try:
        v = float(text)
    except ValueError:
        return False
    return v.is_integer() and 0 <= v < 1e6


def table_to_data(t: StanceTable) -> dict[str, Any]:
    """Plain scenario data for a parsed table."""
    sid = re.sub(r"[^A-Za-z0-9_.\-]+", "-", Path(t.source).stem).strip("-")[:MAX_ID].strip("-") or "table"
    src = "input"
    per_issue_cap = any(r.capability is not None for r in t.rows)
    actors = []
    for a in t.actors:
        cap = t.capability.get(a.id)
        if cap is None:
            caps = [r.capability for r in t.rows if r.actor == a.id and r.capability is not None]
            cap = max(caps) if caps else 1.0
        entry: dict[str, Any] = {"id": a.id, "name": a.name, "capability": cap}
        if a.description:
            entry["description"] = a.description
        actors.append(entry)
    clout = {a["id"]: a["capability"] for a in actors}
    issues = []
    for i in t.issues:
        entry = {"id": i.id, "name": i.name, "scale": [i.lo, i.hi]}
        if i.labels:
            entry["labels"] = dict(i.labels)
        issues.append(entry)
    stances = []
    for r in t.rows:
        st: dict[str, Any] = {"actor": r.actor, "issue": r.issue, "position": r.position, "salience": r.salience}
        if per_issue_cap and r.capability is not None and r.capability != clout.get(r.actor):
            st["capability"] = r.capability
        st["evidence"] = {"source": src, "note": f"from {Path(t.source).name}"
                          + (f", line {r.line}" if r.line else "")}
        stances.append(st)
    desc = f"Read from {Path(t.source).name} ({t.format})."
    if t.notes:
        desc += " " + "; ".join(t.notes) + "."
    return {
        "allied": FORMAT_VERSION,
        "id": sid,
        "title": t.title or sid,
        "description": desc,
        "sources": [{"id": src, "title": Path(t.source).name, "note": f"{t.format} input file"}],
        "actors": actors,
        "issues": issues,
        "stances": stances,
    }


def table_lines(t: StanceTable) -> dict[Loc, int]:
    """Line of each actor, issue and stance of the table, keyed like a YAML file's line map, so problems
    found after conversion (e.g. an issue with no stances) still name their line."""
    lines: dict[Loc, int] = {}
    sections: tuple[tuple[str, Sequence[TableActor | TableIssue | TableRow]], ...] = (
        ("actors", t.actors), ("issues", t.issues), ("stances", t.rows))
    for section, items in sections:
        for k, it in enumerate(items):
            if it.line:
                lines[(section, k)] = it.line
    for k, a in enumerate(t.actors):  # an actor no row declares is located at its first row
        if ("actors", k) not in lines:
            first = next((r.line for r in t.rows if r.actor == a.id and r.line), None)
            if first:
                lines[("actors", k)] = first
    return lines


def _read_table(fmt: str, text: str, file: str) -> StanceTable:
    from allied.scenario.readers import eum_table

    if fmt == "eum-table":
        return eum_table.read(text, file)
    if fmt == "ktab-csv":
        from allied.scenario.readers import ktab

        return ktab.read(text, file)  # type: ignore[attr-defined,no-any-return]
    from allied.scenario.readers import exchange

    if fmt == "exchange-tsv":
        return exchange.read_tsv(text, file)  # type: ignore[attr-defined,no-any-return]
    return exchange.read_long(text, file)  # type: ignore[attr-defined,no-any-return]


def read_text(path_or_name: str | Path) -> tuple[str, str]:
    """(text, display name) of a built-in scenario or a file, with clear errors for unreadable input."""
    name = str(path_or_name)
    p = Path(name)
    if not p.exists() and name in builtin_names():
        return builtin_text(name), f"<built-in {name}>"
    if not p.exists():
        hint = f"built-in scenarios: {', '.join(builtin_names())}"
        raise ScenarioError([Problem(name, "(file)", "no such file or built-in scenario", f"check the path; {hint}")])
    if p.is_dir():
        raise ScenarioError([Problem(name, "(file)", "this is a folder, not a scenario file", "name a file")])
    too_big = ScenarioError([Problem(name, "(file)", f"the file is larger than {MAX_BYTES // 2**20} MB",
                                     "a scenario is a small text file; check you named the right file",
                                     kind="too_big")])
    if p.is_file() and p.stat().st_size > MAX_BYTES:
        raise too_big
    try:  # read at most one byte past the cap: a stream (/dev/zero, a pipe) reports no size
        with p.open("rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise ScenarioError([Problem(name, "(file)", f"cannot read the file ({exc.strerror or exc})",
                                     "check the path and that you may read it", kind="unreadable")]) from None
    if len(raw) > MAX_BYTES:
        raise too_big
    if b"\x00" in raw[:8192]:
        raise ScenarioError([Problem(name, "(file)", "this is a binary file, not a scenario",
                                     "give a YAML or CSV text file")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ScenarioError([Problem(name, "(encoding)", "the file is not valid UTF-8 text",
                                     "save it as UTF-8 (or check it is a text file)", line)]) from None
    return text, name


def is_workbook(path_or_name: str | Path) -> bool:
    """Whether the input is an .xlsx workbook (detected from the content, not the name)."""
    from allied.scenario.xlsx import is_workbook as check

    return check(path_or_name)


def load_data(path_or_name: str | Path) -> tuple[dict[str, Any], dict[Loc, int], str]:
    """Plain scenario data, line map and display name, before validation (a workbook's problems name its
    cells; :func:`load` also places validation problems at their cells)."""
    if is_workbook(path_or_name):
        from allied.scenario.xlsx import read_xlsx

        return read_xlsx(path_or_name, str(path_or_name))[0], {}, str(path_or_name)
    text, name = read_text(path_or_name)
    if not text.strip():
        raise ScenarioError([Problem(name, "(top)", "the file is empty",
                                     "write a scenario (see docs/scenario-format.md) or a table with a header", 1)])
    fmt = detect(text)
    if fmt == "yaml":
        from allied.scenario.yamlio import load_yaml  # a table (KTAB or exchange CSV) needs no YAML library

        data, lines = load_yaml(text, name, MAX_ITEMS)
        if isinstance(data, str | int | float) or data is None:
            raise ScenarioError([Problem(name, "(top)", "not a scenario: the file holds a single value, not YAML "
                                         "keys or a recognised table",
                                         "give an Allied YAML scenario or a CSV with the header "
                                         "actor,capability,position,salience", 1)])
        return data, lines, name
    try:
        table = _read_table(fmt, text, name)
    except csv.Error as exc:  # the csv module's own limits (e.g. a field over 128 KiB) and malformed quoting
        raise ScenarioError([Problem(name, "(csv)", f"cannot read the table: {exc}",
                                     "check it is a plain CSV table (quotes balanced, no huge fields)")]) from None
    return table_to_data(table), table_lines(table), name


def load(path_or_name: str | Path, overrides: Iterable[str] = ()) -> Scenario:
    """Load and validate a scenario (``--set PATH=VALUE`` strings applied first)."""
    if is_workbook(path_or_name):
        from allied.scenario.xlsx import load_xlsx

        return load_xlsx(path_or_name, overrides, str(path_or_name))
    data, lines, name = load_data(path_or_name)
    sets = list(overrides)
    if sets:
        data = apply_overrides(data, sets, name)
    return from_data(data, lines, name)
