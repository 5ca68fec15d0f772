"""Money units and currency conversion with explicit exchange rates.

A rate is *units of a currency per one unit of the reporting currency* (e.g. 1100 KRW per US$). Nothing is
converted without a rate: a missing rate is reported, never guessed. Functions broadcast over numpy arrays,
so a batch of sampled values or rates ``[B, ...]`` converts in one call.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt

from allied.errors import ModelError
from allied.scenario.sections.alliance import parse_money_unit

ArrayLike = npt.ArrayLike

__all__ = ["MissingRate", "convert", "parse_money_unit", "rescale", "to_reporting"]


class MissingRate(ModelError):
    """No exchange rate was given for a currency (and year)."""


def rescale(amount: ArrayLike, from_scale: float, to_scale: float) -> np.ndarray:
    """Same currency, another magnitude: ``rescale(1.0389, 1e12, 1e6) == 1_038_900`` (trillion → million)."""
    return np.asarray(amount, dtype=float) * (from_scale / to_scale)


def to_reporting(amount: ArrayLike, scale: float, rate: ArrayLike | None, reporting_scale: float) -> np.ndarray:
    """``amount`` (in units of ``scale`` of a currency whose rate per reporting unit is ``rate``) in the
    reporting currency's ``reporting_scale``; ``rate=None`` means the amount is already reporting currency."""
    out = rescale(amount, scale, reporting_scale)
    if rate is None:
        return out
    return out / np.asarray(rate, dtype=float)


def convert(amount: ArrayLike, from_currency: str, to_currency: str, rates: Mapping[str, ArrayLike],
            reporting: str = "USD") -> np.ndarray:
    """Convert between any two currencies through the reporting currency.

    ``rates[c]`` is units of ``c`` per one unit of ``reporting`` (the reporting currency's own rate is 1).
    Raises :class:`MissingRate` naming the currency when a needed rate is absent.
    """
    def rate(c: str) -> np.ndarray:
        if c == reporting:
            return np.asarray(1.0)
        if c not in rates:
            raise MissingRate(f"no exchange rate for {c} (units per {reporting}); give one in the file")
        r = np.asarray(rates[c], dtype=float)
        if np.any(r <= 0):
            raise ValueError(f"exchange rate for {c} must be > 0")
        return r

    a = np.asarray(amount, dtype=float)
    if from_currency == to_currency:
        return a.copy()
    return a / rate(from_currency) * rate(to_currency)
