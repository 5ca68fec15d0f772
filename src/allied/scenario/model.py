"""The scenario data model (DESIGN §4): sources, actors, issues, stances with evidence, and the optional
``alliance:``, ``protocol:`` and ``outcomes:`` sections. Unknown keys are errors; cross-references
(actor, issue and source ids) are checked after the fields themselves."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import Field, field_validator

from allied.errors import invalid
from allied.scenario.fields import Evidence, Id, Number, Strict, Value
from allied.scenario.migrate import CURRENT as FORMAT_VERSION
from allied.scenario.sections import AllianceSection, ProtocolSpec
from allied.scenario.sections.drafts import Draft
from allied.scenario.uncertain import point


class Source(Strict):
    """A document the evidence quotes. ``path`` (relative to the scenario file, or found in a source
    folder: docs/sources.md) lets ``allied validate`` check every quote against its text; ``sha256`` of
    the file, once recorded, makes a changed file an error."""

    id: Id
    title: str
    author: str | None = None
    publisher: str | None = None
    url: str | None = None
    date: dt.date | str | None = None
    path: str | None = Field(default=None, min_length=1, description=".txt, .md, .html or .pdf file")
    sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    note: str | None = None

    @field_validator("path")
    @classmethod
    def _readable_kind(cls, v: str | None) -> str | None:
        if v is not None and not v.lower().endswith((".txt", ".md", ".text", ".markdown", ".html", ".htm",
                                                     ".xhtml", ".pdf")):
            raise invalid("source_kind", f"cannot read '{v}': a source file must be .txt, .md, .html or .pdf")
        return v


class Actor(Strict):
    id: Id
    name: str
    capability: Value = Field(description="clout, >= 0; models normalise as they specify")
    aliases: list[str] = Field(default_factory=list, description="other names in the sources (drafting)")
    description: str | None = None
    evidence: Evidence | None = None


class Issue(Strict):
    id: Id
    name: str
    scale: tuple[Number, Number]
    labels: dict[float, str] = Field(default_factory=dict)
    status_quo: Value | None = None
    units: str | None = None
    keywords: list[str] = Field(default_factory=list, description="words the sources use for it (drafting)")
    description: str | None = None
    evidence: Evidence | None = None

    @field_validator("scale")
    @classmethod
    def _increasing(cls, v: tuple[float, float]) -> tuple[float, float]:
        if v[0] == v[1]:
            raise invalid("scale_width", f"scale [{v[0]:g}, {v[1]:g}] has no width")
        if not v[0] < v[1]:
            raise invalid("scale_order", f"scale [{v[0]:g}, {v[1]:g}] must run from low to high")
        return v

    @property
    def lo(self) -> float:
        return self.scale[0]

    @property
    def hi(self) -> float:
        return self.scale[1]


class Stance(Strict):
    actor: str
    issue: str
    position: Value
    salience: Value = Field(description="0..100")
    capability: Value | None = Field(default=None, description="per-issue override of the actor's clout")
    reservation: Value | None = Field(
        default=None, description="walk-away point: the least favourable outcome the actor would still accept "
                                  "(bargaining models; issue units)")
    demand: Value | None = Field(
        default=None, description="the actor's public demand, kept as evidence beside its position (issue units)")
    evidence: Evidence | None = None
    reservation_evidence: Evidence | None = Field(
        default=None, description="where the reservation point comes from (a quote, or a note on the estimate)")


class Outcome(Strict):
    """What actually happened next, for backtesting."""

    id: Id
    description: str
    issue: str | None = None
    value: Number | None = None
    date: dt.date | str | None = None
    source: str


class Scenario(Strict):
    allied: int
    id: Id
    title: str
    as_of: dt.date | str | None = None
    description: str | None = None
    sources: list[Source] = Field(default_factory=list)
    actors: list[Actor]
    issues: list[Issue]
    stances: list[Stance]
    alliance: AllianceSection | None = None
    protocol: ProtocolSpec | None = None
    delegation: dict[Id, dict[str, Number]] | None = Field(
        default=None, description="principal -> {part actor: weight}: sub-state actors grouped under one "
                                  "principal (e.g. White House, Pentagon, Congress -> USA)")
    outcomes: list[Outcome] = Field(default_factory=list)
    drafts: list[Draft] = Field(default_factory=list, description="evidence candidates; ignored by engines")

    @field_validator("allied")
    @classmethod
    def _version(cls, v: int) -> int:
        if v != FORMAT_VERSION:
            raise invalid("version",
                          f"format version {v} is not supported; this Allied reads 'allied: {FORMAT_VERSION}'")
        return v

    # --- convenient look-ups -------------------------------------------------------------------
    def actor(self, actor_id: str) -> Actor:
        return next(a for a in self.actors if a.id == actor_id)

    def issue(self, issue_id: str) -> Issue:
        return next(i for i in self.issues if i.id == issue_id)

    def stance(self, actor_id: str, issue_id: str) -> Stance | None:
        return next((s for s in self.stances if s.actor == actor_id and s.issue == issue_id), None)

    def principal_of(self, actor_id: str) -> str:
        """The principal an actor belongs to under ``delegation:`` (the actor itself when not delegated)."""
        for principal, parts in (self.delegation or {}).items():
            if actor_id in parts:
                return principal
        return actor_id

    def part_weights(self) -> dict[str, float]:
        """Each delegated actor's weight within its principal (normalised to sum to 1); others weigh 1."""
        out = {a.id: 1.0 for a in self.actors}
        for parts in (self.delegation or {}).values():
            total = sum(parts.values())
            for actor, w in parts.items():
                out[actor] = w / total if total > 0 else 1.0 / len(parts)
        return out

    def capability(self, stance: Stance) -> float:
        """Point capability of a stance: its per-issue override, else the actor's clout."""
        v = point(stance.capability) if stance.capability is not None else point(self.actor(stance.actor).capability)
        assert v is not None
        return v

    # --- arrays and frames (implemented in allied.scenario.arrays) -------------------------------
    def forecast_input(self, issues: list[str] | None = None, values: dict[str, Any] | None = None,
                       samples: int | None = None) -> Any:
        """``ForecastInput`` arrays ``[B, A, D]`` (point values unless ``values`` gives samples by path)."""
        from allied.scenario.arrays import forecast_input

        return forecast_input(self, issues, values, samples)

    def arrays(self, issue: str, values: dict[str, Any] | None = None) -> Any:
        """``[B, A]`` arrays ``x`` (issue units), ``s`` (0–1), ``c`` for one issue (DESIGN §3), over the actors
        who take part in it (``.actors``), with the scale in ``.lo``/``.hi``."""
        from allied.scenario.arrays import issue_arrays

        return issue_arrays(self, issue, values)

    def to_frame(self) -> Any:
        """A pandas DataFrame with one row per stance."""
        from allied.scenario.arrays import to_frame

        return to_frame(self)
