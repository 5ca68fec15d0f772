"""Which recorded outcomes a forecast may be scored against: no look-ahead.

An outcome is *scorable* when it has an issue, a number and a date that lies wholly after the scenario's
``as_of``. An outcome dated on or before ``as_of`` was *known at the time*: it is context (validate warns,
the report shows it beside the forecasts) and is never scored. Dates may be partial (``2019``,
``2019-04``): a partial date stands for its whole span, and an outcome counts as after ``as_of`` only if
its earliest possible day falls after the latest possible day of ``as_of``, so an ambiguous order is never
scored.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

from allied.scenario.model import Outcome, Scenario

Status = Literal["scorable", "known", "undated", "no-value", "no-issue", "no-as-of", "bad-date"]

_PARTIAL = re.compile(r"^\s*(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?\s*$")


def date_span(value: dt.date | str | None) -> tuple[dt.date, dt.date] | None:
    """``(earliest, latest)`` day a date (full, ``YYYY-MM`` or ``YYYY``) can stand for; None when unreadable."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date(), value.date()
    if isinstance(value, dt.date):
        return value, value
    m = _PARTIAL.match(str(value))
    if not m:
        return None
    y, mo, d = int(m.group(1)), m.group(2), m.group(3)
    try:
        if d is not None and mo is not None:
            day = dt.date(y, int(mo), int(d))
            return day, day
        if mo is not None:
            last = calendar.monthrange(y, int(mo))[1]
            return dt.date(y, int(mo), 1), dt.date(y, int(mo), last)
        return dt.date(y, 1, 1), dt.date(y, 12, 31)
    except ValueError:
        return None


@dataclass(frozen=True)
class Resolution:
    """One outcome and whether it can be scored (``status``), with the reason in words."""

    outcome: Outcome
    status: Status
    reason: str

    @property
    def scorable(self) -> bool:
        return self.status == "scorable"


def resolve(sc: Scenario) -> list[Resolution]:
    """Every outcome of ``sc`` with its status, in file order."""
    asof = date_span(sc.as_of)
    out = []
    for o in sc.outcomes:
        out.append(Resolution(o, *_status(o, asof, sc)))
    return out


def _status(o: Outcome, asof: tuple[dt.date, dt.date] | None, sc: Scenario) -> tuple[Status, str]:
    if o.issue is None:
        return "no-issue", "names no issue"
    if o.value is None:
        return "no-value", "has no number on the issue's scale (text only)"
    if o.date is None:
        return "undated", "has no date, so it cannot be placed after as_of"
    span = date_span(o.date)
    if span is None:
        return "bad-date", f"date '{o.date}' is not YYYY-MM-DD, YYYY-MM or YYYY"
    if sc.as_of is None:
        return "no-as-of", "the scenario has no as_of, so what was known at the time is unknown"
    if asof is None:
        return "bad-date", f"as_of '{sc.as_of}' is not YYYY-MM-DD, YYYY-MM or YYYY"
    if span[0] > asof[1]:
        return "scorable", f"dated {o.date}, after as_of {sc.as_of}"
    return "known", f"dated {o.date}, on or before as_of {sc.as_of}: known at the time, so context, not a hit"


def scorable(sc: Scenario) -> list[Outcome]:
    """The outcomes a forecast made as of ``sc.as_of`` is scored against."""
    return [r.outcome for r in resolve(sc) if r.scorable]


def err_pct_scale(forecast: float, actual: float, lo: float, hi: float) -> float:
    """``100 · |forecast − actual| / (hi − lo)``: an error as a share of the issue's scale, so that outcomes in
    different units can be compared and summed. Defined here, in the layer below both engines that score
    against outcomes (the journal's scorer and the ensemble's library fit), so that neither reaches into the
    other's internals for it."""
    return 100.0 * abs(forecast - actual) / (hi - lo)


def known_at_the_time(sc: Scenario) -> list[Resolution]:
    """Outcomes dated on or before ``as_of`` (or whose order against it is ambiguous)."""
    return [r for r in resolve(sc) if r.status == "known"]
