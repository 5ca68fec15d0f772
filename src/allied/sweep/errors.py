"""Errors of the sweep layer."""

from __future__ import annotations

from allied.forecast.base import ForecastError


class SweepError(ForecastError):
    """A sweep cannot run as asked (bad argument, unusable run folder, unreachable scheduler).

    A :class:`ForecastError`, so the CLI's guard prints the message and exits 2."""
