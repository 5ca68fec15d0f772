"""Which outcomes may be scored (no look-ahead): defined in :mod:`allied.scenario.outcomes`, beside the
scenario data model, so that validation and every engine share one definition."""

from __future__ import annotations

from allied.scenario.outcomes import (
    Resolution,
    Status,
    date_span,
    err_pct_scale,
    known_at_the_time,
    resolve,
    scorable,
)

__all__ = ["Resolution", "Status", "date_span", "err_pct_scale", "known_at_the_time", "resolve", "scorable"]
