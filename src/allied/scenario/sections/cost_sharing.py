"""The ``protocol:`` section of the ``cost-sharing`` game family (read by :mod:`allied.protocols.cost_sharing`).

A patron and a client bargain, agreement after agreement, over the client's yearly contribution. Each
figure is a number or an uncertain range; deterministic runs use point values, sweeps draw from ranges::

    protocol:
      family: cost-sharing
      patron: USA
      client: ROK
      horizon: 5
      reservation: {patron: {low: 0.9, high: 1.1}, client: {low: 1.2, high: 1.5}}
      growth: {patron: 0.02, client: 0.07}     # reservation growth a year (client: its defence budget)
      lapse: {patron: 0.1, client: 0.3}        # cost of one lapse period after a missed deadline
      protocols:
        multi-year: {term: 5}
        yearly: {term: 1}
        indexed: {term: 5, index: budget}
"""

from __future__ import annotations

import math
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from allied.scenario.uncertain import Uncertain, Value

#: the analyst-named protocols compared when the section names none
DEFAULT_PROTOCOLS: dict[str, dict[str, Any]] = {
    "multi-year": {"term": 5, "index": "none"},
    "yearly": {"term": 1, "index": "none"},
    "indexed": {"term": 5, "index": "budget"},
}


class Pair(BaseModel):
    """A figure for each side: ``{patron: ..., client: ...}``."""

    model_config = ConfigDict(extra="forbid")
    patron: Value
    client: Value


class CostProtocol(BaseModel):
    """One way to run the talks: agreements of ``term`` years, flat or indexed to the client's budget."""

    model_config = ConfigDict(extra="forbid")
    term: int = Field(ge=1, le=50, description="years each agreement covers")
    index: Literal["none", "budget"] = Field(
        "none", description="none: one level for the whole term; budget: the level grows with the client's "
                            "defence budget (growth.client)")


class Costs(BaseModel):
    """A figure for each side that is 0 unless given: ``{patron: ..., client: ...}``."""

    model_config = ConfigDict(extra="forbid")
    patron: Value = 0.0
    client: Value = 0.0


def _pair() -> Any:
    return Field(default_factory=Costs)


#: bounds of each figure (path -> (low, high)); used for validation and for sweeps' clipping
BOUNDS: dict[str, tuple[float, float]] = {
    "reservation.patron": (float("-inf"), float("inf")), "reservation.client": (float("-inf"), float("inf")),
    "growth.patron": (-0.5, 1.0), "growth.client": (-0.5, 1.0),
    "power": (0.0, 1.0), "discount": (0.0, 1.0),
    "lapse.patron": (0.0, float("inf")), "lapse.client": (0.0, float("inf")),
    "talks.patron": (0.0, float("inf")), "talks.client": (0.0, float("inf")),
    "ratification": (0.0, float("inf")),
}


class CostSharingSection(BaseModel):
    """Parameters of the cost-sharing game (``docs/protocols.md``, cost-sharing family)."""

    model_config = ConfigDict(extra="forbid")

    family: Literal["cost-sharing"]
    patron: str = Field("USA", description="actor id of the side that receives the contribution")
    client: str = Field("ROK", description="actor id of the side that pays it")
    horizon: int = Field(5, ge=1, le=50, description="years compared")
    reservation: Pair = Field(description="walk-away contribution a year: the least the patron accepts "
                                          "before cutting troops, the most the client pays before letting "
                                          "the agreement lapse (issue units, year 0)")
    growth: Costs = _pair()
    power: Value = Field(0.5, description="patron's bargaining power in each negotiation (0..1)")
    discount: Value = Field(0.95, description="discount factor a year (both sides)")
    lapse: Costs = _pair()
    talks: Costs = _pair()
    ratification: Value = Field(0.0, description="client's cost of ratifying each agreement (National Assembly)")
    protocols: dict[str, CostProtocol] = Field(
        default_factory=lambda: {k: CostProtocol(**v) for k, v in DEFAULT_PROTOCOLS.items()})
    compare: list[str] | None = None
    chooser: Literal["patron", "client", "compromise"] = "patron"
    w_patron: float = Field(0.5, ge=0.0, le=1.0)

    @field_validator("protocols")
    @classmethod
    def _some(cls, v: dict[str, CostProtocol]) -> dict[str, CostProtocol]:
        if not v:
            raise ValueError("name at least one protocol, e.g. yearly: {term: 1}")
        return v

    @model_validator(mode="after")
    def _check(self) -> CostSharingSection:
        if self.patron == self.client:
            raise ValueError(f"patron and client are both {self.patron!r}; name two different actors")
        for path, value in iter_values(self):
            lo, hi = BOUNDS[path]
            a, b = value.bounds() if isinstance(value, Uncertain) else (float(value), float(value))
            if not (math.isfinite(a) and math.isfinite(b)):  # 'inf' or 'nan' text from --set, coerced
                raise ValueError(f"{path} must be a finite number; got {a:g}..{b:g}")
            if not (lo <= a and b <= hi):
                raise ValueError(f"{path} must lie in [{lo:g}, {hi:g}]; got {a:g}..{b:g}")
        if self.compare is not None:
            bad = [n for n in self.compare if n not in self.protocols]
            if bad:
                raise ValueError(f"compare names unknown protocols {bad}; known: {sorted(self.protocols)}")
        return self


def iter_values(sec: CostSharingSection) -> list[tuple[str, Value]]:
    """``(path, value)`` of every figure, in kernel order."""
    out: list[tuple[str, Value]] = []
    for path in BOUNDS:
        head, _, tail = path.partition(".")
        v: Any = getattr(sec, head)
        out.append((path, getattr(v, tail) if tail else v))
    return out
