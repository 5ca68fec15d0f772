"""A neutral stance table that every non-YAML reader produces and :mod:`allied.scenario.load` turns
into a :class:`~allied.scenario.model.Scenario`. Readers only parse and check their own format."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class TableIssue:
    id: str
    name: str
    lo: float = 0.0
    hi: float = 100.0
    labels: dict[float, str] = field(default_factory=dict)


@dataclass
class TableActor:
    id: str
    name: str
    description: str = ""


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
