"""Run every engine for the report, each behind a guard: a missing or failing engine becomes a reason.

This module is the only place in :mod:`allied.report` that calls the engines. Each ``collect_*`` function
returns a :class:`Part` holding the engine's result normalised to the JSON contract of DESIGN §5, or the
reason it is not available; the report shows that reason in a box instead of failing.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from allied.scenario.model import Scenario


@dataclass
class Part:
    """One engine's contribution: ``value`` when it ran, else ``error`` says why not."""

    value: Any = None
    error: str | None = None
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None and self.value is not None


def attempt(fn: Callable[[], Any]) -> Part:
    """Call ``fn``; an exception or a missing module becomes ``Part(error=...)``."""
    t0 = time.perf_counter()
    try:
        value = fn()
    except ModuleNotFoundError as exc:
        return Part(error=f"engine not installed yet (module {exc.name} missing)", seconds=time.perf_counter() - t0)
    except NotImplementedError as exc:
        return Part(error=f"not implemented yet: {exc}", seconds=time.perf_counter() - t0)
    except Exception as exc:  # the report must never fail because an engine does
        msg = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        return Part(error=f"{type(exc).__name__}: {msg}"[:400], seconds=time.perf_counter() - t0)
    if value is None:
        return Part(error="the engine returned nothing", seconds=time.perf_counter() - t0)
    return Part(value=value, seconds=time.perf_counter() - t0)


def _find(module: str, *names: str) -> Callable[..., Any]:
    """The first of ``names`` that ``module`` defines (raises ModuleNotFoundError / NotImplementedError)."""
    mod = importlib.import_module(module)
    for n in names:
        fn = getattr(mod, n, None)
        if callable(fn):
            return fn  # type: ignore[no-any-return]
    raise NotImplementedError(f"{module} has none of {', '.join(names)}")


def jsonable(v: Any) -> Any:
    """Plain JSON-like data from numpy / pandas / pydantic values."""
    if isinstance(v, pd.DataFrame):
        return [jsonable(r) for r in v.to_dict(orient="records")]
    if isinstance(v, pd.Series):
        return {str(k): jsonable(x) for k, x in v.items()}
    if hasattr(v, "model_dump"):
        return jsonable(v.model_dump())
    if isinstance(v, np.ndarray):
        return [jsonable(x) for x in v.tolist()]
    if isinstance(v, np.generic):
        return jsonable(v.item())
    if isinstance(v, float):
        return v if np.isfinite(v) else None
    if isinstance(v, Mapping):
        return {str(k): jsonable(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [jsonable(x) for x in v]
    return v


# --- forecast ------------------------------------------------------------------------------------
def collect_forecasts(sc: Scenario, seed: int = 0) -> dict[str, Part]:
    """Every registered model, each run on its own so one failing model hides no other."""
    from allied.forecast.registry import available
    from allied.forecast.runner import run_forecasts

    inp = sc.forecast_input()
    out: dict[str, Part] = {}
    for name in available():
        part = attempt(lambda name=name: run_forecasts(inp, [name], seed=seed)[name])  # type: ignore[misc]
        out[name] = part
    return out


# --- protocol ------------------------------------------------------------------------------------
def _protocol_json(sc: Scenario) -> dict[str, Any]:
    for module, names in (("allied.api", ("protocol_json",)),
                          ("allied.protocol", ("protocol_json", "to_json", "compare_json")),
                          ("allied.protocol.api", ("protocol_json", "to_json"))):
        try:
            fn = _find(module, *names)
        except (ModuleNotFoundError, NotImplementedError):
            continue
        return dict(jsonable(fn(sc)))
    importlib.import_module("allied.protocol")  # raises ModuleNotFoundError when the engine is absent
    raise NotImplementedError("allied.protocol has no JSON entry point (protocol_json) yet")


def collect_protocol(sc: Scenario) -> Part:
    """Protocol engine JSON (DESIGN §5): ``{"protocols": {...}, "rankings": {...}}``."""
    part = attempt(lambda: _protocol_json(sc))
    if part.ok and not part.value.get("protocols"):
        return Part(error="the protocol engine returned no protocols (does the scenario have a protocol: section?)")
    return part


# --- ledger --------------------------------------------------------------------------------------
def _ledger_json(sc: Scenario) -> dict[str, Any]:
    if sc.alliance is None:
        raise ValueError("the scenario has no alliance: section")
    for module, names in (("allied.api", ("ledger_json",)),
                          ("allied.ledger", ("ledger_json", "to_json")),
                          ("allied.ledger.api", ("ledger_json", "to_json"))):
        try:
            fn = _find(module, *names)
        except (ModuleNotFoundError, NotImplementedError):
            continue
        return dict(jsonable(fn(sc)))
    importlib.import_module("allied.ledger")
    raise NotImplementedError("allied.ledger has no JSON entry point (ledger_json) yet")


def collect_ledger(sc: Scenario) -> Part:
    """Ledger engine JSON (DESIGN §5): ``{"lines", "totals", "burden", "tests"}``."""
    return attempt(lambda: _ledger_json(sc))


# --- sweep and sensitivity -----------------------------------------------------------------------
def collect_sweep(sc: Scenario, models: list[str], samples: int, seed: int = 0) -> Part:
    """A small sweep per model: a DataFrame with columns ``model, issue, sample, forecast``."""

    def run() -> pd.DataFrame:
        fn = _find("allied.api", "sweep") if hasattr(importlib.import_module("allied.api"), "sweep") \
            else _find("allied.sweep", "sweep")
        frames = []
        for m in models:
            df = fn(sc, model=m, samples=samples, seed=seed)
            df = df.df() if hasattr(df, "df") else pd.DataFrame(df)
            if "model" not in df.columns:
                df = df.assign(model=m)
            frames.append(df)
        return pd.concat(frames, ignore_index=True)

    return attempt(run)


def collect_sensitivity(sc: Scenario, model: str, samples: int, seed: int = 0) -> Part:
    """Sobol indices per issue: ``{"issues": {ID: {"indices": {INPUT: {S1, S1_conf, ST, ST_conf}}}}}``."""

    def run() -> dict[str, Any]:
        fn = _find("allied.api", "sensitivity") if hasattr(importlib.import_module("allied.api"), "sensitivity") \
            else _find("allied.sweep", "sensitivity")
        res = fn(sc, method="sobol", model=model, samples=samples, seed=seed)
        return dict(jsonable(res))

    return attempt(run)
