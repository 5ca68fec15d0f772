"""A neutral stance table that every non-YAML reader produces and :mod:`allied.scenario.load` turns
into a :class:`~allied.scenario.model.Scenario`. Readers only parse and check their own format."""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass
class TableIssue:
    id: str
    name: str
    lo: float = 0.0
    hi: float = 100.0
    labels: dict[float, str] = field(default_factory=dict)
    line: int | None = None  # where the issue is declared, when the format declares issues


@dataclass
class TableActor:
    id: str
    name: str
    description: str = ""
    line: int | None = None  # where the actor is declared or first appears


@dataclass
class TableRow:
    actor: str
    issue: str
    position: float
    salience: float  # 0..100, as in the scenario format
    capability: float | None = None  # per-issue capability; None = the actor's clout
    line: int | None = None


@dataclass
class StanceTable:
    """What a tabular reader found in a file."""

    source: str  # file name, for messages and the scenario's source entry
    format: str  # "eum-table", "ktab-csv", "exchange-tsv", "exchange-long"
    title: str
    actors: list[TableActor]
    issues: list[TableIssue]
    rows: list[TableRow]
    capability: dict[str, float] = field(default_factory=dict)  # actor clout, when the format has one
    notes: list[str] = field(default_factory=list)  # e.g. "salience read as 0–1 and scaled to 0–100"


#: the longest id a scenario accepts (``Id`` in allied.scenario.fields)
MAX_ID = 64


def make_id(text: str, taken: set[str] | list[str] | None = None, fallback: str = "x") -> str:
    """A scenario id for a name read from a table: letters, digits, ``_ . -`` only, at most :data:`MAX_ID`
    characters, and distinct from ``taken`` (``_2``, ``_3``, … appended; ``taken`` itself is not changed).
    Long names and names that differ only in punctuation (``USA`` and ``USA_``) thus get ids of their own."""
    base = re.sub(r"[^A-Za-z0-9_.\-]+", "_", text).strip("_")[:MAX_ID] or fallback
    out, k = base, 2
    while taken is not None and out in taken:
        suffix = f"_{k}"
        out, k = base[: MAX_ID - len(suffix)] + suffix, k + 1
    return out
