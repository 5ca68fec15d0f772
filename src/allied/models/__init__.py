"""Collective-decision forecasting: one interface, several published models side by side.

The engine entry point is :func:`run` (``allied.forecast`` calls it): a scenario in, a
:class:`ForecastResult` out, with ``.frame()`` and ``.to_json()``. Each model lives in its own private
subpackage (``models/eum``, ``models/smp``, ``models/exchange``, ``models/mean``) and registers itself in
:mod:`allied.models.registry`; :mod:`allied.models.base` is the interface they share.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from allied.arrays import ForecastInput
from allied.errors import ModelError
from allied.models.base import BaseForecaster, Forecaster, ForecastOutput, run_model, weighted_mean
from allied.models.registry import available, get, register
from allied.models.runner import ForecastResult, ModelRun, run_on

if TYPE_CHECKING:
    from allied.scenario.model import Scenario


def run(
    scenario: Scenario,
    models: Sequence[str] = ("all",),
    *,
    issues: Sequence[str] | None = None,
    rounds: int | None = None,
    seed: int = 0,
    params: Mapping[str, Any] | None = None,
    keep_going: bool = False,
    stop: Callable[[], bool] | None = None,
) -> ForecastResult:
    """Forecast ``scenario`` with ``models`` (names, or ``"all"``) on all or some ``issues``; see
    :func:`allied.models.runner.run_on` for ``keep_going`` and ``stop``."""
    inp = scenario.forecast_input(list(issues) if issues else None)
    return run_on(inp, scenario.id, models, rounds=rounds, seed=seed, params=params, keep_going=keep_going,
                  stop=stop)


__all__ = [
    "BaseForecaster",
    "ForecastInput",
    "ForecastOutput",
    "ForecastResult",
    "Forecaster",
    "ModelError",
    "ModelRun",
    "available",
    "get",
    "register",
    "run",
    "run_model",
    "weighted_mean",
]
