"""Collective-decision forecasting: one interface, several published models side by side."""

from allied.forecast.base import (
    BaseForecaster,
    Forecaster,
    ForecastError,
    ForecastInput,
    ForecastOutput,
    run_model,
    weighted_mean,
)
from allied.forecast.registry import available, get, register

__all__ = [
    "BaseForecaster",
    "ForecastError",
    "ForecastInput",
    "ForecastOutput",
    "Forecaster",
    "available",
    "get",
    "register",
    "run_model",
    "weighted_mean",
]

from allied._callable import make_callable

make_callable(__name__)  # `allied.forecast(...)` is the API function allied.api.forecast
