"""Collective-decision forecasting: one interface, several published models side by side."""

from allied.arrays import ForecastInput
from allied.errors import ModelError
from allied.models.base import BaseForecaster, Forecaster, ForecastOutput, run_model, weighted_mean
from allied.models.registry import available, get, register

__all__ = [
    "BaseForecaster",
    "ForecastInput",
    "ForecastOutput",
    "Forecaster",
    "ModelError",
    "available",
    "get",
    "register",
    "run_model",
    "weighted_mean",
]

