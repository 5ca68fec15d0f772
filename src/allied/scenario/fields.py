"""Field types shared by the scenario model and its sections: numbers, ranges, ids and evidence.

A leaf module (it imports no other part of the scenario model), so sections such as ``alliance:`` can use
the same validators as the core without an import cycle.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from allied.errors import invalid
from allied.scenario.uncertain import Uncertain


def number_or_range(v: Any) -> Any:
    """Accept a YAML number or a range mapping (``None`` passes, for optional fields); refuse text and
    booleans with a clear message."""
    if v is None or isinstance(v, Uncertain):
        return v
    if isinstance(v, bool):
        raise invalid("not_a_number", f"expected a number, got the boolean {v!r}")
    if isinstance(v, int | float):
        return float(v)
    if isinstance(v, dict):
        return Uncertain(**v)
    if isinstance(v, str):
        raise invalid("not_a_number", f"expected a number, got the text {v!r}")
    raise invalid("not_a_number", f"expected a number or a range {{low, high}}, got {type(v).__name__}")


def plain_number(v: Any) -> Any:
    if isinstance(v, bool) or not isinstance(v, int | float):
        shown = f"the text {v!r}" if isinstance(v, str) else type(v).__name__
        raise invalid("not_a_number", f"expected a number, got {shown}")
    return float(v)


#: a figure: a number or an uncertain range
Value = Annotated[float | Uncertain, BeforeValidator(number_or_range)]
#: a figure that may also be null ("exists but unknown")
MaybeValue = Annotated[float | Uncertain | None, BeforeValidator(number_or_range)]
Number = Annotated[float, BeforeValidator(plain_number)]
Id = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$")]


class Strict(BaseModel):
    """Base of every scenario model: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Evidence(Strict):
    """Where a figure comes from: a verbatim quote from a source, or an analyst's note.

    ``edited_after_quote`` marks figures edited away from the value their quote supports: field name →
    the value the quote supported (e.g. ``{position: 4700}``). Editors set it; it stays until the analyst
    confirms the quote for the new value (removing the mark) or replaces the quote.
    """

    source: str | None = None
    quote: str | None = None
    note: str | None = None
    edited_after_quote: dict[str, Value] | None = Field(
        default=None, description="figures edited away from their quoted value: field → value the quote supports")

    @model_validator(mode="after")
    def _something(self) -> Evidence:
        if not (self.quote or self.note):
            raise invalid("evidence", "evidence needs a 'quote' from the source or a 'note' with the reasoning")
        if self.quote and not self.source:
            raise invalid("evidence_source", "a quote needs the 'source' it comes from")
        if self.edited_after_quote is not None and not self.quote:
            raise invalid("edited_after_quote", "'edited_after_quote' marks a quoted figure; without a quote, "
                          "remove it")
        return self
