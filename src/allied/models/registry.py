"""Registry of forecast models: ``get("eum")``, ``available()``; models register on import."""

from __future__ import annotations

import importlib

from allied.errors import ModelError
from allied.models.base import Forecaster

_MODELS: dict[str, Forecaster] = {}
#: modules that define models; each calls :func:`register` at import time
_MODULES = ("mean", "eum", "smp", "exchange", "bargain", "ensemble")


def register(model: Forecaster) -> Forecaster:
    if not model.name:
        raise ValueError("a model needs a name")
    _MODELS[model.name] = model
    return model


def _load() -> None:
    for mod in _MODULES:
        importlib.import_module(f"allied.models.{mod}")


def available() -> list[str]:
    """Names of every registered model, in registration order."""
    _load()
    return list(_MODELS)


def get(name: str) -> Forecaster:
    _load()
    try:
        return _MODELS[name]
    except KeyError:
        raise ModelError(
            f"unknown model '{name}'; choose one of {', '.join(_MODELS)} (or 'all')"
        ) from None
