"""The scenario's ``drafts:`` section: evidence candidates drafted from source texts (``allied draft``).

Every engine ignores it. Each entry is one sentence of a source that may state or imply an actor's stance
on an issue, ranked within its (actor, issue) pair, with the quantities found in it and, where the wording
allows, a suggested side of the issue's scale. ``allied draft accept ID`` promotes one to a stance's
evidence; it never writes a number the analyst did not confirm.
"""

from __future__ import annotations

from pydantic import Field

from allied.scenario.fields import Id, Strict


class Quantity(Strict):
    """A number found in a sentence: ``value`` in ``unit`` (``null`` when the number is malformed)."""

    value: float | None
    unit: str
    text: str
    kind: str | None = None  # money, percent, count, duration, year, rank
    flag: str | None = None  # why the value was not read (e.g. a malformed digit grouping)


class Side(Strict):
    """Which end of the issue's scale the wording points to, and why."""

    end: str  # low, middle or high
    label: str | None = None
    why: str


class Draft(Strict):
    id: Id
    actor: str
    issue: str
    rank: int = Field(ge=1, description="1 = best candidate for its (actor, issue) pair")
    quote: str
    source: str
    offset: int = Field(ge=0, description="character offset of the sentence in the source's text")
    paragraph: int | None = None
    score: float
    quantities: list[Quantity] = Field(default_factory=list)
    side: Side | None = None
